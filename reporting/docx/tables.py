"""Word tables in the layout of the workbook's forms: the same columns (`reporting.excel.spec.Column`: labels,
groups, formats, the row of column numbers) and the same rows as the workbook's sheets, so each figure in the Word
document is the workbook's."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..excel.layout import column_numbers
from ..excel.spec import Column
from . import text as T
from . import writer as W

ALIGN_BY_FMT = {"text": "left", "center": "center", "year": "center", "date": "center"}


def widths(columns: Sequence[Column], total_mm: float) -> list[float]:
    """Column widths in proportion to the workbook's, filling `total_mm`."""
    units = sum(c.width for c in columns)
    return [round(total_mm * c.width / units, 2) for c in columns]


def number_labels(columns: Sequence[Column]) -> list[str]:
    """The row of column numbers, exactly as the workbook writes it (`reporting.excel.layout.column_numbers`: A, B,
    then 1, 2, …, with the rate formulas naming the columns they divide)."""
    return list(column_numbers(list(columns)))


def header(t: Any, columns: Sequence[Column], *, size: float, numbers: bool = True) -> None:
    """One or two header rows (a group over its sub-columns, single columns merged down) and the column numbers."""
    grouped = any(c.group for c in columns)
    top = W.add_row(t, header=True)
    sub = W.add_row(t, header=True) if grouped else None
    i, n = 0, len(columns)
    while i < n:
        col = columns[i]
        if not grouped:
            cell = top[i]
            i += 1
            W.write(cell, col.label, bold=True, size=size)
            W.shade(cell)
            continue
        if col.group is None:
            cell = top[i].merge(sub[i])
            W.write(cell, col.label, bold=True, size=size)
            W.shade(cell)
            i += 1
            continue
        j = i
        while j + 1 < n and columns[j + 1].group == col.group:
            j += 1
        cell = top[i].merge(top[j]) if j > i else top[i]
        W.write(cell, col.group, bold=True, size=size)
        W.shade(cell)
        for k in range(i, j + 1):
            W.write(sub[k], columns[k].label, bold=True, size=size)
            W.shade(sub[k])
        i = j + 1
    if numbers:
        cells = W.add_row(t, header=True)
        for cell, label in zip(cells, number_labels(columns)):
            W.write(cell, label, italic=True, size=size - 1)


def body(t: Any, columns: Sequence[Column], rows: Iterable[dict[str, Any]], *, size: float) -> int:
    n = 0
    for values in rows:
        bold = values.get("_style") in ("total", "subtotal")
        cells = W.add_row(t)
        for cell, col in zip(cells, columns):
            W.write(cell, T.cell(values.get(col.key), col.fmt), align=ALIGN_BY_FMT.get(col.fmt, "right"), bold=bold, size=size)
        n += 1
    return n


def form_table(container: Any, columns: Sequence[Column], rows: Iterable[dict[str, Any]], *, width_mm: float,
               size: float = W.TABLE_PT, numbers: bool = True) -> Any:
    columns = list(columns)
    t = W.table(container, widths_mm=widths(columns, width_mm))
    header(t, columns, size=size, numbers=numbers)
    body(t, columns, rows, size=size)
    return t
