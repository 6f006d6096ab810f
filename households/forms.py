from __future__ import annotations

from django import forms
from django.forms import formset_factory

from .models import AdministrativeUnit, EthnicGroup, Household, HouseholdStatus, Level, Relation, Sex


class DateInput(forms.DateInput):
    """dd/mm/yyyy typed as text: works the same on every browser and phone."""

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **kwargs})


class HouseholdForm(forms.Form):
    code = forms.CharField(label="Mã hộ", max_length=32)
    commune = forms.ModelChoiceField(label="Xã, thị trấn", queryset=AdministrativeUnit.objects.none())
    village = forms.ModelChoiceField(label="Thôn, tổ dân phố", queryset=AdministrativeUnit.objects.none(), required=False)
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    status = forms.ChoiceField(label="Tình trạng", choices=HouseholdStatus.choices, initial=HouseholdStatus.ACTIVE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, communes, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        self.fields["village"].queryset = villages
        if communes.count() == 1:
            self.fields["commune"].initial = communes.first()


class MemberForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    full_name = forms.CharField(label="Họ và tên", max_length=120)
    sex = forms.ChoiceField(label="Giới tính", choices=[("", "—")] + list(Sex.choices))
    birth_date = forms.DateField(label="Ngày sinh", required=False, widget=DateInput())
    citizen_id = forms.CharField(
        label="Số định danh", max_length=12, min_length=12, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{12}"}),
        error_messages={"min_length": "Số định danh cá nhân phải gồm đúng 12 chữ số."},
    )
    ethnic_group = forms.ModelChoiceField(label="Dân tộc", queryset=EthnicGroup.objects.order_by("code"), required=False)
    relation = forms.ChoiceField(label="Quan hệ với chủ hộ", choices=Relation.choices)

    def clean_citizen_id(self):
        value = (self.cleaned_data.get("citizen_id") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError("Số định danh cá nhân phải gồm đúng 12 chữ số.")
        return value or None


MemberFormSet = formset_factory(MemberForm, extra=1, can_delete=True)


def household_initial(household: Household) -> dict:
    return {
        "code": household.code,
        "commune": household.commune,
        "village": household.village,
        "address": household.address,
        "phone": household.phone,
        "status": household.status,
        "version": household.version,
    }


def members_initial(household: Household) -> list[dict]:
    return [
        {
            "id": m.pk,
            "full_name": m.full_name,
            "sex": m.sex,
            "birth_date": m.birth_date,
            "citizen_id": m.citizen_id,
            "ethnic_group": m.ethnic_group,
            "relation": m.relation,
        }
        for m in household.members.select_related("ethnic_group").order_by("order", "id")
    ]
