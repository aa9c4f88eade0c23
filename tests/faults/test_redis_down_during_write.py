"""Redis stopped during a write: the write either completes and says its background part will
follow ("已保存，后台处理将在服务恢复后自动进行") or fails whole, never "written but answered 500";
reads keep working (the API throttle lets requests through while its cache is unreachable); once
Redis is back the sweep hands the jobs over and a real worker runs them.

The test starts its own redis-server on a free port and stops it; the worker needs PostgreSQL
(it shares the test database), as the integration tests do."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import api_token_issue
from attainment.models import Attainment
from outbox.models import OutboxMessage
from outbox.services import DEFERRED_NOTICE, outbox_relay
from reporting.models import Report, ReportStatus
from tasks_registry.models import Department, ProgressStatus
from tests.factories import ProgressEntryFactory, SupervisorFactory, UserFactory
from tests.faults.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

TEXT_2023 = (
    "开封市职业教育质量年度报告（2023 年度）\n\n一、基本情况\n\n"
    "全市中等职业学校在校生 4.6 万人，全年完成培训 5.2 万人次。\n"
)


def test_an_approval_and_an_upload_with_redis_down_are_saved_and_their_jobs_run_once_it_is_back(
    reference_data, broker, make_worker, settings
):
    server, queue = broker
    # The throttle's counts in this Redis too, as production keeps them (CACHE_URL).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
        }
    }
    supervisor = SupervisorFactory()
    entry = ProgressEntryFactory(status=ProgressStatus.SUBMITTED)
    api = APIClient()
    _, token = api_token_issue(user=supervisor, name="测试", by=None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    server.stop()

    approved = api.post(f"/api/v1/progress-entries/{entry.pk}/approve/")
    assert approved.status_code == 200, approved.content.decode()
    assert approved.json()["notice"] == DEFERRED_NOTICE
    entry.refresh_from_db()
    assert entry.status == ProgressStatus.APPROVED  # written, and said so

    uploaded = api.post(
        "/api/v1/reports/",
        {"file": SimpleUploadedFile("开封市2023年报告.txt", TEXT_2023.encode())},
        format="multipart",
    )
    assert uploaded.status_code == 202, uploaded.content.decode()
    assert uploaded.json()["message"] == DEFERRED_NOTICE
    report = Report.objects.get(pk=uploaded.json()["id"])
    assert report.status == ReportStatus.UPLOADED

    listing = api.get("/api/v1/progress-entries/")  # reads keep working, unthrottled
    assert listing.status_code == 200
    waiting = OutboxMessage.objects.filter(sent_at=None)
    assert waiting.count() == 2
    assert all("无法连接任务队列" in m.last_error for m in waiting)

    server.start()
    assert outbox_relay().sent == 2
    make_worker(server.url, queue).start()

    wait_for(
        lambda: not OutboxMessage.objects.filter(finished_at=None).exists(),
        timeout=120,
        what="运行完恢复后交付的后台任务",
    )
    report.refresh_from_db()
    assert report.get_status_display() == "已完成", report.message
    assert report.figures.count() > 0
    assert Attainment.objects.filter(target=entry.target).exists()  # the recompute ran


def test_an_admin_upload_with_redis_down_says_it_is_saved_and_will_be_processed(
    reference_data, broker
):
    server, _queue = broker
    client = Client()
    client.force_login(
        UserFactory(
            department=Department.objects.get(name="市教育局"),
            role=Role.DEPARTMENT_STAFF,
            is_staff=True,
        )
    )
    server.stop()

    response = client.post(
        reverse("admin:reporting_report_add"),
        {
            "upload": SimpleUploadedFile("开封市2023年报告.txt", TEXT_2023.encode()),
            "entity_override": "",
            "year_override": "",
            "_save": "保存",
        },
        follow=True,
    )

    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert DEFERRED_NOTICE in shown
    report = Report.objects.get()
    assert report.status == ReportStatus.UPLOADED
    assert OutboxMessage.objects.get().sent_at is None  # waits for the sweep
