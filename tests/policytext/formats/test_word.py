"""Reading Word files: a task list and a report annex written as Word tables, the same as .doc
and .wps through LibreOffice, and the files that are refused."""

import io
import os
import re
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.formats import DocumentError, fold
from policytext.formats.word import NO_SOFFICE, read_docx, read_word_binary
from policytext.reports import extract_report
from policytext.tasklist import parse_tasklist
from tests.policytext.formats.office_support import (
    annex_docx,
    mark_header,
    save_docx,
    tasklist_docx,
    tasklist_tsv,
    tasks_seen,
)
from tests.policytext.reports_support import INDICATORS


def _lines(document):
    return [(line.text, document.where(n)) for n, line in enumerate(document.lines, start=1)]


def _docx(build) -> bytes:
    document = Document()
    build(document)
    return save_docx(document)


# --- the task list as a Word table ------------------------------------------------------------


def test_a_task_list_reads_as_paragraphs_and_table_rows_with_their_places():
    document = read_docx(tasklist_docx())
    assert document.format == "docx"
    assert _lines(document) == [
        ("附件", ""),
        ("南阳市职业教育提质培优重点任务分工清单", ""),
        ("", ""),
        ("序号\t工作任务\t完成时限\t牵头单位\t配合单位", "表 1 第 1 行"),
        ("一、深化产教融合", "表 1 第 2 行"),
        (
            "1\t推动产教深度融合，到2025年建成市级以上产教融合实训基地不少于 8 个。"
            "\t2025年底前\t市发展改革委\t市教育局、市财政局",
            "表 1 第 3 行",
        ),
        (
            "2\t实施职业技能提升行动，每年开展职业技能培训不低于 3 万人次。"
            "\t每年\t市人社局\t市教育局、市总工会",
            "表 1 第 4 行",
        ),
        (
            "3\t支持职业院校与企业共建订单班，订单培养学生占在校生比例达到 30% 以上。"
            "\t2024年12月31日\t市工信局\t市教育局",
            "表 1 第 5 行",
        ),
        ("二、改善办学条件和师资队伍", "表 1 第 6 行"),
        (
            "4\t实施中职学校办学条件达标工程，新建、改扩建校舍面积不少于 5 万平方米。"
            "\t2025年底前\t市教育局\t市自然资源规划局、市住建局",
            "表 1 第 7 行",
        ),
        (
            "5\t完善“双师型”教师认定办法，“双师型”教师占专业课教师比例不低于 60%。"
            "\t2024年底前\t市教育局\t市人社局",
            "表 1 第 8 行",
        ),
        (
            "6\t每个县区至少建设 1 所达到国家标准的县级职教中心。"
            "\t2025年底前\t市教育局\t各县区人民政府",
            "表 1 第 9 行",
        ),
        ("", ""),  # after each table, as policytext.documents has always read .docx
        ("", ""),  # the empty paragraph where the table was split
        # The second table's header row (its row 1) repeats the first table's: read once.
        (
            "7\t落实职业院校生均拨款制度，中职学校生均财政拨款水平不低于 12000 元。"
            "\t持续推进\t市财政局\t市教育局",
            "表 2 第 2 行",
        ),
        (
            "8\t建立职业教育质量年度报告制度，各职业院校每年发布质量年度报告。"
            "\t每年\t市教育局\t有关职业院校",
            "表 2 第 3 行",
        ),
        ("", ""),
        ("", ""),
    ]


def test_a_lead_merged_down_three_rows_is_read_in_each_of_them():
    rows = [line.text.split("\t") for line in read_docx(tasklist_docx()).lines]
    leads = {cells[0]: cells[3] for cells in rows if len(cells) == 5 and cells[0].isdigit()}
    assert [leads[n] for n in ("4", "5", "6")] == ["市教育局"] * 3


def test_the_task_list_in_word_parses_as_the_text_does(catalogue):
    from_word = parse_tasklist(read_docx(tasklist_docx()).text, catalogue=catalogue)
    from_text = parse_tasklist(tasklist_tsv(), catalogue=catalogue)
    assert tasks_seen(from_word) == tasks_seen(from_text)
    assert [t.number for t in from_word.tasks] == [str(n) for n in range(1, 9)]
    assert [t.lead.name for t in from_word.tasks[3:6]] == ["市教育局"] * 3
    assert from_word.warnings == from_text.warnings == []


def test_a_parsed_task_points_back_to_its_table_row(catalogue):
    document = read_docx(tasklist_docx())
    parsed = parse_tasklist(document.text, catalogue=catalogue)
    where = {t.number: document.where(t.line) for t in parsed.tasks}
    assert where["1"] == "表 1 第 3 行"
    assert where["7"] == "表 2 第 2 行"


# --- tables -----------------------------------------------------------------------------------


def _table(document, rows):
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for table_row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(table_row.cells, values, strict=True):
            cell.text = value
    return table


def test_a_cell_merged_across_columns_is_read_once():
    def build(document):
        table = document.add_table(rows=1, cols=3)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "在校生数"
        table.cell(0, 2).text = "52340"

    assert read_docx(_docx(build)).lines[0].text == "在校生数\t52340"


def test_a_table_after_text_keeps_its_own_header_row():
    header = ("序号", "工作任务", "牵头单位")

    def build(document):
        _table(document, [header, ("1", "建设 3 个实训基地。", "市教育局")])
        document.add_paragraph("二、其他任务")
        _table(document, [header, ("2", "培训教师 200 名。", "市人社局")])

    texts = [line.text for line in read_docx(_docx(build)).lines]
    assert texts.count("序号\t工作任务\t牵头单位") == 2


def test_a_header_marked_as_repeating_is_recognised_on_the_continuation():
    header = ("序号", "工作任务", "牵头单位")

    def build(document):
        first = _table(document, [header, ("1", "建设 3 个实训基地。", "市教育局")])
        mark_header(first)
        # Split straight after, without a paragraph between (two adjacent tables).
        second = _table(document, [header, ("2", "培训教师 200 名。", "市人社局")])
        mark_header(second)

    document = read_docx(_docx(build))
    assert _lines(document)[:5] == [
        ("序号\t工作任务\t牵头单位", "表 1 第 1 行"),
        ("1\t建设 3 个实训基地。\t市教育局", "表 1 第 2 行"),
        ("", ""),
        ("2\t培训教师 200 名。\t市人社局", "表 2 第 2 行"),
        ("", ""),
    ]


def test_a_nested_table_is_read_into_its_cell():
    def build(document):
        outer = document.add_table(rows=1, cols=2)
        outer.cell(0, 0).text = "配合单位"
        cell = outer.cell(0, 1)
        cell.text = "市财政局"
        inner = cell.add_table(rows=2, cols=1)
        inner.cell(0, 0).text = "市人社局"
        inner.cell(1, 0).text = "市住建局"

    assert read_docx(_docx(build)).lines[0].text == "配合单位\t市财政局市人社局市住建局"


def test_a_row_starting_after_the_first_column_keeps_its_cells_under_their_headings():
    def build(document):
        table = _table(document, [("指标", "单位", "2023年"), ("x", "人", "52340")])
        row = table.rows[1]._tr
        row.remove(row.tc_lst[0])
        row.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))

    assert read_docx(_docx(build)).lines[1].text == "\t人\t52340"


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(alphabet="市教育局财政，。、 \n\t20%ab", max_size=12), min_size=3, max_size=3
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_table_row_is_always_one_line_with_a_tab_between_its_cells(rows):
    document = read_docx(_docx(lambda d: _table(d, rows)))
    assert len(document.lines) == len(rows) + 1  # and the empty line after the table
    for line, values in zip(document.lines, rows, strict=False):
        assert "\n" not in line.text
        assert line.text.split("\t") == [" ".join(fold(v).split()) for v in values]


# --- paragraphs -------------------------------------------------------------------------------


def test_headers_and_footers_stay_out():
    def build(document):
        section = document.sections[0]
        section.header.paragraphs[0].text = "南阳市教育局文件"
        section.footer.paragraphs[0].text = "第 1 页"
        document.add_paragraph("正文")

    assert read_docx(_docx(build)).text == "正文"


def test_empty_paragraphs_are_kept_as_empty_lines():
    def build(document):
        for text in ("一、总体要求", "", "", "二、重点任务"):
            document.add_paragraph(text)

    assert read_docx(_docx(build)).text == "一、总体要求\n\n\n二、重点任务"


def test_a_line_break_inside_a_paragraph_is_folded():
    def build(document):
        paragraph = document.add_paragraph("到2025年，建成市级实训基地")
        paragraph.runs[0].add_break()
        paragraph.add_run("不少于 8 个。")

    assert read_docx(_docx(build)).text == "到2025年，建成市级实训基地不少于 8 个。"


def test_tracked_changes_read_as_accepted_and_hyperlinks_are_read():
    def build(document):
        paragraph = document.add_paragraph("每年培训")
        paragraph._p.append(
            parse_xml(
                f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>2</w:delText>'
                f"</w:r></w:del>"
            )
        )
        paragraph._p.append(
            parse_xml(
                f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t>3</w:t></w:r></w:ins>'
            )
        )
        paragraph._p.append(
            parse_xml(f"<w:hyperlink {nsdecls('w')}><w:r><w:t> 万人次</w:t></w:r></w:hyperlink>")
        )

    assert read_docx(_docx(build)).text == "每年培训3 万人次"


# --- the report annex -------------------------------------------------------------------------


def test_the_annex_table_in_word_is_read_by_the_report_extractor():
    document = read_docx(annex_docx())
    assert _lines(document)[3:6] == [
        ("指标\t单位\t2022年\t2023年", "表 1 第 1 行"),
        ("在校生数\t人\t51210\t52340", "表 1 第 2 行"),
        ("毕业生就业率\t%\t95.1%\t96.3%", "表 1 第 3 行"),
    ]
    extracted = extract_report(document.text, INDICATORS)
    seen = {
        (f.indicator, f.value, document.where(f.line)) for f in extracted.linked if f.year == 2023
    }
    assert ("enrollment", 52340, "表 1 第 2 行") in seen
    assert any(i == "employment_rate" and str(v) == "96.3" for i, v, _ in seen)


# --- refused ----------------------------------------------------------------------------------


def _truncated() -> bytes:
    data = tasklist_docx()
    return data[: len(data) // 2]


def _xlsx_as_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "文件为空（0 字节），请检查文件后重新上传", id="empty"),
        pytest.param(b"not a zip", "无法打开 Word 文件（文件损坏或不是 .docx 格式）", id="not-zip"),
        pytest.param(_truncated(), "无法打开 Word 文件（文件损坏或不是 .docx 格式）", id="cut-off"),
        pytest.param(
            _xlsx_as_docx(), "无法打开 Word 文件（文件损坏或不是 .docx 格式）", id="not-word"
        ),
    ],
)
def test_a_docx_that_cannot_be_read_is_refused_saying_why(data, message):
    with pytest.raises(DocumentError) as refused:
        read_docx(data)
    assert str(refused.value) == message


# --- .doc and .wps ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def doc_document(as_doc):
    return read_word_binary(as_doc["清单.doc"], suffix="doc")


@pytest.mark.soffice
def test_a_doc_file_reads_as_the_docx_it_was_saved_from(doc_document):
    assert doc_document.format == "doc"
    assert _lines(doc_document) == _lines(read_docx(tasklist_docx()))


@pytest.mark.soffice
def test_the_task_list_in_doc_parses_as_the_text_does(doc_document, catalogue):
    from_doc = parse_tasklist(doc_document.text, catalogue=catalogue)
    assert tasks_seen(from_doc) == tasks_seen(parse_tasklist(tasklist_tsv(), catalogue=catalogue))


@pytest.mark.soffice
def test_a_wps_file_is_read_as_the_word_document_it_is(as_doc):
    document = read_word_binary(as_doc["清单.doc"], suffix=".wps")
    assert document.format == "wps"
    assert document.where(15) == "表 2 第 2 行"


@pytest.mark.soffice
def test_a_damaged_doc_is_refused_saying_why():
    damaged = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 20
    with pytest.raises(DocumentError, match=r"^无法读取 \.doc 文件：LibreOffice 未能转换"):
        read_word_binary(damaged, suffix="doc")


def _converters_running(folder: str) -> list[str]:
    """Processes still running from the conversion's temporary ``folder`` (Linux /proc); another
    test's conversion, on another pytest-xdist worker, is not this one's."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if folder in cmdline and state != "Z":
            found.append(cmdline)
    return found


@pytest.mark.soffice
def test_a_conversion_that_takes_too_long_is_stopped_with_everything_it_started(
    as_doc, monkeypatch
):
    folders: list[str] = []
    made = tempfile.TemporaryDirectory

    def recorded(*args, **kwargs):
        folder = made(*args, **kwargs)
        folders.append(folder.name)
        return folder

    monkeypatch.setattr(tempfile, "TemporaryDirectory", recorded)
    with pytest.raises(DocumentError, match=r"转换超过 0\.2 秒仍未完成"):
        read_word_binary(as_doc["清单.doc"], suffix="doc", timeout=0.2)
    [folder] = folders
    if Path("/proc/self").exists():
        time.sleep(0.2)
        assert _converters_running(folder) == []


def test_without_libreoffice_a_doc_is_refused_saying_what_to_install(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(DocumentError) as refused:
        read_word_binary(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), suffix="doc")
    assert str(refused.value) == NO_SOFFICE
    assert "libreoffice-writer-nogui" in NO_SOFFICE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "文件为空", id="empty"),
        pytest.param("普通文本".encode(), "文件损坏或不是 Word 文档", id="text"),
    ],
)
def test_a_doc_that_is_no_word_document_is_refused_without_converting(data, message, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: pytest.fail("soffice should not be needed"))
    with pytest.raises(DocumentError, match=message):
        read_word_binary(data, suffix="doc")


def test_a_docx_renamed_to_doc_is_read_without_converting(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: pytest.fail("soffice should not be needed"))
    document = read_word_binary(tasklist_docx(), suffix="doc")
    assert document.format == "doc"
    assert re.match(r"序号\t工作任务", document.lines[3].text)
