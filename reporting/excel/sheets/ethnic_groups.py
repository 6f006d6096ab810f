"""02a. Households by ethnic group (docs/domain.md §3, form 6 of the working layout): per commune (or village) Kinh, all
minorities, then each minority group present in the scope that year — for all resident households (table A), the
poor (B) and the near-poor (C), each with the total, then the urban and the rural communes under their subtotals
(`_grouping`); under B and C, the rate of each group. A household's group is its head's
(`selectors.poverty_by_ethnic_group`)."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import FormSheet
from ._grouping import add_up, table_rows


def _keys(groups: list[dict[str, Any]]) -> list[str]:
    return ["total", "kinh", "minority", "unknown", *(f"g{g['code']}" for g in groups if g["code"] is not None)]


def _row(name: str, data: dict[str, Any] | None, measure: str, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """One row of a table: `measure` is "households", "poor" or "near_poor"."""
    d = data or {}
    by_group = d.get("by_group") or {}
    row: dict[str, Any] = {
        "name": name,
        "total": d.get(measure, 0),
        "kinh": (d.get("majority") or {}).get(measure, 0),
        "minority": (d.get("ethnic_minority") or {}).get(measure, 0),
        "unknown": (d.get("unknown") or {}).get(measure, 0),
    }
    for g in groups:
        if g["code"] is not None:
            row[f"g{g['code']}"] = (by_group.get(g["code"]) or {}).get(measure, 0)
    return row


def _rate_row(label: str, total: dict[str, Any], measure: str, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The total's rate per group: the group's poor (near-poor) ÷ the group's resident households × 100."""
    part, whole = _row(label, total, measure, groups), _row(label, total, "households", groups)
    return {"name": label, **{k: selectors.rate(part[k], whole[k]) for k in _keys(groups)}}


def data(ctx: ReportContext) -> dict[str, Any]:
    return ctx.memo(selectors.poverty_by_ethnic_group, year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis, by=ctx.by,
                    structure=ctx.structure)


def table(ctx: ReportContext, measure: str, found: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    found = found or data(ctx)
    groups, keys = found["groups"], _keys(found["groups"])
    units = [(unit, _row(unit.get("name", ""), row, measure, groups)) for unit, row in merge_units(ctx, found["rows"])]
    return table_rows(
        ctx, units, total=_row(H.TOTAL, found["total"], measure, groups),
        subtotal=lambda name, rows: {"name": name, **add_up(rows, keys)}, body=lambda unit, row: row,
    )


def build(wb, ctx: ReportContext) -> None:
    found = data(ctx)
    spec = H.ethnic_groups_spec(ctx, found["groups"])
    sheet = FormSheet(wb, spec, ctx)
    sections = list(H.ETHNIC_GROUPS_SECTIONS.items())
    sheet.title_block(title=H.title(spec.title, ctx), subtitle=H.period_line(ctx), note=ctx.structure_note, section=sections[0][1])
    for n, (measure, label) in enumerate(sections):
        if n:
            sheet.wide(label, "bold", align="left")
        sheet.header()
        sheet.rows(table(ctx, measure, found))
        if measure in H.ETHNIC_GROUPS_RATE_ROW:
            sheet.data_row(_rate_row(H.ETHNIC_GROUPS_RATE_ROW[measure], found["total"], measure, found["groups"]),
                           style="subtotal", numbers="pct")
        sheet.blank()
    sheet.note(H.ETHNIC_GROUPS_FOOTNOTE)
    sheet.signature()
    sheet.finish()
