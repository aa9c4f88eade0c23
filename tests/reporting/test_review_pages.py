"""Reviewing a report's figures where they are (reporting/admin.py and its templates), through real
requests on the Nanyang sample report (fixtures/sample), which has four conflicts and a dozen
待关联的数据: the report page lists each conflict side by side with links; 仅冲突 and 待关联 open
the figure list filtered to just those; a figure's page says what it measures in words and
carries 确认 / 更正 / 驳回 for supervisors, and for nobody else."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from reporting import selectors, services
from reporting.models import Figure, FigureConflict, FigureStatus, Report
from tasks_registry import display
from tests.conftest import FIXTURES, client_for

NANYANG_SAMPLE = FIXTURES / "sample" / "南阳市2023年职业教育质量年度报告示例.txt"
REPORT_CHANGE = "admin:reporting_report_change"
REPORT_CHANGELIST = "admin:reporting_report_changelist"
FIGURE_CHANGE = "admin:reporting_figure_change"
FIGURE_CHANGELIST = "admin:reporting_figure_changelist"
CONFIRM = "admin:reporting_figure_confirm"
CORRECT = "admin:reporting_figure_correct"
REJECT = "admin:reporting_figure_reject"


@pytest.fixture
def nanyang(reference_data) -> Report:
    report, _ = services.report_upload_create(
        name=NANYANG_SAMPLE.name, data=NANYANG_SAMPLE.read_bytes()
    )
    processed = services.report_process(report_id=report.pk)
    assert processed is not None
    return processed


def text_of(markup: str) -> str:
    """What a person reads on the page: no tags, scripts or attribute values."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def section(markup: str, element_id: str) -> str:
    """The element with ``element_id``, through its matching closing tag."""
    start = re.search(rf'<(\w+)\b[^>]*\bid="{element_id}"', markup)
    assert start, f"页面上没有 #{element_id}"
    tag, depth = start.group(1), 0
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", markup[start.start() :]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return markup[start.start() : start.start() + match.end()]
    raise AssertionError(f"#{element_id} 没有结束标签")


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def dual_ratio_conflict(report: Report) -> FigureConflict:
    return FigureConflict.objects.get(report=report, indicator__code="dual_qualified_ratio")


def annex_dual_figure(report: Report) -> Figure:
    """The annex's 41.2% (the prose says 60% 以上)."""
    return dual_ratio_conflict(report).figures.get(value=Decimal("41.2"))


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {f.pk for f in response.context["cl"].result_list}


def href_of(markup: str, element_id: str) -> str:
    match = re.search(rf'<a href="([^"]+)" id="{element_id}"', markup)
    assert match, f"页面上没有链接 #{element_id}"
    return html.unescape(match.group(1))


# ---------------------------------------------------------------------------------------------
# The report page


@pytest.mark.django_db
def test_report_page_lists_each_conflict_with_both_values_their_places_and_links(
    supervisor, nanyang
):
    page = client_for(supervisor).get(reverse(REPORT_CHANGE, args=[nanyang.pk]))

    assert page.status_code == 200
    conflicts = section(page.content.decode(), "conflicts")
    assert "数据不一致（4 处）" in text_of(conflicts)
    for conflict in FigureConflict.objects.filter(report=nanyang):
        block = section(conflicts, f"conflict-{conflict.pk}")
        assert conflict.indicator.name in text_of(block)
        for figure in conflict.figures.all():
            assert figure.value_text in text_of(block)
            assert figure.source_display in text_of(block)
            assert f'href="{reverse(FIGURE_CHANGE, args=[figure.pk])}"' in block
    dual = text_of(section(conflicts, f"conflict-{dual_ratio_conflict(nanyang).pk}"))
    assert "“双师型”教师占比（2023 年）：2 个数值不一致 · 待核对" in dual
    assert "≥60%" in dual and "41.2%" in dual
    assert "第 120 行（教学资源表第 2 行）" in dual
    assert "41.2000" not in conflicts and "60.0000" not in conflicts


@pytest.mark.django_db
def test_report_page_keeps_its_pending_links_and_links_each_to_its_figure(supervisor, nanyang):
    page = client_for(supervisor).get(reverse(REPORT_CHANGE, args=[nanyang.pk])).content.decode()

    pending = section(page, "pending-links")
    candidates = selectors.figure_link_candidates(report=nanyang)
    assert f"待关联的数据（{len(candidates)} 个）" in text_of(pending)
    for candidate in candidates:
        assert f'href="{reverse(FIGURE_CHANGE, args=[candidate.figure.pk])}"' in pending


@pytest.mark.django_db
def test_only_conflicts_link_opens_the_figure_list_with_just_the_conflicting_figures(
    staff, nanyang
):
    client = client_for(staff)
    page = client.get(reverse(REPORT_CHANGE, args=[nanyang.pk])).content.decode()

    shown = listed(client.get(href_of(page, "only-conflicts")))

    conflicting = set(Figure.objects.filter(conflicts__report=nanyang).values_list("pk", flat=True))
    assert len(conflicting) == 8  # four conflicts of two figures each
    assert shown == conflicting


@pytest.mark.django_db
def test_pending_link_opens_the_figure_list_with_just_the_figures_awaiting_a_link(staff, nanyang):
    client = client_for(staff)
    page = client.get(reverse(REPORT_CHANGE, args=[nanyang.pk])).content.decode()

    shown = listed(client.get(href_of(page, "only-pending")))

    expected = {c.figure.pk for c in selectors.figure_link_candidates(report=nanyang)}
    assert expected and shown == expected
    assert annex_dual_figure(nanyang).pk not in shown  # linked with confidence: not pending


@pytest.mark.django_db
def test_the_filters_leave_other_reports_figures_out(staff, nanyang, reference_data):
    other = services.report_upload_create(
        name="南阳市2022年报告.txt",
        data=(FIXTURES / "sample" / "南阳市2022年职业教育质量年度报告示例.txt").read_bytes(),
    )[0]
    services.report_process(report_id=other.pk)
    url = reverse(FIGURE_CHANGELIST)

    for query in ({"conflict": "yes"}, {"linked": "pending"}):
        shown = listed(client_for(staff).get(url, {"report__id__exact": nanyang.pk, **query}))
        assert shown
        assert not Figure.objects.filter(pk__in=shown).exclude(report=nanyang).exists()


@pytest.mark.django_db
def test_report_page_shows_no_sha256_its_size_in_kb_and_dates_in_chinese(staff, nanyang):
    page = client_for(staff).get(reverse(REPORT_CHANGE, args=[nanyang.pk])).content.decode()

    assert nanyang.sha256 not in page
    assert nanyang.sha256[:16] not in page  # not even in the stored file's path
    assert "SHA-256" not in page
    shown = text_of(page)
    assert f"大小: {nanyang.size_text}" in shown and nanyang.size_text.endswith("KB")
    assert display.date_text(timezone.localtime(nanyang.uploaded_at)) in shown
    assert f'href="{reverse("files:report", args=[nanyang.pk])}"' in page


@pytest.mark.django_db
def test_report_list_shows_upload_dates_in_chinese(staff, nanyang):
    page = client_for(staff).get(reverse(REPORT_CHANGELIST)).content.decode()

    assert display.date_text(timezone.localtime(nanyang.uploaded_at)) in text_of(page)


# ---------------------------------------------------------------------------------------------
# The figure list and a figure's page


@pytest.mark.django_db
def test_figure_list_shows_values_as_written_and_kinds_in_chinese(staff, nanyang):
    response = client_for(staff).get(
        reverse(FIGURE_CHANGELIST), {"report__id__exact": nanyang.pk, "conflict": "yes"}
    )

    table = section(response.content.decode(), "result_list")
    shown = text_of(table)
    assert "41.2%" in shown and "≥60%" in shown and "26 455 人" in shown
    assert "实际值" in shown
    assert "“双师型”教师占比" in shown  # the indicator by its name
    assert ".0000" not in table
    assert "dual_qualified_ratio" not in table and "actual" not in shown


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "supervisor"])
def test_figure_page_shows_the_indicator_kind_and_value_in_words(who, request, nanyang):
    figure = annex_dual_figure(nanyang)

    page = client_for(request.getfixturevalue(who)).get(reverse(FIGURE_CHANGE, args=[figure.pk]))

    assert page.status_code == 200
    summary = text_of(section(page.content.decode(), "figure-summary"))
    assert "指标 “双师型”教师占比" in summary
    assert "类别 实际值" in summary
    assert "数值 41.2%" in summary
    assert "第 120 行（教学资源表第 2 行）" in summary
    assert "双师素质专任教师比例" in summary  # the table row it was read from
    assert "≥60%" in summary  # the figure it disagrees with, linked
    shown = text_of(page.content.decode())
    for code in ("dual_qualified_ratio", "actual", "extracted", "41.2000"):
        assert code not in shown, code
    assert "指标 “双师型”教师占比；数值 41.2%；类别 实际值；年度 2023 年" in shown  # 识别原值


@pytest.mark.django_db
def test_staff_see_no_review_buttons_and_may_not_post_them(staff, nanyang):
    figure = annex_dual_figure(nanyang)
    client = client_for(staff)

    figure_page = client.get(reverse(FIGURE_CHANGE, args=[figure.pk])).content.decode()
    report_page = client.get(reverse(REPORT_CHANGE, args=[nanyang.pk])).content.decode()

    assert 'id="figure-review"' not in figure_page
    for name in (CONFIRM, CORRECT, REJECT):
        assert reverse(name, args=[figure.pk]) not in figure_page + report_page
    assert client.post(reverse(CONFIRM, args=[figure.pk])).status_code == 403
    assert client.post(reverse(CORRECT, args=[figure.pk]), {"value": "50"}).status_code == 403
    assert client.post(reverse(REJECT, args=[figure.pk]), {"note": "不对"}).status_code == 403
    assert client.get(reverse(CORRECT, args=[figure.pk])).status_code == 403
    figure.refresh_from_db()
    assert (figure.status, figure.value, figure.reviewed_by) == (
        FigureStatus.EXTRACTED,
        Decimal("41.2"),
        None,
    )


# ---------------------------------------------------------------------------------------------
# Supervisors review where the figure is


@pytest.mark.django_db
def test_supervisor_confirms_a_conflicting_figure_from_the_report_page_in_one_click(
    supervisor, nanyang
):
    figure = annex_dual_figure(nanyang)
    client = client_for(supervisor)
    report_url = reverse(REPORT_CHANGE, args=[nanyang.pk])
    block = section(
        client.get(report_url).content.decode(), f"conflict-{dual_ratio_conflict(nanyang).pk}"
    )
    button = re.search(
        rf'<button[^>]*formaction="{reverse(CONFIRM, args=[figure.pk])}"[^>]*>确认</button>', block
    )
    assert button, "冲突行上没有“确认”按钮"
    assert f'value="{report_url}"' in button.group(0)  # comes back to the report

    response = client.post(reverse(CONFIRM, args=[figure.pk]), {"next": report_url})

    assert response.status_code == 302
    assert response["Location"] == report_url
    figure.refresh_from_db()
    assert (figure.status, figure.reviewed_by) == (FigureStatus.CONFIRMED, supervisor)
    assert (
        "success",
        "已确认“双师素质专任教师比例 41.2%”（“双师型”教师占比，第 120 行（教学资源表第 2 行））",
    ) in messages_of(response)
    again = text_of(client.get(report_url).content.decode())
    assert "2 个数值不一致 · 已核定：41.2%（已确认）" in again


@pytest.mark.django_db
def test_supervisor_confirms_on_the_figure_page_with_a_note(supervisor, nanyang):
    figure = annex_dual_figure(nanyang)
    client = client_for(supervisor)
    page = client.get(reverse(FIGURE_CHANGE, args=[figure.pk])).content.decode()
    assert f'action="{reverse(CONFIRM, args=[figure.pk])}"' in section(page, "figure-review")

    response = client.post(reverse(CONFIRM, args=[figure.pk]), {"note": "与附表一致"})

    assert response["Location"] == reverse(FIGURE_CHANGE, args=[figure.pk])
    figure.refresh_from_db()
    assert (figure.status, figure.review_note) == (FigureStatus.CONFIRMED, "与附表一致")


@pytest.mark.django_db
def test_supervisor_corrects_a_figure_on_its_page_and_the_original_is_kept(supervisor, nanyang):
    figure = annex_dual_figure(nanyang)
    client = client_for(supervisor)
    page = section(
        client.get(reverse(FIGURE_CHANGE, args=[figure.pk])).content.decode(), "figure-correct"
    )
    assert 'value="41.2"' in page  # prefilled as written, not 41.2000
    whole = client.get(reverse(FIGURE_CHANGE, args=[figure.pk])).content.decode()
    assert "41.2000" not in whole  # nor in the admin's own form below
    assert '<span class="wb-unit">%</span>' in page

    response = client.post(
        reverse(CORRECT, args=[figure.pk]),
        {
            "value": "43.5",
            "indicator": str(figure.indicator_id),
            "kind": "actual",
            "year": "2023",
            "note": "按人事台账更正",
        },
    )

    assert response.status_code == 302
    figure.refresh_from_db()
    assert (figure.status, figure.value, figure.unit, figure.reviewed_by, figure.review_note) == (
        FigureStatus.CORRECTED,
        Decimal("43.5"),
        "%",
        supervisor,
        "按人事台账更正",
    )
    assert Decimal(figure.extracted["value"]) == Decimal("41.2")
    assert (
        "success",
        "已更正为““双师型”教师占比 43.5%”（实际值，2023 年）；识别原值保留在历史中",
    ) in messages_of(response)


@pytest.mark.django_db
def test_money_is_corrected_in_wan_yuan(supervisor, nanyang):
    figure = Figure.objects.get(report=nanyang, unit="元", value=Decimal("280029600"))
    client = client_for(supervisor)
    form = section(
        client.get(reverse(FIGURE_CHANGE, args=[figure.pk])).content.decode(), "figure-correct"
    )
    assert 'value="28002.96"' in form and '<span class="wb-unit">万元</span>' in form

    client.post(
        reverse(CORRECT, args=[figure.pk]),
        {
            "value": "28100",
            "indicator": str(figure.indicator_id or ""),
            "kind": figure.kind,
            "year": str(figure.year or ""),
        },
    )

    figure.refresh_from_db()
    assert (figure.value, figure.status) == (Decimal("281000000"), FigureStatus.CORRECTED)
    assert figure.value_text == "28 100 万元"


@pytest.mark.django_db
def test_a_correction_that_is_not_a_number_says_so_and_changes_nothing(supervisor, nanyang):
    figure = annex_dual_figure(nanyang)

    response = client_for(supervisor).post(
        reverse(CORRECT, args=[figure.pk]),
        {"value": "四十", "indicator": str(figure.indicator_id), "kind": "actual", "year": "2023"},
    )

    assert response.status_code == 200
    assert "数值须是数字，如 41.2 或 77000" in text_of(response.content.decode())
    figure.refresh_from_db()
    assert (figure.status, figure.value) == (FigureStatus.EXTRACTED, Decimal("41.2"))


@pytest.mark.django_db
def test_supervisor_rejects_a_figure_on_its_page_with_a_reason(supervisor, nanyang):
    figure = dual_ratio_conflict(nanyang).figures.get(value=Decimal("60"))
    client = client_for(supervisor)
    report_url = reverse(REPORT_CHANGE, args=[nanyang.pk])

    response = client.post(
        reverse(REJECT, args=[figure.pk]), {"note": "正文为约数，以附表为准", "next": report_url}
    )

    assert response["Location"] == report_url
    figure.refresh_from_db()
    assert (figure.status, figure.reviewed_by, figure.review_note) == (
        FigureStatus.REJECTED,
        supervisor,
        "正文为约数，以附表为准",
    )
    assert (
        "success",
        "已驳回“双师型教师占比 ≥60%”：正文为约数，以附表为准（不再用于计算达成情况）",
    ) in messages_of(response)


@pytest.mark.django_db
def test_a_rejection_without_a_reason_asks_for_one_and_changes_nothing(supervisor, nanyang):
    figure = annex_dual_figure(nanyang)

    response = client_for(supervisor).post(reverse(REJECT, args=[figure.pk]), {"note": "  "})

    assert response.status_code == 200
    assert "请填写驳回理由" in text_of(response.content.decode())
    figure.refresh_from_db()
    assert (figure.status, figure.review_note) == (FigureStatus.EXTRACTED, "")


@pytest.mark.django_db
def test_a_review_never_sends_the_user_to_another_site(supervisor, nanyang):
    figure = annex_dual_figure(nanyang)

    response = client_for(supervisor).post(
        reverse(CONFIRM, args=[figure.pk]), {"next": "https://example.com/"}
    )

    assert response["Location"] == reverse(FIGURE_CHANGE, args=[figure.pk])


# ---------------------------------------------------------------------------------------------
# In a real browser: the page's own form carries the click (CSRF, CSP, no script)


def test_a_supervisor_confirms_a_conflict_from_the_report_page_with_one_click_in_a_browser(
    live_server, transactional_db, browser_page
):
    from tasks_registry.services import demo_accounts_create, reference_data_load

    reference_data_load()
    report, _ = services.report_upload_create(
        name=NANYANG_SAMPLE.name, data=NANYANG_SAMPLE.read_bytes()
    )
    services.report_process(report_id=report.pk)
    demo_accounts_create()
    figure = annex_dual_figure(report)
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next={reverse(REPORT_CHANGE, args=[report.pk])}")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "demo-2026")
    page.click("input[type=submit]")
    page.wait_for_selector("#conflicts")

    row = page.locator(f"#conflict-{dual_ratio_conflict(report).pk} tr.conflict-figure").filter(
        has_text="41.2%"
    )
    row.get_by_role("button", name="确认").click()  # the one click

    page.wait_for_selector("#conflicts")
    assert "已确认“双师素质专任教师比例 41.2%”" in page.locator(".messagelist").inner_text()
    figure.refresh_from_db()
    assert figure.status == FigureStatus.CONFIRMED
    assert figure.reviewed_by is not None and figure.reviewed_by.username == "supervisor"
