"""List filters for reports and figures."""

from __future__ import annotations

import django_filters

from api.filters import StrictBooleanFilter, SyncFilterSet, indicator_ids, jurisdiction_ids

from .models import Figure, FigureKind, FigureStatus, Report, ReportStatus


class ReportFilter(SyncFilterSet):
    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction", label="报告主体：编号或名称（含下属区划与学校）"
    )
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices, label="处理状态")

    class Meta:
        model = Report
        fields = ("year",)

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(jurisdiction_id__in=jurisdiction_ids(value, name))


class FigureFilter(SyncFilterSet):
    indicator = django_filters.CharFilter(method="filter_indicator", label="指标：编号、代码或名称")
    jurisdiction = django_filters.CharFilter(
        method="filter_jurisdiction", label="数据所属区划：编号或名称（含下属区划与学校）"
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=FigureKind.choices, label="类别（actual 实际值、plan 计划……）"
    )
    status = django_filters.MultipleChoiceFilter(choices=FigureStatus.choices, label="审核状态")
    linked = StrictBooleanFilter(
        field_name="indicator",
        lookup_expr="isnull",
        exclude=True,
        label="true：只返回已关联指标的数据",
    )

    class Meta:
        model = Figure
        fields = ("report", "year")

    def filter_indicator(self, queryset, name, value):
        return queryset.filter(indicator_id__in=indicator_ids(value, name))

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(jurisdiction_id__in=jurisdiction_ids(value, name))
