"""List filters for attainments and the overdue listing."""

from __future__ import annotations

import django_filters

from api.filters import (
    StrictBooleanFilter,
    SyncFilterSet,
    department_ids,
    indicator_ids,
    jurisdiction_ids,
)
from tasks_registry.filters import DEPARTMENT_HELP
from tasks_registry.models import Plan, Task

from .models import Attainment, Status


class AttainmentFilter(SyncFilterSet):
    plan = django_filters.ModelChoiceFilter(
        field_name="target__task__plan", queryset=Plan.objects.all(), label="政策文件编号"
    )
    task = django_filters.ModelChoiceFilter(
        field_name="target__task", queryset=Task.objects.all(), label="任务编号"
    )
    department = django_filters.CharFilter(
        method="filter_department", label=f"责任单位（牵头或配合，任一角色）。{DEPARTMENT_HELP}"
    )
    lead_department = django_filters.CharFilter(
        method="filter_lead_department", label=f"牵头单位。{DEPARTMENT_HELP}"
    )
    indicator = django_filters.CharFilter(method="filter_indicator", label="指标：编号、代码或名称")
    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction", label="考核区划：编号或名称（含下属区划）"
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label="达成状态（可重复给出多个）"
    )
    deadline_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label="完成时限不晚于此日期（YYYY-MM-DD）"
    )
    deadline_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label="完成时限不早于此日期（YYYY-MM-DD）"
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue", label="true：只返回逾期未完成的；false：排除逾期未完成的"
    )

    class Meta:
        model = Attainment
        fields = ("target", "year")

    def filter_department(self, queryset, name, value):
        tasks = Task.objects.filter(
            assignments__department_id__in=department_ids(value, name)
        ).values("pk")
        return queryset.filter(target__task__in=tasks)

    def filter_lead_department(self, queryset, name, value):
        return queryset.filter(target__task__lead_id__in=department_ids(value, name))

    def filter_indicator(self, queryset, name, value):
        return queryset.filter(target__indicator_id__in=indicator_ids(value, name))

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(jurisdiction_id__in=jurisdiction_ids(value, name))

    def filter_overdue(self, queryset, name, value):
        return (
            queryset.filter(status=Status.OVERDUE)
            if value
            else queryset.exclude(status=Status.OVERDUE)
        )
