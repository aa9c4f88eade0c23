"""The services the integration tests need: PostgreSQL, Redis and a real Celery worker process.

Without them the tests are skipped locally; CI sets REQUIRE_SERVICES=1 and then a missing service
fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from config.celery_app import app as celery_app
from tests.conftest import ROOT


def _services_missing() -> str | None:
    if connection.vendor != "postgresql":
        return "DATABASE_URL 未指向 PostgreSQL"
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        return "CELERY_BROKER_URL 未指向 Redis"
    import redis

    try:
        redis.Redis.from_url(broker).ping()
    except (redis.RedisError, ValueError) as exc:  # refused, timed out, refused the login, bad URL
        return f"Redis 不可用：{exc}"
    return None


@pytest.fixture
def worker(settings, tmp_path):
    missing = _services_missing()
    if missing:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"集成测试需要的服务不可用：{missing}")
        pytest.skip(missing)
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    queue = f"it-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "DJANGO_MEDIA_ROOT": str(media),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            # Its own node name: under pytest-xdist (./dev test) another test process may run a
            # worker at the same time, and two of the same name would share one control queue.
            "-n",
            _node(queue),
            "-Q",
            queue,
            "-l",
            "warning",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = celery_app.control.ping(timeout=1, destination=[_node(queue)]) or []
            if replies:
                break
            if proc.poll() is not None:
                pytest.fail(
                    "Celery worker 启动失败：\n" + (proc.stdout.read() if proc.stdout else "")
                )
        else:
            pytest.fail("Celery worker 60 秒内没有响应")
        yield queue
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _node(queue: str) -> str:
    """The Celery node name of the worker that consumes ``queue``; ping and inspect ask it alone."""
    return f"{queue}@pytest"


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


def wait_drained(queue: str, timeout: float = 60) -> None:
    """Until the broker queue is empty and the worker runs nothing: every delivery is handled."""
    import redis

    client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = celery_app.control.inspect(timeout=1, destination=[_node(queue)]).active() or {}
        if client.llen(queue) == 0 and active and not any(active.values()):
            return
        time.sleep(0.3)
    pytest.fail(f"队列 {queue} {timeout} 秒内没有处理完")
