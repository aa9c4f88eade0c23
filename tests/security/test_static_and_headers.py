"""Production serves itself: under gunicorn with the production settings and the README's example
environment, after `collectstatic`, the admin's stylesheets and the API docs' scripts answer 200
(WhiteNoise), plain http is redirected to https, and every page carries HSTS, the
Content-Security-Policy, nosniff and a referrer policy, with Secure, HttpOnly, SameSite cookies.

Requests come as the reverse proxy forwards them: X-Forwarded-Proto says the browser's scheme."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.security.production_env import HOST, manage, production_env

PASSWORD = "Docs-Reader-2026"
CREATE_USER = (
    "from accounts.models import User; "
    "u = User(username='reader', is_staff=True, role='office'); "
    f"u.set_password('{PASSWORD}'); u.save()"
)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """Just enough of a browser behind the proxy: keeps cookies, sends the proxy's headers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, https: bool = True, form: str | None = None
    ) -> Answer:
        headers = {"Host": HOST, "X-Forwarded-For": "203.0.113.7"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}/admin/login/"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=form, headers=headers)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[int]:
    tmp: Path = tmp_path_factory.mktemp("production")
    env = production_env(tmp)
    for args in (("collectstatic", "--noinput", "-v", "0"), ("migrate", "--noinput", "-v", "0")):
        done = manage(env, *args)
        assert done.returncode == 0, done.stderr
    done = manage(env, "shell", "-c", CREATE_USER)
    assert done.returncode == 0, done.stderr
    port = _free_port()
    log = (tmp / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(120):  # bounded: at most about a minute for gunicorn to listen
            if proc.poll() is not None:
                pytest.fail(f"gunicorn 未能启动：{(tmp / 'gunicorn.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn 一分钟内未开始监听")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def signed_in(server) -> Browser:
    browser = Browser(server)
    login = browser.get("/admin/login/?next=/api/docs/")
    assert login.status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    assert token
    form = f"csrfmiddlewaretoken={token[1]}&username=reader&password={PASSWORD}&next=/api/docs/"
    done = browser.request("POST", "/admin/login/?next=/api/docs/", form=form)
    assert done.status == 302, done.text[:2000]
    assert done.headers["Location"] == "/api/docs/"
    return browser


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_the_admin_stylesheets_are_served(server):
    browser = Browser(server)
    assert browser.get("/static/admin/css/base.css").status == 200
    login = browser.get("/admin/login/")
    assets = _assets(login.text)
    # Manifest storage: hashed names, each served, compressed copies beside them.
    assert any(re.fullmatch(r"/static/admin/css/base\.[0-9a-f]{12}\.css", a) for a in assets)
    for asset in assets:
        answer = browser.get(asset)
        assert answer.status == 200, asset
        assert "max-age=315360000" in answer.headers["Cache-Control"], asset


def test_the_api_docs_page_and_its_scripts_are_served(signed_in):
    page = signed_in.get("/api/docs/")
    assert page.status == 200
    assets = _assets(page.text)
    assert any("swagger-ui-bundle" in a and a.endswith(".js") for a in assets)
    assert any("swagger-ui" in a and a.endswith(".css") for a in assets)
    for asset in assets:
        assert signed_in.get(asset).status == 200, asset
    assert "<script>" not in page.text  # the start-up script is a file of its own
    (script,) = re.findall(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page.text)
    started = signed_in.get(script.replace("&amp;", "&"))
    assert started.status == 200
    assert started.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in started.text
    schema = signed_in.get("/api/schema/")
    assert schema.status == 200 and b"openapi" in schema.body


def test_plain_http_is_redirected_to_https(server):
    answer = Browser(server).get("/admin/login/", https=False)
    assert answer.status == 301
    assert answer.headers["Location"] == f"https://{HOST}/admin/login/"


@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/", "/supervision/", "/api/v1/"])
def test_every_page_carries_the_security_headers(signed_in, path):
    answer = signed_in.get(path)
    assert answer.status in (200, 302, 401, 403), (path, answer.status)
    headers = answer.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    # The directives come in any order; each is compared whole (no 'unsafe-inline' for scripts).
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == "default-src 'self'"
    assert directives["script-src"] == "script-src 'self'"
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_cookies_are_secure_httponly_and_samesite(server):
    browser = Browser(server)
    login = browser.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    assert token
    form = f"csrfmiddlewaretoken={token[1]}&username=reader&password={PASSWORD}&next=/admin/"
    done = browser.request("POST", "/admin/login/", form=form)
    cookies = (login.headers.get_all("Set-Cookie") or []) + (
        done.headers.get_all("Set-Cookie") or []
    )
    by_name = {c.split("=", 1)[0]: c.lower() for c in cookies}
    assert {"csrftoken", "sessionid"} <= set(by_name)
    for name in ("csrftoken", "sessionid"):
        assert "secure" in by_name[name] and "httponly" in by_name[name], by_name[name]
        assert "samesite=lax" in by_name[name], by_name[name]
