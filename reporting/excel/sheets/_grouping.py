"""The rows of every by-unit table (docs/domain.md §3, working layout: "one row per commune with the district total, rows
split urban/rural"): the total first; then, in a report on the program area (rows are communes), the urban section —
its subtotal, then its communes — and the rural section the same way; a section with no commune is left out, the
total stays. A commune's report (rows are villages) is not split.

Each sheet says how its rows are made (`body`) and added up (`subtotal`); a subtotal is always the sum of the rows
under it, its rates computed again from the summed counts (`add_up`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from households.models import Area

from .. import headers as H

Unit = dict[str, Any]
Rows = dict[str, Any] | list[dict[str, Any]]

ROMAN = ("I", "II", "III", "IV")


@dataclass
class Section:
    label: str | None  # "Thành thị" / "Nông thôn"; None: rows not split (villages), or units of no known area
    number: str | None  # its STT (I, II)
    units: list[tuple[Unit, Any]]


def area_sections(ctx: Any, units: Sequence[tuple[Unit, Any]]) -> list[Section]:
    """The sections of a table, in the units' order within each. A unit of no known area (one the selectors could
    not name) comes last, outside both sections, so that the total is still the sum of every unit row."""
    units = list(units)
    if not ctx.is_area:
        return [Section(None, None, units)]
    out: list[Section] = []
    for area, label in ((Area.URBAN, H.URBAN), (Area.RURAL, H.RURAL)):
        members = [(u, p) for u, p in units if u.get("area") == area]
        if members:
            out.append(Section(label, ROMAN[len(out)], members))
    rest = [(u, p) for u, p in units if u.get("area") not in (Area.URBAN, Area.RURAL)]
    if rest:
        out.append(Section(None, None, rest))
    return out


def _listed(rows: Rows) -> list[dict[str, Any]]:
    return [dict(r) for r in (rows if isinstance(rows, list) else [rows])]


def table_rows(
    ctx: Any,
    units: Sequence[tuple[Unit, Any]],
    *,
    total: Rows,
    subtotal: Callable[[str, list[Any]], Rows],
    body: Callable[[Unit, Any], Rows],
) -> list[dict[str, Any]]:
    """The total row(s), then each section's subtotal row(s) and its units' rows. `units`: (unit, payload) pairs
    (`context.merge_units`); `body(unit, payload)` makes a unit's row(s), `subtotal(label, payloads)` a section's.
    STT: I, II on the subtotals, 1, 2, … on the units of each section."""
    out = [{**r, "_style": "total"} for r in _listed(total)]
    for section in area_sections(ctx, units):
        if section.label is not None:
            rows = [{**r, "_style": "subtotal"} for r in _listed(subtotal(section.label, [p for _, p in section.units]))]
            rows[0]["stt"] = section.number
            out += rows
        for i, (unit, payload) in enumerate(section.units, start=1):
            rows = _listed(body(unit, payload))
            rows[0]["stt"] = i
            out += rows
    return out


def add_up(rows: Iterable[dict[str, Any]], keys: Iterable[str]) -> dict[str, Any]:
    """The counts of `keys` summed over `rows` (a missing or empty count is 0)."""
    rows = list(rows)
    return {k: sum(r.get(k) or 0 for r in rows) for k in keys}
