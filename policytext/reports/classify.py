"""Classify: one mention -> one figure. The one place that decides what a number is.

``classify`` alone decides a figure's kind (actual, plan, change, rate, other_year), its indicator,
whose it is (a note when it belongs to someone other than the reporting entity) and how sure the
link is (``CONFIDENCE``). Prose and table mentions go through the same rules: a 预计 or 下达 row
of a table is a plan as it is in a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .catalogue import IndicatorCatalogue, IndicatorSpec
from .labels import canonical, generic_prefix_length
from .layout import Layout
from .mentions import TOTAL_CATEGORY, Mention
from .results import Figure

# How sure a link is, by how the label was matched to the indicator; then what lowers it.
CONFIDENCE = {
    "table": 0.95,  # a table row's label cell names the indicator
    "table_continuation": 0.8,  # a row with an empty label cell, read as its parent's
    "head": 0.85,  # the label ends in the indicator's name or an alias
    "pattern": 0.75,  # the clause holds the indicator's words in order
    "loose": 0.5,  # a plan or change whose label holds the indicator's name somewhere
    "near_unit": 0.85,  # a head whose unit is near the indicator's (see PENALTY_NEAR_UNIT)
}
PENALTY_INFERRED_LABEL = 0.1  # the label came from the words after, the previous clause or a list
PENALTY_QUALIFIED = 0.2  # 以上, 超过, 约: a bound, not the value
PENALTY_NEAR_UNIT = 0.2  # written in a unit near the indicator's (人 for 人次)

_RATE = re.compile(r"(?:完成率|达成率|执行率|完成比例|完成进度)$")
CHANGE_BEFORE = re.compile(
    r"(?:比|较)\s*(?:上|去|前)?一?\s*(?:年|学年|年度)|同比|环比|(?:比|较)\s*20\d\d|比上期|增幅|增速"
)
_CHANGE_HEAD = re.compile(
    r"(?:增加|增长|减少|下降|提高|降低|上升|新增|增|减|提升|回落)了?(?:到|至)?$"
)
_CHANGE_TO = re.compile(
    r"(?:增加|增长|提高|上升|提升|下降|降低|减少)(?:到|至)$"
)  # 提高到 60%: a level
_PLAN = re.compile(
    r"计划|任务|目标|预计|力争|(?<![模虚])拟|下达|规划|争取|确保|不低于|不少于|以上的|要求"
)
_PLAN_AFTER = re.compile(r"^[^，,。；;]{0,12}?(?:任务|计划|目标)")
_PLAN_HEADING = re.compile(r"(?:任务|计划|目标|指标)[^。；;]{0,8}[：:]")
# 新增专业 43 个, 新建实训基地: additions to a stock, not the stock (a flow indicator such as
# 新增 38 名教师通过认定 is turned back into this year's count once linked).
_NEW_STOCK = re.compile(r"新增|新开设|新设|新建|新开")
_NEGATIVE = re.compile(r"减少|下降|降低|回落|减")
_ABROAD = re.compile(r"国外|境外|中外|海外|留学|高职")

_ORG = re.compile(
    r"([\u4e00-\u9fff]{2,14}?(?:职业中等专业学校|中等专业学校|职业技术学校|职业教育中心|职业技术学院|职业学院|"
    r"技师学院|技工学校|中等职业学校|职业中专|职专|中专|学校|学院))(?![业科项])"
)
_GENERIC_ORG = re.compile(
    r"^(?:全市|全县|全区|全省|我市|我县|本市|各|市属|县属|区属|公办|民办|独立设置的?|现有|共有|有|的|所|在|"
    r"省级|市级|县级|国家级|重点|示范|试点|标准化|高水平|\d+)*"
    r"(?:中等职业学校|中职学校|职业学校|中等专业学校|职业院校|院校|学校|中专|职专|技工学校|高职院校|高校|学院)$"
)
_KIND_OF_SCHOOL = re.compile(
    r"年|届|学期|季|全日制|在籍|的|全市|全县|全区|全省|各|我市|我县|本市|标准化|达标|示范|重点|试点|公办|民办|"
    r"省级|市级|县级|国家级|高水平|中学|通过|教师|学生|毕业|实施|推进|开展|建设|组织|完成|举办|持续|全面|加强|"
    r"新增|累计|现有|共有|已有|其中|另有"
)
# 升入高校 / 考入大学 are where students went, not whom the figure is about.
_HIGHER_ED = re.compile(
    r"(?<!升入)(?<!考入)(?<!进入)(?:高职|高等职业|高等院校|高校|职业技术学院|职业学院|大学)"
)


def kind_of(mention: Mention, report_year: int | None) -> str:
    """actual, plan, change, rate or other_year, by one rule for prose and tables. A table row's
    clause is its label; a plan or change column says so itself."""
    if mention.column_kind:
        return mention.column_kind
    label, clause = mention.label, mention.clause
    if _RATE.search(label) or "完成率" in label:
        return "rate"
    if (
        _NEW_STOCK.search(label)
        or CHANGE_BEFORE.search(clause)
        or any(
            _CHANGE_HEAD.search(x) and not _CHANGE_TO.search(x) for x in (label, clause.rstrip())
        )
    ):
        return "change"
    if (
        _PLAN.search(clause)
        or _PLAN.search(mention.bracket_owner)  # 完成下达招生计划（12 万人）的 98.9%
        or _PLAN_AFTER.match(mention.after)
        or _PLAN_HEADING.search(mention.sentence_before)  # 下达年度任务：开展培训 7 万人次
    ):
        return "plan"
    if mention.year is not None and report_year is not None and mention.year != report_year:
        return "other_year"
    return "actual"


# A yearbook table's rows are kinds of education: the sector's own row is the report's figure; its
# kinds (普通中专, 职业高中, 技工学校) are parts of it, and any other level is someone else's.
_SECTOR = re.compile(r"(?:中等职业|中职|职业)(?:学校|教育)?(?:合计|小计)?")
_SECTOR_KIND = re.compile(
    r"(?:普通|成人|职业|民办|公办|其他)?(?:中等专业学校|中专|职业高中|职高|职业中学|职业中专|技工学校|技校)"
    r"(?:学校)?"
)


_COUNT_LABEL = re.compile(r"(?:人数|生数|学校数|校数|人次|人|数)$")


def _category_note(mention: Mention) -> str:
    """Whose a yearbook row's figure is: "" for the sector's own row (and a total of its kinds
    only), a note for its parts and for other levels of education."""
    kind, parent = mention.category, mention.parent_label
    if not kind:
        return ""
    if kind == TOTAL_CATEGORY:
        if all(_in_sector(k) for k in mention.row_categories):
            return ""
        return "各级各类教育的合计，不计入中等职业教育指标"
    if mention.row_level == "sub" and parent:
        if _in_sector(parent):
            return f"“{parent}”的分项（{kind}），不计入报告主体"
        return f"其他学段（{parent}）的数据，不计入中等职业教育指标"
    if not _in_sector(kind):
        return f"其他学段（{kind}）的数据，不计入中等职业教育指标"
    if not _SECTOR.fullmatch(kind):
        return f"中等职业教育的分项（{kind}），不计入报告主体"
    return ""


def _in_sector(kind: str) -> bool:
    return bool(_SECTOR.fullmatch(kind) or _SECTOR_KIND.fullmatch(kind))


def scope_note(mention: Mention, layout: Layout) -> str:
    """Why a figure is about someone other than the reporting entity, or "" if it is its own."""
    if mention.in_case:
        return "案例中的单位数据，不计入报告主体"
    if mention.method == "table":
        if mention.parent_label and _ABROAD.search(mention.parent_label):
            return f"“{mention.parent_label}”的分项，不计入报告主体"
        if (
            not mention.unit_known
            and mention.value != mention.value.to_integral_value()
            and _COUNT_LABEL.search(mention.label)
        ):
            # 招生人数 2.22 in a column that names no unit: counted in 万 (or 千), not readable.
            return "表中未注明单位，人数、校数不是整数（可能以万计），不计入指标"
        return _category_note(mention)
    before = mention.sentence_before
    if layout.entity_kind != "school" and _HIGHER_ED.search(before):
        return "高职院校数据，不计入中等职业教育指标"
    if layout.entity_kind == "school":
        clause = before[max(before.rfind("，"), before.rfind(","), 0) :]
        if re.search(r"全县|全市|全区|全省|县里|市里|县域", clause):
            return "县（市）的数据，不计入学校"
        return ""  # a school's report speaks of itself; its partners rarely carry figures
    if _SUPPOSED.search(before):
        return "假设或另一口径的数据，不计入报告主体"
    owner = mention.bracket_owner
    if owner and _COMPARED.search(owner):
        return f"比较对象（{owner}）的数据，不计入报告主体"  # 高于全省平均水平（14 500 元）
    entity = layout.entity
    for m in _ORG.finditer(ASIDE.sub("", before)):
        name = m.group(1)
        if _KIND_OF_SCHOOL.search(name):
            continue  # a kind of school (全市标准化建设达标学校), not one named school
        if entity and (name in entity or entity in name):
            continue
        if not _GENERIC_ORG.match(name) and is_named_school(name):
            return f"属于“{name}”的数据，不计入报告主体"
    place = subject_place(ASIDE.sub("", before) + ("，" + owner if owner else ""), layout)
    if place:
        return f"属于“{place}”的数据，不计入报告主体"  # 江北省的报告：某某市现有…在校生 7.3 万人
    return ""


_COMPARED = re.compile(r"平均(?:水平|值|数)?$|全国|(?:高于|低于|超过|相当于)|^[与同和跟]")
# 若合并计算，全市中职在校生达…: a figure on another count or a supposition, not the entity's own.
_SUPPOSED = re.compile(r"若|如果|假如|倘若|合并计算|合计口径|如按")
# A place named as the subject of a clause (某某市现有…, 邻县某某县…): the figures after it are that
# place's, not the reporting entity's; a body (某某市教育局) or the entity itself is no such place.
_SUBJECT_PLACE = re.compile(
    r"(?:^|[，,；;：:、（(])\s*(?:其中|另有|而|邻县|邻市|相邻的)?\s*"
    r"([\u4e00-\u9fff]{2,5}?(?:自治州|省|市|县|区|州|盟|旗))"
    r"(?![\u4e00-\u9fff]{0,2}(?:局|厅|委|政府|部门|办|中心|学校|学院|中专|职专))"
)
# Words of a clause that no place name holds (当年通过省级认定: no place called 当年通过省).
_NOT_IN_A_NAME = re.compile(
    r"[年过通的了在和与对等为是有级计划达到成完开建设增上下前后共约近其于比]"
)
_NOT_A_PLACE = re.compile(r"^(?:[全本我该各每][^\s]?|辖|城|郊|新城|主城|市|县|区|省|自治区|自治州)")


def subject_place(text: str, layout: Layout) -> str:
    """The last place other than the reporting entity that a clause of ``text`` opens with."""
    own = set(layout.generic)
    found = ""
    for m in _SUBJECT_PLACE.finditer(text):
        name = m.group(1)
        name = name[generic_prefix_length(name) :]  # 目前全市 is no place, 2023年某某县 is 某某县
        if (
            len(name) < 3
            or _NOT_A_PLACE.match(name)
            or _NOT_IN_A_NAME.search(name)
            or name in own
            or any(name in w or w in name for w in own)
        ):
            found = ""  # the entity's own name (or 全市) takes the subject back
            continue
        found = name
    return found


# A closed aside in brackets defines or qualifies (（含技工学校）, （不含技工学校）):
# it names no one.
ASIDE = re.compile(r"[（(][^（()）]*[)）]")
# A sector word (中等职业学校) names one school only after a place or an ordinal
# (某某县中等职业学校, 第二职业学校); after a verb or a qualifier (科学规划中等职业学校,
# 辖区内中等职业学校) it is the sector. A distinctive type word (职业技术学校, 技工学校,
# 职教中心) names one school anyway.
_SECTOR_WORD = re.compile(
    r"(?:中等职业教育学校|职业教育学校|中等职业学校|中职学校|职业学校|职业院校|学校)$"
)
_NOT_A_NAME_END = re.compile(
    r"(?:[有在内的是为各]|规划|建设|布局|发展|推进|加强|优化|调整|整合|支持|所有|全部)$"
)
_PROPER_BEFORE_SECTOR = re.compile(
    r"(?:[省市县区州旗镇乡]|第[一二三四五六七八九十\d]+|[一二三四五六七八九十]中)$"
)


def is_named_school(name: str) -> bool:
    """Whether an organisation-like phrase names one school rather than the sector or a kind."""
    sector = _SECTOR_WORD.search(name)
    distinctive = name[: sector.start()] if sector else name
    if sector and sector.group(0) != "学校":
        return bool(_PROPER_BEFORE_SECTOR.search(distinctive))
    return bool(distinctive) and not _NOT_A_NAME_END.search(distinctive)


@dataclass(frozen=True)
class _Link:
    spec: IndicatorSpec
    how: str  # a key of CONFIDENCE


def _link(
    mention: Mention,
    label: str,
    kind: str,
    value: Decimal,
    unit: str,
    catalogue: IndicatorCatalogue,
    layout: Layout,
) -> _Link | None:
    """The indicator a mention's label names, matched with its unit as read (a change in 百分点
    is one in %)."""
    if not label or kind == "rate":
        return None
    if mention.method == "table":
        found = catalogue.match(
            label,
            unit if mention.unit_known else None,
            value,
            context=mention.context,
            generic=layout.generic,
        )
        if found is None:
            return None
        how = "table_continuation" if mention.row_level == "continuation" else "table"
        return _Link(found[0], how)
    found = catalogue.match(
        label,
        unit,
        value,
        context=mention.context,
        sentence=mention.topic,  # 推进“1+X”证书试点。…完成考核取证 3774 人: still 1+X
        generic=layout.generic,
        loose=kind in ("plan", "change"),
    )
    return _Link(*found) if found is not None else None


def _same_measure_as_parent(
    mention: Mention, spec: IndicatorSpec, catalogue: IndicatorCatalogue, layout: Layout
) -> bool:
    """在校生数 52340 / 其中：全日制在校生 50120: a sub row of the same measure, not a rival."""
    if mention.row_level != "sub" or not mention.parent_label:
        return False
    parent = catalogue.match(
        mention.parent_label,
        None,
        mention.value,
        context=mention.parent_label,
        generic=layout.generic,
    )
    return parent is not None and parent[0].code == spec.code


def classify(mention: Mention, catalogue: IndicatorCatalogue, layout: Layout) -> Figure:
    """What one mention is: its kind, indicator, whose it is and how sure the link is."""
    kind = kind_of(mention, layout.year)
    value, unit = mention.value, mention.unit
    if kind == "change" and _NEGATIVE.search(mention.clause + mention.label) and value > 0:
        value = -value
    if kind == "change" and unit == "百分点":
        unit = "%"
    note = scope_note(mention, layout)
    label = mention.label
    worded = ""
    if mention.ratio and "师生比" in label:
        # 师生比 1:17.3 is 生师比 17.3: the catalogue counts students per teacher.
        left, right = mention.ratio
        value = (right / left).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
        label = label.replace("师生比", "生师比")
        worded = f"原文为师生比 {left}:{right}，已换算为生师比"
    indicator = None
    confidence = 0.0
    link = _link(mention, label, kind, value, unit, catalogue, layout)
    if (
        link is not None
        and not note
        and _same_measure_as_parent(mention, link.spec, catalogue, layout)
    ):
        note = f"“{mention.parent_label}”的分项"
    elif link is not None and note and mention.method != "table":
        note = f"{note}（标签像“{link.spec.name}”）"
    elif link is not None and not note:
        spec = link.spec
        indicator = spec.code
        if unit and unit not in spec.units:
            worded = f"原文单位为“{unit}”，按指标单位“{spec.unit}”计"  # 培训 3000 人 -> 人次
        unit = spec.unit  # 名 -> 人, 次 -> 人次, 元 -> 元/生: the indicator's own unit
        if (
            kind == "change"
            and spec.flow
            and not mention.column_kind  # a table's 增减 column is a change, whatever it counts
            and not CHANGE_BEFORE.search(mention.clause)
        ):
            kind, value = "actual", abs(value)  # 新增 38 名教师通过认定: this year's count
        if (
            link.how == "pattern"
            and not spec.flow
            and kind == "actual"
            and re.search(r"20\d\d\s*年", mention.sentence_before)
            and not re.search(r"已|累计|现有|目前|至今", mention.sentence_before)
        ):
            kind = "change"  # 2023 年 5 所学校通过验收: this year's additions, not the stock
        confidence = CONFIDENCE[link.how] - (PENALTY_NEAR_UNIT if link.how == "near_unit" else 0)
        if mention.label_how not in ("before", "row", "column"):
            confidence -= PENALTY_INFERRED_LABEL
        if mention.qualifier:
            confidence -= PENALTY_QUALIFIED
    if worded and not note:
        note = worded
    if mention.row_level == "continuation":
        label = f"{label[:190]}（{mention.unit_cell}）"
    return Figure(
        label=label[:200],
        value=canonical(value),
        unit=unit,
        kind=kind,
        year=mention.year,
        line=mention.line,
        text=mention.text,
        method=mention.method,
        confidence=round(confidence, 2),
        indicator=indicator,
        qualifier=mention.qualifier,
        precision=mention.precision,
        table_title=mention.table_title,
        table_row=mention.table_row,
        section=mention.section,
        note=note,
        subject=mention.subject,
    )
