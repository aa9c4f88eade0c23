"""What a person reads when a page cannot be shown: 403, 404, 500 and a failed CSRF check, in
Chinese, each with the way back to the workbench; under /api/ the API's JSON error shape.

The handlers are config.errors.*; this module doubles as a URL configuration (the site's own
addresses plus two that fail on purpose) that names them, as config.urls does.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse

from api.errors import api_not_found, api_server_error
from config import errors
from config.urls import urlpatterns as site_urlpatterns
from tests.factories import SupervisorFactory, UserFactory


def _boom(request):
    raise RuntimeError("an unforeseen failure")


def _refuse(request):
    raise PermissionDenied("该进展填报已审核通过，不能再修改")


urlpatterns = [
    *site_urlpatterns,
    path("boom/", _boom),
    path("api/boom/", _boom),
    path("refuse/", _refuse),
]
handler403 = "config.errors.forbidden"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"

ERROR_URLS = override_settings(ROOT_URLCONF=__name__)


def _text(response) -> str:
    return response.content.decode()


def _leads_home(page: str) -> bool:
    return f'href="{reverse("workbench:home")}"' in page and "返回工作台" in page


# -- 404 --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_page_says_so_in_chinese_with_debug_off(client, settings):
    settings.DEBUG = False
    client.force_login(UserFactory.create())

    response = client.get("/no-such-page/")

    page = _text(response)
    assert response.status_code == 404
    assert "找不到该页面或记录" in page and "/no-such-page/" in page
    assert _leads_home(page)
    assert "Not Found" not in page and "The requested resource" not in page


@pytest.mark.django_db
def test_an_unknown_page_is_chinese_for_a_signed_out_visitor_too(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404 and "找不到该页面或记录" in _text(response)


@pytest.mark.django_db
def test_an_unknown_api_address_still_answers_in_the_json_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "error": {
            "status": 404,
            "code": "not_found",
            "message": "没有这个接口：/api/v1/no-such-thing/",
            "fields": {},
        }
    }


@pytest.mark.django_db
@ERROR_URLS
def test_the_wired_404_handler_answers_alike(client):
    page = client.get("/no-such-page/")
    api = client.get("/api/v1/no-such-thing/")

    assert page.status_code == 404 and "找不到该页面或记录" in _text(page)
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


# -- 403 --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_page_a_staff_member_may_not_open_is_refused_in_chinese(client):
    # The department catalogue is the supervisors' to settle (DepartmentAdmin): staff are refused.
    client.force_login(UserFactory.create())

    response = client.get(reverse("admin:tasks_registry_department_changelist"))

    page = _text(response)
    assert response.status_code == 403
    assert "您无权访问此页面" in page and _leads_home(page)
    assert "403 Forbidden" not in page and "<h1>Forbidden" not in page


@pytest.mark.django_db
@ERROR_URLS
def test_a_refusal_gives_its_own_chinese_reason(client):
    client.force_login(UserFactory.create())

    response = client.get("/refuse/")

    page = _text(response)
    assert response.status_code == 403
    assert "您无权访问此页面" in page and "该进展填报已审核通过，不能再修改" in page


@pytest.mark.django_db
def test_an_english_internal_reason_is_not_shown():
    request = RequestFactory().get("/admin/somewhere/")
    request.user = SupervisorFactory.create()

    response = errors.forbidden(request, PermissionDenied("Invalid HTTP_HOST header"))

    page = _text(response)
    assert response.status_code == 403 and "您无权访问此页面" in page
    assert "HTTP_HOST" not in page


def test_a_refusal_under_api_is_json():
    request = RequestFactory().get("/api/v1/tasks/")

    response = errors.forbidden(request, PermissionDenied())

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.content.decode() == (
        '{"error": {"status": 403, "code": "permission_denied", '
        '"message": "您的账号无权执行此操作", "fields": {}}}'
    )


# -- 500 --------------------------------------------------------------------------------------


@pytest.mark.django_db
@ERROR_URLS
def test_an_unforeseen_failure_shows_the_chinese_500_page():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    page = _text(response)
    assert response.status_code == 500
    assert "服务器出错，已记录" in page and _leads_home(page)
    assert "RuntimeError" not in page and "an unforeseen failure" not in page
    assert "Server Error" not in page


@pytest.mark.django_db
@ERROR_URLS
def test_an_unforeseen_failure_under_api_stays_json():
    client = Client(raise_request_exception=False)

    response = client.get("/api/boom/")

    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "status": 500,
            "code": "server_error",
            "message": "服务器内部错误，已记录，请稍后重试或联系管理员",
            "fields": {},
        }
    }


def test_the_api_handlers_config_urls_names_today_render_the_chinese_pages():
    """config.urls names api.errors.api_not_found/api_server_error: outside /api/ they give the
    same Chinese pages as config.errors (no database needed for the 500 page)."""
    factory = RequestFactory()

    server = api_server_error(factory.get("/workbench/"))
    assert server.status_code == 500 and "服务器出错，已记录" in _text(server)


@pytest.mark.django_db
def test_the_api_404_handler_outside_api_is_the_chinese_page():
    request = RequestFactory().get("/workbench/nothing/")
    request.user = UserFactory.create()

    response = api_not_found(request)

    assert response.status_code == 404 and "找不到该页面或记录" in _text(response)


# -- CSRF -------------------------------------------------------------------------------------


def _csrf_refused_post(client: Client):
    return client.post(reverse("admin:login"), {"username": "someone", "password": "pw"})


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_is_refused_in_chinese():
    client = Client(enforce_csrf_checks=True)

    response = _csrf_refused_post(client)

    page = _text(response)
    assert response.status_code == 403
    assert "表单已失效，未能提交" in page and "没有保存任何内容" in page and _leads_home(page)
    assert "CSRF verification failed" not in page and "Forbidden" not in page


@pytest.mark.django_db
@override_settings(CSRF_FAILURE_VIEW="config.errors.csrf_failure")
def test_the_csrf_failure_view_renders_the_same_page():
    response = _csrf_refused_post(Client(enforce_csrf_checks=True))

    assert response.status_code == 403 and "表单已失效，未能提交" in _text(response)


def test_a_csrf_failure_under_api_is_json():
    response = errors.csrf_failure(RequestFactory().post("/api/v1/progress-entries/"))

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert '"code": "csrf_failed"' in response.content.decode()


# -- signing out ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_out_says_so_in_chinese_with_a_way_to_sign_in_again(client):
    client.force_login(UserFactory.create())

    response = client.post(reverse("admin:logout"))

    page = _text(response)
    assert response.status_code == 200
    assert "您已安全退出。" in page and "重新登录" in page
    assert f'href="{reverse("admin:login")}?next={reverse("workbench:home")}"' in page
    assert "Thanks for spending" not in page and "感谢您今天" not in page
    assert "_auth_user_id" not in client.session
