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
    r"(?:" + YEAR_WORD + r"|全市|全县|全区|全省|全校|全体|全部|全年|全日制|学历教育|在籍|在册|"
    r"我市|我县|我区|我校|本市|本县|本区|本校|该校|学校|各级|各类|各|"
    r"中等职业学校|中等职业教育|中等职业|中职学校|中职教育|中职|职业学校|职业教育|独立设置的?|"
    r"其中|现有|共有|拥有|共计|合计|总计|共|有|总|年度|年|秋季|春季|秋期|春期|秋|春|学期|学年|"
    r"截至目前|截至|至目前|目前|年底|年末|底|末|当年|本年度|本年|实际|累计|完成|实现|开展|组织|"
    r"达到了|达到|达|为|是|的|了|已|均|毕业生|学生|学员|参训人员|教育系统|系统|各校|全校|校|获得|拥有)"
)
SUFFIXES = re.compile(
    r"(?:人数|总数|数量|总量|规模|总额|水平|合计|总计|数|为|达到了|达到|达|是|约|近|共|计|有|的|了)+$"
)


_PARENS = re.compile(r"[（(][^（()）]*[)）]")
_SHARE_BASE = re.compile(r"(?<=.)占[^，,。；]{1,10}?(?:的)?(?:比例|比重)$")


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


def strip_generic_prefix(label: str, extra: Sequence[str] = ()) -> str:
    for word in sorted(extra, key=len, reverse=True):
        if label.startswith(word):
            label = label[len(word) :]
    pos = 0
    while pos < len(label):
        m = GENERIC.match(label, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    return label[pos:] or label


@lru_cache(maxsize=8192)
def is_generic(prefix: str, extra: tuple[str, ...] = ()) -> bool:
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
        m = GENERIC.match(prefix, pos)
        if not m or m.end() == pos:
            return False
        pos = m.end()
    return True
