"""The heart of the system: classify a household under a poverty standard, and name its change from history.

Plain Python, no Django: a standard is passed in as a `Standard` value, so every threshold edge can be tested
exhaustively and fast. The rules (DOMAIN.md §2–3):

- Decree 07/2021/NĐ-CP Art. 3.2 (review years 2021–2026, and the same shape under Decree 351/2025 from 2027):
  income per person per month ≤ the line of the area *and* at least 3 deprivations → poor; ≤ the line with
  0–2 deprivations → near-poor; above the line → neither, however many deprivations; above the line up to the
  average-living line → average living standard (Art. 3.2.c).
- Decision 59/2015/QĐ-TTg Art. 2 (history, ≤ 2020): ≤ the poor line → poor; between the poor and the near-poor
  line → poor with ≥ 3 deprivations, otherwise near-poor.
- The change from last year (Decision 24/2021/QĐ-TTg; precedence as DOMAIN.md §3): compare with the latest earlier
  review. Poor now: poor before → stayed; near-poor before → near-poor became poor; poor in any earlier year →
  fell back; otherwise newly poor. Near-poor now: near-poor before → stayed; poor before → escaped poverty;
  near-poor in any earlier year → fell back into near-poverty; otherwise newly near-poor. Neither now: poor before
  → escaped poverty; near-poor before → escaped near-poverty; otherwise stayed. No earlier review → first review
  (a registry event, "other increase" in the summary tables).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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

# Changes (API.md `change`).
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
    unknown = given - set(standard.indicators) if standard.indicators else set()
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


def change(current: str, history: Mapping[int, str], *, year: int) -> str:
    """The change of a household classified `current` in `year`, given its earlier classifications by year.

    Only reviews before `year` count; the latest of them is "last year" (a household not reviewed for a year is
    compared with its latest review).
    """
    earlier = {y: c for y, c in history.items() if y < year}
    if not earlier:
        return FIRST_REVIEW
    previous = earlier[max(earlier)]
    ever_poor = POOR in earlier.values()
    ever_near_poor = NEAR_POOR in earlier.values()
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
