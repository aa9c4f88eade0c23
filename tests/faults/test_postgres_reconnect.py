"""After PostgreSQL drops a web process's connection (a restart, a failover, an idle timeout),
the next request succeeds without restarting gunicorn: kept connections (DATABASE_CONN_MAX_AGE)
are health-checked before a request reuses them (CONN_HEALTH_CHECKS).

The connection is closed server-side with pg_terminate_backend, as a restart does; requests go
through Django's own WSGI handler, whose request signals do the check (the test client skips
them). Needs PostgreSQL: skipped without it, failed instead under REQUIRE_SERVICES=1."""

from __future__ import annotations

import io

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory

from accounts.models import Role
from tasks_registry.models import Department
from tests.factories import UserFactory
from tests.integration.conftest import _database_url

pytestmark = pytest.mark.django_db(transaction=True)


def get(handler: WSGIHandler, path: str, cookie: str) -> int:
    environ = RequestFactory().get(path, HTTP_COOKIE=cookie).environ
    environ["wsgi.input"] = io.BytesIO(b"")
    status: list[str] = []

    def start_response(line: str, headers: object, exc_info: object = None) -> object:
        status.append(line)
        return lambda data: None

    b"".join(handler(environ, start_response))  # type: ignore[arg-type]
    return int(status[0].split()[0])


def test_the_next_request_after_the_server_dropped_the_connection_succeeds(
    postgres, reference_data, monkeypatch
):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)  # kept between requests
    user = UserFactory(
        department=Department.objects.get(name="市教育局"),
        role=Role.DEPARTMENT_STAFF,
        is_staff=True,
    )
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    handler = WSGIHandler()

    assert get(handler, "/api/v1/reports/", cookie) == 200
    kept = connection.connection
    assert kept is not None  # still open after the request
    backend = kept.info.backend_pid

    with psycopg.connect(_database_url(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])

    assert get(handler, "/api/v1/reports/", cookie) == 200
    assert connection.connection is not None
    assert connection.connection.info.backend_pid != backend  # a fresh connection
