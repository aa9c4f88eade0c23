"""REST endpoints for yearly reports: read them with their figures, and upload new ones."""

from __future__ import annotations

from typing import ClassVar

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response

from api.access import READERS, STAFF, SUPERVISOR
from api.views import ApiViewSet
from outbox.services import DEFERRED_NOTICE, outbox_deferred

from . import filters, selectors, serializers, services

LIST_DOC = "列表（分页；format=csv 或 format=xlsx 导出全部筛选结果）"


@extend_schema_view(
    list=extend_schema(summary=f"年度质量报告{LIST_DOC}"),
    retrieve=extend_schema(summary="报告详情（含处理状态；上传后用于查询进度）"),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """年度质量报告。报告是公开文件，所有角色可读；部门工作人员和督导人员可上传。"""

    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter
    ordering_fields = ("year", "uploaded_at", "processed_at", "updated_at", "title")
    ordering = ("-uploaded_at",)
    export_name = "年度报告"
    access: ClassVar[dict[str, frozenset[str]]] = {
        "list": READERS,
        "retrieve": READERS,
        "create": frozenset({STAFF, SUPERVISOR}),
    }

    def get_queryset(self):
        return selectors.report_list_visible_to(user=self.request.user)

    @extend_schema(
        summary="上传年度报告",
        description=(
            "multipart/form-data。请求中只检查大小、是否为空与文件类型，不合格返回 400 "
            "并说明原因，不保存任何内容；合格则立即保存并交给后台任务读取、识别数据，"
            "返回 202 与 status_url（status 为 failed 时 message 说明原因，如无法识别报告主体）。"
            "任务队列暂不可用时同样返回 202，message 为“已保存，后台处理将在服务恢复后自动进行”。"
            "同一文件重复上传返回 200，不重复导入；此前处理失败的文件重新上传时重新处理（202）。"
        ),
        request={"multipart/form-data": serializers.ReportUploadSerializer},
        responses={
            202: serializers.ReportAcceptedSerializer,
            200: serializers.ReportAcceptedSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        form = serializers.ReportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload, entity, year = (
            form.validated_data["file"],
            form.validated_data["entity"],
            form.validated_data.get("year"),
        )
        try:
            # Only the cheap checks (size before reading, empty, type) in the request; the
            # worker reads and extracts the file and records 已完成 or 失败 with the reason.
            services.report_size_check(name=upload.name, size=upload.size)
            data = upload.read()
            report, created = services.report_upload_create(
                name=upload.name, data=data, uploaded_by=request.user, entity=entity, year=year
            )
        except services.ReportRejected as exc:
            raise drf_serializers.ValidationError({"file": [str(exc)]}) from exc
        report.refresh_from_db()  # in-process jobs (the embedded default) have run already
        if not created:
            message = f"该文件已上传过（{report}），不重复导入"
        elif outbox_deferred():
            message = DEFERRED_NOTICE  # saved; the broker is down, processing follows
        else:
            message = services.UPLOAD_ACCEPTED
        status_url = request.build_absolute_uri(reverse("api:report-detail", args=[report.pk]))
        body = {
            "id": report.pk,
            "status": report.status,
            "message": message,
            "status_url": status_url,
            "duplicate": not created,
        }
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
            headers={"Location": status_url},
        )


@extend_schema_view(
    list=extend_schema(summary=f"报告数据{LIST_DOC}"),
    retrieve=extend_schema(summary="报告数据详情"),
)
class FigureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """从年度报告中识别出的数据，带出处（行号、表格行）与类别（实际值、计划、比上年变化）。"""

    serializer_class = serializers.FigureSerializer
    filterset_class = filters.FigureFilter
    ordering_fields = ("report", "line", "year", "updated_at")
    ordering = ("report", "line")
    export_name = "报告数据"

    def get_queryset(self):
        return selectors.figure_list().select_related("jurisdiction")
