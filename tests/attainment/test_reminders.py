"""Reminders (attainment/services.py reminders_send, nightly_scan): 交办 before the deadline to the
lead department, 催办 once overdue, 督办 to the supervisors when still overdue some days later;
each notice once, one email per department and kind, in Chinese."""

from __future__ import annotations

import datetime
import smtplib
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attainment import services
from attainment.models import Reminder, Status
from tasks_registry.models import Indicator, Jurisdiction, Plan
from tests.factories import (
    AttainmentFactory,
    DepartmentFactory,
    FigureFactory,
    PlanFactory,
    ReportFactory,
    SupervisorFactory,
    TargetFactory,
    UserFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2025, 12, 31)


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.REMINDER_DUE_SOON_DAYS = 30
    settings.REMINDER_ESCALATE_AFTER_DAYS = 14
    settings.SITE_URL = "https://dudao.example.cn/"


@pytest.fixture
def education_bureau(db):
    """市教育局 with two staff who have email, one who has none, and the people who must not get
    its notices: staff of another department and an inactive colleague."""
    bureau = DepartmentFactory(name="市教育局")
    UserFactory(username="wang", department=bureau, email="wang@jyj.example.cn")
    UserFactory(username="li", department=bureau, email="li@jyj.example.cn")
    UserFactory(username="zhao", department=bureau, email="")
    UserFactory(
        username="former", department=bureau, email="former@jyj.example.cn", is_active=False
    )
    UserFactory(
        username="hrss", department=DepartmentFactory(name="市人社局"), email="hr@rsj.example.cn"
    )
    return bureau


@pytest.fixture
def supervisors(db) -> list[str]:
    SupervisorFactory(username="dudao", email="dudao@dcs.example.cn")
    SupervisorFactory(
        username="admin", email="admin@dcs.example.cn", role="office", is_superuser=True
    )
    # The read-only office (督查室) gets no notices.
    SupervisorFactory(username="office", email="office@dcs.example.cn", role="office")
    return ["admin@dcs.example.cn", "dudao@dcs.example.cn"]


PLAN_TITLE = "南阳市职业教育提质培优实施方案"


def attainment(department, *, label: str = "职业院校“双师型”教师占比", number: str = "7", **kwargs):
    """A stored attainment of task ``number`` of the one plan, led by ``department``."""
    plan = Plan.objects.filter(title=PLAN_TITLE).first() or PlanFactory(title=PLAN_TITLE)
    target = TargetFactory(task__plan=plan, task__lead=department, task__number=number, label=label)
    return AttainmentFactory(target=target, **kwargs)


# ---------------------------------------------------------------------------------------------
# 交办: due soon


@pytest.mark.django_db
def test_a_target_due_within_the_window_is_announced_to_the_lead_departments_staff(
    education_bureau, supervisors, mailoutbox
):
    soon = attainment(education_bureau, status=Status.AT_RISK, due_date=DUE)
    later = datetime.date(2026, 3, 31)
    attainment(
        education_bureau, label="技能培训", number="8", status=Status.AT_RISK, due_date=later
    )
    attainment(education_bureau, label="取证", number="9", status=Status.MET, due_date=DUE)

    sent = services.reminders_send(today=datetime.date(2025, 12, 10))

    assert sent == {"due_soon": 1, "overdue": 0, "escalation": 0}
    [mail] = mailoutbox
    assert mail.subject == "【交办提醒】市教育局：1 项目标即将到期"
    assert mail.to == ["li@jyj.example.cn", "wang@jyj.example.cn"]
    assert mail.body.startswith("以下目标即将到期，请按时完成并在系统中填报进展：")
    assert f"https://dudao.example.cn/supervision/targets/{soon.target.pk}/" in mail.body
    assert "技能培训" not in mail.body and "取证" not in mail.body


@pytest.mark.django_db
def test_the_due_soon_window_ends_after_the_configured_days(education_bureau, mailoutbox):
    attainment(education_bureau, status=Status.ON_TRACK, due_date=DUE)

    assert (
        services.reminders_send(today=datetime.date(2025, 11, 30))["due_soon"] == 0
    )  # 31 days ahead
    assert (
        services.reminders_send(today=datetime.date(2025, 12, 1))["due_soon"] == 1
    )  # 30 days ahead
    assert len(mailoutbox) == 1


# ---------------------------------------------------------------------------------------------
# 催办: overdue


@pytest.mark.django_db
def test_an_overdue_target_is_chased_with_its_task_number_and_target_in_chinese(
    education_bureau, supervisors, mailoutbox
):
    overdue = attainment(
        education_bureau,
        status=Status.OVERDUE,
        actual=D("41.2"),
        due_date=DUE,
        period_label="截至2025年底",
    )

    sent = services.reminders_send(today=datetime.date(2026, 1, 5))

    assert sent == {"due_soon": 0, "overdue": 1, "escalation": 0}
    [mail] = mailoutbox
    assert mail.subject == "【催办】市教育局：1 项目标已逾期未完成"
    assert mail.to == ["li@jyj.example.cn", "wang@jyj.example.cn"]
    assert mail.body.splitlines() == [
        "以下目标已过完成时限仍未完成（或没有数据），请尽快推进并填报进展：",
        "",
        "- 《南阳市职业教育提质培优实施方案》任务 7：职业院校“双师型”教师占比 ≥60%，"
        "截至2025年底，实际 41.2%，逾期未完成",
        f"  https://dudao.example.cn/supervision/targets/{overdue.target.pk}/",
        "",
        "本邮件由职业教育政策任务跟踪服务自动发送。",
    ]
    assert Reminder.objects.get().recipients == ["li@jyj.example.cn", "wang@jyj.example.cn"]


@pytest.mark.django_db
def test_a_notice_writes_the_actual_as_people_write_it(education_bureau, mailoutbox):
    a = attainment(education_bureau, status=Status.OVERDUE, actual=D("33938"), due_date=DUE)
    a.target.unit, a.target.value = "人次", D("100000")
    a.target.save()

    services.reminders_send(today=datetime.date(2026, 1, 5))

    [mail] = mailoutbox
    assert "实际 33 938 人次，逾期未完成" in mail.body and "33938" not in mail.body


@pytest.mark.django_db
def test_a_past_due_target_with_no_data_is_chased_too(education_bureau, mailoutbox):
    attainment(education_bureau, status=Status.NO_DATA, actual=None, due_date=DUE)

    services.reminders_send(today=datetime.date(2026, 1, 5))

    [mail] = mailoutbox
    assert mail.subject == "【催办】市教育局：1 项目标已逾期未完成"
    assert "任务 7：职业院校“双师型”教师占比 ≥60%，截至2025年底，尚无任何数据\n" in mail.body


@pytest.mark.django_db
def test_one_email_per_department_lists_all_its_targets(education_bureau, mailoutbox):
    attainment(
        education_bureau, label="职业院校“双师型”教师占比", number="7", status=Status.OVERDUE
    )
    attainment(education_bureau, label="技能培训", number="12", status=Status.OVERDUE)
    attainment(DepartmentFactory(name="市人社局"), label="取证", number="15", status=Status.OVERDUE)

    sent = services.reminders_send(today=datetime.date(2026, 1, 5))

    assert sent["overdue"] == 3
    mails = {m.subject: m for m in mailoutbox}
    assert sorted(mails) == [
        "【催办】市人社局：1 项目标已逾期未完成",
        "【催办】市教育局：2 项目标已逾期未完成",
    ]
    bureau = mails["【催办】市教育局：2 项目标已逾期未完成"].body
    assert "任务 7：职业院校“双师型”教师占比" in bureau and "任务 12：技能培训" in bureau
    assert "取证" not in bureau
    assert mails["【催办】市人社局：1 项目标已逾期未完成"].to == ["hr@rsj.example.cn"]


@pytest.mark.django_db
def test_a_department_without_staff_email_is_covered_by_the_supervisors(supervisors, mailoutbox):
    silent = DepartmentFactory(name="市财政局")
    UserFactory(username="no-mail", department=silent, email="")
    attainment(silent, status=Status.OVERDUE)

    services.reminders_send(today=datetime.date(2026, 1, 5))

    [mail] = mailoutbox
    assert mail.subject == "【催办】市财政局：1 项目标已逾期未完成"
    assert mail.to == supervisors


@pytest.mark.django_db
def test_a_second_run_sends_nothing(education_bureau, supervisors, mailoutbox):
    attainment(education_bureau, status=Status.OVERDUE)
    soon = datetime.date(2026, 1, 20)
    attainment(education_bureau, label="技能培训", number="8", status=Status.AT_RISK, due_date=soon)
    first = services.reminders_send(today=datetime.date(2026, 1, 5))

    second = services.reminders_send(today=datetime.date(2026, 1, 5))

    assert first == {"due_soon": 1, "overdue": 1, "escalation": 0}
    assert second == {"due_soon": 0, "overdue": 0, "escalation": 0}
    assert len(mailoutbox) == 2
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_a_notice_that_could_not_be_sent_is_tried_again_on_the_next_run(
    education_bureau, mailoutbox, monkeypatch
):
    attainment(education_bureau, status=Status.OVERDUE)

    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("连接已断开")

    with monkeypatch.context() as m:
        m.setattr(services, "send_mail", smtp_down)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            services.reminders_send(today=datetime.date(2026, 1, 5))
    assert Reminder.objects.count() == 0  # the claim went with the failed send

    assert services.reminders_send(today=datetime.date(2026, 1, 6))["overdue"] == 1
    assert [m.subject for m in mailoutbox] == ["【催办】市教育局：1 项目标已逾期未完成"]


# ---------------------------------------------------------------------------------------------
# 督办: escalation after the overdue notice


def at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=SHANGHAI), tick=False
    )


@pytest.mark.django_db
def test_a_target_still_overdue_14_days_after_the_notice_is_escalated_to_supervisors_only(
    education_bureau, supervisors, mailoutbox
):
    attainment(education_bureau, status=Status.OVERDUE)
    fixed = attainment(education_bureau, label="技能培训", number="8", status=Status.OVERDUE)
    with at(datetime.date(2026, 1, 5)):
        services.reminders_send()
    assert [m.subject for m in mailoutbox] == ["【催办】市教育局：2 项目标已逾期未完成"]
    fixed.status = Status.MET  # the department reported in time
    fixed.save()

    with at(datetime.date(2026, 1, 18)):  # 13 days later
        assert services.reminders_send()["escalation"] == 0
    with at(datetime.date(2026, 1, 19)):  # 14 days later
        sent = services.reminders_send()

    assert sent == {"due_soon": 0, "overdue": 0, "escalation": 1}
    escalation = mailoutbox[-1]
    assert len(mailoutbox) == 2
    assert escalation.subject == "【督办】市教育局：1 项目标逾期超过 14 天仍未完成"
    assert escalation.to == supervisors
    assert escalation.body.startswith("以下目标逾期后仍未完成，现报督导跟进：")
    assert (
        "任务 7：职业院校“双师型”教师占比" in escalation.body and "技能培训" not in escalation.body
    )
    with at(datetime.date(2026, 2, 19)):
        assert services.reminders_send()["escalation"] == 0


# ---------------------------------------------------------------------------------------------
# The nightly scan, end to end


@pytest.mark.django_db
def test_nightly_scan_recomputes_then_chases_what_became_overdue(reference_data, mailoutbox):
    bureau = DepartmentFactory(name="市教育局")
    UserFactory(username="wang", department=bureau, email="wang@jyj.example.cn")
    nanyang = Jurisdiction.objects.get(name="南阳市")
    target = TargetFactory(
        task__lead=bureau,
        task__number="7",
        task__plan=PlanFactory(title="南阳市职业教育提质培优实施方案", jurisdiction=nanyang),
        indicator=Indicator.objects.get(code="dual_qualified_ratio"),
    )
    report = ReportFactory(jurisdiction=nanyang, year=2025)
    FigureFactory(report=report, indicator=target.indicator, value=D("55.5"))

    before = services.nightly_scan(today=datetime.date(2025, 12, 31))
    after = services.nightly_scan(today=datetime.date(2026, 1, 1))

    assert before["reminders"] == {"due_soon": 1, "overdue": 0, "escalation": 0}
    assert after["recompute"]["updated"] == 1
    assert after["reminders"] == {"due_soon": 0, "overdue": 1, "escalation": 0}
    assert [m.subject for m in mailoutbox] == [
        "【交办提醒】市教育局：1 项目标即将到期",
        "【催办】市教育局：1 项目标已逾期未完成",
    ]
    assert (
        "任务 7：职业院校“双师型”教师占比 ≥60%（南阳市），截至2025年底，实际 55.5%，逾期未完成"
        in mailoutbox[1].body
    )
