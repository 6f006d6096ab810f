"""07. Support delivered to households by commune and funding source (the total, then the urban and the rural communes
under their subtotals, `_grouping`), and the funds allocated and disbursed by source (programs' support records and
fund allocations, through `reporting.selectors`)."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext
from ..layout import FormSheet
from ._grouping import add_up, table_rows


def support_rows(ctx: ReportContext) -> tuple[list[dict[str, Any]], list[tuple[str, str]]] | None:
    data = selectors.support_by_commune(year=ctx.year, unit_ids=ctx.unit_ids, structure=ctx.structure)
    if data is None:
        return None
    sources = list(data["sources"])
    keys = ["records", "amount", *(f"s{i}" for i in range(len(sources)))]

    def row(name: str, records: int, amount: int, by_source: dict[str, int]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": name, "records": records, "amount": amount}
        for i, (code, _) in enumerate(sources):
            out[f"s{i}"] = by_source.get(code, 0)
        return out

    ordered = sorted(data["rows"], key=lambda r: (r["unit"].get("code") or "", r["unit"].get("name") or ""))
    units = [(r["unit"], row(r["unit"].get("name", ""), r["records"], r["amount"], r["by_source"])) for r in ordered]
    out = table_rows(
        ctx, units, total=row(H.TOTAL, data["total"]["records"], data["total"]["amount"], data["by_source"]),
        subtotal=lambda name, rows: {"name": name, **add_up(rows, keys)}, body=lambda unit, r: r,
    )
    return out, sources


def fund_rows(ctx: ReportContext) -> list[dict[str, Any]] | None:
    data = selectors.funds_by_commune(year=ctx.year, unit_ids=ctx.unit_ids, structure=ctx.structure)
    if data is None or not data["by_source"]:
        return None
    out = [{"name": H.TOTAL, "_style": "total", **{k: data["total"][k] for k in ("allocated", "disbursed", "rate")}}]
    for n, r in enumerate(data["by_source"], start=1):
        out.append({"stt": n, "name": r["label"], "allocated": r["allocated"], "disbursed": r["disbursed"], "rate": r["rate"]})
    return out


def build(wb, ctx: ReportContext) -> None:
    found = support_rows(ctx)
    sources = found[1] if found else []
    spec = H.support_spec(ctx, [label for _, label in sources])
    sheet = FormSheet(wb, spec, ctx)
    sheet.title_block(title=H.title(spec.title, ctx), subtitle=H.period_line(ctx), section=H.SUPPORT_SECTION)
    if found and found[0][0]["records"]:
        sheet.header()
        sheet.rows(found[0])
        sheet.note(H.SUPPORT_FOOTNOTE)
    else:
        sheet.note(H.NO_DATA)
    funds = fund_rows(ctx)
    sheet.wide(H.FUNDS_SECTION, "bold", align="left")
    if funds:
        sheet.columns = list(H.FUNDS_COLUMNS)
        sheet.header()
        sheet.rows(funds)
        sheet.columns = list(spec.columns)
    else:
        sheet.note(H.NO_DATA)
    sheet.signature()
    sheet.finish()
