"""factory_boy factories for the domain model."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from attainment.models import Attainment, Status
from reporting.models import Figure, FigureKind, FigureMethod, FigureStatus, Report, ReportStatus
from tasks_registry.models import (
    AssignmentRole,
    Department,
    DepartmentKind,
    Jurisdiction,
    JurisdictionKind,
    Plan,
    ProgressEntry,
    Target,
    Task,
    TaskAssignment,
)


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"市测试局{n}")
    kind = DepartmentKind.MUNICIPAL


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    role = Role.DEPARTMENT_STAFF
    department: factory.SubFactory | None = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SupervisorFactory(UserFactory):
    role = Role.SUPERVISOR
    department = None


class PlanFactory(DjangoModelFactory[Plan]):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"测试市职业教育实施方案{n}")
    period_start = 2021
    period_end = 2025


class TaskFactory(DjangoModelFactory[Task]):
    class Meta:
        model = Task
        skip_postgeneration_save = True  # the co hook writes assignments, not the task

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    text = "职业院校“双师型”教师占比达到 60% 以上。"
    lead = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def co(obj, create, extracted, **kwargs):
        if not create:
            return
        TaskAssignment.objects.get_or_create(
            task=obj, department=obj.lead, defaults={"role": AssignmentRole.LEAD}
        )
        for position, department in enumerate(extracted or [], start=1):
            TaskAssignment.objects.get_or_create(
                task=obj,
                department=department,
                defaults={"role": AssignmentRole.CO, "position": position},
            )


class TargetFactory(DjangoModelFactory[Target]):
    class Meta:
        model = Target

    task = factory.SubFactory(TaskFactory)
    label = "职业院校“双师型”教师占比"
    comparison = "ge"
    value = Decimal("60")
    unit = "%"
    source_text = "职业院校“双师型”教师占比达到 60% 以上。"


class ProgressEntryFactory(DjangoModelFactory[ProgressEntry]):
    class Meta:
        model = ProgressEntry

    target = factory.SubFactory(TargetFactory)
    task = factory.LazyAttribute(lambda o: o.target.task)
    department = factory.LazyAttribute(lambda o: o.target.task.lead)
    created_by = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))
    year = 2023
    value = Decimal("41.2")
    narrative = "全市中职“双师型”教师 1680 人。"


class JurisdictionFactory(DjangoModelFactory[Jurisdiction]):
    class Meta:
        model = Jurisdiction

    name = factory.Sequence(lambda n: f"测试县{n}")
    kind = JurisdictionKind.COUNTY
    code = factory.Sequence(lambda n: f"49{n:04d}")


class ReportFactory(DjangoModelFactory[Report]):
    class Meta:
        model = Report

    title = factory.LazyAttribute(
        lambda o: f"{o.jurisdiction.name if o.jurisdiction else ''}{o.year}年职业教育质量年度报告"
    )
    jurisdiction = factory.SubFactory(JurisdictionFactory, kind=JurisdictionKind.CITY)
    year = 2023
    original_name = factory.LazyAttribute(lambda o: f"{o.title}.txt")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    status = ReportStatus.DONE


class FigureFactory(DjangoModelFactory[Figure]):
    """A figure as the extractor stores it: the report's own place and year unless told."""

    class Meta:
        model = Figure

    report = factory.SubFactory(ReportFactory)
    indicator = None
    label = factory.LazyAttribute(lambda o: o.indicator.name if o.indicator else "数据")
    value = Decimal("1")
    unit = factory.LazyAttribute(lambda o: o.indicator.unit if o.indicator else "")
    kind = FigureKind.ACTUAL
    year = factory.LazyAttribute(lambda o: o.report.year)
    line = factory.Sequence(lambda n: 10 + n)
    text = factory.LazyAttribute(lambda o: f"{o.label}{o.value.normalize():f}{o.unit}。")
    method = FigureMethod.PROSE
    jurisdiction = factory.LazyAttribute(lambda o: o.report.jurisdiction)
    status = FigureStatus.EXTRACTED


class AttainmentFactory(DjangoModelFactory[Attainment]):
    """A stored attainment row, for tests of what reads them (reminders, the supervisors' view)."""

    class Meta:
        model = Attainment

    target = factory.SubFactory(TargetFactory)
    jurisdiction = None
    year = 2025
    period_label = "截至2025年底"
    due_date = datetime.date(2025, 12, 31)
    status = Status.OVERDUE
    actual = Decimal("41.2")
    computed_at = factory.LazyFunction(timezone.now)
