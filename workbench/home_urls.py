"""The workbench's landing page (workbench/home.py)."""

from django.urls import URLPattern, path

from . import home

urlpatterns: list[URLPattern] = [
    path("", home.workbench_home, name="home"),
]
