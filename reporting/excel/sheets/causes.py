"""05. Causes of poverty by commune (a household may give several); the total, then the urban and the rural communes
each under their subtotal (`_grouping`).

The total row is `reporting.selectors.causes` (the dashboard's), the rows `selectors.causes_by_unit`: both count the
causes of the review each poor household's status comes from, so the rows add up to the total.
"""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet
from ._grouping import add_up, table_rows


def _row(name: str, households: int, counts: dict[str, int], causes: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "households": households}
    for cause in causes:
        row[f"c_{cause['code']}"] = counts.get(cause["code"], 0)
    return row


def by_unit(ctx: ReportContext) -> dict[Any, dict[str, int]]:
    rows = selectors.causes_by_unit(year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis, by=ctx.by, structure=ctx.structure)
    return {r["unit"]["id"]: r["causes"] for r in rows}


def rows(ctx: ReportContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    total = selectors.causes(year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis)
    causes = total["causes"]
    keys = ["households", *(f"c_{c['code']}" for c in causes)]
    counts = by_unit(ctx)
    units = [
        (unit, _row(unit.get("name", ""), (row or {}).get("poor", 0), counts.get(unit["id"], {}), causes))
        for unit, row in merge_units(ctx, ctx.by_unit())
    ]
    out = table_rows(
        ctx, units, total=_row(H.TOTAL, total["households"], {c["code"]: c["households"] for c in causes}, causes),
        subtotal=lambda name, rows: {"name": name, **add_up(rows, keys)}, body=lambda unit, row: row,
    )
    return out, causes


def build(wb, ctx: ReportContext) -> None:
    data, causes = rows(ctx)
    spec = H.causes_spec(ctx, causes)
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=data, note=ctx.structure_note, footnote=H.CAUSES_FOOTNOTE)
