"""REST endpoints of the task registry. Thin: scope with a selector, validate, call a service."""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.access import READERS, STAFF, SUPERVISOR
from api.views import ApiViewSet
from config.files import file_response

from . import filters, selectors, serializers, services
from .models import (
    Department,
    Evidence,
    Indicator,
    Jurisdiction,
    Plan,
    ProgressEntry,
    TaskAssignment,
)

LIST_DOC = "列表（分页；format=csv 或 format=xlsx 导出全部筛选结果）"


@extend_schema_view(
    list=extend_schema(summary=f"部门{LIST_DOC}"), retrieve=extend_schema(summary="部门详情")
)
class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """部门目录（参考数据，所有角色可读）。"""

    queryset = Department.objects.prefetch_related("aliases")
    serializer_class = serializers.DepartmentSerializer
    filterset_class = filters.DepartmentFilter
    ordering_fields = ("name", "kind", "updated_at")
    ordering = ("kind", "name")
    export_name = "部门"


@extend_schema_view(
    list=extend_schema(summary=f"指标{LIST_DOC}"), retrieve=extend_schema(summary="指标详情")
)
class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """指标目录（参考数据，所有角色可读）。"""

    queryset = Indicator.objects.all()
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    ordering_fields = ("code", "name", "updated_at")
    ordering = ("code",)
    export_name = "指标"


@extend_schema_view(
    list=extend_schema(summary=f"行政区划与学校{LIST_DOC}"),
    retrieve=extend_schema(summary="行政区划详情"),
)
class JurisdictionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """行政区划与学校（参考数据，所有角色可读）。"""

    queryset = Jurisdiction.objects.select_related("parent")
    serializer_class = serializers.JurisdictionSerializer
    filterset_class = filters.JurisdictionFilter
    ordering_fields = ("name", "kind", "code", "updated_at")
    ordering = ("kind", "code", "name")
    export_name = "行政区划"


@extend_schema_view(
    list=extend_schema(summary=f"政策文件{LIST_DOC}"),
    retrieve=extend_schema(summary="政策文件详情"),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """政策文件（含任务清单），所有角色可读。"""

    queryset = Plan.objects.select_related("jurisdiction").annotate(
        task_count=Count("tasks", filter=Q(tasks__is_active=True))
    )
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    ordering_fields = ("title", "period_end", "imported_at", "updated_at")
    ordering = ("-period_end", "title")
    export_name = "政策文件"


@extend_schema_view(
    list=extend_schema(summary=f"任务{LIST_DOC}"), retrieve=extend_schema(summary="任务详情")
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """任务清单中的任务。部门令牌只能看到本部门牵头或配合的任务。"""

    serializer_class = serializers.TaskSerializer
    filterset_class = filters.TaskFilter
    ordering_fields = ("plan", "position", "number", "deadline_year", "updated_at")
    ordering = ("plan", "position")
    export_name = "任务"

    def get_queryset(self):
        assignments = TaskAssignment.objects.select_related("department").order_by("position")
        return selectors.task_list_visible_to(user=self.request.user).prefetch_related(
            Prefetch("assignments", queryset=assignments)
        )


@extend_schema_view(
    list=extend_schema(summary=f"目标{LIST_DOC}"), retrieve=extend_schema(summary="目标详情")
)
class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """任务中的量化目标。部门令牌只能看到本部门任务的目标。"""

    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilter
    ordering_fields = ("task", "position", "deadline_year", "updated_at")
    ordering = ("task__plan", "task__position", "position")
    export_name = "目标"

    def get_queryset(self):
        return selectors.target_list_visible_to(user=self.request.user).select_related(
            "jurisdiction"
        )


WRITE_DOC = "仅部门工作人员（本部门、草稿或已退回状态）；已提交或已通过的填报返回 409"


@extend_schema_view(
    list=extend_schema(summary=f"进展填报{LIST_DOC}"),
    retrieve=extend_schema(summary="进展填报详情"),
    create=extend_schema(
        summary="新建进展填报（草稿）",
        description="仅部门工作人员，且任务须由本部门牵头或配合。",
        request=serializers.ProgressEntryWriteSerializer,
        responses={201: serializers.ProgressEntrySerializer},
    ),
    update=extend_schema(
        summary="修改进展填报",
        description=WRITE_DOC,
        request=serializers.ProgressEntryWriteSerializer,
        responses={200: serializers.ProgressEntrySerializer},
    ),
    partial_update=extend_schema(
        summary="修改进展填报（部分字段）",
        description=WRITE_DOC,
        request=serializers.ProgressEntryWriteSerializer,
        responses={200: serializers.ProgressEntrySerializer},
    ),
    destroy=extend_schema(
        summary="删除草稿", description="仅本部门的草稿可删除；其他状态返回 409。"
    ),
)
class ProgressEntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    """部门的进展填报。部门令牌只能看到和修改本部门的填报；督导人员审核；督查室只读。"""

    serializer_class = serializers.ProgressEntrySerializer
    filterset_class = filters.ProgressEntryFilter
    ordering_fields = ("year", "quarter", "updated_at", "created_at", "status")
    ordering = ("-year", "-quarter", "-updated_at")
    export_name = "进展填报"
    access: ClassVar[dict[str, frozenset[str]]] = {
        "list": READERS,
        "retrieve": READERS,
        "create": frozenset({STAFF}),
        "update": frozenset({STAFF}),
        "partial_update": frozenset({STAFF}),
        "destroy": frozenset({STAFF}),
        "submit": frozenset({STAFF}),
        "evidence": frozenset({STAFF}),
        "evidence_file": READERS,
        "approve": frozenset({SUPERVISOR}),
        "return_entry": frozenset({SUPERVISOR}),
    }

    def get_queryset(self):
        return (
            selectors.progress_entry_list_visible_to(user=self.request.user)
            .select_related("reviewed_by", "jurisdiction")
            .prefetch_related("evidence")
        )

    def _answer(self, entry: ProgressEntry, code: int = status.HTTP_200_OK) -> Response:
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(
            serializers.ProgressEntrySerializer(entry, context=self.get_serializer_context()).data,
            status=code,
        )

    def create(self, request, *args, **kwargs):
        data = serializers.ProgressEntryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.progress_entry_create(by=request.user, **data.validated_data)
        return self._answer(entry, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        entry = self.get_object()
        partial = kwargs.get("partial", False)
        data = serializers.ProgressEntryWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        if not partial:
            # PUT replaces the entry: what it leaves out is cleared, not kept from before. The task
            # stays when not given, since an entry always has one (the target's, or its own).
            changes = {
                "target": None,
                "jurisdiction": None,
                "quarter": None,
                "value": None,
                **changes,
            }
        entry = services.progress_entry_update(entry=entry, by=request.user, **changes)
        return self._answer(entry)

    def destroy(self, request, *args, **kwargs):
        services.progress_entry_delete(entry=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="提交审核",
        description="本部门的草稿或已退回填报提交给督导人员审核。",
        request=None,
        responses={200: serializers.ProgressEntrySerializer},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._answer(
            services.progress_entry_submit(entry=self.get_object(), by=request.user)
        )

    @extend_schema(
        summary="审核通过",
        description="仅督导人员；只能审核已提交的填报。通过后锁定，并重新计算目标达成情况。",
        request=None,
        responses={200: serializers.ProgressEntrySerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._answer(
            services.progress_entry_approve(entry=self.get_object(), by=request.user)
        )

    @extend_schema(
        summary="退回",
        description="仅督导人员；须填写退回原因。",
        request=serializers.ReturnSerializer,
        responses={200: serializers.ProgressEntrySerializer},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_entry(self, request, pk=None):
        data = serializers.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.progress_entry_return(
                entry=self.get_object(), by=request.user, comment=data.validated_data["comment"]
            )
        )

    @extend_schema(
        summary="上传佐证材料",
        description=(
            "multipart/form-data；文件类型与大小限制同后台。上传完成即保存，返回 201 与材料地址。"
        ),
        request={"multipart/form-data": serializers.EvidenceUploadSerializer},
        responses={201: serializers.EvidenceSerializer},
    )
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        data = serializers.EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.evidence_add(
            entry=self.get_object(), by=request.user, **data.validated_data
        )
        body = serializers.EvidenceSerializer(item).data
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{item.pk}/")
        return Response(
            body | {"url": location}, status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        summary="下载佐证材料",
        responses={(200, "application/octet-stream"): OpenApiResponse(description="文件内容")},
    )
    @action(detail=True, methods=["get"], url_path="evidence/(?P<evidence_id>[0-9]+)")
    def evidence_file(self, request, pk=None, evidence_id=None):
        item = get_object_or_404(Evidence, pk=evidence_id, entry=self.get_object())
        # The same answer as the admin's download link (attachment, allowed type, nosniff).
        return file_response(
            request=request, record=item, file=item.file, filename=item.file.name or ""
        )
