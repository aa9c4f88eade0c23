"""Bulk progress from a department's Excel ledger (台账, issue 16 part 8): read the rows, preview
what each would do (新建 / 修改 / 拒绝, and why), then write the accepted ones in one transaction.

django-import-export was not taken: it writes through model resources, which would bypass
progress_entry_create/update (their workflow checks and Chinese refusals) and the one visibility
rule in tasks_registry.selectors, and its row preview speaks in model fields, not in targets as a
department names them. The reading it would bring is what policytext already does with openpyxl
(merged cells, the size limits and the zip-bomb guard), so the ledger reads through
policytext.documents and adds no dependency.

The stages, each a dataclass: ``ledger_read`` turns the file into ``LedgerFile`` (its
``LedgerRow``s, no database); ``ledger_preview`` decides each row (``LedgerDecision``) against
what the user may record and what the department already reported, writing nothing;
``ledger_apply`` decides again (the state may have changed since the preview: a draft
submitted, an entry added), refuses when the decisions differ from the ones confirmed
(``LedgerPreviewChanged``) and otherwise writes every accepted row through the services in
one transaction (``LedgerResult``); one failure writes nothing (``LedgerApplyError``).

Each stage is a module of this package: ``types`` (the dataclasses, enums and errors passed
between the stages), ``read`` (the file and its cells, no database), ``decide`` (the preview,
reads only), ``apply`` (the one transaction through the services) and ``template`` (the file a
department fills in). Every name other modules use is importable from here.
"""

from .apply import ledger_apply
from .decide import ledger_preview
from .read import (
    ACCEPTED_FORMAT,
    COLUMNS_TEXT,
    FIELD_WORDS,
    MAX_ROWS,
    ledger_read,
    quarter_parse,
    value_parse,
    year_parse,
)
from .template import TEMPLATE_COLUMNS, TEMPLATE_NOTE, ledger_template, ledger_template_rows
from .types import (
    ACTION_TEXT,
    Action,
    LedgerApplyError,
    LedgerDecision,
    LedgerFile,
    LedgerFileError,
    LedgerPreview,
    LedgerPreviewChanged,
    LedgerResult,
    LedgerRow,
)
from .types import _Refused as _Refused  # the cell parsers' refusal; tests assert on it

__all__ = [
    "ACCEPTED_FORMAT",
    "ACTION_TEXT",
    "COLUMNS_TEXT",
    "FIELD_WORDS",
    "MAX_ROWS",
    "TEMPLATE_COLUMNS",
    "TEMPLATE_NOTE",
    "Action",
    "LedgerApplyError",
    "LedgerDecision",
    "LedgerFile",
    "LedgerFileError",
    "LedgerPreview",
    "LedgerPreviewChanged",
    "LedgerResult",
    "LedgerRow",
    "ledger_apply",
    "ledger_preview",
    "ledger_read",
    "ledger_template",
    "ledger_template_rows",
    "quarter_parse",
    "value_parse",
    "year_parse",
]
