from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext, gettext_lazy

from . import poverty
from .models import (
    household_code_error,
    phone_error,
    AdministrativeUnit,
    AnnualReview,
    Livelihood,
    ApplicationRequest,
    ComplaintStatus,
    EthnicGroup,
    Household,
    HouseholdStatus,
    Level,
    MemberChange,
    PovertyCause,
    Relation,
    Sex,
    SupportNeed,
)
from .village_names import VillageNames


def translated(choices) -> list[tuple[str, str]]:
    """Choices whose labels the model keeps in Vietnamese (the Excel workbooks share them), translated on screen."""
    return [(value, gettext_lazy(label)) for value, label in choices]


class DateInput(forms.DateInput):
    """dd/mm/yyyy typed as text: works the same on every browser and phone."""

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **kwargs})


class HouseholdForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã hộ"), max_length=32,
        help_text=gettext_lazy("Mã thôn và số thứ tự của hộ trong thôn, không dấu, không khoảng trắng, ví dụ "
                               "02545-06-000184. Chọn thôn để được gợi ý mã tiếp theo."),
    )
    commune = forms.ModelChoiceField(label=gettext_lazy("Xã, thị trấn"), queryset=AdministrativeUnit.objects.none())
    village = forms.ModelChoiceField(label=gettext_lazy("Thôn, tổ dân phố"), queryset=AdministrativeUnit.objects.none(), required=False)
    address = forms.CharField(label=gettext_lazy("Địa chỉ"), max_length=255, required=False)
    phone = forms.CharField(label=gettext_lazy("Điện thoại"), max_length=20, required=False)
    livelihood = forms.ChoiceField(
        label=gettext_lazy("Nghề nghiệp chính"), required=False, choices=[("", gettext_lazy("Chưa rõ")), *Livelihood.choices],
        help_text=gettext_lazy("Sinh kế đem lại thu nhập chính của hộ; mỗi lần rà soát ghi lại nghề của hộ lúc đó."),
    )
    # A new household that came from outside the area (an other increase of that year's figures); empty: the
    # household has lived here since before the first year of data (entering it is not an event).
    moved_in_on = forms.DateField(
        label=gettext_lazy("Chuyển đến từ ngoài địa bàn ngày"), required=False, widget=DateInput(),
        help_text=gettext_lazy("Chỉ ghi khi hộ mới chuyển đến; để trống nếu hộ đã sinh sống ở đây từ trước."),
    )
    moved_in_reason = forms.CharField(label=gettext_lazy("Chuyển đến từ đâu, lý do"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, communes, villages, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        village_choices(self.fields["village"], villages)
        if communes.count() == 1:
            self.fields["commune"].initial = communes.first()
        else:
            # Choosing the commune narrows the villages to its own (views.village_choices), keeping the choice.
            from django.urls import reverse

            self.fields["commune"].widget.attrs.update({
                "hx-get": reverse("households:village_choices"), "hx-target": "#id_village", "hx-trigger": "change",
                "hx-include": "#id_village", "hx-swap": "innerHTML",
            })
        if not creating:
            del self.fields["moved_in_on"], self.fields["moved_in_reason"]
        else:
            # Choosing the village suggests its next free code while the code is still empty (views.household_code_suggest).
            from django.urls import reverse

            self.fields["village"].widget.attrs.update({
                "hx-get": reverse("households:household_code_suggest"), "hx-target": "#id_code", "hx-swap": "outerHTML",
                "hx-trigger": "change", "hx-include": "#id_code",
            })

    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        if problem := phone_error(phone):
            raise forms.ValidationError(problem)
        return phone

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        if problem := household_code_error(code):
            raise forms.ValidationError(problem)
        return code

    def clean(self):
        data = super().clean()
        if data.get("moved_in_on") and not (data.get("moved_in_reason") or "").strip():
            self.add_error("moved_in_reason", gettext("Ghi hộ chuyển đến từ đâu, lý do."))
        return data


class VillageChoiceLabels:
    """`label_from_instance` of a field choosing villages: their `village_labels` on `on` (today by default), read
    once for the field's queryset (two queries, not one a choice). Where the choices span several communes (a
    district officer's list) each also names its commune: "Thôn Cả (xã Trung Yên cũ) – Xã Tân Trào"."""

    def __init__(self, queryset, *, on: dt.date | None = None):
        self.queryset, self.on = queryset, on
        self._labels: dict[int, str] | None = None

    def _read(self) -> dict[int, str]:
        names = VillageNames(self.queryset)
        labels = names.labels(on=self.on)
        communes = {names.commune_id(pk, on=self.on) for pk in labels}
        if len(communes) > 1:
            labels = {pk: " – ".join(p for p in (label, names.commune_name(pk, on=self.on)) if p) for pk, label in labels.items()}
        return labels

    def __call__(self, village: AdministrativeUnit) -> str:
        if self._labels is None:
            self._labels = self._read()
        return self._labels.get(village.pk, village.name)


def village_choices(field: forms.ModelChoiceField, villages, *, on: dt.date | None = None) -> None:
    """Give a village field its queryset and labels that tell namesakes apart."""
    field.queryset = villages
    field.label_from_instance = VillageChoiceLabels(villages, on=on)


class MemberForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=120)
    sex = forms.ChoiceField(label=gettext_lazy("Giới tính"), choices=[("", "—")] + translated(Sex.choices))
    birth_date = forms.DateField(label=gettext_lazy("Ngày sinh"), required=False, widget=DateInput())
    citizen_id = forms.CharField(
        label=gettext_lazy("Số định danh"), max_length=12, min_length=12, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{12}"}),
        error_messages={"min_length": gettext_lazy("Số định danh cá nhân phải gồm đúng 12 chữ số.")},
    )
    ethnic_group = forms.ModelChoiceField(label=gettext_lazy("Dân tộc"), queryset=EthnicGroup.objects.order_by("code"), required=False)
    relation = forms.ChoiceField(label=gettext_lazy("Quan hệ với chủ hộ"), choices=[("", "—")] + translated(Relation.choices))
    joined_on = forms.DateField(label=gettext_lazy("Vào hộ ngày"), required=False, widget=DateInput(),
                                help_text=gettext_lazy("Chỉ ghi với người mới sinh, mới về ở (kết hôn, chuyển đến)."))
    joined_reason = forms.ChoiceField(label=gettext_lazy("Lý do vào hộ"), required=False,
                                      choices=[("", "—")] + translated(c for c in MemberChange.choices if c[0] != MemberChange.DEATH))
    left_on = forms.DateField(label=gettext_lazy("Rời hộ ngày"), required=False, widget=DateInput(),
                              help_text=gettext_lazy("Người đã chết, chuyển đi, kết hôn về hộ khác: vẫn lưu trong lịch sử của hộ."))
    left_reason = forms.ChoiceField(label=gettext_lazy("Lý do rời hộ"), required=False,
                                    choices=[("", "—")] + translated(c for c in MemberChange.choices if c[0] != MemberChange.BIRTH))

    def clean(self):
        data = super().clean()
        if data.get("left_on") and not data.get("left_reason"):
            self.add_error("left_reason", gettext("Chọn lý do rời hộ (chết, chuyển đi, kết hôn, …)."))
        if data.get("joined_on") and not data.get("joined_reason"):
            self.add_error("joined_reason", gettext("Chọn lý do vào hộ."))
        return data

    def clean_citizen_id(self):
        value = (self.cleaned_data.get("citizen_id") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError(gettext("Số định danh cá nhân phải gồm đúng 12 chữ số."))
        return value or None


# Rows are added on request only ("+ Thêm nhân khẩu"); an untouched blank row is ignored.
MemberFormSet = formset_factory(MemberForm, extra=0, can_delete=True)
# A new household starts with one row for its head.
NewMemberFormSet = formset_factory(MemberForm, extra=1, can_delete=True)


def household_initial(household: Household) -> dict:
    return {
        "code": household.code,
        "commune": household.commune,
        "village": household.village,
        "address": household.address,
        "phone": household.phone,
        "livelihood": household.livelihood,
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


# --- Household events ---------------------------------------------------------------------------------------


class HouseholdEventForm(forms.Form):
    """One registry event of a household (households.events): the fields its kind needs."""

    date = forms.DateField(label=gettext_lazy("Ngày"), widget=DateInput())
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    village = forms.ModelChoiceField(label=gettext_lazy("Chuyển đến thôn, tổ dân phố"), queryset=AdministrativeUnit.objects.none())
    into = forms.CharField(label=gettext_lazy("Mã hộ nhận (hộ nhập vào)"), max_length=32)
    code = forms.CharField(label=gettext_lazy("Mã hộ mới"), max_length=32)
    members = forms.MultipleChoiceField(label=gettext_lazy("Nhân khẩu chuyển sang hộ mới"), widget=forms.CheckboxSelectMultiple)
    head = forms.ChoiceField(label=gettext_lazy("Chủ hộ mới"), required=False)
    new_head = forms.ChoiceField(label=gettext_lazy("Chủ hộ của hộ cũ (khi chủ hộ chuyển đi)"), required=False)
    member_reason = forms.ChoiceField(label=gettext_lazy("Lý do các nhân khẩu rời hộ"),
                                      choices=translated((c for c in MemberChange.choices if c[0] in (MemberChange.DEATH, MemberChange.MOVED, MemberChange.OTHER))))

    FIELDS = {
        "split": ("date", "code", "members", "head", "new_head", "village", "reason"),
        "merge": ("date", "into", "reason"),
        "move": ("date", "village", "reason"),
        "move_in": ("date", "reason"),
        "move_out": ("date", "reason"),
        "dissolve": ("date", "member_reason", "reason"),
    }

    def __init__(self, *args, kind: str, household: Household, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in list(self.fields):
            if name not in self.FIELDS[kind]:
                del self.fields[name]
        members = [(str(m.pk), f"{m.full_name} ({gettext(Relation(m.relation).label)})") for m in household.members.order_by("order", "id")]
        if "village" in self.fields:
            village_choices(self.fields["village"], villages)
            if kind == "split":
                self.fields["village"].required = False
                self.fields["village"].help_text = gettext_lazy("Để trống: cùng thôn với hộ cũ.")
        if "members" in self.fields:
            self.fields["members"].choices = members
            self.fields["head"].choices = [("", gettext_lazy("Người đầu tiên được chọn"))] + members
            self.fields["new_head"].choices = [("", "—")] + members


# --- The annual review ------------------------------------------------------------------------------------

YES_NO = [("", "—"), ("1", gettext_lazy("Có")), ("0", gettext_lazy("Không"))]
TRI_AUTO = [("", gettext_lazy("Tự xác định theo nhân khẩu")), ("1", gettext_lazy("Có")), ("0", gettext_lazy("Không"))]
# Questions of the review form, in plain words (Phiếu B of Circular 07/2021/TT-BLĐTBXH, simplified).
MEMBER_QUESTIONS = {
    "work": gettext_lazy("Việc làm"),
    "disability_allowance": gettext_lazy("Người khuyết tật hưởng trợ cấp hằng tháng"),
    "health_insurance": gettext_lazy("Có thẻ bảo hiểm y tế"),
    "malnourished": gettext_lazy("Trẻ bị suy dinh dưỡng (thấp còi hoặc nhẹ cân)"),
    "education": gettext_lazy("Trình độ học vấn cao nhất"),
    "in_training": gettext_lazy("Đang đi học hoặc học nghề"),
    "in_school": gettext_lazy("Đang đi học đúng cấp học theo tuổi"),
    "can_work": gettext_lazy("Còn khả năng lao động"),
}
DWELLING_QUESTIONS = {
    "no_house": gettext_lazy("Hộ không có nhà ở"),
    "walls_durable": gettext_lazy("Tường làm bằng vật liệu bền chắc"),
    "columns_durable": gettext_lazy("Cột (khung) làm bằng vật liệu bền chắc"),
    "roof_durable": gettext_lazy("Mái làm bằng vật liệu bền chắc"),
    "floor_area": gettext_lazy("Diện tích nhà ở (m²)"),
    "safe_water": gettext_lazy("Dùng nguồn nước sinh hoạt an toàn (nước máy, giếng khoan, nước đã xử lý)"),
    "hygienic_latrine": gettext_lazy("Có nhà tiêu hợp vệ sinh"),
    "internet": gettext_lazy("Có thành viên sử dụng internet (điện thoại thông minh, máy tính)"),
    "tv": gettext_lazy("Có ti vi"),
    "radio": gettext_lazy("Có radio"),
    "computer": gettext_lazy("Có máy tính"),
    "phone": gettext_lazy("Có điện thoại"),
    "waste_treated": gettext_lazy("Rác thải sinh hoạt được thu gom, xử lý"),
}


def _choice(value: Any) -> str:
    if value is True:
        return "1"
    if value is False:
        return "0"
    return "" if value is None else str(value)


def _from_choice(value: Any) -> bool | None:
    if value in ("1", True, "True", "on"):
        return True
    if value in ("0", False, "False"):
        return False
    return None


@dataclass
class IndicatorRow:
    code: str
    name: str
    condition: str
    key: str
    derivation: poverty.Derivation | None
    deprived: bool
    source: str
    reason_field: Any = None
    dep_field: Any = None
    was_field: Any = None
    overridden: bool = False
    member_facts: list[tuple[str, str, list[tuple[Any, Any]]]] = dc_field(default_factory=list)  # (fact, label, [(member, bound field)])
    dwelling_facts: list[Any] = dc_field(default_factory=list)


@dataclass
class Evaluation:
    facts: dict[str, Any]
    derived: dict[str, poverty.Derivation]
    deprivations: list[str]
    override_reasons: dict[str, str]
    missing_reasons: list[str]
    member_count: int
    income_per_capita_month: int | None
    result: poverty.Classification | None
    no_working_capacity: bool | None
    income_error: str = ""  # what is wrong with the income typed (the live panel flags it instead of waiting)


INCOME_ERROR = gettext_lazy("Tổng thu nhập phải là một số đồng không âm, chỉ gồm chữ số, ví dụ 54.000.000.")


class ReferenceMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices of a list of the reference data (causes of poverty, support needs): their names in the user's
    language (households.datatext)."""

    def label_from_instance(self, obj):
        from .datatext import translate_data

        return translate_data(str(obj))


class ReviewForm(forms.Form):
    """The review form: income, then the facts and indicators of each of the standard's six dimensions, then
    causes, needs and notes. Field names: `m<member id>_<fact>`, `d_<fact>`, `dep_<code>` (ticked),
    `was_<code>` (the derived value the page showed), `reason_<code>` (the reason of an override)."""

    review_date = forms.DateField(label=gettext_lazy("Ngày rà soát"), widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    income_total_12m = forms.CharField(
        label=gettext_lazy("Tổng thu nhập của hộ trong 12 tháng qua (đồng)"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "money"}),
        help_text=gettext_lazy("Không tính các khoản trợ cấp xã hội theo Quyết định 24/2021/QĐ-TTg."),
    )
    no_working_capacity = forms.ChoiceField(label=gettext_lazy("Hộ không có khả năng lao động"), choices=TRI_AUTO, required=False)
    person_of_merit = forms.BooleanField(label=gettext_lazy("Hộ có người có công với cách mạng"), required=False)
    causes = ReferenceMultipleChoiceField(
        label=gettext_lazy("Nguyên nhân nghèo"), queryset=PovertyCause.objects.filter(active=True), required=False, widget=forms.CheckboxSelectMultiple
    )
    needs = ReferenceMultipleChoiceField(
        label=gettext_lazy("Nhu cầu hỗ trợ"), queryset=SupportNeed.objects.filter(active=True), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rules: poverty.Standard, members: list[Any], review: AnnualReview | None, on: dt.date, indicators_meta: dict[str, dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rules, self.members, self.review, self.on = rules, members, review, on
        self.meta = indicators_meta
        facts = (review.facts if review else {}) or {}
        answers = {str(m.get("id")): m for m in facts.get("members") or []}
        dwelling = facts.get("dwelling") or {}
        member_facts: list[str] = []
        dwelling_facts: list[str] = []
        for key in rules.keys.values():
            for fact in poverty.RULE_FACTS.get(key, {}).get("member", ()):
                if fact not in member_facts:
                    member_facts.append(fact)
            for fact in poverty.RULE_FACTS.get(key, {}).get("dwelling", ()):
                if fact not in dwelling_facts:
                    dwelling_facts.append(fact)
        member_facts.append("can_work")
        self.member_facts_used, self.dwelling_facts_used = member_facts, dwelling_facts
        for m in members:
            person = {"birth_date": m.birth_date.isoformat() if m.birth_date else None, "sex": m.sex}
            given = answers.get(str(m.pk), {})
            for fact in member_facts:
                if not poverty.member_needs_fact(fact, person, on) and fact != "disability_allowance":
                    continue
                name = f"m{m.pk}_{fact}"
                if fact == "work":
                    self.fields[name] = forms.ChoiceField(label=MEMBER_QUESTIONS[fact], choices=[("", "—")] + translated(poverty.WORK_LABELS.items()), required=False)
                elif fact == "education":
                    self.fields[name] = forms.ChoiceField(label=MEMBER_QUESTIONS[fact], choices=[("", "—")] + translated(poverty.EDUCATION_LABELS.items()), required=False)
                else:
                    self.fields[name] = forms.ChoiceField(label=MEMBER_QUESTIONS[fact], choices=YES_NO, required=False)
                self.fields[name].initial = _choice(given.get(fact))
        for fact in dwelling_facts:
            name = f"d_{fact}"
            if fact == "floor_area":
                self.fields[name] = forms.DecimalField(label=DWELLING_QUESTIONS[fact], required=False, min_value=0, max_digits=7, decimal_places=1,
                                                       widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
                self.fields[name].initial = dwelling.get(fact)
            else:
                self.fields[name] = forms.ChoiceField(label=DWELLING_QUESTIONS[fact], choices=YES_NO, required=False)
                self.fields[name].initial = _choice(dwelling.get(fact))
        stored = (review.indicators if review else {}) or {}
        for code in rules.indicators:
            item = stored.get(code) or {}
            self.fields[f"dep_{code}"] = forms.BooleanField(label=rules.indicators[code], required=False, initial=bool(item.get("deprived")))
            self.fields[f"was_{code}"] = forms.CharField(widget=forms.HiddenInput, required=False, initial=_choice(item.get("derived")))
            self.fields[f"reason_{code}"] = forms.CharField(
                label=gettext("Lý do ghi khác kết quả tự xác định"), required=False, initial=item.get("reason", ""),
                widget=forms.TextInput(attrs={"placeholder": gettext("Bắt buộc khi sửa kết quả tự xác định")}),
            )

    # -- reading the posted values ------------------------------------------------------------------

    def _raw(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        if name in self.initial:
            return self.initial[name]
        return self.fields[name].initial if name in self.fields else None

    def facts(self) -> dict[str, Any]:
        members = []
        for m in self.members:
            row: dict[str, Any] = {"id": m.pk}
            for fact in self.member_facts_used:
                name = f"m{m.pk}_{fact}"
                if name not in self.fields:
                    continue
                raw = self._raw(name)
                if fact in ("work", "education"):
                    if raw:
                        row[fact] = raw
                else:
                    value = _from_choice(raw)
                    if value is not None:
                        row[fact] = value
            members.append(row)
        dwelling: dict[str, Any] = {}
        for fact in self.dwelling_facts_used:
            raw = self._raw(f"d_{fact}")
            if fact == "floor_area":
                if raw not in (None, ""):
                    try:
                        dwelling[fact] = round(float(str(raw).replace(",", ".")), 1)
                    except ValueError:
                        pass
            else:
                value = _from_choice(raw)
                if value is not None:
                    dwelling[fact] = value
        return {"members": members, "dwelling": dwelling}

    def evaluate(self, *, area: str, household_facts: dict[str, Any]) -> Evaluation:
        """What the page shows live and what the save sends: facts, derived indicators, the ticks the officer
        made (a tick equal to what the page showed as derived follows the derivation), income, classification."""
        facts = household_facts
        derived = poverty.derive_indicators(self.rules, facts=facts, on=self.on)
        deprivations, reasons, missing = [], {}, []
        for code in self.rules.indicators:
            ticked = _from_choice(self._raw(f"dep_{code}")) is True or self._raw(f"dep_{code}") == "on"
            was = _from_choice(self._raw(f"was_{code}"))
            now = derived[code].deprived
            if now is not None and (was is None or ticked == was):
                value = now  # the officer had not gone against a derived value: follow the facts
            else:
                value = ticked
            if value:
                deprivations.append(code)
            reason = (self._raw(f"reason_{code}") or "").strip()
            if now is not None and value != now:
                if reason:
                    reasons[code] = reason
                else:
                    missing.append(code)
        member_count = len(facts.get("members") or []) or len(self.members) or 1
        income_pc = None
        raw_income = str(self._raw("income_total_12m") or "").lower().replace("đ", "").replace(".", "").replace(",", "").replace(" ", "")
        income_error = ""
        if raw_income.isdigit():
            income_pc = poverty.income_per_capita_month(int(raw_income), member_count)
        elif raw_income:
            income_error = INCOME_ERROR
        elif self.review is not None and self.review.income_total_12m is None:
            income_pc = self.review.income_per_capita_month
        result = None
        if income_pc is not None:
            result = poverty.classify(self.rules, area=area, income_per_capita_month=income_pc, deprivations=deprivations)
        nwc = _from_choice(self._raw("no_working_capacity"))
        if nwc is None:
            nwc = poverty.no_working_capacity(facts, self.on)
        return Evaluation(facts, derived, deprivations, reasons, missing, member_count, income_pc, result, nwc, income_error)

    def clean_income_total_12m(self) -> int | None:
        """Money as officers type it: 54.000.000, 54 000 000 or 54000000 (đ)."""
        raw = str(self.cleaned_data.get("income_total_12m") or "").strip().lower().replace("đ", "")
        digits = raw.replace(".", "").replace(",", "").replace(" ", "")
        if not digits:
            return None
        if not digits.isdigit():
            raise forms.ValidationError(gettext(INCOME_ERROR))
        return int(digits)

    def indicator_rows(self, evaluation: Evaluation | None) -> list[IndicatorRow]:
        rows = []
        for code, name in self.rules.indicators.items():
            derivation = evaluation.derived.get(code) if evaluation else None
            deprived = code in evaluation.deprivations if evaluation else bool(self.fields[f"dep_{code}"].initial)
            overridden = bool(derivation and derivation.deprived is not None and derivation.deprived != deprived)
            rows.append(IndicatorRow(
                code=code, name=name, condition=self.meta.get(code, {}).get("condition", ""), key=self.rules.keys.get(code, ""),
                derivation=derivation, deprived=deprived,
                source=(poverty.OVERRIDDEN if overridden else poverty.DERIVED if derivation and derivation.deprived is not None else poverty.ENTERED),
                reason_field=self[f"reason_{code}"], dep_field=self[f"dep_{code}"], was_field=self[f"was_{code}"], overridden=overridden,
            ))
        return rows


@dataclass
class Section:
    number: int
    title: str
    indicators: list[IndicatorRow]
    member_rows: list[tuple[Any, int | None, list[Any]]]  # (member, age, bound fields)
    dwelling_fields: list[Any]


def review_sections(form: "ReviewForm", evaluation: Evaluation | None) -> list[Section]:
    """The form grouped by the standard's dimensions, each with the questions its indicators read."""
    rows = {r.code: r for r in form.indicator_rows(evaluation)}
    order: list[str] = []
    by_dimension: dict[str, list[str]] = {}
    for code in form.rules.indicators:
        dim = form.rules.dimensions.get(code, "")
        if dim not in by_dimension:
            order.append(dim)
            by_dimension[dim] = []
        by_dimension[dim].append(code)
    sections = []
    for number, dim in enumerate(order, start=1):
        codes = by_dimension[dim]
        member_facts, dwelling_facts = [], []
        for code in codes:
            spec = poverty.RULE_FACTS.get(form.rules.keys.get(code, ""), {})
            member_facts += [f for f in spec.get("member", ()) if f not in member_facts]
            dwelling_facts += [f for f in spec.get("dwelling", ()) if f not in dwelling_facts]
        if number == 1:
            member_facts.append("can_work")
        member_rows = []
        for m in form.members:
            fields = [form[f"m{m.pk}_{f}"] for f in member_facts if f"m{m.pk}_{f}" in form.fields]
            if fields:
                member_rows.append((m, poverty.age_on(m.birth_date, form.on), fields))
        dwelling_fields = [form[f"d_{f}"] for f in dwelling_facts if f"d_{f}" in form.fields]
        sections.append(Section(number, dim, [rows[c] for c in codes], member_rows, dwelling_fields))
    return sections


class MeetingForm(forms.Form):
    step_name = gettext_lazy("Họp thôn thống nhất kết quả")
    village = forms.ModelChoiceField(label=gettext_lazy("Thôn, tổ dân phố"), queryset=AdministrativeUnit.objects.none())
    held_on = forms.DateField(label=gettext_lazy("Ngày họp"), widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    chaired_by = forms.CharField(label=gettext_lazy("Người chủ trì (trưởng thôn)"), max_length=120, required=False)
    attendance = forms.IntegerField(label=gettext_lazy("Số người dự họp"), min_value=1)
    agreeing = forms.IntegerField(label=gettext_lazy("Số người đồng ý với kết quả"), min_value=0)
    minutes_note = forms.CharField(label=gettext_lazy("Ghi chú biên bản"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Asked only when the figures give under 50 %: a mistyped count must not send a whole village back unseen.
    confirm_redo = forms.BooleanField(
        label=gettext_lazy("Tôi xác nhận cuộc họp có dưới 50 % người dự họp đồng ý: các phiếu của thôn trở lại bước rà soát."),
        required=False,
    )

    def __init__(self, *args, villages, on: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        village_choices(self.fields["village"], villages, on=on)
        self.fields["village"].empty_label = gettext("— Chọn thôn —")

    def clean(self):
        data = super().clean()
        meeting_counts_check(self, data)
        if self.fails and not data.get("confirm_redo") and not self.has_error("agreeing"):
            self.add_error("confirm_redo", gettext(
                "Chỉ %(agreeing)s/%(attendance)s người đồng ý (dưới 50 %%): kiểm tra lại số liệu; nếu đúng, đánh dấu ô "
                "xác nhận rồi ghi lại."
            ) % {"agreeing": data["agreeing"], "attendance": data["attendance"]})
        return data

    @property
    def asks_confirmation(self) -> bool:
        return self.is_bound and ("confirm_redo" in self.errors or bool(self.data.get("confirm_redo")))


def meeting_counts_check(form: forms.Form, data: dict) -> None:
    """Attendance and agreeing counts of a meeting form, checked together; sets `form.fails` (under 50 %)."""
    form.fails = False
    attendance, agreeing = data.get("attendance"), data.get("agreeing")
    if attendance is None or agreeing is None:
        return
    if agreeing > attendance:
        form.add_error("agreeing", gettext("Số người đồng ý (%(agreeing)s) không được lớn hơn số người dự họp (%(attendance)s).")
                       % {"agreeing": agreeing, "attendance": attendance})
        return
    form.fails = not poverty.meeting_agrees(attendance=attendance, agreeing=agreeing)


class MeetingCorrectForm(forms.Form):
    """Correct a meeting record on the day it was recorded (services.village_meeting_correct)."""

    step_name = gettext_lazy("Sửa biên bản họp")
    chaired_by = forms.CharField(label=gettext_lazy("Người chủ trì (trưởng thôn)"), max_length=120, required=False)
    attendance = forms.IntegerField(label=gettext_lazy("Số người dự họp"), min_value=1)
    agreeing = forms.IntegerField(label=gettext_lazy("Số người đồng ý với kết quả"), min_value=0)
    minutes_note = forms.CharField(label=gettext_lazy("Ghi chú biên bản"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=gettext_lazy("Lý do sửa"), max_length=300)

    def clean(self):
        data = super().clean()
        meeting_counts_check(self, data)
        return data


class VillageBulkForm(forms.Form):
    """One step for every review of a village (services.village_reviews_bulk)."""

    village = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("submit", gettext_lazy("Hoàn thành rà soát cả thôn")), ("send_back", gettext_lazy("Trả lại rà soát cả thôn"))])


class PostingForm(forms.Form):
    step_name = gettext_lazy("Niêm yết công khai")
    village = forms.ModelChoiceField(label=gettext_lazy("Thôn, tổ dân phố"), queryset=AdministrativeUnit.objects.none())
    posted_from = forms.DateField(label=gettext_lazy("Niêm yết từ ngày"), widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    posted_until = forms.DateField(label=gettext_lazy("Đến ngày (để trống: tự tính theo số ngày làm việc)"), required=False, widget=DateInput(),
                                   input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    place = forms.CharField(label=gettext_lazy("Nơi niêm yết"), max_length=200, required=False, initial="Nhà văn hóa thôn và trụ sở UBND xã")

    def __init__(self, *args, villages, on: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        village_choices(self.fields["village"], villages, on=on)
        self.fields["village"].empty_label = gettext("— Chọn thôn —")


class RecognitionForm(forms.Form):
    step_name = gettext_lazy("Quyết định công nhận của Chủ tịch UBND xã")
    decision_number = forms.CharField(label=gettext_lazy("Số quyết định công nhận"), max_length=60, widget=forms.TextInput(attrs={"placeholder": "125/QĐ-UBND"}))
    decision_date = forms.DateField(label=gettext_lazy("Ngày quyết định"), widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"])


class ConfirmForm(forms.Form):
    step_name = gettext_lazy("Huyện xác nhận kết quả của xã")
    note = forms.CharField(label=gettext_lazy("Ghi chú xác nhận"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(forms.Form):
    to_state = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Lý do, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ComplaintForm(forms.Form):
    received_on = forms.DateField(label=gettext_lazy("Ngày nhận"), widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    complainant = forms.CharField(label=gettext_lazy("Người khiếu nại, phản ánh"), max_length=120)
    content = forms.CharField(label=gettext_lazy("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintResolveForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Kết quả phúc tra"), choices=[(ComplaintStatus.CHANGED, ComplaintStatus.CHANGED.label), (ComplaintStatus.KEPT, ComplaintStatus.KEPT.label)])
    resolution = forms.CharField(label=gettext_lazy("Nội dung phúc tra"), widget=forms.Textarea(attrs={"rows": 2}))


class ApplicationForm(forms.Form):
    household = forms.CharField(label=gettext_lazy("Mã hộ"), max_length=32)
    received_on = forms.DateField(label=gettext_lazy("Ngày nhận đơn"), widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    request = forms.ChoiceField(label=gettext_lazy("Nội dung đề nghị"), choices=ApplicationRequest.choices)
    applicant = forms.CharField(label=gettext_lazy("Người làm đơn"), max_length=120, required=False)
    reason = forms.CharField(label=gettext_lazy("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApplicationDecisionForm(forms.Form):
    approved = forms.TypedChoiceField(label=gettext_lazy("Kết quả"), choices=[("1", gettext_lazy("Công nhận")), ("0", gettext_lazy("Không công nhận"))], coerce=lambda v: v == "1")
    decided_on = forms.DateField(label=gettext_lazy("Ngày quyết định"), widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    decision_number = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=60, required=False)
    refusal_reason = forms.CharField(label=gettext_lazy("Lý do không công nhận"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FlagResolveForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Ghi chú xử lý"), widget=forms.Textarea(attrs={"rows": 2}))
