"""01. Review results by commune (or village): households and persons; poor and near-poor households at the start of
the year, escaped, fell back, newly poor, at the end, rates; their persons and the rate over persons; the average-living
households of agriculture, forestry, fishery and salt-making with their persons and rates; the total, then
the urban and the rural communes each under their subtotal (`_grouping`)."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet
from ._grouping import add_up, table_rows

# The counts of a row (what a subtotal adds up); every rate is computed again from them (`_rates`).
COUNTS = (
    "households", "persons", "poor_start", "poor_escaped", "poor_fell_back", "poor_new", "poor_end", "poor_persons",
    "near_start", "near_escaped", "near_fell_back", "near_new", "near_end", "near_persons", "farm_end", "farm_persons",
    "_prev_households", "_prev_poor",
)


def _row(name: str, summary: dict[str, Any] | None, move: dict[str, Any] | None, previous: dict[str, Any] | None) -> dict[str, Any]:
    s = summary or {}
    poor = (move or {}).get("poor", {})
    near = (move or {}).get("near_poor", {})
    prev = previous or {}
    row = {
        "name": name,
        "households": s.get("households", 0),
        "persons": s.get("persons", 0),
        "poor_start": poor.get("start", 0),
        "poor_escaped": poor.get("escaped_to_near_poor", 0) + poor.get("escaped_above_near_poor", 0),
        "poor_fell_back": poor.get("fell_back", 0),
        "poor_new": poor.get("newly_poor", 0),
        "poor_end": s.get("poor", 0),
        "poor_persons": s.get("poor_persons", 0),
        "near_start": near.get("start", 0),
        "near_escaped": near.get("escaped", 0),
        "near_fell_back": near.get("fell_back", 0),
        "near_new": near.get("newly_near_poor", 0),
        "near_end": s.get("near_poor", 0),
        "near_persons": s.get("near_poor_persons", 0),
        "farm_end": s.get("average_farming", 0),
        "farm_persons": s.get("average_farming_persons", 0),
        "_prev_households": prev.get("households", 0),
        "_prev_poor": prev.get("poor", 0),
    }
    return _rates(row)


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    """Rates from the counts (never added up): this year's, and the fall in points from last year's."""
    row["poor_rate"] = selectors.rate(row["poor_end"], row["households"])
    row["near_rate"] = selectors.rate(row["near_end"], row["households"])
    row["poor_persons_rate"] = selectors.rate(row["poor_persons"], row["persons"])
    row["near_persons_rate"] = selectors.rate(row["near_persons"], row["persons"])
    row["farm_rate"] = selectors.rate(row["farm_end"], row["households"])
    row["farm_persons_rate"] = selectors.rate(row["farm_persons"], row["persons"])
    before = selectors.rate(row["_prev_poor"], row["_prev_households"])
    row["poor_reduction"] = selectors.points(row["poor_rate"], before) if before is not None and row["households"] else None
    return row


def _subtotal(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Urban or rural: the communes' counts added up (counts only; the rates are computed again)."""
    return _rates({"name": name, **add_up(rows, COUNTS)})


def _name(unit: dict[str, Any]) -> str:
    return unit.get("name", "") + (" (*)" if unit.get("extremely_difficult") else "")


def rows(ctx: ReportContext) -> list[dict[str, Any]]:
    moves = {r["unit"]["id"]: r for r in ctx.moves_by_unit()}
    units = [
        (unit, _row(_name(unit), row, moves.get(unit["id"]), (row or {}).get("previous")))
        for unit, row in merge_units(ctx, ctx.by_unit())
    ]
    before = ctx.year_row(ctx.year - 1)
    total = _row(H.TOTAL, ctx.year_row(ctx.year), ctx.moves(), before if before["households"] else None)
    return table_rows(ctx, units, total=total, subtotal=_subtotal, body=lambda unit, row: row)


def build(wb, ctx: ReportContext) -> None:
    spec = H.results_spec(ctx)
    note = f"{ctx.structure_note} {ctx.basis_note}"
    footnote = H.RESULTS_FOOTNOTE + (" (*) Xã đặc biệt khó khăn (Kế hoạch của huyện, mục III.3)." if ctx.by == "commune" else "")
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=rows(ctx), note=note, footnote=footnote)
