"""The workbench's forms: what a person types to record progress (填报) and to return an entry
(退回). They check what was typed and say what is wrong next to the field; the workflow's rules
(who may record, which state allows what) stay in tasks_registry.services, and a refusal from
there is put next to its field too (EntryForm.add_service_error)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from tasks_registry import display
from tasks_registry.models import Evidence, Jurisdiction, Target, evidence_rules_text

QUARTERS = [("", "全年"), (1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")]
QUARTER_HELP = "按季度填报时，完成值填写截至该季度末的全年累计数；全年数据不选季度"

# Where a service's refusal of a model field is shown on this form.
_FIELD_OF_SERVICE_ERROR = {
    "value": "value",
    "narrative": "narrative",
    "year": "year",
    "quarter": "quarter",
    "jurisdiction": "jurisdiction",
    "file": "evidence",
}


def evidence_file_errors(file: UploadedFile) -> list[str]:
    """Why an uploaded file cannot be evidence, in Chinese (empty when it can): the model's own
    check (type, size, content against extension), run before anything is written so that one
    bad file refuses the whole save with its message next to the field."""
    # Assigned to an unsaved Evidence, the upload becomes an uncommitted FieldFile: exactly what
    # the field's validator sees in evidence_add, content check included.
    others = [f.name for f in Evidence._meta.fields if f.name != "file"]
    try:
        Evidence(file=file).clean_fields(exclude=others)
    except ValidationError as exc:
        return list(exc.message_dict.get("file", exc.messages))
    return []


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


@dataclass(frozen=True)
class EntryInput:
    """The reported fields as the services take them: the value in the target's own unit."""

    year: int
    quarter: int | None
    value: Decimal | None
    narrative: str
    jurisdiction: Jurisdiction | None


class EntryForm(forms.Form):
    """The 填报 form. The value is typed in the unit people write (万元 where the target is in
    元, display.unit_input) and stored in the target's unit."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年度，如 2023",
            "invalid": "年度应为四位年份，如 2023",
            "min_value": "年度应为四位年份，如 2023",
            "max_value": "年度应为四位年份，如 2023",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    quarter = forms.TypedChoiceField(
        label="季度",
        choices=QUARTERS,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=QUARTER_HELP,
    )
    jurisdiction = forms.ModelChoiceField(
        label="县区",
        queryset=Jurisdiction.objects.none(),
        required=False,
        empty_label="请选择",
    )
    value = forms.DecimalField(
        label="完成值",
        required=False,
        max_digits=20,
        decimal_places=4,
        error_messages={"invalid": "完成值请填写数字，如 41.2"},
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    narrative = forms.CharField(
        label="进展情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="完成值与进展情况至少填写一项",
    )
    evidence = MultipleFileField(label="佐证材料", required=False, allow_empty_file=True)
    delete_evidence = forms.ModelMultipleChoiceField(
        label="删除已上传的文件",
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        target: Target | None,
        places: Sequence[Jurisdiction] = (),
        existing: QuerySet[Evidence] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.target = target
        self.unit, self.factor = display.unit_input(target.unit if target else "")
        self.places = list(places)
        if target is not None and target.per_unit and self.places:
            field = self.fields["jurisdiction"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Jurisdiction.objects.filter(pk__in=[p.pk for p in self.places])
            field.label = target.per_unit
            field.help_text = (
                f"该目标按每个{target.per_unit}分别考核：请选择完成值所属的{target.per_unit}"
            )
        else:
            del self.fields["jurisdiction"]
        if existing is not None:
            field = self.fields["delete_evidence"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = existing
        else:
            del self.fields["delete_evidence"]
        self.fields["evidence"].help_text = evidence_rules_text(multiple=True)
        self.fields["evidence"].widget.attrs["accept"] = ",".join(
            "." + e.lower() for e in settings.EVIDENCE_EXTENSIONS
        )
        if self.factor != 1 and target is not None:
            self.fields[
                "value"
            ].help_text = f"目标以{target.unit}计，此处按{self.unit}填写，保存时换算为{target.unit}"

    @staticmethod
    def typed_value(stored: Decimal | None, unit: str) -> str:
        """A stored value as it is typed back into the input (6000000 元 -> 600): plain digits,
        no grouping spaces, which a number input would refuse."""
        if stored is None:
            return ""
        _, factor = display.unit_input(unit)
        return format((stored / factor).normalize(), "f")

    def clean_evidence(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("evidence") or []
        errors = [message for f in files for message in evidence_file_errors(f)]
        if errors:
            raise ValidationError(errors)
        return files

    def entry_input(self) -> EntryInput:
        data = self.cleaned_data
        typed: Decimal | None = data.get("value")
        return EntryInput(
            year=data["year"],
            quarter=data.get("quarter"),
            # The unit conversion: typed in 万元, stored in 元 (display.unit_input).
            value=typed * self.factor if typed is not None else None,
            narrative=(data.get("narrative") or "").strip(),
            jurisdiction=data.get("jurisdiction"),
        )

    def add_service_error(self, exc: ValidationError) -> None:
        """A service's refusal, next to the field it is about (or above the form)."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                field = _FIELD_OF_SERVICE_ERROR.get(name)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class ReturnForm(forms.Form):
    """退回: the reason goes back to the department and is shown at the top of the entry."""

    reason = forms.CharField(
        label="退回原因",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写退回原因：说明需要修改或补充什么"},
        help_text="退回原因将显示在该填报的最上方，填报部门据此修改后重新提交",
    )
