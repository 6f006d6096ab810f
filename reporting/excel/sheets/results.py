"""01. Review results by commune (or village): households, poor and near-poor at the start of the year, escaped,
fell back, newly poor, at the end, rates; urban/rural subtotals and the total."""
from __future__ import annotations

from typing import Any

from households.models import Area

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet

COUNTS = (
    "households", "poor_start", "poor_escaped", "poor_fell_back", "poor_new", "poor_end",
    "near_start", "near_escaped", "near_fell_back", "near_new", "near_end", "_prev_households", "_prev_poor",
)


def _row(name: str, summary: dict[str, Any] | None, move: dict[str, Any] | None, previous: dict[str, Any] | None) -> dict[str, Any]:
    s = summary or {}
    poor = (move or {}).get("poor", {})
    near = (move or {}).get("near_poor", {})
    prev = previous or {}
    row = {
        "name": name,
        "households": s.get("households", 0),
        "poor_start": poor.get("start", 0),
        "poor_escaped": poor.get("escaped_to_near_poor", 0) + poor.get("escaped_above_near_poor", 0),
        "poor_fell_back": poor.get("fell_back", 0),
        "poor_new": poor.get("newly_poor", 0),
        "poor_end": s.get("poor", 0),
        "near_start": near.get("start", 0),
        "near_escaped": near.get("escaped", 0),
        "near_fell_back": near.get("fell_back", 0),
        "near_new": near.get("newly_near_poor", 0),
        "near_end": s.get("near_poor", 0),
        "_prev_households": prev.get("households", 0),
        "_prev_poor": prev.get("poor", 0),
    }
    return _rates(row)


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    """Rates from the counts (never added up): this year's, and the fall in points from last year's."""
    row["poor_rate"] = selectors.rate(row["poor_end"], row["households"])
    row["near_rate"] = selectors.rate(row["near_end"], row["households"])
    before = selectors.rate(row["_prev_poor"], row["_prev_households"])
    row["poor_reduction"] = selectors.points(row["poor_rate"], before) if before is not None and row["households"] else None
    return row


def _subtotal(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Urban or rural: the communes' counts added up (counts only; the rates are computed again)."""
    out: dict[str, Any] = {"name": name, "_style": "subtotal"}
    for key in COUNTS:
        out[key] = sum(r[key] for r in rows)
    return _rates(out)


def rows(ctx: ReportContext) -> list[dict[str, Any]]:
    moves = {r["unit"]["id"]: r for r in ctx.moves_by_unit()}
    units = []
    for i, (unit, row) in enumerate(merge_units(ctx, ctx.by_unit()), start=1):
        name = unit.get("name", "")
        if unit.get("extremely_difficult"):
            name += " (*)"
        units.append((unit, {"stt": i, **_row(name, row, moves.get(unit["id"]), (row or {}).get("previous"))}))
    before = ctx.year_row(ctx.year - 1)
    total = _row(H.TOTAL, ctx.year_row(ctx.year), ctx.moves(), before if before["households"] else None)
    out = [{**total, "_style": "total"}]
    if ctx.is_area:
        for area, label in ((Area.URBAN, H.URBAN), (Area.RURAL, H.RURAL)):
            out.append(_subtotal(label, [r for u, r in units if u.get("area") == area]))
    out += [r for _, r in units]
    return out


def build(wb, ctx: ReportContext) -> None:
    spec = H.results_spec(ctx)
    note = f"{ctx.structure_note} {H.BASIS_NOTE}"
    footnote = H.RESULTS_FOOTNOTE + (" (*) Xã đặc biệt khó khăn (Kế hoạch của huyện, mục III.3)." if ctx.by == "commune" else "")
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=rows(ctx), note=note, footnote=footnote)
