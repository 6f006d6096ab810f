"""The annex: the summary forms as Word tables on landscape pages — 01 (review results by commune), 01a and 01b
(movement of poor and near-poor households, a households row and a persons row each, nine columns) and, where
support was recorded, 07 (support by commune and funding source). Columns, titles and footnotes are the
workbook's (`reporting.excel.headers`), rows the workbook sheets' (`reporting.excel.sheets`)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..excel import headers as H
from ..excel.context import ReportContext
from ..excel.spec import Column
from . import tables
from . import text as T
from . import writer as W
from .blocks import number_suffix
from .figures import Figures
from .sections import issuer_label


def _form(doc: Any, ctx: ReportContext, *, form: str, title: str, unit_note: str, columns: Sequence[Column],
          rows: list[dict[str, Any]], footnote: str, width_mm: float, first: bool) -> Any:
    p = W.para(doc, form, style=W.BLOCK, italic=True, size=12, align="right")
    if not first:
        p.paragraph_format.page_break_before = True
    W.para(doc, title, style=W.BLOCK, bold=True, size=13, before=3)
    W.para(doc, H.period_line(ctx), style=W.BLOCK, italic=True, size=12, after=3)
    if unit_note:
        W.para(doc, unit_note, style=W.BLOCK, italic=True, size=11, align="right", keep_next=True)
    size = W.ANNEX_PT if len(columns) <= 14 else W.ANNEX_PT - 1
    t = tables.form_table(doc, columns, rows, width_mm=width_mm, size=size)
    if footnote:
        W.para(doc, footnote, style=W.NOTE, size=10)
    return t


def annex(doc: Any, ctx: ReportContext, fig: Figures) -> None:
    section = W.landscape_section(doc)
    width = W.text_width(section)
    W.para(doc, T.ANNEX_TITLE, style=W.BLOCK, bold=True, size=14)
    W.para(doc, T.ANNEX_SUBTITLE, style=W.BLOCK, bold=True, size=13)
    W.para(doc, T.ANNEX_NOTE.format(suffix=number_suffix(ctx), year=ctx.signing_year, issuer=issuer_label(ctx)),
           style=W.BLOCK, italic=True, size=13, after=12)

    first = True
    if fig.period_comparison:
        base, latest = ctx.first_year, ctx.last_year
        spec = H.period_comparison_spec(ctx, base, latest)
        note = H.PERIOD_NOTE.format(base=base, latest=latest, due=T.date(ctx.due_date))
        _form(doc, ctx, form=spec.form, title=H.title(spec.title.format(base=base, latest=latest), ctx), unit_note=spec.unit_note,
              columns=spec.columns, rows=fig.period_comparison, footnote=f"{note} {ctx.structure_note}", width_mm=width, first=True)
        for table in ("poor", "near_poor"):
            spec = H.period_movement_spec(ctx, table)
            _form(doc, ctx, form=spec.form, title=H.title(spec.title.format(base=base, latest=latest), ctx), unit_note=spec.unit_note,
                  columns=spec.columns, rows=fig.period_movements[table],
                  footnote=H.PERIOD_MOVEMENT_NOTE.format(base=base, first=base + 1, latest=latest), width_mm=width, first=False)
        first = False
    spec = H.results_spec(ctx)
    footnote = H.RESULTS_FOOTNOTE + (" (*) Xã đặc biệt khó khăn (Kế hoạch của huyện, mục III.3)." if ctx.by == "commune" else "")
    _form(doc, ctx, form=spec.form, title=H.title(spec.title, ctx), unit_note=spec.unit_note, columns=spec.columns,
          rows=fig.results, footnote=f"{footnote} {ctx.structure_note}".strip(), width_mm=width, first=first)
    for table in ("poor", "near_poor"):
        spec = H.movement_spec(ctx, table)
        rows, line_change = fig.movements[table]
        footnote = H.MOVEMENT_FOOTNOTE + (" " + H.LINE_CHANGE_NOTE.format(n=line_change) if line_change else "")
        _form(doc, ctx, form=spec.form, title=H.title(spec.title, ctx), unit_note=spec.unit_note, columns=spec.columns,
              rows=rows, footnote=footnote, width_mm=width, first=False)
    if fig.support is not None:
        rows, sources = fig.support
        spec = H.support_spec(ctx, [label for _, label in sources])
        _form(doc, ctx, form=spec.form, title=H.title(spec.title, ctx), unit_note=spec.unit_note, columns=spec.columns,
              rows=rows, footnote=H.SUPPORT_FOOTNOTE, width_mm=width, first=False)
