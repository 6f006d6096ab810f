"""01a, 01b. Movement of poor and of near-poor households (docs/domain.md §3, forms 2 and 3): per commune (or village) a
households row and a persons row, nine columns, 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 on every row; the total, then the
urban and the rural communes each under their subtotal (`_grouping`), each the sum of its rows."""
from __future__ import annotations

from typing import Any

from .. import headers as H
from ..context import ReportContext, merge_units
from ..layout import form_sheet
from ._grouping import table_rows


def _pair(name: str, move: dict[str, Any] | None, table: str, *, stt: Any = None, style: str = "plain") -> list[dict[str, Any]]:
    move = move or {}
    households = dict((move.get(table) or {}))
    persons = dict(((move.get("persons") or {}).get(table) or {}))
    keys = H.MOVEMENT_LABELS[table]
    return [
        {"stt": stt, "name": name, "measure": H.HOUSEHOLDS_ROW, **{k: households.get(k, 0) for k in keys}, "_style": style},
        {"stt": None, "name": "", "measure": H.PERSONS_ROW, **{k: persons.get(k, 0) for k in keys}, "_style": style},
    ]


def _sum(moves: list[dict[str, Any] | None]) -> dict[str, Any]:
    """Movement rows added up column by column (the subtotals and the total are the sums of their rows)."""
    out: dict[str, Any] = {"poor": {}, "near_poor": {}, "persons": {"poor": {}, "near_poor": {}}, "line_change": 0}
    for m in moves:
        if not m:
            continue
        for table in ("poor", "near_poor"):
            for part, target in ((m[table], out[table]), (m["persons"][table], out["persons"][table])):
                for k, v in part.items():
                    target[k] = target.get(k, 0) + v
        out["line_change"] += m.get("line_change", 0)
    return out


def rows(ctx: ReportContext, table: str) -> tuple[list[dict[str, Any]], int]:
    body = merge_units(ctx, ctx.moves_by_unit())
    total = _sum([m for _, m in body])
    out = table_rows(
        ctx, body,
        total=_pair(H.TOTAL, total, table),
        subtotal=lambda label, moves: _pair(label, _sum(moves), table),
        body=lambda unit, move: _pair(unit.get("name", "") + (" (*)" if unit.get("extremely_difficult") else ""), move, table),
    )
    return out, total["line_change"]


def build(wb, ctx: ReportContext) -> None:
    for table in ("poor", "near_poor"):
        spec = H.movement_spec(ctx, table)
        body, line_change = rows(ctx, table)
        note = f"{ctx.structure_note} {ctx.basis_note}"
        footnote = H.MOVEMENT_FOOTNOTE + (" " + H.LINE_CHANGE_NOTE.format(n=line_change) if line_change else "")
        form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=body, note=note, footnote=footnote)

