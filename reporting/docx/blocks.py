"""The fixed blocks of an administrative document (Decree 30/2020/NĐ-CP, Appendix I): the header (issuing body and
number on the left, national motto and place and date on the right), the title and subject, the recipients and
the signature."""
from __future__ import annotations

from typing import Any

from docx.shared import Pt

from ..excel import headers as H
from ..excel.context import ReportContext
from . import text as T
from . import writer as W

LEFT_MM, RIGHT_MM = 68.0, 97.0


def number_line(ctx: ReportContext) -> str:
    """"Số:      /BC-UBND": the chain's (its symbol after the slash), else the people's committee's."""
    line = getattr(getattr(ctx, "chain", None), "number_line", None)
    return str(line) if line else f"Số:      /{T.NUMBER_SUFFIX}"


def number_suffix(ctx: ReportContext) -> str:
    line = number_line(ctx)
    return line.rsplit("/", 1)[-1].strip() if "/" in line else T.NUMBER_SUFFIX


def header_block(doc: Any, ctx: ReportContext) -> Any:
    """Two borderless columns: "ỦY BAN NHÂN DÂN" over the unit's name in bold and a short rule, then the number;
    the motto, its rule, then the place and date in italics."""
    t = W.table(doc, widths_mm=[LEFT_MM, RIGHT_MM], borders=False, margins_mm=0.5)
    left, right = W.add_row(t, cant_split=False)
    top, name = ctx.issuer
    W.write(left, top, size=13, style=W.BLOCK)
    W.para(left, name, style=W.BLOCK, bold=True, size=13)
    W.rule(left, width_mm=LEFT_MM, length_mm=24)
    W.write(right, H.MOTTO[0], bold=True, size=13, style=W.BLOCK)
    W.para(right, H.MOTTO[1], style=W.BLOCK, bold=True, size=14)
    W.rule(right, width_mm=RIGHT_MM, length_mm=64)
    left, right = W.add_row(t, cant_split=False)
    W.write(left, number_line(ctx), size=13, style=W.BLOCK)
    W.write(right, H.place_date(ctx), italic=True, size=14, style=W.BLOCK)
    for cell in (left, right):
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)
    return t


def title_block(doc: Any, ctx: ReportContext, subject: str) -> None:
    W.para(doc, T.TITLE, style=W.BLOCK, bold=True, size=14, before=18)
    W.para(doc, subject, style=W.BLOCK, bold=True, size=14)
    if ctx.is_draft:
        W.para(doc, H.DRAFT_MARK, style=W.BLOCK, bold=True, size=14)
        if getattr(ctx, "incomplete_note", ""):
            W.para(doc, ctx.incomplete_note, style=W.BLOCK, italic=True, size=13)
    W.rule(doc, width_mm=W.text_width(doc.sections[0]), length_mm=40)
    W.para(doc, "", style=W.BLOCK, after=6)


def recipients(ctx: ReportContext) -> list[str]:
    """The recipients: the context's (a list, or one text separated by ";") or "Như trên"; the archive always last."""
    given = getattr(ctx, "recipients", None)
    if isinstance(given, str):
        items = [part.strip() for part in given.split(";")]
    elif given:
        items = [str(part).strip() for part in given]
    else:
        items = list(T.RECIPIENTS_DEFAULT)
    items = [i.rstrip(";.") for i in items if i and not i.lower().startswith("lưu")]
    return [f"- {i};" for i in items] + [f"- {T.ARCHIVE}"]


def signature_block(doc: Any, ctx: ReportContext) -> Any:
    """Recipients on the left (12 pt bold italic label, 11 pt lines), the signer on the right."""
    W.para(doc, "", style=W.BLOCK)
    width = W.text_width(doc.sections[-1])
    left_mm = round(width * 0.45, 2)
    t = W.table(doc, widths_mm=[left_mm, round(width - left_mm, 2)], borders=False, margins_mm=0.5)
    left, right = W.add_row(t, cant_split=True)
    W.write(left, T.RECIPIENTS_LABEL, bold=True, italic=True, size=12, style=W.BLOCK, align="left")
    for line in recipients(ctx):
        W.para(left, line, style=W.BLOCK, size=11, align="left")
    signer = list(ctx.signer)
    W.write(right, signer[0] if signer else "", bold=True, size=14, style=W.BLOCK)
    for line in signer[1:2]:
        W.para(right, line, style=W.BLOCK, bold=True, size=14)
    for line in signer[2:]:
        W.para(right, line, style=W.BLOCK, italic=True, size=13)
    for _ in range(4):
        W.para(right, "", style=W.BLOCK, size=14)
    name = getattr(ctx, "signer_name", None)
    if name:
        W.para(right, str(name), style=W.BLOCK, bold=True, size=14)
    return t
