"""06. Targets against actuals: the plan's reduction targets with the average yearly fall achieved since their
baseline (table A), and the poor-household rate year by year against the target path (table B). Statuses and
paths by `reporting.selectors` (the rules of the targets page)."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext
from ..layout import FormSheet

REDUCTION = "poverty_rate_reduction"
EM_REDUCTION = "ethnic_minority_poverty_rate_reduction"


def _trend(ctx: ReportContext) -> list[dict[str, Any]]:
    return ctx.trend(selectors.BASELINE_YEAR)


def target_rows(ctx: ReportContext, trend: list[dict[str, Any]], targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n, t in enumerate(targets, start=1):
        status = selectors.target_status(trend=trend, target=t, year=ctx.last_year)
        out.append(
            {
                "stt": n, "name": t["title"], "span": f"{t['baseline_year']}–{t['end_year']}", "target": t["value"],
                "actual": status["actual"], "needed": status["needed_per_year"], "status": status["label"] or H.STATUS_NA,
            }
        )
    return out


def year_rows(ctx: ReportContext, trend: list[dict[str, Any]], targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    path = {p["year"]: p["target"] for p in selectors.target_path(trend=trend, metric=REDUCTION, targets=targets)}
    em_path = {p["year"]: p["target"] for p in selectors.target_path(trend=trend, metric=EM_REDUCTION, targets=targets)}
    out = []
    for n, t in enumerate(trend, start=1):
        change = t["poor_rate_change"]
        em_change = t["ethnic_minority"].get("poor_rate_change")
        out.append(
            {
                "stt": n, "name": str(t["year"]), "households": t["households"],
                "poor_rate": t["poor_rate"], "poor_change": -change if change is not None else None, "poor_path": path.get(t["year"]),
                "em_rate": t["ethnic_minority"]["poor_rate"], "em_change": -em_change if em_change is not None else None,
                "em_path": em_path.get(t["year"]),
            }
        )
    return out


def build(wb, ctx: ReportContext) -> None:
    trend = _trend(ctx)
    targets = selectors.reduction_targets(unit=None if ctx.is_area else ctx.unit)
    spec = H.targets_spec(ctx)
    sheet = FormSheet(wb, spec, ctx, pages_tall=1)  # one page: the plan's targets and the years together
    sheet.title_block(title=H.title(spec.title, ctx), subtitle=H.period_line(ctx), note=ctx.basis_note, section=H.TARGETS_SECTION)
    sheet.header()
    sheet.rows(target_rows(ctx, trend, targets))
    sheet.wide(H.TARGETS_YEARS_SECTION, "bold", align="left")
    sheet.columns = list(H.TARGET_YEAR_COLUMNS)
    sheet.header()
    sheet.rows(year_rows(ctx, trend, targets))
    sheet.columns = list(spec.columns)
    sheet.note(H.TARGETS_FOOTNOTE)
    sheet.signature()
    sheet.finish()
