"""The layout every sheet of the report shares, after the provinces' summary forms (docs/domain.md §3): the people's
committee on the left and the national motto on the right, the form number, the title with the unit and period,
two header rows (groups merged across their sub-columns, single columns merged down), a row of column numbers in
italics, the data with number formats, totals in bold, the signature block, Times New Roman, landscape: A3 when the
form has more than 12 columns, A4 otherwise.

Written with XlsxWriter in constant-memory mode: every sheet streams its rows to disk as they are written, so
memory stays flat whatever the size of the household list (openpyxl's write-only mode wrote that list about three
times slower here, beyond the 15-second goal). Rows are therefore written strictly in order, and a merge is
declared once all of its cells are written. The tests read the workbooks back with openpyxl.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from xlsxwriter.workbook import Workbook

from . import headers as H
from .spec import Column, SheetSpec  # noqa: F401  (re-exported)

FONT = "Times New Roman"

# Paper sizes (Excel's codes) and the widest form printed on A4 (docs/domain.md §3: "landscape (A3 above 12 columns)").
A3, A4 = 8, 9
A4_MAX_COLUMNS = 12

# Number formats (Excel shows them with the reader's separators; Vietnamese Excel: 1.234 and 12,35).
FORMATS = {
    "int": "#,##0",
    "money": "#,##0",
    "pct": "0.00",
    "points": "0.00",
    "date": "dd/mm/yyyy",
    "year": "0",
}


class Formats:
    """One XlsxWriter format per kind of cell, made once per workbook.

    A key is "kind:variant:extra": table:plain|bold|total|subtotal:<format>, header:header, number:number,
    block:plain|bold|italic|title|note:<left|center|right>.
    """

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.cache: dict[str, Any] = {}

    def __call__(self, key: str) -> Any:
        fmt = self.cache.get(key)
        if fmt is None:
            kind, variant, extra = (key.split(":") + ["", ""])[:3]
            tabular = kind in ("table", "header", "number")
            props: dict[str, Any] = {
                "font_name": FONT,
                "font_size": 13 if variant == "title" else 10 if variant == "note" else 11 if tabular else 12,
                "bold": variant in ("bold", "total", "subtotal", "header", "title"),
                "italic": variant in ("italic", "number", "note"),
                "valign": "vcenter",
            }
            if tabular:
                props["border"] = 1
            if kind in ("header", "number"):
                props.update({"align": "center", "text_wrap": True})
                if kind == "header":
                    props["bg_color"] = "#F2F2F2"
            elif kind == "table":
                if extra in FORMATS:
                    props["num_format"] = FORMATS[extra]
                props["align"] = {"text": "left", "center": "center", "year": "center", "date": "center"}.get(extra, "right")
                props["text_wrap"] = extra == "text"
            else:
                props["align"] = extra or "center"
                props["text_wrap"] = variant in ("note", "title")
            fmt = self.cache[key] = self.wb.add_format(props)
        return fmt


def write_value(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    """One cell by the value's type (0-based row and column)."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def paper_for(ncols: int) -> int:
    return A3 if ncols > A4_MAX_COLUMNS else A4


def column_numbers(columns: list[Column]) -> list[str]:
    """The text of each column's cell in the column-number row: A, B for the first two, then 1, 2, …; a column's
    `number` may name other columns by key ("{self} = {poor}/{households} × 100"), so a column added to a form
    renumbers every formula that refers to the columns after it."""
    plain = {col.key: ("ABCDEFGH"[k] if k < 2 else str(k - 1)) for k, col in enumerate(columns)}
    out = []
    for col in columns:
        if col.number is None:
            out.append(plain[col.key])
        elif "{" in col.number:
            out.append(col.number.format(self=plain[col.key], **plain))
        else:
            out.append(col.number)
    return out


class FormSheet:
    """A sheet in the layout of the summary forms. Row numbers (`row_no`) count from 1, as Excel shows them."""

    def __init__(self, wb: Workbook, spec: SheetSpec, ctx: Any, *, landscape: bool = True):
        self.wb, self.spec, self.ctx = wb, spec, ctx
        self.ws = wb.add_worksheet(spec.name)
        self.fmt: Formats = wb.report_formats  # type: ignore[attr-defined]
        self._formats_by_style: dict[str, list[Any]] = {}
        self.columns = list(spec.columns)
        self.ncols = len(self.columns)
        self.row_no = 0
        self.header_first = 0
        ws = self.ws
        for i, col in enumerate(self.columns):
            ws.set_column(i, i, col.width)
        if landscape:
            ws.set_landscape()
        ws.set_paper(paper_for(self.ncols))
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.center_horizontally()
        ws.hide_gridlines(2)
        ws.set_zoom(90)

    @property
    def columns(self) -> list[Column]:
        return self._columns

    @columns.setter
    def columns(self, columns: list[Column]) -> None:
        """A sheet may hold a second table with other columns (the same widths): set them before its header."""
        self._columns = list(columns)
        self._formats_by_style = {}

    # --- rows ---------------------------------------------------------------------------------------------

    def _row(self, spans: list[tuple[int, int, Any, str]], height: float | None = None) -> int:
        """Write the next row: (first column, last column, value, format key), columns from 1; a span wider than
        one column is merged."""
        self.row_no += 1
        r = self.row_no - 1
        if height:
            self.ws.set_row(r, height)
        for first, last, value, key in spans:
            fmt = self.fmt(key)
            if last > first:
                self.ws.merge_range(r, first - 1, r, last - 1, value if value is not None else "", fmt)
            else:
                write_value(self.ws, r, first - 1, value, fmt)
        return self.row_no

    def blank(self) -> None:
        self.row_no += 1

    def block_split(self) -> tuple[int, int]:
        """Where the left (committee, preparer) and right (motto, signer) blocks end and begin."""
        left_end = max(2, min(4, self.ncols // 3))
        right_start = max(left_end + 1, self.ncols - max(4, self.ncols // 2) + 1)
        return left_end, right_start

    def _left_right(self, left: tuple[str, str] | None, right: tuple[str, str] | None, height: float | None = None) -> None:
        left_end, right_start = self.block_split()
        spans = []
        if left:
            spans.append((1, left_end, left[0], f"block:{left[1]}:center"))
        if right:
            spans.append((right_start, self.ncols, right[0], f"block:{right[1]}:center"))
        self._row(spans, height)

    def wide(self, text: str, variant: str, align: str = "center", height: float | None = None) -> None:
        self._row([(1, self.ncols, text, f"block:{variant}:{align}")], height)

    _wide = wide

    def title_block(self, *, title: str, subtitle: str, note: str = "", section: str = "") -> None:
        """Committee and motto, form number, title, period, an optional note and section line, the unit of measure.

        The header follows at once: its position is known now, so the panes are frozen below it."""
        ctx = self.ctx
        header_row = self.row_no + 6 + bool(note) + bool(section) + 1
        self.ws.freeze_panes(header_row + 2, 2 if self.ncols > 2 else 0)
        self._left_right((ctx.issuer[0], "plain"), (H.MOTTO[0], "bold"))
        self._left_right((ctx.issuer[1], "bold"), (H.MOTTO[1], "bold"))
        self._left_right(None, (self.spec.form, "italic"))
        self.wide(title, "title", height=36)
        self.wide(subtitle, "italic")
        if note:
            self.wide(note, "note", height=42)
        if section:
            self.wide(section, "bold", align="left")
        self._row([(max(1, self.ncols - 3), self.ncols, self.spec.unit_note, "block:italic:right")])

    def header(self) -> None:
        """Two header rows and the column-number row; groups merged across, single columns merged down."""
        first = self.row_no + 1
        top: list[tuple[int, int, Any, str]] = []
        sub: list[tuple[int, int, Any, str]] = []
        nums: list[tuple[int, int, Any, str]] = []
        cols = self.columns
        n = len(cols)
        i = 1
        while i <= n:
            col = cols[i - 1]
            if col.group is None:
                top.append((i, i, col.label, "header:header"))
                sub.append((i, i, None, "header:header"))
                i += 1
                continue
            j = i
            while j < n and cols[j].group == col.group:
                j += 1
            top.append((i, j, col.group, "header:header"))
            sub.extend((k, k, cols[k - 1].label, "header:header") for k in range(i, j + 1))
            i = j + 1
        for k, label in enumerate(column_numbers(cols), start=1):
            nums.append((k, k, label, "number:number"))
        self._row(top, 30)
        self._row(sub, 48)
        # Single columns merged down over the two header rows. In constant-memory mode `merge_range` can only write
        # the current row, and both cells are written already (label above, bordered blank below): declare the
        # merge itself in the worksheet's list of merged ranges, which XlsxWriter writes out when it closes the sheet.
        for k, col in enumerate(cols, start=1):
            if col.group is None:
                self.ws.merge.append([first - 1, k - 1, first, k - 1])
        self._row(nums)
        if not self.header_first:  # repeat the first table's headers on every printed page
            self.header_first = first
            self.ws.repeat_rows(first - 1, first + 1)

    def data_row(self, values: dict[str, Any], *, style: str = "plain", numbers: str | None = None) -> None:
        """One row of the table; `numbers` ("pct"): the format of every count column in this row (a row of
        percentages under a table of counts)."""
        key = f"{style}:{numbers or ''}"
        formats = self._formats_by_style.get(key)
        if formats is None:
            formats = self._formats_by_style[key] = [
                self.fmt(f"table:{style}:{numbers if numbers and col.fmt in ('int', 'money') else col.fmt}") for col in self._columns
            ]
        self.row_no += 1
        r, ws = self.row_no - 1, self.ws
        for c, col in enumerate(self._columns):
            write_value(ws, r, c, values.get(col.key), formats[c])

    def rows(self, rows: Iterable[dict[str, Any]]) -> int:
        n = 0
        for values in rows:
            self.data_row(values, style=values.get("_style", "plain"))
            n += 1
        return n

    def note(self, text: str) -> None:
        self.wide(text, "note", align="left", height=30)

    def signature(self) -> None:
        ctx = self.ctx
        self.blank()
        self._left_right(None, (H.place_date(ctx), "italic"))
        self._left_right((H.PREPARER[0], "bold"), (ctx.signer[0], "bold"))
        self._left_right((H.PREPARER[1], "italic"), (ctx.signer[1], "bold"))
        self._left_right(None, (ctx.signer[2], "italic"))

    def finish(self) -> None:
        self.ws.print_area(0, 0, max(0, self.row_no - 1), self.ncols - 1)


def form_sheet(wb: Workbook, spec: SheetSpec, ctx: Any, *, title: str, rows: Iterable[dict[str, Any]], note: str = "", footnote: str = "") -> FormSheet:
    """The common case: title block, headers, rows, an optional footnote, the signature block."""
    sheet = FormSheet(wb, spec, ctx)
    sheet.title_block(title=title, subtitle=H.period_line(ctx), note=note)
    sheet.header()
    sheet.rows(rows)
    if footnote:
        sheet.note(footnote)
    sheet.signature()
    sheet.finish()
    return sheet
