"""Layout: a report's text -> its title, entity, year, sections, paragraphs and tables.

The first stage of extraction. Nothing here reads a number's meaning; it says where things stand:
which lines are a table and what its columns hold (label, unit, a year, a plan or change column,
the measures of a matrix), which heading each paragraph stands under, whether it is a case study.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import cnnum, documents
from .labels import clean_label
from .results import ReportError

_TITLE = re.compile(
    r"^(?P<entity>.+?)\s*(?:[(（]?\s*(?P<y1>20\d\d)\s*(?:[-—~至]\s*20\d\d\s*)?(?:学年度|学年|年度|年)?\s*[)）]?)?\s*"
    r"(?:中等职业教育|中职教育|职业教育|中等职业学校|中职学校)?\s*(?:质量)?(?:年度)?(?:质量)?报告"
    r"\s*(?:[（(]\s*(?P<y2>20\d\d)\s*(?:年度|年)?\s*[)）])?"
)
_YEAR_LINE = re.compile(
    r"^[（(]?\s*(20\d\d)\s*(?:[-—~至]\s*20\d\d\s*)?(?:学年度|学年|年度|年)\s*[)）]?$"
)
_SCHOOL_WORDS = ("学校", "中心", "学院", "中专", "职专", "技校", "职中", "专业学校")
_PLACE = re.compile(r"^(.{1,6}?(?:自治县|县|区|市|旗))")
# What a title may put before 质量报告 without naming anyone: subject words and "this city".
_NOT_AN_ENTITY = re.compile(
    r"(?:中等职业教育|中等职业学校|中职教育|中职学校|职业教育|中等|中职|职业|教育|[本全我该][市县区省])+"
)
_SUPERVISOR = re.compile(
    r"主管(?:部门|单位)(?:为|是)\s*(.{1,8}?(?:县|区|市))(?:教育体育局|教育局|教体局|人民政府)"
)


def _title_line(raw: str) -> str:
    return re.sub(r"^[#*\s]+|[*\s]+$", "", cnnum.normalise(raw))


# What trails a body's name in a title without being part of it: 某某市教育 / 某某县中等职业教育 /
# 某某市教育委员会 are 某某市 and 某某县.
_ENTITY_TAIL = re.compile(
    r"(?:的)?(?:中等职业教育|中职教育|职业教育|教育委员会|教育局|教体局|教育)$"
)
# A school named with its city and county (某某市某某县职业中专) is known by its county's name.
_CITY_BEFORE_COUNTY = re.compile(r"^[\u4e00-\u9fff]{2,5}?市(?=[\u4e00-\u9fff]{1,6}?(?:县|区|旗))")
_LEADING_YEAR = re.compile(
    r"^[（(]?(20\d\d)\s*(?:[-—~至]\s*20\d\d\s*)?(?:学年度|学年|年度|年)?[)）]?"
)


def _title_fields(lines: Sequence[str]) -> tuple[str, str | None, int | None]:
    """The title line, the entity it names and the year, from the first lines of a report. A title
    may run over two lines and put the year first: "2025 年某某县某某学校" / "教育质量年度报告"."""
    for i, raw in enumerate(lines[:40]):
        line = _title_line(raw)
        if not line or "目录" in line or len(line) > 60:
            continue
        m = _TITLE.match(line)
        if not m:
            continue
        entity = re.sub(r"(?:质量|年度|的)+$", "", m.group("entity").strip(" 　-—"))
        entity = re.sub(r"\s+", "", entity)
        year = m.group("y1") or m.group("y2")
        title = line
        if re.fullmatch(r"(?:20\d\d\s*年?度?)?", entity) or _NOT_AN_ENTITY.fullmatch(entity):
            # "漯河市某某学校" on one line, "2023年质量年度报告" on the next.
            previous = [_title_line(x) for x in lines[max(0, i - 3) : i] if x.strip()]
            year = year or (
                m.group("entity")[:4] if re.match(r"20\d\d", m.group("entity")) else None
            )
            entity = previous[-1] if previous else ""
            leading = _LEADING_YEAR.match(entity)
            if leading:
                year = year or leading.group(1)
                entity = entity[leading.end() :].strip()
            if entity:
                title = entity + line
        if not year:
            for nxt in lines[i + 1 : i + 4]:
                ym = _YEAR_LINE.match(cnnum.normalise(nxt).strip(" #*"))
                if ym:
                    year = ym.group(1)
                    break
        entity = re.sub(r"\s+", "", entity)
        if _NOT_AN_ENTITY.fullmatch(entity):
            entity = ""  # "职业教育质量年度报告", "本市…": the report does not say whose it is
        entity = _ENTITY_TAIL.sub("", entity) or entity
        if _entity_kind(entity) == "school":
            entity = _CITY_BEFORE_COUNTY.sub("", entity)
        if entity:
            return title, entity, int(year) if year else None
    return "", None, None


def _entity_kind(entity: str) -> str:
    if any(word in entity for word in _SCHOOL_WORDS):
        return "school"
    if entity.endswith(("县", "区", "旗")):
        return "county"
    return "city"


def _guess_year(text: str) -> int | None:
    counts: dict[int, int] = {}
    for m in re.finditer(r"(20\d\d)\s*年", text):
        counts[int(m.group(1))] = counts.get(int(m.group(1)), 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


# ---------------------------------------------------------------------------------------------
# Lines: headings, tables, paragraphs


_HEADING = re.compile(
    r"^(?:#+\s*|\*\*)?\s*(?:[一二三四五六七八九十]+\s*[、.]|[（(][一二三四五六七八九十]+[)）]|"
    r"\d{1,2}(?:\s*\.\s*\d+)*\s*[、.．]?\s*(?=[\u4e00-\u9fff])|第[一二三四五六七八九十]+[章节部分]|"
    r"附表|附件|表\s*\d|图\s*\d|案例|『|【|挑战\s*\d)"
)
_CASE_HEADING = re.compile(
    r"^(?:#+\s*|\*\*)?.{0,12}?(?:典型案例|案例\s*[\d一二三四五六七八九十：:』】\]])"
)


def _is_table_line(line: str) -> bool:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        return True
    return "\t" in line and len([c for c in line.split("\t") if c.strip()]) >= 2


@dataclass
class Paragraph:
    text: str
    starts: list[tuple[int, int]]  # (offset in text, 1-based line number)
    section: str
    in_case: bool

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, number in self.starts:
            if start > offset:
                break
            line = number
        return line


def _is_heading(line: str) -> bool:
    if line.endswith(("。", "；", "！", "？")) and not line.startswith(("#", "**")):
        return False  # a short sentence, not a heading
    if len(line) <= 40 and _HEADING.match(line):
        return True
    return line.startswith("#") or (line.startswith("**") and line.endswith("**"))


def _paragraphs(lines: Sequence[str], table_lines: set[int]) -> list[Paragraph]:
    """Body text joined across page breaks, with the heading each paragraph stands under."""
    out: list[Paragraph] = []
    section = ""
    in_case = False
    current: Paragraph | None = None
    blank_run = 0
    for index, raw in enumerate(lines):
        number = index + 1
        line = raw.strip()
        if index in table_lines or not line:
            blank_run += 1
            if index in table_lines:
                current = None
            continue
        if _is_heading(line):
            current = None
            heading = re.sub(r"[#*]", "", line).strip()
            if _CASE_HEADING.match(line):
                in_case = True
            elif not re.match(r"^(?:图|表|附表)\s*\d", heading):
                in_case = False
            section = heading
            # A numbered heading that runs on into text ("1. 3. 1 课程设置。落实…") is also body.
            if len(line) <= 40:
                continue
        joinable = (
            current is not None
            and blank_run <= 3
            and current.text
            and current.text[-1] not in "。！？!?：:”）)"
            and len(current.text) >= 30
        )
        if joinable and current is not None:
            current.starts.append((len(current.text), number))
            current.text += line
        else:
            current = Paragraph(line, [(0, number)], section, in_case)
            out.append(current)
        blank_run = 0
    return out


YEAR_COL = re.compile(
    r"^(20\d\d)\s*(?:[-—~至]\s*(20\d\d)\s*)?(?:学年度|学年|年度|年)?\s*(?:[(（].*[)）])?$"
)
_LABEL_COLS = ("指标", "项目", "指标名称", "统计项目", "内容", "主要指标", "项目名称", "统计指标")
_PLAN_COL = re.compile(r"计划|目标|任务")
_CHANGE_COL = re.compile(r"增减|增长|变化|同比|比上年|增幅")
_PREVIOUS_COL = re.compile(r"^(?:上年|去年|上年度|上一年|上学年|上年同期)(?:[(（].*[)）])?$")
_THIS_COL = (
    "数值",
    "数据",
    "数量",
    "本年",
    "本年度",
    "实际",
    "完成值",
    "实际完成",
    "本年数",
    "本期",
)
# A yearbook table names its rows in a column headed by what they are (类别, 学段) or in a column
# with an empty corner cell; 年份 / 年度 heads a column of years, one row per year.
_CATEGORY_HEAD = re.compile(r"^(?:类别|学段|学校类别|学校类型|项目|教育类别|层次|分类)$")
_YEAR_HEAD = re.compile(r"^(?:年份|年度|学年|年|学年度)$")
# 计量单位：所 / 单位：万元 / （单位：人）: a line of its own above a table, or its caption's end.
_UNIT_LINE = re.compile(
    r"[（(]?\s*(?:计量)?单\s*位\s*[：:]\s*([^\s，,。；;、（()）]{1,6})\s*[)）]?\s*$"
)
UNIT_CELL = re.compile(r"^(?:[:：∶]|%|‰|[^\d\s.]{1,4}(?:/[^\d\s.]{1,2})?)$")


@dataclass
class Table:
    title: str
    header_line: int
    label_col: int
    unit_col: int | None
    value_cols: list[tuple[int, int | None, str]]  # column, year, kind
    rows: list[int]  # 0-based line indexes
    measures: dict[int, str] = field(
        default_factory=dict
    )  # matrix tables: column -> what it counts
    unit: str = ""  # the unit a line above the table names for every cell (计量单位：所)
    year_rows: bool = False  # a matrix whose label column holds years (年份 | 学校数 | 在校生)


def _find_tables(lines: Sequence[str]) -> tuple[list[Table], set[int]]:
    tables: list[Table] = []
    table_lines = {
        i
        for i, line in enumerate(lines)
        if _is_table_line(line) or re.match(r"^\s*\|?\s*-{3,}", line)
    }
    i = 0
    while i < len(lines):
        if i not in table_lines:
            i += 1
            continue
        cells = documents.split_cells(lines[i])
        flat = [re.sub(r"\s+", "", cell) for cell in cells]  # spaced headers: 指 标, 单 位
        label_col = next((c for c, cell in enumerate(flat) if cell in _LABEL_COLS), None)
        value_cols: list[tuple[int, int | None, str]] = []
        for c, cell in enumerate(cells):
            cell_n = cnnum.normalise(cell).replace(" ", "")
            ym = YEAR_COL.match(cell_n)
            if ym:
                kind = (
                    "plan"
                    if _PLAN_COL.search(cell_n)
                    else "change"
                    if _CHANGE_COL.search(cell_n)
                    else ""
                )
                value_cols.append((c, int(ym.group(2) or ym.group(1)), kind))
            elif cell_n in _THIS_COL:
                value_cols.append((c, None, ""))
            elif _PREVIOUS_COL.match(cell_n):
                value_cols.append((c, None, "previous"))  # the year before the report's
            elif re.match(r"^20\d\d", cell_n) and _PLAN_COL.search(cell_n):
                value_cols.append((c, int(cell_n[:4]), "plan"))
            elif re.match(r"^20\d\d", cell_n) and _CHANGE_COL.search(cell_n):
                value_cols.append((c, int(cell_n[:4]), "change"))
            elif _CHANGE_COL.search(cell_n) and c > 0:
                value_cols.append((c, None, "change"))
        measures: dict[int, str] = {}
        corner = len(cells) >= 3 and not flat[0] and sum(1 for cell in flat if cell) >= 2
        year_rows = False
        if label_col is None and value_cols and corner:
            label_col = 0  # an empty corner over a column of measures: \t2022年\t2023年
        if label_col is None or not value_cols:
            # A matrix: one row per county, school or kind of school, one column per measure
            # (学校数（所） | 在校生（人）). The column naming each row: a 名称 column, a first
            # column of places (县（市、区）), of kinds (类别), of years (年份), or under an empty
            # corner cell (a statistical yearbook's layout).
            name_col = label_col
            if name_col is None:
                name_col = next(
                    (c for c, cell in enumerate(flat) if re.search(r"名称|单位$", cell)), None
                )
            if name_col is None and cells and re.search(r"县|区|市|地区|区域|学校$", flat[0]):
                name_col = 0
            if (
                name_col is None
                and cells
                and (corner or _CATEGORY_HEAD.match(flat[0]) or _YEAR_HEAD.match(flat[0]))
            ):
                name_col = 0
            year_rows = name_col is not None and bool(_YEAR_HEAD.match(flat[name_col]))
            if name_col is not None:
                for c, cell in enumerate(cells):
                    if (
                        c != name_col
                        and cell
                        and flat[c] not in _LABEL_COLS
                        and not YEAR_COL.match(cnnum.normalise(cell).replace(" ", ""))
                        and re.search(r"[\u4e00-\u9fff]{2}", clean_label(cell))
                        and not re.fullmatch(
                            r"序号|性质|备注|类别|类型|数量|单位|计量单位", flat[c]
                        )
                    ):
                        measures[c] = cell
                if measures:
                    label_col = name_col
                    value_cols = [(c, None, "") for c in measures]
        if label_col is None or not value_cols:
            i += 1
            continue
        unit_col = next(
            (
                c
                for c, cell in enumerate(flat)
                if cell in ("单位", "计量单位") and c not in measures
            ),
            None,
        )
        title = ""
        table_unit = ""
        for back in range(i - 1, max(-1, i - 6), -1):
            candidate = re.sub(r"[#*]", "", lines[back]).strip()
            if not candidate or back in table_lines:
                continue
            um = _UNIT_LINE.search(candidate)
            if um and not table_unit and UNIT_CELL.match(um.group(1)):
                table_unit = um.group(1)
                candidate = candidate[: um.start()].strip()
                if not candidate:
                    continue  # a unit line of its own; the caption is above it
            if not candidate.startswith(("名称", "说明")):
                title = candidate[:100]
                break
        rows = []
        j = i + 1
        blank = 0
        while j < len(lines):
            if j in table_lines:
                if not re.match(r"^\s*\|?\s*-{3,}", lines[j]):
                    rows.append(j)
                blank = 0
            elif not lines[j].strip() and blank < 3:
                blank += 1
            else:
                break
            j += 1
        tables.append(
            Table(title, i, label_col, unit_col, value_cols, rows, measures, table_unit, year_rows)
        )
        i = j
    return tables, table_lines


@dataclass(frozen=True)
class Layout:
    """A report as laid out: who it is about and for which year, and its parts."""

    lines: tuple[str, ...]
    title: str
    entity: str | None
    entity_kind: str | None  # city | county | school
    place: str | None  # the county or city a school names, e.g. 延津县
    year: int
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    sections: tuple[str, ...]  # the heading each line stands under, by 0-based line index

    @property
    def generic(self) -> tuple[str, ...]:
        """Words that name the reporting entity itself: 全市 in its own name (漯河市, 漯河)."""
        return entity_words(self.entity, self.place)


def entity_words(entity: str | None, place: str | None = None) -> tuple[str, ...]:
    """A report's own names, which stand before a label as 全市 does: 安阳市 and 安阳, and a
    school's county (延津县)."""
    name = entity or ""
    short = re.sub(r"[市县区州]$", "", name)
    return tuple(w for w in (name, place, short) if w and len(w) >= 2)


def read_layout(text: str, *, entity: str | None = None, year: int | None = None) -> Layout:
    """The layout of a report's text. ``entity`` and ``year`` override what the title says.
    Raises ReportError if the text is empty or no year can be found anywhere."""
    if not text.strip():
        raise ReportError("文件没有文字内容")
    lines = text.split("\n")
    title, title_entity, title_year = _title_fields(lines)
    entity = entity or title_entity
    year = year or title_year or _guess_year(text)
    if year is None:
        raise ReportError(
            "找不到报告年份（标题中应有“2023 年”之类字样），请指定年份", field_name="年份"
        )
    entity_kind = _entity_kind(entity) if entity else None
    place = None
    if entity and entity_kind == "school":
        pm = _PLACE.match(entity)
        sm = _SUPERVISOR.search(text[:5000])
        place = sm.group(1) if sm else (pm.group(1) if pm else None)
    tables, table_lines = _find_tables(lines)
    sections: list[str] = []
    section = ""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if line and i not in table_lines and _is_heading(line):
            section = re.sub(r"[#*]", "", line).strip()
        sections.append(section)
    return Layout(
        lines=tuple(lines),
        title=title,
        entity=entity,
        entity_kind=entity_kind,
        place=place,
        year=year,
        paragraphs=tuple(_paragraphs(lines, table_lines)),
        tables=tuple(tables),
        sections=tuple(sections),
    )
