"""Extracting figures from vocational-education quality reports (职业教育质量年度报告).

Pure module: text and an indicator catalogue in, dataclasses out; no database. It reads the genre:
- annex tables "序号 指标 单位 2023年" (tab-separated or markdown), with nested rows (其中：…),
  continuation rows whose 序号 or 指标 cell is empty, misaligned rows, unit cells such as 万元,
  千万元, 元/生 or ":", cells that write their own multiplier (7.8万), and several year columns;
- figures in prose: 万/亿 multipliers, Chinese numerals, percentages, ratios (1:2.57, 11.49:1), a
  figure whose label stands some words before it (专任教师中，“双师”素质教师占比 46%), a share that
  refers back to the previous clause (…1680 人，占专业教师比例达到 60% 以上), a label after the
  number (830 名教师通过“双师型”教师认定), enumerations (分别为 345 人、1080 人、3924 人);
- the kind of each figure: actual, plan (任务, 计划, 下达), change (比上年增加, 提高 3.1 个百分点),
  rate (完成率) or other_year (2022 年培训 1269 人次); only ``actual`` is ever this year's value;
- the reporting entity and year from the title and front matter;
- disagreements between two figures for one indicator and year, kept side by side as conflicts.

A figure is linked to an indicator only when its label names the indicator as its head noun
(“县属公办中等职业学校 15 所” is a sub-category, not the number of schools), its unit fits, and it
is about the reporting entity (not a 高职 college, not another school in a case study).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from . import cnnum, documents

KINDS = ("actual", "plan", "change", "rate", "other_year")


class ReportError(documents.LocatedError):
    """The document cannot be read as a report; the message says what and where, in Chinese."""


# ---------------------------------------------------------------------------------------------
# The indicator catalogue (reference data, passed in)


@dataclass(frozen=True)
class IndicatorSpec:
    """How one indicator is written in reports. ``aliases`` must be the head of a label;
    ``patterns`` (words joined by "…") may stand anywhere in the clause, in that order."""

    code: str
    name: str
    unit: str
    aliases: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()  # words that, in the same clause, mean something else
    sentence_excludes: tuple[str, ...] = ()  # …anywhere earlier in the sentence (培训 of 教师)
    max_value: Decimal | None = None
    flow: bool = (
        False  # counted per year (培训, 认定): 新增 38 名 is the year's actual, not a change
    )

    @classmethod
    def from_entry(cls, entry: dict[str, object]) -> IndicatorSpec:
        unit = str(entry.get("unit") or "")
        units = _words(entry, "units") or (unit,)
        max_value = entry.get("max")
        return cls(
            code=str(entry["code"]),
            name=str(entry["name"]),
            unit=unit,
            aliases=tuple(_clean_label(a) for a in _words(entry, "aliases")),
            units=units,
            patterns=_words(entry, "patterns"),
            excludes=_words(entry, "excludes"),
            sentence_excludes=_words(entry, "sentence_excludes"),
            max_value=Decimal(str(max_value)) if max_value is not None else None,
            flow=bool(entry.get("flow")),
        )


def _words(entry: dict[str, object], key: str) -> tuple[str, ...]:
    """A list of words in a catalogue entry; absent or null is none."""
    value = entry.get(key) or ()
    if not isinstance(value, list | tuple):
        raise ValueError(f"指标 {entry.get('code')} 的 {key} 应为字符串列表，而不是 {value!r}")
    return tuple(str(word) for word in value)


class IndicatorCatalogue:
    """Matches a figure's label and unit to an indicator code."""

    def __init__(self, specs: Iterable[IndicatorSpec]):
        self.specs = {spec.code: spec for spec in specs}
        heads: list[tuple[str, IndicatorSpec]] = []  # (head, spec); 人数/总数 suffixes stripped
        for spec in self.specs.values():
            for alias in {_clean_label(spec.name), *(_clean_label(a) for a in spec.aliases)}:
                if alias:
                    heads.append((_strip_suffixes(alias), spec))
        # Longest head first: “双师型教师占比” must win over “教师”. Indexed by last character,
        # since a head must end the label (this index is what keeps extraction fast).
        self._heads = sorted(heads, key=lambda pair: len(pair[0]), reverse=True)
        self._heads_by_last: dict[str, list[tuple[str, IndicatorSpec]]] = {}
        for alias, spec in self._heads:
            self._heads_by_last.setdefault(alias[-1], []).append((alias, spec))
        self._patterns = [
            (
                p.split("…")[0],
                re.compile(".{0,24}?".join(re.escape(part) for part in p.split("…"))),
                spec,
            )
            for spec in self.specs.values()
            for p in spec.patterns
        ]

    @classmethod
    def from_entries(cls, entries: Iterable[dict[str, object]]) -> IndicatorCatalogue:
        return cls(IndicatorSpec.from_entry(e) for e in entries)

    def _fits(
        self,
        spec: IndicatorSpec,
        value: Decimal,
        unit: str | None,
        context: str,
        sentence: str,
        bare: bool = True,
    ) -> bool:
        if unit is not None and unit not in spec.units:
            return False
        if spec.max_value is not None and abs(value) > spec.max_value:
            return False
        if any(word in context for word in spec.excludes):
            return False
        # Only a bare head (培训, 取证) takes its meaning from the sentence;
        # 职业技能等级证书 speaks for itself.
        return not bare or not any(word in sentence for word in spec.sentence_excludes)

    def match(
        self,
        label: str,
        unit: str | None,
        value: Decimal,
        *,
        context: str = "",
        sentence: str = "",
        generic: Sequence[str] = (),
        loose: bool = False,
    ) -> tuple[IndicatorSpec, str] | None:
        """The indicator a label names, and how ("head" or "pattern"); None if none fits.

        ``context`` is the clause around the number, ``sentence`` the sentence up to it; a unit of
        None (a table column that names no unit) accepts the indicator's own. ``loose`` (for plans
        and changes, which are never taken for an actual) also accepts a head anywhere in the label:
        明确全年培训任务 40000 人次 is a plan for training."""
        label = _strip_suffixes(_clean_label(label))
        if unit in ("元/生", "元/人") and not _PER_STUDENT.search(label):
            label = "生均" + label  # 教学科研仪器设备值（元/生）
        generic = tuple(generic)
        for alias, spec in self._heads_by_last.get(label[-1:], ()):
            if label.endswith(alias) and _is_generic(label[: len(label) - len(alias)], generic):
                if self._fits(spec, value, unit, context, sentence, bare=len(alias) <= 2):
                    return spec, "head"
                # The head named an indicator whose unit does not fit: a different measure of the
                # same thing (“专任教师占比 86%”); do not fall through to a shorter head.
                return None
        cleaned = _clean_label(context)
        for first, pattern, spec in self._patterns:
            if (
                first in cleaned
                and pattern.search(cleaned)
                and self._fits(spec, value, unit, context, sentence)
            ):
                return spec, "pattern"
        if loose:
            for alias, spec in self._heads:
                if (
                    len(alias) >= 2
                    and alias in label
                    and self._fits(spec, value, unit, context, sentence, len(alias) <= 2)
                ):
                    return spec, "loose"
        return None


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Figure:
    """One number found in a report, with what it measures and where it stands."""

    label: str
    value: Decimal
    unit: str
    kind: str
    year: int | None
    line: int
    text: str  # the sentence, or the table row
    method: str  # table | prose | ratio | enumeration
    confidence: float
    indicator: str | None = None
    value_high: Decimal | None = None
    qualifier: str = ""  # ge (以上), gt (超过), approx (约), or ""
    precision: Decimal = Decimal("0")  # half the last written digit: 7.8 万 -> 500
    table_title: str = ""
    table_row: int | None = None
    section: str = ""
    note: str = ""  # why it is not linked to an indicator, when a reader might expect it
    subject: str = ""  # a county or school the figure is about, when a table breaks the total down
    place: str = ""  # where it stands in a Word, Excel or PDF file: "第 12 页，表 3 第 4 行"

    def as_json(self) -> dict[str, object]:
        return {
            "indicator": self.indicator,
            "label": self.label,
            "value": cnnum.to_json_number(self.value),
            "value_high": cnnum.to_json_number(self.value_high),
            "unit": self.unit,
            "kind": self.kind,
            "year": self.year,
            "qualifier": self.qualifier,
            "line": self.line,
            "place": self.place or None,
            "table": self.table_title or None,
            "table_row": self.table_row,
            "section": self.section,
            "method": self.method,
            "subject": self.subject or None,
            "confidence": self.confidence,
            "text": self.text,
            "note": self.note,
        }


@dataclass(frozen=True)
class Conflict:
    """Two or more actual figures for one indicator and year that cannot all be true."""

    indicator: str
    year: int | None
    figures: tuple[Figure, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "indicator": self.indicator,
            "year": self.year,
            "values": [
                {
                    "value": cnnum.to_json_number(f.value),
                    "qualifier": f.qualifier,
                    "unit": f.unit,
                    "line": f.line,
                    "text": f.text,
                }
                for f in self.figures
            ],
        }


@dataclass
class ExtractedReport:
    title: str
    entity: str | None
    entity_kind: str | None  # city | county | school
    place: str | None  # the county or city a school names, e.g. 延津县
    year: int | None
    figures: list[Figure] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def linked(self) -> list[Figure]:
        return [f for f in self.figures if f.indicator]

    def as_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "entity": self.entity,
            "entity_kind": self.entity_kind,
            "place": self.place,
            "year": self.year,
            "figures": [f.as_json() for f in self.figures],
            "conflicts": [c.as_json() for c in self.conflicts],
        }


# ---------------------------------------------------------------------------------------------
# Label cleaning


_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』《》〈〉*＊ \t【】")
_YEAR_WORD = r"20\d\d\s*(?:[-—–~至]\s*20\d\d\s*)?(?:学年度|学年|年度|年|届)?"
# Words that set context but do not narrow what is counted: 全市, 现有, 2023 年, 中等职业学校 …
_GENERIC = re.compile(
    r"(?:" + _YEAR_WORD + r"|全市|全县|全区|全省|全校|全体|全部|全年|全日制|学历教育|在籍|在册|"
    r"我市|我县|我区|我校|本市|本县|本区|本校|该校|学校|各级|各类|各|"
    r"中等职业学校|中等职业教育|中等职业|中职学校|中职教育|中职|职业学校|职业教育|独立设置的?|"
    r"其中|现有|共有|拥有|共计|合计|总计|共|有|总|年度|年|秋季|春季|秋期|春期|秋|春|学期|学年|"
    r"截至目前|截至|至目前|目前|年底|年末|底|末|当年|本年度|本年|实际|累计|完成|实现|开展|组织|"
    r"达到了|达到|达|为|是|的|了|已|均|毕业生|学生|学员|参训人员|教育系统|系统|各校|全校|校|获得|拥有)"
)
_SUFFIXES = re.compile(
    r"(?:人数|总数|数量|总量|规模|总额|水平|合计|总计|数|为|达到了|达到|达|是|约|近|共|计|有|的|了)+$"
)


_PARENS = re.compile(r"[（(][^（()）]*[)）]")
_SHARE_BASE = re.compile(r"(?<=.)占[^，,。；]{1,10}?(?:的)?(?:比例|比重)$")


@lru_cache(maxsize=8192)
def _clean_label(text: str) -> str:
    text = cnnum.normalise(text).translate(_QUOTES)
    text = _PARENS.sub("", text)  # 职业技能等级证书（含职业资格证书）
    text = text.replace("总值", "值")
    # “双师型”教师占专业课教师比例 -> “双师型”教师占比: the base of a share is not part of its name.
    text = _SHARE_BASE.sub("占比", text)
    return text.strip("：:，,、；;。 ")


def clean_label(text: str) -> str:
    """A label as the catalogue compares it: quotes, spaces, brackets and unit asides removed."""
    return _clean_label(text)


@lru_cache(maxsize=8192)
def _strip_suffixes(label: str) -> str:
    stripped = _SUFFIXES.sub("", label)
    return stripped or label


def _canonical(value: Decimal) -> Decimal:
    """7.8 万 is 78000, not 78000.0 or 7.8E+4."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _strip_generic_prefix(label: str, extra: Sequence[str] = ()) -> str:
    for word in sorted(extra, key=len, reverse=True):
        if label.startswith(word):
            label = label[len(word) :]
    pos = 0
    while pos < len(label):
        m = _GENERIC.match(label, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    return label[pos:] or label


@lru_cache(maxsize=8192)
def _is_generic(prefix: str, extra: tuple[str, ...] = ()) -> bool:
    for word in sorted(extra, key=len, reverse=True):
        prefix = prefix.replace(word, "")
    # “专任教师中”“毕业生中”: among a larger group, the head still names the indicator
    # (but 初中/高中 are school levels, not groups).
    prefix = re.sub(r"^.{1,12}[^初高]中$", "", prefix)
    prefix = re.sub(
        r"^.{0,16}等(?:途径|渠道|方式|形式)$", "", prefix
    )  # 通过职教高考、转段等途径升学
    pos = 0
    while pos < len(prefix):
        m = _GENERIC.match(prefix, pos)
        if not m or m.end() == pos:
            return False
        pos = m.end()
    return True


# ---------------------------------------------------------------------------------------------
# Title, entity and year


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


def _title_fields(lines: Sequence[str]) -> tuple[str, str | None, int | None]:
    for i, raw in enumerate(lines[:40]):
        line = re.sub(r"^[#*\s]+|[*\s]+$", "", cnnum.normalise(raw))
        if not line or "目录" in line or len(line) > 60:
            continue
        m = _TITLE.match(line)
        if not m:
            continue
        entity = re.sub(r"(?:质量|年度|的)+$", "", m.group("entity").strip(" 　-—"))
        entity = re.sub(r"\s+", "", entity)
        year = m.group("y1") or m.group("y2")
        if re.fullmatch(r"(?:20\d\d\s*年?度?)?", entity):
            # "漯河市某某学校" on one line, "2023年质量年度报告" on the next.
            previous = [
                re.sub(r"^[#*\s]+|[*\s]+$", "", x) for x in lines[max(0, i - 3) : i] if x.strip()
            ]
            entity = previous[-1] if previous else ""
            year = year or (
                m.group("entity")[:4] if re.match(r"20\d\d", m.group("entity")) else None
            )
        if not year:
            for nxt in lines[i + 1 : i + 4]:
                ym = _YEAR_LINE.match(cnnum.normalise(nxt).strip(" #*"))
                if ym:
                    year = ym.group(1)
                    break
        if _NOT_AN_ENTITY.fullmatch(entity):
            entity = ""  # "职业教育质量年度报告", "本市…": the report does not say whose it is
        if entity:
            return line, entity, int(year) if year else None
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
_SENTENCE_END = "。！？!?；;"
_SENTENCE_END_RE = re.compile(f"[{_SENTENCE_END}]")
_CLAUSE_STOP = set("，,。；;！!？?：:（()）、\n")
_ORG = re.compile(
    r"([\u4e00-\u9fff]{2,14}?(?:职业中等专业学校|中等专业学校|职业技术学校|职业教育中心|职业技术学院|职业学院|"
    r"技师学院|技工学校|中等职业学校|职业中专|职专|中专|学校|学院))(?![业科项])"
)
_GENERIC_ORG = re.compile(
    r"^(?:全市|全县|全区|全省|我市|我县|本市|各|市属|县属|区属|公办|民办|独立设置的?|现有|共有|有|的|所|在|"
    r"省级|市级|县级|国家级|重点|示范|试点|标准化|高水平|\d+)*"
    r"(?:中等职业学校|中职学校|职业学校|中等专业学校|职业院校|院校|学校|中专|职专|技工学校|高职院校|高校|学院)$"
)
# 升入高校 / 考入大学 are where students went, not whom the figure is about.
_HIGHER_ED = re.compile(
    r"(?<!升入)(?<!考入)(?<!进入)(?:高职|高等职业|高等院校|高校|职业技术学院|职业学院|大学)"
)


def _is_table_line(line: str) -> bool:
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        return True
    return "\t" in line and len([c for c in line.split("\t") if c.strip()]) >= 2


@dataclass
class _Paragraph:
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


def _paragraphs(lines: Sequence[str], table_lines: set[int]) -> list[_Paragraph]:
    """Body text joined across page breaks, with the heading each paragraph stands under."""
    out: list[_Paragraph] = []
    section = ""
    in_case = False
    current: _Paragraph | None = None
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
            current = _Paragraph(line, [(0, number)], section, in_case)
            out.append(current)
        blank_run = 0
    return out


# ---------------------------------------------------------------------------------------------
# Kinds


_RATE = re.compile(r"(?:完成率|达成率|执行率|完成比例|完成进度)$")
_CHANGE_BEFORE = re.compile(
    r"(?:比|较)\s*(?:上|去|前)?一?\s*(?:年|学年|年度)|同比|环比|(?:比|较)\s*20\d\d|比上期|增幅|增速"
)
_CHANGE_HEAD = re.compile(
    r"(?:增加|增长|减少|下降|提高|降低|上升|新增|增|减|提升|回落)了?(?:到|至)?$"
)
_CHANGE_TO = re.compile(
    r"(?:增加|增长|提高|上升|提升|下降|降低|减少)(?:到|至)$"
)  # 提高到 60%: a level
_PLAN = re.compile(r"计划|任务|目标|预计|力争|拟|下达|规划|争取|确保|不低于|不少于|以上的|要求")
_NEGATIVE = re.compile(r"减少|下降|降低|回落|减")
_QUALIFIER_AFTER = re.compile(r"^\s*(?:以上|多|余|有余)")
_QUALIFIER_OVER = re.compile(r"(?:超过|超|逾|达到?了?)$")
_APPROX = re.compile(r"(?:约|近|将近|接近|大约)$|^\s*(?:左右)")
_YEAR_REF = re.compile(
    r"(?<![比较])(?<![比较]\s)(?<!同比)(20\d\d)\s*(?:[-—–~至]\s*(20\d\d)\s*)?(?:学年度|学年|年度|年|届)"
    r"(?!\s*(?:以来|起|开始|至今|以后|之后|以前))"
    r"|(?<![比较])(上|去|前)一?年(?!度?[的]?比)"
)
_PER_STUDENT = re.compile(r"生均|每生|人均")


# ---------------------------------------------------------------------------------------------
# Extraction


@dataclass
class _Context:
    catalogue: IndicatorCatalogue
    year: int | None
    generic: tuple[str, ...]
    entity: str | None
    entity_kind: str | None


def _clause_start(text: str, pos: int, limit: int = 0) -> int:
    i = pos
    while i > limit:
        ch = text[i - 1]
        if ch in "）)":
            # 升入高职（专科）及本科院校: a closed aside belongs to the label; step over it.
            opening = max(text.rfind("（", limit, i - 1), text.rfind("(", limit, i - 1))
            if opening >= 0 and i - opening <= 20:
                i = opening
                continue
        if ch in _CLAUSE_STOP:
            break
        i -= 1
    return i


def _clause_end(text: str, pos: int) -> int:
    i = pos
    while i < len(text) and text[i] not in _CLAUSE_STOP:
        i += 1
    return i


def _figure_year(before: str, ctx: _Context) -> int | None:
    refs = list(_YEAR_REF.finditer(before))
    if not refs:
        return ctx.year
    nearest = refs[-1]  # the year named last before the figure is the one it belongs to
    if nearest.group(3):  # 上年, 去年: the year before the report's
        return ctx.year - 1 if ctx.year is not None else None
    return int(nearest.group(2) or nearest.group(1))


def _kind(
    label: str,
    clause_before: str,
    after: str,
    year: int | None,
    ctx: _Context,
    sentence_before: str = "",
) -> str:
    if _RATE.search(label) or "完成率" in label:
        return "rate"
    if _CHANGE_BEFORE.search(clause_before) or any(
        _CHANGE_HEAD.search(x) and not _CHANGE_TO.search(x) for x in (label, clause_before.rstrip())
    ):
        return "change"
    if _PLAN.search(clause_before) or re.match(r"^[^，,。；;]{0,12}?(?:任务|计划|目标)", after):
        return "plan"
    if re.search(r"(?:任务|计划|目标|指标)[^。；;]{0,8}[：:]", sentence_before):
        return "plan"  # 下达年度任务：开展培训 7 万人次、取证 4.8 万人
    if year is not None and ctx.year is not None and year != ctx.year:
        return "other_year"
    return "actual"


def _scope_note(sentence_before: str, para: _Paragraph, ctx: _Context) -> str:
    """Why a figure is about someone other than the reporting entity, or "" if it is its own."""
    if para.in_case:
        return "案例中的单位数据，不计入报告主体"
    if ctx.entity_kind != "school" and _HIGHER_ED.search(sentence_before):
        return "高职院校数据，不计入中等职业教育指标"
    if ctx.entity_kind == "school":
        clause = sentence_before[max(sentence_before.rfind("，"), sentence_before.rfind(","), 0) :]
        if re.search(r"全县|全市|全区|全省|县里|市里|县域", clause):
            return "县（市）的数据，不计入学校"
        return ""  # a school's report speaks of itself; its partners rarely carry figures
    for m in _ORG.finditer(sentence_before):
        name = m.group(1)
        if re.search(
            r"年|届|学期|季|全日制|在籍|的|全市|全县|全区|全省|各|我市|我县|本市|标准化|达标|示范|重点|试点|公办|民办|"
            r"省级|市级|县级|国家级|高水平|中学|通过|教师|学生|毕业|实施|推进|开展|建设|组织|完成|举办|持续|全面|加强|"
            r"新增|累计|现有|共有|已有|其中|另有",
            name,
        ):
            continue  # a kind of school (全市标准化建设达标学校), not one named school
        if ctx.entity and (name in ctx.entity or ctx.entity in name):
            continue
        if not _GENERIC_ORG.match(name):
            return f"属于“{name}”的数据，不计入报告主体"
    return ""


_CHANGE_ONLY = re.compile(
    r"(?:(?:比|较)(?:上|去|前)?一?(?:年|学年|年度)?(?:20\d\d年)?(?:同期)?|同比|环比)?"
    r"(?:增加|增长|减少|下降|提高|降低|上升|提升|回落)了?(?:了)?"
)
_FILLER = re.compile(
    r"(?:共|共计|合计|总计|有|为|达|达到|共有|现有|其中|计|约|近|年|全年|分别|全市|全县|全区|20\d\d年)*"
)


def _label_for(
    text: str, start: int, end: int, prev_label: str, generic: Sequence[str]
) -> tuple[str, str]:
    """The words a number measures, and how they were found (before / share / after)."""
    cstart = _clause_start(text, start)
    before = text[cstart:start].strip()
    label = _clean_label(before)
    if re.match(
        r"^占.{0,12}?(?:比例|比重|的?比|的|总数)(?:为|达到了?|达|超过|已达|已超过)?$", label
    ) or label in ("占比", "比例"):
        base = _strip_generic_prefix(_strip_suffixes(_clean_label(prev_label)), generic)
        return (base + "占比") if prev_label else label, "share"
    if prev_label and _CHANGE_ONLY.fullmatch(label):
        # 培训 7.7 万人次，比上年增加 0.4 万人次: the change is of the previous clause's measure.
        return _clean_label(prev_label), "inherited"
    if re.fullmatch(r"(?:其中)?(?:生均|每生|人均)(?:为|达|达到)?", label) and prev_label:
        return "生均" + _strip_generic_prefix(_clean_label(prev_label), generic), "share"
    if (
        not _strip_suffixes(label)
        or _FILLER.fullmatch(_strip_generic_prefix(label, generic))
        or label in generic
    ):
        after = text[end : _clause_end(text, end)]
        after_label = _clean_label(re.sub(r"^(?:以上|多|余|左右)", "", after))
        if after_label:
            return (label + after_label), "after"
        if prev_label:
            # “双师型”教师占比 49%，共 292 人: the count is of the previous clause's subject.
            return re.sub(r"(?:占比|比例|比重)$", "", _clean_label(prev_label)), "inherited"
    return label, "before"


def _extract_prose(para: _Paragraph, ctx: _Context) -> list[Figure]:
    text = para.text
    norm = cnnum.normalise(text)
    figures: list[Figure] = []
    ratio_spans: list[tuple[int, int]] = []
    items: list[
        tuple[int, int, Decimal, str, Decimal, str]
    ] = []  # start, end, value, unit, precision, mult
    for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[:：∶]\s*(\d+(?:\.\d+)?)(?![\d.])", norm):
        left, right = Decimal(m.group(1)), Decimal(m.group(2))
        if right == 0 or ("." not in m.group(0) and right > 59 and left < 24):
            continue  # a time of day, not a ratio
        value = (left / right).quantize(Decimal("0.0001"), ROUND_HALF_UP).normalize()
        ratio_spans.append((m.start(), m.end()))
        items.append((m.start(), m.end(), value, ":", Decimal("0"), "ratio"))
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
        items.append((q.start, q.end, q.value, unit, q.precision, "quantity"))
    items.sort()
    sentence_ends = [m.start() for m in _SENTENCE_END_RE.finditer(text)]

    prev_label = ""
    prev_end = -1
    for index, (start, end, value, unit, precision, how) in enumerate(items):
        cstart = _clause_start(text, start)
        if cstart < prev_end:
            prev_label = ""
        k = bisect_left(sentence_ends, start)
        sstart = sentence_ends[k - 1] + 1 if k else 0
        k = bisect_left(sentence_ends, end)
        send = sentence_ends[k] + 1 if k < len(sentence_ends) else len(text)
        label, label_how = _label_for(text, start, end, prev_label, ctx.generic)
        clause_before = text[cstart:start]
        after = text[end : _clause_end(text, end)]
        sentence_before = text[sstart:start]
        method = "ratio" if how == "ratio" else "prose"

        # Enumerations: 服务第一、二、三产业人数分别为 345 人、1080 人、3924 人
        enum_label = _enumeration_label(text, items, index, sstart)
        if enum_label is not None:
            label, method = enum_label, "enumeration"
            clause_before = ""

        year = _figure_year(sentence_before, ctx)
        kind = _kind(label, clause_before, after, year, ctx, sentence_before)
        if kind == "change" and _NEGATIVE.search(clause_before + label) and value > 0:
            value = -value
        if kind == "change" and unit == "百分点":
            unit = "%"
        qualifier = ""
        if _QUALIFIER_AFTER.match(after):
            qualifier = "ge"
        elif _APPROX.search(clause_before.rstrip()) or _APPROX.search(after):
            qualifier = "approx"
        elif _QUALIFIER_OVER.search(clause_before.rstrip()) and re.search(
            r"超过|超|逾", clause_before[-3:]
        ):
            qualifier = "gt"
        if unit == "" and re.search(r"生师比", label):
            unit = ":"
        if re.search(r"(?:生均|每生|人均)", label) and unit == "元" and value <= 1_000_000:
            unit = (
                "元/生"  # a per-student amount; 生均…经费 3.66 亿元 is a total, whatever its label
            )

        indicator = None
        note = ""
        confidence = 0.0
        if label and kind in ("actual", "other_year", "plan", "change"):
            note = _scope_note(sentence_before, para, ctx)
            found = ctx.catalogue.match(
                label,
                unit,
                value,
                context=text[cstart:end] + after,
                sentence=sentence_before,
                generic=ctx.generic,
                loose=kind in ("plan", "change"),
            )
            if found is not None:
                spec, matched = found
                if note:
                    note = f"{note}（标签像“{spec.name}”）"
                else:
                    indicator = spec.code
                    unit = spec.unit  # 名 -> 人, 次 -> 人次, 元 -> 元/生: the indicator's own unit
                    if kind == "change" and spec.flow and not _CHANGE_BEFORE.search(clause_before):
                        kind, value = (
                            "actual",
                            abs(value),
                        )  # 新增 38 名教师通过认定: this year's count
                    confidence = {"head": 0.85, "pattern": 0.75, "loose": 0.5}[matched]
                    if (
                        matched == "pattern"
                        and not spec.flow
                        and kind == "actual"
                        and re.search(r"20\d\d\s*年", sentence_before)
                        and not re.search(r"已|累计|现有|目前|至今", sentence_before)
                    ):
                        # 2023 年 5 所学校通过验收: this year's additions, not the stock
                        kind = "change"
                    if label_how != "before" or method == "enumeration":
                        confidence -= 0.1
                    if qualifier:
                        confidence -= 0.2
        line = para.line_at(start)
        sentence = text[sstart:send].strip()
        if len(sentence) > 300:
            sentence = text[max(sstart, start - 140) : min(send, end + 140)].strip()
        figures.append(
            Figure(
                label=label[:200],
                value=_canonical(value),
                unit=unit,
                kind=kind,
                year=year,
                line=line,
                text=sentence,
                method=method,
                confidence=round(confidence, 2),
                indicator=indicator,
                qualifier=qualifier,
                precision=precision,
                section=para.section[:100],
                note=note,
            )
        )
        prev_label = label if label_how == "before" and method != "enumeration" else prev_label
        prev_end = _clause_end(text, end)
    return figures


def _enumeration_label(
    text: str, items: Sequence[tuple[int, int, Decimal, str, Decimal, str]], index: int, sstart: int
) -> str | None:
    """For the n-th number after 分别为, the n-th item of the list before it, expanded."""
    start = items[index][0]
    head = text[sstart:start]
    markers = list(re.finditer(r"分别(?:为|是|达到?|有|占)|依次为", head))
    if not markers:
        return None
    m = markers[-1]  # the marker nearest the number
    # The numbers after the marker, separated only by 、，和 and their units.
    first = next(i for i, it in enumerate(items) if it[0] >= sstart + m.end())
    run = [first]
    for j in range(first + 1, len(items)):
        gap = text[items[j - 1][1] : items[j][0]]
        if not re.fullmatch(r"\s*[、，,和及与]\s*", gap):
            break
        run.append(j)
    if index not in run or len(run) < 2:
        return None
    list_end = sstart + m.start()
    list_start = list_end
    while list_start > sstart and text[list_start - 1] not in _CLAUSE_STOP - {"、"}:
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
    return _clean_label(parts[position])


# Tables ---------------------------------------------------------------------------------------

_YEAR_COL = re.compile(
    r"^(20\d\d)\s*(?:[-—~至]\s*(20\d\d)\s*)?(?:学年度|学年|年度|年)?\s*(?:[(（].*[)）])?$"
)
_LABEL_COLS = ("指标", "项目", "指标名称", "统计项目", "内容")
_PLAN_COL = re.compile(r"计划|目标|任务")
_CHANGE_COL = re.compile(r"增减|增长|变化|同比|比上年|增幅")
_UNIT_CELL = re.compile(r"^(?:[:：∶]|%|‰|[^\d\s.]{1,4}(?:/[^\d\s.]{1,2})?)$")


@dataclass
class _Table:
    title: str
    header_line: int
    label_col: int
    unit_col: int | None
    value_cols: list[tuple[int, int | None, str]]  # column, year, kind
    rows: list[int]  # 0-based line indexes
    measures: dict[int, str] = field(
        default_factory=dict
    )  # matrix tables: column -> what it counts


def _find_tables(lines: Sequence[str]) -> tuple[list[_Table], set[int]]:
    tables: list[_Table] = []
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
        label_col = next((c for c, cell in enumerate(cells) if cell in _LABEL_COLS), None)
        value_cols: list[tuple[int, int | None, str]] = []
        for c, cell in enumerate(cells):
            cell_n = cnnum.normalise(cell).replace(" ", "")
            ym = _YEAR_COL.match(cell_n)
            if ym:
                kind = (
                    "plan"
                    if _PLAN_COL.search(cell_n)
                    else "change"
                    if _CHANGE_COL.search(cell_n)
                    else ""
                )
                value_cols.append((c, int(ym.group(2) or ym.group(1)), kind))
            elif cell_n in ("数值", "数据", "数量", "本年", "本年度", "实际", "完成值", "实际完成"):
                value_cols.append((c, None, ""))
            elif re.match(r"^20\d\d", cell_n) and _PLAN_COL.search(cell_n):
                value_cols.append((c, int(cell_n[:4]), "plan"))
            elif re.match(r"^20\d\d", cell_n) and _CHANGE_COL.search(cell_n):
                value_cols.append((c, int(cell_n[:4]), "change"))
            elif _CHANGE_COL.search(cell_n) and c > 0:
                value_cols.append((c, None, "change"))
        measures: dict[int, str] = {}
        if label_col is None:
            # A matrix: one row per county or school, one column per measure
            # (学校数（所） | 在校生（人）). The column naming each row: a 名称 column, else a first
            # column of places (县（市、区）).
            name_col = next(
                (c for c, cell in enumerate(cells) if re.search(r"名称|单位$", cell)), None
            )
            if name_col is None and cells and re.search(r"县|区|市|地区|区域|学校$", cells[0]):
                name_col = 0
            if name_col is not None:
                for c, cell in enumerate(cells):
                    if (
                        c != name_col
                        and cell
                        and not _YEAR_COL.match(cnnum.normalise(cell).replace(" ", ""))
                        and re.search(r"[\u4e00-\u9fff]{2}", _clean_label(cell))
                        and not re.fullmatch(r"序号|性质|备注|类别|类型|数量", cell)
                    ):
                        measures[c] = cell
                if measures:
                    label_col = name_col
                    value_cols = [(c, None, "") for c in measures]
        if label_col is None or not value_cols:
            i += 1
            continue
        unit_col = next(
            (c for c, cell in enumerate(cells) if cell.replace(" ", "") in ("单位", "计量单位")),
            None,
        )
        title = ""
        for back in range(i - 1, max(-1, i - 6), -1):
            candidate = re.sub(r"[#*]", "", lines[back]).strip()
            if candidate and back not in table_lines and not candidate.startswith(("名称", "说明")):
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
        tables.append(_Table(title, i, label_col, unit_col, value_cols, rows, measures))
        i = j
    return tables, table_lines


def _table_unit(cell: str) -> tuple[str, str]:
    """A unit cell as base unit and the multiplier written in front of it, for cnnum.scaled:
    万元 -> (元, 万), 千万元 -> (元, 千万), 万人 -> (人, 万), ":" -> (":", "")."""
    cell = cnnum.normalise(cell).replace(" ", "")
    if cell in (":", "：", "∶"):
        return ":", ""
    multiplier, unit = cnnum.split_multiplier(cell)
    if unit in ("名", "人"):
        return "人", multiplier
    return unit, multiplier


def _extract_table(
    table: _Table, lines: Sequence[str], ctx: _Context, sections: dict[int, str]
) -> list[Figure]:
    figures: list[Figure] = []
    parent_label = ""
    top_label = ""
    top_code: str | None = None
    for row_number, index in enumerate(table.rows, start=1):
        cells = documents.split_cells(lines[index])
        shift = 0
        if table.unit_col is not None:
            # Rows that lost a leading empty cell (a tab dropped in conversion) are realigned on
            # the unit cell: the first unit-like cell after the label.
            expected = table.unit_col
            if not (
                expected < len(cells) and _UNIT_CELL.match(cells[expected].replace(" ", "") or "x")
            ):
                for c, cell in enumerate(cells):
                    if c < len(cells) - 1 and _UNIT_CELL.match(cell.replace(" ", "")) and cell:
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
        else:
            if label_raw.startswith("占") and parent_label:
                label_raw = (
                    re.sub(r"(?:占比|比例)$", "", _clean_label(parent_label)) + "占比"
                )  # “双师型”教师 / 占专业课教师比例
            else:
                parent_label = label_raw
        serial = cells[0] if shift == 0 and table.label_col > 0 else ""
        is_top = bool(re.fullmatch(r"\d+", serial or ""))
        if is_top:
            top_label, top_code = label_raw, None
        # Rows under 在国外开办学校数 (其中：在校生数) count something abroad, not the entity's own.
        abroad = (
            bool(re.search(r"国外|境外|中外|海外|留学|高职", top_label)) and top_label != label_raw
        )
        if not unit_cell:
            # 毕业生（人）, 双师型教师（%）: the unit written into the label.
            um = re.search(r"[（(]\s*([^（()）\d]{1,5})\s*[)）]\s*$", label_raw)
            if um and _UNIT_CELL.match(um.group(1).replace(" ", "")):
                unit_cell = um.group(1)
        unit, multiplier = _table_unit(unit_cell)
        if continuation and unit == "%" and not re.search(r"率|比|比例|占比|比重", label_raw):
            label_raw = _clean_label(label_raw) + "占比"  # “双师型”教师 人 198 / (blank) % 42.9
        subject = ""
        if table.measures:
            subject = re.sub(r"\s+", "", label_cell)
            if not subject:
                continue
            if re.fullmatch(
                r"合计|总计|全市|全县|全区|总数|小计|合\s*计|全市合计|全县合计", subject
            ):
                subject = ""  # the total row is the reporting entity's own figure
        row_text = " | ".join(c for c in cells if c)
        for col, col_year, col_kind in table.value_cols:
            if table.measures:
                label_raw = table.measures[col]
                um = re.search(r"[（(]\s*([^（()）\d]{1,5})\s*[)）]\s*$", label_raw)
                unit, multiplier = _table_unit(um.group(1) if um else "")
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
            if share:
                unit = "%"
            year = col_year or ctx.year
            label = _clean_label(label_raw)
            kind = col_kind or (
                "rate"
                if _RATE.search(label) or "完成率" in label
                else "plan"
                if re.search(r"计划|目标|任务", label)
                else "other_year"
                if year is not None and ctx.year is not None and year != ctx.year
                else "actual"
            )
            if kind == "change" and unit == "百分点":
                unit = "%"
            match_unit = unit
            if _PER_STUDENT.search(label) and unit == "元":
                match_unit = unit = "元/生"
            indicator = None
            confidence = 0.0
            found = ctx.catalogue.match(
                label,
                match_unit if (match_unit or not table.measures) else None,
                value,
                context=label,
                generic=ctx.generic,
            )
            note = ""
            if found is not None and abroad:
                note, found = f"“{top_label}”的分项，不计入报告主体", None
            elif (
                found is not None and not is_top and found[0].code == top_code and not continuation
            ):
                # 在校生数 52340 / 其中：全日制在校生 50120: part of the same measure, not a rival.
                note, found = f"“{top_label}”的分项", None
            elif found is not None and is_top:
                top_code = found[0].code
            if found is not None:
                indicator = found[0].code
                unit = found[0].unit
                confidence = 0.95 if not continuation else 0.8
            figures.append(
                Figure(
                    label=label[:200] if not continuation else f"{label[:190]}（{unit_cell}）",
                    value=_canonical(value),
                    unit=unit,
                    kind=kind,
                    year=year,
                    line=index + 1,
                    text=row_text[:300],
                    method="table",
                    confidence=confidence,
                    indicator=indicator,
                    precision=precision,
                    table_title=table.title,
                    table_row=row_number,
                    section=sections.get(index, "")[:100],
                    note=note,
                    subject=subject,
                )
            )
    return figures


# Conflicts ------------------------------------------------------------------------------------


def value_interval(
    value: Decimal, qualifier: str = "", precision: Decimal = Decimal(0)
) -> tuple[Decimal, Decimal | None]:
    """The values a figure allows: its rounding (or 0.5 %), open above for 以上, ±5 % for 约."""
    tolerance = max(precision, abs(value) * Decimal("0.005"))
    if qualifier in ("ge", "gt"):
        return value - tolerance, None
    if qualifier == "approx":
        return value * Decimal("0.95"), value * Decimal("1.05")
    return value - tolerance, value + tolerance


def intervals_overlap(a: tuple[Decimal, Decimal | None], b: tuple[Decimal, Decimal | None]) -> bool:
    """Whether two figures' allowed values can both hold (see value_interval)."""
    (alo, ahi), (blo, bhi) = a, b
    return (ahi is None or blo <= ahi) and (bhi is None or alo <= bhi)


def _overlap(a: Figure, b: Figure) -> bool:
    return intervals_overlap(
        value_interval(a.value, a.qualifier, a.precision),
        value_interval(b.value, b.qualifier, b.precision),
    )


def find_conflicts(figures: Iterable[Figure]) -> list[Conflict]:
    """Actual figures for one indicator and year whose values cannot both hold."""
    groups: dict[tuple[str, int | None], list[Figure]] = {}
    for f in figures:
        if f.indicator and f.kind == "actual" and not f.subject:
            groups.setdefault((f.indicator, f.year), []).append(f)
    conflicts = []
    for (code, year), group in groups.items():
        if any(not _overlap(a, b) for i, a in enumerate(group) for b in group[i + 1 :]):
            conflicts.append(Conflict(code, year, tuple(group)))
    return conflicts


# Entry point ----------------------------------------------------------------------------------


def location(
    *, line: int, place: str = "", table_title: str = "", table_row: int | None = None
) -> str:
    """Where a figure stands, as a person looks it up: the page, table and row of a Word, Excel
    or PDF file when it came from one, else the line of the text (and the annex row)."""
    if place:
        return place
    where = f"第 {line} 行"
    if table_row:
        where += (
            f"（{table_title}第 {table_row} 行）" if table_title else f"（表格第 {table_row} 行）"
        )
    return where


def extract_document(
    document: documents.Document,
    catalogue: IndicatorCatalogue,
    *,
    entity: str | None = None,
    year: int | None = None,
) -> ExtractedReport:
    """extract_report on a read document: each figure also carries its place in the original
    file (page, table, row), and an error names that place."""
    try:
        extracted = extract_report(document.text, catalogue, entity=entity, year=year)
    except ReportError as exc:
        placed = exc.placed(document)
        if placed is exc:
            raise
        raise placed from exc
    placed_figures = {id(f): replace(f, place=document.where(f.line)) for f in extracted.figures}
    extracted.figures = [placed_figures[id(f)] for f in extracted.figures]
    extracted.conflicts = [
        replace(c, figures=tuple(placed_figures.get(id(f), f) for f in c.figures))
        for c in extracted.conflicts
    ]
    return extracted


def extract_report(
    text: str,
    catalogue: IndicatorCatalogue,
    *,
    entity: str | None = None,
    year: int | None = None,
) -> ExtractedReport:
    """Every figure in a report's text, with its indicator (if any), kind, year and source line.

    ``entity`` and ``year`` override what the title says. Raises ReportError if the text is empty
    or no year can be found anywhere.
    """
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
    generic = tuple(
        w for w in (entity, place, re.sub(r"[市县区]$", "", entity or "")) if w and len(w) >= 2
    )
    ctx = _Context(catalogue, year, generic, entity, entity_kind)

    tables, table_lines = _find_tables(lines)
    paragraphs = _paragraphs(lines, table_lines)
    sections: dict[int, str] = {}
    section = ""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if line and i not in table_lines and _is_heading(line):
            section = re.sub(r"[#*]", "", line).strip()
        sections[i] = section

    figures: list[Figure] = []
    for table in tables:
        figures.extend(_extract_table(table, lines, ctx, sections))
    for para in paragraphs:
        figures.extend(_extract_prose(para, ctx))
    figures.sort(key=lambda f: (f.line, f.table_row or 0))
    return ExtractedReport(
        title=title,
        entity=entity,
        entity_kind=entity_kind,
        place=place,
        year=year,
        figures=figures,
        conflicts=find_conflicts(figures),
    )


def clear_caches() -> None:
    """Forget memoised label work (for benchmarks that must not reuse an earlier run's)."""
    for fn in (_clean_label, _strip_suffixes, _is_generic):
        fn.cache_clear()


__all__ = [
    "KINDS",
    "Conflict",
    "ExtractedReport",
    "Figure",
    "IndicatorCatalogue",
    "IndicatorSpec",
    "ReportError",
    "clean_label",
    "clear_caches",
    "extract_document",
    "extract_report",
    "find_conflicts",
    "location",
]
