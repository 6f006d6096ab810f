"""The layout every sheet of the report shares, after the provinces' summary forms (docs/domain.md §3): the people's
committee on the left and the national motto on the right, the form number, the title with the unit and period,
two header rows (groups merged across their sub-columns, single columns merged down), a row of column numbers in
italics, the data with number formats, totals in bold, the signature block, Times New Roman, landscape: A3 when the
form has more than 12 columns, A4 otherwise.

Printed one page wide (a one-page form, 06 and 10, scaled to its page) from the sheet's print area, the first
table's header rows repeated on every page, the sheet's name and page number in the footer. Every row whose text
wraps gets its height from an estimate of its lines (`text_lines`: XlsxWriter does not fit heights, and LibreOffice
keeps the stored ones), and page breaks keep a later table's header with its rows and the signature with the table's
end (`Pages`). tests/reporting/test_print_layout.py prints the workbook with LibreOffice to check both.

Written with XlsxWriter in constant-memory mode: every sheet streams its rows to disk as they are written, so
memory stays flat whatever the size of the household list (openpyxl's write-only mode wrote that list about three
times slower here, beyond the 15-second goal). Rows are therefore written strictly in order, and a merge is
declared once all of its cells are written. The tests read the workbooks back with openpyxl.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from collections import deque
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


# --- Text metrics: the height of a row whose text wraps ------------------------------------------------------
# XlsxWriter does not fit a row's height to wrapped text, and LibreOffice keeps the stored height of a row in a file
# that caches none: a cell whose text wraps onto lines the row cannot hold overlaps the rows below. So every row that
# holds wrapping text gets a height from an estimate of its lines: the advance widths of Times New Roman (Adobe's
# Times AFM in 1/1000 em; Liberation Serif, LibreOffice's stand-in, has the same metrics), regular and italic taken
# at the wider of the two, a greedy word wrap, and Excel's column widths (7 pixels a character plus 5, narrower
# than LibreOffice's), so the estimate errs towards one line too many rather than one too few.

_REGULAR = {
    250: " ,.", 278: "ijlt/\\", 333: "frI-()[]!:;'", 389: "s", 444: "cezJ", 500: "abdghknopquvxy0123456789–_#$*?",
    556: "S", 611: "EFLPTZ", 667: "BCR", 675: "+=×÷<>", 722: "ADGHKNOQUVXYw", 778: "m&", 833: "%", 889: "M", 944: "W",
    1000: "—",
}
_BOLD = {
    250: " ,.", 278: "il/\\", 333: "fjt-()[]!:;'", 389: "sI", 444: "cerz", 500: "agvxyJ?0123456789–_#$*", 556: "bdhknpquS",
    570: "+=×÷<>", 611: "FP", 667: "BELTZ", 722: "ACDNRUVXYw", 778: "GHKOQ", 833: "m&", 944: "M", 1000: "W%—",
}
_WIDTHS = {False: {c: w for w, cs in _REGULAR.items() for c in cs}, True: {c: w for w, cs in _BOLD.items() for c in cs}}
_HORN = "\u031b"  # ơ, ư: the horn widens the letter
DEFAULT_ROW_HEIGHT = 15.0  # points: one line of 12-point text or smaller


def _char_width(ch: str, bold: bool) -> float:
    """One character's advance in 1/1000 em: a Vietnamese letter is its base letter (đ a d), the horn a little more."""
    table = _WIDTHS[bold]
    w = table.get(ch)
    if w is not None:
        return w
    base = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))
    w = table.get(base[:1], 600)
    return w + (60 if _HORN in base else 0)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` on one line, in points."""
    return sum(_char_width(ch, bold) for ch in text) * size / 1000


def column_points(widths: Iterable[float]) -> float:
    """The room for text in a cell spanning columns of these widths (characters), in points: Excel's pixels (a
    character is 7 pixels, each column 5 more) at 96 dpi, less the cell's padding."""
    return sum(int(w * 7 + 0.5) + 5 for w in widths) * 0.75 - 4


@functools.lru_cache(maxsize=65536)
def text_lines(text: str, room: float, size: float, bold: bool = False) -> int:
    """How many lines `text` wraps onto in a cell `room` points wide (greedy word wrap; a word wider than the cell
    breaks where it must)."""
    if not text:
        return 0
    room = max(room, size)  # a cell narrower than a glyph still shows one a line
    if len(text) * size <= room and "\n" not in text:  # no glyph is wider than 1 em
        return 1
    space = _char_width(" ", bold) * size / 1000
    total = 0
    for paragraph in text.split("\n"):
        lines, line = 1, 0.0  # `line`: the width taken on the current line
        for k, word in enumerate(paragraph.split(" ")):
            if not word:  # a run of spaces hangs at the end of a line rather than wrap
                line = min(line + space, room) if k else line
                continue
            w = text_width(word, size, bold)
            if k and line + space + w > room and line:
                lines += 1
                line = w
            else:
                line += (space if k else 0) + w
            if line > room:  # a word wider than the cell breaks where it must
                extra = math.ceil(line / room) - 1
                lines += extra
                line -= extra * room
        total += lines
    return total


def lines_height(lines: int, size: float) -> float:
    """The row height (points) that holds `lines` lines of `size`-point text, in whole pixels (0.75 pt) as the file
    stores it."""
    return math.ceil((lines * size * 1.2 + 2) / 0.75 - 1e-9) * 0.75


class Formats:
    """One XlsxWriter format per kind of cell, made once per workbook.

    A key is "kind:variant:extra": table:plain|bold|total|subtotal:<format>, header:header, number:number,
    block:plain|bold|italic|title|note:<left|center|right>.
    """

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.cache: dict[str, Any] = {}
        self.metrics: dict[str, tuple[float, bool] | None] = {}  # key → (font size, bold) when the text wraps

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
                # Every block wraps rather than be cut off at the edge of its merged cells (a long committee name).
                props["align"] = extra or "center"
                props["text_wrap"] = True
            fmt = self.cache[key] = self.wb.add_format(props)
            self.metrics[key] = (props["font_size"], props["bold"]) if props.get("text_wrap") else None
        return fmt

    def lines(self, key: str, text: Any, room: float) -> int:
        """The lines a value takes in a cell of this format `room` points wide (1 when the format does not wrap)."""
        self(key)
        m = self.metrics[key]
        if m is None or not isinstance(text, str):
            return 1
        return text_lines(text, room, *m)

    def height(self, key: str, text: Any, room: float) -> float:
        """The row height the value needs when it wraps onto two lines or more, else 0 (the default height)."""
        n = self.lines(key, text, room)
        return lines_height(n, self.metrics[key][0]) if n > 1 else 0.0  # type: ignore[index]


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


# --- Printed pages ------------------------------------------------------------------------------------------
PAPER_POINTS = {A3: (841.89, 1190.55), A4: (595.28, 841.89)}  # portrait width, height
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.5}  # inches
# LibreOffice sets a column `w` characters wide (as XlsxWriter stores it: its pixels ÷ 7) at the width of the
# workbook's digit, Times New Roman 11 pt: 5.5 points a character.
PRINT_POINTS_PER_CHARACTER = 5.5


def print_width(widths: Iterable[float]) -> float:
    """The printed width (points, unscaled) of columns of these widths."""
    return sum((int(w * 7 + 0.5) + 5) / 7 * PRINT_POINTS_PER_CHARACTER for w in widths)


class Pages:
    """Where the printed pages of a sheet break, as LibreOffice lays them out (one page wide, scaled down to fit;
    the first table's header rows repeated at the top of every page after the first): the builder uses it to keep
    a table's header with its first row and the signature with the table's last rows, by a page break before them,
    rather than leave a header at the foot of a page or a signature alone under a repeated header."""

    def __init__(self, capacity: float):
        self.capacity = capacity  # points of rows a page holds, unscaled
        self.used = 0.0
        self.first = 0  # the first row (0-based) of the current page
        self.titles = 0.0  # the height of the repeated header rows
        self.recent: deque[tuple[int, float, str]] = deque(maxlen=12)  # (row, height, kind) of the last rows

    def add(self, row: int, height: float, kind: str) -> None:
        if self.used + height > self.capacity and self.used > self.titles:
            self.first, self.used = row, self.titles
        self.used += height
        self.recent.append((row, height, kind))

    def fits(self, height: float) -> bool:
        return self.used + height <= self.capacity

    def break_before(self, row: int) -> bool:
        """Start a page at `row` (a row written already or the next one); False when a page starts there anyway."""
        if row <= self.first:
            return False
        self.first = row
        self.used = self.titles + sum(h for r, h, _ in self.recent if r >= row)
        return True


class FormSheet:
    """A sheet in the layout of the summary forms. Row numbers (`row_no`) count from 1, as Excel shows them."""

    def __init__(self, wb: Workbook, spec: SheetSpec, ctx: Any, *, landscape: bool = True, pages_tall: int = 0):
        """`landscape`: the orientation; `pages_tall`: 0, as many pages as the rows take (the header rows repeated
        on each), or the number of pages the form is scaled to fit (a one-page form: 1). One page wide always."""
        self.wb, self.spec, self.ctx = wb, spec, ctx
        self.ws = wb.add_worksheet(spec.name)
        self.fmt: Formats = wb.report_formats  # type: ignore[attr-defined]
        self._formats_by_style: dict[str, tuple[list[Any], list[tuple[str, float]], float, bool]] = {}
        self.columns = list(spec.columns)
        self.ncols = len(self.columns)
        self.widths = [col.width for col in self.columns]  # the sheet's columns, whatever table is being written
        self._rooms = [column_points([w]) for w in self.widths]
        self._split: tuple[int, int] | None = None
        self.row_no = 0
        self.header_first = 0
        ws = self.ws
        for i, col in enumerate(self.columns):
            ws.set_column(i, i, col.width)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        paper = paper_for(self.ncols)
        ws.set_paper(paper)
        ws.fit_to_pages(1, pages_tall)
        ws.set_margins(**MARGINS)
        # A form of as many pages as its rows take: where they break, to keep headers and the signature with rows.
        self.pages: Pages | None = None
        self._breaks: list[int] = []
        if not pages_tall:
            width, height = PAPER_POINTS[paper]
            if landscape:
                width, height = height, width
            self._body = (width - (MARGINS["left"] + MARGINS["right"]) * 72, height - (MARGINS["top"] + MARGINS["bottom"]) * 72)
            self.pages = Pages(self._body[1] / min(1.0, self._body[0] / print_width(self.widths)))
        # Each printed page says which form it belongs to and where it falls (the sheet's name, its page numbered
        # from 1 on each sheet).
        ws.set_footer(f'&L&"{FONT},Italic"&9&A&R&"{FONT},Italic"&9Trang &P', {"margin": 0.25})
        ws.set_start_page(1)
        ws.center_horizontally()
        ws.hide_gridlines(2)
        ws.set_zoom(90)

    def room(self, first: int, last: int) -> float:
        """The room for text (points) in a cell over columns `first`..`last` (from 1)."""
        return column_points(self.widths[first - 1:last])

    @property
    def columns(self) -> list[Column]:
        return self._columns

    @columns.setter
    def columns(self, columns: list[Column]) -> None:
        """A sheet may hold a second table with other columns: set them before its header. A column the table needs
        wider than the sheet's (a sum of money under a count) is widened, one beyond the sheet's added, and the print
        area takes it in; the rows above only gain room."""
        self._columns = list(columns)
        self._formats_by_style = {}
        widths = getattr(self, "widths", None)  # None while the sheet is being made
        if widths is None:
            return
        for i, col in enumerate(self._columns):
            if i >= len(widths) or col.width > widths[i]:
                self.ws.set_column(i, i, col.width)
                widths[i:i + 1] = [col.width]
                self._rooms[i:i + 1] = [column_points([col.width])]
                if self.pages:
                    self.pages.capacity = self._body[1] / min(1.0, self._body[0] / print_width(widths))

    # --- rows ---------------------------------------------------------------------------------------------

    def _fit(self, spans: list[tuple[int, int, Any, str]], height: float | None = None) -> float:
        """The height of a row of these spans: `height` at least, tall enough for every wrapping text (0: the default)."""
        return max([height or 0.0] + [self.fmt.height(key, value, self.room(first, last)) for first, last, value, key in spans])

    def _row(self, spans: list[tuple[int, int, Any, str]], height: float | None = None, *, fit: bool = True, kind: str = "block") -> int:
        """Write the next row: (first column, last column, value, format key), columns from 1; a span wider than
        one column is merged. `height`: at least this; `fit`: tall enough for every wrapping text."""
        self.row_no += 1
        r = self.row_no - 1
        if fit:
            height = self._fit(spans, height)
        if height:
            self.ws.set_row(r, height)
        for first, last, value, key in spans:
            fmt = self.fmt(key)
            if last > first:
                self.ws.merge_range(r, first - 1, r, last - 1, value if value is not None else "", fmt)
            else:
                write_value(self.ws, r, first - 1, value, fmt)
        self._track(r, height, kind)
        return self.row_no

    def _track(self, row: int, height: float | None, kind: str) -> None:
        if self.pages:
            self.pages.add(row, height or DEFAULT_ROW_HEIGHT, kind)

    def _page_break(self, row: int) -> None:
        if self.pages and self.pages.break_before(row):
            self._breaks.append(row)

    def blank(self) -> None:
        self.row_no += 1
        self._track(self.row_no - 1, None, "blank")

    def block_split(self) -> tuple[int, int]:
        """Where the left (committee, preparer) and right (motto, signer) blocks end and begin: the left third and
        the right half, the right block widened until the motto fits on its line (it never wraps), the left one
        until the committee's name does if there is room (else it wraps onto two lines)."""
        if self._split is None:
            n, ctx = self.ncols, self.ctx
            left_end = max(2, min(4, n // 3))
            right_start = max(left_end + 1, n - max(4, n // 2) + 1)
            right = max(text_width(t, 12, True) for t in (*H.MOTTO, *ctx.signer[:2]))
            right = max(right, text_width(H.place_date(ctx), 12), text_width(self.spec.form, 12))
            while right_start > 3 and self.room(right_start, n) < right:
                right_start -= 1
            left = max(text_width(ctx.issuer[0], 12), *(text_width(t, 12, True) for t in (ctx.issuer[1], H.PREPARER[0])))
            left_end = min(left_end, right_start - 1)
            while left_end < right_start - 1 and self.room(1, left_end) < left:
                left_end += 1
            self._split = (left_end, right_start)
        return self._split

    def _left_right_spans(self, left: tuple[str, str] | None, right: tuple[str, str] | None) -> list[tuple[int, int, Any, str]]:
        left_end, right_start = self.block_split()
        spans = []
        if left:
            spans.append((1, left_end, left[0], f"block:{left[1]}:center"))
        if right:
            spans.append((right_start, self.ncols, right[0], f"block:{right[1]}:center"))
        return spans

    def _left_right(self, left: tuple[str, str] | None, right: tuple[str, str] | None, height: float | None = None) -> None:
        self._row(self._left_right_spans(left, right), height)

    def wide(self, text: str, variant: str, align: str = "center", height: float | None = None) -> None:
        """A line across the sheet; a bold line on the left is a section's title (kept with the table under it)."""
        kind = "section" if (variant, align) == ("bold", "left") else "block"
        self._row([(1, self.ncols, text, f"block:{variant}:{align}")], height, kind=kind)

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
        # A group's label takes the top row, its sub-columns' the second; a single column's label both of them.
        need = lambda spans: max([0.0] + [self.fmt.height(key, value, self.room(a, b)) for a, b, value, key in spans])  # noqa: E731
        singles = [(k, k, col.label, "header:header") for k, col in enumerate(cols, start=1) if col.group is None]
        grouped = [span for span in top if span[1] > span[0] or cols[span[0] - 1].group is not None]
        top_height = max(30.0, need(grouped))
        sub_height = max(48.0, need(sub), need(singles) - top_height)
        if self.header_first and self.pages:
            # A later table: its header (and its section's title) start a page rather than end one.
            if not self.pages.fits(top_height + sub_height + max(DEFAULT_ROW_HEIGHT, need(nums)) + DEFAULT_ROW_HEIGHT):
                recent = self.pages.recent
                self._page_break(recent[-1][0] if recent and recent[-1][2] == "section" else self.row_no)
        self._row(top, top_height, fit=False)
        self._row(sub, sub_height, fit=False)
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
            if self.pages:
                self.pages.titles = sum(h for r, h, _ in self.pages.recent if r >= first - 1)

    def data_row(self, values: dict[str, Any], *, style: str = "plain", numbers: str | None = None) -> None:
        """One row of the table; `numbers` ("pct"): the format of every count column in this row (a row of
        percentages under a table of counts)."""
        key = f"{style}:{numbers or ''}"
        cached = self._formats_by_style.get(key)
        if cached is None:
            formats = [
                self.fmt(f"table:{style}:{numbers if numbers and col.fmt in ('int', 'money') else col.fmt}") for col in self._columns
            ]
            texts = [(col.key, self._rooms[c]) for c, col in enumerate(self._columns) if col.fmt == "text"]  # the columns that wrap
            size, bold = (self.fmt.metrics[f"table:{style}:text"] or (11.0, False)) if texts else (11.0, False)
            cached = self._formats_by_style[key] = (formats, texts, size, bold)
        formats, texts, size, bold = cached
        self.row_no += 1
        r, ws = self.row_no - 1, self.ws
        lines = 1
        for k, room in texts:
            value = values.get(k)
            if value and isinstance(value, str):
                lines = max(lines, text_lines(value, room, size, bold))
        height = lines_height(lines, size) if lines > 1 else 0.0
        if height:
            ws.set_row(r, height)
        for c, col in enumerate(self._columns):
            write_value(ws, r, c, values.get(col.key), formats[c])
        self._track(r, height, "data")

    def rows(self, rows: Iterable[dict[str, Any]]) -> int:
        n = 0
        for values in rows:
            self.data_row(values, style=values.get("_style", "plain"))
            n += 1
        return n

    def note(self, text: str) -> None:
        self.wide(text, "note", align="left", height=30)

    def signature(self) -> None:
        """The date line and the two signers. When they would not fit under the table, the table's last two rows
        (and the notes under it) go over to the next page with them."""
        ctx = self.ctx
        lines = [
            (None, (H.place_date(ctx), "italic")),
            ((H.PREPARER[0], "bold"), (ctx.signer[0], "bold")),
            ((H.PREPARER[1], "italic"), (ctx.signer[1], "bold")),
            (None, (ctx.signer[2], "italic")),
        ]
        if self.pages:
            need = DEFAULT_ROW_HEIGHT + sum(self._fit(self._left_right_spans(*line)) or DEFAULT_ROW_HEIGHT for line in lines)
            if not self.pages.fits(need):
                data = [r for r, _, kind in self.pages.recent if kind == "data"]
                self._page_break(data[-2] if len(data) >= 2 else self.row_no)
        self.blank()
        for line in lines:
            self._left_right(*line)

    def finish(self) -> None:
        self.ws.print_area(0, 0, max(0, self.row_no - 1), len(self.widths) - 1)
        if self._breaks:
            self.ws.set_h_pagebreaks(self._breaks)


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
