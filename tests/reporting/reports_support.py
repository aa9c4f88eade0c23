"""A small yearly report written for the tests: prose that rounds (在校生 8 万人) and an annex table
with the exact figure (75600), and a lower bound (60% 以上) that the annex contradicts (41.2%)."""

from __future__ import annotations

from reporting import services
from reporting.models import Report

ROUNDED_AND_EXACT = "\n".join(
    [
        "鹤壁市中等职业教育质量年度报告（2023年）",
        "",
        "一、基本情况",
        "全市中等职业学校在校生 8 万人。专任教师队伍持续壮大，“双师型”教师占比 60% 以上。",
        "",
        "附表 主要办学指标",
        "\t".join(["序号", "指标", "单位", "2023年"]),
        "\t".join(["1", "在校生数", "人", "75600"]),
        "\t".join(["2", "“双师型”教师占比", "%", "41.2"]),
        "",
    ]
)
PROSE_LINE, ANNEX_ENROLLMENT_LINE, ANNEX_DUAL_LINE = 4, 8, 9


def rounded_and_exact_report_process() -> Report:
    """Upload and process the report as an upload would be (needs the reference data)."""
    report, _ = services.report_upload_create(
        name="鹤壁市2023年职业教育质量年度报告.txt", data=ROUNDED_AND_EXACT.encode("utf-8")
    )
    processed = services.report_process(report_id=report.pk)
    assert processed is not None
    return processed
