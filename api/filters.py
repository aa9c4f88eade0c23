"""Filters every list shares: ordering that pages stably, incremental sync, and references that
accept a name as well as an id (the office types 市教育局, not 17)."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.utils import get_model_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from tasks_registry.models import Department, Indicator, Jurisdiction

from .deletions import KINDS
from .models import Deletion


class StableOrdering(OrderingFilter):
    """Ordering by the requested fields, then by primary key, so that rows with equal sort keys
    never swap between pages."""

    ordering_description = "排序字段，逗号分隔，前加 - 表示倒序；可用字段见各接口说明"

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(f.lstrip("-") in ("pk", "id") for f in ordering):
            ordering.append("pk")
        return ordering

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = list(getattr(view, "ordering_fields", None) or ())
        for p in parameters:
            p["description"] = f"{self.ordering_description}：{'、'.join(fields)}"
        return parameters


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _ids(model_label: str, value: str, found: list[int], param: str) -> list[int]:
    if not found:
        raise ValidationError({param: [f"找不到{model_label}“{value}”"]})
    return found


def department_ids(value: str, param: str = "department") -> list[int]:
    """A department by id, full name or short name (市教育局 / 教育局)."""
    value = value.strip()
    if _is_id(value):
        return _ids(
            "部门",
            value,
            list(Department.objects.filter(pk=int(value)).values_list("pk", flat=True)),
            param,
        )
    return _ids(
        "部门",
        value,
        list(
            Department.objects.filter(Q(name=value) | Q(aliases__alias=value))
            .values_list("pk", flat=True)
            .distinct()
        ),
        param,
    )


def jurisdiction_ids(value: str, param: str = "jurisdiction") -> list[int]:
    """A place by id, name or short name, with every place under it (a city and its counties)."""
    value = value.strip()
    places = list(Jurisdiction.objects.values_list("pk", "name", "parent_id", "aliases"))
    if _is_id(value):
        roots = [pk for pk, *_ in places if pk == int(value)]
    else:
        roots = [pk for pk, name, _, aliases in places if value == name or value in (aliases or [])]
    _ids("地区", value, roots, param)
    children: dict[int | None, list[int]] = {}
    for pk, _, parent, _ in places:
        children.setdefault(parent, []).append(pk)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk not in seen:  # a mistaken edit can make a place its own ancestor
            seen.add(pk)
            stack.extend(children.get(pk, []))
    return sorted(seen)


def indicator_ids(value: str, param: str = "indicator") -> list[int]:
    value = value.strip()
    q = Q(pk=int(value)) if _is_id(value) else Q(code=value) | Q(name=value)
    return _ids(
        "指标", value, list(Indicator.objects.filter(q).values_list("pk", flat=True)), param
    )


class _StrictBooleanField(forms.NullBooleanField):
    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        lowered = str(value).strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        # A message with the value in it goes through params: django-filter formats every
        # message with ``%``, and a value such as "%" written into the text would break that.
        raise forms.ValidationError(
            "“%(value)s”不是有效的是/否值，请用 true 或 false",
            code="invalid",
            params={"value": str(value)[:40]},
        )

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    """true/false (or 1/0, yes/no); anything else is a 400, not silently "not given"."""

    field_class = _StrictBooleanField


class _MomentField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC. PostgreSQL refuses offsets beyond
    ±15:59 that ISO 8601 allows (…-23:45), and a moment outside years 1–9999 once in UTC cannot
    be represented at all: either is the caller's typo, so it is a 400, not a 500."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "不是有效的时刻：请用 ISO 8601 格式，如 2026-01-01T00:00:00+08:00"
        "（时差在 ±16 小时内，年份 1–9999）"
    }

    def to_python(self, value):
        moment = super().to_python(value)  # aware: a moment without an offset is Beijing time
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = _MomentField


class SyncFilterSet(django_filters.FilterSet):
    """Every list: ``updated_since`` returns what changed at or after a moment, for incremental
    sync (keep the largest ``updated_at`` you received and pass it next time). Filters made from
    ``Meta.fields`` are described by their model field's Chinese name, and their true/false
    values are checked strictly."""

    FILTER_DEFAULTS: ClassVar[dict[type[models.Field[Any, Any]], dict[str, Any]]] = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for f in filters.values():
            if f.label is None and cls._meta.model is not None:
                field = get_model_field(cls._meta.model, f.field_name)
                if field is not None:
                    f.label = (
                        f"{field.verbose_name}（编号）"
                        if field.is_relation
                        else str(field.verbose_name)
                    )
        return filters

    updated_since = MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="增量同步：只返回此时刻（含）之后新增或修改的记录，"
        "ISO 8601 格式，如 2026-01-01T00:00:00+08:00",
    )


class DeletionFilter(SyncFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=sorted((k, k) for k in set(KINDS.values())),
        label="所属列表，如 progress-entries",
    )

    class Meta:
        model = Deletion
        fields = ()
