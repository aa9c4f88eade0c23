"""What the extractor gives back: figures, conflicts and the report they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .. import cnnum, documents

KINDS = ("actual", "plan", "change", "rate", "other_year")


class ReportError(documents.LocatedError):
    """The document cannot be read as a report; the message says what and where, in Chinese."""


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
