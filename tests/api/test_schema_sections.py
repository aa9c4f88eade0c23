"""The docs page's sections (the schema's tags) and the browsable API's page names, in Chinese."""

from __future__ import annotations

import yaml

from api.schema import SECTIONS, view_name


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_operation_is_filed_under_a_chinese_section(clients):
    schema = yaml.safe_load(clients["office"].get("/api/schema/").content)

    used = {
        tag
        for item in schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for tag in op["tags"]
    }
    assert used and all(_is_chinese(tag) for tag in used)
    assert used == set(SECTIONS)
    assert [t["name"] for t in schema["tags"]] == list(SECTIONS)
    assert all(_is_chinese(t["description"]) for t in schema["tags"])
    submit = schema["paths"]["/api/v1/progress-entries/{id}/submit/"]["post"]
    assert submit["tags"] == ["进展填报"]
    assert schema["paths"]["/api/v1/overdue/"]["get"]["tags"] == ["达成情况"]


def test_the_browsable_api_names_its_pages_in_chinese(client, world, settings):
    # What config.settings sets as REST_FRAMEWORK["VIEW_NAME_FUNCTION"] (DRF reloads on change).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "VIEW_NAME_FUNCTION": "api.schema.view_name",
    }
    client.force_login(world.users["office"])

    listing = client.get("/api/v1/tasks/", HTTP_ACCEPT="text/html").content.decode()
    root = client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    one = client.get(
        f"/api/v1/progress-entries/{world.draft.pk}/", HTTP_ACCEPT="text/html"
    ).content.decode()

    assert "<h1>任务列表</h1>" in listing and "Task List" not in listing
    assert "<h1>接口目录</h1>" in root and "Api Root" not in root
    assert "<h1>进展填报详情</h1>" in one


class _Action:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def test_extra_actions_have_chinese_names_as_dispatched_and_as_in_breadcrumbs():
    assert view_name(_Action(action="return_entry", name="Return entry")) == "退回修改"
    assert view_name(_Action(name="Submit")) == "提交审核"
    assert view_name(_Action(basename="figure", suffix="List")) == "报告数据列表"
    assert view_name(_Action(basename="figure", suffix="Instance")) == "报告数据详情"
