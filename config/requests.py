"""What views read from a request the same way everywhere: an id or year from the query string,
and where to go back to after an action (a page of this site only, never one elsewhere)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def query_int(value: str | None) -> int | None:
    """An id, year or quarter from the query string; anything else (or beyond a database integer,
    which SQLite refuses to bind) is as if not given."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and abs(number) < 2**63 else None


def next_url(request: HttpRequest, default: str) -> str:
    """?next= (or a form's hidden next) when it is a page of this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
