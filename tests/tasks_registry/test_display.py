"""Numbers, ratios and dates as people write them (tasks_registry.display)."""

import datetime
from decimal import Decimal as D

import pytest
from django.template import Context, Template

from tasks_registry import display


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (D("60.0000"), "%", "60%"),
        (D("41.2000"), "%", "41.2%"),
        (D("6000000.0000"), "元", "600 万元"),
        (D("3000000"), "元", "300 万元"),
        (D("6123400"), "元", "612.34 万元"),
        (D("9500"), "元", "9500 元"),
        (D("33938"), "人次", "33 938 人次"),
        (D("104200"), "人次", "104 200 人次"),
        (D("100000"), "人次", "10 万人次"),
        (D("200000000"), "元", "2 亿元"),
        (D("8"), "所", "8 所"),
        (D("4216"), "人", "4216 人"),
        (D("1.5"), "万元", "1.5 万元"),
        (D("-182"), "人", "-182 人"),
        (D("12.3456"), "", "12.35"),
        (None, "%", "—"),
    ],
)
def test_amounts_read_as_written(value, unit, shown):
    assert display.amount_text(value, unit) == shown


def test_a_comparison_is_a_sign_before_the_amount():
    assert display.amount_text(D("60"), "%", comparison="ge") == "≥60%"
    assert display.amount_text(D("100000"), "人次", comparison="ge") == "≥10 万人次"


def test_ranges_share_their_unit():
    assert display.range_text(D("8"), D("10"), "所") == "8–10 所"
    assert display.range_text(D("3000000"), D("5000000"), "元") == "300–500 万元"
    assert display.range_text(D("60"), D("70"), "%") == "60–70%"


def test_ratios_are_percentages_with_one_decimal():
    assert display.ratio_text(D("0.3394")) == "33.9%"
    assert display.ratio_text(D("1.1313")) == "113.1%"
    assert display.ratio_text(None) == "—"


def test_money_is_typed_in_wan_yuan():
    assert display.unit_input("元") == ("万元", D(10000))
    assert display.unit_input("%") == ("%", D(1))


def test_dates_and_days_in_chinese():
    assert display.date_text(datetime.date(2025, 12, 31)) == "2025年12月31日"
    assert display.date_text(datetime.datetime(2025, 1, 2, 9, 5)) == "2025年1月2日 09:05"
    today = datetime.date(2025, 12, 1)
    assert display.days_text(datetime.date(2025, 12, 13), today) == "还剩 12 天"
    assert display.days_text(today, today) == "今天到期"
    assert display.days_text(datetime.date(2025, 11, 1), today) == "已逾期 30 天"


def test_template_filters_use_the_same_rules():
    html = Template(
        "{% load display %}{{ v|amount:'元' }}|{{ r|ratio }}|{{ d|cn_date }}|{{ n|number }}"
    ).render(
        Context({"v": D("6000000"), "r": D("0.3394"), "d": datetime.date(2023, 5, 4), "n": 33938})
    )
    assert html == "600 万元|33.9%|2023年5月4日|33 938"
