"""What the fault tests need: their own redis-server (started and stopped by the test, on a free
port), and Celery worker processes they may kill. A test that needs PostgreSQL (a worker shares
the test database) is skipped without it, and fails instead under REQUIRE_SERVICES=1, as the
integration tests are."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from kombu import pools

from config.celery_app import app as celery_app
from tests.conftest import ROOT
from tests.integration.conftest import _database_url


def _missing(reason: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"故障测试需要的服务不可用：{reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RedisServer:
    """A redis-server of the test's own, with no persistence: stopping it is an outage."""

    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        import redis

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        pytest.fail(f"redis-server 20 秒内没有启动：\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    if not shutil.which("redis-server"):
        _missing("找不到 redis-server（apt-get install redis-server）")
    server = RedisServer(port=_free_port(), log=tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _reset_broker_pools() -> None:
    # The app keeps its broker connections in pools made for the URL it first used, and kombu
    # keeps those pools in a registry by URL: both are emptied, so the next use makes new ones.
    pools.reset()
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_server, monkeypatch) -> Iterator[tuple[RedisServer, str]]:
    """This process sends jobs to the test's own redis-server, on a queue of the test's own, for
    real (not in-process): (the server, the queue)."""
    queue = f"fault-{uuid.uuid4().hex[:8]}"
    # Celery reads CELERY_BROKER_URL from the environment before its own setting (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)
    conf = celery_app.conf
    old = (conf.broker_url, conf.task_always_eager, conf.task_default_queue)
    conf.broker_url, conf.task_always_eager, conf.task_default_queue = (
        redis_server.url,
        False,
        queue,
    )
    _reset_broker_pools()
    try:
        yield redis_server, queue
    finally:
        conf.broker_url, conf.task_always_eager, conf.task_default_queue = old
        _reset_broker_pools()


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        _missing("DATABASE_URL 未指向 PostgreSQL（worker 与测试共用数据库）")


@dataclass
class Worker:
    """A `celery worker` process group on the test's broker and queue."""

    broker_url: str
    queue: str
    log: Path
    media: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    pool: str = "prefork"
    proc: subprocess.Popen[bytes] | None = None

    @property
    def node(self) -> str:
        return f"{self.queue}-{id(self)}@pytest"

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "DJANGO_MEDIA_ROOT": str(self.media),
            "CELERY_BROKER_URL": self.broker_url,
            **self.extra_env,
        }
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={self.pool}"),
                *("--concurrency=1", "-n", self.node, "-Q", self.queue, "-l", "info"),
                *("--without-heartbeat", "--without-mingle", "--without-gossip"),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, children included
        )

    def children(self) -> list[int]:
        assert self.proc is not None
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_all(self) -> None:
        """As the OOM killer or a lost machine does: SIGKILL to the whole process group."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=20)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()
        self.proc = None


@pytest.fixture
def make_worker(tmp_path, settings, postgres) -> Iterator[object]:
    """Workers on the broker fixture's server and queue; stopped at the end of the test."""
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    settings.MEDIA_ROOT = media
    made: list[Worker] = []

    def make(broker_url: str, queue: str, **options: object) -> Worker:
        worker = Worker(
            broker_url=broker_url,
            queue=queue,
            log=tmp_path / f"worker-{len(made)}.log",
            media=media,
            **options,  # type: ignore[arg-type]
        )
        made.append(worker)
        return worker

    try:
        yield make
    finally:
        for worker in made:
            worker.stop()
            if worker.log.exists():
                print(f"worker 输出（{worker.log}）：\n{worker.log.read_text()}")


def wait_for(condition, *, timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail saying ``what`` did not happen. Not a timing
    assertion: the timeout only bounds how long a broken run takes to fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{timeout:.0f} 秒内没有{what}")
