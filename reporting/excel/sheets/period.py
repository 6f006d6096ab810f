"""P1–P3. The sheets of the period reports (five-year and ten-year reviews; `reporting.period`): the baseline year
against the latest year recognised before the due date per commune on today's structure (P1), the movements of the
period added up, households and persons, balancing on every row (P2a, P2b), and the support and funds of every year
of the period (P3). The annual sheets of the same workbook show the latest year."""
from __future__ import annotations

from typing import Any

from ... import period, selectors
from .. import headers as H
from ..context import ReportContext
from ..layout import FormSheet, form_sheet
from ._grouping import add_up, table_rows
from .movements import _pair, _sum

COMPARISON_COUNTS = ("b_households", "b_poor", "b_near", "e_households", "e_poor", "e_near")


def _comparison_row(name: str, r: dict[str, Any], span: int) -> dict[str, Any]:
    b, e = r["base"], r["latest"]
    row = {
        "name": name,
        "b_households": b["households"], "b_poor": b["poor"], "b_near": b["near_poor"],
        "e_households": e["households"], "e_poor": e["poor"], "e_near": e["near_poor"],
        "em_per_year": r.get("em_per_year"),
    }
    return _comparison_rates(row, span)


def _comparison_rates(row: dict[str, Any], span: int) -> dict[str, Any]:
    """Rates from the counts (a subtotal's rates are computed again, never added up)."""
    row["b_poor_rate"] = selectors.rate(row["b_poor"], row["b_households"])
    row["b_near_rate"] = selectors.rate(row["b_near"], row["b_households"])
    row["e_poor_rate"] = selectors.rate(row["e_poor"], row["e_households"])
    row["e_near_rate"] = selectors.rate(row["e_near"], row["e_households"])
    both = row["b_households"] and row["e_households"]
    row["poor_points"] = selectors.points(row["b_poor_rate"], row["e_poor_rate"]) if both else None
    row["poor_per_year"] = period.average_reduction(row["b_poor_rate"], row["e_poor_rate"], span) if both else None
    return row


def comparison_rows(ctx: ReportContext) -> list[dict[str, Any]]:
    data = ctx.memo(period.comparison, base=ctx.first_year, latest=ctx.last_year, unit_ids=ctx.unit_ids, basis=ctx.basis,
                    by=ctx.by, structure=ctx.structure)
    span = data["years"]
    units = [(r["unit"], _comparison_row(r["unit"].get("name", ""), r, span)) for r in data["rows"]]
    return table_rows(
        ctx, units,
        total=_comparison_row(H.TOTAL, data["total"], span),
        subtotal=lambda label, rows: _comparison_rates({"name": label, **add_up(rows, COMPARISON_COUNTS)}, span),
        body=lambda unit, row: row,
    )


def movement_rows(ctx: ReportContext, table: str) -> list[dict[str, Any]]:
    data = ctx.memo(period.cumulative_movements, base=ctx.first_year, latest=ctx.last_year, unit_ids=ctx.unit_ids,
                    basis=ctx.basis, by=ctx.by, structure=ctx.structure)
    return table_rows(
        ctx, [(r["unit"], r) for r in data["rows"]],
        total=_pair(H.TOTAL, data["total"], table),
        subtotal=lambda label, moves: _pair(label, _sum(moves), table),
        body=lambda unit, move: _pair(unit.get("name", ""), move, table),
    )


def support_rows(ctx: ReportContext) -> tuple[list[dict[str, Any]], list[tuple[str, str]], dict[str, Any]]:
    data = period.support_over(first=ctx.first_year, last=ctx.last_year, unit_ids=ctx.unit_ids, structure=ctx.structure)
    sources = data["sources"]
    total: dict[str, Any] = {"name": H.TOTAL, "_style": "total", "records": data["total"]["records"], "amount": data["total"]["amount"]}
    for i, (code, _) in enumerate(sources):
        total[f"s{i}"] = data["total"]["by_source"].get(code, 0)
    out = [total]
    for n, y in enumerate(data["years"], start=1):
        row: dict[str, Any] = {"stt": n, "name": str(y["year"]), "records": y["records"], "amount": y["amount"]}
        for i, (code, _) in enumerate(sources):
            row[f"s{i}"] = y["by_source"].get(code, 0)
        out.append(row)
    return out, sources, data


def build(wb, ctx: ReportContext) -> None:
    base, latest = ctx.first_year, ctx.last_year
    due = f"{ctx.due_date:%d/%m/%Y}"
    note = f"{H.PERIOD_NOTE.format(base=base, latest=latest, due=due)} {ctx.structure_note}"
    spec = H.period_comparison_spec(ctx, base, latest)
    form_sheet(wb, spec, ctx, title=H.title(spec.title.format(base=base, latest=latest), ctx), rows=comparison_rows(ctx), note=note,
               footnote=ctx.basis_note)
    for table in ("poor", "near_poor"):
        spec = H.period_movement_spec(ctx, table)
        footnote = H.PERIOD_MOVEMENT_NOTE.format(base=base, first=base + 1, latest=latest)
        form_sheet(wb, spec, ctx, title=H.title(spec.title.format(base=base, latest=latest), ctx), rows=movement_rows(ctx, table),
                   note=ctx.structure_note, footnote=footnote)
    rows, sources, data = support_rows(ctx)
    spec = H.period_support_spec([label for _, label in sources])
    sheet = FormSheet(wb, spec, ctx)
    sheet.title_block(title=H.title(spec.title.format(first=base, latest=latest), ctx), subtitle=H.period_line(ctx),
                      section=H.SUPPORT_SECTION)
    if data["total"]["records"]:
        sheet.header()
        sheet.rows(rows)
        sheet.note(H.SUPPORT_FOOTNOTE)
    else:
        sheet.note(H.NO_DATA)
    sheet.wide(H.FUNDS_SECTION, "bold", align="left")
    if data["funds"]:
        sheet.columns = list(H.FUNDS_COLUMNS)
        sheet.header()
        sheet.rows([{"name": H.TOTAL, "_style": "total", **data["funds_total"]},
                    *({"stt": n, "name": f["label"], "allocated": f["allocated"], "disbursed": f["disbursed"], "rate": f["rate"]}
                      for n, f in enumerate(data["funds"], start=1))])
        sheet.columns = list(spec.columns)
    else:
        sheet.note(H.NO_DATA)
    sheet.signature()
    sheet.finish()
