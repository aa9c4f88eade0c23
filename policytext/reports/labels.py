"""Label cleaning: the words of a label as the catalogue compares them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from .. import cnnum

_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』《》〈〉*＊ \t【】")
YEAR_WORD = r"20\d\d\s*(?:[-—–~至]\s*20\d\d\s*)?(?:学年度|学年|年度|年|届)?"
# Words that set context but do not narrow what is counted: 全市, 现有, 2023 年, 中等职业学校 …
GENERIC = re.compile(
    r"(?:" + YEAR_WORD + r"|全市|全县|全区|全省|全州|全盟|全旗|全地区|本州|我州|我省|本省|"
    r"全校|全体|全部|全年|全日制|学历教育|在籍|在册|"
    r"我市|我县|我区|我校|本市|本县|本区|本校|该校|学校|各级|各类|各|"
    r"中等职业学校|中等职业教育|中等职业|中职学校|中职教育|中职|职业学校|职业教育|独立设置的?|"
    r"其中|现有|共有|拥有|共计|合计|总计|共|有|总|年度|年|秋季|春季|秋期|春期|秋|春|学期|学年|"
    r"截至目前|截至|至目前|目前|年底|年末|底|末|当年|本年度|本年|实际|累计|完成|实现|开展|组织|"
    r"达到了|达到|达|为|是|的|了|已|均|毕业生|学生|学员|参训人员|教育系统|系统|各校|全校|校|获得|拥有)"
)
SUFFIXES = re.compile(
    r"(?:人数|总数|数量|总量|规模|总额|水平|合计|总计|数|为|达到了|达到|达|是|约|近|共|计|有|的|了|"
    r"稳定在|保持在|维持在|控制在)+$"
)


_PARENS = re.compile(r"[（(][^（()）]*[)）]")
# 占专业课教师比例, 占专业教师总数的: the base of a share, which is not part of its name
_SHARE_BASE = re.compile(
    r"(?<=.)占[^，,。；占]{1,10}?(?:(?:的)?(?:比例|比重)|(?:总数|总量|人数|数)的?)$"
)


@lru_cache(maxsize=8192)
def clean_label(text: str) -> str:
    """A label as the catalogue compares it: quotes, spaces, brackets and unit asides removed."""
    text = cnnum.normalise(text).translate(_QUOTES)
    text = _PARENS.sub("", text)  # 职业技能等级证书（含职业资格证书）
    text = text.replace("总值", "值")
    # “双师型”教师占专业课教师比例 -> “双师型”教师占比: the base of a share is not part of its name.
    text = _SHARE_BASE.sub("占比", text)
    return text.strip("：:，,、；;。 ")


@lru_cache(maxsize=8192)
def strip_suffixes(label: str) -> str:
    stripped = SUFFIXES.sub("", label)
    return stripped or label


def canonical(value: Decimal) -> Decimal:
    """7.8 万 is 78000, not 78000.0 or 7.8E+4."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def generic_prefix_length(
    label: str, extra: Sequence[str] = (), *, whole_words: bool = False
) -> int:
    """How many characters at the start of a label are context words (全市, 2023 年, 中职学校,
    the report's own name in ``extra``) before what it names. ``whole_words`` stops at a
    one-character word (总, 有), which may be the first half of the label's own (总体就业率)."""
    pos = 0
    for word in sorted(extra, key=len, reverse=True):
        if label.startswith(word):
            pos = len(word)
            break
    while pos < len(label):
        m = GENERIC.match(label, pos)
        if not m or m.end() == pos or (whole_words and m.end() - pos < 2):
            break
        pos = m.end()
    return pos


def strip_generic_prefix(label: str, extra: Sequence[str] = ()) -> str:
    """The label without its context words in front; the whole label if it is nothing else."""
    return label[generic_prefix_length(label, extra) :] or label


# Words that narrow the population a head counts to part of the entity's vocational schools or
# to another one: ownership and rank (民办, 县属, 省级示范), other levels of education (高职,
# 普通高中, 幼儿园), sub-groups (其中, 校均, 女, 专业课, 体育课, 县级职教中心, 3+2). A label
# whose words before the head hold none of these is the entity's own figure, however it is worded
# (应届毕业生, 填报毕业生数, 总体就业率, 辖区内中等职业学校).
NARROWING = re.compile(
    r"民办|公办|县属|市属|区属|省属|部属|行业|企业办|部门办|国家级|省级|市级|县级|示范|重点|骨干|优质|"
    r"标准化|达标|特色|品牌|高水平|双高|卓越|星级|改革发展|高职|高等|本科|专科|大专|大学|高校|普通高中|"
    r"普高|高中|初中|小学|幼儿园|学前|义务教育|特殊教育|特教|成人|技工|技师|普通中专|职业高中|职高|"
    r"职业中专|职教中心|校均|平均|每校|每所|单校|女|男|少数民族|农村|城镇|乡村|外地|省外|市外|"
    r"外省|外市|建档立卡|贫困|残疾|退役|留守|随迁|专业课|文化课|公共基础课|兼职|外聘|体育|艺术|音乐|"
    r"美术|思政|一年级|二年级|三年级|高一|高二|高三|五年制|三年制|一贯制|3\+2|中高职|贯通|订单|学徒|毕业班|"
    r"中外|国际|境外|国外|留学|新型|非全日制|分校|教学点|中等专业|中专|薄弱|弱|散|撤并|合并|兼并|"
    r"停办|新建|在建|筹建|改扩建|整合|美育|德育|劳动教育|课(?!程|题)|分段|直接|对口|民企|国企|外企|私企|"
    r"民营|国有|创业|灵活|签约|异地|本地|在本[市县区省州]|当地|市内|县内|省内|(?<!辖)区内"
)
# An unforeseen qualifier this short is a wording (应届, 填报, 总体), not a sub-population.
_SHORT_QUALIFIER = 4


@lru_cache(maxsize=8192)
def is_generic(prefix: str, extra: tuple[str, ...] = ()) -> bool:
    """Whether the words before a head leave the entity's own measure: they may set context
    (全市, 2023 年, 现有) or qualify its wording, but not narrow whom it counts (see NARROWING)."""
    for word in sorted(extra, key=len, reverse=True):
        prefix = prefix.replace(word, "")
    # “专任教师中”“毕业生中”: among a larger group, the head still names the indicator
    # (but 初中/高中 are school levels, not groups).
    prefix = re.sub(r"^.{1,12}[^初高]中$", "", prefix)
    prefix = re.sub(
        r"^.{0,16}等(?:途径|渠道|方式|形式)$", "", prefix
    )  # 通过职教高考、转段等途径升学
    if NARROWING.search(prefix):
        return False
    rest = []
    pos = 0
    while pos < len(prefix):
        m = GENERIC.match(prefix, pos)
        if m and m.end() > pos:
            pos = m.end()
        else:
            rest.append(prefix[pos])
            pos += 1
    words = "".join(rest)
    # 平顶山市共有中职学校: another jurisdiction's figure (the entity's own name is in ``extra``).
    if re.search(r"[省市县州旗盟]|(?<![辖城社园景校])区", words):
        return False
    return len(words) <= _SHORT_QUALIFIER
