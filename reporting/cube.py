"""The counts every poverty figure is made of: the household-year cube and its tally.

`status_cube` reads the counts of the year rows of `households.HouseholdYear` (one per household and year: where it
lived and who its members were on 31 December, its status on the lists, and the same for the year before), kept in
`households.StatusCount` by place, area, ethnic-minority flag, status and change: one query, a few hundred rows per
year whatever the number of households. `tally` adds those rows up into the figures of each table row (a commune, a
village, the area) — resident households and persons (the denominators: docs/domain.md §3, "Rate = households in the
category ÷ all resident households × 100"), the poor and near-poor, their groups, and the movement tables (forms 2
and 3) — so that every row balances by construction:

    end = start − (2) escaped, became near-poor − (3) escaped, above the near-poor line − (4) other decreases
                + (5) near-poor became poor + (6) fell back + (7) newly poor + (8) other increases

for households and for persons, and the same shape for the near-poor. A household is on both sides of a row when it
lived in the row's unit on both reference dates ("stays"); its change of status then falls in columns 2, 3, 5, 6, 7.
One that arrived (moved in, split off, moved from another row's unit) or left (moved away, merged into another
household, dissolved) is an other increase or decrease; so is one whose category changed only because the income
line of its place changed (urban → rural), counted apart in `line_change`. A household that moved to another
village or commune of the area is an other decrease where it left and an other increase where it went, at every
level, so that any table's total is the sum of its rows. A stayer's change of members (births,
deaths, people who joined or left) is an other increase or decrease of persons. Under the first year of data (no
lists the year before) a household's first review is an other increase.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, Sum

from households.models import Change, StatusCount

POOR, NEAR = "poor", "near_poor"

# The columns of the movement tables (forms 2 and 3), in the forms' order: name → column number.
POOR_COLUMNS = (
    ("start", 1), ("escaped_to_near_poor", 2), ("escaped_above_near_poor", 3), ("other_decrease", 4),
    ("near_poor_to_poor", 5), ("fell_back", 6), ("newly_poor", 7), ("other_increase", 8), ("end", 9),
)
NEAR_COLUMNS = (
    ("start", 1), ("to_poor", 2), ("escaped", 3), ("other_decrease", 4),
    ("from_poor", 5), ("fell_back", 6), ("newly_near_poor", 7), ("other_increase", 8), ("end", 9),
)
DECREASES = {"poor": ("escaped_to_near_poor", "escaped_above_near_poor", "other_decrease"),
             "near_poor": ("to_poor", "escaped", "other_decrease")}
INCREASES = {"poor": ("near_poor_to_poor", "fell_back", "newly_poor", "other_increase"),
             "near_poor": ("from_poor", "fell_back", "newly_near_poor", "other_increase")}

_SUFFIX = {"official": "o", "working": "w"}


def status_cube(
    *, years: Iterable[int], basis: str, unit_ids: Iterable[int] | None = None, wide_ids: Iterable[int] | None = None,
    by: str | None = None,
) -> list[dict[str, Any]]:
    """The counts of `years` on `basis` by place, attributes and status (one query on `households.StatusCount`, the
    summary of the household-year rows kept by `households.household_years`: a few hundred rows per year whatever
    the number of households).

    `wide_ids`: the units whose rows may count (the scope and every unit it took over), used to narrow the scan;
    `tally` decides exactly which side of each row counts. `by="village"` adds the villages.
    """
    qs = StatusCount.objects.filter(year__in=list(years), basis=_SUFFIX[basis])
    if wide_ids is not None:
        wide = list(wide_ids)
        qs = qs.filter(Q(commune__in=wide) | Q(prev_commune__in=wide))
    dims = ["year", "commune", "prev_commune", "area", "prev_area", "minority", "prev_minority", "status", "prev", "change", "line", "moved"]
    if by == "village":
        dims += ["village", "prev_village"]
    rows = qs.values(*dims).annotate(**{m: Sum(m) for m in StatusCount.MEASURES}).order_by()
    out = []
    for r in rows:
        r["commune_id"], r["prev_commune_id"] = r.pop("commune") or None, r.pop("prev_commune") or None
        if by == "village":
            r["village_id"], r["prev_village_id"] = r.pop("village") or None, r.pop("prev_village") or None
        r["nwc"], r["merit"], r["farm"], r["farm_p"] = r["nwc"] or 0, r["merit"] or 0, r["farm"] or 0, r["farm_p"] or 0
        out.append(r)
    return out


def _blank() -> dict[str, Any]:
    block: dict[str, Any] = {
        "households": 0, "persons": 0, "prev_households": 0, "prev_persons": 0, "reviewed": 0,
        "poor": 0, "near_poor": 0, "poor_persons": 0, "near_poor_persons": 0,
        "poor_without_working_capacity": 0, "poor_with_person_of_merit": 0,
        "near_poor_without_working_capacity": 0, "near_poor_with_person_of_merit": 0,
        "line_change": 0, "stayed_poor": 0, "stayed_near_poor": 0, "average_farming": 0, "average_farming_persons": 0,
        **{f"ch_{c.value}": 0 for c in Change},
    }
    for table, columns in (("poor", POOR_COLUMNS), ("near_poor", NEAR_COLUMNS)):
        for name, _ in columns:
            block[f"m_{table}_{name}"] = 0
            block[f"m_{table}_{name}_p"] = 0
    return block


def _add(block: dict[str, Any], table: str, column: str, households: int, persons: int) -> None:
    block[f"m_{table}_{column}"] += households
    block[f"m_{table}_{column}_p"] += persons


def _transition(block: dict[str, Any], r: dict[str, Any]) -> None:
    """A household on both sides of the row: where its change of status (and of members) falls."""
    prev, now, n, p, pp = r["prev"] or "", r["status"] or "", r["n"], r["p"] or 0, r["pp"] or 0
    if prev == now:
        if now in (POOR, NEAR):
            block[f"stayed_{now}"] += n
            _add(block, now, "other_increase", 0, r["gain"] or 0)
            _add(block, now, "other_decrease", 0, r["loss"] or 0)
        return
    if r["line"]:
        block["line_change"] += n
        if prev:
            _add(block, prev, "other_decrease", n, pp)
        if now:
            _add(block, now, "other_increase", n, p)
        return
    if prev == POOR:
        _add(block, POOR, "escaped_to_near_poor" if now == NEAR else "escaped_above_near_poor", n, pp)
    elif prev == NEAR:
        _add(block, NEAR, "to_poor" if now == POOR else "escaped", n, pp)
    if now == POOR:
        if prev == NEAR:
            column = "near_poor_to_poor"
        elif r["change"] == Change.FELL_BACK_POOR:
            column = "fell_back"
        elif r["change"] == Change.NEWLY_POOR:
            column = "newly_poor"
        else:
            column = "other_increase"  # a first review (no lists the year before)
        _add(block, POOR, column, n, p)
    elif now == NEAR:
        if prev == POOR:
            column = "from_poor"
        elif r["change"] == Change.FELL_BACK_NEAR_POOR:
            column = "fell_back"
        elif r["change"] == Change.NEWLY_NEAR_POOR:
            column = "newly_near_poor"
        else:
            column = "other_increase"
        _add(block, NEAR, column, n, p)


KeyFn = Callable[[dict[str, Any]], Any]


def tally(
    rows: Iterable[dict[str, Any]],
    *,
    key_now: KeyFn,
    key_prev: KeyFn,
    ethnic_minority_only: bool = False,
    area: str | None = None,
) -> dict[Any, dict[str, Any]]:
    """The figures of each table row from cube rows of one year. `key_now(r)` / `key_prev(r)`: the table row a cube
    row's household belongs to on 31 December of the year / of the year before (None: outside the table, e.g.
    outside the scope, or not resident then). The filters apply to each side's own attributes, so a household
    that turned urban → rural leaves the urban table and enters the rural one."""
    out: dict[Any, dict[str, Any]] = defaultdict(_blank)

    def passes(minority: bool, place_area: str) -> bool:
        return (not ethnic_minority_only or minority) and (not area or place_area == area)

    for r in rows:
        kn = key_now(r) if r["commune_id"] is not None and passes(r["minority"], r["area"]) else None
        kp = key_prev(r) if r["prev_commune_id"] is not None and passes(r["prev_minority"], r["prev_area"]) else None
        n, p, pp = r["n"], r["p"] or 0, r["pp"] or 0
        status, prev = r["status"] or "", r["prev"] or ""
        if kn is not None:
            b = out[kn]
            b["households"] += n
            b["persons"] += p
            b["reviewed"] += r["reviewed"]
            b["average_farming"] += r["farm"] or 0
            b["average_farming_persons"] += r["farm_p"] or 0
            if r["change"]:
                b[f"ch_{r['change']}"] += n
            if status in (POOR, NEAR):
                b[status] += n
                b[f"{status}_persons"] += p
                b[f"{status}_without_working_capacity"] += r["nwc"]
                b[f"{status}_with_person_of_merit"] += r["merit"]
                _add(b, status, "end", n, p)
        if kp is not None:
            b = out[kp]
            b["prev_households"] += n
            b["prev_persons"] += pp
            if prev in (POOR, NEAR):
                _add(b, prev, "start", n, pp)
        if kn is not None and kn == kp and not r["moved"]:
            _transition(out[kn], r)
        else:
            if kp is not None and prev in (POOR, NEAR):
                _add(out[kp], prev, "other_decrease", n, pp)
            if kn is not None and status in (POOR, NEAR):
                _add(out[kn], status, "other_increase", n, p)
    return dict(out)


def add_up(blocks: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Table rows added up (an urban or rural subtotal, the area's total as the sum of its rows)."""
    total = _blank()
    for b in blocks:
        for k, v in b.items():
            total[k] += v
    return total


def movement_table(block: dict[str, Any], table: str, *, persons: bool = False) -> dict[str, int]:
    """One movement table of a row (`table` "poor" or "near_poor"): {column name: count}, with "stayed"."""
    columns = POOR_COLUMNS if table == "poor" else NEAR_COLUMNS
    suffix = "_p" if persons else ""
    out = {name: block[f"m_{table}_{name}{suffix}"] for name, _ in columns}
    if not persons:
        out["stayed"] = block[f"stayed_{table}"]
    return out


def balances(table: dict[str, int], kind: str) -> bool:
    """end = start − decreases + increases (the identity every row of forms 2 and 3 must satisfy)."""
    return table["end"] == table["start"] - sum(table[c] for c in DECREASES[kind]) + sum(table[c] for c in INCREASES[kind])


def reference_date(year: int) -> dt.date:
    return dt.date(year, 12, 31)
