"""Writes: reference data, task-list import, and the progress-entry workflow."""

from __future__ import annotations

import datetime
import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypedDict, TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from config.memory import ParseMemoryExceeded, parse_memory_capped
from outbox.services import outbox_attempts, outbox_enqueue, outbox_has_open
from policytext import cnnum, documents
from policytext.departments import KIND_UNKNOWN, Resolved
from policytext.documents import Document
from policytext.reports import clean_label
from policytext.tasklist import (
    ParsedTarget,
    ParsedTask,
    ParsedTaskList,
    TaskListError,
    parse_document,
)
from policytext.tasklist import read as tasklist_read_file

from . import selectors
from .models import (
    AssignmentRole,
    Department,
    DepartmentAlias,
    DepartmentKind,
    Evidence,
    ImportStatus,
    Indicator,
    IndicatorAlias,
    Jurisdiction,
    LinkStatus,
    Plan,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
    TaskAssignment,
    TaskListUpload,
)
from .selectors import catalogue_load

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Reference data


def reference_data_load(
    *,
    departments_path: Path = FIXTURES / "departments.json",
    indicators_path: Path = FIXTURES / "indicators.json",
    jurisdictions_path: Path = FIXTURES / "jurisdictions.json",
    learned_path: Path | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, int]:
    """Load (or refresh) the department, indicator and jurisdiction catalogues into the database
    ``using``, and the aliases learned in review that export_reference wrote (``learned_path``,
    fixtures/learned_aliases.json by default). Safe to repeat. Runs after every complete
    ``migrate`` (see apps.py)."""
    departments = json.loads(departments_path.read_text(encoding="utf-8"))["departments"]
    indicators = json.loads(indicators_path.read_text(encoding="utf-8"))["indicators"]
    jurisdictions = json.loads(jurisdictions_path.read_text(encoding="utf-8"))["jurisdictions"]
    with transaction.atomic(using=using):
        department_rows = _ReferenceRows(Department.objects.using(using), "name")
        alias_rows = _ReferenceRows(DepartmentAlias.objects.using(using), "alias")
        for entry in departments:
            department = department_rows.sync(
                {"name": entry["name"]}, {"kind": entry["kind"], "needs_review": False}
            )
            for alias in entry.get("aliases", []):
                alias_rows.sync({"alias": alias}, {"department_id": department.pk})
        indicator_rows = _ReferenceRows(Indicator.objects.using(using), "code")
        for entry in indicators:
            max_value = entry.get("max")
            indicator_rows.sync(
                {"code": entry["code"]},
                {
                    "name": entry["name"],
                    "unit": entry.get("unit", ""),
                    "aliases": entry.get("aliases", []),
                    "units": entry.get("units", []),
                    "patterns": entry.get("patterns", []),
                    "excludes": entry.get("excludes", []),
                    "sentence_excludes": entry.get("sentence_excludes", []),
                    "flow": bool(entry.get("flow")),
                    "max_value": Decimal(str(max_value)) if max_value is not None else None,
                    "additive": bool(entry.get("additive")),
                },
            )
        # Derived indicators name others by code, so they are wired up once all exist.
        by_code = {i.code: i for i in Indicator.objects.using(using)}
        for entry in indicators:
            derived = entry.get("derived") or {}
            indicator = by_code[entry["code"]]
            numerator, denominator = (
                by_code.get(derived.get("numerator", "")),
                by_code.get(derived.get("denominator", "")),
            )
            scale = Decimal(str(derived.get("scale", 1)))
            if (indicator.numerator, indicator.denominator, indicator.scale) != (
                numerator,
                denominator,
                scale,
            ):
                indicator.numerator, indicator.denominator, indicator.scale = (
                    numerator,
                    denominator,
                    scale,
                )
                indicator.save(
                    using=using, update_fields=["numerator", "denominator", "scale", "updated_at"]
                )
        # Parents come before children in the file; a name is unique within its parent.
        by_name: dict[str, Jurisdiction] = {}
        jurisdiction_rows = _ReferenceRows(Jurisdiction.objects.using(using), "name", "parent_id")
        for entry in jurisdictions:
            parent = by_name.get(entry["parent"]) if entry.get("parent") else None
            jurisdiction = jurisdiction_rows.sync(
                {"name": entry["name"], "parent_id": parent.pk if parent else None},
                {
                    "kind": entry["kind"],
                    "code": entry.get("code") or "",
                    "aliases": entry.get("aliases", []),
                    "needs_review": False,
                },
            )
            by_name[entry["name"]] = jurisdiction
        learned = _learned_aliases_load(learned_path or LEARNED_ALIASES, using=using)
    return {
        "departments": len(departments),
        "indicators": len(indicators),
        "jurisdictions": len(jurisdictions),
        "learned_aliases": learned,
    }


_Row = TypeVar("_Row", bound=Model)


class _ReferenceRows(Generic[_Row]):
    """One reference table, read once (a query per table, not one per row of the file) and
    keyed by the fields that identify a row."""

    def __init__(self, rows: QuerySet[_Row], *keys: str) -> None:
        self.rows, self.keys = rows, keys
        self.by_key = {tuple(getattr(row, k) for k in keys): row for row in rows}

    def sync(self, lookup: dict[str, object], values: dict[str, object]) -> _Row:
        """The row ``lookup`` names, created with ``values`` or brought up to them; saved only
        when a value differs, so repeating the load (every ``migrate`` does) writes no history,
        no audit event and moves no ``updated_at`` that API clients sync by."""
        key = tuple(lookup[k] for k in self.keys)
        row = self.by_key.get(key)
        if row is None:
            row = self.by_key[key] = self.rows.create(**lookup, **values)
            return row
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            stamps = [f.name for f in row._meta.concrete_fields if getattr(f, "auto_now", False)]
            row.save(using=self.rows.db, update_fields=[*changed, *stamps])
        return row


# ---------------------------------------------------------------------------------------------
# What review teaches the catalogues: learned indicator aliases, merged department names

LEARNED_ALIASES = FIXTURES / "learned_aliases.json"


def _learned_aliases_load(path: Path, *, using: str) -> int:
    """The aliases export_reference wrote, into a database that lacks them. Where the database
    already has an alias, its own record stands: it is the newer (the file is its export)."""
    if not path.is_file():
        return 0
    data = json.loads(path.read_text(encoding="utf-8"))
    indicators = {i.code: i for i in Indicator.objects.using(using)}
    count = 0
    for row in data.get("indicator_aliases", []):
        indicator = indicators.get(row["indicator"])
        if indicator is None:
            continue
        username = row.get("created_by") or ""
        IndicatorAlias.objects.using(using).get_or_create(
            alias=row["alias"],
            defaults={
                "indicator": indicator,
                "created_by": User.objects.using(using).filter(username=username).first()
                if username
                else None,
                "created_at": parse_datetime(row.get("created_at") or "") or timezone.now(),
                "note": row.get("note", "")[:200],
            },
        )
        count += 1
    for row in data.get("department_aliases", []):
        department = Department.objects.using(using).filter(name=row["department"]).first()
        if department is not None:
            DepartmentAlias.objects.using(using).get_or_create(
                alias=row["alias"], defaults={"department": department}
            )
            count += 1
    return count


def reference_learned_export(*, path: Path | None = None) -> dict[str, int]:
    """Write what review taught the catalogues to ``path`` (fixtures/learned_aliases.json): every
    learned indicator alias with who added it and when, and every department alias that the
    shipped departments.json does not have (names merged in review). load_reference reads it
    back. The same database always writes the same file."""
    path = path or LEARNED_ALIASES
    shipped = {
        alias
        for entry in json.loads((FIXTURES / "departments.json").read_text(encoding="utf-8"))[
            "departments"
        ]
        for alias in entry.get("aliases", [])
    }
    indicator_aliases = [
        {
            "indicator": a.indicator.code,
            "alias": a.alias,
            "created_by": a.created_by.username if a.created_by else None,
            "created_at": a.created_at.isoformat(),
            "note": a.note,
        }
        for a in IndicatorAlias.objects.select_related("indicator", "created_by").order_by(
            "indicator__code", "alias"
        )
    ]
    department_aliases = [
        {"department": a.department.name, "alias": a.alias}
        for a in DepartmentAlias.objects.select_related("department").order_by("alias")
        if a.alias not in shipped
    ]
    document = {
        "_comment": (
            "审核中学到的别称（manage.py export_reference 导出；load_reference 与 migrate 时读入，"
            "数据库中已有的别称以数据库为准）"
        ),
        "indicator_aliases": indicator_aliases,
        "department_aliases": department_aliases,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {
        "indicator_aliases": len(indicator_aliases),
        "department_aliases": len(department_aliases),
    }


def indicator_alias_learn(
    *,
    indicator: Indicator,
    alias: str,
    by: User,
    source_figure_id: int | None = None,
    note: str = "",
) -> IndicatorAlias:
    """Add ``alias`` as a way of writing ``indicator``, so that later extractions link labels that
    end with it. The alias is compared as the extractor compares heads (clean_label). Returns the
    existing record when the indicator has it already; raises ValidationError (Chinese) when the
    alias is empty, too short, or another indicator's."""
    if not selectors.indicator_alias_may_change(user=by):
        raise PermissionDenied("只有督导人员可以修改指标别称")
    cleaned = clean_label(alias)
    existing = IndicatorAlias.objects.filter(alias=cleaned, indicator=indicator).first()
    if existing is not None:
        return existing
    cleaned = indicator_alias_clean(indicator=indicator, alias=alias)
    return IndicatorAlias.objects.create(
        indicator=indicator,
        alias=cleaned,
        created_by=by,
        source_figure_id=source_figure_id,
        note=note[:200],
    )


def indicator_alias_clean(
    *, indicator: Indicator, alias: str, instance_pk: int | None = None
) -> str:
    """``alias`` as the extractor compares heads (clean_label), or ValidationError (Chinese) when
    it is too short or already another indicator's name or alias (shipped or learned)."""
    cleaned = clean_label(alias)
    if len(cleaned) < 2:
        raise ValidationError("别称至少两个字")
    same = IndicatorAlias.objects.select_related("indicator").filter(alias=cleaned)
    taken = (same.exclude(pk=instance_pk) if instance_pk is not None else same).first()
    if taken is not None:
        raise ValidationError(f"别称“{cleaned}”已属于指标“{taken.indicator.name}”")
    for other in Indicator.objects.exclude(pk=indicator.pk):
        if cleaned in {clean_label(other.name), *(clean_label(a) for a in other.aliases or [])}:
            raise ValidationError(f"“{cleaned}”已是指标“{other.name}”的名称或别称")
    return cleaned


def indicator_alias_update(
    *, alias: IndicatorAlias, by: User, text: str, note: str
) -> IndicatorAlias:
    """Correct a learned alias's wording or note (who added it and when stay)."""
    if not selectors.indicator_alias_may_change(user=by):
        raise PermissionDenied("只有督导人员可以修改指标别称")
    alias.alias = indicator_alias_clean(indicator=alias.indicator, alias=text, instance_pk=alias.pk)
    alias.note = note[:200]
    alias.save(update_fields=["alias", "note"])
    return alias


def indicator_alias_remove(*, alias: IndicatorAlias, by: User) -> None:
    """Forget a learned alias: later extractions no longer link by it (figures already linked
    keep their link)."""
    if not selectors.indicator_alias_may_change(user=by):
        raise PermissionDenied("只有督导人员可以修改指标别称")
    alias.delete()


def department_merge(*, department: Department, into: Department, by: User) -> DepartmentAlias:
    """A name the import could not place (待核对) is settled as a catalogue body: its tasks,
    progress entries and accounts move to ``into``, and the name becomes an alias of ``into``, so
    that the next import resolves it. The 待核对 record is deleted (its history is kept)."""
    if not selectors.department_may_merge(user=by):
        raise PermissionDenied("只有督导人员可以合并部门")
    if not department.needs_review:
        raise ValidationError(f"“{department.name}”不是待核对的部门，不能并入其他部门")
    if into.needs_review or into.pk == department.pk:
        raise ValidationError("请选择部门目录中已核对的部门")
    taken = DepartmentAlias.objects.filter(alias=department.name).exclude(department=into).first()
    if taken is not None:
        raise ValidationError(f"“{department.name}”已是“{taken.department.name}”的简称")
    with transaction.atomic():
        # Who is responsible is part of a task as the API serves it: incremental sync must see it.
        moved = set(
            TaskAssignment.objects.filter(department=department).values_list("task_id", flat=True)
        )
        Task.objects.filter(pk__in=moved).update(updated_at=timezone.now())
        for assignment in TaskAssignment.objects.filter(department=department):
            already = TaskAssignment.objects.filter(task=assignment.task, department=into).first()
            if already is None:
                assignment.department = into
                assignment.save(update_fields=["department"])
                continue
            if assignment.role == AssignmentRole.LEAD:
                already.role = AssignmentRole.LEAD
                already.save(update_fields=["role"])
            assignment.delete()
        Task.objects.filter(lead=department).update(lead=into, updated_at=timezone.now())
        ProgressEntry.objects.filter(department=department).update(department=into)
        User.objects.filter(department=department).update(department=into)
        DepartmentAlias.objects.filter(department=department).update(department=into)
        alias, _ = DepartmentAlias.objects.get_or_create(
            alias=department.name, defaults={"department": into}
        )
        department.delete()
    return alias


# ---------------------------------------------------------------------------------------------
# Task-list import


_PERIOD_WORDS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}


def plan_period_detect(text: str) -> tuple[int, int] | None:
    """A plan period named in the text: “十四五” -> 2021-2025, or an explicit 2021—2025年."""
    m = re.search(r"(20\d\d)\s*[-—–~至到]+\s*(20\d\d)\s*年", cnnum.normalise(text))
    if m and int(m.group(1)) < int(m.group(2)):
        return int(m.group(1)), int(m.group(2))
    for word, period in _PERIOD_WORDS.items():
        if word in text:
            return period
    return None


class TaskChange(TypedDict):
    """A task an import changed, and what changed in it."""

    number: str
    changes: list[str]


class TaskListChanges(TypedDict):
    created: list[str]
    updated: list[TaskChange]
    unchanged: int
    withdrawn: list[str]


@dataclass
class TaskListImportResult:
    """What an import found and, unless it was a dry run, what it changed."""

    plan_title: str
    parsed: ParsedTaskList
    period: tuple[int, int] | None
    dry_run: bool
    plan: Plan | None = None
    created: list[str] = field(default_factory=list)
    updated: list[TaskChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    links: object | None = None  # attainment.services.LinkResult
    # A dry run: the indicator each target would be linked to, by (task number, target index).
    indicators: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    document: Document | None = None  # the file as read, for the places of its tasks

    def place(self, task: ParsedTask) -> str:
        """Where ``task`` stands in the original file ("第 2 页，表 1 第 5 行"), or "" for text."""
        return self.document.where(task.line) if self.document else ""

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "plan": self.plan_title,
            "period": f"{self.period[0]}-{self.period[1]}" if self.period else None,
            "layout": self.parsed.layout,
            "format": self.document.format if self.document else "text",
            "tasks": [self._task_json(t) for t in self.parsed.tasks],
            "unknown_departments": self.parsed.unknown_departments,
            "warnings": self.parsed.warnings,
        }
        if not self.dry_run:
            out["changes"] = self.changes
        return out

    def _task_json(self, task: ParsedTask) -> dict[str, Any]:
        out: dict[str, Any] = {**task.as_json(), "place": self.place(task)}
        if self.dry_run:
            for i, target in enumerate(out["targets"]):
                code, note = self.indicators.get((task.number, i), (None, ""))
                target["indicator"], target["indicator_note"] = code, note
        return out

    @property
    def changes(self) -> TaskListChanges:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "withdrawn": self.withdrawn,
        }

    @property
    def target_count(self) -> int:
        return sum(len(t.targets) for t in self.parsed.tasks)


def tasklist_import(
    *,
    data: bytes,
    filename: str,
    plan_title: str,
    period: tuple[int, int] | None = None,
    issuer: str = "",
    dry_run: bool = False,
    document: Document | None = None,
) -> TaskListImportResult:
    """Parse a task-list file (text, Word, Excel or PDF) and, unless ``dry_run``, write it in one
    transaction. ``document`` is the file as already read by tasklist_read, if it was.

    Re-importing the same file changes nothing; a changed list updates tasks in place and reports
    what changed. Tasks and targets that disappear are marked inactive, never deleted, so progress
    already reported against them stays. Raises TaskListError (nothing written) on bad input.
    """
    if not plan_title.strip():
        raise TaskListError("请填写政策文件名称", field_name="政策文件名称")
    document = document or tasklist_read(data=data, filename=filename)
    period = period or plan_period_detect(document.text)
    # The issuer (or the plan's title, 洛阳市…方案) says whose plan it is: its bodies are read at
    # its level, and its own name before a body (洛阳市教育局) is the plan's own body.
    parsed = parse_document(
        document,
        catalogue=catalogue_load(),
        plan_period=period,
        issuer=issuer or plan_title.strip(),
    )
    result = TaskListImportResult(
        plan_title=plan_title.strip(),
        parsed=parsed,
        period=period,
        dry_run=dry_run,
        document=document,
    )
    _tasklist_fits_check(result=result, issuer=issuer)  # a dry run fails as the import would
    if dry_run:
        # What the import would link each target to, as it would: the attainment app's rule.
        from attainment.services import parsed_targets_indicator_suggest

        result.indicators = parsed_targets_indicator_suggest(tasks=result.parsed.tasks)
        return result
    with transaction.atomic():
        plan, _ = Plan.objects.get_or_create(title=result.plan_title)
        plan.issuer = issuer or plan.issuer
        if period:
            plan.period_start, plan.period_end = period
        plan.source_name = filename
        plan.imported_at = timezone.now()
        plan.save()
        result.plan = plan
        existing = {t.number: t for t in Task.objects.filter(plan=plan)}
        for position, parsed_task in enumerate(parsed.tasks):
            task = existing.pop(parsed_task.number, None)
            if task is None:
                task = Task(plan=plan, number=parsed_task.number)
                changed = ["新增"]
            else:
                changed = []
            changed += _task_apply(task, parsed_task, position, result.place(parsed_task))
            if task.pk is None or changed:
                task.save()
            changed += _assignments_sync(task, parsed_task.bodies, parsed_task.lead)
            changed += _targets_sync(task, parsed_task.targets)
            if changed and changed[0] == "新增":
                result.created.append(task.number)
            elif changed:
                result.updated.append(TaskChange(number=task.number, changes=changed))
            else:
                result.unchanged.append(task.number)
        for task in existing.values():
            if task.is_active:
                task.is_active = False
                task.save(update_fields=["is_active", "updated_at"])
                result.withdrawn.append(task.number)
        # Suggest what measures each target, then compute attainment once this commits. The
        # attainment app builds on this one, hence the import here.
        from attainment.services import plan_targets_link
        from attainment.tasks import attainment_recompute_enqueue

        result.links = plan_targets_link(plan=plan)
        attainment_recompute_enqueue(
            target_ids=Target.objects.filter(task__plan=plan).values_list("pk", flat=True)
        )
    return result


def _tasklist_fits_check(*, result: TaskListImportResult, issuer: str) -> None:
    """Refuse, before anything is written, a value longer than the column that stores it (a
    department name over 100 characters): TaskListError saying the line, the field and the
    limit, rather than a database error half-way through the import."""

    def check(model: type[Model], column: str, value: str | None, label: str, line: int) -> None:
        limit = getattr(model._meta.get_field(column), "max_length", None)
        if value and limit and len(value) > limit:
            error = TaskListError(
                f"“{value[:20]}…”有 {len(value)} 个字符，超过 {limit} 个字符的上限，请核对原文",
                line=line or None,
                field_name=label,
            )
            raise error.placed(result.document) if result.document else error

    check(Plan, "title", result.plan_title, "政策文件名称", 0)
    check(Plan, "issuer", issuer, "发文单位", 0)
    for task in result.parsed.tasks:
        check(Task, "number", task.number, "序号", task.line)
        check(Task, "deadline_text", task.deadline_text, "完成时限", task.line)
        for body in task.bodies:
            check(Department, "name", body.name, "责任单位", task.line)
            check(TaskAssignment, "written_as", body.written, "责任单位", task.line)
        for target in task.targets:
            check(Target, "label", target.label, "目标内容", task.line)
            check(Target, "unit", target.unit, "目标单位", task.line)
            check(Target, "per_unit", target.per_unit, "目标单位", task.line)


def _due_fields(due: int | str | None) -> dict[str, object]:
    """A parsed deadline (a year, an ISO date, or None for the plan end) as the model stores it."""
    return {
        "deadline_year": due if isinstance(due, int) else (int(due[:4]) if due else None),
        "deadline_date": datetime.date.fromisoformat(due) if isinstance(due, str) else None,
    }


def tasklist_read(*, data: bytes, filename: str) -> Document:
    """A task-list file as read (any format policytext.documents reads), within the size limit."""
    if len(data) > settings.TASKLIST_MAX_BYTES:
        raise TaskListError(
            f"文件过大（{len(data) // 1024} KB），上限为 {settings.TASKLIST_MAX_BYTES // 1024} KB"
        )
    return tasklist_read_file(filename, data)


def _task_apply(task: Task, parsed: ParsedTask, position: int, place: str) -> list[str]:
    values = {
        "position": position,
        "text": parsed.text,
        "responsibility_text": parsed.responsibility,
        "deadline_text": parsed.deadline_text,
        **_due_fields(parsed.deadline),
        "source_line": parsed.line,
        "source_place": place,
        "is_active": True,
    }
    labels = {
        "text": "任务内容",
        "responsibility_text": "负责单位",
        "deadline_text": "完成时限",
        "is_active": "恢复有效",
    }
    changed, quiet = [], []
    for name, value in values.items():
        if getattr(task, name) != value:
            if task.pk and name in labels:
                changed.append(labels[name])
            elif task.pk:
                quiet.append(name)
            setattr(task, name, value)
    if quiet and not changed:
        # Where it stands moved (a line, a page: the same list saved as PDF) but not what it says:
        # kept up to date without reporting the task as changed.
        task.save(update_fields=[*quiet, "updated_at"])
    return changed


def _department_for(body: Resolved) -> Department:
    department = Department.objects.filter(name=body.name).first()
    if department is None:
        # Not in the catalogue: keep it exactly as written and ask a person to look.
        kind = body.kind if body.kind in DepartmentKind.values else KIND_UNKNOWN
        department = Department.objects.create(
            name=body.name, kind=kind, needs_review=not body.known
        )
    return department


def _assignments_sync(task: Task, bodies: list[Resolved], lead: Resolved | None) -> list[str]:
    wanted = []
    for position, body in enumerate(bodies):
        department = _department_for(body)
        if lead is not None and body.name == lead.name:
            role = AssignmentRole.LEAD
        elif body.kind == "group":
            role = AssignmentRole.GROUP
        else:
            role = AssignmentRole.CO
        wanted.append((department, role, position, body.written))
    current = {(a.department_id, a.role) for a in task.assignments.all()}
    lead_department = next((d for d, role, _, _ in wanted if role == AssignmentRole.LEAD), None)
    changed = []
    if current != {(d.id, role) for d, role, _, _ in wanted}:
        task.assignments.all().delete()
        TaskAssignment.objects.bulk_create(
            TaskAssignment(task=task, department=d, role=role, position=p, written_as=w)
            for d, role, p, w in wanted
        )
        # Who is responsible is part of the task as the API serves it: incremental sync must see it.
        Task.objects.filter(pk=task.pk).update(updated_at=timezone.now())
        if current:
            changed.append("责任单位")
    if task.lead_id != (lead_department.id if lead_department else None):
        task.lead = lead_department
        task.save(update_fields=["lead", "updated_at"])
        if current:
            changed.append("牵头单位")
    return changed


def _target_values(parsed: ParsedTarget, position: int) -> dict[str, object]:
    return {
        "position": position,
        "label": parsed.label,
        "comparison": parsed.cmp,
        "value": parsed.value,
        "value_high": parsed.value_high,
        "unit": parsed.unit,
        "per_unit": parsed.per_unit or "",
        "recurrence": parsed.recurrence,
        "from_year": parsed.from_year,
        **_due_fields(parsed.due),
        "cumulative_from": parsed.cumulative[0] if parsed.cumulative else None,
        "cumulative_to": parsed.cumulative[1] if parsed.cumulative else None,
        "source_text": parsed.source,
        "span_start": parsed.start,
        "span_end": parsed.end,
        "needs_review": parsed.review is not None,
        "review_reason": parsed.review or "",
        "is_active": True,
    }


def _same(a: object, b: object) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)  # type: ignore[arg-type]
    return a == b


def _targets_sync(task: Task, parsed_targets: list[ParsedTarget]) -> list[str]:
    """Match targets by what they say (value, unit, comparison), then by position, so that an
    indicator link made by a person survives a re-import of the same or a lightly edited list."""
    existing = list(task.targets.all()) if task.pk else []
    unmatched = list(existing)
    changed: list[str] = []
    for position, parsed in enumerate(parsed_targets):
        values = _target_values(parsed, position)
        match = next(
            (
                t
                for t in unmatched
                if t.unit == parsed.unit
                and t.comparison == parsed.cmp
                and _same(t.value, parsed.value)
            ),
            None,
        ) or next((t for t in unmatched if t.position == position), None)
        if match is None:
            Target.objects.create(task=task, **values)
            if existing:
                changed.append(f"新增目标“{parsed.label}”")
            continue
        unmatched.remove(match)
        diff = [name for name, value in values.items() if not _same(getattr(match, name), value)]
        if diff:
            for name in diff:
                setattr(match, name, values[name])
            match.save()
            if set(diff) - {"position", "span_start", "span_end"}:
                changed.append(f"目标“{parsed.label}”有变化")
    for target in unmatched:
        if target.is_active:
            target.is_active = False
            target.save(update_fields=["is_active", "updated_at"])
            changed.append(f"目标“{target.label}”已不在清单中，标记为无效")
    return changed


# ---------------------------------------------------------------------------------------------
# Task-list uploads (admin) processed in the background

# The job that imports an upload, by its Celery name (tasks_registry.tasks imports this module).
TASKLIST_UPLOAD_TASK = "tasks_registry.tasks.tasklist_upload_process_task"


def tasklist_upload_job_key(upload_id: int) -> str:
    """What the outbox calls the jobs about this upload (how often it was tried)."""
    return f"tasks_registry.tasklistupload:{upload_id}"


def tasklist_upload_enqueue(*, upload_id: int) -> None:
    """Import the upload in the background: an outbox job in the current transaction."""
    outbox_enqueue(
        task=TASKLIST_UPLOAD_TASK,
        kwargs={"upload_id": upload_id},
        key=tasklist_upload_job_key(upload_id),
    )


def tasklist_upload_submit(*, upload: TaskListUpload, by: User) -> TaskListUpload:
    """Store an uploaded task list and, in the same transaction, the job that imports it; the
    request answers at once (已上传，后台处理中) and the worker records 已完成 or 失败 on it."""
    with transaction.atomic():
        upload.uploaded_by = by
        upload.status = ImportStatus.PENDING
        upload.save()
        tasklist_upload_enqueue(upload_id=upload.pk)
    return upload


def tasklist_upload_process(*, upload: TaskListUpload) -> TaskListUpload:
    """Import an uploaded task list and record the outcome on the upload for the uploader to see.

    Locks the upload row for the run, so two workers never import it at once (the second skips
    it) and a run redelivered after its worker died takes it over. Every outcome but a database
    briefly unreachable (retried by the task) ends in 已完成 or 失败 with the reason (line and
    field where there is one): a parse error, a value the database refuses, a time-out.
    """
    TaskListUpload.objects.filter(pk=upload.pk).exclude(status=ImportStatus.DONE).update(
        status=ImportStatus.PROCESSING
    )
    with transaction.atomic():
        locked = (
            TaskListUpload.objects.select_for_update(skip_locked=True)
            .filter(pk=upload.pk)
            .exclude(status=ImportStatus.DONE)
            .first()
        )
        if locked is None:
            upload.refresh_from_db()
            return upload  # done already, or being imported by another worker right now
        upload = locked
        filename = (upload.file.name or "").rsplit("/", 1)[-1]
        try:
            with parse_memory_capped():
                result = _tasklist_upload_import(upload=upload, filename=filename)
        except OperationalError:
            raise
        except (TaskListError, TaskListUploadFailed, ParseMemoryExceeded) as exc:
            _tasklist_upload_refused_file_discard(upload)
            _tasklist_upload_failed(upload, f"{filename}：{exc}")
        except SoftTimeLimitExceeded:  # in a worker, past the task's soft time limit
            _tasklist_upload_refused_file_discard(upload)
            _tasklist_upload_failed(
                upload,
                f"{filename}：导入超时（超过 {settings.JOB_PARSE_TIME_LIMIT - 30} 秒），"
                "未写入任何数据；请检查或拆分文件后重新上传",
            )
        except DatabaseError as exc:
            logger.exception("task-list upload %s: writing failed", upload.pk)
            _tasklist_upload_failed(
                upload,
                f"{filename}：写入数据库失败（{type(exc).__name__}），未写入任何数据，请联系管理员",
            )
        except Exception:  # any other fault must still end the upload in 失败, with a log line
            logger.exception("task-list upload %s: import failed", upload.pk)
            _tasklist_upload_failed(
                upload, f"{filename}：导入时发生内部错误，未写入任何数据，已记录日志"
            )
        else:
            upload.status = ImportStatus.DONE
            upload.plan = result.plan
            upload.summary = {
                "tasks": len(result.parsed.tasks),
                "targets": result.target_count,
                "unknown_departments": result.parsed.unknown_departments,
                **result.changes,
            }
            upload.message = (
                f"导入 {len(result.parsed.tasks)} 项任务、{result.target_count} 个目标；"
                f"新增 {len(result.created)}，更新 {len(result.updated)}，"
                f"未变 {len(result.unchanged)}，移出 {len(result.withdrawn)}"
                + (
                    f"；待核对单位：{'、'.join(result.parsed.unknown_departments)}"
                    if result.parsed.unknown_departments
                    else ""
                )
            )
            upload.finished_at = timezone.now()
            upload.save()
    return upload


class TaskListUploadFailed(Exception):
    """An upload that cannot be imported for a reason outside the file's content."""


def _tasklist_upload_import(*, upload: TaskListUpload, filename: str) -> TaskListImportResult:
    period = (
        (upload.period_start, upload.period_end)
        if upload.period_start and upload.period_end
        else None
    )
    try:
        with upload.file.open("rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise TaskListUploadFailed("找不到已上传的文件，请重新上传") from exc
    # A savepoint: a write the database refuses rolls back the import alone, and the failure can
    # still be recorded on the upload in the enclosing transaction.
    return tasklist_import(
        data=data,
        filename=filename,
        plan_title=upload.plan_title,
        period=period,
        issuer=upload.issuer,
    )


def _tasklist_upload_refused_file_discard(upload: TaskListUpload) -> None:
    """A refused file is of no further use (nothing was imported from it; a corrected file is a
    new upload), so it is not kept on disk; the message keeps its name. Files that failed on an
    internal error stay, for whoever looks into it."""
    if upload.file.name:
        upload.file.delete(save=False)


def _tasklist_upload_failed(upload: TaskListUpload, message: str) -> None:
    upload.status = ImportStatus.FAILED
    upload.message = message
    upload.summary = {}
    upload.finished_at = timezone.now()
    upload.save()


def tasklist_uploads_stuck_sweep() -> dict[str, int]:
    """Uploads left 排队中 or 导入中 past OUTBOX_RESEND_AFTER_SECONDS with no job under way (lost,
    or given up by the outbox): imported again, or after JOBS_MAX_ATTEMPTS marked 失败 with the
    reason. Run every minute by beat and by ``manage.py relay_outbox``. Safe to repeat."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    stuck = TaskListUpload.objects.filter(
        status__in=[ImportStatus.PENDING, ImportStatus.PROCESSING], created_at__lt=cutoff
    ).order_by("pk")
    retried = failed = 0
    for upload in stuck:
        key = tasklist_upload_job_key(upload.pk)
        if outbox_has_open(key=key):
            continue  # waiting for the broker, queued or running: not stuck
        attempts = outbox_attempts(key=key)
        if attempts >= settings.JOBS_MAX_ATTEMPTS:
            minutes = settings.OUTBOX_RESEND_AFTER_SECONDS // 60
            filename = (upload.file.name or "").rsplit("/", 1)[-1]
            _tasklist_upload_failed(
                upload,
                f"{filename}：后台导入已尝试 {attempts} 次，每次都未在 {minutes} 分钟内完成"
                "（处理进程中断或超时），未写入任何数据；请检查文件后重新上传",
            )
            failed += 1
            continue
        with transaction.atomic():
            tasklist_upload_enqueue(upload_id=upload.pk)
        retried += 1
    return {"retried": retried, "failed": failed}


# ---------------------------------------------------------------------------------------------
# What measures a target


def target_link_confirm(
    *,
    target: Target,
    by: User,
    indicator: Indicator | None,
    jurisdiction: Jurisdiction | None = None,
) -> Target:
    """A person confirms (or changes) what measures a target: supervisors, or staff of the
    department leading its task. The link then survives re-imports; recompute follows commit."""
    from attainment.tasks import attainment_recompute_enqueue  # attainment builds on this app

    if not selectors.target_link_may_change(user=by, target=target):
        raise PermissionDenied("只有督导人员或牵头部门的工作人员可以确认目标的衡量方式")
    target.indicator = indicator
    target.jurisdiction = jurisdiction
    target.link_status = LinkStatus.CONFIRMED
    target.link_note = f"由{by.get_full_name() or by.username}确认"[:200]
    target.save(
        update_fields=["indicator", "jurisdiction", "link_status", "link_note", "updated_at"]
    )
    attainment_recompute_enqueue(target_ids=[target.pk])
    return target


def target_save(*, target: Target, by: User) -> Target:
    """An administrator corrects a target's values as read from the list (a parsing slip);
    its attainment is recomputed after commit."""
    from attainment.tasks import attainment_recompute_enqueue

    if not by.is_superuser:
        raise PermissionDenied("只有系统管理员可以修改目标值；目标来自导入的任务清单")
    target.full_clean()
    target.save()
    attainment_recompute_enqueue(target_ids=[target.pk])
    return target


# ---------------------------------------------------------------------------------------------
# Progress entries


class StateConflict(ValidationError):
    """The record's current state does not allow this (an approved entry edited, a draft
    approved). The admin shows it like any validation message; the API answers 409."""


def _ensure_state(condition: bool, message: str) -> None:
    if not condition:
        raise StateConflict(message)


def _ensure_own(entry: ProgressEntry, by: User, doing: str) -> None:
    if not selectors.progress_entry_is_own(user=by, entry=entry):
        raise PermissionDenied(f"只能{doing}本部门的进展填报")


def _ensure_editable(entry: ProgressEntry, by: User, doing: str) -> None:
    """Own department first (403), then state (409): the rule is
    selectors.progress_entry_may_edit."""
    _ensure_own(entry, by, doing)
    _ensure_state(
        entry.is_editable_by_author,
        f"“{entry}”当前状态为{entry.get_status_display()}，不能{doing}",
    )


def _ensure_may_record(by: User, task: Task, department_id: int | None) -> None:
    if not selectors.task_is_assigned_to(task=task, department_id=department_id):
        department = Department.objects.filter(pk=department_id).first() if department_id else None
        raise PermissionDenied(f"任务 {task.number} 不属于{department or '您的部门'}，不能填报")


ENTRY_FIELDS = ("task", "target", "jurisdiction", "year", "quarter", "value", "narrative")


def progress_entry_create(
    *,
    by: User,
    task: Task | None = None,
    year: int,
    target: Target | None = None,
    jurisdiction: Jurisdiction | None = None,
    quarter: int | None = None,
    value: Decimal | None = None,
    narrative: str = "",
) -> ProgressEntry:
    """A department's staff record progress on one of their department's tasks (as a draft).
    With a target and no task, the target's task is meant."""
    department_id = by.department_id
    # may_record already requires a department; the second test says so to the type checker.
    if not selectors.progress_entry_may_record(user=by) or department_id is None:
        raise PermissionDenied("只有关联了部门的部门工作人员可以填报进展")
    if task is None and target is not None:
        task = target.task
    if task is None:
        raise ValidationError({"task": "请选择任务或目标"})
    _ensure_may_record(by, task, department_id)
    entry = ProgressEntry(
        task=task,
        target=target,
        jurisdiction=jurisdiction,
        department_id=department_id,
        year=year,
        quarter=quarter,
        value=value,
        narrative=narrative,
        created_by=by,
    )
    entry.full_clean()
    _ensure_place(entry)
    entry.save()
    return entry


@transaction.atomic
def progress_entry_update(*, entry: ProgressEntry, by: User, **changes: object) -> ProgressEntry:
    """Staff change their own department's draft or returned entry. Submitted and approved
    entries are refused (StateConflict): an approved figure is what attainment was computed from.
    Only the reported fields (ENTRY_FIELDS) change; status, department and review stay."""
    entry = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    _ensure_editable(entry, by, "修改")
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError({name: "该字段不能修改" for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(entry, name, value)
    if "target" in changes and "task" not in changes and entry.target is not None:
        entry.task = entry.target.task
    _ensure_may_record(by, entry.task, entry.department_id)
    entry.full_clean()
    _ensure_place(entry)
    entry.save()
    return entry


def _ensure_place(entry: ProgressEntry) -> None:
    """A value for a target counted per county (per school) is for one of the places it is
    measured in (selectors.entry_places_for, attainment's rule): one for any other place would be
    kept but counted nowhere. Whether a place is wanted at all is the model's rule (clean)."""
    target = entry.target
    if target is None or not target.per_unit or entry.jurisdiction is None:
        return
    allowed = selectors.entry_places_for(target=target)
    if entry.jurisdiction.pk in {j.pk for j in allowed}:
        return
    names = "、".join(j.name for j in allowed[:10]) + ("等" if len(allowed) > 10 else "")
    raise ValidationError(
        {
            "jurisdiction": f"“{entry.jurisdiction.name}”不在目标“{target.label}”考核的"
            f"{target.per_unit}之列，请选择：{names}"
        }
    )


@transaction.atomic
def progress_entry_delete(*, entry: ProgressEntry, by: User) -> None:
    """Staff delete their own draft; anything already submitted stays on record."""
    entry = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    _ensure_own(entry, by, "删除")
    _ensure_state(
        entry.status == ProgressStatus.DRAFT,
        f"“{entry}”当前状态为{entry.get_status_display()}，只能删除草稿",
    )
    entry.delete()


@transaction.atomic
def evidence_add(
    *, entry: ProgressEntry, by: User, file: File[bytes], description: str = ""
) -> Evidence:
    """Attach a supporting file to one's own editable entry, with the admin's file checks."""
    entry = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    _ensure_own(entry, by, "为")
    _ensure_state(
        entry.is_editable_by_author,
        f"“{entry}”当前状态为{entry.get_status_display()}，不能再添加佐证材料",
    )
    evidence = Evidence(entry=entry, file=file, description=description, uploaded_by=by)
    evidence.full_clean()
    evidence.save()
    # The entry as served lists its evidence: incremental sync must see it changed.
    entry.save(update_fields=["updated_at"])
    return evidence


@transaction.atomic
def evidence_update(
    *, evidence: Evidence, by: User, file: File[bytes] | None = None, description: str | None = None
) -> Evidence:
    """Replace the file or change the description of evidence on one's own editable entry."""
    entry = ProgressEntry.objects.select_for_update().get(pk=evidence.entry_id)
    _ensure_editable(entry, by, "修改佐证材料")
    evidence = Evidence.objects.get(pk=evidence.pk)
    if file is not None:
        evidence.file = file
    if description is not None:
        evidence.description = description
    evidence.full_clean()
    evidence.save()
    entry.save(update_fields=["updated_at"])
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User) -> None:
    """Remove evidence from one's own editable entry; a submitted entry keeps what it was sent
    with."""
    entry = ProgressEntry.objects.select_for_update().get(pk=evidence.entry_id)
    _ensure_editable(entry, by, "删除佐证材料")
    Evidence.objects.filter(pk=evidence.pk).delete()
    entry.save(update_fields=["updated_at"])


@transaction.atomic
def progress_entry_submit(*, entry: ProgressEntry, by: User) -> ProgressEntry:
    """Send a draft (or a returned entry) for review. Only staff of the entry's department may."""
    entry = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    _ensure_own(entry, by, "提交")
    _ensure_state(
        entry.is_editable_by_author,
        f"“{entry}”当前状态为{entry.get_status_display()}，不能再次提交",
    )
    entry.status = ProgressStatus.SUBMITTED
    entry.submitted_at = timezone.now()
    entry.save()
    return entry


def _reviewable(entry: ProgressEntry, by: User, doing: str) -> ProgressEntry:
    """The entry, locked, if ``by`` may review it now (``doing``: 审核 or 退回): a supervisor, not
    its own author, while it is submitted."""
    if not selectors.progress_entry_may_review(user=by):
        raise PermissionDenied(f"只有督导人员可以{doing}")
    entry = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.created_by_id == by.pk:
        raise PermissionDenied(f"不能{doing}自己填报的内容，请由其他督导人员{doing}")
    _ensure_state(
        entry.status == ProgressStatus.SUBMITTED,
        f"“{entry}”当前状态为{entry.get_status_display()}，只能{doing}已提交的填报",
    )
    return entry


@transaction.atomic
def progress_entry_approve(*, entry: ProgressEntry, by: User) -> ProgressEntry:
    """A supervisor approves a submitted entry; it is locked from then on."""
    entry = _reviewable(entry, by, "审核")
    entry.status = ProgressStatus.APPROVED
    entry.reviewed_by = by
    entry.reviewed_at = timezone.now()
    entry.save()
    if entry.target_id:
        from attainment.tasks import attainment_recompute_enqueue  # attainment builds on this app

        attainment_recompute_enqueue(target_ids=[entry.target_id])
    return entry


@transaction.atomic
def progress_entry_return(*, entry: ProgressEntry, by: User, comment: str) -> ProgressEntry:
    """A supervisor returns a submitted entry to its department with a reason; it becomes
    editable."""
    if not selectors.progress_entry_may_review(user=by):
        raise PermissionDenied("只有督导人员可以退回")
    if not comment.strip():
        raise ValidationError({"comment": "退回时请填写退回原因"})
    entry = _reviewable(entry, by, "退回")
    entry.status = ProgressStatus.RETURNED
    entry.reviewed_by = by
    entry.reviewed_at = timezone.now()
    entry.review_comment = comment.strip()
    entry.save()
    return entry


# ---------------------------------------------------------------------------------------------
# The main job over a folder of documents, and demo accounts


_DOCUMENT_SUFFIXES = {*documents.SUPPORTED_SUFFIXES, ".csv", ".tsv"}
_NOT_A_CITY = {
    "全市",
    "本市",
    "我市",
    "城市",
    "县市",
    "省市",
    "各市",
    "该市",
    "地市",
    "市县",
    "直辖市",
}


def tasklist_title_guess(*, text: str, filename: str) -> str:
    """A plan title for a task list imported without one: its own heading when it names the plan,
    else the city most named in it (南阳市) with 各部门工作任务清单."""
    for line in text.splitlines()[:12]:
        line = line.strip().lstrip("#").strip()
        if (
            len(line) >= 8
            and re.search(r"(方案|规划|意见|计划|行动|清单|分工)$", line)
            and not re.fullmatch(r"(各部门)?(重点)?工作任务清单|任务分工", line)
        ):
            return line
    counts: dict[str, int] = {}
    for m in re.finditer(r"([\u4e00-\u9fff]{2})市(?![直级场委民属区县政])", text):
        city = m.group(0)
        if city not in _NOT_A_CITY and not re.search(
            r"[的和县区全各本我该省在局等部厅委办府会院校中、]", m.group(1)
        ):
            counts[city] = counts.get(city, 0) + 1
    city = max(counts, key=counts.__getitem__) if counts else ""
    return f"{city}各部门工作任务清单" if city else f"各部门工作任务清单（{Path(filename).stem}）"


def documents_folder_run(*, folder: Path) -> list[str]:
    """Load reference data and import every task list found in ``folder``; report per file.

    Files that are not task lists (yearly reports, for instance) are listed and left alone. A task
    list that cannot be read is reported with its line and nothing of it is written.
    """
    counts = reference_data_load()
    lines = [
        f"参考数据：部门 {counts['departments']} 个，指标 {counts['indicators']} 个，"
        f"行政区划 {counts['jurisdictions']} 个"
    ]
    for path in sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _DOCUMENT_SUFFIXES
    ):
        data = path.read_bytes()
        try:
            document = tasklist_read(data=data, filename=path.name)
            title = tasklist_title_guess(text=document.text, filename=path.name)
            result = tasklist_import(
                data=data, filename=path.name, plan_title=title, document=document
            )
        except TaskListError as exc:
            if "没有找到任务行" in str(exc):
                lines.append(f"{path.name}：不是任务清单（年度报告见下）")
            else:
                lines.append(f"{path.name}：无法导入，未写入任何数据。{exc}")
            continue
        c = result.changes
        lines.append(
            f"{path.name} → 《{title}》：{len(result.parsed.tasks)} 项任务，"
            f"{result.target_count} 个量化目标；"
            f"新增 {len(c['created'])}，更新 {len(c['updated'])}，未变 {c['unchanged']}"
        )
        if result.parsed.unknown_departments:
            lines.append(
                "  待核对单位（不在部门目录中，按原文保留）："
                + "、".join(result.parsed.unknown_departments)
            )
    return lines


DEMO_ACCOUNTS = (
    ("admin", "系统管理员（演示；签发 API 令牌）", None, "supervisor"),
    ("supervisor", "市教育局督导（演示）", None, "supervisor"),
    ("jiaoyu", "市教育局工作人员（演示）", "市教育局", "staff"),
    ("caizheng", "市财政局工作人员（演示）", "市财政局", "staff"),
    ("ducha", "市政府督查室（演示，只读）", None, "office"),
)
DEMO_PASSWORD = "demo-2026"  # demo only; printed on screen by the demo command


def demo_accounts_create() -> list[tuple[str, str, str]]:
    """Demo sign-ins: an administrator, a supervisor, staff of two departments and the
    supervision office (read-only). Safe to repeat."""
    out = []
    for username, description, department_name, role in DEMO_ACCOUNTS:
        department = Department.objects.get(name=department_name) if department_name else None
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "last_name": description,
                "department": department,
                "role": role,
                "is_staff": True,
                "is_active": True,
                "is_superuser": username == "admin",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        out.append((username, DEMO_PASSWORD, description))
    return out
