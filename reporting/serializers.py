"""How yearly reports and their figures read in the API."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from api.serializers import DescribedModelSerializer, InputSerializer, NamedRef
from policytext import documents
from tasks_registry.serializers import IndicatorRef

from .models import Figure, Report


class ReportSerializer(DescribedModelSerializer):
    jurisdiction = NamedRef(read_only=True, allow_null=True, help_text="报告主体（市、县或学校）")
    status_display = serializers.CharField(
        source="get_status_display",
        read_only=True,
        label="处理状态说明",
        help_text="处理状态（中文）",
    )
    figure_count = serializers.IntegerField(read_only=True, help_text="识别出的数据条数")
    linked_count = serializers.IntegerField(read_only=True, help_text="已关联指标的数据条数")
    figures_url = serializers.SerializerMethodField(
        help_text="该报告识别出的全部数据（数据列表按报告筛选）"
    )

    class Meta:
        model = Report
        fields = (
            "id",
            "title",
            "jurisdiction",
            "year",
            "original_name",
            "size",
            "status",
            "status_display",
            "message",
            "summary",
            "figure_count",
            "linked_count",
            "figures_url",
            "uploaded_at",
            "processed_at",
            "updated_at",
        )

    def get_figures_url(self, obj: Report) -> str:
        url = f"{reverse('api:figure-list')}?report={obj.pk}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ReportUploadSerializer(InputSerializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=f"报告文件：{documents.ACCEPTED}",
    )
    entity = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="报告主体（留空则从标题识别）",
    )
    year = serializers.IntegerField(
        min_value=2000,
        max_value=2100,
        required=False,
        allow_null=True,
        help_text="年度（留空则从标题识别）",
    )


class ReportAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="报告编号")
    status = serializers.CharField(help_text="处理状态：uploaded、processing、done、failed")
    message = serializers.CharField(help_text="说明")
    status_url = serializers.URLField(help_text="查询处理状态的地址（即该报告的详情）")
    duplicate = serializers.BooleanField(help_text="同一文件此前已上传过时为 true，不重复导入")


class FigureSerializer(DescribedModelSerializer):
    report = serializers.IntegerField(source="report_id", read_only=True, help_text="报告编号")
    indicator = IndicatorRef(
        read_only=True, allow_null=True, help_text="识别出的指标（未识别时为空）"
    )
    jurisdiction = NamedRef(read_only=True, allow_null=True, help_text="数据所属区划或学校")
    kind_display = serializers.CharField(
        source="get_kind_display", read_only=True, help_text="类别：实际值、计划、比上年变化……"
    )
    status_display = serializers.CharField(
        source="get_status_display",
        read_only=True,
        label="审核状态说明",
        help_text="审核状态（中文）",
    )

    class Meta:
        model = Figure
        fields = (
            "id",
            "report",
            "indicator",
            "label",
            "value",
            "value_high",
            "unit",
            "qualifier",
            "kind",
            "kind_display",
            "year",
            "line",
            "place",
            "table_title",
            "table_row",
            "section",
            "text",
            "method",
            "confidence",
            "subject",
            "jurisdiction",
            "status",
            "status_display",
            "review_note",
            "updated_at",
        )
