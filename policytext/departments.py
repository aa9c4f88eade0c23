"""Resolving the bodies named in a task list's responsibility text to catalogue entries.

Pure module. "市人社局、市人力资源社会保障局" both resolve to 市人力资源和社会保障局;
"等市直有关部门" is a group placeholder; a name not in the catalogue is kept exactly as written and
marked unknown, never dropped and never guessed.
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
_CITY_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?=市(?!场))")


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


def _key(name: str) -> str:
    # Full-width and half-width brackets are used interchangeably in these documents.
    return name.replace("(", "（").replace(")", "）").replace(" ", "")


def _guess_unknown_kind(name: str) -> str:
    # Only the kind is inferred, for display; the identity stays exactly as written.
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

    def lookup(self, written: str) -> CatalogueEntry | None:
        key = _key(written)
        entry = self._by_alias.get(key)
        if entry is not None:
            return entry
        # "洛阳市教育局" in another city's list: drop the city name and try "市教育局".
        m = _CITY_PREFIX.match(key)
        if m:
            entry = self._by_alias.get(key[m.end() :])
            if entry is not None and entry.kind == KIND_MUNICIPAL:
                return entry
        return None

    def resolve(self, written: str) -> Resolved:
        entry = self.lookup(written)
        if entry is None:
            return Resolved(written, written, _guess_unknown_kind(written), False)
        return Resolved(written, entry.name, entry.kind, True)

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

    def split(self, text: str) -> list[Resolved]:
        """Every body named in a responsibility cell, in order, resolved; duplicates removed."""
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
            if self.lookup(piece) is None:
                pieces = self._segment(_key(piece)) or [piece]
            for name in pieces:
                resolved = self.resolve(name)
                if resolved.name not in seen:
                    seen.add(resolved.name)
                    out.append(resolved)
        return out
