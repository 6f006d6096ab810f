"""04. Poor and near-poor households without working capacity, with a person of merit, of ethnic minorities; the total,
then the urban and the rural communes each under their subtotal (`_grouping`)."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet
from ._grouping import add_up, table_rows

COUNTS = ("poor", "poor_no_labour", "poor_merit", "poor_em", "poor_other", "near", "near_no_labour", "near_merit", "near_em")


def _row(name: str, s: dict[str, Any] | None) -> dict[str, Any]:
    s = s or {}
    em = s.get("ethnic_minority") or {}
    poor, no_labour, merit = s.get("poor", 0), s.get("poor_without_working_capacity", 0), s.get("poor_with_person_of_merit", 0)
    return _rates({
        "name": name,
        "poor": poor,
        "poor_no_labour": no_labour,
        "poor_merit": merit,
        "poor_em": em.get("poor", 0),
        "poor_other": poor - no_labour - merit,
        "near": s.get("near_poor", 0),
        "near_no_labour": s.get("near_poor_without_working_capacity", 0),
        "near_merit": s.get("near_poor_with_person_of_merit", 0),
        "near_em": em.get("near_poor", 0),
    })


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    row["poor_no_labour_pct"] = selectors.rate(row["poor_no_labour"], row["poor"])
    row["near_no_labour_pct"] = selectors.rate(row["near_no_labour"], row["near"])
    return row


def rows(ctx: ReportContext) -> list[dict[str, Any]]:
    units = [(unit, _row(unit.get("name", ""), row)) for unit, row in merge_units(ctx, ctx.by_unit())]
    return table_rows(
        ctx, units, total=_row(H.TOTAL, ctx.year_row(ctx.year)),
        subtotal=lambda name, rows: _rates({"name": name, **add_up(rows, COUNTS)}), body=lambda unit, row: row,
    )


def build(wb, ctx: ReportContext) -> None:
    spec = H.groups_spec(ctx)
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=rows(ctx), note=ctx.structure_note, footnote=H.GROUPS_FOOTNOTE)
