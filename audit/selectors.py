"""Reading the audit trail: who may, and the CSV an auditor takes away."""

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from api.exports import csv_safe_cell

from .models import AuditEvent

AUDIT_CSV_COLUMNS = (
    "时间",
    "用户名",
    "来源地址",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "详情",
)


def audit_trail_is_visible_to(*, user: Any) -> bool:
    """Supervisors and administrators read the audit trail; nobody may edit it."""
    return bool(user.is_active and user.is_authenticated and user.is_supervisor)


class _Line:
    """csv.writer writes into this; each row comes back as the string just written."""

    def write(self, value: str) -> str:
        return value


def audit_events_csv(*, events: Iterable[AuditEvent]) -> Iterator[str]:
    """The events as CSV lines with Chinese headers, local times, a BOM for Excel on Windows."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(AUDIT_CSV_COLUMNS)
    for event in events:
        row = (
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            event.username,
            event.address or "",
            event.get_action_display(),
            event.object_type,
            event.object_id,
            event.object_repr,
            json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else "",
        )
        yield writer.writerow([csv_safe_cell(value) for value in row])
