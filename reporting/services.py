"""Writes for yearly reports: accept an upload, extract and store its figures, review figures."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from config.memory import ParseMemoryExceeded, parse_memory_capped
from outbox.services import outbox_attempts, outbox_enqueue, outbox_has_open
from policytext import cnnum, documents
from policytext import reports as extractor
from policytext.suggest import alias_matches, learnable_alias
from tasks_registry.display import size_text
from tasks_registry.models import Indicator, IndicatorAlias, Jurisdiction, JurisdictionKind
from tasks_registry.services import indicator_alias_learn

from .models import Figure, FigureConflict, FigureKind, FigureStatus, Report, ReportStatus
from .selectors import figure_may_review, indicator_catalogue_load, report_generic_words

logger = logging.getLogger(__name__)


class ReportRejected(ValueError):
    """An upload that cannot become a report. The message is Chinese and names the file."""


# ---------------------------------------------------------------------------------------------
# Reading


def report_size_check(*, name: str, size: int) -> None:
    """Refuse a file over REPORT_MAX_BYTES. Called on an upload's declared size before it is read
    into memory, so that an oversize file is never held whole; report_read checks again."""
    limit = settings.REPORT_MAX_BYTES
    if size > limit:
        raise ReportRejected(f"{name}：文件大小为 {size_text(size)}，超过上限 {size_text(limit)}")


def report_read(
    *, name: str, data: bytes, entity: str | None = None, year: int | None = None
) -> extractor.ExtractedReport:
    """Check an uploaded file and extract its figures, writing nothing. Raises ReportRejected."""
    report_size_check(name=name, size=len(data))
    if not data:
        raise ReportRejected(f"{name}：文件是空的")
    try:
        document = documents.read(name, data)
        extracted = extractor.extract_document(
            document, indicator_catalogue_load(), entity=entity, year=year
        )
    except (documents.DocumentError, extractor.ReportError) as exc:
        raise ReportRejected(f"{name}：{exc}") from exc
    if not extracted.entity:
        raise ReportRejected(
            f"{name}：文件（报告主体）：无法从标题识别报告主体（市、县或学校名称），请指定报告主体"
        )
    return extracted


# ---------------------------------------------------------------------------------------------
# Upload and processing

# The job that extracts a report, by its Celery name (reporting.tasks imports this module).
REPORT_PROCESS_TASK = "reporting.tasks.report_process_task"
UPLOAD_ACCEPTED = "已上传，后台处理中"


def report_job_key(report_id: int) -> str:
    """What the outbox calls the jobs about this report (how often it was tried)."""
    return f"reporting.report:{report_id}"


def report_process_enqueue(*, report_id: int) -> None:
    """Extract the report in the background: an outbox job in the current transaction."""
    outbox_enqueue(
        task=REPORT_PROCESS_TASK, kwargs={"report_id": report_id}, key=report_job_key(report_id)
    )


def report_upload_check(*, name: str, size: int) -> None:
    """What an upload request checks before storing a file, cheaply: size, empty, file type by
    name. Reading and extracting it is the worker's job (report_process), bounded in time."""
    report_size_check(name=name, size=size)
    if not size:
        raise ReportRejected(f"{name}：文件是空的")
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in documents.SUPPORTED_SUFFIXES:  # no suffix: read as text
        raise ReportRejected(f"{name}：不支持的文件类型 {suffix}，请上传{documents.ACCEPTED}")


def report_upload_create(
    *,
    name: str,
    data: bytes,
    uploaded_by: User | None = None,
    entity: str = "",
    year: int | None = None,
    enqueue: bool = True,
) -> tuple[Report, bool]:
    """Store an uploaded report file and, in the same transaction, the job that extracts it.

    Answers at once: the file is checked cheaply (report_upload_check, ReportRejected) and read by
    the worker, which records 已完成 or 失败 with the reason on the report. The same file uploaded
    again is the report already made of it (created False); one that failed before is tried
    again, with the entity and year given now. ``enqueue=False``: the caller processes it itself.
    """
    digest = hashlib.sha256(data).hexdigest()
    existing = Report.objects.filter(sha256=digest).first()
    if existing is not None:
        return _report_retry_failed(
            report=existing,
            name=name,
            data=data,
            uploaded_by=uploaded_by,
            entity=entity,
            year=year,
            enqueue=enqueue,
        )
    report_upload_check(name=name, size=len(data))
    report = Report(
        sha256=digest,
        size=len(data),
        original_name=Path(name).name[:255],
        entity_override=entity,
        year_override=year,
        uploaded_by=uploaded_by,
        status=ReportStatus.UPLOADED,
        message="等待后台处理",
    )
    try:
        with transaction.atomic():
            report.file.save(Path(name).name, ContentFile(data), save=False)
            report.save()
            if enqueue:
                report_process_enqueue(report_id=report.pk)
    except IntegrityError:
        # The same file uploaded twice at once: the other upload won; use its report. The row
        # was rolled back but the copy this upload wrote was not: remove it.
        _stored_file_discard(report)
        return Report.objects.get(sha256=digest), False
    except BaseException:
        _stored_file_discard(report)
        raise
    return report, True


def _stored_file_discard(report: Report) -> None:
    """Remove the file an upload wrote for a report that was not saved, so none is left behind."""
    if report.file.name:
        report.file.storage.delete(report.file.name)


def _report_retry_failed(
    *,
    report: Report,
    name: str,
    data: bytes,
    uploaded_by: User | None,
    entity: str,
    year: int | None,
    enqueue: bool,
) -> tuple[Report, bool]:
    """A file uploaded again whose report failed: tried again, with its file stored anew when the
    refusal discarded it. Any other status: the report already made of it, unchanged."""
    stored: str = ""
    try:
        with transaction.atomic():
            failed = (
                Report.objects.select_for_update()
                .filter(pk=report.pk, status=ReportStatus.FAILED)
                .order_by("pk")
                .first()
            )
            if failed is None:
                report.refresh_from_db()
                return report, False
            if not failed.file.name or not failed.file.storage.exists(failed.file.name):
                failed.file.save(Path(name).name, ContentFile(data), save=False)
                stored = failed.file.name or ""
            failed.status = ReportStatus.UPLOADED
            failed.message = "等待后台重新处理"
            failed.entity_override = entity
            failed.year_override = year
            failed.uploaded_by = uploaded_by or failed.uploaded_by
            failed.save()
            if enqueue:
                report_process_enqueue(report_id=failed.pk)
    except BaseException:
        if stored:
            report.file.storage.delete(stored)
        raise
    return failed, True


def report_reprocess(*, report_id: int) -> None:
    """Extract the report again in the background (figures already reviewed are kept)."""
    with transaction.atomic():
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.UPLOADED, message="等待后台重新识别", updated_at=timezone.now()
        )
        report_process_enqueue(report_id=report_id)


def report_fail(*, report_id: int, reason: str) -> None:
    """Record that a report could not be processed, and why (shown to the uploader)."""
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED,
        message=reason,
        processed_at=timezone.now(),
        updated_at=timezone.now(),
    )


def report_process(*, report_id: int) -> Report | None:
    """Extract the report's figures and store them, replacing those of an earlier run.

    Safe to run twice or concurrently: the report row is locked for the whole run (a concurrent
    run skips it), and figures are replaced in the same transaction, so a retry never duplicates.
    Figures a reviewer has confirmed, corrected or rejected are kept as they are. Every outcome
    but a database that is briefly unreachable (OperationalError, retried by the task) ends in
    已完成 or 失败 with the reason: never a report left 处理中.
    """
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.PROCESSING, message="正在识别数据", updated_at=timezone.now()
    )
    try:
        return _report_process_locked(report_id=report_id)
    except OperationalError:
        raise
    except SoftTimeLimitExceeded:  # in a worker, past the task's soft time limit
        reason = report_timeout_reason()
    except DatabaseError as exc:
        # A figure the database refuses (a value out of range, a text too long): the whole run
        # was rolled back; say so on the report rather than leave it 处理中.
        logger.exception("report %s: storing its figures failed", report_id)
        reason = f"识别结果无法保存（{type(exc).__name__}），未写入任何数据，请联系管理员"
    except Exception:  # any other fault must still end the report in 失败, with a log line
        logger.exception("report %s: processing failed", report_id)
        reason = "处理时发生内部错误，未写入任何数据，已记录日志，请联系管理员"
    name = Report.objects.filter(pk=report_id).values_list("original_name", flat=True).first()
    report_fail(report_id=report_id, reason=f"{name}：{reason}")
    return Report.objects.filter(pk=report_id).first()


def _report_process_locked(*, report_id: int) -> Report | None:
    with transaction.atomic():
        # order_by(): the default ordering joins the jurisdiction; FOR UPDATE refuses outer joins.
        report = (
            Report.objects.select_for_update(skip_locked=True)
            .filter(pk=report_id)
            .order_by("pk")
            .first()
        )
        if report is None:
            return None  # deleted, or being processed by another worker right now
        try:
            try:
                with report.file.open("rb") as fh:
                    data = fh.read()
            except OSError as exc:
                raise ReportRejected(
                    f"{report.original_name}：找不到已上传的文件，请重新上传"
                ) from exc
            try:
                with parse_memory_capped():
                    extracted = report_read(
                        name=report.original_name,
                        data=data,
                        entity=report.entity_override or None,
                        year=report.year_override,
                    )
            except ParseMemoryExceeded as exc:
                raise ReportRejected(f"{report.original_name}：{exc}") from exc
        except ReportRejected as exc:
            # A refused file is not kept (uploading it again, or a corrected one, starts over).
            _stored_file_discard(report)
            report.file.name = ""
            report.status = ReportStatus.FAILED
            report.message = str(exc)
            report.processed_at = timezone.now()
            report.save(update_fields=["file", "status", "message", "processed_at", "updated_at"])
            return report
        report.jurisdiction = jurisdiction_for_report(extracted)
        report.title = (extracted.title or report.original_name)[:200]
        report.year = extracted.year
        summary = _figures_replace(report=report, extracted=extracted)
        report.summary = summary
        report.status = ReportStatus.DONE
        report.message = _summary_message(summary)
        report.processed_at = timezone.now()
        report.save()
        # Attainment depends on reports, not the other way round: imported here, at call time.
        from attainment.tasks import attainment_recompute_for_figures_enqueue

        placed = report.figures.exclude(indicator=None).exclude(jurisdiction=None)
        attainment_recompute_for_figures_enqueue(
            indicator_ids=placed.values_list("indicator_id", flat=True).distinct(),
            jurisdiction_ids=placed.values_list("jurisdiction_id", flat=True).distinct(),
        )
    return report


def reports_stuck_sweep() -> dict[str, int]:
    """Reports left 已上传 or 处理中 past OUTBOX_RESEND_AFTER_SECONDS with no job under way (lost,
    or given up by the outbox): processed again, or after JOBS_MAX_ATTEMPTS marked 失败 with
    the reason. Run every minute by beat and by ``manage.py relay_outbox``. Safe to repeat."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    stuck = Report.objects.filter(
        status__in=[ReportStatus.UPLOADED, ReportStatus.PROCESSING], updated_at__lt=cutoff
    ).order_by("pk")
    retried = failed = 0
    for report_id, name in stuck.values_list("pk", "original_name"):
        key = report_job_key(report_id)
        if outbox_has_open(key=key):
            continue  # waiting for the broker, queued or running: not stuck
        attempts = outbox_attempts(key=key)
        if attempts >= settings.JOBS_MAX_ATTEMPTS:
            report_fail(report_id=report_id, reason=f"{name}：{jobs_gave_up_reason(attempts)}")
            failed += 1
            continue
        with transaction.atomic():
            Report.objects.filter(pk=report_id).update(updated_at=now)  # waits again from now
            report_process_enqueue(report_id=report_id)
        retried += 1
    return {"retried": retried, "failed": failed}


def report_timeout_reason() -> str:
    """Why a report whose extraction ran past its time limit is 失败."""
    return (
        f"处理超时（超过 {settings.JOB_PARSE_TIME_LIMIT - 30} 秒）：文件可能过大或内容异常，"
        "未写入任何数据；请拆分或检查文件后重新上传"
    )


def jobs_gave_up_reason(attempts: int) -> str:
    """Why a sweep marked an upload 失败: in Chinese, for the uploader."""
    minutes = settings.OUTBOX_RESEND_AFTER_SECONDS // 60
    return (
        f"后台处理已尝试 {attempts} 次，每次都未在 {minutes} 分钟内完成（处理进程中断或超时，"
        "文件可能过大或内容异常），未写入任何数据；请检查文件后重新上传"
    )


def report_ingest(
    *,
    name: str,
    data: bytes,
    uploaded_by: User | None = None,
    entity: str = "",
    year: int | None = None,
) -> tuple[Report, bool]:
    """Upload and process in one go, for operators' batch loads (same code path as an upload).
    Runs in the caller's process, so the file is read first: one that cannot be is refused
    (ReportRejected) and nothing is stored."""
    report_read(name=name, data=data, entity=entity or None, year=year)
    report, created = report_upload_create(
        name=name, data=data, uploaded_by=uploaded_by, entity=entity, year=year, enqueue=False
    )
    processed = report_process(report_id=report.pk)
    return (processed or report), created


def _figures_replace(*, report: Report, extracted: extractor.ExtractedReport) -> dict[str, object]:
    kept = list(report.figures.exclude(status=FigureStatus.EXTRACTED))
    kept_keys = {f.key: f for f in kept}
    report.conflicts.all().delete()
    report.figures.filter(status=FigureStatus.EXTRACTED).delete()
    indicators = {i.code: i for i in Indicator.objects.all()}

    new: list[Figure] = []
    by_key: dict[tuple[int, str, str], Figure] = dict(kept_keys)
    for found in extracted.figures:
        key = (found.line, found.label, str(found.value))
        if key in by_key:
            continue  # reviewed earlier: the reviewer's version stands
        figure = Figure(
            report=report,
            indicator=indicators.get(found.indicator) if found.indicator else None,
            label=found.label[:200],
            value=found.value,
            value_high=found.value_high,
            unit=found.unit[:20],
            qualifier=found.qualifier,
            precision=found.precision,  # so that attainment allows the same rounding as the report
            kind=found.kind,
            year=found.year,
            line=found.line,
            place=found.place[:80],
            table_title=found.table_title[:100],
            table_row=found.table_row,
            section=found.section[:100],
            text=found.text,
            method=found.method,
            confidence=found.confidence,
            note=found.note[:200],
            subject=found.subject[:100],
            extracted={
                "indicator": found.indicator,
                "label": found.label[:200],
                "value": str(found.value),
                "unit": found.unit,
                "kind": found.kind,
                "year": found.year,
            },
        )
        new.append(figure)
        by_key[key] = figure
    bulk_create_with_history(new, Figure)
    # bulk_create_with_history may hand back objects without primary keys on some backends;
    # read them back by key so the conflicts can point at them.
    stored = {f.key: f for f in report.figures.select_related("indicator")}

    conflicts = 0
    for conflict in extracted.conflicts:
        keys = [(f.line, f.label, str(f.value)) for f in conflict.figures]
        members = [stored[key] for key in keys if key in stored]
        indicator = indicators.get(conflict.indicator)
        if indicator is None or len(members) < 2:
            continue
        row = FigureConflict.objects.create(
            report=report,
            indicator=indicator,
            year=conflict.year,
            description=_conflict_text(indicator, conflict),
        )
        row.figures.set(members)
        conflicts += 1

    _figures_place(report)
    figures = list(stored.values())
    linked = [f for f in figures if f.indicator_id and not f.subject]
    return {
        "figures": len(figures),
        "linked": len(linked),
        "linked_actual": sum(1 for f in linked if f.kind == FigureKind.ACTUAL),
        "by_kind": dict(Counter(f.kind for f in figures)),
        "indicators": sorted({f.indicator.code for f in linked if f.indicator}),
        "conflicts": conflicts,
        "reviewed_kept": len(kept),
        "entity": extracted.entity,
        "year": extracted.year,
    }


def _figures_place(report: Report) -> None:
    """Which place each figure is about: the report's own, or for a per-county or per-school table
    row the named place under it (by name or short name). Rows naming a place we do not know stay
    unplaced: shown with the report, never counted for a place."""
    report.figures.filter(subject="").update(
        jurisdiction=report.jurisdiction, updated_at=timezone.now()
    )
    subjects = set(report.figures.exclude(subject="").values_list("subject", flat=True))
    if not subjects or report.jurisdiction is None:
        return
    below = list(
        Jurisdiction.objects.filter(
            Q(parent=report.jurisdiction) | Q(parent__parent=report.jurisdiction)
        )
    )
    by_place: dict[int | None, list[str]] = {}
    for subject in subjects:
        place = next(
            (j.pk for j in below if subject == j.name or subject in (j.aliases or [])), None
        )
        by_place.setdefault(place, []).append(subject)
    for place, named in by_place.items():  # one update per place, not per table row's subject
        report.figures.filter(subject__in=named).update(
            jurisdiction_id=place, updated_at=timezone.now()
        )


def _conflict_text(indicator: Indicator, conflict: extractor.Conflict) -> str:
    parts = []
    for f in conflict.figures:
        prefix = {"ge": "≥", "gt": ">", "approx": "约"}.get(f.qualifier, "")
        where = extractor.location(
            line=f.line, place=f.place, table_title=f.table_title, table_row=f.table_row
        )
        parts.append(f"{where} {prefix}{cnnum.to_json_number(f.value)}{f.unit}")
    return f"{indicator.name}（{conflict.year} 年）数据不一致：" + "；".join(parts)


def _summary_message(summary: dict[str, object]) -> str:
    text = (
        f"识别 {summary['figures']} 个数据，其中 {summary['linked']} 个关联到指标"
        f"（实际值 {summary['linked_actual']} 个）"
    )
    if summary["conflicts"]:
        text += f"；发现 {summary['conflicts']} 处数据不一致，请核对"
    if summary["reviewed_kept"]:
        text += f"；保留已审核数据 {summary['reviewed_kept']} 个"
    return text


# ---------------------------------------------------------------------------------------------
# Jurisdictions


def _jurisdiction_lookup(name: str, kinds: tuple[str, ...]) -> Jurisdiction | None:
    candidates = list(Jurisdiction.objects.filter(kind__in=kinds).select_related("parent"))
    for j in candidates:
        if j.name == name:
            return j
    for j in candidates:
        if name in (j.aliases or []):
            return j
    return None


def jurisdiction_for_report(extracted: extractor.ExtractedReport) -> Jurisdiction:
    """The report's entity in the hierarchy; an entity not in the catalogue is kept as written
    and marked for review (a school whose county is known is placed under it)."""
    name = (extracted.entity or "").strip()
    kind = extracted.entity_kind or JurisdictionKind.CITY
    if kind == JurisdictionKind.SCHOOL:
        parent = None
        if extracted.place:
            parent = _jurisdiction_lookup(
                extracted.place, (JurisdictionKind.COUNTY, JurisdictionKind.CITY)
            )
        school = Jurisdiction.objects.filter(name=name, kind=JurisdictionKind.SCHOOL).first()
        if school is None:
            school = Jurisdiction.objects.create(
                name=name, kind=JurisdictionKind.SCHOOL, parent=parent, needs_review=parent is None
            )
        return school
    found = _jurisdiction_lookup(
        name, (JurisdictionKind.CITY, JurisdictionKind.COUNTY, JurisdictionKind.PROVINCE)
    )
    if found is not None:
        return found
    # Not in the catalogue: keep it under the name the report uses, for a person to place.
    jurisdiction, _ = Jurisdiction.objects.get_or_create(
        name=name, parent=None, defaults={"kind": kind, "needs_review": True}
    )
    return jurisdiction


# ---------------------------------------------------------------------------------------------
# Review


def _ensure_reviewer(by: User) -> None:
    if not figure_may_review(user=by):
        raise PermissionDenied("只有督导人员可以审核报告数据")


def figure_confirm(*, figure: Figure, by: User, note: str = "") -> Figure:
    """A reviewer agrees with the figure as extracted."""
    _ensure_reviewer(by)
    figure.status = FigureStatus.CONFIRMED
    return _reviewed(figure, by, note)


def figure_reject(*, figure: Figure, by: User, note: str) -> Figure:
    """A reviewer says the figure is wrong and must not be used; the reason is required."""
    _ensure_reviewer(by)
    if not note.strip():
        raise ValueError("驳回须填写理由")
    figure.status = FigureStatus.REJECTED
    return _reviewed(figure, by, note)


def figure_correct(
    *,
    figure: Figure,
    by: User,
    indicator: Indicator | None,
    value: Decimal,
    unit: str,
    kind: str,
    year: int | None,
    note: str = "",
) -> Figure:
    """A reviewer changes what the figure measures or its value; the extracted original is kept."""
    _ensure_reviewer(by)
    indicator_before = figure.indicator_id  # the old indicator's targets change too
    figure.indicator = indicator
    if value != figure.value:
        # The reviewer typed the value: it is what they mean, not a rounding of the text's.
        figure.precision = Decimal(0)
    figure.value = value
    figure.unit = unit
    figure.kind = kind
    figure.year = year
    figure.status = FigureStatus.CORRECTED
    return _reviewed(figure, by, note, indicator_before=indicator_before)


@dataclass(frozen=True)
class FigureLinked:
    """What a one-click link did: the figure as reviewed, and the alias it taught, if any."""

    figure: Figure
    alias: IndicatorAlias | None
    message: str  # for the reviewer, in Chinese


def figure_link(
    *,
    figure: Figure,
    by: User,
    indicator: Indicator,
    learn_alias: bool = False,
    alias: str = "",
    note: str = "",
) -> FigureLinked:
    """A reviewer says the figure measures ``indicator`` (待关联的数据): confirmed when it was
    linked to it already, otherwise corrected to it (value, unit, kind and year unchanged).

    With ``learn_alias`` the label, as the extractor compares heads, becomes a learned alias of
    the indicator (tasks_registry.services.indicator_alias_learn) so that later extractions link
    it themselves; ``alias`` is the reviewer's own wording of it, which must still match this
    label. Nothing is written when the alias is refused (ValidationError, in Chinese)."""
    _ensure_reviewer(by)
    generic = report_generic_words(report=figure.report)
    wanted = alias.strip()
    if learn_alias and not wanted:
        spec = indicator_catalogue_load().specs.get(indicator.code)
        wanted = (learnable_alias(figure.label, spec, generic=generic) if spec else None) or ""
    if learn_alias and wanted and not alias_matches(wanted, figure.label, generic):
        raise ValidationError(
            f"别称“{wanted}”须是标签“{figure.label}”的末尾部分，"
            "且前面只能是“全市”“2023年”之类的泛称"
        )
    with transaction.atomic():
        if figure.indicator_id == indicator.pk:
            figure = figure_confirm(figure=figure, by=by, note=note)
        else:
            figure = figure_correct(
                figure=figure,
                by=by,
                indicator=indicator,
                value=figure.value,
                unit=figure.unit,
                kind=figure.kind,
                year=figure.year,
                note=note or "从待关联的数据关联到指标",
            )
        if not learn_alias:
            return FigureLinked(figure=figure, alias=None, message="")
        if not wanted:
            return FigureLinked(
                figure=figure,
                alias=None,
                message=(
                    f"标签“{figure.label}”已是该指标的写法，或只有泛称、与指标名称无共同词，"
                    "未添加别称"
                ),
            )
        learned = indicator_alias_learn(
            indicator=indicator,
            alias=wanted,
            by=by,
            source_figure_id=figure.pk,
            note=f"{figure.report}，{figure.source_display}"[:200],
        )
    return FigureLinked(
        figure=figure,
        alias=learned,
        message=f"已将“{learned.alias}”添加为指标“{indicator.name}”的别称，之后识别的报告将自动关联",
    )


def _reviewed(
    figure: Figure, by: User, note: str, *, indicator_before: int | None = None
) -> Figure:
    figure.reviewed_by = by
    figure.reviewed_at = timezone.now()
    figure.review_note = note[:200]
    figure._change_reason = f"{figure.get_status_display()}：{note}"[:100]  # kept in the history
    figure.save()
    from attainment.tasks import attainment_recompute_for_figures_enqueue

    attainment_recompute_for_figures_enqueue(
        indicator_ids=[figure.indicator_id, indicator_before],
        jurisdiction_ids=[figure.jurisdiction_id],
    )
    return figure


# ---------------------------------------------------------------------------------------------
# Folder (the main job)


def reports_folder_ingest(*, folder: Path) -> list[str]:
    """Ingest every yearly report in ``folder``; files that are not reports are skipped."""
    lines: list[str] = []
    for path in sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in documents.SUPPORTED_SUFFIXES
    ):
        data = path.read_bytes()
        try:
            text = documents.read_document(path.name, data)
        except documents.DocumentError as exc:
            lines.append(f"{path.name}：无法读取，跳过。{exc}")
            continue
        if not _looks_like_report(text):
            continue
        try:
            report, _created = report_ingest(name=path.name, data=data)
        except ReportRejected as exc:
            lines.append(f"{path.name}：无法导入，未写入任何数据。{exc}")
            continue
        where = report.jurisdiction.path if report.jurisdiction else "?"
        lines.append(f"{path.name} → {where} {report.year} 年度报告：{report.message}")
        for conflict in report.conflicts.all():
            lines.append(f"  数据不一致：{conflict.description}")
    return lines


def _looks_like_report(text: str) -> bool:
    head = text[:3000]
    return "报告" in head and "质量" in head and "任务清单" not in head
