"""The shape of a form: its columns (with two-level headers) and its title. Plain data, no openpyxl."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a form: its key in the row data, its header (sub-column under `group`, or the whole header
    when `group` is None), its format, width, and the text of its cell in the column-number row (`number`; None:
    the column's own number; it may name columns by key, "{self} = {poor}/{households} × 100", so that adding a
    column to a form renumbers its formulas — `layout.column_numbers`)."""

    key: str
    label: str
    group: str | None = None
    fmt: str = "int"
    width: float = 10.0
    number: str | None = None


@dataclass(frozen=True)
class SheetSpec:
    name: str
    form: str
    title: str
    columns: Sequence[Column]
    unit_note: str = "Đơn vị tính: hộ; tỷ lệ: %"
