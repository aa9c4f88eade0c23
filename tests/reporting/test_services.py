"""Uploading and processing yearly quality reports (reporting/services.py), on the real Xinxiang
report (seed 001), a school's report (seed 003), the Nanyang demo sample and the suite's own
test reports in tests/data/reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from reporting import services
from reporting.models import Figure, FigureConflict, FigureStatus, Report, ReportStatus
from tasks_registry.models import Jurisdiction, JurisdictionKind
from tests.conftest import FIXTURES, ROOT, seed_file
from tests.factories import SupervisorFactory
from tests.reporting.reports_support import (
    ANNEX_DUAL_LINE,
    ANNEX_ENROLLMENT_LINE,
    PROSE_LINE,
    rounded_and_exact_report_process,
)

NANYANG_SAMPLE = FIXTURES / "sample" / "南阳市2023年职业教育质量年度报告示例.txt"
TEST_REPORTS = ROOT / "tests" / "data" / "reports"


def upload(path: Path, *, name: str | None = None) -> tuple[Report, bool]:
    return services.report_upload_create(name=name or path.name, data=path.read_bytes())


def upload_and_process(path: Path) -> Report:
    report, _ = upload(path)
    processed = services.report_process(report_id=report.pk)
    assert processed is not None
    return processed


def line_of(path: Path, fragment: str) -> int:
    """The 1-based line of ``path`` on which ``fragment`` is printed (exactly one such line)."""
    lines = [
        n
        for n, text in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
        if fragment in text
    ]
    assert len(lines) == 1, f"{fragment!r} 出现在第 {lines} 行"
    return lines[0]


def stored_files() -> list[Path]:
    media = Path(django_settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# ---------------------------------------------------------------------------------------------
# The Xinxiang report, end to end


@pytest.mark.django_db
@pytest.mark.seeds
def test_xinxiang_report_is_processed_into_the_city_and_year_with_its_training_figure(
    reference_data,
):
    report, created = upload(seed_file("001"))
    assert created
    assert report.get_status_display() == "已上传，等待处理"

    report = services.report_process(report_id=report.pk)

    assert report.status == ReportStatus.DONE, report.message
    assert report.jurisdiction.name == "新乡市"
    assert report.jurisdiction.path == "河南省 / 新乡市"
    assert report.year == 2023
    training = Figure.objects.get(
        report=report, indicator__code="training_sessions", kind="actual", year=2023
    )
    assert (training.value, training.unit, training.line) == (Decimal("77000"), "人次", 272)
    assert "7.7 万人次" in training.text
    assert training.value_display == "77000 人次"
    assert training.source_display == "第 272 行"


@pytest.mark.django_db
@pytest.mark.seeds
def test_summary_and_message_count_the_figures_actually_stored(reference_data):
    report = upload_and_process(seed_file("001"))

    figures = Figure.objects.filter(report=report)
    linked = figures.filter(indicator__isnull=False, subject="")
    assert report.summary["figures"] == figures.count() > 100
    assert report.summary["linked"] == linked.count() > 0
    assert report.summary["conflicts"] == FigureConflict.objects.filter(report=report).count()
    assert "training_sessions" in report.summary["indicators"]
    assert report.message.startswith(
        f"识别 {figures.count()} 个数据，其中 {linked.count()} 个关联到指标"
    )


# ---------------------------------------------------------------------------------------------
# Repeats: the same file, the same job


@pytest.mark.django_db
@pytest.mark.seeds
def test_the_same_file_uploaded_twice_is_one_report(reference_data):
    first, created_first = upload(seed_file("001"))
    second, created_second = upload(seed_file("001"), name="新乡市2023年报告（再次上传）.txt")

    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert Report.objects.count() == 1
    assert len(stored_files()) == 1


@pytest.mark.django_db
@pytest.mark.seeds
def test_processing_a_report_twice_does_not_duplicate_its_figures(reference_data):
    report = upload_and_process(seed_file("001"))
    count = Figure.objects.filter(report=report).count()
    conflicts = FigureConflict.objects.filter(report=report).count()

    again = services.report_process(report_id=report.pk)

    assert again.status == ReportStatus.DONE
    assert Figure.objects.filter(report=report).count() == count
    assert FigureConflict.objects.filter(report=report).count() == conflicts
    assert (
        Figure.objects.filter(
            report=report, indicator__code="training_sessions", value=77000
        ).count()
        == 1
    )


@pytest.mark.django_db
@pytest.mark.seeds
def test_rejecting_a_figure_requires_a_reason(reference_data):
    report = upload_and_process(seed_file("001"))
    figure = Figure.objects.get(report=report, indicator__code="training_sessions")
    supervisor = SupervisorFactory()

    for reason in ("", "   "):
        with pytest.raises(ValueError, match="驳回须填写理由"):
            services.figure_reject(figure=figure, by=supervisor, note=reason)

    figure.refresh_from_db()
    assert figure.status == FigureStatus.EXTRACTED
    assert figure.reviewed_by is None


@pytest.mark.django_db
@pytest.mark.seeds
def test_reviewed_figures_survive_reprocessing_with_their_review(reference_data):
    report = upload_and_process(seed_file("001"))
    total = Figure.objects.filter(report=report).count()
    supervisor = SupervisorFactory(username="duban")
    training = Figure.objects.get(report=report, indicator__code="training_sessions")
    certificates = Figure.objects.get(report=report, indicator__code="certificates", line=272)
    enrollment = Figure.objects.get(report=report, indicator__code="enrollment", line=82)

    services.figure_confirm(figure=training, by=supervisor)
    services.figure_reject(
        figure=certificates, by=supervisor, note="取证 5 万人为全市各类取证合计，非中职学校数据"
    )
    services.figure_correct(
        figure=enrollment,
        by=supervisor,
        indicator=enrollment.indicator,
        value=Decimal("45123"),
        unit="人",
        kind="actual",
        year=2023,
        note="按学籍系统更正",
    )
    enrollment.refresh_from_db()
    assert enrollment.value == Decimal("45123")
    assert Decimal(enrollment.extracted["value"]) == Decimal("45100")  # the original as read

    again = services.report_process(report_id=report.pk)

    assert again.status == ReportStatus.DONE
    assert Figure.objects.filter(report=report).count() == total
    assert again.summary["reviewed_kept"] == 3
    assert "保留已审核数据 3 个" in again.message
    kept = {
        f.pk: f for f in Figure.objects.filter(pk__in=[training.pk, certificates.pk, enrollment.pk])
    }
    assert {pk: (f.get_status_display(), f.reviewed_by) for pk, f in kept.items()} == {
        training.pk: ("已确认", supervisor),
        certificates.pk: ("已驳回", supervisor),
        enrollment.pk: ("已更正", supervisor),
    }
    assert kept[certificates.pk].review_note == "取证 5 万人为全市各类取证合计，非中职学校数据"
    assert kept[enrollment.pk].value == Decimal("45123")
    assert Decimal(kept[enrollment.pk].extracted["value"]) == Decimal("45100")
    # No second, unreviewed copy of a reviewed figure came back.
    assert Figure.objects.filter(report=report, indicator__code="enrollment", line=82).count() == 1
    assert Figure.objects.filter(report=report, indicator__code="training_sessions").count() == 1


# ---------------------------------------------------------------------------------------------
# Refusals


UNREADABLE = [
    pytest.param("新乡市2023年报告.pdf", b"%PDF-1.4\n1 0 obj\n", "无法打开 PDF 文件", id="pdf"),
    pytest.param(
        "新乡市2023年报告.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        "另存为 .docx",  # damaged: LibreOffice cannot convert it (or is not installed)
        id="doc",
    ),
    pytest.param("新乡市2023年报告.txt", b"", "文件是空的", id="empty"),
    pytest.param(
        "新乡市2023年报告.txt",
        bytes(range(0x80, 0x100)) * 8,
        "无法识别文件编码",
        id="not-utf8-or-gbk",
    ),
    pytest.param(
        "无年份.txt",
        "某某市职业教育质量年度报告\n\n全市中等职业学校 12 所。\n".encode(),
        "找不到报告年份",
        id="no-year",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "reason"), UNREADABLE)
def test_an_unreadable_file_is_refused_by_a_batch_load_with_a_reason_and_nothing_is_stored(
    reference_data, name, data, reason
):
    with pytest.raises(services.ReportRejected) as refused:
        services.report_ingest(name=name, data=data)

    message = str(refused.value)
    assert message.startswith(f"{name}：")
    assert reason in message
    assert Report.objects.count() == 0
    assert stored_files() == []


@pytest.mark.django_db
def test_an_empty_upload_is_refused_before_anything_is_stored(reference_data):
    with pytest.raises(services.ReportRejected) as refused:
        services.report_upload_create(name="新乡市2023年报告.txt", data=b"")

    assert str(refused.value) == "新乡市2023年报告.txt：文件是空的"
    assert Report.objects.count() == 0
    assert stored_files() == []


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "reason"), [p for p in UNREADABLE if p.id != "empty"])
def test_an_unreadable_upload_is_accepted_and_its_processing_ends_failed_with_the_reason(
    reference_data, name, data, reason
):
    """The upload request only stores the file; the worker reads it and says why it cannot."""
    report, created = services.report_upload_create(name=name, data=data)
    assert created and report.status == ReportStatus.UPLOADED

    services.report_process(report_id=report.pk)

    report.refresh_from_db()
    assert report.get_status_display() == "失败"
    assert report.message.startswith(f"{name}：")
    assert reason in report.message
    assert report.figures.count() == 0


@pytest.mark.django_db
@pytest.mark.seeds
def test_an_upload_over_the_size_limit_is_refused_and_nothing_is_stored(reference_data, settings):
    data = seed_file("001").read_bytes()
    settings.REPORT_MAX_BYTES = 1000
    assert len(data) > 1000

    with pytest.raises(services.ReportRejected) as refused:
        services.report_upload_create(name="新乡市2023年报告.txt", data=data)

    assert str(refused.value).startswith("新乡市2023年报告.txt：")
    assert "超过上限" in str(refused.value)
    assert Report.objects.count() == 0
    assert stored_files() == []


# ---------------------------------------------------------------------------------------------
# Where a report belongs


@pytest.mark.django_db
@pytest.mark.seeds
def test_a_school_report_is_placed_under_its_county(reference_data):
    report = upload_and_process(seed_file("003"))

    school = report.jurisdiction
    assert report.status == ReportStatus.DONE, report.message
    assert (school.name, school.kind) == ("延津县职业中等专业学校", JurisdictionKind.SCHOOL)
    assert (school.parent.name, school.parent.kind) == ("延津县", JurisdictionKind.COUNTY)
    assert school.parent.parent.name == "新乡市"
    assert school.path == "河南省 / 新乡市 / 延津县 / 延津县职业中等专业学校"
    assert not school.needs_review
    assert report.year == 2023


@pytest.mark.django_db
def test_an_unknown_city_is_kept_as_written_and_marked_for_review(reference_data, tmp_path):
    path = tmp_path / "某某市2023年报告.txt"
    path.write_text(
        "某某市职业教育质量年度报告（2023年度）\n\n全市中等职业学校 12 所，在校生 3.2 万人。\n",
        encoding="utf-8",
    )
    before = Jurisdiction.objects.count()

    report = upload_and_process(path)

    assert report.status == ReportStatus.DONE, report.message
    city = report.jurisdiction
    assert (city.name, city.kind, city.parent, city.needs_review) == (
        "某某市",
        JurisdictionKind.CITY,
        None,
        True,
    )
    assert report.year == 2023
    assert Jurisdiction.objects.count() == before + 1
    enrollment = Figure.objects.get(report=report, indicator__code="enrollment")
    assert enrollment.value == Decimal("32000")


# ---------------------------------------------------------------------------------------------
# Conflicts, Word files, failures


@pytest.mark.django_db
def test_nanyang_sample_keeps_disagreeing_figures_side_by_side_as_conflicts(reference_data):
    report = upload_and_process(NANYANG_SAMPLE)
    prose_line = line_of(NANYANG_SAMPLE, "占专业教师的比例达到 60% 以上")
    annex_line = line_of(NANYANG_SAMPLE, "双师素质专任教师比例")

    dual = FigureConflict.objects.get(report=report, indicator__code="dual_qualified_ratio")
    assert dual.year == 2023
    assert f"第 {prose_line} 行 ≥60%" in dual.description
    assert f"第 {annex_line} 行（教学资源表第 2 行） 41.2%" in dual.description
    assert sorted((f.line, f.value) for f in dual.figures.all()) == [
        (prose_line, Decimal("60")),
        (annex_line, Decimal("41.2")),
    ]

    certificates = FigureConflict.objects.get(report=report, indicator__code="certificates")
    assert f"第 {line_of(NANYANG_SAMPLE, '取证 26455 人')} 行 26455人" in certificates.description
    assert (
        f"第 {line_of(NANYANG_SAMPLE, '20399')} 行（落实政策表第 8 行） 20399人"
        in certificates.description
    )
    assert report.summary["conflicts"] == FigureConflict.objects.filter(report=report).count() >= 2
    assert "数据不一致" in report.message


@pytest.mark.django_db
def test_a_word_report_is_processed_with_linked_figures(reference_data):
    report = upload_and_process(TEST_REPORTS / "luoyang_2023_word.docx")

    assert report.status == ReportStatus.DONE, report.message
    assert report.jurisdiction.path == "河南省 / 洛阳市"
    assert report.year == 2023
    linked = Figure.objects.filter(report=report, indicator__isnull=False, subject="")
    assert report.summary["linked"] == linked.count() > 0
    training = Figure.objects.get(report=report, indicator__code="training_sessions", kind="actual")
    assert (training.value, training.unit, training.year) == (Decimal("45253"), "人次", 2023)
    dual = FigureConflict.objects.get(report=report, indicator__code="dual_qualified_ratio")
    assert sorted(f.value for f in dual.figures.all()) == [Decimal("44.7"), Decimal("58")]


@pytest.mark.django_db
@pytest.mark.seeds
def test_a_report_whose_stored_file_is_gone_ends_as_failed_with_a_message(reference_data):
    report, _ = upload(seed_file("001"), name="新乡市2023年报告.txt")
    report.file.storage.delete(report.file.name)

    services.report_process(report_id=report.pk)  # the background job: must not leave it half-done

    report.refresh_from_db()
    assert report.get_status_display() == "失败"
    assert "新乡市2023年报告.txt" in report.message
    assert "请重新上传" in report.message
    assert Figure.objects.filter(report=report).count() == 0


# ---------------------------------------------------------------------------------------------
# Rounding: a figure keeps the precision it was written to


@pytest.mark.django_db
def test_a_rounded_figure_and_the_exact_annex_figure_are_no_conflict_on_the_report(
    reference_data,
):
    report = rounded_and_exact_report_process()

    enrollment = Figure.objects.filter(report=report, indicator__code="enrollment")
    assert sorted((f.line, f.value, f.precision) for f in enrollment) == [
        (PROSE_LINE, Decimal("80000"), Decimal("5000")),  # 8 万 covers 75 000–85 000
        (ANNEX_ENROLLMENT_LINE, Decimal("75600"), Decimal("0.5")),
    ]
    assert not FigureConflict.objects.filter(report=report, indicator__code="enrollment").exists()
    dual = FigureConflict.objects.get(report=report, indicator__code="dual_qualified_ratio")
    assert sorted((f.line, f.value) for f in dual.figures.all()) == [
        (PROSE_LINE, Decimal("60")),
        (ANNEX_DUAL_LINE, Decimal("41.2")),
    ]
    assert report.summary["conflicts"] == 1


@pytest.mark.django_db
def test_a_value_a_reviewer_types_is_exact_but_other_corrections_keep_the_rounding(
    reference_data,
):
    report = rounded_and_exact_report_process()
    supervisor = SupervisorFactory(username="hedui")
    rounded = Figure.objects.get(report=report, indicator__code="enrollment", line=PROSE_LINE)

    def correct(value: str, year: int) -> Figure:
        services.figure_correct(
            figure=rounded,
            by=supervisor,
            indicator=rounded.indicator,
            value=Decimal(value),
            unit="人",
            kind="actual",
            year=year,
            note="按学籍系统核对",
        )
        rounded.refresh_from_db()
        return rounded

    assert correct("80000", 2024).precision == Decimal("5000")  # the year was wrong, not the 8 万
    assert correct("78412", 2023).precision == Decimal("0")
