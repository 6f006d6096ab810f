"""02. Ethnic-minority households: how many, and how many of them are poor and near-poor, by commune; the total, then
the urban and the rural communes each under their subtotal (`_grouping`)."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet
from ._grouping import add_up, table_rows

# The counts of a row (what a subtotal adds up); the rates and the fall in points are computed from them.
COUNTS = (
    "households", "poor", "em_households", "em_poor", "em_escaped", "em_fell_back", "em_new", "em_near",
    "_em_start_households", "_em_start_poor",
)


def _row(name: str, s: dict[str, Any] | None) -> dict[str, Any]:
    s = s or {}
    em = s.get("ethnic_minority") or {}
    return _rates({
        "name": name,
        "households": s.get("households", 0),
        "poor": s.get("poor", 0),
        "em_households": em.get("households", 0),
        "em_poor": em.get("poor", 0),
        "em_escaped": em.get("escaped_poverty", 0),
        "em_fell_back": em.get("fell_back_poor", 0),
        "em_new": em.get("newly_poor", 0),
        "em_near": em.get("near_poor", 0),
        # Last year's end of the same households' units (the start of the year), for the fall in points.
        "_em_start_households": em.get("start_households", 0),
        "_em_start_poor": em.get("start_poor", 0),
    })


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    row["em_share"] = selectors.rate(row["em_households"], row["households"])
    row["em_poor_rate"] = selectors.rate(row["em_poor"], row["em_households"])
    row["em_poor_share"] = selectors.rate(row["em_poor"], row["poor"])
    row["em_near_rate"] = selectors.rate(row["em_near"], row["em_households"])
    before = selectors.rate(row["_em_start_poor"], row["_em_start_households"])
    # A fall is positive: last year's rate minus this year's (`points(a, b)` is b − a).
    row["em_poor_reduction"] = selectors.points(row["em_poor_rate"], before) if before is not None else None
    return row


def _subtotal(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _rates({"name": name, **add_up(rows, COUNTS)})


def rows(ctx: ReportContext) -> list[dict[str, Any]]:
    units = [(unit, _row(unit.get("name", ""), row)) for unit, row in merge_units(ctx, ctx.by_unit())]
    return table_rows(ctx, units, total=_row(H.TOTAL, ctx.year_row(ctx.year)), subtotal=_subtotal, body=lambda unit, row: row)


def build(wb, ctx: ReportContext) -> None:
    spec = H.ethnic_spec(ctx)
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=rows(ctx), note=ctx.structure_note)
