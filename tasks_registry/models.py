"""Plans, their tasks and targets, the departments responsible, and progress reported on them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from config.files import ProtectedFileField, content_mismatch
from policytext import documents

from . import display
from .display import size_text


class DepartmentKind(models.TextChoices):
    MUNICIPAL = "municipal", "市直部门"
    COUNTY = "county", "县级政府"
    INSTITUTION = "institution", "院校及事业单位"
    GROUP = "group", "群体（如各县区政府）"
    UNKNOWN = "unknown", "未分类"


class Department(models.Model):
    """A government body or institution named in task lists, under its full official name."""

    name = models.CharField("全称", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=16, choices=DepartmentKind.choices)
    needs_review = models.BooleanField(
        "待核对",
        default=False,
        help_text="导入时不在部门目录中，按原文保留；核对后可合并或取消此标记",
    )
    history = HistoricalRecords()
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        # Meta.ordering stays a list (a ClassVar for ruff's RUF012): makemigrations compares it
        # with the list in the migrations, and a tuple would read as a change of options.
        ordering: ClassVar[list[str]] = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class DepartmentAlias(models.Model):
    """A short or variant form (市人社局) under which a department appears in documents."""

    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField("简称/别称", max_length=100, unique=True)

    class Meta:
        verbose_name = "部门简称"
        verbose_name_plural = "部门简称"

    def __str__(self) -> str:
        return self.alias


class Indicator(models.Model):
    """Something measurable (在校生, “双师型”教师占比) that targets and report figures link to."""

    code = models.SlugField("代码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100)
    unit = models.CharField("单位", max_length=20, blank=True)
    aliases = models.JSONField(
        "别称", default=list, blank=True, help_text="报告中作中心词出现的写法，须位于标签末尾"
    )
    units = models.JSONField("可接受的单位", default=list, blank=True)
    patterns = models.JSONField(
        "句式", default=list, blank=True, help_text="可出现在句中任意位置的词序，用“…”连接"
    )
    excludes = models.JSONField(
        "排除词", default=list, blank=True, help_text="同一分句中出现这些词时不匹配本指标"
    )
    sentence_excludes = models.JSONField(
        "句内排除词",
        default=list,
        blank=True,
        help_text="标签只是“培训”“取证”这类单词时，句中此前出现这些词即不匹配",
    )
    flow = models.BooleanField(
        "按年计数", default=False, help_text="如培训人次、认定人数：“新增”即当年实际值，而非变化量"
    )
    max_value = models.DecimalField(
        "合理上限", max_digits=20, decimal_places=4, null=True, blank=True
    )
    additive = models.BooleanField(
        "可按下级合计",
        default=False,
        help_text="如学校数、在校生、培训人次：某县没有自己的数据时，可由其下属学校的报告相加得出",
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name="派生：分子指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name="派生：分母指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scale = models.DecimalField(
        "派生：倍数",
        max_digits=10,
        decimal_places=4,
        default=1,
        help_text="百分比填 100：达标学校占比 = 达标学校 ÷ 学校数 × 100",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标目录"
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def is_ratio(self) -> bool:
        return self.numerator_id is not None and self.denominator_id is not None


class IndicatorAlias(models.Model):
    """A way of writing an indicator learned from review: a supervisor linked a report figure
    under this label, and later extractions take the label as a head of the indicator. Kept apart
    from Indicator.aliases, which load_reference rewrites from fixtures/indicators.json."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="learned_aliases"
    )
    alias = models.CharField(
        "别称",
        max_length=100,
        unique=True,
        help_text="按识别时的写法：去掉引号、括号和“全市”“2023年”等泛称，须位于标签末尾",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="添加人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("添加时间", default=timezone.now)
    source_figure = models.ForeignKey(
        "reporting.Figure",
        verbose_name="来源数据",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("来源说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "审核中学到的别称"
        verbose_name_plural = "审核中学到的别称"
        ordering: ClassVar[list[str]] = ["indicator", "alias"]

    def __str__(self) -> str:
        return self.alias


class JurisdictionKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    SCHOOL = "school", "学校"


class Jurisdiction(models.Model):
    """A reporting entity in the administrative hierarchy: a school belongs to its county, the
    county to its city, so that figures can be summed upwards and targets scoped downwards."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("层级", max_length=16, choices=JurisdictionKind.choices)
    code = models.CharField("行政区划代码", max_length=12, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    aliases = models.JSONField("简称", default=list, blank=True)
    needs_review = models.BooleanField(
        "待核对",
        default=False,
        help_text="由报告标题识别而来、不在区划目录中，按原文保留；核对后可改正上级或名称",
    )
    history = HistoricalRecords()
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "行政区划/学校"
        verbose_name_plural = "行政区划/学校"
        ordering: ClassVar[list[str]] = ["kind", "code", "name"]
        constraints = (
            models.UniqueConstraint(
                fields=["name", "parent"], name="jurisdiction_unique_name_in_parent"
            ),
        )

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Jurisdiction]:
        chain: list[Jurisdiction] = []
        node = self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def path(self) -> str:
        return " / ".join(j.name for j in [*reversed(self.ancestors()), self])

    def clean(self) -> None:
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": f"“{self.name}”不能是自己的上级或上级的上级"})
            seen.add(node.pk)
            node = node.parent


class Plan(models.Model):
    """A policy document with a task-list annex, e.g. a city's 十四五 vocational-education plan."""

    title = models.CharField("文件名称", max_length=200, unique=True)
    issuer = models.CharField("发文单位", max_length=100, blank=True)
    period_start = models.PositiveIntegerField("起始年份", null=True, blank=True)
    period_end = models.PositiveIntegerField("截止年份", null=True, blank=True)
    source_name = models.CharField("任务清单文件", max_length=255, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="适用区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="目标默认在此区划上衡量（如南阳市）；导入时按文件名称识别，可修改",
    )
    imported_at = models.DateTimeField("最近导入时间", null=True, blank=True)
    history = HistoricalRecords()
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering: ClassVar[list[str]] = ["-period_end", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start}—{self.period_end}"
        return ""


class Task(models.Model):
    """One numbered item of a plan's task list."""

    plan = models.ForeignKey(
        Plan, verbose_name="政策文件", on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.CharField("序号", max_length=16)
    position = models.PositiveIntegerField("排序", default=0)
    text = models.TextField("工作任务")
    lead = models.ForeignKey(
        Department,
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    departments = models.ManyToManyField(
        Department, verbose_name="责任单位", through="TaskAssignment", related_name="tasks"
    )
    responsibility_text = models.TextField("负责单位（原文）", blank=True)
    deadline_text = models.CharField("完成时限（原文）", max_length=100, blank=True)
    deadline_year = models.PositiveIntegerField("完成年份", null=True, blank=True)
    deadline_date = models.DateField("完成日期", null=True, blank=True)
    source_line = models.PositiveIntegerField("原文行号", null=True, blank=True)
    source_place = models.CharField(
        "原文位置",
        max_length=80,
        blank=True,
        help_text=(
            "在 Word、Excel 或 PDF 原文件中的位置，如“第 2 页，表 1 第 5 行”；文本文件为空，见行号"
        ),
    )
    is_active = models.BooleanField(
        "有效", default=True, help_text="重新导入的清单中已不存在的任务标记为无效，不删除"
    )
    history = HistoricalRecords()
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering: ClassVar[list[str]] = ["plan", "position"]
        constraints = (
            models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number_in_plan"),
        )

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "牵头"
    CO = "co", "配合"
    GROUP = "group", "群体"


class TaskAssignment(models.Model):
    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("角色", max_length=8, choices=AssignmentRole.choices)
    position = models.PositiveSmallIntegerField("排序", default=0)
    written_as = models.CharField("原文写法", max_length=100, blank=True)

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        ordering: ClassVar[list[str]] = ["task", "position"]
        constraints = (
            models.UniqueConstraint(
                fields=["task", "department"], name="assignment_unique_department"
            ),
        )

    def __str__(self) -> str:
        return f"{self.department}（{self.get_role_display()}）"


class Comparison(models.TextChoices):
    GE = "ge", "不低于（≥）"
    GT = "gt", "超过（>）"
    LE = "le", "不超过（≤）"
    LT = "lt", "低于（<）"
    EQ = "eq", "等于（=）"
    APPROX = "approx", "左右（≈）"
    RANGE = "range", "区间"


class LinkStatus(models.TextChoices):
    NONE = "none", "未关联"
    SUGGESTED = "suggested", "系统建议，待确认"
    CONFIRMED = "confirmed", "已确认"


class Recurrence(models.TextChoices):
    ONCE = "once", "一次性"
    ANNUAL = "annual", "每年"


_CMP_WORDS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "", "approx": "约"}


class Target(models.Model):
    """A quantitative target in a task's text: 培育 8-10 所, 占比 60% 以上, 每年不低于 10 万人次."""

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="targets"
    )
    position = models.PositiveSmallIntegerField("排序", default=0)
    label = models.CharField("目标内容", max_length=200)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name="指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="衡量区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        help_text="为空表示政策文件的适用区划；“按单位计”的目标对其下每个县区分别衡量",
    )
    link_status = models.CharField(
        "指标关联",
        max_length=10,
        choices=LinkStatus.choices,
        default=LinkStatus.NONE,
        help_text="系统按目标文字建议指标；确认后重新导入清单也不会改动",
    )
    link_note = models.CharField("关联说明", max_length=200, blank=True)
    comparison = models.CharField("比较方式", max_length=8, choices=Comparison.choices)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4)
    value_high = models.DecimalField(
        "区间上限", max_digits=20, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField("单位", max_length=20, blank=True)
    per_unit = models.CharField(
        "按单位计", max_length=20, blank=True, help_text="如“县区”：每个县区分别达到"
    )
    recurrence = models.CharField(
        "周期", max_length=8, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    from_year = models.PositiveIntegerField("起始年份", null=True, blank=True)
    deadline_year = models.PositiveIntegerField(
        "完成年份", null=True, blank=True, help_text="为空表示规划期末"
    )
    deadline_date = models.DateField("完成日期", null=True, blank=True)
    cumulative_from = models.PositiveIntegerField("累计起始年", null=True, blank=True)
    cumulative_to = models.PositiveIntegerField("累计截止年", null=True, blank=True)
    source_text = models.TextField("原文句子")
    span_start = models.PositiveIntegerField("原文起始位置", default=0)
    span_end = models.PositiveIntegerField("原文结束位置", default=0)
    needs_review = models.BooleanField("待核对", default=False)
    review_reason = models.CharField("核对原因", max_length=200, blank=True)
    is_active = models.BooleanField("有效", default=True)
    history = HistoricalRecords()
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering: ClassVar[list[str]] = ["task", "position"]
        constraints = (
            models.CheckConstraint(
                condition=Q(comparison="range", value_high__isnull=False) | ~Q(comparison="range"),
                name="target_range_has_upper",
            ),
        )

    def __str__(self) -> str:
        return f"{self.label} {self.worded}"

    @property
    def goal(self) -> str:
        """The value to reach as people write it: ≥60%, ≥10 万人次, 8–10 所."""
        if self.comparison == Comparison.RANGE:
            return display.range_text(self.value, self.value_high or self.value, self.unit)
        return display.amount_text(self.value, self.unit, comparison=self.comparison)

    @property
    def worded(self) -> str:
        """The target as a person reads it: 8–10 所, ≥60%, 每年 ≥600 万元, 每年 ≥10 万人次
        (numbers written by tasks_registry.display, as everywhere else)."""
        amount = self.goal
        parts = []
        if self.per_unit:
            parts.append(f"每个{self.per_unit}")
        if self.recurrence == Recurrence.ANNUAL:
            parts.append(f"{self.from_year}年起每年" if self.from_year else "每年")
        if self.cumulative_from and self.cumulative_to:
            parts.append(f"{self.cumulative_from}—{self.cumulative_to}年累计")
        parts.append(amount)
        if self.deadline_date:
            parts.append(f"（{display.date_text(self.deadline_date)}前）")
        elif self.deadline_year:
            parts.append(f"（{self.deadline_year}年）")
        return " ".join(parts)

    def clean(self) -> None:
        if self.comparison == Comparison.RANGE and self.value_high is None:
            raise ValidationError({"value_high": "区间目标需要填写上限"})
        if self.value_high is not None and self.value_high < self.value:
            raise ValidationError({"value_high": "区间上限不能小于目标值"})


def _plain(value) -> str:
    """A stored value as written, without its unit: 60.0000 -> 60, 100000 -> 100 000."""
    if value is None:
        return ""
    return display.number_text(value)


class ProgressStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


class ProgressEntry(models.Model):
    """What a department reports for a target (or a task without numeric target) in a period."""

    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.PROTECT, related_name="progress_entries"
    )
    target = models.ForeignKey(
        Target,
        verbose_name="目标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_entries",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="填报部门",
        on_delete=models.PROTECT,
        related_name="progress_entries",
    )
    year = models.PositiveIntegerField("年度")
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="县区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_entries",
        help_text="仅“每个县区”类目标需要填写：这是哪个县区的完成值；为空表示全市",
    )
    quarter = models.PositiveSmallIntegerField(
        "季度",
        null=True,
        blank=True,
        choices=[(1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")],
    )
    value = models.DecimalField("完成值", max_digits=20, decimal_places=4, null=True, blank=True)
    narrative = models.TextField("进展情况", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ProgressStatus.choices, default=ProgressStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.PROTECT,
        related_name="progress_entries",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_progress_entries",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "进展填报"
        verbose_name_plural = "进展填报"
        ordering: ClassVar[list[str]] = ["-year", "-quarter", "-updated_at"]

    def __str__(self) -> str:
        period = f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")
        what = self.target.label if self.target is not None else f"任务{self.task.number}"
        return f"{what} · {period}"

    @property
    def is_editable_by_author(self) -> bool:
        return self.status in (ProgressStatus.DRAFT, ProgressStatus.RETURNED)

    def clean(self) -> None:
        errors = {}
        if self.value is None and not (self.narrative or "").strip():
            errors["narrative"] = "请填写完成值或进展情况（至少一项）"
        target = self.target if self.target_id else None
        if target is not None and self.task_id and target.task_id != self.task_id:
            errors["target"] = f"目标“{target.label}”不属于该任务"
        if self.jurisdiction_id and (target is None or not target.per_unit):
            errors["jurisdiction"] = "只有“每个县区”类目标需要选择县区；其他目标请留空（表示全市）"
        elif (
            not self.jurisdiction_id
            and target is not None
            and target.per_unit
            and self.value is not None
        ):
            errors["jurisdiction"] = (
                f"目标“{target.label}”按每个{target.per_unit}分别考核，请选择完成值所属的{target.per_unit}"
            )
        if self.year and not 2000 <= self.year <= 2100:
            errors["year"] = "年度应为四位年份，如 2023"
        if errors:
            raise ValidationError(errors)


def evidence_rules_text(*, multiple: bool = False) -> str:
    """What validate_evidence_file accepts, said before the upload: 可上传 pdf、doc… 文件，
    单个文件不超过 20 MB (可多选 where the form takes several)."""
    kinds = "、".join(e.lower() for e in settings.EVIDENCE_EXTENSIONS)
    several = "可多选；" if multiple else ""
    return f"可上传 {kinds} 文件，{several}单个文件不超过 {size_text(settings.EVIDENCE_MAX_BYTES)}"


def validate_evidence_file(file) -> None:
    """Evidence must be a document or picture of reasonable size (limits from settings), whose
    content is what its extension says: a page renamed .pdf, or a script renamed .png, is not."""
    name = getattr(file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [e.lower() for e in settings.EVIDENCE_EXTENSIONS]
    if extension not in allowed:
        raise ValidationError(f"文件“{name}”的类型不支持，请上传以下类型之一：{'、'.join(allowed)}")
    if not file.size:
        raise ValidationError(f"文件“{name}”是空的")
    if file.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"文件“{name}”大小为 {size_text(file.size)}，"
            f"超过上限 {size_text(settings.EVIDENCE_MAX_BYTES)}"
        )
    # Checked only on a new upload: a stored file was checked when it came in.
    if not getattr(file, "_committed", True):
        mismatch = content_mismatch(name=name, fh=file.file)
        if mismatch:
            raise ValidationError(
                f"文件“{name}”的内容与扩展名 .{extension} 不符：{mismatch}，请上传真实的文件"
            )


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.entry.year}/{instance.entry.department_id}/{filename}"


class Evidence(models.Model):
    """A supporting file (佐证材料) attached to a progress entry."""

    entry = models.ForeignKey(
        ProgressEntry, verbose_name="进展填报", on_delete=models.CASCADE, related_name="evidence"
    )
    file = ProtectedFileField(
        "文件",
        upload_to=evidence_upload_to,
        validators=[validate_evidence_file],
        download_view="files:evidence",
    )
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.description or (self.file.name or "").rsplit("/", 1)[-1]


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    PROCESSING = "processing", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class TaskListUpload(models.Model):
    """A task-list file uploaded in the admin, imported by a background job."""

    file = ProtectedFileField(
        "任务清单文件",
        upload_to="tasklists/",
        help_text=f"支持{documents.ACCEPTED}",
        download_view="files:tasklist-upload",
    )
    plan_title = models.CharField("政策文件名称", max_length=200)
    issuer = models.CharField("发文单位", max_length=100, blank=True)
    period_start = models.PositiveIntegerField("起始年份", null=True, blank=True)
    period_end = models.PositiveIntegerField("截止年份", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    message = models.TextField("结果说明", blank=True)
    summary = models.JSONField("导入摘要", default=dict, blank=True)
    plan = models.ForeignKey(
        Plan, verbose_name="政策文件", null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "任务清单导入"
        verbose_name_plural = "任务清单导入"
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.plan_title}（{self.get_status_display()}）"
