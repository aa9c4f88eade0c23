"""A department's Excel ledger (台账): reading the rows, the preview of what each row does (and
why a row is refused), and the import through the services in one transaction."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from tasks_registry import ledger, services
from tasks_registry.display import amount_text
from tasks_registry.ledger import (
    Action,
    LedgerApplyError,
    LedgerFile,
    LedgerFileError,
    LedgerPreviewChanged,
)
from tasks_registry.models import JurisdictionKind, ProgressEntry, ProgressStatus, Target
from tests.factories import (
    DepartmentFactory,
    JurisdictionFactory,
    PlanFactory,
    ProgressEntryFactory,
    SupervisorFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

HEADER = ["目标编号", "任务序号", "目标", "年度", "季度", "县区", "完成值", "进展情况"]


def ledger_xlsx(
    rows: list[list[object]],
    *,
    header: list[str] | None = None,
    sheet: str = "台账",
    above: list[list[object]] | None = None,
    merge: list[str] | None = None,
    more_sheets: dict[str, list[list[object]]] | None = None,
) -> bytes:
    """A ledger as a department keeps it: optional title rows above the header, the header, the
    rows (numbers stay numbers), ranges merged as given ("B3:B5")."""
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet
    for row in above or []:
        ws.append(row)
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    for cells in merge or []:
        ws.merge_cells(cells)
    for name, extra in (more_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in extra:
            other.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read(rows: list[list[object]], **kwargs: object) -> LedgerFile:
    return ledger.ledger_read(name="台账.xlsx", data=ledger_xlsx(rows, **kwargs))  # type: ignore[arg-type]


class World:
    """市教育局 leads task 16 (one 60% target), task 17 (two targets: 培训人次, 经费投入 in 元)
    and task 19 (a per-county target); 市财政局 leads task 18."""

    def __init__(self) -> None:
        self.education = DepartmentFactory(name="市教育局")
        self.finance = DepartmentFactory(name="市财政局")
        city = JurisdictionFactory(name="南阳市", kind=JurisdictionKind.CITY)
        self.wancheng = JurisdictionFactory(name="宛城区", parent=city, aliases=["宛城"])
        self.wolong = JurisdictionFactory(name="卧龙区", parent=city)
        self.plan = PlanFactory(title="南阳市职业教育实施方案", jurisdiction=city)
        task16 = TaskFactory(plan=self.plan, number="16", lead=self.education)
        self.share = TargetFactory(task=task16, label="职业院校“双师型”教师占比")
        task17 = TaskFactory(plan=self.plan, number="17", lead=self.education)
        self.training = TargetFactory(
            task=task17, position=1, label="社会培训", value=Decimal("100000"), unit="人次"
        )
        self.money = TargetFactory(
            task=task17, position=2, label="经费投入", value=Decimal("6000000"), unit="元"
        )
        task18 = TaskFactory(plan=self.plan, number="18", lead=self.finance)
        self.finance_target = TargetFactory(task=task18, label="财政投入")
        task19 = TaskFactory(plan=self.plan, number="19", lead=self.education)
        self.county = TargetFactory(
            task=task19,
            label="每个县区至少 1 所优质中职",
            value=Decimal("1"),
            unit="所",
            per_unit="县区",
        )
        self.clerk = UserFactory(username="jiaoyu", department=self.education)
        self.finance_clerk = UserFactory(username="caizheng", department=self.finance)


@pytest.fixture
def world(db) -> World:
    return World()


def decisions(
    user: User, rows: list[list[object]], **kwargs: object
) -> list[ledger.LedgerDecision]:
    return list(ledger.ledger_preview(user=user, file=read(rows, **kwargs)).decisions)


# -- Reading the file ----------------------------------------------------------------------------


def test_it_finds_the_header_below_a_title_with_columns_in_any_order(db):
    file = read(
        [["41.2", 2023, "16", "全市 1680 人"]],
        header=["完成值", "年度", "任务序号", "进展情况"],
        above=[["2023年度市教育局工作台账"], []],
    )
    assert len(file.rows) == 1
    row = file.rows[0]
    assert (row.sheet, row.row) == ("台账", 4)
    assert (row.task_number, row.year, row.value, row.narrative) == (
        "16",
        "2023",
        "41.2",
        "全市 1680 人",
    )


def test_a_task_number_merged_down_several_rows_is_read_in_each(db):
    file = read(
        [["", "17", "社会培训", 2023], ["", None, "经费投入", 2023]],
        header=["目标编号", "任务序号", "目标", "年度", "完成值"],
        merge=["B2:B3"],
    )
    assert [r.task_number for r in file.rows] == ["17", "17"]


def test_the_unit_in_the_value_header_is_the_rows_unit(db):
    file = read([["5", 2023, 600]], header=["目标编号", "年度", "完成值（万元）"])
    assert file.rows[0].unit == "万元"


def test_rows_left_blank_in_a_prefilled_template_are_skipped_and_said(db):
    file = read([["5", "16", "", "", "", "", "", ""], ["6", "17", "", 2023, "", "", "3", ""]])
    assert [r.row for r in file.rows] == [3]
    assert "工作表“台账”有 1 行未填写年度、完成值和进展情况，已跳过" in file.notes


def test_a_sheet_without_a_header_is_left_out_and_said(db):
    file = read(
        [["5", 2023, "41.2"]],
        header=["目标编号", "年度", "完成值"],
        more_sheets={"说明": [["填表说明"]]},
    )
    assert len(file.rows) == 1
    assert "工作表“说明”中没有找到表头，未读取" in file.notes


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("台账.xlsx", b"", "文件是空的"),
        ("台账.pdf", b"%PDF-1.4\n%%EOF\n", "不是 Excel .xlsx 文件"),
        ("台账.xlsx", "目标编号\t年度\t完成值\n".encode(), "不是 Excel .xlsx 文件"),
        ("台账.xlsx", b"PK\x03\x04 not really a zip", "无法打开 Excel 文件"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_in_chinese(name, data, message):
    with pytest.raises(LedgerFileError, match=message):
        ledger.ledger_read(name=name, data=data)


def test_a_word_file_is_refused(db):
    from tests.document_builders import docx_from_text

    with pytest.raises(LedgerFileError, match=r"不是 Excel \.xlsx 文件"):
        ledger.ledger_read(name="台账.docx", data=docx_from_text("目标编号\t年度\t完成值"))


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (11 * 1024 * 1024))
    with pytest.raises(LedgerFileError, match="文件解压后过大"):
        ledger.ledger_read(name="台账.xlsx", data=out.getvalue())


def test_a_workbook_without_a_ledger_header_is_refused_naming_the_columns(db):
    with pytest.raises(LedgerFileError, match=r"没有找到台账的表头.*“目标编号”或“任务序号”"):
        read([["1", "2"]], header=["序号", "名称"])


# -- Reading a cell ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "written", "expected"),
    [
        ("41.2%", "%", "", "41.2"),
        ("41.2", "%", "", "41.2"),
        ("４１．２％", "%", "", "41.2"),
        ("600万元", "元", "", "6000000"),
        ("600 万元", "元", "", "6000000"),
        ("600", "元", "", "6000000"),  # money typed in 万元, as on the entry form
        ("600万", "元", "", "6000000"),
        ("6000000元", "元", "", "6000000"),
        ("6000000", "元", "元", "6000000"),
        ("600", "元", "万元", "6000000"),
        ("33,938人次", "人次", "", "33938"),
        ("3.39万人次", "人次", "", "33900"),
        ("二十", "所", "", "20"),
        ("600万元", "万元", "", "600"),
    ],
)
def test_a_value_is_read_into_the_targets_stored_unit(text, unit, written, expected):
    assert ledger.value_parse(text, unit=unit, written_unit=written) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "unit", "written", "message"),
    [
        ("5所", "%", "", "完成值“5所”的单位与目标的单位“%”不符"),
        ("约四成", "%", "", "完成值“约四成”无法识别"),
        ("41.23456", "%", "", "小数位数过多"),
        ("600", "元", "人", "计量单位“人”与目标的单位“元”不符"),
    ],
)
def test_a_value_that_cannot_be_read_says_why(text, unit, written, message):
    with pytest.raises(ledger._Refused, match=message):
        ledger.value_parse(text, unit=unit, written_unit=written)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_any_value_written_as_people_write_it_reads_back(value):
    written = format(value, "f")
    assert ledger.value_parse(f"{written}%", unit="%") == value
    assert ledger.value_parse(f"{written}万元", unit="元") == value * 10000
    assert ledger.value_parse(written, unit="元") == value * 10000
    # As the workbench shows it (600 万元, 33 938 人次): a value copied from a page reads back.
    shown = amount_text(value * 10000, "元")
    assert ledger.value_parse(shown, unit="元") == value * 10000


@pytest.mark.parametrize(
    ("text", "year"), [("2023", 2023), ("2023年", 2023), ("２０２３年度", 2023)]
)
def test_a_year_is_four_digits(text, year):
    assert ledger.year_parse(text) == year


@pytest.mark.parametrize(
    ("text", "quarter"),
    [("", None), ("全年", None), ("1", 1), ("二季度", 2), ("第3季度", 3), ("Q4", 4)],
)
def test_a_quarter_is_read_as_written(text, quarter):
    assert ledger.quarter_parse(text) == quarter


# -- The preview ---------------------------------------------------------------------------------


def test_the_preview_says_what_each_row_does_and_writes_nothing(world):
    ProgressEntryFactory(
        target=world.money, created_by=world.clerk, value=Decimal("5000000"), narrative="旧"
    )
    submitted = ProgressEntryFactory(target=world.training, created_by=world.clerk)
    services.progress_entry_submit(entry=submitted, by=world.clerk)
    before = ProgressEntry.objects.count(), ProgressEntry.history.count()
    rows = [
        [world.share.pk, "", "", 2023, "", "", "41.2%", "全市“双师型”教师 1680 人"],  # 2: create
        [world.money.pk, "", "", 2023, "", "", "600", "到位 600 万元"],  # 3: change
        [world.training.pk, "", "", 2023, "", "", "33938", ""],  # 4: submitted
        [world.finance_target.pk, "", "", 2023, "", "", "50", ""],  # 5: another department's
        [999999, "", "", 2023, "", "", "50", ""],  # 6: unknown target
        [world.share.pk, "", "", "二〇二三", "", "", "41.2", ""],  # 7: bad year
        [world.share.pk, "", "", 2024, "", "", "", "正在统计"],  # 8: no value
        ["", "17", "", 2024, "", "", "100", ""],  # 9: task 17 has two targets
        ["", "17", "社会培训", 2024, "", "", "3.39万人次", ""],  # 10: create, by its wording
        [world.share.pk, "", "", 2023, "", "", "42", ""],  # 11: same period as row 2
    ]
    found = decisions(world.clerk, rows)

    assert [d.action for d in found] == [
        Action.CREATE,
        Action.CHANGE,
        Action.REFUSE,
        Action.REFUSE,
        Action.REFUSE,
        Action.REFUSE,
        Action.REFUSE,
        Action.REFUSE,
        Action.CREATE,
        Action.REFUSE,
    ]
    assert found[0].new_value_text == "41.2%"
    assert (found[1].old_value_text, found[1].new_value_text) == ("500 万元", "600 万元")
    assert found[2].message == "工作表“台账”第 4 行：该期填报已提交审核，不能修改"
    assert found[3].message == (
        f"工作表“台账”第 5 行：目标 {world.finance_target.pk} 不属于本部门的任务，不能填报"
    )
    assert found[4].reason == "没有编号为 999999 的目标"
    assert found[5].message.startswith("工作表“台账”第 7 行：年度“二〇二三”无法识别")
    assert found[6].reason == "完成值缺失"
    assert found[7].reason.startswith("任务 17 有 2 个目标，无法确定是哪一个：")
    assert f"目标 {world.training.pk}“社会培训" in found[7].reason
    assert f"目标 {world.money.pk}“经费投入" in found[7].reason
    assert (found[8].target, found[8].value) == (world.training, Decimal("33900"))
    assert found[9].reason == "与第 2 行是同一目标的同一期，同一期只能填一行"
    assert (ProgressEntry.objects.count(), ProgressEntry.history.count()) == before


def test_a_per_county_target_needs_a_county_under_the_plans_place(world):
    found = decisions(
        world.clerk,
        [
            [world.county.pk, "", "", 2023, "", "宛城", 1, ""],
            [world.county.pk, "", "", 2023, "", "", 1, ""],
            [world.county.pk, "", "", 2023, "", "西峡县", 1, ""],
            [world.share.pk, "", "", 2023, "", "宛城区", 41, ""],
        ],
    )
    assert (found[0].action, found[0].jurisdiction) == (Action.CREATE, world.wancheng)
    assert found[1].reason == (
        f"目标“{world.county.label}”按每个县区分别考核，请在“县区”一栏填写（可填：宛城区、卧龙区）"
    )
    assert "县区“西峡县”不在目标" in found[2].reason
    assert "按全市考核，“县区”一栏应留空" in found[3].reason


def test_an_approved_entry_is_not_changed(world):
    entry = ProgressEntryFactory(target=world.share, created_by=world.clerk)
    services.progress_entry_submit(entry=entry, by=world.clerk)
    services.progress_entry_approve(entry=entry, by=SupervisorFactory())
    [found] = decisions(world.clerk, [[world.share.pk, "", "", 2023, "", "", "45", ""]])
    assert found.reason == "该期填报已通过审核，不能修改"


def test_another_departments_draft_of_the_same_period_is_not_changed(world):
    world.share.task.assignments.create(department=world.finance, role="co")
    ProgressEntryFactory(
        target=world.share, department=world.finance, created_by=world.finance_clerk
    )
    [found] = decisions(world.clerk, [[world.share.pk, "", "", 2023, "", "", "45", ""]])
    assert (found.action, found.entry) == (Action.CREATE, None)


def test_a_supervisor_cannot_import_a_ledger(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="只有关联了部门的部门工作人员可以导入台账"):
        ledger.ledger_preview(user=SupervisorFactory(), file=read([[world.share.pk, "", "", 2023]]))


# -- The import ----------------------------------------------------------------------------------


def _apply(user: User, file: LedgerFile) -> ledger.LedgerResult:
    preview = ledger.ledger_preview(user=user, file=file)
    return ledger.ledger_apply(user=user, file=file, fingerprint=preview.fingerprint)


def test_the_import_writes_exactly_the_accepted_rows_through_the_services(world, monkeypatch):
    draft = ProgressEntryFactory(
        target=world.money, created_by=world.clerk, value=Decimal("5000000")
    )
    calls: list[str] = []
    create, update = services.progress_entry_create, services.progress_entry_update

    def spy_create(**kwargs):
        calls.append("create")
        return create(**kwargs)

    def spy_update(**kwargs):
        calls.append("update")
        return update(**kwargs)

    monkeypatch.setattr(services, "progress_entry_create", spy_create)
    monkeypatch.setattr(services, "progress_entry_update", spy_update)
    file = read(
        [
            ["", "16", "", 2023, "2", "", "41.2%", "全市“双师型”教师 1680 人"],
            [world.money.pk, "", "", 2023, "", "", "600万元", "到位"],
            [world.finance_target.pk, "", "", 2023, "", "", "50", ""],
        ]
    )
    result = _apply(world.clerk, file)

    assert result.message == "已导入 2 条（新建 1，修改 1），拒绝 1 条"
    assert sorted(calls) == ["create", "update"]
    created = ProgressEntry.objects.get(target=world.share)
    assert (created.department, created.created_by, created.status) == (
        world.education,
        world.clerk,
        ProgressStatus.DRAFT,
    )
    assert (created.year, created.quarter, created.value) == (2023, 2, Decimal("41.2"))
    assert created.narrative == "全市“双师型”教师 1680 人"
    draft.refresh_from_db()
    assert (draft.value, draft.narrative, draft.status) == (Decimal("6000000"), "到位", "draft")
    assert not ProgressEntry.objects.filter(target=world.finance_target).exists()
    assert ProgressEntry.objects.count() == 2


def test_a_returned_entry_is_changed_and_stays_returned(world):
    entry = ProgressEntryFactory(target=world.share, created_by=world.clerk, narrative="旧说明")
    services.progress_entry_submit(entry=entry, by=world.clerk)
    services.progress_entry_return(entry=entry, by=SupervisorFactory(), comment="请核对口径")
    result = _apply(world.clerk, read([[world.share.pk, "", "", 2023, "", "", "45", ""]]))
    entry.refresh_from_db()
    assert result.changed == 1
    assert (entry.value, entry.narrative, entry.status) == (Decimal("45"), "旧说明", "returned")


def test_a_failure_while_writing_leaves_nothing_written(world, monkeypatch):
    draft = ProgressEntryFactory(
        target=world.money, created_by=world.clerk, value=Decimal("5000000")
    )

    def refuse(**kwargs):
        raise ValidationError({"value": "完成值不合理"})

    monkeypatch.setattr(services, "progress_entry_update", refuse)
    file = read(
        [
            [world.share.pk, "", "", 2023, "", "", "41.2", ""],
            [world.money.pk, "", "", 2023, "", "", "600", ""],
        ]
    )
    with pytest.raises(LedgerApplyError, match="工作表“台账”第 3 行：完成值不合理。整个台账未导入"):
        _apply(world.clerk, file)
    assert not ProgressEntry.objects.filter(target=world.share).exists()
    draft.refresh_from_db()
    assert draft.value == Decimal("5000000")


def test_nothing_is_written_when_the_state_changed_since_the_preview(world):
    draft = ProgressEntryFactory(
        target=world.money, created_by=world.clerk, value=Decimal("5000000")
    )
    file = read(
        [
            [world.share.pk, "", "", 2023, "", "", "41.2", ""],
            [world.money.pk, "", "", 2023, "", "", "600", ""],
        ]
    )
    preview = ledger.ledger_preview(user=world.clerk, file=file)
    services.progress_entry_submit(entry=draft, by=world.clerk)  # in another tab, meanwhile
    with pytest.raises(LedgerPreviewChanged) as changed:
        ledger.ledger_apply(user=world.clerk, file=file, fingerprint=preview.fingerprint)
    assert changed.value.preview.decisions[1].reason == "该期填报已提交审核，不能修改"
    assert not ProgressEntry.objects.filter(target=world.share).exists()


def test_the_rows_survive_the_session_round_trip(world):
    file = read([[world.share.pk, "16", "", 2023, "一季度", "", "41.2%", "说明"]])
    assert LedgerFile.from_dict(file.as_dict()) == file


# -- The template --------------------------------------------------------------------------------


def test_the_template_lists_the_departments_targets_and_reads_back(world):
    from openpyxl import load_workbook

    data, count = ledger.ledger_template(user=world.clerk)
    sheet = load_workbook(io.BytesIO(data)).active
    listed = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    ids = [row[0] for row in listed]
    assert count == len(listed) == 5  # 双师型, 社会培训, 经费投入, and the county target twice
    assert str(world.finance_target.pk) not in ids
    money = next(row for row in listed if row[0] == str(world.money.pk))
    assert money[4] == "万元"
    counties = [row[5] for row in listed if row[0] == str(world.county.pk)]
    assert counties == ["宛城区", "卧龙区"]

    # A clerk fills in one row and uploads the template as it is.
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == str(world.money.pk):
            row[6].value, row[8].value = 2023, 600
    out = io.BytesIO()
    sheet.parent.save(out)
    file = ledger.ledger_read(name="模板.xlsx", data=out.getvalue())
    [found] = ledger.ledger_preview(user=world.clerk, file=file).decisions
    assert (found.action, found.target, found.value) == (
        Action.CREATE,
        world.money,
        Decimal("6000000"),
    )
    assert found.row.where == "工作表“台账”第 5 行"


def test_targets_unchanged_by_a_reimport_of_the_same_ledger(world):
    file = read([[world.share.pk, "", "", 2023, "", "", "41.2", "说明"]])
    _apply(world.clerk, file)
    result = _apply(world.clerk, file)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 1)
    assert Target.objects.count() == 5 and ProgressEntry.objects.count() == 1
