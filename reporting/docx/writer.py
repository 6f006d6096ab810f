"""The page, fonts, styles and blocks of an administrative document after Decree 30/2020/NĐ-CP (Appendix I): A4,
margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman (the East-Asian slot too, so Vietnamese never
falls back to another font); body 14 pt, justified, first line indented; the header block as a borderless
two-column table; page numbers centred at the top from the second page. And the writing of the file so that the
same document gives the same bytes: fixed core properties, fixed zip entry times, a stable entry order.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
LANG = "vi-VN"
BODY_PT = 14
TABLE_PT = 11
ANNEX_PT = 10
A4 = (Mm(210), Mm(297))
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
INDENT = Mm(12.7)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Paragraph styles of the document (ASCII ids; Word shows the names).
BODY, PLACEHOLDER, TABLE_TEXT, NOTE, BLOCK = "Report Body", "Report Placeholder", "Report Table", "Report Note", "Report Block"
HEADINGS = ("Heading 1", "Heading 2", "Heading 3")

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# --- fonts and styles ---------------------------------------------------------------------------------------------


def set_fonts(rpr_owner: Any, name: str = FONT) -> None:
    """Name the font in every slot of `w:rFonts` (ascii, hAnsi, eastAsia, cs) and drop the theme fonts, which
    would otherwise win over the names."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_FONT_ATTRS:
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _style_font(style: Any, *, size: float, bold: bool | None = None, italic: bool | None = None) -> None:
    set_fonts(style.element)
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    color = style.element.rPr.find(qn("w:color"))
    if color is not None:
        style.element.rPr.remove(color)


def _paragraph_style(doc: Any, name: str, *, size: float, align: str = "justify", indent: bool = False,
                     before: float = 0, after: float = 0, line: float = 1.0, bold: bool | None = None,
                     italic: bool | None = None) -> Any:
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    _style_font(style, size=size, bold=bold, italic=italic)
    pf = style.paragraph_format
    pf.alignment = ALIGN[align]
    pf.first_line_indent = INDENT if indent else Mm(0)
    pf.left_indent = Mm(0)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.line_spacing = line
    pf.widow_control = True
    return style


def new_document() -> Any:
    """A blank document with the report's page, fonts and styles (and without the template's thumbnail)."""
    doc = Document()
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
    _defaults(doc)
    _settings(doc)
    normal = doc.styles["Normal"]
    _style_font(normal, size=BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _paragraph_style(doc, BODY, size=BODY_PT, indent=True, before=0, after=6, line=1.15)
    _paragraph_style(doc, PLACEHOLDER, size=BODY_PT, indent=True, after=6, line=1.15, italic=True)
    _paragraph_style(doc, TABLE_TEXT, size=TABLE_PT, align="center")
    _paragraph_style(doc, NOTE, size=11, indent=False, before=3, after=3, italic=True)
    _paragraph_style(doc, BLOCK, size=13, align="center")
    for level, name in enumerate(HEADINGS):
        style = doc.styles[name]
        _style_font(style, size=BODY_PT, bold=True, italic=True if level == 2 else None)
        pf = style.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.first_line_indent = INDENT
        pf.space_before = Pt(6)
        pf.space_after = Pt(6)
        pf.line_spacing = 1.15
        pf.keep_with_next = True
    page(doc.sections[0], landscape=False)
    return doc


def _defaults(doc: Any) -> None:
    """Times New Roman 14 pt and Vietnamese as the document's defaults (`w:docDefaults`)."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    for attr in _THEME_FONT_ATTRS:
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(BODY_PT * 2))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)
    ppr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _settings(doc: Any) -> None:
    """Vietnamese separators and theme language; no preview picture; let Word check the spelling afresh."""
    settings = doc.settings.element
    for tag in ("w:savePreviewPicture", "w:proofState", "w:rsids"):
        el = settings.find(qn(tag))
        if el is not None:
            settings.remove(el)
    for tag, value in (("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        el = settings.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), value)
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), LANG)


def page(section: Any, *, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def text_width(section: Any) -> float:
    """The width between the margins, in millimetres."""
    return (section.page_width - section.left_margin - section.right_margin) / Mm(1)


def landscape_section(doc: Any) -> Any:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    page(section, landscape=True)
    section.different_first_page_header_footer = False
    return section


def page_numbers(section: Any) -> None:
    """The page number centred in the header, from the second page (Decree 30, Appendix I)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(p, "PAGE", "2")


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    def fld(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(fld("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(fld("separate"))
    paragraph.add_run(shown)
    run = paragraph.add_run()
    run._r.append(fld("end"))


# --- paragraphs ---------------------------------------------------------------------------------------------------


def para(container: Any, text: str = "", *, style: str = BODY, bold: bool | None = None, italic: bool | None = None,
         size: float | None = None, align: str | None = None, before: float | None = None, after: float | None = None,
         keep_next: bool = False) -> Any:
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        if bold is not None:
            run.bold = bold
        if italic is not None:
            run.italic = italic
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = ALIGN[align]
    if before is not None:
        p.paragraph_format.space_before = Pt(before)
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if keep_next:
        p.paragraph_format.keep_with_next = True
    return p


def rule(container: Any, *, width_mm: float, length_mm: float) -> Any:
    """A short horizontal line, centred in a space `width_mm` wide: an empty 1 pt paragraph with a bottom border
    (the lines under the issuer's name, the motto and the subject)."""
    p = container.add_paragraph(style=BLOCK)
    side = max(0.0, (width_mm - length_mm) / 2)
    pf = p.paragraph_format
    pf.left_indent = Mm(side)
    pf.right_indent = Mm(side)
    pf.first_line_indent = Mm(0)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(attr), value)
    border.append(bottom)
    ppr.insert_element_before(
        border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing",
        "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
        "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange",
    )
    run = p.add_run()
    run.font.size = Pt(1)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(2)
    return p


# --- tables -------------------------------------------------------------------------------------------------------


def _set(parent: Any, tag: str, successors: Sequence[str] = (), **attrs: str) -> Any:
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        if successors:
            parent.insert_element_before(el, *successors)
        else:
            parent.append(el)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def table(container: Any, *, widths_mm: Sequence[float], borders: bool = True, margins_mm: float = 1.0) -> Any:
    """An empty table (no rows) with fixed column widths, centred; borders all single lines, or none."""
    t = container.add_table(rows=0, cols=len(widths_mm))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tblpr = t._tbl.tblPr
    total = sum(widths_mm)
    _set(tblpr, "w:tblW", ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", *_TBLPR_AFTER_BORDERS),
         w=str(round(Mm(total).twips)), type="dxa")
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if borders else "nil")
        if borders:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        edges.append(el)
    old = tblpr.find(qn("w:tblBorders"))
    if old is not None:
        tblpr.remove(old)
    tblpr.insert_element_before(edges, *_TBLPR_AFTER_BORDERS)
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(Mm(margins_mm).twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.insert_element_before(mar, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for col, width in zip(t._tbl.tblGrid.gridCol_lst, widths_mm):
        col.w = Mm(width)
    t.widths_mm = list(widths_mm)  # type: ignore[attr-defined]
    return t


def add_row(t: Any, *, header: bool = False, cant_split: bool = True) -> list[Any]:
    row = t.add_row()
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        _set(trpr, "w:cantSplit", ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"))
    if header:
        _set(trpr, "w:tblHeader", ("w:tblCellSpacing", "w:jc", "w:hidden"))
    cells = row.cells
    for c, width in zip(cells, t.widths_mm):
        c.width = Mm(width)
        c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return cells


def write(cell: Any, text: str, *, align: str = "center", bold: bool = False, italic: bool = False,
          size: float | None = None, style: str = TABLE_TEXT) -> Any:
    """Put `text` in the cell's first paragraph (a cell always has one)."""
    p = cell.paragraphs[0]
    p.style = style
    if align != "center":
        p.alignment = ALIGN[align]
    if text:
        run = p.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if size is not None:
            run.font.size = Pt(size)
    return p


def shade(cell: Any, fill: str = "F2F2F2") -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    for attr, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shd.set(qn(attr), value)
    tcpr.insert_element_before(shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                               "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


# --- properties and the file ---------------------------------------------------------------------------------------


def properties(doc: Any, *, title: str, subject: str, author: str, when: dt.datetime, keywords: str = "",
               category: str = "", comments: str = "") -> None:
    """Core properties from the data only: the times are the report's (its due date), never the clock's."""
    cp = doc.core_properties
    cp.title = title
    cp.subject = subject
    cp.author = author
    cp.last_modified_by = author
    cp.keywords = keywords
    cp.category = category
    cp.comments = comments
    cp.language = LANG
    cp.revision = 1
    cp.created = when
    cp.modified = when


def _order(name: str) -> tuple[int, str]:
    return (0 if name == "[Content_Types].xml" else 1 if name.startswith("_rels/") else 2, name)


def save(doc: Any, path: Path) -> None:
    """Write the document with every zip entry at the same fixed time, in a stable order, deflated: the same
    document gives the same bytes (and the same checksum)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src:
        entries = {info.filename: src.read(info.filename) for info in src.infolist()}
    with zipfile.ZipFile(path, "w") as out:
        for name in sorted(entries, key=_order):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            out.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
