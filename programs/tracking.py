"""Tracking a target year by year: pure Python, no Django, so the rules are quick to test exhaustively.

Two kinds of target (the plan, section II.2 and III.4):

- a **reduction** target: a rate (percent of reviewed households that are poor) must fall by `value` percentage
  points a year on average from the baseline year to the end year ("tỷ lệ hộ nghèo giảm bình quân 3%/năm");
- a **level** target: a count (communes in region III, poor households in temporary houses) must come down to
  `value` by the end year ("không còn xã thuộc khu vực III", "xóa xong nhà tạm, nhà dột nát").

Statuses: `met` (a level target at or below its value; a reduction target whose end year has come and whose
average reached the value), `on_track` (keeping the pace), `at_risk` (behind the pace but still reachable),
`missed` (the end year has come without the value, or what is left can no longer be reached: a rate cannot fall
below zero). None when the figures needed are not there (no reviews that year, no baseline).

A rate is comparable only with a rate of the same poverty standard: the year a new standard applies (Decree 351
from the 2027 review) contributes no reduction, and is marked as a break in the series.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext, gettext_noop

MET, ON_TRACK, AT_RISK, MISSED = "met", "on_track", "at_risk", "missed"
STATUS_LABELS = {
    MET: gettext_noop("Đạt"),
    ON_TRACK: gettext_noop("Đúng tiến độ"),
    AT_RISK: gettext_noop("Có nguy cơ không đạt"),
    MISSED: gettext_noop("Không đạt"),
}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100 (percent), or None when there is nothing to divide by."""
    if not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


def r2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RatePoint:
    """A year's rate for a unit: `part` of `whole` households, under one poverty standard."""

    year: int
    part: int
    whole: int
    standard: str | None = None

    @property
    def rate(self) -> Decimal | None:
        return rate(self.part, self.whole)


@dataclass
class SeriesRow:
    year: int
    value: Decimal | None  # the rate (percent) or the level (count)
    part: int | None = None
    whole: int | None = None
    change: Decimal | None = None  # the fall since the previous year with figures (points or count)
    comparable: bool = True  # False where the standard changed since the previous year with figures


@dataclass
class Progress:
    year: int  # the year evaluated
    actual: Decimal | None  # average yearly reduction so far (points a year), or the level that year
    status: str | None
    needed_per_year: Decimal | None  # the average yearly fall still needed from `year` to the end year
    current: Decimal | None = None  # the rate (or level) in `year`
    baseline: Decimal | None = None  # the rate (or level) in the baseline year
    expected: Decimal | None = None  # a level target: where the straight path from the baseline stands in `year`
    note: str = ""
    series: list[SeriesRow] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return gettext(STATUS_LABELS.get(self.status or "", gettext_noop("Chưa có số liệu")))


def _reached(avg: Decimal, value: Decimal, comparison: str) -> bool:
    return avg > value if comparison == "more_than" else avg >= value


def reduction_progress(
    *, points: list[RatePoint], baseline_year: int, end_year: int, value: Decimal, comparison: str, year: int
) -> Progress:
    """Average yearly fall of a rate from `baseline_year` to `year` against `value` points a year."""
    value = Decimal(value)
    evaluated = min(year, end_year)
    by_year = {p.year: p for p in points if p.whole}
    series: list[SeriesRow] = []
    previous: RatePoint | None = None
    for y in sorted(y for y in by_year if baseline_year <= y <= evaluated):
        p = by_year[y]
        row = SeriesRow(year=y, value=p.rate, part=p.part, whole=p.whole)
        if previous is not None:
            if previous.standard == p.standard:
                row.change = previous.rate - p.rate  # type: ignore[operator]
            else:
                row.comparable = False
        series.append(row)
        previous = p
    base = by_year.get(baseline_year)
    now = by_year.get(evaluated)
    progress = Progress(
        year=evaluated, actual=None, status=None, needed_per_year=None, series=series,
        baseline=base.rate if base else None, current=now.rate if now else None,
    )
    total_needed = value * (end_year - baseline_year)
    if base is None:
        progress.note = f"Chưa có kết quả rà soát chính thức năm gốc {baseline_year}."
        return progress
    if evaluated <= baseline_year:
        progress.note = f"Chỉ tiêu tính mức giảm từ năm gốc {baseline_year}."
        progress.needed_per_year = value
        return progress
    if now is None:
        progress.note = f"Chưa có kết quả rà soát chính thức năm {evaluated}."
        return progress
    achieved = sum((r.change for r in series if r.change is not None), Decimal(0))
    avg = achieved / (evaluated - baseline_year)
    progress.actual = avg
    years_left = end_year - evaluated
    remaining = total_needed - achieved
    if years_left > 0:
        progress.needed_per_year = max(remaining, Decimal(0)) / years_left
    if evaluated >= end_year:
        progress.status = MET if _reached(avg, value, comparison) else MISSED
    elif remaining > now.rate:  # type: ignore[operator]
        # What is left to fall is more than the whole rate: it cannot be reached any more.
        progress.status = MISSED
    else:
        progress.status = ON_TRACK if _reached(avg, value, comparison) else AT_RISK
    if any(not r.comparable for r in series):
        progress.note = "Có năm đổi chuẩn nghèo: mức giảm của năm đó không được tính."
    return progress


def level_progress(
    *, levels: dict[int, int | None], baseline_year: int, end_year: int, value: Decimal, year: int
) -> Progress:
    """A count that must come down to `value` by `end_year`, against the straight path from the baseline."""
    value = Decimal(value)
    evaluated = min(year, end_year)
    known = {y: Decimal(v) for y, v in levels.items() if v is not None}
    series: list[SeriesRow] = []
    previous: Decimal | None = None
    for y in sorted(y for y in known if baseline_year <= y <= evaluated):
        row = SeriesRow(year=y, value=known[y])
        if previous is not None:
            row.change = previous - known[y]
        series.append(row)
        previous = known[y]
    base = known.get(baseline_year)
    now = known.get(evaluated)
    progress = Progress(
        year=evaluated, actual=now, status=None, needed_per_year=None, series=series, baseline=base, current=now
    )
    if now is None:
        progress.note = f"Chưa có số liệu năm {evaluated}."
        return progress
    if now <= value:
        progress.status = MET
        progress.needed_per_year = Decimal(0) if evaluated < end_year else None
        return progress
    if evaluated >= end_year:
        progress.status = MISSED
        return progress
    progress.needed_per_year = (now - value) / (end_year - evaluated)
    if base is None:
        progress.note = f"Chưa có số liệu năm gốc {baseline_year}."
        return progress
    if evaluated <= baseline_year:
        progress.expected = base
    else:
        progress.expected = base - (base - value) * (evaluated - baseline_year) / (end_year - baseline_year)
    progress.status = ON_TRACK if now <= progress.expected else AT_RISK
    return progress
