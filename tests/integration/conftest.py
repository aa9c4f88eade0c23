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
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
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
        # A file, not a pipe nobody reads: a worker that logs more than a pipe holds would block.
        stdout=log,
        stderr=subprocess.STDOUT,
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
                pytest.fail("Celery worker 启动失败：\n" + log_path.read_text())
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
        log.close()
        print(f"Celery worker 的输出（{log_path}）：\n{log_path.read_text()}")  # shown on failure


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
    """Until every delivery is handled: the broker queue is empty and the worker has nothing
    running and nothing reserved (a message it has taken off the queue but not yet started is in
    neither the queue nor ``active``), twice in a row, so a task that enqueues another is seen."""
    import redis

    client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    inspect = celery_app.control.inspect(timeout=1, destination=[_node(queue)])
    deadline = time.monotonic() + timeout
    idle_checks = 0
    while time.monotonic() < deadline:
        active, reserved = inspect.active() or {}, inspect.reserved() or {}
        idle = (
            client.llen(queue) == 0
            and active
            and reserved
            and not any(active.values())
            and not any(reserved.values())
        )
        idle_checks = idle_checks + 1 if idle else 0
        if idle_checks == 2:
            return
        time.sleep(0.3)
    pytest.fail(f"队列 {queue} {timeout} 秒内没有处理完")
