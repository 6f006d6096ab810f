"""Writing workbooks: the one way every workbook of the system is opened with XlsxWriter.

Every text cell is written as text: a name, an address or an uploaded value that starts with "=" (a
`=HYPERLINK(...)` typed into an import file) stays the characters it is, never a live formula, and digits typed as
text (a citizen ID with its leading zero) or a web address stay text too. Numbers are written as numbers by the
callers that mean them (`write_number`)."""
from __future__ import annotations

from typing import Any

from xlsxwriter.workbook import Workbook

TEXT_STAYS_TEXT = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def new_workbook(target: Any, **options: Any) -> Workbook:
    """An XlsxWriter workbook on a path or a file object, with `options` (constant_memory, in_memory, tmpdir…)."""
    return Workbook(target, {**options, **TEXT_STAYS_TEXT})


def keep_text(wb: Any) -> Any:
    """The same rule for a workbook made with openpyxl, which takes a string that starts with "=" for a formula:
    every such cell of every sheet is made text again (call it before saving)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb
