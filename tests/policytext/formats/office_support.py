"""Documents in the genre, built in the tests: a departmental task list and a quality report's
annex table, each as tab-separated text, a Word file and a workbook, and LibreOffice conversion
to the old binary formats."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
from docx import Document
from docx.oxml import OxmlElement
from docx.table import Table

TITLE = "南阳市职业教育提质培优重点任务分工清单"
HEADER = ("序号", "工作任务", "牵头单位", "配合单位", "完成时限")
SECTIONS = {1: "一、深化产教融合", 4: "二、改善办学条件和师资队伍"}
# (序号, 工作任务, 牵头单位, 配合单位, 完成时限)
TASKS = [
    (
        "1",
        "推动产教深度融合，到2025年建成市级以上产教融合实训基地不少于 8 个。",
        "市发展改革委",
        "市教育局、市财政局",
        "2025年底前",
    ),
    (
        "2",
        "实施职业技能提升行动，每年开展职业技能培训不低于 3 万人次。",
        "市人社局",
        "市教育局、市总工会",
        "每年",
    ),
    (
        "3",
        "支持职业院校与企业共建订单班，订单培养学生占在校生比例达到 30% 以上。",
        "市工信局",
        "市教育局",
        "2024年12月31日",
    ),
    (
        "4",
        "实施中职学校办学条件达标工程，新建、改扩建校舍面积不少于 5 万平方米。",
        "市教育局",
        "市自然资源规划局、市住建局",
        "2025年底前",
    ),
    (
        "5",
        "完善“双师型”教师认定办法，“双师型”教师占专业课教师比例不低于 60%。",
        "市教育局",
        "市人社局",
        "2024年底前",
    ),
    (
        "6",
        "每个县区至少建设 1 所达到国家标准的县级职教中心。",
        "市教育局",
        "各县区人民政府",
        "2025年底前",
    ),
    (
        "7",
        "落实职业院校生均拨款制度，中职学校生均财政拨款水平不低于 12000 元。",
        "市财政局",
        "市教育局",
        "持续推进",
    ),
    (
        "8",
        "建立职业教育质量年度报告制度，各职业院校每年发布质量年度报告。",
        "市教育局",
        "有关职业院校",
        "每年",
    ),
]


def tasklist_tsv() -> str:
    """The list as a tab-separated text file: what the Word and Excel forms must read as."""
    lines = ["附件", TITLE, "", "\t".join(HEADER)]
    for task in TASKS:
        if int(task[0]) in SECTIONS:
            lines.append(SECTIONS[int(task[0])])
        lines.append("\t".join(task))
    return "\n".join(lines) + "\n"


# --- Word ---------------------------------------------------------------------------------------

# The Word list puts 完成时限 before the units, as some departments' templates do.
WORD_ORDER = (0, 1, 4, 2, 3)  # 序号 工作任务 完成时限 牵头单位 配合单位


def save_docx(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def mark_header(table: Table, row: int = 0) -> None:
    """Mark a row as the header Word repeats at the top of every page (w:tblHeader)."""
    tr_pr = table.rows[row]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _fill(table: Table, row: int, values: tuple[str, ...]) -> None:
    for cell, value in zip(table.rows[row].cells, values, strict=True):
        cell.text = value


def tasklist_docx() -> bytes:
    """The list as a Word file: a table of tasks 1–6 with section rows merged across, 牵头单位
    merged down over tasks 4–6, a wrapped task text and a units cell of two paragraphs; then,
    after an empty paragraph, the list continued in a second table whose header row repeats."""
    document = Document()
    document.add_paragraph("附件")
    document.add_paragraph(TITLE)
    document.add_paragraph("")
    order = [HEADER[i] for i in WORD_ORDER]

    first = document.add_table(rows=9, cols=5)
    _fill(first, 0, tuple(order))
    mark_header(first)
    row = 1
    for task in TASKS[:6]:
        if int(task[0]) in SECTIONS:
            first.cell(row, 0).merge(first.cell(row, 4)).text = SECTIONS[int(task[0])]
            row += 1
        _fill(first, row, tuple(task[i] for i in WORD_ORDER))
        row += 1
    # Task 2's text wrapped by hand (a line break inside the cell).
    text_cell = first.cell(3, 1)
    text_cell.text = ""
    run = text_cell.paragraphs[0].add_run("实施职业技能提升行动，")
    run.add_break()
    text_cell.paragraphs[0].add_run("每年开展职业技能培训不低于 3 万人次。")
    # Task 1's 配合单位 as two paragraphs.
    units = first.cell(2, 4)
    units.text = "市教育局、"
    units.add_paragraph("市财政局")
    # 牵头单位 written once beside tasks 4–6 (rows 6–8).
    first.cell(6, 3).merge(first.cell(8, 3)).text = "市教育局"

    document.add_paragraph("")  # where the page broke and the table was split
    second = document.add_table(rows=3, cols=5)
    _fill(second, 0, tuple(order))
    mark_header(second)
    for row, task in enumerate(TASKS[6:], start=1):
        _fill(second, row, tuple(task[i] for i in WORD_ORDER))
    # Word ends a body with a paragraph; without one LibreOffice's .doc export loses the table.
    document.add_paragraph("")
    return save_docx(document)


# --- Excel --------------------------------------------------------------------------------------

# The workbook puts 牵头单位 first after 序号.
SHEET_ORDER = (0, 2, 1, 3, 4)  # 序号 牵头单位 工作任务 配合单位 完成时限


def save_xlsx(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tasklist_xlsx() -> bytes:
    """The list as a workbook: 附件 and the title (merged across) above the header on row 4,
    section rows merged across, 牵头单位 merged down over tasks 4–6, a wrapped cell, a date
    cell for a deadline, numbers typed as numbers; a hidden sheet of departments for drop-downs."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "任务清单"
    sheet["A1"] = "附件"
    sheet["A2"] = TITLE
    sheet.merge_cells("A2:E2")
    for c, i in enumerate(SHEET_ORDER, start=1):
        sheet.cell(4, c, HEADER[i])
    row = 5
    for task in TASKS:
        if int(task[0]) in SECTIONS:
            sheet.cell(row, 1, SECTIONS[int(task[0])])
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
            row += 1
        for c, i in enumerate(SHEET_ORDER, start=1):
            sheet.cell(row, c, task[i])
        sheet.cell(row, 1, float(task[0]) if task[0] == "7" else int(task[0]))
        if task[0] == "2":
            sheet.cell(row, 3, "实施职业技能提升行动，\n每年开展职业技能培训不低于 3 万人次。")
        if task[0] == "3":
            cell = sheet.cell(row, 5, datetime.datetime(2024, 12, 31))
            cell.number_format = "yyyy-mm-dd"
        row += 1
    # 牵头单位 of tasks 4–6 (rows 10–12) written once.
    for r in (11, 12):
        sheet.cell(r, 2).value = None
    sheet.merge_cells("B10:B12")
    lists = workbook.create_sheet("下拉选项")
    for r, name in enumerate(("市教育局", "市财政局", "市人社局"), start=1):
        lists.cell(r, 1, name)
    lists.sheet_state = "hidden"
    return save_xlsx(workbook)


# --- The report annex ---------------------------------------------------------------------------

REPORT_TITLE = "南阳市中等职业教育质量年度报告（2023年）"
ANNEX_HEADER = ("指标", "单位", "2022年", "2023年")
# (指标, 单位, 2022, 2023) as written in the Word table
ANNEX = [
    ("在校生数", "人", "51210", "52340"),
    ("毕业生就业率", "%", "95.1%", "96.3%"),
    ("“双师型”教师占比", "%", "39.8%", "41.2%"),
    ("生均财政拨款", "元", "17600", "18500.5"),
]


def annex_docx() -> bytes:
    document = Document()
    document.add_paragraph(REPORT_TITLE)
    document.add_paragraph("全市中等职业学校办学规模保持稳定，主要指标见附表。")
    document.add_paragraph("附表1 学生发展与办学条件")
    table = document.add_table(rows=len(ANNEX) + 1, cols=4)
    _fill(table, 0, ANNEX_HEADER)
    for row, values in enumerate(ANNEX, start=1):
        _fill(table, row, values)
    document.add_paragraph("（数据截至2023年8月31日）")
    return save_docx(document)


def annex_xlsx() -> bytes:
    """The annex as a workbook: numbers stored as numbers (floats, as Excel stores them), shares
    as fractions formatted as percentages; a second sheet for the teachers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "附表1"
    sheet["A1"] = REPORT_TITLE
    sheet["A2"] = "附表1 学生发展与办学条件"
    sheet.merge_cells("A2:D2")
    sheet.append(ANNEX_HEADER)
    sheet.append(("在校生数", "人", 51210.0, 52340.0))
    sheet.append(("毕业生就业率", "%", 0.951, 0.963))
    sheet.append(("“双师型”教师占比", "%", 0.398, 0.412))
    sheet.append(("生均财政拨款", "元", 17600.0, 18500.5))
    for r in (5, 6):
        for c in (3, 4):
            sheet.cell(r, c).number_format = "0.0%"
    teachers = workbook.create_sheet("附表2")
    teachers.append(("附表2 教师队伍",))
    teachers.append(ANNEX_HEADER)
    teachers.append(("专任教师数", "人", 3120, 3208))
    return save_xlsx(workbook)


# --- LibreOffice --------------------------------------------------------------------------------


def soffice_convert(files: dict[str, bytes], to: str, folder: Path) -> dict[str, bytes]:
    """Convert the named files with LibreOffice in one run (``to`` is "doc", "xls", "xlsx"…),
    into ``folder``; the converted files by their names with the new suffix."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("需要 LibreOffice（soffice）来生成 .doc/.xls 测试文件，但未安装")
    source = folder / "in"
    out = folder / f"out-{to}"
    source.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        path = source / name
        path.write_bytes(data)
        paths.append(str(path))
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile}",
            *("--convert-to", to, "--outdir", str(out), *paths),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {
        Path(name).with_suffix(f".{to}").name: (
            out / Path(name).with_suffix(f".{to}").name
        ).read_bytes()
        for name in files
    }


def tasks_seen(parsed) -> list[tuple]:
    """What the user sees of a parsed task list: each task's number, lead, co-operating units,
    deadline and targets."""
    return [
        (
            t.number,
            t.lead.name if t.lead else None,
            [b.name for b in t.co],
            t.deadline,
            [(x.label, x.value, x.unit, x.cmp) for x in t.targets],
        )
        for t in parsed.tasks
    ]
