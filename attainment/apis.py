"""REST endpoints for attainment: each target's status per place and period, and what is overdue."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from api.views import ApiViewSet

from . import filters, selectors, serializers
from .models import Status

LIST_DOC = "（分页；format=csv 或 format=xlsx 导出全部筛选结果）"
ORDERING = ("year", "due_date", "status", "ratio", "overdue_since", "updated_at", "target")


@extend_schema_view(
    list=extend_schema(summary=f"目标达成情况列表{LIST_DOC}"),
    retrieve=extend_schema(summary="目标达成情况详情"),
)
class AttainmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """每个目标在每个考核区划、每个考核期的达成情况，由后台任务根据报告数据和已审核的进展填报计算。
    部门令牌只能看到本部门任务的目标。"""

    serializer_class = serializers.AttainmentSerializer
    filterset_class = filters.AttainmentFilter
    ordering_fields = ORDERING
    ordering: tuple[str, ...] = (
        "target__task__plan",
        "target__task__position",
        "target__position",
        "year",
    )
    export_name = "目标达成情况"

    def get_queryset(self):
        return selectors.attainment_list_visible_to(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary=f"逾期未完成的目标{LIST_DOC}"),
    retrieve=extend_schema(summary="逾期目标详情"),
)
class OverdueViewSet(AttainmentViewSet):
    """已过完成时限仍未达成的目标（状态为“逾期未完成”），逾期最久的在前。筛选条件同目标达成情况列表。"""

    ordering = ("overdue_since", "due_date")
    export_name = "逾期目标"

    def get_queryset(self):
        return super().get_queryset().filter(status=Status.OVERDUE)
