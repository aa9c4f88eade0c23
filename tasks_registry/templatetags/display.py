"""Template filters over ``tasks_registry.display``: ``{{ entry.value|amount:target.unit }}``,
``{{ a.ratio|ratio }}``, ``{{ a.due_date|cn_date }}``, ``{{ a.due_date|days_left }}``."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from tasks_registry import display

register = template.Library()


@register.filter
def amount(value, unit: str = "") -> str:
    return display.amount_text(value, unit or "")


@register.filter
def number(value) -> str:
    return display.number_text(value)


@register.filter
def ratio(value) -> str:
    return display.ratio_text(value)


@register.filter
def cn_date(value) -> str:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return display.date_text(value)


@register.filter
def days_left(value: datetime.date | None) -> str:
    if value is None:
        return ""
    return display.days_text(value, timezone.localdate())
