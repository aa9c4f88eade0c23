"""The audit trail (等保三级 安全审计) as an auditor meets it: every sign-in, sign-out and failed
attempt, every change, export and refused API token is there with who, from where and when;
supervisors read and export it in the admin, nobody can alter it, staff never see it; it is kept
at least 180 days and pruned after."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.services import api_token_issue
from audit.checks import audit_retention_check
from audit.models import AuditAction, AuditEvent
from tasks_registry.models import ProgressStatus
from tests.factories import ProgressEntryFactory, SupervisorFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-12345"  # UserFactory's
TRAIL = "/admin/audit/auditevent/"


@pytest.fixture(autouse=True)
def _empty_trail(db):
    # migrate records loading the reference catalogue (a change per department and place); each
    # test starts from an empty trail so it sees only what it did itself.
    AuditEvent.objects.all().delete()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_signing_in_is_recorded_with_who_and_the_address():
    user = UserFactory.create(username="jiaoyu")
    response = Client(REMOTE_ADDR="10.8.1.23").post(
        "/admin/login/?next=/admin/", {"username": "jiaoyu", "password": PASSWORD}
    )
    assert response.status_code == 302

    [event] = events(AuditAction.SIGN_IN)
    assert (event.user, event.username, event.address) == (user, "jiaoyu", "10.8.1.23")
    assert timezone.now() - event.at < datetime.timedelta(minutes=5)


def test_a_failed_sign_in_is_recorded_with_the_name_as_typed():
    UserFactory.create(username="jiaoyu")
    response = Client(REMOTE_ADDR="10.8.1.24").post(
        "/admin/login/?next=/admin/", {"username": "jiaoyu", "password": "wrong-guess"}
    )
    assert response.status_code == 200  # the form again, with its error
    Client(REMOTE_ADDR="10.8.1.24").post(
        "/admin/login/", {"username": "nobody-here", "password": "x"}
    )

    failed = events(AuditAction.SIGN_IN_FAILED)
    assert [(e.username, e.address, e.user) for e in failed] == [
        ("jiaoyu", "10.8.1.24", None),
        ("nobody-here", "10.8.1.24", None),
    ]
    assert not events(AuditAction.SIGN_IN)
    assert all("wrong-guess" not in str(e.detail) for e in failed)  # passwords never kept


def test_signing_out_is_recorded():
    user = UserFactory.create(username="jiaoyu")
    client = Client(REMOTE_ADDR="10.8.1.25")
    client.force_login(user)

    assert client.post("/admin/logout/").status_code == 200

    [event] = events(AuditAction.SIGN_OUT)
    assert (event.user, event.address) == (user, "10.8.1.25")


def test_a_forwarded_address_is_believed_only_behind_the_trusted_proxy(settings):
    UserFactory.create(username="jiaoyu")
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 172.16.5.9", "REMOTE_ADDR": "127.0.0.1"}
    form = {"username": "jiaoyu", "password": "wrong"}

    settings.TRUSTED_PROXY_COUNT = 0
    Client(**forged).post("/admin/login/", form)
    settings.TRUSTED_PROXY_COUNT = 1  # nginx in front: the entry it appended is the client
    Client(**forged).post("/admin/login/", form)

    addresses = [e.address for e in events(AuditAction.SIGN_IN_FAILED)]
    assert addresses == ["127.0.0.1", "172.16.5.9"]  # the client-written 1.2.3.4 never


def test_a_change_in_the_admin_is_recorded_with_who_where_and_which_record():
    entry = ProgressEntryFactory.create()
    staff = entry.created_by
    client = Client(REMOTE_ADDR="10.8.2.7")
    client.force_login(staff)

    response = client.post(
        "/admin/tasks_registry/progressentry/",
        {"action": "submit_selected", "_selected_action": [entry.pk]},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED

    [event] = AuditEvent.objects.filter(
        action=AuditAction.CHANGE,
        object_type="tasks_registry.progressentry",
        object_id=str(entry.pk),
        user=staff,
    )
    assert event.address == "10.8.2.7"
    assert event.detail["kind"] == "修改"
    # It points at the full before/after that simple-history keeps.
    history = entry.history.get(history_id=event.detail["history_id"])
    assert history.status == ProgressStatus.SUBMITTED


def test_an_admin_change_to_a_model_without_history_is_recorded_too():
    admin_user = UserFactory.create(
        username="admin", is_superuser=True, department=None, role=Role.SUPERVISOR
    )
    client = Client(REMOTE_ADDR="10.8.2.8")
    client.force_login(admin_user)

    response = client.post("/admin/auth/group/add/", {"name": "审计员"})
    assert response.status_code == 302

    [event] = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_type="auth.group")
    assert (event.user, event.address, event.object_repr) == (admin_user, "10.8.2.8", "审计员")
    assert event.detail["kind"] == "新增"


def test_an_api_export_is_recorded_with_the_list_and_its_filter():
    supervisor = SupervisorFactory.create(username="dudao")
    client = Client(REMOTE_ADDR="10.8.3.1")
    client.force_login(supervisor)

    response = client.get("/api/v1/departments/?format=csv&kind=municipal")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    [event] = events(AuditAction.EXPORT)
    assert (event.user, event.address) == (supervisor, "10.8.3.1")
    assert event.detail["format"] == "csv"
    assert event.detail["list"] == "部门"
    assert event.detail["query"] == "format=csv&kind=municipal"
    assert event.detail["rows"] == len(rows) - 1


def test_an_api_export_with_a_token_is_recorded_for_the_tokens_user():
    office = UserFactory.create(username="ducha", role=Role.OFFICE, department=None)
    admin_user = SupervisorFactory.create(username="admin", is_superuser=True)
    _, key = api_token_issue(user=office, name="督查室同步", by=admin_user)

    response = Client().get("/api/v1/plans/?format=xlsx", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200

    [event] = events(AuditAction.EXPORT)
    assert (event.user, event.detail["format"]) == (office, "xlsx")


def test_a_workbench_export_is_recorded():
    supervisor = SupervisorFactory.create(username="dudao")
    client = Client(REMOTE_ADDR="10.8.3.2")
    client.force_login(supervisor)

    response = client.get("/supervision/?export=xlsx")
    assert response.status_code == 200

    [event] = events(AuditAction.EXPORT)
    assert (event.user, event.address, event.detail["list"]) == (
        supervisor,
        "10.8.3.2",
        "目标达成情况",
    )


def test_a_refused_api_token_is_recorded_without_the_token():
    response = Client(REMOTE_ADDR="10.8.4.4").get(
        "/api/v1/plans/", HTTP_AUTHORIZATION="Token 0123456789abcdef-not-a-real-token"
    )
    assert response.status_code == 401

    [event] = events(AuditAction.API_TOKEN_FAILED)
    assert (event.user, event.address, event.detail["path"]) == (None, "10.8.4.4", "/api/v1/plans/")
    assert "not-a-real-token" not in str(event.detail)


def test_supervisors_read_the_trail_but_nobody_can_change_it():
    supervisor = SupervisorFactory.create(username="dudao")
    client = Client()
    client.force_login(supervisor)  # itself an event: force_login sends user_logged_in
    event = AuditEvent.objects.get()

    listing = client.get(TRAIL)
    assert listing.status_code == 200
    assert "审计日志" in listing.content.decode()
    assert "dudao" in listing.content.decode()
    assert client.get(f"{TRAIL}?action=sign_in&q=dudao").status_code == 200
    assert client.get(f"{TRAIL}{event.pk}/change/").status_code == 200  # read-only view
    assert client.post(f"{TRAIL}{event.pk}/change/", {"username": "x"}).status_code == 403
    assert client.get(f"{TRAIL}add/").status_code == 403
    assert client.post(f"{TRAIL}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.username == "dudao"


def test_even_an_administrator_cannot_delete_from_the_trail():
    admin_user = SupervisorFactory.create(username="admin", is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    event = AuditEvent.objects.get()

    assert client.post(f"{TRAIL}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_staff_and_the_office_cannot_see_the_trail():
    for user in (
        UserFactory.create(username="jiaoyu"),
        UserFactory.create(username="ducha", role=Role.OFFICE, department=None),
    ):
        client = Client()
        client.force_login(user)
        assert client.get(TRAIL).status_code == 403
        assert "审计日志" not in client.get("/admin/").content.decode()
    assert Client().get(TRAIL).status_code == 302  # signed out: to the sign-in page


def test_the_trail_exports_as_csv_with_chinese_headers():
    supervisor = SupervisorFactory.create(username="dudao")
    client = Client(REMOTE_ADDR="10.8.5.5")
    client.force_login(supervisor)
    Client(REMOTE_ADDR="10.8.5.6").post("/admin/login/", {"username": "x", "password": "y"})
    chosen = list(AuditEvent.objects.values_list("pk", flat=True))

    response = client.post(TRAIL, {"action": "export_csv", "_selected_action": chosen})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["时间", "用户名", "来源地址", "操作", "对象类型", "对象编号", "对象", "详情"]
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [
        ("dudao", "", "登录"),  # force_login has no request address
        ("x", "10.8.5.6", "登录失败"),
    ]
    # Taking the trail away is itself on the trail.
    [export] = events(AuditAction.EXPORT)
    assert (export.user, export.detail["list"], export.detail["rows"]) == (
        supervisor,
        "审计日志",
        2,
    )


def test_prune_keeps_180_days_and_removes_what_is_older(settings):
    settings.AUDIT_RETENTION_DAYS = 180
    now = timezone.now()
    kept = AuditEvent.objects.create(
        action=AuditAction.SIGN_IN, at=now - datetime.timedelta(days=179)
    )
    old = AuditEvent.objects.create(
        action=AuditAction.SIGN_IN, at=now - datetime.timedelta(days=181)
    )
    out = io.StringIO()

    call_command("prune_audit", stdout=out)

    assert "已删除 1 条早于 180 天的审计事件" in out.getvalue()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    [prune] = events(AuditAction.PRUNE)
    assert prune.detail["deleted"] == 1


def test_a_retention_below_180_days_is_refused(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    AuditEvent.objects.create(
        action=AuditAction.SIGN_IN, at=timezone.now() - datetime.timedelta(days=100)
    )

    with pytest.raises(
        CommandError, match="AUDIT_RETENTION_DAYS=90 太短：等保三级要求审计日志至少保留 180 天"
    ):
        call_command("prune_audit")
    assert AuditEvent.objects.count() == 1
    [error] = audit_retention_check(None)
    assert error.id == "audit.E001"
