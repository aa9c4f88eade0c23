"""The .xlsx template a department fills in, its targets pre-listed (``ledger_template``)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from accounts.models import User

from .. import display, selectors
from ..models import Jurisdiction
from .decide import _ensure_may_import, _scope

# ---------------------------------------------------------------------------------------------
# The template a department fills in


TEMPLATE_COLUMNS = (
    "目标编号",
    "任务序号",
    "目标",
    "目标值",
    "计量单位",
    "县区",
    "年度",
    "季度",
    "完成值",
    "进展情况",
)
TEMPLATE_NOTE = (
    "填写说明：每行填写一个目标某一年度（或季度）的完成值；“目标编号”“任务序号”“目标”请勿修改。"
    "完成值按“计量单位”一栏填写（金额以万元计），百分比填数字即可（如 41.2）；季度留空表示全年。"
    "未填写年度、完成值和进展情况的行不导入。导入后为草稿，请在工作台逐条提交审核。"
)


def ledger_template_rows(*, user: User) -> list[list[str]]:
    """The rows of the template: each target the user's department may record on (a row per
    county for a per-county target), and each of its tasks without a numeric target."""
    _ensure_may_import(user)
    scope = _scope(user)
    rows: list[list[str]] = []
    tasks = sorted(
        {t.pk: t for group in scope.tasks_by_number.values() for t in group}.values(),
        key=lambda t: (t.plan_id, t.position, t.pk),
    )
    for task in tasks:
        if not scope.records(task):
            continue
        targets = scope.targets_by_task.get(task.pk, [])
        if not targets:
            rows.append(["", task.number, "（无量化目标，填写进展情况）", "", "", ""])
        for target in targets:
            unit = display.unit_input(target.unit)[0]
            places: Iterable[Jurisdiction | None] = [None]
            if target.per_unit:
                ids = selectors.target_places(target, task.plan, scope.places, scope.children)
                places = [scope.places[j] for j in ids if j is not None] or [None]
            for place in places:
                rows.append(
                    [
                        str(target.pk),
                        task.number,
                        target.label,
                        target.worded,
                        unit,
                        place.name if place is not None else "",
                    ]
                )
    return rows


def ledger_template(*, user: User) -> tuple[bytes, int]:
    """The department's ledger template as .xlsx, with its targets pre-listed, and how many rows
    it lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = ledger_template_rows(user=user)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "台账"
    sheet.append([TEMPLATE_NOTE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_COLUMNS))
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 60
    sheet.append(list(TEMPLATE_COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    widths = (10, 10, 36, 24, 10, 12, 8, 8, 12, 40)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), len(rows)
