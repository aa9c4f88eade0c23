"""Reading workbooks: a task list and a report annex as Excel sheets (.xlsx, and .xls saved by
LibreOffice), values as people wrote them, merged cells, and the files that are refused."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.formats import DocumentError
from policytext.formats.sheet import read_xls, read_xlsx
from policytext.reports import extract_report
from policytext.tasklist import parse_tasklist
from tests.policytext.formats.office_support import (
    TITLE,
    annex_xlsx,
    save_xlsx,
    tasklist_tsv,
    tasklist_xlsx,
    tasks_seen,
)
from tests.policytext.reports_support import INDICATORS


def _lines(document):
    return [(line.text, document.where(n)) for n, line in enumerate(document.lines, start=1)]


def _workbook(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook.active)
    return save_xlsx(workbook)


def _texts(build) -> list[str]:
    return [line.text for line in read_xlsx(_workbook(build)).lines]


# --- the task list as a sheet -----------------------------------------------------------------


def test_a_task_list_reads_row_by_row_with_the_sheet_and_row_number():
    document = read_xlsx(tasklist_xlsx())
    assert document.format == "xlsx"
    sheet = "工作表“任务清单”"
    assert _lines(document) == [
        ("附件", f"{sheet}第 1 行"),
        (TITLE, f"{sheet}第 2 行"),  # merged across A:E, read once
        ("", f"{sheet}第 3 行"),
        ("序号\t牵头单位\t工作任务\t配合单位\t完成时限", f"{sheet}第 4 行"),
        ("一、深化产教融合", f"{sheet}第 5 行"),
        (
            "1\t市发展改革委\t推动产教深度融合，到2025年建成市级以上产教融合实训基地不少于 8 个。"
            "\t市教育局、市财政局\t2025年底前",
            f"{sheet}第 6 行",
        ),
        (
            "2\t市人社局\t实施职业技能提升行动，每年开展职业技能培训不低于 3 万人次。"
            "\t市教育局、市总工会\t每年",
            f"{sheet}第 7 行",
        ),
        (
            "3\t市工信局\t支持职业院校与企业共建订单班，订单培养学生占在校生比例达到 30% 以上。"
            "\t市教育局\t2024年12月31日",
            f"{sheet}第 8 行",
        ),
        ("二、改善办学条件和师资队伍", f"{sheet}第 9 行"),
        (
            "4\t市教育局\t实施中职学校办学条件达标工程，新建、改扩建校舍面积不少于 5 万平方米。"
            "\t市自然资源规划局、市住建局\t2025年底前",
            f"{sheet}第 10 行",
        ),
        (
            "5\t市教育局\t完善“双师型”教师认定办法，“双师型”教师占专业课教师比例不低于 60%。"
            "\t市人社局\t2024年底前",
            f"{sheet}第 11 行",
        ),
        (
            "6\t市教育局\t每个县区至少建设 1 所达到国家标准的县级职教中心。"
            "\t各县区人民政府\t2025年底前",
            f"{sheet}第 12 行",
        ),
        (
            "7\t市财政局\t落实职业院校生均拨款制度，中职学校生均财政拨款水平不低于 12000 元。"
            "\t市教育局\t持续推进",
            f"{sheet}第 13 行",
        ),
        (
            "8\t市教育局\t建立职业教育质量年度报告制度，各职业院校每年发布质量年度报告。"
            "\t有关职业院校\t每年",
            f"{sheet}第 14 行",
        ),
    ]


def test_a_hidden_sheet_is_left_out_and_said_so():
    document = read_xlsx(tasklist_xlsx())
    assert "市人社局\n市财政局" not in document.text
    assert document.notes == ("未读取隐藏的工作表“下拉选项”",)


def test_the_task_list_in_excel_parses_as_the_text_does(catalogue):
    document = read_xlsx(tasklist_xlsx())
    from_sheet = parse_tasklist(document.text, catalogue=catalogue)
    from_text = parse_tasklist(tasklist_tsv(), catalogue=catalogue)
    assert tasks_seen(from_sheet) == tasks_seen(from_text)
    assert [t.lead.name for t in from_sheet.tasks[3:6]] == ["市教育局"] * 3
    assert from_sheet.warnings == []
    assert document.where(from_sheet.tasks[6].line) == "工作表“任务清单”第 13 行"


# --- merged cells -----------------------------------------------------------------------------


def test_a_range_merged_down_fills_each_row_and_across_is_read_once():
    def build(sheet):
        for row in (
            ("序号", "工作任务", "牵头单位", "配合单位"),
            (1, "建设 3 个实训基地。", "市教育局", "市财政局"),
            (2, "培训教师 200 名。", None, None),
            (3, "新建校舍 2 万平方米。", None, None),
        ):
            sheet.append(row)
        sheet.merge_cells("C2:C4")
        sheet.merge_cells("D3:D4")  # empty: fills nothing
        sheet["A6"] = "注：以上任务按年度推进。"
        sheet.merge_cells("A6:D6")

    assert _texts(build) == [
        "序号\t工作任务\t牵头单位\t配合单位",
        "1\t建设 3 个实训基地。\t市教育局\t市财政局",
        "2\t培训教师 200 名。\t市教育局",
        "3\t新建校舍 2 万平方米。\t市教育局",
        "",
        "注：以上任务按年度推进。",
    ]


def test_a_block_merged_over_rows_and_columns_fills_its_first_column_down():
    def build(sheet):
        sheet["A1"], sheet["C1"] = "市教育局", "x"
        sheet.merge_cells("A1:B2")
        sheet["C2"] = "y"

    assert _texts(build) == ["市教育局\t\tx", "市教育局\t\ty"]


def test_a_range_merged_far_below_the_content_adds_no_rows():
    def build(sheet):
        sheet["A1"], sheet["B1"] = "牵头单位", "工作任务"
        sheet["A2"], sheet["B2"] = "市教育局", "建设 3 个实训基地。"
        sheet.merge_cells("A2:A5000")

    assert _texts(build) == ["牵头单位\t工作任务", "市教育局\t建设 3 个实训基地。"]


# --- where the table stands -------------------------------------------------------------------


def test_leading_empty_columns_are_left_out_alike_for_every_row():
    def build(sheet):
        sheet["C2"] = "附件：各部门工作任务清单"
        sheet["C4"], sheet["D4"], sheet["E4"] = "序号", "工作任务", "牵头单位"
        sheet["D5"], sheet["E5"] = "（续上页）", "市教育局"

    document = read_xlsx(_workbook(build))
    assert _lines(document) == [
        ("附件：各部门工作任务清单", "工作表“Sheet”第 2 行"),
        ("", "工作表“Sheet”第 3 行"),
        ("序号\t工作任务\t牵头单位", "工作表“Sheet”第 4 行"),
        ("\t（续上页）\t市教育局", "工作表“Sheet”第 5 行"),
    ]


def test_a_title_left_of_the_table_keeps_the_table_columns_in_place():
    def build(sheet):
        sheet["A1"] = "附件"
        sheet["B2"], sheet["C2"] = "序号", "工作任务"
        sheet["B3"], sheet["C3"] = 1, "建设 3 个实训基地。"

    assert _texts(build) == ["附件", "\t序号\t工作任务", "\t1\t建设 3 个实训基地。"]


def test_a_long_run_of_blank_rows_reads_as_four_and_row_numbers_stay_true():
    def build(sheet):
        sheet["A1"] = "序号"
        sheet["A2000"] = "（完）"

    document = read_xlsx(_workbook(build))
    assert [line.text for line in document.lines] == ["序号", "", "", "", "", "（完）"]
    assert document.where(6) == "工作表“Sheet”第 2000 行"


def test_each_sheet_is_a_table_separated_from_the_next_by_an_empty_line():
    document = read_xlsx(annex_xlsx())
    assert _lines(document)[6:] == [
        ("生均财政拨款\t元\t17600\t18500.5", "工作表“附表1”第 7 行"),
        ("", ""),
        ("附表2 教师队伍", "工作表“附表2”第 1 行"),
        ("指标\t单位\t2022年\t2023年", "工作表“附表2”第 2 行"),
        ("专任教师数\t人\t3120\t3208", "工作表“附表2”第 3 行"),
    ]


def test_an_empty_sheet_between_two_is_skipped():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "附表1"
    workbook.create_sheet("空白")
    workbook.create_sheet("附表2")["B2"] = "专任教师数"
    document = read_xlsx(save_xlsx(workbook))
    assert _lines(document) == [
        ("附表1", "工作表“Sheet”第 1 行"),
        ("", ""),
        ("专任教师数", "工作表“附表2”第 2 行"),
    ]


# --- values -----------------------------------------------------------------------------------


def test_values_read_as_people_wrote_them():
    def build(sheet):
        values = [
            (52340.0, None),
            (52340, None),
            (0.412, "0.0%"),
            (0.4125, "0%"),  # shows 41%: the full value is kept
            (1, "0%"),
            (18500.5, "#,##0.00"),
            (0.1 + 0.2, None),
            (1.5e20, None),
            (datetime.datetime(2023, 12, 31), "yyyy-mm-dd"),
            (datetime.datetime(2024, 6, 30, 14, 30), "yyyy-mm-dd hh:mm"),
            (True, None),
            ("  到2025年\n年底前  ", None),
            ("#DIV/0!", None),
        ]
        for r, (value, fmt) in enumerate(values, start=1):
            cell = sheet.cell(r, 1, value)
            if fmt:
                cell.number_format = fmt

    assert _texts(build) == [
        "52340",
        "52340",
        "41.2%",
        "41.25%",
        "100%",
        "18500.5",
        "0.3",
        "150000000000000000000",
        "2023年12月31日",
        "2024年6月30日 14:30",
        "TRUE",
        "到2025年年底前",
        "#DIV/0!",
    ]


def test_a_tab_typed_into_a_cell_does_not_split_the_row():
    assert _texts(lambda sheet: sheet.append(("市教育局\t市财政局", "2025年"))) == [
        "市教育局 市财政局\t2025年"
    ]


def _with_cached_value(data: bytes, formula: str, value: str) -> bytes:
    """The workbook as Excel saves it: the formula with its last computed value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            part = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                part = part.replace(
                    f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{value}</v>".encode()
                ).replace(
                    f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode()
                )
            archive.writestr(name, part)
    return buffer.getvalue()


def test_a_formula_reads_as_its_computed_value_and_as_empty_without_one():
    def build(sheet):
        sheet.append(("在校生数", 25120, 27220, "=B1+C1"))

    data = _workbook(build)
    assert [line.text for line in read_xlsx(data).lines] == ["在校生数\t25120\t27220"]
    cached = _with_cached_value(data, "B1+C1", "52340")
    assert cached != data
    assert [line.text for line in read_xlsx(cached).lines] == ["在校生数\t25120\t27220\t52340"]


@settings(max_examples=30, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_a_number_reads_back_as_the_number_stored_without_float_noise(value):
    text = _texts(lambda sheet: sheet.append((value,)))[0]
    assert re.fullmatch(r"-?\d+(\.\d+)?", text)
    assert float(text) == pytest.approx(value, rel=1e-14, abs=1e-300)
    if value.is_integer():
        assert "." not in text


# --- the report annex -------------------------------------------------------------------------


def test_the_annex_sheet_is_read_by_the_report_extractor():
    document = read_xlsx(annex_xlsx())
    assert _lines(document)[:5] == [
        ("南阳市中等职业教育质量年度报告（2023年）", "工作表“附表1”第 1 行"),
        ("附表1 学生发展与办学条件", "工作表“附表1”第 2 行"),
        ("指标\t单位\t2022年\t2023年", "工作表“附表1”第 3 行"),
        ("在校生数\t人\t51210\t52340", "工作表“附表1”第 4 行"),
        ("毕业生就业率\t%\t95.1%\t96.3%", "工作表“附表1”第 5 行"),
    ]
    extracted = extract_report(document.text, INDICATORS)
    seen = {(f.indicator, str(f.value), document.where(f.line)) for f in extracted.linked}
    assert ("enrollment", "52340", "工作表“附表1”第 4 行") in seen
    assert ("employment_rate", "96.3", "工作表“附表1”第 5 行") in seen
    assert ("fulltime_teachers", "3208", "工作表“附表2”第 3 行") in seen


# --- refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "文件为空（0 字节），请检查文件后重新上传", id="empty"),
        pytest.param(
            b"not a zip", "无法打开 Excel 文件（文件损坏或不是 .xlsx 格式）", id="not-zip"
        ),
        pytest.param(
            tasklist_xlsx()[:3000], "无法打开 Excel 文件（文件损坏或不是 .xlsx 格式）", id="cut-off"
        ),
        pytest.param(
            _workbook(lambda sheet: None),
            "Excel 文件中没有内容：所有工作表都是空的",
            id="no-content",
        ),
    ],
)
def test_an_xlsx_that_cannot_be_read_is_refused_saying_why(data, message):
    with pytest.raises(DocumentError) as refused:
        read_xlsx(data)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "文件为空", id="empty"),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "不是 .xls 格式", id="damaged"
        ),
        pytest.param("序号\t工作任务".encode(), "不是 .xls 格式", id="text"),
    ],
)
def test_an_xls_that_cannot_be_read_is_refused_saying_why(data, message):
    with pytest.raises(DocumentError, match=message):
        read_xls(data)


# --- .xls -------------------------------------------------------------------------------------


@pytest.mark.soffice
def test_an_xls_reads_as_the_xlsx_it_was_saved_from(as_xls):
    document = read_xls(as_xls["清单.xls"])
    assert document.format == "xls"
    assert _lines(document) == _lines(read_xlsx(tasklist_xlsx()))
    assert document.notes == ("未读取隐藏的工作表“下拉选项”",)


@pytest.mark.soffice
def test_the_task_list_in_xls_parses_as_the_text_does(as_xls, catalogue):
    from_xls = parse_tasklist(read_xls(as_xls["清单.xls"]).text, catalogue=catalogue)
    assert tasks_seen(from_xls) == tasks_seen(parse_tasklist(tasklist_tsv(), catalogue=catalogue))


@pytest.mark.soffice
def test_an_xls_percentage_reads_as_the_fraction_stored(as_xls):
    # python-calamine does not tell number formats: a known limit of .xls, see sheet.py.
    document = read_xls(as_xls["报告.xls"])
    assert document.lines[4].text == "毕业生就业率\t%\t0.951\t0.963"
    assert document.lines[3].text == "在校生数\t人\t51210\t52340"
