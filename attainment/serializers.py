"""How attainment reads in the API: the status of each target, place and period, with sources."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers import DescribedModelSerializer, NamedRef
from tasks_registry.serializers import IndicatorRef

from .models import Attainment


class SourceSerializer(serializers.Serializer):
    """One reading behind an attainment, as stored with it (missing keys are left out)."""

    kind = serializers.CharField(
        required=False, help_text="来源类别：figure 报告数据、progress 进展填报、derived 推算"
    )
    tier = serializers.IntegerField(
        required=False,
        help_text="优先级：0 已审核进展填报，1 已核对报告数据，2 自动识别报告数据，"
        "3 次年报告，4 推算",
    )
    tier_label = serializers.CharField(required=False, help_text="优先级说明")
    display = serializers.CharField(required=False, help_text="数值（含单位）")
    value = serializers.CharField(required=False, help_text="数值（字符串，避免精度损失）")
    year = serializers.IntegerField(required=False, allow_null=True, help_text="数据所属年度")
    where = serializers.CharField(required=False, help_text="出处，如《……报告》第 254 行")
    text = serializers.CharField(
        required=False, allow_blank=True, help_text="原文句子、表格行或进展情况"
    )
    report_id = serializers.IntegerField(required=False, help_text="报告编号（报告数据）")
    figure_id = serializers.IntegerField(required=False, help_text="报告数据编号")
    line = serializers.IntegerField(required=False, help_text="报告中的行号")
    table_row = serializers.IntegerField(required=False, allow_null=True, help_text="表格行号")
    entry_id = serializers.IntegerField(required=False, help_text="进展填报编号（进展填报）")
    department = serializers.CharField(required=False, help_text="填报部门（进展填报）")


class AttainmentSerializer(DescribedModelSerializer):
    task = serializers.IntegerField(source="target.task_id", read_only=True, help_text="任务编号")
    task_number = serializers.CharField(
        source="target.task.number", read_only=True, help_text="任务序号"
    )
    plan = serializers.IntegerField(
        source="target.task.plan_id", read_only=True, help_text="政策文件编号"
    )
    lead = NamedRef(
        source="target.task.lead", read_only=True, allow_null=True, help_text="牵头单位"
    )
    target_label = serializers.CharField(
        source="target.label", read_only=True, help_text="目标内容"
    )
    target_worded = serializers.CharField(
        source="target.worded", read_only=True, help_text="目标的完整表述"
    )
    indicator = IndicatorRef(
        source="target.indicator", read_only=True, allow_null=True, help_text="衡量该目标的指标"
    )
    jurisdiction = NamedRef(read_only=True, allow_null=True, help_text="考核区划")
    status_display = serializers.CharField(
        source="get_status_display", read_only=True, label="状态说明", help_text="状态（中文）"
    )
    percent = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="完成进度（0–100）"
    )
    sources = SourceSerializer(many=True, read_only=True, help_text="数据来源，按优先级排列")

    class Meta:
        model = Attainment
        fields = (
            "id",
            "target",
            "task",
            "task_number",
            "plan",
            "lead",
            "target_label",
            "target_worded",
            "indicator",
            "jurisdiction",
            "year",
            "period_label",
            "due_date",
            "actual",
            "actual_year",
            "ratio",
            "percent",
            "expected",
            "baseline",
            "baseline_year",
            "status",
            "status_display",
            "reason",
            "sources",
            "overdue_since",
            "computed_at",
            "updated_at",
        )
