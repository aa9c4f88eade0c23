"""/api/v1/: every endpoint of the REST API, registered in one place."""

from rest_framework.routers import DefaultRouter

from api.apis import DeletionViewSet
from attainment.apis import AttainmentViewSet, OverdueViewSet
from reporting.apis import FigureViewSet, ReportViewSet
from tasks_registry.apis import (
    DepartmentViewSet,
    IndicatorViewSet,
    JurisdictionViewSet,
    PlanViewSet,
    ProgressEntryViewSet,
    TargetViewSet,
    TaskViewSet,
)

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("tasks", TaskViewSet, basename="task")
router.register("targets", TargetViewSet, basename="target")
router.register("departments", DepartmentViewSet, basename="department")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("jurisdictions", JurisdictionViewSet, basename="jurisdiction")
router.register("progress-entries", ProgressEntryViewSet, basename="progress-entry")
router.register("reports", ReportViewSet, basename="report")
router.register("figures", FigureViewSet, basename="figure")
router.register("attainments", AttainmentViewSet, basename="attainment")
router.register("overdue", OverdueViewSet, basename="overdue")
router.register("deletions", DeletionViewSet, basename="deletion")

app_name = "api"
urlpatterns = router.urls
