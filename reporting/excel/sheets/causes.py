"""05. Causes of poverty by commune (a household may give several).

The total row is `reporting.selectors.causes` (the dashboard's). The selectors have no per-commune form of it yet, so
the rows count the same reviews (`selectors.reviews`, poor households) grouped by commune in one query, and map them
onto the report's structure as the selectors do.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count

from households.models import AnnualReview, Classification

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet


def _row(name: str, households: int, counts: dict[str, int], causes: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "households": households}
    for cause in causes:
        row[f"c_{cause['code']}"] = counts.get(cause["code"], 0)
    return row


def by_unit(ctx: ReportContext) -> dict[Any, dict[str, int]]:
    poor = selectors.reviews(year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis).filter(classification=Classification.POOR)
    field = "annualreview__commune_id" if ctx.by == "commune" else "annualreview__village_id"
    mapping = selectors.successor_map() if (ctx.by == "commune" and ctx.structure == "current") else None
    out: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        AnnualReview.causes.through.objects.filter(annualreview__in=poor.values("pk"))
        .values(field, "povertycause__code").annotate(n=Count("annualreview_id")).order_by()
    )
    for r in rows:
        key = mapping.get(r[field], r[field]) if mapping is not None else r[field]
        out[key][r["povertycause__code"]] += r["n"]
    return out


def rows(ctx: ReportContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    total = selectors.causes(year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis)
    causes = total["causes"]
    out = [{**_row(H.TOTAL, total["households"], {c["code"]: c["households"] for c in causes}, causes), "_style": "total"}]
    counts = by_unit(ctx)
    for i, (unit, row) in enumerate(merge_units(ctx, ctx.by_unit()), start=1):
        out.append({"stt": i, **_row(unit.get("name", ""), (row or {}).get("poor", 0), counts.get(unit["id"], {}), causes)})
    return out, causes


def build(wb, ctx: ReportContext) -> None:
    data, causes = rows(ctx)
    spec = H.causes_spec(ctx, causes)
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=data, note=ctx.structure_note, footnote=H.CAUSES_FOOTNOTE)
