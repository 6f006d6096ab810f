"""03a. Children's deprivations (docs/domain.md §3, form 8 of the working layout): per commune (or village), the poor
(table A) and near-poor (table B) households deprived on the indicators about children of the standard in force
(Decree 07: 3 nutrition, health; 6 school attendance of children, education) — count and percentage of the category —
and the children under 16 living in them; the total, then the urban and the rural communes under their subtotals
(`_grouping`).

Households and deprivations are those of sheet 03 (`selectors.deprivations`, `deprivations_by_unit`, asked once per
report), the children `selectors.children_by_unit`."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import FormSheet
from . import deprivation
from ._grouping import add_up, table_rows


def indicators(ctx: ReportContext) -> list[dict[str, Any]]:
    return [i for i in selectors.indicators_for(year=ctx.year) if i["code"] in H.CHILDREN_INDICATORS]


def _row(name: str, d: dict[str, Any] | None, kids: dict[str, Any] | None, inds: list[dict[str, Any]]) -> dict[str, Any]:
    d, kids = d or {}, kids or {}
    deprived = {i["code"]: i["households"] for i in d.get("indicators", [])}
    row: dict[str, Any] = {"name": name, "households": d.get("households", 0), "children": kids.get("children", 0)}
    for ind in inds:
        key = f"i{ind['code']}"
        row[key] = deprived.get(ind["code"], 0)
        row[f"{key}_children"] = (kids.get("indicators") or {}).get(ind["code"], 0)
    return _rates(row, inds)


def _rates(row: dict[str, Any], inds: list[dict[str, Any]]) -> dict[str, Any]:
    for ind in inds:
        key = f"i{ind['code']}"
        row[f"{key}_pct"] = selectors.rate(row[key], row["households"])
    return row


def _keys(inds: list[dict[str, Any]]) -> list[str]:
    return ["households", "children", *(k for i in inds for k in (f"i{i['code']}", f"i{i['code']}_children"))]


def table(ctx: ReportContext, classification: str, inds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    total, by_unit = deprivation.figures(ctx, classification)
    kids = ctx.memo(
        selectors.children_by_unit, year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis, classification=classification,
        indicator_codes=tuple(i["code"] for i in inds), age=H.CHILDREN_AGE, by=ctx.by, structure=ctx.structure,
    )
    kids_by_unit = {r["unit"]["id"]: r for r in kids}
    keys = _keys(inds)
    units = [(unit, _row(unit.get("name", ""), row, kids_by_unit.get(unit["id"]), inds)) for unit, row in merge_units(ctx, by_unit)]
    # Both selectors count the same households, so every unit with children has its row: the total is their sum.
    kids_total = {"children": sum(r["children"] for r in kids),
                  "indicators": {i["code"]: sum(r["indicators"].get(i["code"], 0) for r in kids) for i in inds}}
    return table_rows(
        ctx, units, total=_row(H.TOTAL, total, kids_total, inds),
        subtotal=lambda name, rows: _rates({"name": name, **add_up(rows, keys)}, inds), body=lambda unit, row: row,
    )


def build(wb, ctx: ReportContext) -> None:
    inds = indicators(ctx)
    spec = H.children_spec(ctx, inds)
    sheet = FormSheet(wb, spec, ctx)
    sections = list(H.CHILDREN_SECTIONS.items())
    sheet.title_block(title=H.title(spec.title, ctx), subtitle=H.period_line(ctx), note=ctx.structure_note, section=sections[0][1])
    for n, (classification, label) in enumerate(sections):
        if n:
            sheet.wide(label, "bold", align="left")
        sheet.header()
        sheet.rows(table(ctx, classification, inds))
        sheet.blank()
    sheet.note(H.CHILDREN_FOOTNOTE)
    sheet.signature()
    sheet.finish()
