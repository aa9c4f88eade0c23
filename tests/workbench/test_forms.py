"""The workbench's forms on their own: the unit a value is typed in, the evidence checks said
before anything is written, a service's refusal put next to its field, the reason to return."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from tasks_registry.models import evidence_rules_text
from tests.factories import TargetFactory
from workbench.forms import EntryForm, ReturnForm, evidence_file_errors

pytestmark = pytest.mark.django_db


def form(target, data, files=None) -> EntryForm:
    return EntryForm(data, MultiValueDict(files or {}), target=target)


def test_money_typed_in_wan_yuan_is_given_to_the_service_in_yuan():
    target = TargetFactory(unit="元", value=Decimal("6000000"))
    f = form(target, {"year": "2023", "value": "612.5"})
    assert f.is_valid(), f.errors
    assert f.unit == "万元"
    assert f.entry_input().value == Decimal("6125000")
    assert "此处按万元填写" in f.fields["value"].help_text


def test_a_percentage_is_stored_as_typed():
    f = form(TargetFactory(), {"year": "2023", "value": "41.2", "narrative": "  已认定  "})
    assert f.is_valid(), f.errors
    data = f.entry_input()
    assert (data.value, data.year, data.quarter, data.narrative) == (
        Decimal("41.2"),
        2023,
        None,
        "已认定",
    )


def test_a_stored_value_is_typed_back_in_the_input_unit():
    assert EntryForm.typed_value(Decimal("6125000.0000"), "元") == "612.5"
    assert EntryForm.typed_value(Decimal("41.2000"), "%") == "41.2"
    assert EntryForm.typed_value(Decimal("33938"), "人次") == "33938"  # no grouping space
    assert EntryForm.typed_value(None, "%") == ""


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "请填写年度，如 2023"),
        ("23", "年度应为四位年份，如 2023"),
        ("二〇二三", "年度应为四位年份"),
    ],
)
def test_a_bad_year_is_said_in_chinese(year, message):
    f = form(TargetFactory(), {"year": year, "value": "1"})
    assert not f.is_valid()
    assert message in f.errors["year"][0]


def test_a_value_that_is_not_a_number_is_said_in_chinese():
    f = form(TargetFactory(), {"year": "2023", "value": "四十"})
    assert not f.is_valid()
    assert f.errors["value"] == ["完成值请填写数字，如 41.2"]


def test_every_bad_file_is_named_next_to_the_evidence_field(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    files = {
        "evidence": [
            SimpleUploadedFile("a.pdf", b"%PDF-1.4 ok"),
            SimpleUploadedFile("b.pdf", b"plain words"),
            SimpleUploadedFile("c.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2000),
        ]
    }
    f = form(TargetFactory(), {"year": "2023", "value": "1"}, files)
    assert not f.is_valid()
    errors = " ".join(f.errors["evidence"])
    assert "a.pdf" not in errors
    assert "文件“b.pdf”的内容与扩展名 .pdf 不符" in errors
    assert "文件“c.png”大小为 2 KB，超过上限 1 KB" in errors


def test_the_evidence_check_is_the_models_own():
    assert evidence_file_errors(SimpleUploadedFile("a.pdf", b"%PDF-1.7 x")) == []
    assert evidence_file_errors(SimpleUploadedFile("x.jpg", b"GIF89a")) == [
        "文件“x.jpg”的内容与扩展名 .jpg 不符：不是 JPEG 图片，请上传真实的文件"
    ]


def test_what_may_be_uploaded_is_said_from_the_settings(settings):
    settings.EVIDENCE_EXTENSIONS = ["pdf", "JPG"]
    settings.EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    rules = evidence_rules_text(multiple=True)
    assert rules == "可上传 pdf、jpg 文件，可多选；单个文件不超过 20 MB"
    f = form(TargetFactory(), None)
    assert f.fields["evidence"].widget.attrs["accept"] == ".pdf,.jpg"


def test_a_services_refusal_goes_next_to_its_field():
    f = form(TargetFactory(), {"year": "2023", "value": "1"})
    assert f.is_valid()
    f.add_service_error(
        ValidationError({"file": ["文件“a.pdf”是空的"], "narrative": ["请填写进展情况"]})
    )
    f.add_service_error(ValidationError("“目标 · 2023年”当前状态为已通过，不能修改"))
    assert f.errors["evidence"] == ["文件“a.pdf”是空的"]
    assert f.errors["narrative"] == ["请填写进展情况"]
    assert f.non_field_errors() == ["“目标 · 2023年”当前状态为已通过，不能修改"]


def test_the_place_field_is_only_there_for_a_per_county_target():
    assert "jurisdiction" not in form(TargetFactory(), None).fields


def test_a_return_needs_a_reason():
    assert not ReturnForm({"reason": "  "}).is_valid()
    assert ReturnForm({"reason": "  "}).errors["reason"] == [
        "请填写退回原因：说明需要修改或补充什么"
    ]
    f = ReturnForm({"reason": " 请补充名单 "})
    assert f.is_valid() and f.cleaned_data["reason"] == "请补充名单"
