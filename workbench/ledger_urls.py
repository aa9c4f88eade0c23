"""A department's Excel ledger of progress (workbench/ledger.py)."""

from django.urls import URLPattern, path

from . import ledger

urlpatterns: list[URLPattern] = [
    path("", ledger.ledger_page, name="ledger"),
]
