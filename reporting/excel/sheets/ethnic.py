"""02. Ethnic-minority households: how many, and how many of them are poor and near-poor, by commune."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet


def _row(name: str, s: dict[str, Any] | None, reduction: float | None) -> dict[str, Any]:
    s = s or {}
    em = s.get("ethnic_minority") or {}
    return {
        "name": name,
        "households": s.get("households", 0),
        "em_households": em.get("households", 0),
        "em_share": selectors.rate(em.get("households", 0), s.get("households", 0)),
        "em_poor": em.get("poor", 0),
        "em_poor_rate": em.get("poor_rate"),
        "em_poor_share": selectors.rate(em.get("poor", 0), s.get("poor", 0)),
        "em_escaped": em.get("escaped_poverty", 0),
        "em_fell_back": em.get("fell_back_poor", 0),
        "em_new": em.get("newly_poor", 0),
        "em_poor_reduction": reduction,
        "em_near": em.get("near_poor", 0),
        "em_near_rate": em.get("near_poor_rate"),
    }


def rows(ctx: ReportContext) -> list[dict[str, Any]]:
    before, now = ctx.year_row(ctx.year - 1), ctx.year_row(ctx.year)
    total_reduction = (
        selectors.points(now["ethnic_minority"]["poor_rate"], before["ethnic_minority"]["poor_rate"]) if before["households"] else None
    )
    out = [{**_row(H.TOTAL, now, total_reduction), "_style": "total"}]
    for i, (unit, row) in enumerate(merge_units(ctx, ctx.by_unit()), start=1):
        prev = (row or {}).get("previous") or {}
        reduction = selectors.points(row["ethnic_minority"]["poor_rate"], prev.get("em_poor_rate")) if row and prev else None
        out.append({"stt": i, **_row(unit.get("name", ""), row, reduction)})
    return out


def build(wb, ctx: ReportContext) -> None:
    spec = H.ethnic_spec(ctx)
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=rows(ctx), note=ctx.structure_note)
