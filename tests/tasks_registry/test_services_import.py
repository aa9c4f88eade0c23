"""Task-list import (services.tasklist_import, the import_tasklist command) and the
progress-entry services, on the real Nanyang task list (seed 004) and the shipped samples."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from policytext.tasklist import TaskListError
from tasks_registry import services
from tasks_registry.models import (
    Department,
    Indicator,
    Plan,
    ProgressEntry,
    ProgressStatus,
    Recurrence,
    Target,
    Task,
)
from tests.conftest import FIXTURES, seed_file
from tests.factories import ProgressEntryFactory, SupervisorFactory, TargetFactory, UserFactory

PLAN_TITLE = "南阳市各部门工作任务清单"
TASKLISTS = FIXTURES / "tasklists"


def import_nanyang(
    data: bytes | None = None, filename: str = "004_南阳.txt"
) -> services.TaskListImportResult:
    return services.tasklist_import(
        data=seed_file("004").read_bytes() if data is None else data,
        filename=filename,
        plan_title=PLAN_TITLE,
    )


def counts() -> dict[str, int]:
    return {
        "tasks": Task.objects.count(),
        "targets": Target.objects.count(),
        "plans": Plan.objects.count(),
        "departments": Department.objects.count(),
    }


# ---------------------------------------------------------------------------------------------
# What the Nanyang list becomes


@pytest.mark.django_db
@pytest.mark.seeds
def test_nanyang_list_imports_27_tasks_led_as_written(reference_data):
    result = import_nanyang()

    assert Task.objects.filter(plan=result.plan).count() == 27
    assert result.changes["created"] == [str(n) for n in range(1, 28)]
    assert Task.objects.get(number="1").lead.name == "市教育局"


@pytest.mark.django_db
@pytest.mark.seeds
def test_dual_qualified_teacher_share_becomes_a_60_percent_target(reference_data):
    import_nanyang()

    task16 = Task.objects.get(number="16")
    target = task16.targets.get(label__contains="“双师型”教师占比")
    assert (target.comparison, target.value, target.unit) == ("ge", Decimal("60"), "%")
    assert target.worded == "≥60%"
    assert task16.lead.name == "市教育局"
    assert task16.assignments.filter(department__name="市财政局", role="co").exists()


@pytest.mark.django_db
@pytest.mark.seeds
def test_yearly_training_targets_run_from_2022(reference_data):
    import_nanyang()

    targets = list(Task.objects.get(number="20").targets.order_by("position"))
    assert [(t.value, t.unit, t.recurrence, t.from_year) for t in targets] == [
        (Decimal("100000"), "人次", Recurrence.ANNUAL, 2022),
        (Decimal("70000"), "人", Recurrence.ANNUAL, 2022),
    ]


@pytest.mark.django_db
@pytest.mark.seeds
def test_policy_parameters_are_not_read_as_targets(reference_data):
    import_nanyang()

    # 按投资额的30%抵免 (a tax credit) and 编制总额 20% 左右 (a hiring cap) are rules, not goals.
    assert "30%" in Task.objects.get(number="12").text
    assert "20%" in Task.objects.get(number="15").text
    assert not Target.objects.filter(task__number="12").exists()
    assert not Target.objects.filter(task__number="15").exists()


@pytest.mark.django_db
@pytest.mark.seeds
def test_unknown_departments_are_kept_as_written_for_review(reference_data):
    assert not Department.objects.filter(name="市复建办").exists()

    result = import_nanyang()

    assert "市复建办" in result.parsed.unknown_departments
    department = Department.objects.get(name="市复建办")
    assert department.needs_review is True
    assert Task.objects.get(number="7").assignments.filter(department=department).exists()
    assert not Department.objects.get(name="市教育局").needs_review


# ---------------------------------------------------------------------------------------------
# Re-import


@pytest.mark.django_db
@pytest.mark.seeds
def test_reimporting_the_same_list_changes_nothing(reference_data):
    import_nanyang()
    before = counts()

    result = import_nanyang()

    assert counts() == before
    assert result.changes["created"] == []
    assert result.changes["updated"] == []
    assert result.changes["withdrawn"] == []
    assert result.changes["unchanged"] == 27


def _changed_nanyang(tmp_path: Path) -> Path:
    """Seed 004 with task 18's text reworded and task 27's row dropped."""
    lines = seed_file("004").read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if line.startswith("27\t"):
            continue
        if line.startswith("18\t"):
            line = line.replace("按规定给予表彰奖励", "按规定给予表彰奖励和资金支持")
            assert "资金支持" in line
        out.append(line)
    path = tmp_path / "004_南阳_修订.txt"
    path.write_text("\n".join(out), encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.seeds
def test_a_changed_list_updates_in_place_and_withdraws_what_was_dropped(reference_data, tmp_path):
    import_nanyang()
    dropped = Task.objects.get(number="27")
    entry = ProgressEntryFactory(
        task=dropped,
        target=None,
        department=dropped.lead,
        value=None,
        narrative="已完成职称评审制度修订",
    )
    path = _changed_nanyang(tmp_path)

    result = import_nanyang(path.read_bytes(), filename=path.name)

    assert result.changes["created"] == []
    assert [u["number"] for u in result.changes["updated"]] == ["18"]
    assert "任务内容" in result.changes["updated"][0]["changes"]
    assert result.changes["withdrawn"] == ["27"]
    assert "资金支持" in Task.objects.get(number="18").text
    dropped.refresh_from_db()
    assert dropped.is_active is False
    assert Task.objects.count() == 27
    entry.refresh_from_db()
    assert entry.task == dropped


@pytest.mark.django_db
@pytest.mark.seeds
def test_an_indicator_link_survives_reimport(reference_data):
    import_nanyang()
    target = Target.objects.get(task__number="16", unit="%")
    target.indicator = Indicator.objects.get(code="dual_qualified_ratio")
    target.save()

    import_nanyang()

    target.refresh_from_db()
    assert target.indicator.code == "dual_qualified_ratio"
    assert Target.objects.filter(task__number="16").count() == 4


# ---------------------------------------------------------------------------------------------
# Refusals leave nothing behind


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "plan_title", "message"),
    [
        ("bad_no_unit.txt", "平顶山市清单", "第 8 行"),
        ("bad_no_rows.txt", "编制说明", "没有找到任务行"),
    ],
)
def test_a_refused_file_names_what_is_wrong_and_writes_nothing(
    reference_data, filename, plan_title, message
):
    before = counts()

    with pytest.raises(TaskListError) as error:
        services.tasklist_import(
            data=(TASKLISTS / filename).read_bytes(), filename=filename, plan_title=plan_title
        )

    assert message in str(error.value)
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(bytes(range(256)) * 10, id="binary"),
        pytest.param(
            "序号\t工作任务\t负责单位\n1\t建设 3 所示范学校。\t市教育局\n".encode("utf-16"),
            id="utf-16",
        ),
    ],
)
def test_a_file_in_an_unknown_encoding_is_refused_in_chinese(reference_data, data):
    before = counts()

    with pytest.raises(TaskListError) as error:
        services.tasklist_import(data=data, filename="清单.txt", plan_title="某市清单")

    assert "无法识别文件编码" in str(error.value)
    assert counts() == before


@pytest.mark.django_db
def test_a_gbk_file_imports(reference_data):
    result = services.tasklist_import(
        data=(TASKLISTS / "xinyang_gbk.txt").read_bytes(),
        filename="xinyang_gbk.txt",
        plan_title="信阳市清单",
    )

    tasks = Task.objects.filter(plan=result.plan)
    assert tasks.count() == 5
    assert tasks.get(number="1").text.startswith("支持驻信高职院校内涵发展")


@pytest.mark.django_db
def test_a_utf8_file_with_bom_imports_like_one_without(reference_data):
    table = "序号\t工作任务\t负责单位\n1\t培育 5-6 家市级产教融合型企业。\t市发展改革委、市教育局\n"

    result = services.tasklist_import(
        data=b"\xef\xbb\xbf" + table.encode("utf-8"), filename="bom.txt", plan_title="带BOM清单"
    )

    task = Task.objects.get(plan=result.plan)
    assert task.text == "培育 5-6 家市级产教融合型企业。"
    assert task.lead.name == "市发展和改革委员会"
    assert task.targets.get().worded == "5–6 家"


# ---------------------------------------------------------------------------------------------
# The import_tasklist command


@pytest.mark.django_db
@pytest.mark.seeds
def test_dry_run_prints_the_parsed_list_as_json_and_writes_nothing(reference_data):
    out = io.StringIO()

    call_command(
        "import_tasklist",
        str(seed_file("004")),
        "--plan",
        PLAN_TITLE,
        "--dry-run",
        "--format",
        "json",
        stdout=out,
    )

    report = json.loads(out.getvalue())
    assert {"plan", "tasks", "unknown_departments", "warnings"} <= report.keys()
    assert report["plan"] == PLAN_TITLE
    assert len(report["tasks"]) == 27
    for task in report["tasks"]:
        assert {"number", "text", "lead", "co", "groups", "deadline", "targets"} <= task.keys()
        for target in task["targets"]:
            assert {
                "label",
                "value",
                "value_high",
                "cmp",
                "unit",
                "per_unit",
                "recurrence",
                "from_year",
                "due",
                "cumulative",
                "source",
            } <= target.keys()
    task16 = next(t for t in report["tasks"] if t["number"] == "16")
    assert task16["lead"] == "市教育局"
    assert "市财政局" in task16["co"]
    assert {"cmp": "ge", "value": 60, "unit": "%"}.items() <= task16["targets"][0].items()
    assert "市复建办" in report["unknown_departments"]
    assert Task.objects.count() == 0
    assert Plan.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.seeds
def test_command_imports_and_reports_the_changes(reference_data):
    out = io.StringIO()

    call_command("import_tasklist", str(seed_file("004")), "--plan", PLAN_TITLE, stdout=out)

    assert "27 项任务" in out.getvalue()
    assert "新增 27" in out.getvalue()
    assert Task.objects.count() == 27


@pytest.mark.django_db
def test_command_refuses_a_bad_file_naming_it(reference_data):
    before = counts()

    with pytest.raises(CommandError) as error:
        call_command(
            "import_tasklist",
            str(TASKLISTS / "bad_no_unit.txt"),
            "--plan",
            "平顶山市清单",
            stdout=io.StringIO(),
        )

    assert "bad_no_unit.txt" in str(error.value)
    assert "未写入" in str(error.value)
    assert "第 8 行" in str(error.value)
    assert counts() == before


# ---------------------------------------------------------------------------------------------
# Progress-entry services


@pytest.fixture
def dual_ratio_target(db) -> Target:
    return TargetFactory.create()  # ≥60% on a task led by its own department, no co-operators


@pytest.mark.django_db
def test_progress_entry_create_refuses_a_department_not_assigned_to_the_task(dual_ratio_target):
    outsider = UserFactory()

    with pytest.raises(PermissionDenied):
        services.progress_entry_create(
            by=outsider,
            task=dual_ratio_target.task,
            target=dual_ratio_target,
            year=2023,
            value=Decimal("50"),
        )

    assert ProgressEntry.objects.count() == 0


@pytest.mark.django_db
def test_progress_entry_create_records_a_draft_for_the_authors_department(dual_ratio_target):
    author = UserFactory(department=dual_ratio_target.task.lead)

    entry = services.progress_entry_create(
        by=author,
        task=dual_ratio_target.task,
        target=dual_ratio_target,
        year=2023,
        value=Decimal("50"),
    )

    assert (entry.department, entry.status, entry.created_by) == (
        author.department,
        ProgressStatus.DRAFT,
        author,
    )


@pytest.mark.django_db
def test_only_supervisors_approve():
    entry = ProgressEntryFactory(status=ProgressStatus.SUBMITTED)

    with pytest.raises(PermissionDenied):
        services.progress_entry_approve(entry=entry, by=entry.created_by)

    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED


@pytest.mark.django_db
def test_a_draft_cannot_be_approved():
    entry = ProgressEntryFactory()

    with pytest.raises(ValidationError):
        services.progress_entry_approve(entry=entry, by=SupervisorFactory())

    entry.refresh_from_db()
    assert entry.status == ProgressStatus.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("comment", ["", "   "])
def test_returning_requires_a_comment(comment):
    entry = ProgressEntryFactory(status=ProgressStatus.SUBMITTED)

    with pytest.raises(ValidationError) as error:
        services.progress_entry_return(entry=entry, by=SupervisorFactory(), comment=comment)

    assert "退回原因" in " ".join(error.value.messages)
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED


@pytest.mark.django_db
def test_returning_with_a_comment_reopens_the_entry():
    entry = ProgressEntryFactory(status=ProgressStatus.SUBMITTED)
    supervisor = SupervisorFactory()

    services.progress_entry_return(entry=entry, by=supervisor, comment=" 请补充佐证材料 ")

    entry.refresh_from_db()
    assert (entry.status, entry.review_comment, entry.reviewed_by) == (
        ProgressStatus.RETURNED,
        "请补充佐证材料",
        supervisor,
    )
    assert entry.is_editable_by_author


@pytest.mark.django_db
def test_a_dry_run_says_which_indicator_each_target_would_be_linked_to(reference_data):
    out = io.StringIO()

    call_command(
        "import_tasklist",
        str(FIXTURES / "sample" / "南阳市职业教育任务清单示例.txt"),
        "--plan",
        "X",
        "--dry-run",
        "--format",
        "json",
        stdout=out,
    )

    targets = {
        t["label"]: t for task in json.loads(out.getvalue())["tasks"] for t in task["targets"]
    }
    assert targets["职业院校“双师型”教师占比"]["indicator"] == "dual_qualified_ratio"
    assert "即指标" in targets["职业院校“双师型”教师占比"]["indicator_note"]
    assert targets["市级课程思政示范学校"]["indicator"] is None  # a kind of school to build
    assert not Plan.objects.exists()  # and nothing written
