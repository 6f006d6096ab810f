"""03. Deprivation by indicator and commune: poor households (table A) and near-poor households (table B)."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import FormSheet


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


def table(ctx: ReportContext, classification: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    total = selectors.deprivations(year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis, classification=classification)
    by_unit = selectors.deprivations_by_unit(
        year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis, classification=classification, by=ctx.by, structure=ctx.structure
    )
    rows = [{**_row(H.TOTAL, total), "_style": "total"}]
    for i, (unit, row) in enumerate(merge_units(ctx, by_unit), start=1):
        rows.append({"stt": i, **_row(unit.get("name", ""), row)})
    return rows, total


def build(wb, ctx: ReportContext) -> None:
    indicators = selectors.indicators_for(year=ctx.year)
    spec = H.deprivation_spec(ctx, indicators)
    sheet = FormSheet(wb, spec, ctx)
    sections = list(H.DEPRIVATION_SECTIONS.items())
    sheet.title_block(title=H.title(spec.title, ctx), subtitle=H.period_line(ctx), note=ctx.structure_note, section=sections[0][1])
    for n, (classification, label) in enumerate(sections):
        rows, total = table(ctx, classification)
        if n:
            sheet.wide(label, "bold", align="left")
        sheet.header()
        sheet.rows(rows)
        sheet.data_row(_percent_row(total), style="subtotal")
        sheet.blank()
    sheet.signature()
    sheet.finish()
