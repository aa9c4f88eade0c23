"""Writes: linking targets to what measures them, computing attainment, and sending reminders."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from policytext.reports import IndicatorCatalogue
from policytext.tasklist import ParsedTask
from reporting.selectors import indicator_catalogue_load
from tasks_registry import display
from tasks_registry.models import (
    Indicator,
    Jurisdiction,
    JurisdictionKind,
    LinkStatus,
    Plan,
    Recurrence,
    Target,
)
from tasks_registry.selectors import target_places

from . import rules
from .models import Attainment, Reminder, ReminderKind, Status
from .selectors import reading_sources_load

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Linking targets to indicators and places


def plan_jurisdiction_guess(*, plan: Plan) -> Jurisdiction | None:
    """The place a plan is about, from its title: 南阳市各部门工作任务清单 -> 南阳市. The longest
    name wins (新乡县 over 新乡). None when the title names no place we know."""
    found: list[tuple[int, Jurisdiction]] = []
    for j in Jurisdiction.objects.exclude(kind=JurisdictionKind.SCHOOL).filter(needs_review=False):
        for name in (j.name, *(j.aliases or [])):
            if len(name) >= 2 and name in plan.title:
                found.append((len(name), j))
    return max(found, key=lambda pair: pair[0])[1] if found else None


_TARGET_GENERIC = ("全市职业院校", "职业院校", "中职学校", "全市", "全县", "各县区")


def target_indicator_suggest(
    *, target: Target, catalogue: IndicatorCatalogue
) -> tuple[str | None, str]:
    """The indicator a target's words name (双师型教师占比 -> dual_qualified_ratio), and why.

    The label must end with the indicator's name or a short form, as in a report (技能培训),
    and only when what precedes the indicator's name is generic (职业院校, 全市): 市级课程思政示范
    学校 is a kind of school to build, not the number of schools. The unit must fit the
    indicator."""
    found = catalogue.match(
        target.label, target.unit or None, target.value, generic=_TARGET_GENERIC
    )
    if found is not None:
        spec, _ = found
        return spec.code, f"目标“{target.label}”（{target.unit}）即指标“{spec.name}”"
    return None, ""


def parsed_targets_indicator_suggest(
    *, tasks: Sequence[ParsedTask]
) -> dict[tuple[str, int], tuple[str, str]]:
    """What plan_targets_link would suggest for the targets of a list not written yet (a dry
    run): the indicator's code and why, by (task number, target index); unlinked ones left out."""
    catalogue = indicator_catalogue_load()
    out: dict[tuple[str, int], tuple[str, str]] = {}
    for task in tasks:
        for i, parsed in enumerate(task.targets):
            unsaved = Target(label=parsed.label, unit=parsed.unit, value=parsed.value)
            code, note = target_indicator_suggest(target=unsaved, catalogue=catalogue)
            if code:
                out[(task.number, i)] = (code, note)
    return out


@dataclass
class LinkResult:
    suggested: int = 0
    unchanged: int = 0
    confirmed_kept: int = 0
    unlinked: list[str] = field(default_factory=list)


@transaction.atomic
def plan_targets_link(*, plan: Plan) -> LinkResult:
    """Suggest, for each target of a plan, the indicator that measures it and (through the plan)
    the place it is measured on. Links a person confirmed, or set by hand, are left alone."""
    if plan.jurisdiction_id is None:
        plan.jurisdiction = plan_jurisdiction_guess(plan=plan)
        if plan.jurisdiction_id is not None:
            plan.save(update_fields=["jurisdiction", "updated_at"])
    catalogue = indicator_catalogue_load()
    indicators = {i.code: i for i in Indicator.objects.all()}
    result = LinkResult()
    for target in Target.objects.filter(task__plan=plan, is_active=True).select_related(
        "indicator"
    ):
        if target.link_status == LinkStatus.CONFIRMED or (
            target.link_status == LinkStatus.NONE and target.indicator_id is not None
        ):
            result.confirmed_kept += 1
            continue
        code, note = target_indicator_suggest(target=target, catalogue=catalogue)
        indicator = indicators.get(code) if code else None
        status = LinkStatus.SUGGESTED if indicator else LinkStatus.NONE
        if (target.indicator_id, target.link_status, target.link_note) == (
            indicator.pk if indicator else None,
            status,
            note,
        ):
            result.unchanged += 1
        else:
            target.indicator, target.link_status, target.link_note = indicator, status, note
            target.save(update_fields=["indicator", "link_status", "link_note", "updated_at"])
            result.suggested += 1 if indicator else 0
        if indicator is None:
            result.unlinked.append(target.label)
    return result


# ---------------------------------------------------------------------------------------------
# Computing attainment


def target_periods(target: Target, plan: Plan, today: datetime.date) -> list[rules.Period]:
    """The periods a target is judged over (see rules): one per year for a yearly target, from its
    start year to its end (never beyond this year); one for a one-off target, due at its deadline
    or the plan's end; one for a cumulative target over its years."""
    end_year = target.deadline_year or plan.period_end
    start = target.from_year or plan.period_start or (end_year or today.year)
    if target.cumulative_from and target.cumulative_to:
        return [
            rules.Period(
                "cumulative",
                target.cumulative_to,
                datetime.date(target.cumulative_to, 12, 31),
                start_year=target.cumulative_from,
                first_year=target.cumulative_from,
                last_year=target.cumulative_to,
            )
        ]
    if target.recurrence == Recurrence.ANNUAL:
        first = target.from_year or plan.period_start or today.year
        last = min(end_year or today.year, today.year)
        return [
            rules.Period("annual", y, datetime.date(y, 12, 31), start_year=y)
            for y in range(first, last + 1)
        ]
    due = target.deadline_date or datetime.date(end_year or today.year, 12, 31)
    return [rules.Period("once", due.year, due, start_year=min(start, due.year))]


def _period_label(period: rules.Period) -> str:
    if period.kind == "annual":
        return f"{period.year}年"
    if period.kind == "cumulative":
        return f"{period.first_year}—{period.last_year}年累计"
    return (
        f"截至{period.due:%Y年%m月%d日}"
        if (period.due.month, period.due.day) != (12, 31)
        else f"截至{period.year}年底"
    )


@dataclass
class RecomputeResult:
    targets: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


_COMPARED = (
    "period_label",
    "due_date",
    "actual",
    "actual_year",
    "ratio",
    "expected",
    "baseline",
    "baseline_year",
    "status",
    "reason",
    "sources",
    "overdue_since",
)
_OVERDUE_SINCE = _COMPARED.index("overdue_since")


def attainment_recompute(
    *, target_ids: Iterable[int] | None = None, today: datetime.date | None = None
) -> RecomputeResult:
    """Compute the attainment of the given targets (all active targets if None) and store it.

    Safe to run twice or at once: the targets are locked for the run (a concurrent run for the
    same targets waits, then finds nothing left to change), and rows are keyed by target, place
    and period, so a repeat changes nothing. Rows for periods that no longer apply are removed.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    ids = None if target_ids is None else sorted(set(target_ids))
    result = RecomputeResult()
    with transaction.atomic():
        targets_q = Target.objects.filter(is_active=True, task__is_active=True)
        if ids is not None:
            targets_q = targets_q.filter(pk__in=ids)
        # Lock the targets (not their tasks and plans) in primary-key order, so that two
        # overlapping runs cannot deadlock: the second waits, then finds nothing left to change.
        targets = list(
            targets_q.select_for_update(of=("self",))
            .select_related("task__plan")
            .order_by("pk")
            .only(
                "id",
                "comparison",
                "value",
                "value_high",
                "unit",
                "per_unit",
                "recurrence",
                "from_year",
                "deadline_year",
                "deadline_date",
                "cumulative_from",
                "cumulative_to",
                "indicator_id",
                "jurisdiction_id",
                "task__plan__period_start",
                "task__plan__period_end",
                "task__plan__jurisdiction_id",
            )
        )
        locked = [t.pk for t in targets]
        result.targets = len(targets)
        stale_q = (
            Attainment.objects.filter(target_id__in=locked)
            if ids is not None
            else Attainment.objects.all()
        )
        if ids is not None:
            # Targets asked for but now inactive (or deleted) keep no attainment.
            Attainment.objects.filter(target_id__in=set(ids) - set(locked)).delete()
        # Existing rows as (pk, compared values), unordered: the model's default ordering would
        # join four tables and sort every row, and a model instance is needed only for a change.
        existing = {
            (target_id, place, year): (pk, tuple(compared))
            for pk, target_id, place, year, *compared in stale_q.order_by().values_list(
                "id", "target_id", "jurisdiction_id", "year", *_COMPARED
            )
        }
        sources = reading_sources_load(targets=targets)
        to_create: list[Attainment] = []
        to_update: list[Attainment] = []
        seen: set[tuple[int, int | None, int]] = set()
        for target in targets:
            plan = target.task.plan
            goal = rules.Goal(target.comparison, target.value, target.value_high, target.unit)
            for place in target_places(target, plan, sources.places, sources.children):
                readings = sources.readings(target, place, plan)
                for period in target_periods(target, plan, today):
                    verdict = rules.judge(goal, period, readings, today=today)
                    if (
                        verdict.status == rules.NO_DATA
                        and period.kind == "annual"
                        and period.due >= today
                    ):
                        continue  # this year has not ended; no figure is expected yet
                    key = (target.pk, place, period.year)
                    seen.add(key)
                    row = existing.get(key)
                    overdue_since = None
                    if verdict.status == rules.OVERDUE:
                        # The first day this service saw it overdue; kept across recomputes.
                        overdue_since = (
                            row[1][_OVERDUE_SINCE]
                            if row is not None and row[1][_OVERDUE_SINCE]
                            else today
                        )
                    values = {
                        "period_label": _period_label(period),
                        "due_date": period.due,
                        "actual": verdict.actual,
                        "actual_year": verdict.actual_year,
                        "ratio": verdict.ratio,
                        "expected": _q(verdict.expected),
                        "baseline": verdict.baseline,
                        "baseline_year": verdict.baseline_year,
                        "status": verdict.status,
                        "reason": verdict.reason,
                        "sources": verdict.sources,
                        "overdue_since": overdue_since,
                    }
                    if row is None:
                        to_create.append(
                            Attainment(
                                target_id=target.pk,
                                jurisdiction_id=place,
                                year=period.year,
                                computed_at=now,
                                **values,
                            )
                        )
                    elif row[1] != tuple(values[k] for k in _COMPARED):
                        to_update.append(
                            Attainment(
                                pk=row[0],
                                target_id=target.pk,
                                jurisdiction_id=place,
                                year=period.year,
                                computed_at=now,
                                updated_at=now,
                                **values,
                            )
                        )
                    else:
                        result.unchanged += 1
        stale = [pk for key, (pk, _) in existing.items() if key not in seen]
        if stale:
            Attainment.objects.filter(pk__in=stale).delete()
        Attainment.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            Attainment.objects.bulk_update(
                to_update, [*_COMPARED, "computed_at", "updated_at"], batch_size=500
            )
        result.created, result.updated, result.deleted = len(to_create), len(to_update), len(stale)
    return result


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"))


def targets_affected_by(
    *, indicator_ids: Iterable[int], jurisdiction_ids: Iterable[int]
) -> list[int]:
    """Targets whose attainment may change when figures for these indicators and places change:
    targets on the indicator or on a ratio built from it, measured on the place or anywhere above
    it (a school's figures add up to its county's)."""
    indicator_ids = set(indicator_ids)
    if not indicator_ids:
        return []
    indicator_ids |= set(
        Indicator.objects.filter(
            Q(numerator_id__in=indicator_ids) | Q(denominator_id__in=indicator_ids)
        ).values_list("pk", flat=True)
    )
    places: set[int] = set()
    for j in Jurisdiction.objects.filter(pk__in=set(jurisdiction_ids)).select_related(
        "parent__parent__parent"
    ):
        places.add(j.pk)
        places.update(a.pk for a in j.ancestors())
    return list(
        Target.objects.filter(indicator_id__in=indicator_ids, is_active=True)
        .filter(
            Q(jurisdiction_id__in=places)
            | Q(jurisdiction__isnull=True, task__plan__jurisdiction_id__in=places)
        )
        .values_list("pk", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# The nightly scan and reminders (交办 -> 催办 -> 督办)


def _recipients_department(department_id: int) -> list[str]:
    return sorted(
        set(
            User.objects.filter(
                department_id=department_id, is_active=True, role=Role.DEPARTMENT_STAFF
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _recipients_supervisors() -> list[str]:
    return sorted(
        set(
            User.objects.filter(Q(role=Role.SUPERVISOR) | Q(is_superuser=True), is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


_SUBJECTS = {
    ReminderKind.DUE_SOON: "【交办提醒】{dept}：{n} 项目标即将到期",
    ReminderKind.OVERDUE: "【催办】{dept}：{n} 项目标已逾期未完成",
    ReminderKind.ESCALATION: "【督办】{dept}：{n} 项目标逾期超过 {days} 天仍未完成",
}


def reminders_send(*, today: datetime.date | None = None) -> dict[str, int]:
    """Send the due-soon, overdue and escalation notices not sent before; one email per department
    and kind, listing its targets. Returns how many targets each kind covered.

    Each notice is claimed by inserting its Reminder row (unique per attainment and kind) in the
    same transaction that sends the mail: a second or concurrent run finds the claim and skips it;
    if sending fails the claim is rolled back and the next run tries again."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    escalate_before = today - datetime.timedelta(days=settings.REMINDER_ESCALATE_AFTER_DAYS)
    live = Attainment.objects.filter(target__is_active=True, target__task__is_active=True)
    wanted = {
        ReminderKind.DUE_SOON: live.filter(
            status__in=[Status.ON_TRACK, Status.AT_RISK, Status.NO_DATA, Status.CONFLICT],
            due_date__gte=today,
            due_date__lte=soon,
        ),
        ReminderKind.OVERDUE: live.filter(
            Q(status=Status.OVERDUE) | Q(status=Status.NO_DATA, due_date__lt=today)
        ),
        # 督办 follows 催办: still overdue a set number of days after the overdue notice went out.
        ReminderKind.ESCALATION: live.filter(
            status=Status.OVERDUE,
            reminders__kind=ReminderKind.OVERDUE,
            reminders__created_at__date__lte=escalate_before,
        ),
    }
    supervisors = _recipients_supervisors()
    sent: dict[str, int] = {}
    for kind, rows in wanted.items():
        rows = rows.exclude(reminders__kind=kind).select_related(
            "target__task__lead", "target__task__plan", "jurisdiction"
        )
        by_department: dict[int | None, list[Attainment]] = defaultdict(list)
        for a in rows:
            by_department[a.target.task.lead_id].append(a)
        count = 0
        for department_id, items in by_department.items():
            if kind == ReminderKind.ESCALATION or department_id is None:
                recipients = supervisors
            else:
                recipients = _recipients_department(department_id) or supervisors
            count += _notice_send(kind=kind, items=items, recipients=recipients)
        sent[kind] = count
    return sent


def _notice_send(*, kind: ReminderKind, items: list[Attainment], recipients: list[str]) -> int:
    with transaction.atomic():
        claimed = []
        for a in items:
            try:
                with transaction.atomic():
                    Reminder.objects.create(attainment=a, kind=kind, recipients=recipients)
                claimed.append(a)
            except IntegrityError:
                continue  # another run claimed it first
        if not claimed:
            return 0
        if recipients:
            lead = claimed[0].target.task.lead
            subject = _SUBJECTS[kind].format(
                dept=lead.name if lead else "未定牵头单位",
                n=len(claimed),
                days=settings.REMINDER_ESCALATE_AFTER_DAYS,
            )
            send_mail(subject, _notice_body(kind, claimed), None, recipients)
        else:
            logger.warning(
                "没有可接收提醒的邮箱（部门与督导均未设置邮箱），%s 条提醒仅记录", len(claimed)
            )
    return len(claimed)


def _notice_body(kind: ReminderKind, items: list[Attainment]) -> str:
    lines = {
        ReminderKind.DUE_SOON: "以下目标即将到期，请按时完成并在系统中填报进展：",
        ReminderKind.OVERDUE: "以下目标已过完成时限仍未完成（或没有数据），请尽快推进并填报进展：",
        ReminderKind.ESCALATION: "以下目标逾期后仍未完成，现报督导跟进：",
    }[kind]
    out = [lines, ""]
    for a in items:
        t = a.target
        place = f"（{a.jurisdiction.name}）" if a.jurisdiction else ""
        if a.status == Status.NO_DATA:
            state = "尚无任何数据"
        elif a.actual is None:
            state = a.get_status_display()
        else:
            state = f"实际 {display.amount_text(a.actual, t.unit)}，{a.get_status_display()}"
        out.append(
            f"- 《{t.task.plan.title}》任务 {t.task.number}：{t.label} {t.worded}{place}，"
            f"{a.period_label}，{state}"
        )
        out.append(f"  {settings.SITE_URL.rstrip('/')}{reverse('attainment:target', args=[t.pk])}")
    out += ["", "本邮件由职业教育政策任务跟踪服务自动发送。"]
    return "\n".join(out)


def nightly_scan(*, today: datetime.date | None = None) -> dict[str, Any]:
    """Recompute every target (deadlines move with the calendar), then send reminders."""
    recompute = attainment_recompute(today=today)
    return {"recompute": recompute.as_json(), "reminders": reminders_send(today=today)}
