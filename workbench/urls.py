"""The workbench (工作台): each role's landing page and the actions done where the object is.
Each part keeps its own URL module: home (the landing page), entries (填报, 提交审核, 通过, 退回),
ledger (a department's Excel ledger of progress)."""

from django.urls import include, path

app_name = "workbench"

urlpatterns = [
    path("", include("workbench.home_urls")),
    path("entries/", include("workbench.entry_urls")),
    path("ledger/", include("workbench.ledger_urls")),
]
