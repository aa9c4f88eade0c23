"""What a reviewer is offered for a figure the extractor did not link, and what a confirmed link
teaches the catalogue. Pure: no Django, only the extractor's public names.

- ``suggest``: the indicator whose name or alias stands anywhere in a figure's label (the
  extractor only takes one that *ends* the label after generic words), with a unit it accepts.
- ``learnable_alias``: the label as the extractor compares heads, with the generic words in front
  (全市, 2023年, 中等职业学校 …) taken off, so that the alias also matches the same wording
  under another city's or year's prefix; None when it would teach nothing safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from policytext.reports import IndicatorCatalogue, IndicatorSpec, clean_label

# A character no label contains: a one-head catalogue on it asks the extractor whether a prefix
# is generic, so that this module follows IndicatorCatalogue.match instead of copying its words.
_PROBE = "㐀"
_PROBE_CATALOGUE = IndicatorCatalogue([IndicatorSpec(code="_probe", name=_PROBE, unit="")])
_MIN_ALIAS = 2


def _words(spec: IndicatorSpec) -> list[str]:
    words = {clean_label(spec.name), *(clean_label(a) for a in spec.aliases)}
    return [w for w in words if len(w) >= _MIN_ALIAS]


def _unit_fits(spec: IndicatorSpec, unit: str) -> bool:
    return not unit or unit == spec.unit or unit in (spec.units or (spec.unit,))


def suggest(label: str, unit: str, catalogue: IndicatorCatalogue) -> IndicatorSpec | None:
    """The indicator a label names somewhere in it, for a reviewer to confirm: the longest name
    or alias the label contains among indicators that accept the unit (“应届毕业生 … 人” ->
    毕业生). None when no indicator's word is in the label."""
    cleaned = clean_label(label)
    best: tuple[int, int, str] | None = None  # (length, -position, code): longest, then latest
    for spec in catalogue.specs.values():
        if not _unit_fits(spec, unit):
            continue
        for word in _words(spec):
            pos = cleaned.rfind(word)
            if pos < 0:
                continue
            key = (len(word), pos, spec.code)
            if best is None or key[:2] > best[:2]:
                best = key
    return catalogue.specs[best[2]] if best is not None else None


def is_generic_prefix(prefix: str, generic: Sequence[str] = ()) -> bool:
    """Whether words before a head leave it naming the indicator (全市, 2023年, 我校 …), as
    IndicatorCatalogue.match decides it; ``generic`` adds the report's own entity names."""
    if not prefix:
        return True
    found = _PROBE_CATALOGUE.match(prefix + _PROBE, None, Decimal(0), generic=tuple(generic))
    return found is not None


def _tolerated_unknown() -> int:
    """How many characters of a wording the extractor does not know it lets stand before a head
    (应届, 填报: none in a closed list of generic words, a few in a rule on what narrows)."""
    n = 0
    while n < 12 and is_generic_prefix(_PROBE * (n + 1)):
        n += 1
    return n


_TOLERATED = _tolerated_unknown()


def _only_generic_words(prefix: str, generic: Sequence[str]) -> bool:
    """Whether ``prefix`` is made of generic words alone (全市, 2023年, 中等职业学校, the report's
    name), with no unforeseen wording the extractor merely tolerates: where an alias may be cut."""
    if not is_generic_prefix(prefix, generic):
        return False
    # Filling the tolerated room with unknown characters leaves none for the prefix's own.
    return _TOLERATED == 0 or is_generic_prefix(prefix + _PROBE * _TOLERATED, generic)


def learnable_alias(label: str, spec: IndicatorSpec, *, generic: Sequence[str] = ()) -> str | None:
    """The alias a confirmed link of ``label`` to ``spec`` teaches: the shortest end of the
    cleaned label that the extractor would take as the head of the whole label (every word before
    it generic). None when the label is all generic words (it would link far too much), when it
    is already a name or alias of the indicator, or when it shares no two characters with the
    indicator's words (“增加到 500 人次” is a sentence fragment, not a way to write 培训)."""
    cleaned = clean_label(label)
    if len(cleaned) < _MIN_ALIAS or _only_generic_words(cleaned, generic):
        return None
    cut = 0
    for start in range(1, len(cleaned) - _MIN_ALIAS + 1):
        if _only_generic_words(cleaned[:start], generic) and not _only_generic_words(
            cleaned[start:], generic
        ):
            cut = start
    # A one-character generic word (总, 有, 共) may be the first half of the label's own word
    # (总体就业率): do not cut it off when the label is still matched without the cut.
    # (2023年 and the report's own name 汝阳县 are one word each: never split them.)
    while (
        cut > 0
        and not cleaned[max(cut - 2, 0) : cut - 1].isdigit()
        and not any(cleaned[:cut].endswith(word) for word in generic)  # 汝阳县, not 汝阳 + 县
        and _only_generic_words(cleaned[: cut - 1], generic)
    ):
        cut -= 1
    alias = _without_suffixes(cleaned[cut:])
    known = set(_words(spec))
    if alias in known or not _shares_a_word(alias, known):
        return None
    if alias.startswith("占"):
        return None  # 占专业课教师 (45%) names the base of a share, not what is counted
    return alias


def _without_suffixes(alias: str) -> str:
    """The alias without the endings the extractor drops from both sides (人数, 数, 为 …):
    the shortest start of it that, as a head, still matches the whole alias."""
    shortest = alias
    for end in range(len(alias) - 1, _MIN_ALIAS - 1, -1):
        head = alias[:end]
        one = IndicatorCatalogue([IndicatorSpec(code="_head", name=head, unit="")])
        if one.match(alias, None, Decimal(0)) is not None:
            shortest = head
    return shortest


def _shares_a_word(alias: str, words: set[str]) -> bool:
    pairs = {alias[i : i + 2] for i in range(len(alias) - 1)}
    return any(word[i : i + 2] in pairs for word in words for i in range(len(word) - 1))


def generic_words(entity: str | None, place: str | None = None) -> tuple[str, ...]:
    """The report's own names, which stand in front of a label as 全市 does (安阳市, 安阳), as
    extract_report passes them to the catalogue."""
    return tuple(
        w
        for w in (entity, place, re.sub(r"[市县区州]$", "", entity or ""))
        if w and len(w) >= _MIN_ALIAS
    )


def alias_matches(alias: str, label: str, generic: Sequence[str] = ()) -> bool:
    """Whether the extractor, with ``alias`` as a head, would take it from ``label``: the alias
    ends the label and only generic words stand before it."""
    cleaned = clean_label(alias)
    if not cleaned:
        return False
    one = IndicatorCatalogue([IndicatorSpec(code="_alias", name=cleaned, unit="")])
    return one.match(label, None, Decimal(0), generic=tuple(generic)) is not None
