"""The admin's progress-entry form in a real browser (headless Chromium): choosing a target
reloads the 县区 list with the places a value for it may be for (entry_form.js asking the
admin's choices view), so a clerk is never offered a county the target is not counted in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tasks_registry.models import JurisdictionKind
from tests.factories import (
    JurisdictionFactory,
    PlanFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

PASSWORD = "测试口令-2026"


@pytest.fixture
def plan_with_counties(transactional_db):
    city = JurisdictionFactory.create(name="测试市", kind=JurisdictionKind.CITY)
    for name in ("甲县", "乙县"):
        JurisdictionFactory.create(name=name, kind=JurisdictionKind.COUNTY, parent=city)
    elsewhere = JurisdictionFactory.create(name="别市", kind=JurisdictionKind.CITY)
    JurisdictionFactory.create(name="别县", kind=JurisdictionKind.COUNTY, parent=elsewhere)
    task = TaskFactory.create(plan=PlanFactory.create(jurisdiction=city))
    per_county = TargetFactory.create(task=task, label="标准化建设达标学校", per_unit="县区")
    city_wide = TargetFactory.create(task=task, label="双师型教师占比")
    staff = UserFactory.create(username="tianbao", department=task.lead)
    staff.set_password(PASSWORD)
    staff.save()
    return {"task": task, "per_county": per_county, "city_wide": city_wide}


def _options(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(f"{selector} option").all_inner_texts()][1:]


def test_choosing_a_target_offers_the_counties_it_is_counted_in(
    live_server, plan_with_counties, browser_page
):
    page = browser_page
    page.goto(
        f"{live_server.url}/admin/login/?next={reverse('admin:tasks_registry_progressentry_add')}"
    )
    page.fill("#id_username", "tianbao")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_selector("#progressentry_form")
    assert _options(page, "#id_jurisdiction") == []  # no target chosen: no place applies

    page.select_option("#id_task", str(plan_with_counties["task"].pk))
    expect(page.locator("#id_target option")).to_have_count(3)
    page.select_option("#id_target", str(plan_with_counties["per_county"].pk))
    expect(page.locator("#id_jurisdiction option")).to_have_count(3)
    counties = _options(page, "#id_jurisdiction")

    page.select_option("#id_target", str(plan_with_counties["city_wide"].pk))
    expect(page.locator("#id_jurisdiction option")).to_have_count(1)

    assert sorted(counties) == ["乙县", "甲县"]  # not 别市's 别县, not the city itself
    assert _options(page, "#id_jurisdiction") == []
