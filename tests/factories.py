"""factory_boy factories for the domain model."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from tasks_registry.models import (
    AssignmentRole,
    Department,
    DepartmentKind,
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
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
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

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    text = "职业院校“双师型”教师占比达到 60% 以上。"
    lead = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def co(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        TaskAssignment.objects.get_or_create(task=obj, department=obj.lead, defaults={"role": AssignmentRole.LEAD})
        for position, department in enumerate(extracted or [], start=1):
            TaskAssignment.objects.get_or_create(
                task=obj, department=department, defaults={"role": AssignmentRole.CO, "position": position}
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
