"""Reading an uploaded report: text in UTF-8 (with or without BOM) or GBK, Word .docx with its
tables as tab-separated lines, and a reason in Chinese for every file that is refused."""

import io
import zipfile

import pytest
from docx import Document

from policytext.documents import DocumentError, Limits, read, read_document
from policytext.reports import extract_report
from tests.policytext.reports_support import INDICATORS

TEXT = "鹤壁市中等职业教育质量年度报告（2023年）\n\n全市中职学校在校生 5.23 万人。\n"


def test_it_reads_gbk_text():
    assert read_document("报告.txt", TEXT.encode("gbk")) == TEXT


def test_it_reads_utf8_with_a_byte_order_mark_and_drops_the_mark():
    assert read_document("报告.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8")) == TEXT


def test_windows_line_endings_become_newlines():
    assert read_document("报告.md", TEXT.replace("\n", "\r\n").encode("utf-8")) == TEXT


def _docx(build) -> bytes:
    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _annex(document):
    document.add_paragraph("鹤壁市中等职业教育质量年度报告（2023年）")
    document.add_paragraph("附表 主要办学指标")
    table = document.add_table(rows=2, cols=4)
    rows = (("序号", "指标", "单位", "2023年"), ("1", "在校生数", "人", "52340"))
    for table_row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(table_row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("（数据截至 2023 年 8 月 31 日）")


def test_a_docx_gives_paragraphs_and_table_rows_as_tab_separated_lines_in_order():
    assert read_document("报告.docx", _docx(_annex)).split("\n") == [
        "鹤壁市中等职业教育质量年度报告（2023年）",
        "附表 主要办学指标",
        "序号\t指标\t单位\t2023年",
        "1\t在校生数\t人\t52340",
        "",
        "（数据截至 2023 年 8 月 31 日）",
    ]


def test_a_docx_table_is_read_by_the_report_extractor():
    extracted = extract_report(read_document("报告.docx", _docx(_annex)), INDICATORS)
    linked = [(f.indicator, f.value, f.method, f.line) for f in extracted.linked]
    assert linked == [("enrollment", 52340, "table", 4)]


def test_a_merged_docx_cell_is_read_once():
    def merged(document):
        table = document.add_table(rows=1, cols=3)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "在校生数"
        table.cell(0, 2).text = "52340"

    assert read_document("报告.docx", _docx(merged)) == "在校生数\t52340\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _damaged_body() -> bytes:
    """A real .docx whose document part is cut off in the middle of its XML."""
    good = zipfile.ZipFile(io.BytesIO(_docx(_annex)))
    members = {name: good.read(name) for name in good.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:400]
    return _zip(members)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param("报告.pdf", b"%PDF-1.7", "PDF", id="pdf"),
        pytest.param("报告.PDF", b"%PDF-1.7", "PDF", id="pdf-upper-case"),
        pytest.param("报告.doc", b"\xd0\xcf\x11\xe0", "无法打开 Word 文件", id="not-old-word"),
        pytest.param("报告.xlsx", b"PK\x03\x04", "无法打开 Excel 文件", id="broken-xlsx"),
        pytest.param("报告.exe", b"MZ\x90\x00", "不支持的文件类型 .exe", id="unknown-type"),
        pytest.param("报告.txt", b"\x00\x01\x02binary", "二进制", id="binary"),
        pytest.param("报告.txt", TEXT.encode("utf-16"), "二进制", id="utf-16"),
        pytest.param("报告.txt", b"caf\xe9 \x80\x80", "编码", id="undecodable"),
        pytest.param("报告.docx", b"not a zip file", "无法打开 Word", id="broken-docx"),
        pytest.param(
            "报告.docx",
            _zip({"[Content_Types].xml": b"<x/>"}),
            "无法打开 Word",
            id="docx-without-parts",
        ),
        pytest.param(
            "报告.docx",
            _zip({"[Content_Types].xml": b"<notxml"}),
            "无法打开 Word",
            id="docx-with-broken-xml",
        ),
        pytest.param("报告.docx", _damaged_body(), "无法打开 Word", id="docx-with-broken-body"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_saying_why(name, data, reason):
    with pytest.raises(DocumentError, match=reason):
        read_document(name, data)


def test_the_unpacked_size_limit_given_to_read_is_the_one_applied():
    small = Limits(max_unzipped=1024)  # any real Word package unpacks to more than 1 KB
    with pytest.raises(DocumentError, match="解压后过大"):
        read("报告.docx", _docx(_annex), limits=small)
    assert read("报告.docx", _docx(_annex)).lines  # within the default limits it reads
