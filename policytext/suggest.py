"""What a reviewer is offered for a figure the extractor did not link, and what a confirmed link
teaches the catalogue. Pure: no Django, only the extractor's public names.

- ``suggest``: the indicator whose name or alias stands anywhere in a figure's label (the
  extractor only takes one that *ends* the label after generic words), with a unit it accepts.
- ``learnable_alias``: the label as the extractor compares heads, with the generic words in front
  (全市, 2023年, 中等职业学校 …) taken off, so that the alias also matches the same wording
  under another city's or year's prefix; None when it would teach nothing safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from policytext.reports import (
    IndicatorCatalogue,
    IndicatorSpec,
    clean_label,
    entity_words,
    generic_prefix_length,
    strip_suffixes,
)

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


def learnable_alias(label: str, spec: IndicatorSpec, *, generic: Sequence[str] = ()) -> str | None:
    """The alias a confirmed link of ``label`` to ``spec`` teaches: the cleaned label without its
    context words in front (全市, 2023年, 中职学校, the report's own name) and the endings the
    extractor drops (人数, 为, 稳定在 …). None when the label is context words alone (it would link
    far too much), when it is already a name or alias of the indicator, when it shares no two
    characters with the indicator's words (“增加到 500 人次” is a fragment, not a way to say 培训),
    or when it names the base of a share (占专业课教师)."""
    cleaned = clean_label(label)
    start = generic_prefix_length(cleaned, generic, whole_words=True)
    if len(cleaned) - start < _MIN_ALIAS:
        return None
    alias = strip_suffixes(cleaned[start:])
    known = set(_words(spec))
    if len(alias) < _MIN_ALIAS or alias in known or not _shares_a_word(alias, known):
        return None
    if alias.startswith("占"):
        return None
    return alias


def _shares_a_word(alias: str, words: set[str]) -> bool:
    pairs = {alias[i : i + 2] for i in range(len(alias) - 1)}
    return any(word[i : i + 2] in pairs for word in words for i in range(len(word) - 1))


def generic_words(entity: str | None, place: str | None = None) -> tuple[str, ...]:
    """The report's own names, which stand in front of a label as 全市 does (安阳市, 安阳), as
    the extractor passes them to the catalogue."""
    return entity_words(entity, place)


def alias_matches(alias: str, label: str, generic: Sequence[str] = ()) -> bool:
    """Whether the extractor, with ``alias`` as a head, would take it from ``label``: the alias
    ends the label and only generic words stand before it."""
    cleaned = clean_label(alias)
    if not cleaned:
        return False
    one = IndicatorCatalogue([IndicatorSpec(code="_alias", name=cleaned, unit="")])
    return one.match(label, None, Decimal(0), generic=tuple(generic)) is not None
