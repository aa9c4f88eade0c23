"""Yearly quality reports (质量年度报告) and the figures extracted from them, with provenance."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from config.files import ProtectedFileField
from policytext.reports import location
from tasks_registry import display
from tasks_registry.models import Indicator, Jurisdiction


class ReportStatus(models.TextChoices):
    UPLOADED = "uploaded", "已上传，等待处理"
    PROCESSING = "processing", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


def report_upload_to(instance: Report, filename: str) -> str:
    return f"reports/{instance.sha256[:2]}/{instance.sha256[:16]}/{filename}"


class Report(models.Model):
    """One uploaded report file. The same file (by SHA-256) is one report, however often it is
    uploaded; processing it again replaces its extracted figures."""

    title = models.CharField("标题", max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="报告主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    entity_override = models.CharField(
        "指定报告主体", max_length=100, blank=True, help_text="留空则从标题识别"
    )
    year_override = models.PositiveIntegerField(
        "指定年度", null=True, blank=True, help_text="留空则从标题识别"
    )
    file = ProtectedFileField("报告文件", upload_to=report_upload_to, download_view="files:report")
    original_name = models.CharField("原文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True, editable=False)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    status = models.CharField(
        "状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.UPLOADED
    )
    message = models.TextField("处理结果", blank=True)
    summary = models.JSONField("统计", default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_reports",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    processed_at = models.DateTimeField("处理时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度质量报告"
        verbose_name_plural = "年度质量报告"
        # Meta.ordering stays a list (a ClassVar for ruff's RUF012): makemigrations compares it
        # with the list in the migrations, and a tuple would read as a change of options.
        ordering: ClassVar[list[str]] = ["-year", "jurisdiction__name", "-uploaded_at"]
        indexes = (models.Index(fields=["jurisdiction", "year"]),)

    def __str__(self) -> str:
        return self.title or self.original_name

    @property
    def size_text(self) -> str:
        """The file's size as people say it: 1.2 MB, 350 KB."""
        return display.size_text(self.size) if self.size else "—"


class FigureKind(models.TextChoices):
    ACTUAL = "actual", "实际值"
    PLAN = "plan", "计划/任务"
    CHANGE = "change", "比上年变化"
    RATE = "rate", "完成率"
    OTHER_YEAR = "other_year", "其他年份"


class FigureStatus(models.TextChoices):
    EXTRACTED = "extracted", "自动识别"
    CONFIRMED = "confirmed", "已确认"
    CORRECTED = "corrected", "已更正"
    REJECTED = "rejected", "已驳回"


class FigureMethod(models.TextChoices):
    TABLE = "table", "表格行"
    PROSE = "prose", "正文"
    RATIO = "ratio", "比例式"
    ENUMERATION = "enumeration", "列举（分别为）"


class Figure(models.Model):
    """A number found in a report, what it measures, and exactly where it was found."""

    report = models.ForeignKey(
        Report, verbose_name="报告", on_delete=models.CASCADE, related_name="figures"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name="指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figures",
    )
    label = models.CharField("原文标签", max_length=200)
    value = models.DecimalField(
        "数值", max_digits=24, decimal_places=4, help_text="基本单位：万、亿已换算"
    )
    value_high = models.DecimalField("上限", max_digits=24, decimal_places=4, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    qualifier = models.CharField(
        "限定", max_length=8, blank=True, choices=[("ge", "以上"), ("gt", "超过"), ("approx", "约")]
    )
    # What the rounding of the number as written allows, so that attainment judges two figures
    # with the same interval as the report did (policytext.reports.value_interval): "8 万人" is
    # 75 000–85 000 and does not disagree with a table's 75 600. The bounds themselves are not
    # stored: they follow from value, qualifier and this, and would go stale on a correction.
    precision = models.DecimalField(
        "取整精度",
        max_digits=24,
        decimal_places=4,
        default=0,
        help_text=(
            "原文数字末位的一半（基本单位）：7.8 万 → 500，41.2 → 0.05；"
            "0 表示按精确值（仍有 0.5% 容差）"
        ),
    )
    kind = models.CharField("类别", max_length=16, choices=FigureKind.choices)
    year = models.PositiveIntegerField("所属年度", null=True, blank=True)
    line = models.PositiveIntegerField("行号")
    place = models.CharField(
        "原文位置",
        max_length=80,
        blank=True,
        help_text=(
            "在 Word、Excel 或 PDF 原文件中的位置，如“第 12 页，表 3 第 4 行”；文本文件为空，见行号"
        ),
    )
    table_title = models.CharField("表格", max_length=100, blank=True)
    table_row = models.PositiveIntegerField("表格行", null=True, blank=True)
    section = models.CharField("章节", max_length=100, blank=True)
    text = models.TextField("原文（句子或表格行）")
    method = models.CharField("识别方式", max_length=16, choices=FigureMethod.choices)
    confidence = models.FloatField("置信度", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    subject = models.CharField(
        "所指单位",
        max_length=100,
        blank=True,
        help_text="分县、分校表格中的行：数据属于该县或学校；空白表示报告主体本身",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="数据所属区划",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="figures",
        help_text="报告主体，或分县表格中该行所指的县；分校行中的学校不在目录中时为空",
    )
    status = models.CharField(
        "审核状态", max_length=16, choices=FigureStatus.choices, default=FigureStatus.EXTRACTED
    )
    extracted = models.JSONField(
        "识别原值",
        default=dict,
        blank=True,
        help_text="更正前自动识别的指标、数值、单位、类别与年度",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_figures",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    history = HistoricalRecords()
    _change_reason: str  # set before save(): simple_history writes it on the history row
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "报告数据"
        verbose_name_plural = "报告数据"
        ordering: ClassVar[list[str]] = ["report", "line", "table_row", "id"]
        indexes = (
            models.Index(fields=["indicator", "year", "kind"]),
            models.Index(fields=["report", "status"]),
            models.Index(fields=["indicator", "jurisdiction", "year"]),
        )

    def __str__(self) -> str:
        return f"{self.label} {self.value_text}"

    @property
    def value_display(self) -> str:
        value = self.value.normalize() if self.value is not None else ""
        text = f"{value:f}" if value != "" else ""
        prefix = {"ge": "≥", "gt": ">", "approx": "约"}.get(self.qualifier, "")
        return f"{prefix}{text}{' ' + self.unit if self.unit else ''}"

    @property
    def value_text(self) -> str:
        """The value as a person reads it, through tasks_registry.display: ≥60%, 77 000 人次,
        600 万元 (value_display keeps the stored digits, for the extraction's own checks)."""
        if self.value_high is not None:
            return display.range_text(self.value, self.value_high, self.unit)
        return display.amount_text(self.value, self.unit, comparison=self.qualifier)

    @property
    def indicator_text(self) -> str:
        """The indicator's Chinese name, or that the figure is not linked to one."""
        return self.indicator.name if self.indicator is not None else "未关联指标"

    @property
    def source_display(self) -> str:
        return location(
            line=self.line,
            place=self.place,
            table_title=self.table_title,
            table_row=self.table_row,
        )

    @property
    def key(self) -> tuple[int, str, str]:
        """What identifies the same figure on re-processing: its line, label and value as read."""
        original = self.extracted or {}
        return (
            self.line,
            original.get("label", self.label),
            str(original.get("value", self.value)),
        )


class FigureConflict(models.Model):
    """Figures of one report for the same indicator and year that disagree. Kept, never averaged."""

    report = models.ForeignKey(
        Report, verbose_name="报告", on_delete=models.CASCADE, related_name="conflicts"
    )
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT)
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    figures = models.ManyToManyField(
        Figure, verbose_name="相互矛盾的数据", related_name="conflicts"
    )
    description = models.TextField("说明")

    class Meta:
        verbose_name = "数据矛盾"
        verbose_name_plural = "数据矛盾"
        ordering: ClassVar[list[str]] = ["report", "indicator__code"]

    def __str__(self) -> str:
        return self.description

    @property
    def state_text(self) -> str:
        """Whether a reviewer has settled it: 待核对, or which value was confirmed (reads the
        figures, prefetched by reporting.selectors.report_conflict_list)."""
        settled = [
            f
            for f in self.figures.all()
            if f.status in (FigureStatus.CONFIRMED, FigureStatus.CORRECTED)
        ]
        if not settled:
            return "待核对"
        return "已核定：" + "、".join(
            f"{f.value_text}（{f.get_status_display()}）" for f in settled
        )
