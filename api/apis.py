"""The one endpoint of the API's own: what was deleted, for incremental sync."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from .deletions import deletion_list_visible_to
from .filters import DeletionFilter
from .models import Deletion
from .serializers import DeletionSerializer
from .views import ApiViewSet


@extend_schema_view(
    list=extend_schema(
        summary="已删除记录列表（分页；format=csv 或 format=xlsx 导出全部筛选结果）",
        description=(
            "增量同步时，用与其他列表相同的 updated_since 取回此后删除的记录，从本地副本中删去："
            "kind 是记录所在的列表（evidence 为进展填报中的佐证材料），"
            "record_id 是它的编号，updated_at 是删除时间。"
            "只有编号和删除时间，不含记录内容；只列出调用者当时能看到的记录"
            "（部门工作人员只见本部门相关的任务、目标、达成情况、进展填报与佐证材料）。"
        ),
    ),
    retrieve=extend_schema(summary="已删除记录详情"),
)
class DeletionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """已删除的记录（供增量同步）。"""

    queryset = Deletion.objects.none()  # for the schema; get_queryset is what is served
    serializer_class = DeletionSerializer
    filterset_class = DeletionFilter
    ordering_fields = ("updated_at", "kind", "record_id")
    ordering = ("updated_at",)
    export_name = "已删除记录"

    def get_queryset(self):
        return deletion_list_visible_to(user=self.request.user)
