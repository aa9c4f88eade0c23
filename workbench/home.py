"""The workbench's landing page (工作台), one per role, and the sign-in that leads to it.
Thin: workbench.selectors gathers what each role sees; this renders it."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_safe

from config.requests import next_url

from .selectors import workbench_for

LOGIN_URL = reverse_lazy("admin:login")


@login_required(login_url=LOGIN_URL)
@require_safe
def workbench_home(request: HttpRequest) -> HttpResponse:
    workbench = workbench_for(user=request.user, today=timezone.localdate())
    if workbench is None:  # login_required lets only the active through; a stale session
        return HttpResponseRedirect(
            f"{LOGIN_URL}?{REDIRECT_FIELD_NAME}={reverse('workbench:home')}"
        )
    return render(
        request,
        "workbench/home.html",
        {
            **admin.site.each_context(request),
            # The day's work, not the admin's model index: no sidebar pushing it down a phone.
            "is_nav_sidebar_enabled": False,
            "title": "工作台",
            "wb": workbench,
        },
    )


def sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in page (/admin/login/), landing on the workbench instead of the admin's
    index when no ``next`` is given. The two-step verification pages carry ``next`` on, so a
    supervisor also lands here after the code. Routed before the admin's own URLs."""
    home = reverse("workbench:home")
    if not request.GET.get(REDIRECT_FIELD_NAME) and not request.POST.get(REDIRECT_FIELD_NAME):
        # The admin's login fills next with its own index when it finds none in the request:
        # giving it one (the request's GET is otherwise immutable) keeps the stock form and
        # its protections (CSRF, axes lockout, sensitive_post_parameters) unchanged.
        query = request.GET.copy()
        query[REDIRECT_FIELD_NAME] = home
        request.GET = query  # type: ignore[assignment]  # the stubs type it as never mutable
    if request.method in ("GET", "HEAD") and admin.site.has_permission(request):
        # Already signed in: where they were going (the admin's login would send them to its index).
        return HttpResponseRedirect(next_url(request, home))
    return admin.site.login(request)
