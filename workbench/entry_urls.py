"""Progress entries on the workbench: 填报, an entry's page, 提交审核, 通过 and 退回
(workbench/entries.py)."""

from django.urls import URLPattern, path

from . import entries

urlpatterns: list[URLPattern] = [
    path("new/", entries.entry_new, name="entry_new"),
    path("<int:pk>/", entries.entry_detail, name="entry"),
    path("<int:pk>/edit/", entries.entry_edit, name="entry_edit"),
    path("<int:pk>/submit/", entries.entry_submit, name="entry_submit"),
    path("<int:pk>/approve/", entries.entry_approve, name="entry_approve"),
    path("<int:pk>/return/", entries.entry_return, name="entry_return"),
]
