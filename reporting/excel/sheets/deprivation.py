"""03. Deprivation by indicator and commune: poor households (table A) and near-poor households (table B); in each,
the total, then the urban and the rural communes each under their subtotal (`_grouping`), and the total's
percentages."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import FormSheet
from ._grouping import add_up, table_rows


def _row(name: str, d: dict[str, Any] | None) -> dict[str, Any]:
    d = d or {}
    row = {"name": name, "households": d.get("households", 0), "total_deprivations": d.get("total_deprivations", 0)}
    for ind in d.get("indicators", []):
        row[f"i{ind['code']}"] = ind["households"]
    return row


def _percent_row(total: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"name": H.PERCENT_ROW, "_style": "subtotal"}
    for ind in total.get("indicators", []):
        row[f"i{ind['code']}"] = ind["percent"]
    return row


def figures(ctx: ReportContext, classification: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The selectors' figures for one table, asked once per report (the children's sheet reads them too)."""
    common = {"year": ctx.year, "unit_ids": ctx.unit_ids, "basis": ctx.basis, "classification": classification}
    total = ctx.memo(selectors.deprivations, **common)
    by_unit = ctx.memo(selectors.deprivations_by_unit, **common, by=ctx.by, structure=ctx.structure)
    return total, by_unit


def table(ctx: ReportContext, classification: str, indicators: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    total, by_unit = figures(ctx, classification)
    keys = ["households", "total_deprivations", *(f"i{ind['code']}" for ind in indicators)]
    units = [(unit, _row(unit.get("name", ""), row)) for unit, row in merge_units(ctx, by_unit)]
    rows = table_rows(
        ctx, units, total=_row(H.TOTAL, total),
        subtotal=lambda name, rows: {"name": name, **add_up(rows, keys)}, body=lambda unit, row: row,
    )
    return rows, total


def build(wb, ctx: ReportContext) -> None:
    indicators = selectors.indicators_for(year=ctx.year)
    spec = H.deprivation_spec(ctx, indicators)
    sheet = FormSheet(wb, spec, ctx)
    sections = list(H.DEPRIVATION_SECTIONS.items())
    sheet.title_block(title=H.title(spec.title, ctx), subtitle=H.period_line(ctx), note=ctx.structure_note, section=sections[0][1])
    for n, (classification, label) in enumerate(sections):
        rows, total = table(ctx, classification, indicators)
        if n:
            sheet.wide(label, "bold", align="left")
        sheet.header()
        sheet.rows(rows)
        sheet.data_row(_percent_row(total), style="subtotal", numbers="pct")
        sheet.blank()
    sheet.signature()
    sheet.finish()
