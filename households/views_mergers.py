"""The administrator's pages for mergers of administrative units: the list of mergers done (the audit), a form with
a preview of what moves, and the confirmation that applies it (households.mergers)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.permissions import role_required

from .forms import DateInput
from .mergers import NewUnit, merger_apply, merger_preview
from .models import AdministrativeUnit, Area, Level, UnitMerger
from .selectors import unit_current_successor
from .structure import program_area_commune_ids


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        until = f"{obj.valid_to:%d/%m/%Y}" if obj.valid_to else "nay"
        return f"{obj.name} ({obj.code}, {obj.valid_from:%d/%m/%Y} – {until})"


class UnitMultipleChoice(forms.ModelMultipleChoiceField):
    label_from_instance = UnitChoice.label_from_instance


class MergerForm(forms.Form):
    effective_date = forms.DateField(label=gettext_lazy("Ngày hiệu lực"), widget=DateInput(), help_text=gettext_lazy("Ngày đơn vị mới bắt đầu hoạt động, ví dụ 01/07/2025."))
    sources = UnitMultipleChoice(
        label=gettext_lazy("Các đơn vị được sáp nhập"), queryset=AdministrativeUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}), help_text=gettext_lazy("Giữ Ctrl (hoặc Cmd) để chọn nhiều đơn vị."),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Đơn vị sau sáp nhập"), choices=[("existing", gettext_lazy("Đơn vị đã có")), ("new", gettext_lazy("Đơn vị mới"))], initial="existing",
        widget=forms.RadioSelect,
    )
    target = UnitChoice(label=gettext_lazy("Đơn vị đã có"), queryset=AdministrativeUnit.objects.none(), required=False)
    new_code = forms.CharField(label=gettext_lazy("Mã đơn vị mới"), max_length=16, required=False, help_text=gettext_lazy("Có thể dùng lại mã của một đơn vị cũ."))
    new_name = forms.CharField(label=gettext_lazy("Tên đơn vị mới"), max_length=120, required=False, help_text=gettext_lazy("Ví dụ: Xã Hồng Sơn."))
    new_area = forms.ChoiceField(label=gettext_lazy("Khu vực"), choices=Area.choices, initial=Area.RURAL, required=False)
    new_parent = forms.ModelChoiceField(label=gettext_lazy("Đơn vị cấp trên"), queryset=AdministrativeUnit.objects.none(), required=False)
    legal_basis = forms.CharField(label=gettext_lazy("Căn cứ"), max_length=255, required=False, help_text=gettext_lazy("Ví dụ: Nghị quyết 1684/NQ-UBTVQH15 ngày 16/6/2025."))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, pk__in=program_area_commune_ids()).order_by("name", "valid_from")
        self.fields["sources"].queryset = communes
        self.fields["target"].queryset = communes
        self.fields["new_parent"].queryset = AdministrativeUnit.objects.filter(level__in=[Level.PROVINCE, Level.DISTRICT]).order_by("level", "name")

    def clean(self):
        data = super().clean()
        if data.get("mode") == "existing" and not data.get("target"):
            self.add_error("target", gettext("Chọn đơn vị sau sáp nhập."))
        if data.get("mode") == "new":
            for name in ("new_code", "new_name"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, gettext("Đơn vị mới cần mã và tên."))
        return data

    def request_kwargs(self) -> dict:
        data = self.cleaned_data
        new = None
        if data["mode"] == "new":
            parent = data.get("new_parent")
            new = NewUnit(
                code=data["new_code"].strip(), name=data["new_name"].strip(), area=data.get("new_area") or Area.RURAL,
                parent_code=parent.code if parent else None,
            )
        return {
            "sources": list(data["sources"]),
            "effective_date": data["effective_date"],
            "target": data.get("target") if data["mode"] == "existing" else None,
            "new_target": new,
        }


@role_required()
def merger_list(request):
    mergers = UnitMerger.objects.select_related("target", "performed_by").prefetch_related("sources")
    return render(request, "households/merger_list.html", {"mergers": mergers})


@role_required()
def merger_new(request):
    preview = confirm_form = None
    if request.method == "POST":
        form = MergerForm(request.POST)
        if form.is_valid():
            kwargs = form.request_kwargs()
            if request.POST.get("action") == "confirm":
                try:
                    merger = merger_apply(
                        **kwargs, legal_basis=form.cleaned_data["legal_basis"], note=form.cleaned_data["note"],
                        performed_by=request.user,
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                else:
                    messages.success(
                        request,
                        gettext("Đã sáp nhập %(sources)s đơn vị vào %(name)s từ ngày %(effective_date)s: %(summary)s hộ đã chuyển.") % {"sources": merger.sources.count(), "name": merger.target.name, "effective_date": f"{merger.effective_date:%d/%m/%Y}", "summary": merger.summary.get('households', 0)},
                    )
                    return redirect("households:merger_detail", pk=merger.pk)
            preview = merger_preview(**kwargs)
            confirm_form = MergerForm(request.POST, auto_id=False)  # the same answers, carried as hidden fields
    else:
        form = MergerForm(initial={"effective_date": timezone.localdate().replace(day=1)})
    return render(request, "households/merger_form.html", {"form": form, "preview": preview, "confirm_form": confirm_form})


@role_required()
def merger_detail(request, pk: int):
    merger = get_object_or_404(UnitMerger.objects.select_related("target", "performed_by").prefetch_related("sources"), pk=pk)
    current = unit_current_successor(unit=merger.target)
    return render(request, "households/merger_detail.html", {"merger": merger, "summary": merger.summary or {}, "current": current})


__all__ = ["merger_list", "merger_new", "merger_detail", "MergerForm"]
