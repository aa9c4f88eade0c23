"""The PDF reader on a report made the way departments make theirs: written in Word (here built with
python-docx), with a running header and page numbers, exported to PDF (here by LibreOffice, once
per test session). What comes out must be what was written: each paragraph one line, the annex
tables' rows once each with their cells, and nothing of the header, footer or page numbers."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policytext.formats import Document, DocumentError
from policytext.formats.pdf import SCAN_MESSAGE, read_pdf
from policytext.reports import extract_report
from tests.policytext.formats.office_support import soffice_convert
from tests.policytext.reports_support import INDICATORS

RUNNING_HEADER = "鹤壁市中等职业教育质量年度报告（2023年度）"
TITLE = "鹤壁市中等职业教育质量年度报告（2023年）"

# The report, block by block: ("h", heading), ("p", paragraph indented two characters), ("c",
# centred caption), ("n", a note at the margin), or ("t", header row, rows, repeat the header).
PROSE_BEFORE: list[tuple[str, str]] = [
    ("c", TITLE),
    ("h", "一、基本情况"),
    ("h", "（一）办学规模"),
    (
        "p",
        "2023年，全市共有中等职业学校 12 所，其中公办学校 9 所、民办学校 3 所，"
        "全日制在校生 52340 人，较上年增加 1860 人。当年招生 18620 人，毕业生 15210 人，"
        "各校按照区域主导产业调整专业设置，新增智能制造、现代物流、康养照护等专业方向，"
        "办学规模保持稳中有升。",
    ),
    (
        "p",
        "全市中职学校占地面积合计 186 万平方米，校舍建筑面积 92 万平方米，"
        "生均教学仪器设备值 8650 元，较上年提高 420 元。各校累计建成校内实训基地 68 个，"
        "实训工位 12,432 个，能够满足主干专业的实践教学需要。",
    ),
    ("h", "（二）师资队伍"),
    (
        "p",
        "全市中职学校专任教师 2870 人，“双师型”教师占比 41.2%，较上年提高 3.5 个百分点。"
        "各校通过教师企业实践、校本研修和省市两级培训提升教师专业能力，全年安排教师到企业"
        "实践 640 人次，聘请行业导师 185 人，组建市级名师工作室 14 个。",
    ),
    ("h", "二、人才培养"),
    (
        "p",
        "各校深化产教融合、校企合作，与本地企业共建 Python 程序设计、工业机器人运维、"
        "跨境电商 B2B 实务等课程 26 门，开发活页式教材 19 种。学生参加职业技能等级证书考试，"
        "取证 3260 人，技能大赛获省级以上奖项 47 项。",
    ),
    (
        "p",
        "毕业生就业质量稳步提升。2023届毕业生中，直接就业 6420 人，升学 8210 人，"
        "毕业生就业率 97.6%，用人单位满意度 95.3%。学校跟踪调查显示，毕业生在本市"
        "制造业和现代服务业就业的比例逐年提高，专业对口率保持在八成左右。",
    ),
    ("h", "三、服务贡献"),
    (
        "p",
        "全市职业学校面向退役军人、农民工、新型职业农民等群体开展职业技能培训 33938 人次，"
        "完成非学历培训学时 33 938 学时，服务乡村振兴和产业转型。全市年财政专项拨款"
        " 3260.75 万元，用于实训基地建设和专业提质培优，各项资金按计划拨付到位。",
    ),
    (
        "p",
        "全市持续推进职业教育专业结构与区域产业结构相匹配，建立专业设置动态调整机制，"
        "停招就业率持续偏低、社会需求萎缩的专业 4 个，新设与新能源汽车、数字商贸对接的"
        "专业 5 个。各校以专业群建设带动资源整合，组建跨校专业建设联盟 3 个，共享实训设备和"
        "课程资源，避免低水平重复建设。市教育局定期发布专业设置预警信息，引导学校错位发展、"
        "特色发展，逐步形成布局合理、优势互补的专业格局。",
    ),
    (
        "p",
        "在学生发展方面，各校坚持德技并修、工学结合，落实立德树人根本任务，开齐开足思想政治、"
        "语文、历史等公共基础课程，组织开展职业生涯规划教育和劳动教育。全年举办校园技能节 "
        "12 场，参与学生超过三万人次；学生体质健康测试合格率 93.5%，较上年有所提高。"
        "学校心理健康教育实现全覆盖，每校配备专职心理教师，建立学生心理健康档案。",
    ),
    ("p", "2023年重点推进以下三项工作："),
    ("h", "1. 实施专业建设提升行动，对接本地新材料、装备制造和文旅康养产业。"),
    ("h", "2. 推进教师队伍建设，完善教师企业实践和“双师型”教师认定制度。"),
    ("h", "3. 改善办学条件，推动学校达到中等职业学校办学标准。"),
    (
        "p",
        "下一步，全市将继续以提升办学质量为核心，统筹推进职业学校布局调整、专业结构优化和"
        "实训条件改善，推动中职教育与高职教育贯通培养，为区域经济社会发展提供技能人才支撑。"
        "同时加强质量年报编制工作的组织和指导，确保各项数据真实、准确、可核查。",
    ),
]

ANNEX_HEADER = ("序号", "指标", "单位", "2022年", "2023年")
ANNEX_ROWS: list[tuple[str, ...]] = [
    ("1", "中等职业学校数", "所", "12", "12"),
    ("2", "在校生数", "人", "50480", "52340"),
    ("3", "招生数", "人", "17950", "18620"),
    ("4", "毕业生数", "人", "14830", "15210"),
    ("", "其中：直接就业人数", "人", "6310", "6420"),
    ("", "其中：升学人数", "人", "7820", "8210"),
    ("5", "专任教师数", "人", "2790", "2870"),
    ("", "其中：“双师型”教师", "人", "1050", "1183"),
    ("6", "“双师型”教师占比", "%", "37.7", "41.2"),
    ("7", "生师比", ":", "18.1", "18.2"),
    ("8", "生均教学仪器设备值", "元/生", "8230", "8650"),
    ("9", "校内实训基地数", "个", "61", "68"),
    ("10", "实训工位数", "个", "11860", "12432"),
    ("11", "职业技能培训", "人次", "31205", "33938"),
    ("12", "非学历培训学时", "学时", "31540", "33938"),
    ("13", "年财政专项拨款", "万元", "2980.50", "3260.75"),
    ("14", "取得职业技能等级证书的毕业生人数（含“1+X”证书试点）", "人", "2950", "3260"),
    ("15", "技能大赛省级以上获奖", "项", "39", "47"),
    ("16", "市级名师工作室", "个", "11", "14"),
    ("17", "校企合作企业数", "个", "320", "356"),
    ("18", "订单培养学生数", "人", "2100", "2460"),
    ("19", "开发校本教材", "种", "15", "19"),
    ("20", "校企共建课程", "门", "21", "26"),
    ("21", "教师企业实践", "人次", "590", "640"),
    ("22", "聘请行业导师人数", "人", "160", "185"),
    ("23", "毕业生就业率", "%", "97.1", "97.6"),
    ("24", "用人单位满意度", "%", "94.8", "95.3"),
    ("25", "学生资助资金", "万元", "2650", "2810"),
    ("", "其中：国家助学金", "万元", "1620", "1710"),
    ("26", "标准化建设达标学校", "所", "8", "10"),
    ("27", "开设专业数", "个", "58", "61"),
    ("28", "省级示范专业点", "个", "9", "11"),
    ("29", "实习实训基地（校外）", "个", "140", "152"),
    ("30", "教职工数", "人", "3410", "3480"),
]
NOTE = "注：数据来源于全市中等职业学校 2023 年事业统计报表。"

PLAN_CAPTION = "表 2 重点专业建设情况"
PLAN_HEADER = ("序号", "专业名称", "建设内容", "投入资金（万元）")
_WORK = (
    "围绕{0}岗位需求修订人才培养方案，引入企业真实项目开发模块化课程，建设理实一体化实训室，"
    "组织教师到合作企业顶岗实践，开展 PLC 控制、数据采集等新技术培训，完善学生技能考核评价"
    "办法，推进课程标准与职业标准对接，形成可复制推广的专业建设经验。"
)
PLAN_ROWS: list[tuple[str, ...]] = [
    ("1", "机电技术应用", _WORK.format("装备制造") + "年内完成实训室改造两间。", "420"),
    ("2", "现代物流服务", _WORK.format("仓储配送") + "与三家物流企业共建订单班。", "315"),
    ("3", "电子商务", _WORK.format("跨境电商运营") + "建成直播实训中心一个。", "268"),
    ("4", "护理", _WORK.format("医养结合") + "新增合作医院两所。", "390"),
    ("5", "旅游服务与管理", _WORK.format("文旅融合") + "开发研学线路课程四门。", "186"),
    ("6", "汽车运用与维修", _WORK.format("新能源汽车") + "引进整车实训设备一批。", "352"),
]
PROSE_AFTER: list[tuple[str, str]] = [
    ("h", "四、存在问题与改进方向"),
    (
        "p",
        "对照高质量发展要求，全市中职教育仍存在部分学校办学条件不达标、专业设置同质化、"
        "“双师型”教师结构性短缺等问题。下一年度将以标准化建设为抓手，分校制定达标计划，"
        "落实经费保障，力争全部学校达到办学标准。",
    ),
]


# A table block: its header cells, its rows, and whether the header repeats on every page.
_TableBlock = tuple[tuple[str, ...], list[tuple[str, ...]], bool]


def blocks() -> list[tuple[str, object]]:
    return [
        *PROSE_BEFORE,
        ("c", "附表 主要办学指标"),
        ("t", (ANNEX_HEADER, ANNEX_ROWS, True)),
        ("n", NOTE),
        ("c", PLAN_CAPTION),
        ("t", (PLAN_HEADER, PLAN_ROWS, False)),
        *PROSE_AFTER,
    ]


def expected_prose() -> list[str]:
    return [str(text) for kind, text in blocks() if kind != "t"]


def as_text() -> str:
    """The same report as a text file (one line per paragraph, a tab-separated line per row and
    a blank line after each table, as policytext reads a Word file)."""
    lines: list[str] = []
    for kind, content in blocks():
        if kind == "t":
            header, rows, _repeat = cast(_TableBlock, content)
            lines += ["\t".join(header), *("\t".join(r) for r in rows), ""]
        else:
            lines.append(str(content))
    return "\n".join(lines) + "\n"


# --- building the PDF ----------------------------------------------------------------------


def _docx() -> bytes:
    from docx import Document as new_docx
    from docx.enum.section import WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Cm, Pt

    doc = new_docx()
    normal = doc.styles["Normal"]
    normal.font.name = "Noto Serif CJK SC"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), Pt(22)

    def page_footer(section, before: str, after: str) -> None:
        # Page numbers are a PAGE field; python-docx has no API for fields.
        section.footer.is_linked_to_previous = False
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(before)
        paragraph._p.append(
            parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
            )
        )
        paragraph.add_run(after)

    def page_setup(section) -> None:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.6)
        section.top_margin = section.bottom_margin = Cm(2.5)
        header = section.header.paragraphs[0]
        header.text = RUNNING_HEADER
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER

    first = doc.sections[0]
    page_setup(first)
    page_footer(first, "- ", " -")

    for kind, content in blocks():
        if kind == "t":
            header_cells, rows, repeat = cast(_TableBlock, content)
            widths = (
                [Cm(1.3), Cm(6.2), Cm(2.0), Cm(2.6), Cm(2.6)]
                if len(header_cells) == 5
                else [Cm(1.3), Cm(3.0), Cm(9.0), Cm(2.4)]
            )
            table = doc.add_table(rows=0, cols=len(header_cells))
            table.style = "Table Grid"
            table.autofit = False
            for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
                column.w = width  # LibreOffice lays the table out by its grid, not the cells
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for values in [header_cells, *rows]:
                cells = table.add_row().cells
                for cell, value, width in zip(cells, values, widths, strict=True):
                    cell.width = width
                    cell.text = value
            if repeat:
                # 标题行重复: LibreOffice draws the header row again at the top of each page.
                header_flag = OxmlElement("w:tblHeader")
                header_flag.set(qn("w:val"), "true")
                table.rows[0]._tr.get_or_add_trPr().append(header_flag)
            continue
        if kind == "c" and content == "附表 主要办学指标":
            # The annex starts on a new page, in a section whose footer says 第 N 页.
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            page_setup(section)
            page_footer(section, "第 ", " 页")
        paragraph = doc.add_paragraph(str(content))
        if kind == "p":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Pt(24)
        elif kind == "c":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "h":
            paragraph.runs[0].bold = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Built:
    data: bytes
    page_texts: list[str]  # each page's text as pdfplumber has it, without spaces and newlines

    def page_of(self, text: str) -> int:
        """The first page on which ``text`` (spaces ignored) appears whole."""
        key = re.sub(r"\s+", "", text)
        return next(n for n, page in enumerate(self.page_texts, start=1) if key in page)

    def starts_on(self, text: str) -> int:
        return self.page_of(re.sub(r"\s+", "", text)[:14])


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    import pdfplumber

    data = soffice_convert({"report.docx": _docx()}, "pdf", tmp_path_factory.mktemp("pdf"))[
        "report.pdf"
    ]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        texts = [re.sub(r"\s+", "", page.extract_text() or "") for page in pdf.pages]
    result = Built(data, texts)

    # What the tests rely on the layout to show, checked here so that a change in LibreOffice or
    # the fonts fails loudly instead of quietly testing less: a paragraph and a table row run over
    # a page break, and the annex's header row is drawn on more than one page.
    def whole_on_a_page(text: str) -> bool:
        return any(re.sub(r"\s+", "", text) in page for page in texts)

    assert not all(whole_on_a_page(text) for kind, text in PROSE_BEFORE if kind == "p")
    assert not all(whole_on_a_page(row[2]) for row in PLAN_ROWS)
    assert sum("".join(ANNEX_HEADER) in page for page in texts) >= 2
    # …and the annex goes on, under its repeated header, with a row of its own whose 序号 is empty
    # (其中：…), which must not be taken for the rest of the row above.
    assert any("".join(ANNEX_HEADER) + "其中：国家助学金" in page for page in texts)
    return result


@pytest.fixture(scope="session")
def document(built: Built) -> Document:
    return read_pdf(built.data)


def prose(document: Document) -> list[str]:
    return [line.text for line in document.lines if line.origin.table is None]


def table_rows(document: Document, number: int) -> list[tuple[str, ...]]:
    return [tuple(line.text.split("\t")) for line in document.lines if line.origin.table == number]


# --- what comes out --------------------------------------------------------------------------


@pytest.mark.soffice
def test_every_paragraph_is_one_line_exactly_as_written(document: Document):
    assert prose(document) == expected_prose()


@pytest.mark.soffice
def test_no_running_header_footer_or_page_number_is_left(built: Built, document: Document):
    texts = [line.text for line in document.lines]
    assert RUNNING_HEADER not in texts
    assert not any(re.fullmatch(r"(?:-\s*\d+\s*-|第\s*\d+\s*页)", t) for t in texts)
    assert document.pages == len(built.page_texts)
    assert f"已去除页眉“{RUNNING_HEADER}”（{document.pages} 页）" in document.notes
    assert any(note.startswith("已去除页码") for note in document.notes)


@pytest.mark.soffice
def test_a_paragraph_is_placed_on_the_page_it_starts_on(built: Built, document: Document):
    lines = [line for line in document.lines if line.origin.table is None]
    assert [line.origin.page for line in lines] == [built.starts_on(t) for t in expected_prose()]


@pytest.mark.soffice
def test_the_annex_table_comes_out_once_with_its_header_once(document: Document):
    assert table_rows(document, 1) == [ANNEX_HEADER, *ANNEX_ROWS]


@pytest.mark.soffice
def test_a_table_row_broken_by_the_page_is_one_row(document: Document):
    assert table_rows(document, 2) == [PLAN_HEADER, *PLAN_ROWS]
    assert {line.origin.table for line in document.lines} == {None, 1, 2}


@pytest.mark.soffice
def test_table_rows_say_their_page_table_and_row(built: Built, document: Document):
    numbers = {line.text: n for n, line in enumerate(document.lines, start=1)}
    first = built.page_of("附表主要办学指标")
    assert document.where(numbers["\t".join(ANNEX_HEADER)]) == f"第 {first} 页，表 1 第 1 行"
    for r, cells in enumerate(ANNEX_ROWS, start=2):
        page = built.starts_on("".join(cells))
        assert document.where(numbers["\t".join(cells)]) == f"第 {page} 页，表 1 第 {r} 行"
    assert built.starts_on("".join(ANNEX_ROWS[-1])) == first + 1  # the table did run on
    for r, cells in enumerate(PLAN_ROWS, start=2):
        page = built.page_of(cells[0] + cells[1][:2])  # the name cell wraps: its start
        assert document.where(numbers["\t".join(cells)]) == f"第 {page} 页，表 2 第 {r} 行"


@pytest.mark.soffice
def test_the_figures_are_those_of_the_same_report_as_text(document: Document):
    def figures(text: str) -> list[tuple[object, ...]]:
        report = extract_report(text, INDICATORS)
        return [(f.indicator, f.value, f.kind) for f in report.figures]

    def numeric(value: object) -> float:
        assert isinstance(value, Decimal)
        return float(value)

    from_pdf = figures(document.text)
    assert from_pdf == figures(as_text())
    for wanted in [("enrollment", 52340, "actual"), ("dual_qualified_ratio", 41.2, "actual")]:
        assert any(f[:1] == wanted[:1] and numeric(f[1]) == wanted[1] for f in from_pdf), wanted


# --- what is refused -------------------------------------------------------------------------


@pytest.mark.soffice
def test_a_scan_without_a_text_layer_is_refused(built: Built):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(built.data)
    try:
        image = pdf[0].render(scale=1).to_pil()
    finally:
        pdf.close()
    scan = io.BytesIO()
    image.convert("RGB").save(scan, format="PDF")
    with pytest.raises(DocumentError) as refused:
        read_pdf(scan.getvalue())
    assert (
        str(refused.value)
        == SCAN_MESSAGE
        == "扫描件无文字层，无法识别，请上传带文字的 PDF 或 Word 文件"
    )


@pytest.mark.soffice
def test_a_truncated_file_is_refused_as_damaged(built: Built):
    with pytest.raises(DocumentError, match="文件损坏"):
        read_pdf(built.data[: len(built.data) // 2])


def test_a_file_with_an_open_password_is_refused_as_encrypted():
    with pytest.raises(DocumentError, match="已加密"):
        read_pdf(_encrypted_pdf())


@pytest.mark.soffice
def test_a_file_over_the_page_limit_is_refused_naming_both(built: Built, document: Document):
    with pytest.raises(DocumentError) as refused:
        read_pdf(built.data, max_pages=2)
    assert f"共 {document.pages} 页" in str(refused.value)
    assert "上限 2 页" in str(refused.value)


@pytest.mark.soffice
def test_reading_stops_when_the_time_is_up(built: Built):
    with pytest.raises(DocumentError, match="超时"):
        read_pdf(built.data, timeout=0)


def _encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user key (/U) matches no password,
    so that it cannot be opened without one."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + b"11" * 32
        + b"> /U <"
        + b"22" * 32
        + b"> /P -4 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    file_id = b"<" + b"ab" * 16 + b">"
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, file_id, file_id, xref)
    )
    return out.getvalue()


# --- PDFs written here, glyph by glyph ---------------------------------------------------------
#
# A PDF needs no embedded glyphs to be read: a Type0 font with the characters' widths and a
# ToUnicode map is enough for pdfminer, so the tests below lay text out themselves (as a word
# processor does: greedy lines, a first-line indent, a running header, page numbers) and need
# no LibreOffice.

SIZE = 12.0
LEFT = 72.0
LINE_EMS = 37  # characters of Chinese per line: A4 with margins of 72 pt
PAGE_HEIGHT = 842.0


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float
    top: float
    size: float = SIZE


def _advance(char: str, size: float) -> float:
    if char == " ":
        return 0.25 * size
    return size if unicodedata.east_asian_width(char) in ("W", "F") else 0.55 * size


def tiny_pdf(pages: list[list[Glyph]]) -> bytes:
    """A PDF whose pages show these glyphs, each placed on its own."""
    used = sorted({g.char for page in pages for g in page} | {" "})
    cmap = "".join(
        f"{len(chunk)} beginbfchar\n"
        + "".join(f"<{ord(c):04X}> <{ord(c):04X}>\n" for c in chunk)
        + "endbfchar\n"
        for chunk in (used[i : i + 100] for i in range(0, len(used), 100))
    )
    to_unicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Test-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{cmap}endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    widths = " ".join(f"{ord(c)} [{_advance(c, 1000):.0f}]" for c in used)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type0 /BaseFont /TestCJK /Encoding /Identity-H"
        b" /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestCJK /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R"
        b" /DW 1000 /W [" + widths.encode() + b"] >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(to_unicode), to_unicode),
        b"<< /Type /FontDescriptor /FontName /TestCJK /Flags 4 /FontBBox [0 -120 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    kids = []
    for page in pages:
        content = "BT\n"
        x = top = size = -1.0
        for g in page:
            if (g.top, g.size) != (top, size):  # a new line: place it, then show its glyphs
                content += "] TJ\n" if top >= 0 else ""
                baseline = PAGE_HEIGHT - g.top - 0.88 * g.size
                content += f"/F1 {g.size:.2f} Tf 1 0 0 1 {g.x:.2f} {baseline:.2f} Tm ["
                x, top, size = g.x, g.top, g.size
            elif abs(g.x - x) > 0.01:
                content += f" {(x - g.x) * 1000 / g.size:.1f} "  # a gap, in thousandths of an em
            content += f"<{ord(g.char):04X}>"
            x = g.x + _advance(g.char, g.size)
        stream = (content + "] TJ\nET").encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 %d] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R >> >> >>" % (PAGE_HEIGHT, len(objects))
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        " ".join(f"{k} 0 R" for k in kids).encode(),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _units(text: str) -> list[str]:
    """The pieces a line may not break inside: it breaks after a space and between two Chinese
    characters, except before closing punctuation."""
    units: list[str] = []
    for i, char in enumerate(text):
        before = text[i - 1] if i else ""
        if (
            not units
            or before == " "
            or (_wide(before) and _wide(char) and char not in "，。；：”）")
        ):
            units.append(char)
        else:
            units[-1] += char
    return units


def _run(text: str, x: float, top: float, size: float = SIZE) -> list[Glyph]:
    """Glyphs for text from x, with the small gap word processors put between Chinese and Latin
    letters or digits where no space is written."""
    glyphs = []
    for i, char in enumerate(text):
        if i and char != " " and text[i - 1] != " " and _wide(char) != _wide(text[i - 1]):
            x += 0.2 * size
        if char != " " or i < len(text):
            glyphs.append(Glyph(char, x, top, size))
        x += _advance(char, size)
    return glyphs


def _width(text: str) -> float:
    return _run(text, 0.0, 0.0)[-1].x + _advance(text[-1], SIZE) if text else 0.0


def lay_out(
    paragraphs: list[str],
    *,
    header: str | None = "鹤壁市职业教育质量年度报告（2023年度）",
    page_number: str = "- {} -",
    lines_per_page: int = 30,
    title: str | None = None,
) -> list[list[Glyph]]:
    """Pages of paragraphs set as a word processor sets them: indented two characters, lines
    filled greedily to the right margin (a space at a break stays at the end of the line)."""
    lines: list[tuple[float, str]] = []  # (indent, text)
    for paragraph in paragraphs:
        indent = 2 * SIZE
        current = ""
        for unit in _units(paragraph):
            if current and indent + _width((current + unit).rstrip()) > LINE_EMS * SIZE:
                lines.append((indent, current))
                indent, current = 0.0, ""
            current += unit
        lines.append((indent, current))
    if len(lines) <= lines_per_page:
        header = None  # on one page, nothing tells a running header from a first line
    pages: list[list[Glyph]] = []
    for start in range(0, len(lines), lines_per_page):
        number = len(pages) + 1
        glyphs: list[Glyph] = []
        if title and number == 1:
            glyphs += _run(title, LEFT + 2 * SIZE, 60.0, 18.0)
        elif header:
            glyphs += _run(header, LEFT + 4 * SIZE, 40.0, 9.0)
        for row, (indent, text) in enumerate(lines[start : start + lines_per_page]):
            glyphs += _run(text, LEFT + indent, 90.0 + 22.0 * row)
        glyphs += _run(page_number.format(number), LEFT + 14 * SIZE, 800.0, 10.5)
        pages.append(glyphs)
    return pages


def pdf_of(paragraphs: list[str], **kwargs) -> bytes:
    return tiny_pdf(lay_out(paragraphs, **kwargs))


_HAN = "全市中职学校在校生招收毕业就业培训教师专业实训基地建设经费投入质量提升服务产业发展"
_PUNCT = "，。；："
_WORDS = st.sampled_from(["PLC", "Python", "B2B", "1+X", "MES", "AI"])
_NUMBERS = st.sampled_from(["52340", "12,432", "41.2%", "33 938", "3260.75", "18.2:1"])
_PIECE = st.one_of(
    st.text(alphabet=_HAN, min_size=1, max_size=12),
    st.tuples(
        st.sampled_from(["", " "]), st.one_of(_WORDS, _NUMBERS), st.sampled_from(["", " "])
    ).map("".join),
    st.sampled_from(_PUNCT),
)


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    """A paragraph of Chinese with digits and Latin words, written with or without spaces next
    to them, with no spaces doubled or at its ends, and starting with Chinese."""
    text = draw(st.text(alphabet=_HAN, min_size=2, max_size=6)) + "".join(
        draw(st.lists(_PIECE, min_size=1, max_size=40))
    )
    text = re.sub(r" {2,}", " ", text).strip()
    text = re.sub(r" (?=[，。；：])|(?<=[，。；：]) ", "", text)  # no space next to 。
    return text + "。"


# pdfminer reads about a page per 0.2 s here: few examples, of a few pages each.
@settings(max_examples=20, deadline=None)
@given(st.lists(paragraphs(), min_size=1, max_size=6), st.integers(min_value=5, max_value=30))
def test_paragraphs_laid_out_over_pages_come_back_as_written(written: list[str], per_page: int):
    assume(sum(len(p) for p in written) >= 20)  # less is refused as a scan
    # Some paragraph wraps, so that the left margin shows: were every line indented (each
    # paragraph one line), nothing would tell an indent from the margin.
    assume(any(_width(p) > (LINE_EMS - 2) * SIZE for p in written))
    document = read_pdf(pdf_of(written, lines_per_page=per_page))
    assert [line.text for line in document.lines] == written
    assert {line.origin.table for line in document.lines} == {None}


def test_a_line_that_ends_a_sentence_at_the_margin_goes_on_in_an_indented_document():
    # 35 characters after the indent fill the first line and end with 。, the paragraph goes on.
    first = "全市中职学校在校生招收毕业就业培训教师专业实训基地建设经费投入提升了。"
    assert _width(first) == (LINE_EMS - 2) * SIZE
    written = [first + "服务产业发展，在校生 52340 人。", "各校加强实训基地建设。"]
    assert [line.text for line in read_pdf(pdf_of(written)).lines] == written


@pytest.mark.parametrize("shown", ["- {} -", "— {} —", "{}", "第 {} 页", "第{}页 共3页", "{} / 3"])
def test_page_numbers_in_their_usual_forms_are_removed(shown: str):
    written = ["全市中职学校在校生招收毕业就业培训教师专业" * 5 + "。"] * 5  # 3 lines each
    document = read_pdf(pdf_of(written, lines_per_page=6, header=None, page_number=shown))
    assert [line.text for line in document.lines] == written
    assert document.notes == (f"已去除页码（3 页，如“{shown.format(1)}”）",)


def test_a_title_that_reads_like_the_running_header_is_kept():
    header = "鹤壁市职业教育质量年度报告（2023年度）"
    written = ["全市中职学校在校生招收毕业就业培训教师专业" * 5 + "。"] * 5  # 3 lines each
    document = read_pdf(pdf_of(written, lines_per_page=6, title=header, header=header))
    assert [line.text for line in document.lines] == [header, *written]
    assert f"已去除页眉“{header}”（2 页）" in document.notes
