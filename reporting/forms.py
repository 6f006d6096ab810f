"""Forms of the reporting pages: thin; rules live in `reporting.services`."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from households.datatext import translate_data
from households.structure import Structure

from .models import Edition, ReportFormat, ReportKind, Variant


class SubmissionForm(forms.Form):
    """Narrative, proposals and one comment per computed figure (the figures are shown, never edited)."""

    narrative = forms.CharField(
        label=gettext_lazy("Kết quả thực hiện, đánh giá"), required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Tình hình triển khai, kết quả đạt được, đánh giá chung."),
    )
    proposals = forms.CharField(
        label=gettext_lazy("Khó khăn, vướng mắc và đề xuất"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, figures: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_rows = figures or []
        for fig in self.figure_rows:
            self.fields[f"comment_{fig['key']}"] = forms.CharField(
                label=gettext("Ý kiến về “%(label)s”") % {"label": fig['label']}, required=False, max_length=2000,
                widget=forms.TextInput(attrs={"placeholder": gettext("Ý kiến, giải trình (nếu có)")}),
            )

    def comments(self) -> dict[str, str]:
        return {
            name.removeprefix("comment_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("comment_") and value
        }

    def figure_fields(self):
        """(figure, bound comment field) pairs for the template."""
        return [(fig, self[f"comment_{fig['key']}"]) for fig in self.figure_rows]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp đính kèm"), help_text=gettext_lazy("PDF, Word, Excel, ảnh JPG/PNG hoặc ZIP; tối đa 10 MB."))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Nêu rõ nội dung cần sửa; đơn vị nhận được thông báo và thư điện tử."),
    )


class ReportRequestForm(forms.Form):
    kind = forms.ModelChoiceField(label=gettext_lazy("Loại báo cáo"), queryset=ReportKind.objects.filter(active=True), to_field_name="code", empty_label=None)
    year = forms.IntegerField(label=gettext_lazy("Kỳ báo cáo (năm)"), min_value=2000, max_value=2100)
    unit = forms.ChoiceField(label=gettext_lazy("Phạm vi"))
    variant = forms.ChoiceField(label=gettext_lazy("Bản"), choices=Variant.choices, initial=Variant.DRAFT)
    edition = forms.ChoiceField(label=gettext_lazy("Nội dung"), choices=Edition.choices, initial=Edition.FULL)
    format = forms.ChoiceField(
        label=gettext_lazy("Định dạng"), choices=ReportFormat.choices, initial=ReportFormat.XLSX, required=False,
        help_text=gettext_lazy("Bảng tính các biểu tổng hợp, hoặc dự thảo báo cáo bằng Word (có phụ lục các biểu) để biên tập."),
    )
    structure = forms.ChoiceField(
        label=gettext_lazy("Cơ cấu đơn vị hành chính"), required=False,
        choices=[("", gettext_lazy("Tự chọn theo năm báo cáo")), *Structure.choices],
        help_text=gettext_lazy("Báo cáo năm trước 2025 mặc định theo đơn vị tại thời điểm rà soát."),
    )

    def __init__(self, *args, units=(), allow_full: bool = True, any_unit: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.any_unit = any_unit
        self.fields["unit"].choices = [(str(u.pk), translate_data(u.label) if u.level == "commune" else (gettext("Toàn địa bàn %(name)s") % {"name": u.name})) for u in units]
        self.fields["kind"].label_from_instance = lambda kind: translate_data(kind.name)
        if not allow_full:
            self.fields["edition"].choices = [(Edition.SUMMARY, Edition.SUMMARY.label)]
            self.fields["edition"].initial = Edition.SUMMARY
        self.fields["year"].initial = timezone.localdate().year

    def clean_format(self):
        return self.cleaned_data.get("format") or ReportFormat.XLSX

    def clean(self):
        data = super().clean()
        kind, year = data.get("kind"), data.get("year")
        if kind and year and year not in kind.period_years():
            years = kind.period_years()
            span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
            self.add_error("year", gettext("%(name)s có kỳ báo cáo các năm %(span)s.") % {"name": translate_data(kind.name), "span": span})
        return data
