"""Forms of the plan's pages: thin parsing; the rules are in `programs.services`."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from households.forms import DateInput
from households.models import AdministrativeUnit, Level

from .models import FundingSource, FundProgram, TaskStatus

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class MoneyInput(forms.TextInput):
    """Amounts typed as 1.500.000 or 1500000 (the service checks them)."""

    def __init__(self, **kwargs):
        super().__init__(attrs={"inputmode": "numeric", "placeholder": gettext("ví dụ 1.500.000"), "autocomplete": "off", **kwargs})


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Tình trạng"), choices=TaskStatus.choices)
    progress = forms.IntegerField(
        label=gettext_lazy("Tiến độ (%)"), min_value=0, max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5, "inputmode": "numeric"}),
        error_messages={"min_value": gettext_lazy("Tiến độ từ 0 đến 100%."), "max_value": gettext_lazy("Tiến độ từ 0 đến 100%.")},
    )
    narrative = forms.CharField(
        label=gettext_lazy("Kết quả thực hiện, khó khăn, kiến nghị"), widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Ghi kết quả thực hiện (việc đã làm, khó khăn, kiến nghị).")},
    )
    evidence = forms.FileField(
        label=gettext_lazy("Tài liệu kèm theo (không bắt buộc)"), required=False,
        help_text=gettext_lazy("Văn bản, báo cáo, biên bản, ảnh: pdf, doc(x), xls(x), odt, ods, jpg, png; tối đa 10 MB."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TaskAssignForm(forms.Form):
    """One duty of the plan for one year, to one agency (services.task_assign)."""

    duty = forms.ModelChoiceField(label=gettext_lazy("Nhiệm vụ theo Kế hoạch"), queryset=None)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    agency = forms.ModelChoiceField(label=gettext_lazy("Cơ quan chủ trì"), queryset=None, required=False,
                                    empty_label=gettext_lazy("— Cơ quan chủ trì theo Kế hoạch —"))
    due_date = forms.DateField(label=gettext_lazy("Hạn hoàn thành"), required=False, input_formats=DATE_FORMATS, widget=DateInput(),
                               help_text=gettext_lazy("Để trống: theo hạn của nhiệm vụ trong Kế hoạch."))
    title = forms.CharField(label=gettext_lazy("Nội dung giao (nếu khác Kế hoạch)"), max_length=255, required=False)

    def __init__(self, *args, duties, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty"].queryset = duties
        self.fields["duty"].label_from_instance = lambda d: f"{d.code} · {d.title} ({d.agency.name})"
        self.fields["agency"].queryset = agencies


class SupportRecordForm(forms.Form):
    household = forms.CharField(
        label=gettext_lazy("Hộ được hỗ trợ"), max_length=32, error_messages={"required": gettext_lazy("Nhập mã hộ được hỗ trợ.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "household-suggestions", "hx-trigger": "input changed delay:300ms",
                                      "hx-target": "#household-suggestions", "hx-swap": "innerHTML"}),
        help_text=gettext_lazy("Gõ mã hộ, tên chủ hộ hoặc tên một nhân khẩu rồi chọn hộ trong danh sách gợi ý."),
    )
    policy = forms.ModelChoiceField(label=gettext_lazy("Chính sách"), queryset=None, error_messages={"required": gettext_lazy("Chọn chính sách hỗ trợ.")})
    date = forms.DateField(label=gettext_lazy("Ngày hỗ trợ"), input_formats=DATE_FORMATS, widget=DateInput(),
                           error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (dd/mm/yyyy).")})
    amount = forms.CharField(label=gettext_lazy("Số tiền, giá trị (đồng)"), widget=MoneyInput(),
                             error_messages={"required": gettext_lazy("Chưa nhập số tiền.")})
    funding_source = forms.ChoiceField(label=gettext_lazy("Nguồn kinh phí"), choices=FundingSource.choices)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, policies, **kwargs):
        super().__init__(*args, **kwargs)
        from django.urls import reverse

        self.fields["household"].widget.attrs["hx-get"] = reverse("households:household_suggest")
        self.fields["policy"].queryset = policies
        if not self.is_bound:
            self.fields["date"].initial = timezone.localdate()
            # The source the user's policies are usually paid from (the social policy bank's loans: its credit),
            # not the first of the list; choosing a policy then takes that policy's own usual source (app.js).
            usual = [p.default_source for p in policies if p.default_source]
            if usual and not self.initial.get("funding_source"):
                self.fields["funding_source"].initial = max(set(usual), key=usual.count)

    def policy_sources(self) -> dict[str, str]:
        """Each policy's usual funding source, for the page's script."""
        return {str(p.pk): p.default_source for p in self.fields["policy"].queryset if p.default_source}


def commune_choices():
    """Communes in force today first, then the units that ended (funds of past years are entered against them)."""
    return AdministrativeUnit.objects.filter(level=Level.COMMUNE).order_by("valid_to", "name")


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return obj.label


class FundAllocationForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    program = forms.ModelChoiceField(label=gettext_lazy("Chương trình, nguồn vốn"), queryset=FundProgram.objects.filter(active=True))
    source = forms.ChoiceField(label=gettext_lazy("Nguồn kinh phí"), choices=FundingSource.choices)
    commune = CommuneChoiceField(
        label=gettext_lazy("Xã"), queryset=commune_choices(), required=False, empty_label=gettext_lazy("— Cấp huyện quản lý —"),
        help_text=gettext_lazy("Để trống khi kinh phí do huyện trực tiếp quản lý."),
    )
    allocated = forms.CharField(label=gettext_lazy("Kế hoạch vốn phân bổ (đồng)"), widget=MoneyInput())
    disbursed = forms.CharField(label=gettext_lazy("Đã giải ngân (đồng)"), widget=MoneyInput(), required=False)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_choices()


def attach_errors(form: forms.Form, exc) -> None:
    """A service's ValidationError onto the form: per field where the field exists, else on the form."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
