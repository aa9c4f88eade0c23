"""List filters of the task registry's API (django-filter)."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from api.filters import (
    StrictBooleanFilter,
    SyncFilterSet,
    department_ids,
    indicator_ids,
    jurisdiction_ids,
)
from attainment.models import Attainment, Status

from .models import (
    Department,
    Indicator,
    Jurisdiction,
    Plan,
    ProgressEntry,
    ProgressStatus,
    Target,
    Task,
)

DEPARTMENT_HELP = "部门：编号、全称或简称（如 市教育局、教育局）"


def _due_before(prefix: str, value: datetime.date, year_field: str) -> Q:
    """Deadline on or before a date. A deadline given only as a year counts as that year's end."""
    return (
        Q(**{f"{prefix}deadline_date__lte": value})
        | Q(**{f"{prefix}deadline_date": None, f"{year_field}__lt": value.year})
        | (
            Q(**{f"{prefix}deadline_date": None, year_field: value.year})
            if (value.month, value.day) == (12, 31)
            else Q(pk__in=[])
        )
    )


def _due_after(prefix: str, value: datetime.date, year_field: str) -> Q:
    return Q(**{f"{prefix}deadline_date__gte": value}) | Q(
        **{f"{prefix}deadline_date": None, f"{year_field}__gte": value.year}
    )


class DepartmentFilter(SyncFilterSet):
    class Meta:
        model = Department
        fields = ("kind", "needs_review")


class IndicatorFilter(SyncFilterSet):
    class Meta:
        model = Indicator
        fields = ("code",)


class JurisdictionFilter(SyncFilterSet):
    within = django_filters.CharFilter(
        method="filter_within", label="地区：编号或名称，返回该地区及其下属全部区划与学校"
    )

    class Meta:
        model = Jurisdiction
        fields = ("kind", "parent")

    def filter_within(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=jurisdiction_ids(value, name))


class PlanFilter(SyncFilterSet):
    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction", label="地区：编号或名称（含下属区划）"
    )

    class Meta:
        model = Plan
        fields = ()

    def filter_jurisdiction(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(jurisdiction_id__in=jurisdiction_ids(value, name))


class _ResponsibilityFilters(SyncFilterSet):
    """department (any role) and lead_department, on a model reached through ``task_path``."""

    task_path = ""

    department = django_filters.CharFilter(
        method="filter_department", label=f"责任单位（牵头或配合，任一角色）。{DEPARTMENT_HELP}"
    )
    lead_department = django_filters.CharFilter(
        method="filter_lead_department", label=f"牵头单位。{DEPARTMENT_HELP}"
    )
    deadline_before = django_filters.DateFilter(
        method="filter_deadline_before",
        label="完成时限不晚于此日期（YYYY-MM-DD；只写年份的时限按该年 12 月 31 日计）",
    )
    deadline_after = django_filters.DateFilter(
        method="filter_deadline_after", label="完成时限不早于此日期（YYYY-MM-DD）"
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue", label="true：只返回有逾期未完成考核期的；false：只返回没有的"
    )

    def filter_department(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tasks = Task.objects.filter(assignments__department_id__in=department_ids(value, name))
        return queryset.filter(
            **{f"{self.task_path}pk__in" if self.task_path else "pk__in": tasks.values("pk")}
        )

    def filter_lead_department(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.task_path}lead_id__in": department_ids(value, name)})


class TaskFilter(_ResponsibilityFilters):
    task_path = ""

    class Meta:
        model = Task
        fields = ("plan", "is_active", "number")

    def _effective(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(
            _due_year=Coalesce("deadline_year", "plan__period_end", output_field=IntegerField())
        )

    def filter_deadline_before(self, queryset, name, value):
        return self._effective(queryset).filter(_due_before("", value, "_due_year"))

    def filter_deadline_after(self, queryset, name, value):
        return self._effective(queryset).filter(_due_after("", value, "_due_year"))

    def filter_overdue(self, queryset, name, value):
        overdue = Attainment.objects.filter(
            target__task=OuterRef("pk"), target__is_active=True, status=Status.OVERDUE
        )
        return queryset.filter(Exists(overdue) if value else ~Exists(overdue))


class TargetFilter(_ResponsibilityFilters):
    task_path = "task__"

    plan = django_filters.ModelChoiceFilter(
        field_name="task__plan", queryset=Plan.objects.all(), label="政策文件编号"
    )
    indicator = django_filters.CharFilter(method="filter_indicator", label="指标：编号、代码或名称")
    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction", label="考核区划：编号或名称（含下属区划）"
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, method="filter_status", label="有某一考核期处于此达成状态"
    )
    year = django_filters.NumberFilter(method="filter_year", label="在该年度有考核期")

    class Meta:
        model = Target
        fields = ("task", "link_status", "recurrence", "is_active")

    def filter_indicator(self, queryset, name, value):
        return queryset.filter(indicator_id__in=indicator_ids(value, name))

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Attainment.objects.filter(
                    target=OuterRef("pk"), jurisdiction_id__in=jurisdiction_ids(value, name)
                )
            )
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(
            Exists(Attainment.objects.filter(target=OuterRef("pk"), status=value))
        )

    def filter_year(self, queryset, name, value):
        return queryset.filter(Exists(Attainment.objects.filter(target=OuterRef("pk"), year=value)))

    def _effective(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(
            _due_year=Coalesce(
                "deadline_year",
                "task__deadline_year",
                "task__plan__period_end",
                output_field=IntegerField(),
            )
        )

    def filter_deadline_before(self, queryset, name, value):
        return self._effective(queryset).filter(_due_before("", value, "_due_year"))

    def filter_deadline_after(self, queryset, name, value):
        return self._effective(queryset).filter(_due_after("", value, "_due_year"))

    def filter_overdue(self, queryset, name, value):
        overdue = Attainment.objects.filter(target=OuterRef("pk"), status=Status.OVERDUE)
        return queryset.filter(Exists(overdue) if value else ~Exists(overdue))


class ProgressEntryFilter(SyncFilterSet):
    plan = django_filters.ModelChoiceFilter(
        field_name="task__plan", queryset=Plan.objects.all(), label="政策文件编号"
    )
    department = django_filters.CharFilter(
        method="filter_department", label=f"填报部门。{DEPARTMENT_HELP}"
    )
    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction", label="县区：编号或名称（含下属区划）"
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ProgressStatus.choices, label="状态（可重复给出多个）"
    )

    class Meta:
        model = ProgressEntry
        fields = ("task", "target", "year", "quarter")

    def filter_department(self, queryset, name, value):
        return queryset.filter(department_id__in=department_ids(value, name))

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(jurisdiction_id__in=jurisdiction_ids(value, name))
