"""The indicator catalogue (reference data, passed in): how each indicator is written in reports,
and the one match of a label and unit to an indicator."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .labels import NARROWING, clean_label, is_generic, strip_suffixes

PER_STUDENT = re.compile(r"生均|每生|人均")
# Units written for the same measure as an indicator's own: a report counting training in 人 where
# the catalogue counts 人次 means the same people trained (linked, with a note saying so).
NEAR_UNITS: dict[str, tuple[str, ...]] = {"人次": ("人", "名", "次")}


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
            aliases=tuple(clean_label(a) for a in _words(entry, "aliases")),
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
            for alias in {clean_label(spec.name), *(clean_label(a) for a in spec.aliases)}:
                if alias:
                    heads.append((strip_suffixes(alias), spec))
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
        label = strip_suffixes(clean_label(label))
        if unit in ("元/生", "元/人") and not PER_STUDENT.search(label):
            label = "生均" + label  # 教学科研仪器设备值（元/生）
        generic = tuple(generic)
        for alias, spec in self._heads_by_last.get(label[-1:], ()):
            if label.endswith(alias) and is_generic(label[: len(label) - len(alias)], generic):
                if self._fits(spec, value, unit, context, sentence, bare=len(alias) <= 2):
                    return spec, "head"
                if unit in NEAR_UNITS.get(spec.unit, ()) and self._fits(
                    spec, value, spec.unit, context, sentence, bare=len(alias) <= 2
                ):
                    return spec, "near_unit"  # 培训 3000 人 where the indicator counts 人次
                # The head named an indicator whose unit does not fit: a different measure of the
                # same thing (“专任教师占比 86%”); do not fall through to a shorter head.
                return None
        cleaned = clean_label(context)
        for first, pattern, spec in self._patterns:
            found = pattern.search(cleaned) if first in cleaned else None
            if (
                found is not None
                # 其中对口升入本科院校: a word before them (after a number) narrows what they count
                and not NARROWING.search(re.split(r"\d", cleaned[: found.start()])[-1])
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
