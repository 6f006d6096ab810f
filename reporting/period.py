"""The figures of the period reports: the five-year review 2021–2025 (due 15/9/2025) and the ten-year review
2021–2030 (due 15/9/2030), section V of the plan.

A period report compares the baseline year (the general review at the end of 2021, which set the baseline of the
2022–2025 period) with the latest year whose results were officially recognised before the due date — for the
five-year review, due in September 2025 before that year's review, the 2024 results. Rows are on today's
structure (the communes in force now, with the figures of the units they took over), so the baseline and the latest
year are compared unit by unit. Everything here is built from the annual selectors of `reporting.selectors`, so a
period report and the annual reports of its years agree: the cumulative movement of a commune is the sum of its
yearly movements, and its start and end are the baseline's and the latest year's end.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from households.models import OFFICIAL_STATES, AnnualReview
from households.structure import Structure

from . import selectors
from .cube import DECREASES, INCREASES



def latest_recognised_year(*, first: int, last: int, due: dt.date, unit_ids: Iterable[int] | None = None) -> int:
    """The latest review year of `first`…`last` officially recognised before `due`: a year's lists are recognised
    by the end of December (the review runs 1 September – 14 December, Decision 24/2021/QĐ-TTg Art. 4), so a year
    counts when its 31 December is before the due date and it has official results. The baseline year when none."""
    candidates = [y for y in range(first, last + 1) if dt.date(y, 12, 31) < due]
    if not candidates:
        return first
    qs = AnnualReview.objects.filter(year__in=candidates, state__in=OFFICIAL_STATES)
    if unit_ids is not None:
        qs = qs.filter(commune_id__in=list(unit_ids))
    years = set(qs.values_list("year", flat=True).distinct())
    found = [y for y in candidates if y in years]
    return max(found) if found else max(candidates)


def average_reduction(start_rate: float | None, end_rate: float | None, years: int) -> float | None:
    """The average yearly fall of a rate, in percentage points a year (positive when the rate fell)."""
    if start_rate is None or end_rate is None or years <= 0:
        return None
    return round((start_rate - end_rate) / years, 2)


def comparison(
    *, base: int, latest: int, unit_ids: Iterable[int] | None = None, basis: str = selectors.OFFICIAL,
    by: str = "commune", structure: str = Structure.CURRENT,
) -> dict[str, Any]:
    """The baseline year against the latest, per unit and in total.

    {"base", "latest", "years" (latest − base), "total": row, "rows": [row]} where a row is {"unit", "base": {…},
    "latest": {…}} with households, persons, poor, near_poor, their rates and the ethnic-minority poor rate of each
    year, and "poor_points" / "near_points" / "em_points" (the change over the period in points, negative when the
    rate fell) and "poor_per_year" / "em_per_year" (the average yearly fall, positive when the rate fell)."""
    ids = list(unit_ids) if unit_ids is not None else None
    common = {"unit_ids": ids, "basis": basis}
    units = selectors.UnitIndex()
    by_year = {
        y: {r["unit"]["id"]: r for r in selectors.poverty_by_unit(year=y, by=by, structure=structure, units=units, **common)}
        for y in (base, latest)
    }
    totals = {t["year"]: t for t in selectors.poverty_trend(years=[base, latest], **common)}
    span = latest - base

    def pair(b: dict[str, Any] | None, e: dict[str, Any] | None) -> dict[str, Any]:
        b, e = _year_figures(b), _year_figures(e)
        return {
            "base": b, "latest": e,
            "poor_points": selectors.points(b["poor_rate"], e["poor_rate"]) if b["households"] and e["households"] else None,
            "near_points": selectors.points(b["near_poor_rate"], e["near_poor_rate"]) if b["households"] and e["households"] else None,
            "em_points": selectors.points(b["em_poor_rate"], e["em_poor_rate"]) if b["em_households"] and e["em_households"] else None,
            "poor_per_year": average_reduction(b["poor_rate"], e["poor_rate"], span) if b["households"] and e["households"] else None,
            "em_per_year": average_reduction(b["em_poor_rate"], e["em_poor_rate"], span) if b["em_households"] and e["em_households"] else None,
        }

    rows = []
    for uid in sorted(set(by_year[base]) | set(by_year[latest]), key=lambda i: _order(by_year, i, by)):
        b, e = by_year[base].get(uid), by_year[latest].get(uid)
        rows.append({"unit": (e or b)["unit"], **pair(b, e)})
    return {"base": base, "latest": latest, "years": span, "total": pair(totals.get(base), totals.get(latest)), "rows": rows}


def _order(by_year: dict[int, dict[int, Any]], uid: int, by: str) -> tuple[str, str]:
    row = next(r for r in (by_year[y].get(uid) for y in sorted(by_year, reverse=True)) if r)
    return (row["unit"].get("code") or "" if by == "commune" else "", row["unit"].get("name") or "")


def _year_figures(row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {}
    em = row.get("ethnic_minority") or {}
    return {
        "households": row.get("households", 0), "persons": row.get("persons", 0),
        "poor": row.get("poor", 0), "poor_rate": row.get("poor_rate"),
        "near_poor": row.get("near_poor", 0), "near_poor_rate": row.get("near_poor_rate"),
        "em_households": em.get("households", 0), "em_poor": em.get("poor", 0), "em_poor_rate": em.get("poor_rate"),
    }


def cumulative_movements(
    *, base: int, latest: int, unit_ids: Iterable[int] | None = None, basis: str = selectors.OFFICIAL,
    by: str = "commune", structure: str = Structure.CURRENT,
) -> dict[str, Any]:
    """The movements of the years after the baseline up to the latest, added up per unit and in total.

    {"rows": [{"unit", "poor": {columns}, "near_poor": {columns}, "persons": {...}}], "total": {...}}: `start` is the
    end of the baseline year, `end` the end of the latest year, every other column the sum of the yearly columns, so
    end = start − decreases + increases on every row (each year balances, and on today's structure a year's start is
    the year before's end)."""
    ids = list(unit_ids) if unit_ids is not None else None
    units = selectors.UnitIndex()
    per: dict[Any, dict[str, Any]] = {}
    total: dict[str, Any] = _empty()
    for y in range(base + 1, latest + 1):
        for r in selectors.movements_by_unit(year=y, unit_ids=ids, basis=basis, by=by, structure=structure, units=units):
            row = per.setdefault(r["unit"]["id"], {"unit": r["unit"], **_empty()})
            row["unit"] = r["unit"]
            _add(row, r, first=y == base + 1, last=y == latest)
        _add(total, selectors.movements(year=y, unit_ids=ids, basis=basis, units=units), first=y == base + 1, last=y == latest)
    rows = sorted(per.values(), key=lambda r: ((r["unit"].get("code") or "") if by == "commune" else "", r["unit"].get("name") or ""))
    return {"base": base, "latest": latest, "rows": rows, "total": total}


def _empty() -> dict[str, Any]:
    return {"poor": defaultdict(int), "near_poor": defaultdict(int), "persons": {"poor": defaultdict(int), "near_poor": defaultdict(int)}}


def _add(target: dict[str, Any], move: dict[str, Any], *, first: bool, last: bool) -> None:
    for table in ("poor", "near_poor"):
        for into, part in ((target[table], move[table]), (target["persons"][table], move["persons"][table])):
            for col in DECREASES[table] + INCREASES[table]:
                into[col] += part.get(col, 0)
            if first:
                into["start"] += part.get("start", 0)
            if last:
                into["end"] += part.get("end", 0)


def support_over(
    *, first: int, last: int, unit_ids: Iterable[int] | None = None, structure: str = Structure.CURRENT,
) -> dict[str, Any]:
    """Support delivered and funds allocated and disbursed over the years `first`…`last`, by funding source and by
    year: {"sources": [(code, label)], "years": [{"year", "records", "amount", "by_source"}], "total": {…},
    "funds": [{"source", "label", "allocated", "disbursed", "rate"}], "funds_total": {…}}."""
    ids = list(unit_ids) if unit_ids is not None else None
    labels: dict[str, str] = {}
    years, by_source = [], defaultdict(int)
    records = amount = 0
    funds: dict[str, dict[str, Any]] = {}
    for y in range(first, last + 1):
        data = selectors.support_by_commune(year=y, unit_ids=ids, structure=structure)
        if data:
            labels.update(dict(data["sources"]))
            years.append({"year": y, "records": data["total"]["records"], "amount": data["total"]["amount"], "by_source": data["by_source"]})
            records += data["total"]["records"]
            amount += data["total"]["amount"]
            for code, v in data["by_source"].items():
                by_source[code] += v
        fund = selectors.funds_by_commune(year=y, unit_ids=ids, structure=structure)
        for r in (fund or {}).get("by_source", []):
            f = funds.setdefault(r["label"], {"label": r["label"], "allocated": 0, "disbursed": 0})
            f["allocated"] += r["allocated"] or 0
            f["disbursed"] += r["disbursed"] or 0
    for f in funds.values():
        f["rate"] = selectors.rate(f["disbursed"], f["allocated"])
    allocated = sum(f["allocated"] for f in funds.values())
    disbursed = sum(f["disbursed"] for f in funds.values())
    return {
        "sources": [(code, labels.get(code, code)) for code in sorted(by_source, key=lambda c: (-by_source[c], c))],
        "years": years,
        "total": {"records": records, "amount": amount, "by_source": dict(by_source)},
        "funds": sorted(funds.values(), key=lambda f: (-f["allocated"], f["label"])),
        "funds_total": {"allocated": allocated, "disbursed": disbursed, "rate": selectors.rate(disbursed, allocated)},
    }
