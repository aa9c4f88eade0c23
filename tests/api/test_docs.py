"""The schema and the docs pages, as a developer of the office's system meets them."""

import yaml


def test_docs_page_sends_a_signed_out_browser_to_sign_in_first(client, world):
    response = client.get("/api/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_signed_in_browser_reads_the_docs_and_the_browsable_api(client, world):
    client.force_login(world.users["office"])
    assert b"swagger-ui" in client.get("/api/docs/").content
    assert b"redoc" in client.get("/api/redoc/").content.lower()
    page = client.get("/api/v1/tasks/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "任务清单中的任务".encode() in page.content


def test_schema_describes_every_field_and_parameter_in_chinese(clients):
    response = clients["office"].get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    undescribed = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not any("\u4e00" <= ch <= "\u9fff" for ch in spec.get("description", ""))
    ]
    assert undescribed == []
    parameters = [
        (path, p["name"])
        for path, item in schema["paths"].items()
        for op in item.values()
        for p in op.get("parameters", [])
        if p["in"] == "query"
        and not any("\u4e00" <= ch <= "\u9fff" for ch in p.get("description", ""))
    ]
    assert parameters == []


def test_schema_is_refused_without_a_token(clients):
    response = clients["anonymous"].get("/api/schema/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
