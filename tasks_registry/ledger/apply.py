"""Writing a confirmed ``LedgerPreview``: the rows decided again, then every accepted one
through the services in one transaction (``ledger_apply`` -> ``LedgerResult``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User

from .. import services
from ..models import ProgressEntry
from .decide import _ensure_may_import, ledger_preview
from .types import (
    Action,
    LedgerApplyError,
    LedgerDecision,
    LedgerFile,
    LedgerPreviewChanged,
    LedgerResult,
)


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "无权填报"


def ledger_apply(*, user: User, file: LedgerFile, fingerprint: str) -> LedgerResult:
    """Write the accepted rows of ``file`` through progress_entry_create / progress_entry_update,
    all in one transaction, as drafts (a returned entry stays returned) for the user to submit.

    The rows are decided again first: if anything differs from the preview the user confirmed
    (``fingerprint``), nothing is written and LedgerPreviewChanged carries the new preview. A
    service refusing a row raises LedgerApplyError naming it, and nothing is written."""
    _ensure_may_import(user)
    written: list[ProgressEntry] = []
    with transaction.atomic():
        preview = ledger_preview(user=user, file=file)
        if preview.fingerprint != fingerprint:
            raise LedgerPreviewChanged(preview)
        for decision in preview.accepted:
            written.append(_write(decision, user))
    return LedgerResult(
        created=preview.to_create,
        changed=preview.to_change,
        refused=preview.refused,
        unchanged=preview.unchanged,
        entries=tuple(written),
    )


def _write(decision: LedgerDecision, user: User) -> ProgressEntry:
    assert decision.year is not None
    try:
        if decision.action == Action.CREATE:
            return services.progress_entry_create(
                by=user,
                task=decision.task,
                target=decision.target,
                jurisdiction=decision.jurisdiction,
                year=decision.year,
                quarter=decision.quarter,
                value=decision.value,
                narrative=decision.narrative,
            )
        assert decision.entry is not None
        changes: dict[str, object] = {"value": decision.value}
        if decision.narrative:
            changes["narrative"] = decision.narrative
        return services.progress_entry_update(entry=decision.entry, by=user, **changes)
    except (ValidationError, PermissionDenied) as exc:
        raise LedgerApplyError(
            f"{decision.row.where}：{_refusal(exc)}。整个台账未导入，请修改后重新上传"
        ) from exc
