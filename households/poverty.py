"""The heart of the system: classify a household under a poverty standard, and name its change from history.

Plain Python, no Django: a standard is passed in as a `Standard` value, so every threshold edge can be tested
exhaustively and fast. The rules (docs/domain.md §2–3):

- Decree 07/2021/NĐ-CP Art. 3.2 (review years 2021–2026, and the same shape under Decree 351/2025 from 2027):
  income per person per month ≤ the line of the area *and* at least 3 deprivations → poor; ≤ the line with
  0–2 deprivations → near-poor; above the line → neither, however many deprivations; above the line up to the
  average-living line → average living standard (Art. 3.2.c).
- Decision 59/2015/QĐ-TTg Art. 2 (history, ≤ 2020): ≤ the poor line → poor; between the poor and the near-poor
  line → poor with ≥ 3 deprivations, otherwise near-poor.
- The change from last year (Decision 24/2021/QĐ-TTg; precedence as docs/domain.md §3): compare with the latest earlier
  review. Poor now: poor before → stayed; near-poor before → near-poor became poor; poor in any earlier year →
  fell back; otherwise newly poor. Near-poor now: near-poor before → stayed; poor before → escaped poverty;
  near-poor in any earlier year → fell back into near-poverty; otherwise newly near-poor. Neither now: poor before
  → escaped poverty; near-poor before → escaped near-poverty; otherwise stayed. No earlier review → first review
  (a registry event, "other increase" in the summary tables).
- The indicators from facts (`derive_indicators`, `resolve_indicators`): each indicator with a derivation rule is
  derived from the member and dwelling facts recorded on the review (ages on the review date, insurance,
  schooling, work, floor area, materials, water, latrine, internet, devices); the officer enters the others and
  may override a derived value only with a reason that is kept (docs/domain.md §2).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any



def gettext_noop(message: str) -> str:
    """Marks a label for the translation catalog (makemessages looks for this name) without importing Django:
    this module stays plain Python; screens translate the label where they show it."""
    return message

POOR = "poor"
NEAR_POOR = "near_poor"
AVERAGE = "average"
OTHER = "other"

RURAL = "rural"
URBAN = "urban"

RULE_DECREE07 = "decree07"
RULE_QD59 = "qd59"

CATEGORY_LABELS = {
    POOR: "Hộ nghèo",
    NEAR_POOR: "Hộ cận nghèo",
    AVERAGE: "Hộ có mức sống trung bình",
    OTHER: "Hộ không nghèo",
}
AREA_LABELS = {RURAL: "nông thôn", URBAN: "thành thị"}

# Changes (docs/api.md `change`).
FIRST_REVIEW = "first_review"
STAYED = "stayed"
ESCAPED_POVERTY = "escaped_poverty"
ESCAPED_NEAR_POVERTY = "escaped_near_poverty"
NEAR_POOR_TO_POOR = "near_poor_to_poor"
NEWLY_POOR = "newly_poor"
FELL_BACK_POOR = "fell_back_poor"
NEWLY_NEAR_POOR = "newly_near_poor"
FELL_BACK_NEAR_POOR = "fell_back_near_poor"

CHANGE_LABELS = {
    FIRST_REVIEW: "Rà soát lần đầu",
    STAYED: "Không thay đổi",
    ESCAPED_POVERTY: "Thoát nghèo",
    ESCAPED_NEAR_POVERTY: "Thoát cận nghèo",
    NEAR_POOR_TO_POOR: "Hộ cận nghèo thành hộ nghèo",
    NEWLY_POOR: "Hộ nghèo phát sinh",
    FELL_BACK_POOR: "Tái nghèo",
    NEWLY_NEAR_POOR: "Hộ cận nghèo phát sinh",
    FELL_BACK_NEAR_POOR: "Tái cận nghèo",
}


def vnd(amount: int) -> str:
    """1500000 → "1.500.000 đồng"."""
    return f"{amount:,}".replace(",", ".") + " đồng"


@dataclass(frozen=True)
class Standard:
    """A poverty standard as plain data (built from the database, or directly in tests)."""

    code: str
    name: str
    rule: str
    poor_line: Mapping[str, int]
    near_poor_line: Mapping[str, int]
    average_line: Mapping[str, int] | None = None
    min_deprivations: int = 3
    indicators: Mapping[str, str] = field(default_factory=dict)  # code → name, in the standard's order
    keys: Mapping[str, str] = field(default_factory=dict)  # code → derivation rule (DERIVATION_RULES), where derivable
    dimensions: Mapping[str, str] = field(default_factory=dict)  # code → dimension name, as printed on the forms

    def line(self, area: str) -> int:
        return self.poor_line[area]


@dataclass(frozen=True)
class Classification:
    category: str
    deprivation_count: int
    deprived: tuple[str, ...]
    income_per_capita_month: int
    area: str
    line: int
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self.category]


def _ordered(standard: Standard, deprivations: Iterable[str]) -> tuple[str, ...]:
    given = {str(code) for code in deprivations}
    unknown = given - standard.indicators.keys() if standard.indicators else set()
    if unknown:
        raise ValueError(f"Chỉ số không thuộc chuẩn {standard.code}: {', '.join(sorted(unknown))}")
    if standard.indicators:
        return tuple(code for code in standard.indicators if code in given)
    return tuple(sorted(given, key=lambda c: (len(c), c)))


def classify(standard: Standard, *, area: str, income_per_capita_month: int, deprivations: Iterable[str]) -> Classification:
    """Classify a household and say why, in Vietnamese sentences an officer can read out at the village meeting."""
    if area not in (RURAL, URBAN):
        raise ValueError(f"Khu vực không hợp lệ: {area}")
    if income_per_capita_month < 0:
        raise ValueError("Thu nhập bình quân không được âm.")
    deprived = _ordered(standard, deprivations)
    count = len(deprived)
    income = int(income_per_capita_month)
    poor_line = standard.poor_line[area]
    near_line = standard.near_poor_line[area]
    where = f"khu vực {AREA_LABELS[area]}, {standard.name}"
    names = ", ".join(f"{c}. {standard.indicators.get(c, '')}".rstrip(". ") for c in deprived)
    count_text = (
        f"Thiếu hụt {count} chỉ số" + (f": {names}" if names else "") + f" (hộ nghèo cần từ {standard.min_deprivations} chỉ số trở lên)."
    )
    reasons: list[str] = []
    if standard.rule == RULE_QD59:
        if income <= poor_line:
            category = POOR
            reasons.append(f"Thu nhập bình quân {vnd(income)}/người/tháng, không vượt chuẩn nghèo {vnd(poor_line)} ({where}).")
        elif income <= near_line:
            category = POOR if count >= standard.min_deprivations else NEAR_POOR
            reasons.append(
                f"Thu nhập bình quân {vnd(income)}/người/tháng, trên chuẩn nghèo {vnd(poor_line)} "
                f"và không vượt chuẩn cận nghèo {vnd(near_line)} ({where})."
            )
            reasons.append(count_text)
        else:
            category = OTHER
            reasons.append(f"Thu nhập bình quân {vnd(income)}/người/tháng, vượt chuẩn cận nghèo {vnd(near_line)} ({where}).")
    else:
        if income <= poor_line:
            category = POOR if count >= standard.min_deprivations else NEAR_POOR
            reasons.append(f"Thu nhập bình quân {vnd(income)}/người/tháng, không vượt chuẩn {vnd(poor_line)} ({where}).")
            reasons.append(count_text)
        else:
            average_line = standard.average_line[area] if standard.average_line else None
            category = AVERAGE if average_line is not None and income <= average_line else OTHER
            reasons.append(f"Thu nhập bình quân {vnd(income)}/người/tháng, vượt chuẩn {vnd(poor_line)} ({where}).")
            if count:
                reasons.append(f"Thiếu hụt {count} chỉ số nhưng thu nhập trên chuẩn nên không là hộ nghèo, hộ cận nghèo.")
            if category == AVERAGE:
                reasons.append(f"Không vượt mức {vnd(average_line)} của hộ có mức sống trung bình.")
    reasons.append(f"Kết quả: {CATEGORY_LABELS[category]}.")
    return Classification(category, count, deprived, income, area, poor_line, tuple(reasons))


def change(
    current: str,
    history: Mapping[int, str],
    *,
    year: int,
    existed: bool = False,
    inherited: Mapping[int, str] | None = None,
) -> str:
    """The change of a household classified `current` in `year`, given its earlier classifications by year
    (docs/domain.md §3; Decision 24/2021/QĐ-TTg: the review compares with last year's lists).

    Only reviews before `year` count; the latest of them is "last year" (a household not reviewed for a year kept
    the status of its latest review). With no earlier review of its own:
    - `inherited`: the classifications of the household it split from, before the split — a split-off household's
      first review follows its parent's history;
    - otherwise `existed` (it lived in the area at the end of last year, and last year's lists were made): it was
      neither poor nor near-poor, as every resident household off the lists is;
    - otherwise (it moved in, or no lists were made last year) it is the household's first review.
    The parent's history also counts for "fell back" (poor, or near-poor, in any earlier year).
    """
    earlier = {y: c for y, c in history.items() if y < year}
    parent = {y: c for y, c in (inherited or {}).items() if y < year}
    if earlier:
        previous = earlier[max(earlier)]
    elif existed:
        previous = OTHER
    elif parent:
        previous = parent[max(parent)]
    else:
        return FIRST_REVIEW
    past = list(earlier.values()) + list(parent.values())
    return change_from(current, previous=previous, ever_poor=POOR in past, ever_near_poor=NEAR_POOR in past)


def change_from(current: str, *, previous: str | None, ever_poor: bool, ever_near_poor: bool) -> str:
    """`change` from a summary of the history: the latest earlier classification (None: no earlier review) and
    whether the household was ever poor or near-poor before (for bulk work that reads the summary in SQL)."""
    if not previous:
        return FIRST_REVIEW
    if current == POOR:
        if previous == POOR:
            return STAYED
        if previous == NEAR_POOR:
            return NEAR_POOR_TO_POOR
        return FELL_BACK_POOR if ever_poor else NEWLY_POOR
    if current == NEAR_POOR:
        if previous == NEAR_POOR:
            return STAYED
        if previous == POOR:
            return ESCAPED_POVERTY
        return FELL_BACK_NEAR_POOR if ever_near_poor else NEWLY_NEAR_POOR
    if previous == POOR:
        return ESCAPED_POVERTY
    if previous == NEAR_POOR:
        return ESCAPED_NEAR_POVERTY
    return STAYED


def income_per_capita_month(total_12_months: int, members: int) -> int:
    """Decision 24: the household's income over the last 12 months ÷ members ÷ 12, in whole đồng.

    Rounded *up*: for a whole-đồng line L, ceil(x) ≤ L exactly when x ≤ L, so the rounding never moves a
    household across a line (1.500.000,2 đ is above a 1.500.000 đ line, and stays above it).
    """
    if members <= 0:
        raise ValueError("Số nhân khẩu phải lớn hơn 0.")
    if total_12_months < 0:
        raise ValueError("Tổng thu nhập không được âm.")
    return -(-int(total_12_months) // (int(members) * 12))


# --- Deriving the indicators from member and dwelling facts ----------------------------------------------------
#
# The facts of a review (plain dicts, as stored in `AnnualReview.facts`):
#   {"members": [{"id", "name", "sex" ("male"/"female"), "birth_date" (ISO date),
#                 "work" (WORK_* below), "disability_allowance" (bool), "health_insurance" (bool),
#                 "malnourished" (bool), "education" (EDUCATION_LEVELS), "in_training" (bool),
#                 "in_school" (bool: attending the right level for the age), "can_work" (bool)}, …],
#    "dwelling": {"no_house", "walls_durable", "columns_durable", "roof_durable" (bool), "floor_area" (m²),
#                 "safe_water", "hygienic_latrine", "internet", "tv", "radio", "computer", "phone",
#                 "waste_treated" (bool)}}
# A fact that was not recorded is absent or None. An indicator is derived when the recorded facts settle it
# (one member without health insurance settles indicator 4 even if another member's card is unknown);
# otherwise the officer enters it.

DERIVED = "derived"
ENTERED = "entered"
OVERRIDDEN = "overridden"
SOURCE_LABELS = {DERIVED: "Tự xác định từ thông tin hộ", ENTERED: "Cán bộ nhập", OVERRIDDEN: "Cán bộ sửa (có lý do)"}

WORK_CONTRACT = "contract"  # works for wages with a labour contract
WORK_NO_CONTRACT = "no_contract"  # works for wages without a labour contract
WORK_SELF = "self_employed"  # own farm or business
WORK_UNEMPLOYED = "unemployed"
WORK_NONE = "not_working"  # studying, housework, unable to work: not in the labour force
# Labels translated where they are shown (households.forms); the Excel workbooks keep the Vietnamese.
WORK_LABELS = {
    WORK_CONTRACT: gettext_noop("Làm công ăn lương có hợp đồng lao động"),
    WORK_NO_CONTRACT: gettext_noop("Làm công ăn lương không có hợp đồng lao động"),
    WORK_SELF: gettext_noop("Tự làm (nông nghiệp, kinh doanh)"),
    WORK_UNEMPLOYED: gettext_noop("Thất nghiệp (muốn làm nhưng không có việc)"),
    WORK_NONE: gettext_noop("Không tham gia lao động (đi học, nội trợ, mất khả năng lao động)"),
}

EDUCATION_LEVELS = ("none", "primary", "lower_secondary", "upper_secondary", "vocational", "higher")
EDUCATION_LABELS = {
    "none": gettext_noop("Chưa tốt nghiệp tiểu học"),
    "primary": gettext_noop("Tiểu học"),
    "lower_secondary": gettext_noop("Trung học cơ sở"),
    "upper_secondary": gettext_noop("Trung học phổ thông"),
    "vocational": gettext_noop("Trung cấp, cao đẳng nghề"),
    "higher": gettext_noop("Cao đẳng, đại học trở lên"),
}
# Schooling expected for the age (Decree 07/2021/NĐ-CP, indicator 5): lower secondary at 16–17; upper secondary
# or vocational at 18–30.
_ENOUGH_16_17 = {"lower_secondary", "upper_secondary", "vocational", "higher"}
_ENOUGH_18_30 = {"upper_secondary", "vocational", "higher"}

# Thresholds (docs/domain.md §2; Decree 07/2021/NĐ-CP and Circular 07/2021/TT-BLĐTBXH).
CHILD_AGE = 16  # "trẻ em dưới 16 tuổi" (indicators 2, 3)
INSURANCE_AGE = 6  # "từ đủ 6 tuổi trở lên" (indicator 4)
ADULT_EDUCATION_AGES = (16, 30)  # "từ 16 đến 30 tuổi" (indicator 5), both ends included
SCHOOL_AGES = (3, 16)  # "từ 3 tuổi đến dưới 16 tuổi" (indicator 6)
ELDERLY_AGE = 60  # Law on the Elderly 2009, Art. 2 (indicator 2)
DEPENDANT_SHARE = 0.5  # dependants "lớn hơn 50%" of the members (indicator 2)
NON_DURABLE_PARTS = 2  # at least 2 of walls, columns, roof (indicator 7)
MIN_AREA_PER_PERSON = 8  # m² per person (indicator 8)
WORKING_AGE_FROM = 15  # Labour Code 2019: working age from 15 to the retirement age
INFORMATION_DEVICES = ("tv", "radio", "computer", "phone")


def age_on(birth: dt.date | str | None, on: dt.date) -> int | None:
    """Completed years on a date (a birthday on the day counts)."""
    if birth in (None, ""):
        return None
    if isinstance(birth, str):
        birth = dt.date.fromisoformat(birth[:10])
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _age_months(birth: dt.date | str | None, on: dt.date) -> int | None:
    if birth in (None, ""):
        return None
    if isinstance(birth, str):
        birth = dt.date.fromisoformat(birth[:10])
    months = (on.year - birth.year) * 12 + on.month - birth.month
    return months - (1 if on.day < birth.day else 0)


def retirement_age_months(sex: str | None, year: int) -> int:
    """Labour Code 2019 Art. 169 and Decree 135/2020/NĐ-CP: 60 years 3 months for men and 55 years 4 months for
    women in 2021, rising 3 (men) and 4 (women) months a year until 62 (2028) and 60 (2035). (to confirm: the
    age is set by the year a person reaches it; the review year is used here.)"""
    steps = max(0, year - 2020)
    if sex == "female":
        return min(60 * 12, 55 * 12 + 4 * steps)
    return min(62 * 12, 60 * 12 + 3 * steps)


def in_working_age(member: Mapping[str, Any], on: dt.date) -> bool | None:
    months = _age_months(member.get("birth_date"), on)
    if months is None:
        return None
    return WORKING_AGE_FROM * 12 <= months < retirement_age_months(member.get("sex"), on.year)


@dataclass(frozen=True)
class Derivation:
    """What the facts say about one indicator: deprived (True/False) or not settled (None), and why."""

    code: str
    key: str
    deprived: bool | None
    explanation: str


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator as recorded on the review: its value, where it came from, and the reason of an override."""

    code: str
    deprived: bool
    source: str
    derived: bool | None
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"deprived": self.deprived, "source": self.source, "derived": self.derived, "reason": self.reason}


def _name(member: Mapping[str, Any]) -> str:
    return str(member.get("name") or "một thành viên")


def _any_rule(people: list[tuple[Mapping[str, Any], bool | None]], *, deprived_text: str, clear_text: str, missing_text: str) -> tuple[bool | None, str]:
    """A household rule "deprived when at least one person is": settled by one deprived person, or by all."""
    bad = [p for p, v in people if v is True]
    if bad:
        return True, deprived_text.format(names=", ".join(_name(p) for p in bad))
    unknown = [p for p, v in people if v is None]
    if unknown:
        return None, missing_text.format(names=", ".join(_name(p) for p in unknown))
    return False, clear_text


def _members(facts: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(facts.get("members") or [])


def _dwelling(facts: Mapping[str, Any]) -> Mapping[str, Any]:
    return facts.get("dwelling") or {}


def _rule_employment(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    people = []
    for m in _members(facts):
        working_age = in_working_age(m, on)
        work = m.get("work")
        if working_age is False:
            continue
        if working_age is None:  # without a birth date only a job with a contract (or none sought) settles it
            people.append((m, False if work in (WORK_CONTRACT, WORK_SELF, WORK_NONE) else None))
            continue
        people.append((m, None if not work else work in (WORK_UNEMPLOYED, WORK_NO_CONTRACT)))
    return _any_rule(
        people,
        deprived_text="Có người trong độ tuổi lao động thất nghiệp hoặc làm công không có hợp đồng: {names}.",
        clear_text="Người trong độ tuổi lao động đều có việc làm (hoặc làm công có hợp đồng).",
        missing_text="Chưa ghi tình trạng việc làm hoặc ngày sinh của: {names}.",
    )


def _rule_dependants(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    members = _members(facts)
    if not members:
        return None, "Chưa có danh sách nhân khẩu."
    dependants, unknown = 0, []
    for m in members:
        age = age_on(m.get("birth_date"), on)
        if m.get("disability_allowance"):
            dependants += 1
        elif age is None:
            unknown.append(m)
        elif age < CHILD_AGE or age >= ELDERLY_AGE:
            dependants += 1
    total = len(members)
    if dependants > DEPENDANT_SHARE * total:
        return True, f"{dependants}/{total} nhân khẩu là người phụ thuộc (trẻ em dưới 16 tuổi, người từ 60 tuổi, người khuyết tật hưởng trợ cấp), trên 50 %."
    if (dependants + len(unknown)) <= DEPENDANT_SHARE * total:
        return False, f"{dependants}/{total} nhân khẩu là người phụ thuộc, không quá 50 %."
    return None, "Chưa ghi ngày sinh của: " + ", ".join(_name(m) for m in unknown) + "."


def _rule_nutrition(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    people = []
    for m in _members(facts):
        age = age_on(m.get("birth_date"), on)
        if age is not None and age >= CHILD_AGE:
            continue
        value = m.get("malnourished")
        if age is None and value is not True:
            value = None
        people.append((m, value))
    if not people:
        return False, "Hộ không có trẻ em dưới 16 tuổi."
    return _any_rule(
        people,
        deprived_text="Có trẻ em dưới 16 tuổi suy dinh dưỡng: {names}.",
        clear_text="Trẻ em dưới 16 tuổi không bị suy dinh dưỡng.",
        missing_text="Chưa ghi tình trạng dinh dưỡng của trẻ: {names}.",
    )


def _rule_health_insurance(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    people = []
    for m in _members(facts):
        age = age_on(m.get("birth_date"), on)
        if age is not None and age < INSURANCE_AGE:
            continue
        insured = m.get("health_insurance")
        if age is None:  # without a birth date only a card settles it (the person may be under 6)
            value = False if insured is True else None
        else:
            value = None if insured is None else not insured
        people.append((m, value))
    if not people:
        return False, "Hộ không có người từ đủ 6 tuổi trở lên."
    return _any_rule(
        people,
        deprived_text="Có người từ đủ 6 tuổi trở lên không có bảo hiểm y tế: {names}.",
        clear_text="Mọi người từ đủ 6 tuổi trở lên đều có bảo hiểm y tế.",
        missing_text="Chưa ghi bảo hiểm y tế (hoặc ngày sinh) của: {names}.",
    )


def _rule_adult_education(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    low, high = ADULT_EDUCATION_AGES
    people = []
    for m in _members(facts):
        age = age_on(m.get("birth_date"), on)
        if age is None:
            people.append((m, None))
            continue
        if not (low <= age <= high):
            continue
        enough = _ENOUGH_16_17 if age < 18 else _ENOUGH_18_30
        education, training = m.get("education"), m.get("in_training")
        if training is True or education in enough:
            people.append((m, False))
        elif training is False and education:
            people.append((m, True))
        else:
            people.append((m, None))
    if not people:
        return False, "Hộ không có người từ 16 đến 30 tuổi."
    return _any_rule(
        people,
        deprived_text="Có người 16–30 tuổi không đi học, đào tạo và chưa có trình độ phù hợp với tuổi: {names}.",
        clear_text="Người 16–30 tuổi đều có trình độ phù hợp với tuổi hoặc đang đi học, đào tạo.",
        missing_text="Chưa ghi trình độ học vấn, đào tạo (hoặc ngày sinh) của: {names}.",
    )


def _rule_child_schooling(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    low, high = SCHOOL_AGES
    people = []
    for m in _members(facts):
        age = age_on(m.get("birth_date"), on)
        if age is None:
            people.append((m, None))
            continue
        if not (low <= age < high):
            continue
        school = m.get("in_school")
        people.append((m, None if school is None else not school))
    if not people:
        return False, "Hộ không có trẻ em từ 3 đến dưới 16 tuổi."
    return _any_rule(
        people,
        deprived_text="Có trẻ em từ 3 đến dưới 16 tuổi không được học đúng bậc, cấp học: {names}.",
        clear_text="Trẻ em từ 3 đến dưới 16 tuổi đều đi học đúng bậc, cấp học.",
        missing_text="Chưa ghi tình trạng đi học (hoặc ngày sinh) của: {names}.",
    )


def _rule_housing_quality(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    d = _dwelling(facts)
    if d.get("no_house"):
        return True, "Hộ không có nhà ở."
    parts = {"tường": d.get("walls_durable"), "cột": d.get("columns_durable"), "mái": d.get("roof_durable")}
    weak = [name for name, v in parts.items() if v is False]
    strong = [name for name, v in parts.items() if v is True]
    if len(weak) >= NON_DURABLE_PARTS:
        return True, f"Nhà thiếu kiên cố: {', '.join(weak)} làm bằng vật liệu không bền chắc."
    if len(strong) > len(parts) - NON_DURABLE_PARTS:
        return False, "Nhà ở có ít nhất 2 trong 3 kết cấu chính (tường, cột, mái) bền chắc."
    return None, "Chưa ghi vật liệu tường, cột, mái của nhà ở."


def _rule_housing_area(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    d = _dwelling(facts)
    members = len(_members(facts)) or facts.get("member_count") or 0
    if d.get("no_house"):
        return True, "Hộ không có nhà ở."
    area = d.get("floor_area")
    if area in (None, "") or not members:
        return None, "Chưa ghi diện tích nhà ở hoặc số nhân khẩu."
    per_person = float(area) / int(members)
    text = f"{float(area):g} m² cho {members} người = {per_person:.1f} m²/người".replace(".", ",")
    if per_person < MIN_AREA_PER_PERSON:
        return True, f"Diện tích bình quân {text}, dưới 8 m²."
    return False, f"Diện tích bình quân {text}, từ 8 m² trở lên."


def _flag_rule(name: str, *, bad_text: str, good_text: str, missing_text: str) -> Callable[[Mapping[str, Any], dt.date], tuple[bool | None, str]]:
    def rule(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
        value = _dwelling(facts).get(name)
        if value is None:
            return None, missing_text
        return (False, good_text) if value else (True, bad_text)

    return rule


def _rule_information_devices(facts: Mapping[str, Any], on: dt.date) -> tuple[bool | None, str]:
    d = _dwelling(facts)
    labels = {"tv": "ti vi", "radio": "radio", "computer": "máy tính", "phone": "điện thoại"}
    have = [labels[k] for k in INFORMATION_DEVICES if d.get(k) is True]
    if have:
        return False, "Hộ có phương tiện tiếp cận thông tin: " + ", ".join(have) + "."
    if all(d.get(k) is False for k in INFORMATION_DEVICES):
        return True, "Hộ không có ti vi, radio, máy tính, điện thoại."
    return None, "Chưa ghi các phương tiện tiếp cận thông tin của hộ."


DERIVATION_RULES: dict[str, Callable[[Mapping[str, Any], dt.date], tuple[bool | None, str]]] = {
    "employment": _rule_employment,
    "dependants": _rule_dependants,
    "nutrition": _rule_nutrition,
    "health_insurance": _rule_health_insurance,
    "adult_education": _rule_adult_education,
    "child_schooling": _rule_child_schooling,
    "housing_quality": _rule_housing_quality,
    "housing_area": _rule_housing_area,
    "water": _flag_rule(
        "safe_water", bad_text="Hộ không tiếp cận được nguồn nước sinh hoạt an toàn.",
        good_text="Hộ dùng nguồn nước sinh hoạt an toàn.", missing_text="Chưa ghi nguồn nước sinh hoạt.",
    ),
    "latrine": _flag_rule(
        "hygienic_latrine", bad_text="Hộ không dùng nhà tiêu hợp vệ sinh.",
        good_text="Hộ dùng nhà tiêu hợp vệ sinh.", missing_text="Chưa ghi loại nhà tiêu.",
    ),
    "internet": _flag_rule(
        "internet", bad_text="Không thành viên nào sử dụng internet.",
        good_text="Có thành viên sử dụng internet.", missing_text="Chưa ghi việc sử dụng internet.",
    ),
    "information_devices": _rule_information_devices,
    "waste": _flag_rule(
        "waste_treated", bad_text="Rác thải sinh hoạt không được thu gom, xử lý đúng quy định.",
        good_text="Rác thải sinh hoạt được thu gom, xử lý.", missing_text="Chưa ghi việc thu gom, xử lý rác thải.",
    ),
}

# The facts each rule reads (for forms: which questions belong to which indicator).
RULE_FACTS: dict[str, dict[str, tuple[str, ...]]] = {
    "employment": {"member": ("work",)},
    "dependants": {"member": ("disability_allowance",)},
    "nutrition": {"member": ("malnourished",)},
    "health_insurance": {"member": ("health_insurance",)},
    "adult_education": {"member": ("education", "in_training")},
    "child_schooling": {"member": ("in_school",)},
    "housing_quality": {"dwelling": ("no_house", "walls_durable", "columns_durable", "roof_durable")},
    "housing_area": {"dwelling": ("floor_area",)},
    "water": {"dwelling": ("safe_water",)},
    "latrine": {"dwelling": ("hygienic_latrine",)},
    "internet": {"dwelling": ("internet",)},
    "information_devices": {"dwelling": INFORMATION_DEVICES},
    "waste": {"dwelling": ("waste_treated",)},
}


def member_needs_fact(fact: str, member: Mapping[str, Any], on: dt.date) -> bool:
    """Whether a member-level question applies to this member on the review date (a form shows only those)."""
    age = age_on(member.get("birth_date"), on)
    if age is None:
        return True
    if fact == "work":
        return bool(in_working_age(member, on))
    if fact == "malnourished":
        return age < CHILD_AGE
    if fact == "health_insurance":
        return age >= INSURANCE_AGE
    if fact in ("education", "in_training"):
        return ADULT_EDUCATION_AGES[0] <= age <= ADULT_EDUCATION_AGES[1]
    if fact == "in_school":
        return SCHOOL_AGES[0] <= age < SCHOOL_AGES[1]
    return True


def derive_indicators(standard: Standard, *, facts: Mapping[str, Any], on: dt.date) -> dict[str, Derivation]:
    """Each indicator of the standard that has a derivation rule, derived from the facts as of `on` (the review
    date): deprived True/False when the facts settle it, None when they do not (the officer enters it)."""
    result: dict[str, Derivation] = {}
    facts = facts or {}
    for code in standard.indicators:
        key = standard.keys.get(code, "")
        rule = DERIVATION_RULES.get(key)
        if rule is None:
            result[code] = Derivation(code, key, None, "Chỉ số này do cán bộ nhập.")
            continue
        if "member" in RULE_FACTS.get(key, {}) and not _members(facts):
            result[code] = Derivation(code, key, None, "Chưa có danh sách nhân khẩu.")
            continue
        value, text = rule(facts, on)
        result[code] = Derivation(code, key, value, text)
    return result


def resolve_indicators(
    standard: Standard,
    derived: Mapping[str, Derivation],
    entered: Mapping[str, bool] | None = None,
    reasons: Mapping[str, str] | None = None,
) -> tuple[dict[str, IndicatorValue], list[str]]:
    """The recorded value of each indicator: derived where the facts settle it, entered where they do not.

    `entered` holds what the officer ticked, by code; a code left out (or `entered` None) follows the derivation,
    and is not deprived where nothing derives it. An entered value that differs from a derived one is an
    override and needs a reason; the codes missing a reason come back as the second value.
    """
    reasons = reasons or {}
    values: dict[str, IndicatorValue] = {}
    missing: list[str] = []
    for code in standard.indicators:
        d = derived.get(code)
        auto = d.deprived if d is not None else None
        given = None if entered is None or code not in entered else bool(entered[code])
        reason = (reasons.get(code) or "").strip()
        if auto is None:
            values[code] = IndicatorValue(code, bool(given), ENTERED, None, reason)
        elif given is None or given == auto:
            values[code] = IndicatorValue(code, auto, DERIVED, auto, "")
        else:
            values[code] = IndicatorValue(code, given, OVERRIDDEN, auto, reason)
            if not reason:
                missing.append(code)
    return values, missing


def no_working_capacity(facts: Mapping[str, Any], on: dt.date) -> bool | None:
    """A household without working capacity: no member of working age able to work (all are children, elderly,
    or unable through disability or illness) (docs/domain.md §3, to confirm). None when birth dates are missing."""
    members = _members(facts)
    if not members:
        return None
    for m in members:
        working_age = in_working_age(m, on)
        if working_age is None:
            return None
        if working_age and m.get("can_work") is not False and not m.get("disability_allowance"):
            return False
    return True


def deprivation_mask(standard: Standard, deprived: Iterable[str]) -> int:
    """Bit i set for the indicator at position i of the standard (`AnnualReview.deprivation_mask`)."""
    order = {code: i for i, code in enumerate(standard.indicators)}
    mask = 0
    for code in deprived:
        mask |= 1 << order[str(code)]
    return mask


def meeting_agrees(*, attendance: int, agreeing: int) -> bool:
    """Decision 24/2021/QĐ-TTg Art. 4.3: the village meeting agrees the results when at least 50 % of those
    present agree (exactly half is enough); otherwise the survey of the village is redone."""
    if attendance <= 0:
        raise ValueError("Số người dự họp phải lớn hơn 0.")
    if agreeing < 0 or agreeing > attendance:
        raise ValueError("Số người đồng ý phải từ 0 đến số người dự họp.")
    return 2 * agreeing >= attendance
