"""Progress entries where they are (issue 16, part 3): the 填报 form, an entry's page, and the
confirmation pages of 提交审核, 通过 and 退回. Thin: who may see or do what is asked of
tasks_registry.selectors, every write goes through tasks_registry.services, and a refusal from a
service is shown as its own Chinese message (never a 500)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from config.requests import next_url as _next
from config.requests import query_int as _int
from tasks_registry import display, selectors, services
from tasks_registry.models import (
    Evidence,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
)

from .forms import EntryForm, EntryInput, ReturnForm

LOGIN_URL = reverse_lazy("admin:login")
NOT_VISIBLE = "没有这条进展填报，或您无权查看"


# ---------------------------------------------------------------------------------------------
# Small helpers: the query string, the user, where to go back to, how an entry is named


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has run: only a broken session gets here
        raise PermissionDenied("请先登录")
    return user


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您无权进行此操作"


def _unit(entry: ProgressEntry) -> str:
    return entry.target.unit if entry.target is not None else ""


def _period(entry: ProgressEntry) -> str:
    text = f"{entry.year} 年" + (f"第 {entry.quarter} 季度" if entry.quarter else "")
    return text + (f"（{entry.jurisdiction}）" if entry.jurisdiction_id else "")


def _subject_name(task: Task, target: Target | None) -> str:
    return f"任务 {task.number}" + (f" · {target.label}" if target is not None else "")


def entry_name(entry: ProgressEntry) -> str:
    """How the messages name an entry: 双师型教师占比 2023 年 完成值 41.2%."""
    what = entry.target.label if entry.target is not None else f"任务 {entry.task.number}"
    value = (
        f"完成值 {display.amount_text(entry.value, _unit(entry))}"
        if entry.value is not None
        else "未填完成值"
    )
    return f"{what} {_period(entry)} {value}"


def entry_sentence(entry: ProgressEntry, evidence: list[Evidence]) -> str:
    """Exactly what is sent or decided: 任务 16《方案》双师型教师占比 2023 年 完成值 41.2%，
    佐证材料 2 份：a.pdf、b.jpg."""
    task = entry.task
    what = entry.target.label if entry.target is not None else task.text[:40]
    value = (
        f"完成值 {display.amount_text(entry.value, _unit(entry))}"
        if entry.value is not None
        else "未填完成值"
    )
    files = (
        f"佐证材料 {len(evidence)} 份：{'、'.join(str(e) for e in evidence)}"
        if evidence
        else "无佐证材料"
    )
    return f"任务 {task.number}《{task.plan.title}》{what} {_period(entry)} {value}，{files}"


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    # The admin's frame without its model sidebar: these pages are the task at hand, not the
    # admin's index (and on a phone the sidebar would push the form down).
    return {**admin.site.each_context(request), "is_nav_sidebar_enabled": False, **extra}


def _visible_entry(request: HttpRequest, pk: int) -> ProgressEntry:
    entry = (
        selectors.progress_entry_list_visible_to(user=request.user)
        .select_related("jurisdiction", "reviewed_by", "target__jurisdiction")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404(NOT_VISIBLE)
    return entry


# ---------------------------------------------------------------------------------------------
# 填报: a new entry, and changing a draft or returned one


def _subject(request: HttpRequest) -> tuple[Task, Target | None]:
    """The task and target named in the query string: 404 when the user may not see them, 403
    when they may see but not record on them."""
    user = request.user
    target_id, task_id = _int(request.GET.get("target")), _int(request.GET.get("task"))
    target: Target | None = None
    if target_id is not None:
        target = (
            selectors.target_list_visible_to(user=user)
            .filter(pk=target_id, is_active=True)
            .select_related("jurisdiction", "task__plan__jurisdiction")
            .first()
        )
        if target is None:
            raise Http404("没有这个目标，或您无权查看")
        if task_id is not None and task_id != target.task_id:
            raise Http404("该目标不属于所选任务")
        task = target.task
    elif task_id is not None:
        found = selectors.task_list_visible_to(user=user).filter(pk=task_id, is_active=True).first()
        if found is None:
            raise Http404("没有这项任务，或您无权查看")
        task = found
    else:
        raise Http404("请先在工作台或目标页面选择要填报的目标")
    if not selectors.progress_entry_may_record(user=user):
        raise PermissionDenied("只有部门工作人员可以填报进展；督导人员负责审核")
    if not selectors.progress_entry_may_record(user=user, task=task):
        raise PermissionDenied(f"任务 {task.number} 不由您的部门牵头或配合，不能填报")
    return task, target


def _write(
    form: EntryForm,
    *,
    user: User,
    task: Task,
    target: Target | None,
    entry: ProgressEntry | None = None,
) -> ProgressEntry | None:
    """The entry and its files in one transaction; on a refusal nothing is written, the form
    carries the message next to its field, and None is returned."""
    data: EntryInput = form.entry_input()
    added: list[Evidence] = []
    try:
        with transaction.atomic():
            if entry is None:
                entry = services.progress_entry_create(
                    by=user,
                    task=task,
                    target=target,
                    year=data.year,
                    quarter=data.quarter,
                    value=data.value,
                    narrative=data.narrative,
                    jurisdiction=data.jurisdiction,
                )
            else:
                entry = services.progress_entry_update(
                    entry=entry,
                    by=user,
                    year=data.year,
                    quarter=data.quarter,
                    value=data.value,
                    narrative=data.narrative,
                    jurisdiction=data.jurisdiction,
                )
            for old in form.cleaned_data.get("delete_evidence") or []:
                services.evidence_delete(evidence=old, by=user)
            for file in form.cleaned_data.get("evidence") or []:
                added.append(services.evidence_add(entry=entry, by=user, file=file))
    except ValidationError as exc:
        # The rows were rolled back, but the storage had already received these files.
        for evidence in added:
            evidence.file.delete(save=False)
        form.add_service_error(exc)
        return None
    return entry


def _after_save(request: HttpRequest, entry: ProgressEntry, next_url: str) -> HttpResponse:
    if "_submit" in request.POST:
        return redirect(_with_next(reverse("workbench:entry_submit", args=[entry.pk]), next_url))
    messages.success(request, f"已保存草稿：{entry_name(entry)}。确认无误后请提交审核")
    return redirect("workbench:entry", pk=entry.pk)


def _form_page(
    request: HttpRequest,
    form: EntryForm,
    *,
    task: Task,
    target: Target | None,
    entry: ProgressEntry | None,
    next_url: str,
) -> HttpResponse:
    return render(
        request,
        "workbench/entry_form.html",
        _context(
            request,
            title=("修改进展填报：" if entry else "填报进展：") + _subject_name(task, target),
            form=form,
            task=task,
            target=target,
            entry=entry,
            existing=list(entry.evidence.all()) if entry else [],
            next_url=next_url,
        ),
    )


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    task, target = _subject(request)
    user = _user(request)
    next_url = _next(request, "")
    places = selectors.entry_places_for(target=target)
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, target=target, places=places)
        if form.is_valid():
            entry = _write(form, user=user, task=task, target=target)
            if entry is not None:
                return _after_save(request, entry, next_url)
    else:
        place = _int(request.GET.get("place"))
        quarter = _int(request.GET.get("quarter"))
        form = EntryForm(
            target=target,
            places=places,
            initial={
                "year": _int(request.GET.get("year")) or timezone.localdate().year,
                "quarter": quarter if quarter in (1, 2, 3, 4) else None,
                "jurisdiction": next((p.pk for p in places if p.pk == place), None),
            },
        )
    return _form_page(request, form, task=task, target=target, entry=None, next_url=next_url)


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    user = _user(request)
    if not selectors.progress_entry_is_own(user=user, entry=entry):
        raise PermissionDenied("只能修改本部门的进展填报")
    if not selectors.progress_entry_may_edit(user=user, entry=entry):
        messages.error(
            request,
            f"“{entry}”当前状态为{entry.get_status_display()}，不能修改（被退回后才能修改）",
        )
        return redirect("workbench:entry", pk=entry.pk)
    next_url = _next(request, "")
    target = entry.target
    places = selectors.entry_places_for(target=target)
    existing = entry.evidence.all()
    if request.method == "POST":
        form = EntryForm(
            request.POST, request.FILES, target=target, places=places, existing=existing
        )
        if form.is_valid():
            saved = _write(form, user=user, task=entry.task, target=target, entry=entry)
            if saved is not None:
                return _after_save(request, saved, next_url)
    else:
        form = EntryForm(
            target=target,
            places=places,
            existing=existing,
            initial={
                "year": entry.year,
                "quarter": entry.quarter,
                "jurisdiction": entry.jurisdiction_id,
                "value": EntryForm.typed_value(entry.value, _unit(entry)),
                "narrative": entry.narrative,
            },
        )
    return _form_page(request, form, task=entry.task, target=target, entry=entry, next_url=next_url)


# ---------------------------------------------------------------------------------------------
# An entry's page


def _review_history(entry: ProgressEntry) -> list[dict[str, Any]]:
    """Each change of the entry's status, oldest first: who did it and when (and why, for a
    return), from the entry's own history records."""
    done = {
        ProgressStatus.SUBMITTED: "提交审核",
        ProgressStatus.APPROVED: "审核通过",
        ProgressStatus.RETURNED: "退回修改",
    }
    rows: list[dict[str, Any]] = []
    previous = None
    for record in entry.history.select_related(
        "history_user", "created_by", "reviewed_by"
    ).order_by("history_date", "history_id"):
        if record.status == previous:
            continue
        what = "创建草稿" if previous is None else done.get(record.status, "改回草稿")
        # Who acted is recorded by the request; a write made outside one (an import, a shell)
        # falls back to the entry's own record of it.
        who = record.history_user or (
            record.created_by
            if previous is None
            else record.reviewed_by
            if record.status in (ProgressStatus.APPROVED, ProgressStatus.RETURNED)
            else None
        )
        rows.append(
            {
                "when": record.history_date,
                "who": who,
                "what": what,
                "comment": record.review_comment
                if record.status == ProgressStatus.RETURNED
                else "",
            }
        )
        previous = record.status
    return rows


@login_required(login_url=LOGIN_URL)
@require_safe
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    user = request.user
    may_review = selectors.progress_entry_may_review(user=user)
    return render(
        request,
        "workbench/entry_detail.html",
        _context(
            request,
            title=f"进展填报：{_subject_name(entry.task, entry.target)} · {_period(entry)}",
            entry=entry,
            unit=_unit(entry),
            evidence=list(entry.evidence.select_related("uploaded_by")),
            history=_review_history(entry),
            may_edit=selectors.progress_entry_may_edit(user=user, entry=entry),
            may_review=may_review and entry.status == ProgressStatus.SUBMITTED,
            returned=entry.status == ProgressStatus.RETURNED,
        ),
    )


# ---------------------------------------------------------------------------------------------
# 提交审核, 通过, 退回: a confirmation page (GET) that names what is decided, then the service


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_submit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    user = _user(request)
    if not selectors.progress_entry_is_own(user=user, entry=entry):
        raise PermissionDenied("只能提交本部门的进展填报；督导人员负责审核")
    entry_url = reverse("workbench:entry", args=[entry.pk])
    back = _next(request, entry_url)
    if request.method == "POST":
        try:
            services.progress_entry_submit(entry=entry, by=user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _refusal(exc))
            return redirect(back)
        messages.success(request, f"已提交审核：{entry_name(entry)}")
        return redirect(back)
    evidence = list(entry.evidence.all())
    return render(
        request,
        "workbench/entry_submit.html",
        _context(
            request,
            title="确认提交审核",
            entry=entry,
            sentence=entry_sentence(entry, evidence),
            may_submit=selectors.progress_entry_may_edit(user=user, entry=entry),
            next_url=_next(request, ""),
            cancel_url=entry_url,
        ),
    )


def _review_subject(entry: ProgressEntry) -> dict[str, Any]:
    evidence = list(entry.evidence.all())
    return {"sentence": entry_sentence(entry, evidence), "evidence": evidence, "unit": _unit(entry)}


def _reviewable(request: HttpRequest, pk: int) -> tuple[ProgressEntry, User, str]:
    entry = _visible_entry(request, pk)
    user = _user(request)
    if not selectors.progress_entry_may_review(user=user):
        raise PermissionDenied("只有督导人员可以审核进展填报")
    return entry, user, reverse("workbench:entry", args=[entry.pk])


def _decided(
    request: HttpRequest, back: str, *, done: str, action: Any, why: str = "", **kwargs: Any
) -> HttpResponseRedirect:
    """Run a review service; its refusal (already decided by someone else, one's own entry…)
    becomes the message shown where the user goes back to."""
    try:
        entry = action(by=_user(request), **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _refusal(exc))
        return redirect(back)
    messages.success(
        request, f"{done}：{entry_name(entry)}" + (f"（退回原因：{why}）" if why else "")
    )
    return redirect(back)


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_approve(request: HttpRequest, pk: int) -> HttpResponse:
    entry, _, entry_url = _reviewable(request, pk)
    back = _next(request, entry_url)
    if request.method == "POST":
        return _decided(
            request, back, done="已通过", action=services.progress_entry_approve, entry=entry
        )
    return render(
        request,
        "workbench/entry_approve.html",
        _context(
            request,
            title="确认审核通过",
            entry=entry,
            **_review_subject(entry),
            may_decide=entry.status == ProgressStatus.SUBMITTED,
            next_url=_next(request, ""),
            cancel_url=back,
        ),
    )


@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_return(request: HttpRequest, pk: int) -> HttpResponse:
    entry, _, entry_url = _reviewable(request, pk)
    back = _next(request, entry_url)
    form = ReturnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _decided(
            request,
            back,
            done="已退回",
            action=services.progress_entry_return,
            entry=entry,
            comment=form.cleaned_data["reason"],
            why=form.cleaned_data["reason"],
        )
    return render(
        request,
        "workbench/entry_return.html",
        _context(
            request,
            title="退回进展填报",
            entry=entry,
            form=form,
            **_review_subject(entry),
            may_decide=entry.status == ProgressStatus.SUBMITTED,
            next_url=_next(request, ""),
            cancel_url=back,
        ),
    )
