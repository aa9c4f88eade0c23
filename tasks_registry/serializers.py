"""How the task registry reads in the API. Field names English; descriptions Chinese."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers import DescribedModelSerializer, InputSerializer, NamedRef

from .models import (
    Department,
    Evidence,
    Indicator,
    Jurisdiction,
    Plan,
    ProgressEntry,
    Target,
    Task,
)


class DepartmentSerializer(DescribedModelSerializer):
    kind_display = serializers.CharField(
        source="get_kind_display", read_only=True, label="类别说明", help_text="类别（中文）"
    )
    aliases = serializers.SerializerMethodField(help_text="简称/别称")

    class Meta:
        model = Department
        fields = ("id", "name", "kind", "kind_display", "aliases", "needs_review", "updated_at")

    def get_aliases(self, obj: Department) -> list[str]:
        return [a.alias for a in obj.aliases.all()]


class IndicatorSerializer(DescribedModelSerializer):
    derived = serializers.SerializerMethodField(
        help_text="是否由两个指标相除得出（如达标学校占比）"
    )

    class Meta:
        model = Indicator
        fields = ("id", "code", "name", "unit", "flow", "additive", "derived", "updated_at")

    def get_derived(self, obj: Indicator) -> bool:
        return obj.numerator_id is not None


class JurisdictionSerializer(DescribedModelSerializer):
    kind_display = serializers.CharField(
        source="get_kind_display", read_only=True, label="层级说明", help_text="层级（中文）"
    )
    parent_name = serializers.CharField(
        source="parent.name",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="上级名称（顶级为空）",
    )

    class Meta:
        model = Jurisdiction
        fields = (
            "id",
            "name",
            "kind",
            "kind_display",
            "code",
            "parent",
            "parent_name",
            "aliases",
            "needs_review",
            "updated_at",
        )


class PlanSerializer(DescribedModelSerializer):
    jurisdiction = NamedRef(read_only=True, allow_null=True, help_text="适用区划")
    task_count = serializers.IntegerField(read_only=True, help_text="有效任务数")

    class Meta:
        model = Plan
        fields = (
            "id",
            "title",
            "issuer",
            "period_start",
            "period_end",
            "jurisdiction",
            "source_name",
            "imported_at",
            "task_count",
            "updated_at",
        )


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="department_id", help_text="部门编号")
    name = serializers.CharField(source="department.name", help_text="部门名称")
    role = serializers.CharField(help_text="角色：lead 牵头、co 配合、group 工作专班/领导小组")
    written_as = serializers.CharField(help_text="清单原文中的写法")


class TaskSerializer(DescribedModelSerializer):
    plan_title = serializers.CharField(
        source="plan.title", read_only=True, help_text="政策文件名称"
    )
    lead = NamedRef(read_only=True, allow_null=True, help_text="牵头单位（清单中列在第一位的单位）")
    departments = AssignmentSerializer(
        source="assignments", many=True, read_only=True, help_text="全部责任单位及其角色"
    )

    class Meta:
        model = Task
        fields = (
            "id",
            "plan",
            "plan_title",
            "number",
            "text",
            "lead",
            "departments",
            "responsibility_text",
            "deadline_text",
            "deadline_year",
            "deadline_date",
            "source_line",
            "source_place",
            "is_active",
            "updated_at",
        )


class IndicatorRef(serializers.Serializer):
    id = serializers.IntegerField(help_text="指标编号")
    code = serializers.CharField(help_text="指标代码")
    name = serializers.CharField(help_text="指标名称")


class TargetSerializer(DescribedModelSerializer):
    task_number = serializers.CharField(source="task.number", read_only=True, help_text="任务序号")
    plan = serializers.IntegerField(source="task.plan_id", read_only=True, help_text="政策文件编号")
    lead = NamedRef(source="task.lead", read_only=True, allow_null=True, help_text="牵头单位")
    worded = serializers.CharField(
        read_only=True, help_text="目标的完整表述，如“2022年起每年 ≥100000人次”"
    )
    indicator = IndicatorRef(
        read_only=True, allow_null=True, help_text="衡量该目标的指标（未关联时为空）"
    )
    jurisdiction = NamedRef(
        read_only=True, allow_null=True, help_text="考核区划（为空表示政策文件的适用区划）"
    )

    class Meta:
        model = Target
        fields = (
            "id",
            "task",
            "task_number",
            "plan",
            "lead",
            "label",
            "worded",
            "indicator",
            "jurisdiction",
            "link_status",
            "comparison",
            "value",
            "value_high",
            "unit",
            "per_unit",
            "recurrence",
            "from_year",
            "deadline_year",
            "deadline_date",
            "cumulative_from",
            "cumulative_to",
            "source_text",
            "needs_review",
            "review_reason",
            "is_active",
            "updated_at",
        )


class EvidenceSerializer(DescribedModelSerializer):
    name = serializers.SerializerMethodField(help_text="文件名")
    size = serializers.SerializerMethodField(help_text="文件大小（字节）")

    class Meta:
        model = Evidence
        fields = ("id", "name", "description", "size", "uploaded_at")

    def get_name(self, obj: Evidence) -> str:
        return (obj.file.name or "").rsplit("/", 1)[-1]

    def get_size(self, obj: Evidence) -> int | None:
        try:
            return obj.file.size
        except OSError:
            return None


class EvidenceUploadSerializer(InputSerializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text="佐证材料文件（类型与大小限制同后台）"
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="说明"
    )


class ProgressEntrySerializer(DescribedModelSerializer):
    task_number = serializers.CharField(source="task.number", read_only=True, help_text="任务序号")
    target_label = serializers.CharField(
        source="target.label",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="目标内容（未关联目标时为空）",
    )
    department = NamedRef(read_only=True, help_text="填报部门")
    status_display = serializers.CharField(
        source="get_status_display", read_only=True, label="状态说明", help_text="状态（中文）"
    )
    created_by = serializers.CharField(
        source="created_by.username",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="填报人（账号已删除时为空）",
    )
    reviewed_by = serializers.CharField(
        source="reviewed_by.username",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="审核人（未审核时为空）",
    )
    evidence = EvidenceSerializer(many=True, read_only=True, help_text="佐证材料")

    class Meta:
        model = ProgressEntry
        fields = (
            "id",
            "task",
            "task_number",
            "target",
            "target_label",
            "jurisdiction",
            "department",
            "year",
            "quarter",
            "value",
            "narrative",
            "status",
            "status_display",
            "created_by",
            "created_at",
            "updated_at",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "evidence",
        )


class ProgressEntryWriteSerializer(InputSerializer):
    """What a department's system sends. Unknown fields are refused, not dropped: a misspelt
    field name must not lose what was entered."""

    task = serializers.PrimaryKeyRelatedField(
        queryset=Task.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="任务编号（填了目标时可省略）",
    )
    target = serializers.PrimaryKeyRelatedField(
        queryset=Target.objects.filter(is_active=True).select_related("task"),
        required=False,
        allow_null=True,
        help_text="目标编号（有量化目标时填写）",
    )
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(),
        required=False,
        allow_null=True,
        help_text="县区编号（仅“每个县区”类目标需要）",
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="年度，如 2023")
    quarter = serializers.IntegerField(
        min_value=1,
        max_value=4,
        required=False,
        allow_null=True,
        help_text="季度 1–4；全年数据不填",
    )
    # 15 significant digits, not the column's 20: answers carry decimals as JSON numbers (and
    # SQLite stores them as floats), and a double holds 15 decimal digits exactly; a 16th would
    # come back rounded (999999999999.9999 as 1000000000000.0) without anyone being told.
    value = serializers.DecimalField(
        max_digits=15,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="完成值（单位同目标；整数部分最多 11 位，小数最多 4 位）",
    )
    narrative = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="进展情况"
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "task" in attrs and attrs["task"] is None:
            # A null task means "not given", as the help text says: the target's task, or on a
            # change the entry's current one. An entry is never left without a task.
            del attrs["task"]
        return attrs


class ReturnSerializer(InputSerializer):
    comment = serializers.CharField(help_text="退回原因")
