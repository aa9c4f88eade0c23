"""Mentions: every number of a report's layout with what stands around it, before any meaning.

The second stage of extraction. A ``Mention`` is one number as written: its value, unit,
precision and qualifier (以上, 超过, 约), the label it measures and how that label was found, the
clause and sentence around it, the year the sentence names, and where it stands (line, section,
case study; for a table its row, the column's kind, the row above it). Deciding what a mention
is (actual or plan, which indicator, whose) is the next stage's job (classify).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .. import cnnum, documents
from .catalogue import PER_STUDENT
from .labels import NARROWING, YEAR_WORD, clean_label, strip_generic_prefix, strip_suffixes
from .layout import UNIT_CELL, YEAR_COL, Layout, Paragraph, Table


@dataclass(frozen=True)
class Mention:
    """One number in a report, as written, with its surroundings."""

    value: Decimal
    unit: str  # as written, normalised: 人, 万元 -> 元 (value scaled), %, ":" (a ratio), 百分点
    precision: Decimal  # half the last written digit: 7.8 万 -> 500
    label: str  # the words the number measures
    label_how: str  # before | after | share | inherited | enumeration | row | column
    line: int  # 1-based line of the text
    method: str  # prose | ratio | enumeration | table
    text: str  # the sentence, or the table row
    qualifier: str = ""  # ge (以上), gt (超过), approx (约), or ""
    year: int | None = None  # the year it belongs to (the report's unless the text names another)
    clause: str = ""  # the clause before the number, up to it (prose)
    after: str = ""  # the rest of the clause after it (prose)
    sentence_before: str = ""  # the sentence up to the number (prose)
    topic: str = ""  # the sentence before and this one up to the number: what a bare head is about
    context: str = ""  # the clause around the number, for catalogue patterns
    section: str = ""
    in_case: bool = False  # under a case-study heading (典型案例)
    # Tables
    table_title: str = ""
    table_row: int | None = None  # 1-based row of the table
    column_kind: str = ""  # plan | change | "" as the column heading says
    unit_known: bool = True  # False: a matrix column that names no unit (take the indicator's)
    row_level: str = ""  # top (numbered), sub (其中…), continuation (an empty label cell) or ""
    parent_label: str = ""  # the numbered row a row stands under, when it is another row
    unit_cell: str = ""  # the unit as the table wrote it (万元)
    ratio: tuple[Decimal, Decimal] | None = None  # a ratio's two sides as written (1:17.3)
    bracket_owner: str = ""  # the words before the bracket a number stands in: 较上年（7012 人）
    subject: str = ""  # the county or school a matrix row is about; "" for the total row
    # Yearbook tables (one row per level or kind of education): the row's kind (中等职业学校,
    # 高等学校, 合计), and on a total row the kinds of the table's other top rows.
    category: str = ""
    row_categories: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Prose

_SENTENCE_END_RE = re.compile("[。！？!?；;]")
CLAUSE_STOP = set("，,。；;！!？?：:（()）、\n")
_QUALIFIER_AFTER = re.compile(r"^\s*(?:以上|多|余|有余)")
_QUALIFIER_OVER = re.compile(r"(?:超过|超|逾|达到?了?)$")
_APPROX = re.compile(r"(?:约|近|将近|接近|大约)$|^\s*(?:左右)")
_YEAR_REF = re.compile(
    r"(?<![比较])(?<![比较]\s)(?<!同比)(20\d\d)\s*(?:[-—–~至]\s*(20\d\d)\s*)?(?:学年度|学年|年度|年|届)"
    r"(?!\s*(?:以来|起|开始|至今|以后|之后|以前))"
    r"|(?<![比较])(上|去|前)一?年(?!度?[的]?比)"
)
CHANGE_ONLY = re.compile(
    r"(?:(?:比|较)(?:上|去|前)?一?(?:年|学年|年度)?(?:20\d\d年)?(?:同期)?|同比|环比)?"
    r"(?:增加|增长|减少|下降|提高|降低|上升|提升|回落)了?(?:了)?"
)
_RISE_TO = re.compile(
    YEAR_WORD
    + r"?(?:又|再|进一步)?(?:增加|增长|提高|上升|提升|下降|降低|减少|扩大|回落)(?:到|至)了?"
)
_FILLER = re.compile(
    r"(?:共|共计|合计|总计|有|为|达|达到|共有|现有|其中|计|约|近|年|全年|分别|全市|全县|全区|20\d\d年)*"
)


@dataclass(frozen=True)
class _Number:
    start: int
    end: int
    value: Decimal
    unit: str
    precision: Decimal
    how: str  # ratio | quantity
    ratio: tuple[Decimal, Decimal] | None = None  # 1:17.3 as written
    approx: str = ""  # 余 or 多 written inside the number (5000 余人): more than it says


_ASIDE_MAX = 80  # an aside in brackets up to this long is stepped over (a sentence is longer)


def clause_start(text: str, pos: int, limit: int = 0) -> int:
    i = pos
    while i > limit:
        ch = text[i - 1]
        if ch in "）)":
            # 升入高职（专科）及本科院校, 中等职业学校（含普通中专、职业中专、职业高中、成人中专）:
            # a closed aside belongs to the label, however long; step over it.
            opening = max(text.rfind("（", limit, i - 1), text.rfind("(", limit, i - 1))
            if opening >= 0 and i - opening <= _ASIDE_MAX:
                i = opening
                continue
        if ch in CLAUSE_STOP:
            break
        i -= 1
    return i


def clause_end(text: str, pos: int) -> int:
    i = pos
    while i < len(text) and text[i] not in CLAUSE_STOP:
        i += 1
    return i


def figure_year(before: str, report_year: int | None) -> int | None:
    """The year a number belongs to: the one named last before it in its sentence."""
    refs = list(_YEAR_REF.finditer(before))
    if not refs:
        return report_year
    nearest = refs[-1]
    if nearest.group(3):  # 上年, 去年: the year before the report's
        return report_year - 1 if report_year is not None else None
    year = int(nearest.group(2) or nearest.group(1))
    if not nearest.group(2) and nearest.group(0).endswith("学年") and year + 1 == report_year:
        return report_year  # 2021 学年 runs into 2022: a 2022 report's own school year
    return year


def _numbers(text: str) -> list[_Number]:
    """The numbers of a paragraph that may be figures, in order: ratios and quantities."""
    norm = cnnum.normalise(text)
    out: list[_Number] = []
    ratio_spans: list[tuple[int, int]] = []
    for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[:：∶]\s*(\d+(?:\.\d+)?)(?![\d.])", norm):
        left, right = Decimal(m.group(1)), Decimal(m.group(2))
        if right == 0 or ("." not in m.group(0) and right > 59 and left < 24):
            continue  # a time of day, not a ratio
        value = (left / right).quantize(Decimal("0.0001"), ROUND_HALF_UP).normalize()
        ratio_spans.append((m.start(), m.end()))
        out.append(_Number(m.start(), m.end(), value, ":", Decimal("0"), "ratio", (left, right)))
    for q in cnnum.find_quantities(text):
        if any(s <= q.start < e for s, e in ratio_spans):
            continue
        if q.unit in cnnum.NON_COUNT_UNITS or q.is_range:
            continue
        if q.chinese and (
            norm[q.end : q.end + 2] in ("产业", "改革", "融合", "全育") or q.value == 1
        ):
            continue  # 三次产业, 三教改革, 培训一人: names and slogans, not counts
        prefixed = q.start > 0 and norm[q.start - 1] in "第〔[【.-—+"
        if prefixed or norm[q.end : q.end + 1] in ("号", "+", "."):
            continue  # 第十七届, 〔2023〕28号, 1+X, section numbers
        unit = q.unit
        if not unit:
            before = norm[max(0, q.start - 8) : q.start]
            if not re.search(r"(?:比|率|为|达到?|指数)\s*$", before):
                continue  # a bare number with nothing saying what it is: a code, a page, a name
        if unit in ("个百分点", "百分点"):
            unit = "百分点"
        if unit == "位":
            unit = "名"  # 专任教师 1126 位: people, counted as 名 is (第 3 位 is skipped above)
        out.append(_Number(q.start, q.end, q.value, unit, q.precision, "quantity", None, q.approx))
    out.sort(key=lambda n: (n.start, n.end))
    return out


def _label_for(
    text: str, start: int, end: int, unit: str, prev_label: str, generic: Sequence[str]
) -> tuple[str, str]:
    """The words a number measures, and how they were found (before / share / after)."""
    cstart = clause_start(text, start)
    before = text[cstart:start].strip()
    label = clean_label(before)
    share_of = r"^占.{0,12}?(?:比例|比重|的?比|的|总数)(?:为|达到了?|达|超过|已达|已超过)?$"
    if (
        re.match(share_of, label)
        or label in ("占比", "比例")
        # …14 名，占专业课教师 45%: a percentage of a group, with no 比例 written
        or (unit == "%" and re.fullmatch(r"占[^占]{1,12}?(?:为|达到了?|达|超过)?", label))
    ):
        base = strip_generic_prefix(strip_suffixes(clean_label(prev_label)), generic)
        return (base + "占比") if prev_label else label, "share"
    if prev_label and CHANGE_ONLY.fullmatch(label):
        # 培训 7.7 万人次，比上年增加 0.4 万人次: the change is of the previous clause's measure.
        return clean_label(prev_label), "inherited"
    if prev_label and _RISE_TO.fullmatch(label):
        # 2024 年培训 450 人次，2025 年增加到 500 人次: the new level of the previous measure.
        return strip_generic_prefix(clean_label(prev_label), generic), "inherited"
    if re.fullmatch(r"(?:其中)?(?:生均|每生|人均)(?:为|达|达到)?", label) and prev_label:
        return "生均" + strip_generic_prefix(clean_label(prev_label), generic), "share"
    if (
        not strip_suffixes(label)
        or _FILLER.fullmatch(strip_generic_prefix(label, generic))
        or label in generic
    ):
        after = text[end : clause_end(text, end)]
        after_label = clean_label(re.sub(r"^(?:以上|多|余|左右)", "", after))
        if after_label:
            return (label + after_label), "after"
        if prev_label:
            # “双师型”教师占比 49%，共 292 人: the count is of the previous clause's subject.
            return re.sub(r"(?:占比|比例|比重)$", "", clean_label(prev_label)), "inherited"
    return label, "before"


def _enumeration_label(
    text: str, numbers: Sequence[_Number], index: int, sstart: int
) -> str | None:
    """For the n-th number after 分别为, the n-th item of the list before it, expanded."""
    start = numbers[index].start
    head = text[sstart:start]
    markers = list(re.finditer(r"分别(?:为|是|达到?|有|占)|依次为", head))
    if not markers:
        return None
    m = markers[-1]  # the marker nearest the number
    # The numbers after the marker, separated only by 、，和 and their units.
    first = next(i for i, n in enumerate(numbers) if n.start >= sstart + m.end())
    run = [first]
    for j in range(first + 1, len(numbers)):
        gap = text[numbers[j - 1].end : numbers[j].start]
        if not re.fullmatch(r"\s*[、，,和及与]\s*", gap):
            break
        run.append(j)
    if index not in run or len(run) < 2:
        return None
    list_end = sstart + m.start()
    list_start = list_end
    while list_start > sstart and text[list_start - 1] not in CLAUSE_STOP - {"、"}:
        list_start -= 1
    list_text = text[list_start:list_end]
    parts = [p for p in re.split(r"[、和及与]", list_text) if p]
    n = len(run)
    if len(parts) < n:
        return None
    parts = parts[-n:]
    position = run.index(index)
    middle = parts[1:-1]
    if middle and all(len(p) <= 2 for p in middle):
        # 服务第一、二、三产业人数: shared prefix 服务第, shared suffix 产业人数.
        k = len(middle[0])
        prefix, suffix = parts[0][:-k], parts[-1][k:]
        cores = [parts[0][-k:], *middle, parts[-1][:k]]
        return prefix + cores[position] + suffix
    return clean_label(parts[position])


_LAST_YEAR_END = re.compile(r"(?:上|去|前)一?(?:学)?年(?:度)?(?:同期)?(?:为|是)?$")


def _bracket_owner(text: str, sstart: int, pos: int) -> str:
    """The clause before the bracket a number stands in, when it stands in one that is still open
    (计划（12 万人）, 较上年（7012 人）, 邻县某某县（在校生 9000 余人）); "" otherwise."""
    before = text[sstart:pos]
    opening = max(before.rfind("（"), before.rfind("("))
    if opening < 0 or max(before.rfind("）"), before.rfind(")")) > opening:
        return ""
    at = sstart + opening
    return text[clause_start(text, at, sstart) : at].strip()


def _qualifier(clause: str, after: str) -> str:
    if _QUALIFIER_AFTER.match(after):
        return "ge"
    if _APPROX.search(clause.rstrip()) or _APPROX.search(after):
        return "approx"
    if _QUALIFIER_OVER.search(clause.rstrip()) and re.search(r"超过|超|逾", clause[-3:]):
        return "gt"
    return ""


def prose_mentions(para: Paragraph, layout: Layout) -> Iterator[Mention]:
    """Every number of a paragraph, with the label, clause and sentence it stands in."""
    text = para.text
    numbers = _numbers(text)
    sentence_ends = [m.start() for m in _SENTENCE_END_RE.finditer(text)]
    generic = layout.generic
    prev_label = ""
    prev_end = -1
    for index, number in enumerate(numbers):
        start, end, unit = number.start, number.end, number.unit
        cstart = clause_start(text, start)
        if cstart < prev_end:
            prev_label = ""
        k = bisect_left(sentence_ends, start)
        sstart = sentence_ends[k - 1] + 1 if k else 0
        pstart = sentence_ends[k - 2] + 1 if k >= 2 else 0  # where the sentence before starts
        k = bisect_left(sentence_ends, end)
        send = sentence_ends[k] + 1 if k < len(sentence_ends) else len(text)
        label, label_how = _label_for(text, start, end, unit, prev_label, generic)
        if label_how == "before" and cstart > 0 and text[cstart - 1] == "、" and prev_label:
            # 技工学校招生 3 012 人、在校生 7 806 人: items of one list share what narrows the first
            narrowed = NARROWING.match(strip_generic_prefix(clean_label(prev_label), generic))
            if narrowed and not NARROWING.match(label):
                label = narrowed.group(0) + label
        clause = text[cstart:start]
        after = text[end : clause_end(text, end)]
        sentence_before = text[sstart:start]
        method = "ratio" if number.how == "ratio" else "prose"
        # Enumerations: 服务第一、二、三产业人数分别为 345 人、1080 人、3924 人
        enum_label = _enumeration_label(text, numbers, index, sstart)
        if enum_label is not None:
            label, method, label_how = enum_label, "enumeration", "enumeration"
            clause = ""
        if unit == "" and re.search(r"生师比", label):
            unit = ":"
        if PER_STUDENT.search(label) and unit == "元" and number.value <= 1_000_000:
            unit = (
                "元/生"  # a per-student amount; 生均…经费 3.66 亿元 is a total, whatever its label
            )
        owner = _bracket_owner(text, sstart, start)
        year = figure_year(sentence_before, layout.year)
        if owner and _LAST_YEAR_END.search(owner) and layout.year is not None:
            year = layout.year - 1  # 在校生 6930 人，较上年（7012 人）: last year's value
        sentence = text[sstart:send].strip()
        if len(sentence) > 300:
            sentence = text[max(sstart, start - 140) : min(send, end + 140)].strip()
        yield Mention(
            value=number.value,
            unit=unit,
            precision=number.precision,
            label=label[:200],
            label_how=label_how,
            line=para.line_at(start),
            method=method,
            text=sentence,
            qualifier="ge" if number.approx else _qualifier(clause, after),
            year=year,
            clause=clause,
            after=after,
            sentence_before=sentence_before,
            topic=text[pstart:start],
            ratio=number.ratio,
            bracket_owner=owner,
            context=text[cstart:end] + after,
            section=para.section[:100],
            in_case=para.in_case,
        )
        if label_how == "before":
            prev_label = label
        prev_end = clause_end(text, end)


# ---------------------------------------------------------------------------------------------
# Tables

_TOTAL_ROW = re.compile(r"合计|总计|全市|全县|全区|总数|小计|合\s*计|全市合计|全县合计")
_UNIT_IN_LABEL = re.compile(r"[（(]\s*([^（()）\d]{1,5})\s*[)）]\s*$")
TOTAL_CATEGORY = "合计"
_ROW_SERIAL = re.compile(
    r"^(?:\d{1,2}\s*[.、．](?!\d)|[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）])"
)
_ROW_PART = re.compile(r"^(?:[#＃]+|其中\s*[：:]?|内\s*[：:])")  # #普通中专, 其中：职业高中
# A level or kind of education, as a yearbook names its rows (高等学校, 普通中学, 初中,
# 中等职业学校, #普通中专, 技工学校, 幼儿园): a table most of whose rows are these counts kinds,
# not places.
_EDU_KIND = re.compile(
    r"(?:普通|成人|职业|中等职业|高等职业|特殊|民办|公办|独立设置的?|附设|其他)?"
    r"(?:高等学校|高等教育|普通高校|高校|高职院校|高职|本科|专科|研究生|中等职业学校|中等职业教育|中职学校|"
    r"中职|中等专业学校|中专|职业高中|职高|职业中学|职业中专|技工学校|技校|职业教育|普通中学|中学|高中|"
    r"初中|普通高中|小学|幼儿园|学前教育|特殊教育学校|特殊教育|义务教育|一贯制学校|完全中学|教学点|"
    r"成人教育|成人高校|工读学校)"
    r"(?:学校|阶段|教育)?(?:合计|小计)?"
)


def _category_rows(table: Table, lines: Sequence[str]) -> dict[int, tuple[str, str, str]]:
    """For a yearbook table whose rows are kinds of education: each row's kind, level (top or
    sub) and the top row it stands under. A row is a sub row when it is marked # or 其中, or when
    the table numbers its top rows (3.中等职业学校) and this one has no number. {} for any other
    table."""
    named: list[tuple[int, str, bool, bool]] = []  # row, kind, numbered, marked as a part
    for index in table.rows:
        cells = documents.split_cells(lines[index])
        cell = cells[table.label_col] if table.label_col < len(cells) else ""
        name = re.sub(r"\s+", "", cell)
        numbered = bool(_ROW_SERIAL.match(name))
        name = _ROW_SERIAL.sub("", name)
        part = bool(_ROW_PART.match(name))
        name = re.sub(r"[（(][^（()）]*[)）]", "", _ROW_PART.sub("", name))  # （含技工学校）
        if name:
            named.append((index, name, numbered, part))
    kinds = [n for _, n, _, _ in named if not _TOTAL_ROW.fullmatch(n)]
    if not kinds or 2 * sum(1 for n in kinds if _EDU_KIND.fullmatch(n)) < len(kinds):
        return {}
    any_numbered = any(numbered for _, _, numbered, _ in named)
    out: dict[int, tuple[str, str, str]] = {}
    top = ""
    for index, name, numbered, part in named:
        if _TOTAL_ROW.fullmatch(name):
            out[index] = (TOTAL_CATEGORY, "top", "")
            continue
        sub = bool(top) and (part or (any_numbered and not numbered))
        if not sub:
            top = name
        out[index] = (name, "sub" if sub else "top", top if sub else "")
    return out


def table_unit(cell: str) -> tuple[str, str]:
    """A unit cell as base unit and the multiplier written in front of it, for cnnum.scaled:
    万元 -> (元, 万), 千万元 -> (元, 千万), 万人 -> (人, 万), ":" -> (":", "")."""
    cell = cnnum.normalise(cell).replace(" ", "")
    if cell in (":", "：", "∶"):
        return ":", ""
    multiplier, unit = cnnum.split_multiplier(cell)
    if unit in ("名", "人"):
        return "人", multiplier
    return unit, multiplier


def table_mentions(table: Table, layout: Layout) -> Iterator[Mention]:
    """Every value cell of a table, with its row's label and unit, the column's year and kind, and
    the numbered row it stands under."""
    lines = layout.lines
    parent_label = ""
    top_label = ""
    categories = {} if table.year_rows else _category_rows(table, lines)
    top_categories = tuple(
        dict.fromkeys(
            k for k, level, _ in categories.values() if level == "top" and k != TOTAL_CATEGORY
        )
    )
    for row_number, index in enumerate(table.rows, start=1):
        cells = documents.split_cells(lines[index])
        shift = 0
        if table.unit_col is not None:
            # Rows that lost a leading empty cell (a tab dropped in conversion) are realigned on
            # the unit cell: the first unit-like cell after the label.
            expected = table.unit_col
            if not (
                expected < len(cells) and UNIT_CELL.match(cells[expected].replace(" ", "") or "x")
            ):
                for c, cell in enumerate(cells):
                    if c < len(cells) - 1 and UNIT_CELL.match(cell.replace(" ", "")) and cell:
                        shift = c - expected
                        break
        label_cell = (
            cells[table.label_col + shift] if 0 <= table.label_col + shift < len(cells) else ""
        )
        label_raw = re.sub(r"^\s*其中\s*[：:]?", "", label_cell).strip()
        unit_cell = (
            cells[table.unit_col + shift]
            if table.unit_col is not None and 0 <= table.unit_col + shift < len(cells)
            else ""
        )
        continuation = False
        if not label_raw:
            if not parent_label:
                continue
            label_raw, continuation = parent_label, True
        elif label_raw.startswith("占") and parent_label:
            # “双师型”教师 / 占专业课教师比例
            label_raw = re.sub(r"(?:占比|比例)$", "", clean_label(parent_label)) + "占比"
        else:
            parent_label = label_raw
        serial = cells[0] if shift == 0 and table.label_col > 0 else ""
        is_top = bool(re.fullmatch(r"\d+", serial or ""))
        if is_top:
            top_label = label_raw
        if not unit_cell:
            # 毕业生（人）, 双师型教师（%）: the unit written into the label.
            um = _UNIT_IN_LABEL.search(label_raw)
            if um and UNIT_CELL.match(um.group(1).replace(" ", "")):
                unit_cell = um.group(1)
        unit_cell = unit_cell or table.unit  # 计量单位：所 above the table
        unit, multiplier = table_unit(unit_cell)
        if continuation and unit == "%" and not re.search(r"率|比|比例|占比|比重", label_raw):
            label_raw = clean_label(label_raw) + "占比"  # “双师型”教师 人 198 / (blank) % 42.9
        subject = ""
        row_year = None
        category, category_level, category_parent = categories.get(index, ("", "", ""))
        if table.measures:
            subject = re.sub(r"\s+", "", label_cell)
            if not subject or (not table.year_rows and re.fullmatch(r"[\d.,%]+", subject)):
                continue  # a row of bare numbers under a two-line header names nothing
            if table.year_rows:
                ym = YEAR_COL.match(cnnum.normalise(subject))
                if not ym:
                    continue  # 增长 / 平均 under the years: not a year's figure
                row_year, subject = int(ym.group(2) or ym.group(1)), ""
            if _TOTAL_ROW.fullmatch(subject) or category:
                subject = ""  # the total row is the reporting entity's own; a kind is no place
        row_level = (
            category_level
            if category
            else "continuation"
            if continuation
            else "top"
            if is_top
            else "sub"
            if top_label and top_label != label_raw
            else ""
        )
        row_text = " | ".join(c for c in cells if c)
        for col, col_year, col_kind in table.value_cols:
            if table.measures:
                # #专任教师 in a column after 教职工: a part of the measure before, still a measure.
                label_raw = _ROW_PART.sub("", re.sub(r"\s+", "", table.measures[col]))
                um = _UNIT_IN_LABEL.search(label_raw)
                unit, multiplier = table_unit(um.group(1) if um else table.unit)
            if col_kind == "previous":
                col_year, col_kind = layout.year - 1, ""  # 上年 | 本年
            c = col + shift
            if not 0 <= c < len(cells):
                continue
            raw = cnnum.normalise(cells[c]).replace(" ", "").replace(",", "")
            share = raw.endswith("%")
            try:
                # 1.2 under 千万元 is 12 000 000 元; a cell "7.8万" says its own multiplier; a
                # share is never in 万.
                value, precision = cnnum.scaled(raw.removesuffix("%"), "" if share else multiplier)
            except ValueError:
                continue  # text, a dash, a footnote: not a figure
            cell_unit = "%" if share else unit
            label = clean_label(label_raw)
            if PER_STUDENT.search(label) and cell_unit == "元":
                cell_unit = "元/生"
            yield Mention(
                value=value,
                unit=cell_unit,
                precision=precision,
                label=label[:200],
                label_how="column" if table.measures else "row",
                line=index + 1,
                method="table",
                text=row_text[:300],
                year=row_year or col_year or layout.year,
                clause=label,
                context=label,
                section=layout.sections[index][:100],
                table_title=table.title,
                table_row=row_number,
                column_kind=col_kind,
                unit_known=bool(cell_unit) or not table.measures,
                row_level=row_level,
                parent_label=category_parent
                if category
                else top_label
                if top_label != label_raw
                else "",
                unit_cell=unit_cell,
                subject=subject,
                category=category,
                row_categories=top_categories if category == TOTAL_CATEGORY else (),
            )


def mentions(layout: Layout) -> Iterator[Mention]:
    """Every mention of a report: its tables', then its paragraphs'."""
    for table in layout.tables:
        yield from table_mentions(table, layout)
    for para in layout.paragraphs:
        yield from prose_mentions(para, layout)
