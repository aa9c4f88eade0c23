"""Resolving the bodies named in a task list's responsibility text to catalogue entries.

Pure module. "市人社局、市人力资源社会保障局" both resolve to 市人力资源和社会保障局;
"等市直有关部门" is a group placeholder; a name not in the catalogue is kept exactly as written and
marked unknown, never dropped and never guessed.

Bodies of every level are in the catalogue under their government's level word: 省教育厅 (a
province's), 市教育局 (a city's), 县教体局 (a county's). A name written with a government's own
name (开封市人社局, 山西省发展和改革委员会) is that government's body: it keeps its name as written,
is never taken for the plan's own 市人社局 (unless the plan is that government's own) and waits
for a person to confirm it, like any name the catalogue does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KIND_MUNICIPAL = "municipal"
KIND_COUNTY = "county"
KIND_INSTITUTION = "institution"
KIND_GROUP = "group"
KIND_UNKNOWN = "unknown"

_SEPARATORS = re.compile(r"[、，,；;/\s]+")
# Markers that say a body leads, which some lists write next to the name.
_LEAD_MARK = re.compile(r"[（(]\s*(?:牵头|牵头单位|主责)\s*[）)]")
_PAREN = re.compile(r"[（(][^（）()]*[）)]")
# "等" closes an open list ("市财政局等", "等市直有关部门"); it is not part of any name.
_DENG = re.compile(r"^等+|等+$")
# The level word a catalogue name starts with (省教育厅, 市委组织部, 团县委, 国家税务总局市税务局).
_LEVEL_WORD = re.compile(r"[省市县]")
LEVELS = {"省": "province", "市": "city", "县": "county"}
# A government's own name before a body's name: 威海 + 市教育局, 山西 + 省发改委, 兰考 + 县教体局.
# A region's level word (自治区, 自治州, 盟, 旗, 区) stands for the province, city or county one.
_PLACE_LEVEL = (
    ("自治区", "省"),
    ("自治州", "市"),
    ("省", "省"),
    ("市", "市"),
    ("州", "市"),
    ("盟", "市"),
    ("县", "县"),
    ("旗", "县"),
    ("区", "县"),
)
# Placeholders for many bodies, whatever their wording: 各地有关部门, 相关省份有关部门, 所有县区.
_GROUP_NAME = re.compile(
    r"^(?:各|所有|全体|有关|相关)|(?:有关|相关|各)(?:部门|单位|机构|企业|院校|学校)$|各有关"
)


def level_of(name: str) -> str | None:
    """The level of government a catalogue name belongs to: province, city, county or None."""
    m = _LEVEL_WORD.search(name)
    return LEVELS[m.group(0)] if m else None


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    kind: str


@dataclass(frozen=True)
class Resolved:
    """A body as named in the text, and what the catalogue says it is."""

    written: str
    name: str  # full official name, or the name as written when unknown
    kind: str
    known: bool
    # For another government's body (威海市人社局): its place (威海市) and the catalogue body it
    # is that government's form of (市人力资源和社会保障局); empty otherwise.
    place: str = ""
    of: str = ""


def _key(name: str) -> str:
    # Full-width and half-width brackets are used interchangeably in these documents.
    return name.replace("(", "（").replace(")", "）").replace(" ", "")


def _guess_unknown_kind(name: str) -> str:
    # Only the kind is inferred, for display; the identity stays exactly as written.
    if _GROUP_NAME.search(name):
        return KIND_GROUP
    if re.search(r"(县|区|市)(人民)?政府$", name):
        return KIND_COUNTY
    if re.search(r"(大学|学院|学校|院校|中心)$", name):
        return KIND_INSTITUTION
    return KIND_UNKNOWN


class Catalogue:
    """Official names and short forms of the departments a city's task list may name."""

    def __init__(self, entries: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        self._by_alias: dict[str, CatalogueEntry] = {}
        for name, kind, aliases in entries:
            entry = CatalogueEntry(name, kind)
            for alias in (name, *aliases):
                self._by_alias[_key(alias)] = entry
        self._aliases_longest_first = sorted(self._by_alias, key=len, reverse=True)

    def lookup(self, written: str, *, level: str | None = None) -> CatalogueEntry | None:
        """The entry a name stands for, as the plan's own body. ``level`` (province, city,
        county) is the plan's: a name without a level word (教育局, 人社局) is read at it."""
        key = _key(written)
        entry = self._by_alias.get(key)
        if entry is None and level and not _LEVEL_WORD.match(key):
            word = next(w for w, lv in LEVELS.items() if lv == level)
            entry = self._by_alias.get(word + key)
        return entry

    def _place_prefixed(self, key: str) -> tuple[str, CatalogueEntry] | None:
        """(place, entry) for a body written with its government's name: 威海市教育局 ->
        ("威海市", 市教育局)."""
        for i in range(2, min(len(key) - 2, 9)):
            for word, level_word in _PLACE_LEVEL:
                if not key.startswith(word, i):
                    continue
                rest = key[i + len(word) :]
                if word == "市" and rest.startswith("场"):
                    continue
                entry = self._by_alias.get(level_word + rest) or self._by_alias.get(word + rest)
                if entry is not None and entry.kind != KIND_GROUP:
                    return key[: i + len(word)], entry
        return None

    def resolve(
        self, written: str, *, level: str | None = None, place: str | None = None
    ) -> Resolved:
        """``place`` is the plan's own government (洛阳市): its bodies written with its name are
        the plan's own; any other government's keep their name as written."""
        entry = self.lookup(written, level=level)
        if entry is not None:
            return Resolved(written, entry.name, entry.kind, True)
        key = _key(written)
        if _GROUP_NAME.search(key):
            return Resolved(written, written, KIND_GROUP, False)
        prefixed = self._place_prefixed(key)
        if prefixed is not None:
            where, entry = prefixed
            if place and _key(place) == where:
                return Resolved(written, entry.name, entry.kind, True)
            # Known as a kind of body, not as this government's: a person confirms it once.
            return Resolved(written, key, entry.kind, False, place=where, of=entry.name)
        return Resolved(written, written, _guess_unknown_kind(written), False)

    def _segment(self, text: str) -> list[str] | None:
        """Split run-together names ("市发展和改革委员会市教育局") when every piece is known."""
        best: list[list[str] | None] = [None] * (len(text) + 1)
        best[0] = []
        for i in range(len(text)):
            if best[i] is None:
                continue
            for alias in self._aliases_longest_first:
                if text.startswith(alias, i):
                    j = i + len(alias)
                    if best[j] is None:
                        best[j] = [*best[i], alias]  # type: ignore[misc]
        return best[len(text)]

    def split(
        self, text: str, *, level: str | None = None, place: str | None = None
    ) -> list[Resolved]:
        """Every body named in a responsibility cell, in order, resolved; duplicates removed.
        ``level`` and ``place`` are the plan's own (see resolve)."""
        text = _LEAD_MARK.sub("", text)
        protected: list[str] = []

        # Brackets inside names (各县（市、区）政府) hold separators: keep them whole.
        def hide(m: re.Match[str]) -> str:
            protected.append(m.group(0))
            return f"\x00{len(protected) - 1}\x00"

        hidden = _PAREN.sub(hide, text)
        # "市财政局等市直有关部门": 等 ends one name and opens a group. 高等/中等/同等 are words.
        hidden = re.sub(r"(?<![高中初同平均对])等", "、", hidden)
        out: list[Resolved] = []
        seen: set[str] = set()
        for piece in _SEPARATORS.split(hidden):
            piece = re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], piece)
            piece = _DENG.sub("", piece.strip("。.：: "))
            if not piece:
                continue
            pieces = [piece]
            if self.resolve(piece, level=level).kind == KIND_UNKNOWN:
                pieces = self._segment(_key(piece)) or [piece]
            for name in pieces:
                resolved = self.resolve(name, level=level, place=place)
                if resolved.name not in seen:
                    seen.add(resolved.name)
                    out.append(resolved)
        return out
