"""04. Poor and near-poor households without working capacity, with a person of merit, of ethnic minorities."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet


def _row(name: str, s: dict[str, Any] | None) -> dict[str, Any]:
    s = s or {}
    em = s.get("ethnic_minority") or {}
    poor, near = s.get("poor", 0), s.get("near_poor", 0)
    no_labour, merit = s.get("poor_without_working_capacity", 0), s.get("poor_with_person_of_merit", 0)
    return {
        "name": name,
        "poor": poor,
        "poor_no_labour": no_labour,
        "poor_no_labour_pct": selectors.rate(no_labour, poor),
        "poor_merit": merit,
        "poor_em": em.get("poor", 0),
        "poor_other": poor - no_labour - merit,
        "near": near,
        "near_no_labour": s.get("near_poor_without_working_capacity", 0),
        "near_no_labour_pct": selectors.rate(s.get("near_poor_without_working_capacity", 0), near),
        "near_merit": s.get("near_poor_with_person_of_merit", 0),
        "near_em": em.get("near_poor", 0),
    }


def rows(ctx: ReportContext) -> list[dict[str, Any]]:
    out = [{**_row(H.TOTAL, ctx.year_row(ctx.year)), "_style": "total"}]
    for i, (unit, row) in enumerate(merge_units(ctx, ctx.by_unit()), start=1):
        out.append({"stt": i, **_row(unit.get("name", ""), row)})
    return out


def build(wb, ctx: ReportContext) -> None:
    spec = H.groups_spec(ctx)
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=rows(ctx), note=ctx.structure_note, footnote=H.GROUPS_FOOTNOTE)
