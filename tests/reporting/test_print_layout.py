"""Printing the annual report workbook (issue #15): every row whose text wraps is tall enough for its lines, every
sheet prints one page wide from its print area with its header rows repeated, the one-page forms (06, 10) fit their
page, the motto is never cut off and the chart of form 10 lies inside its page — read back from the XLSX with
openpyxl, then printed by LibreOffice (headless, to PDF) and checked page by page: each page's footer names its
sheet, each sheet takes the pages its print setup intends, and no two words of a page overlap.

The workbook is the full edition of a small demo (150 households), built once for the module. If LibreOffice or
poppler's pdftotext is missing, the harness installs them with apt-get when it can (root, apt available); otherwise
the printing tests are skipped with a message — except in CI (CI or E2E_REQUIRED set), where that is a failure.
"""
from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from reporting.excel import headers as H
from reporting.excel.layout import DEFAULT_ROW_HEIGHT, lines_height, text_lines, text_width

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)
ONE_PAGE = {"06. Chỉ tiêu", "10. Diễn biến tỷ lệ"}
PAPER = {8: (841.89, 1190.55), 9: (595.28, 841.89)}  # A3, A4 portrait (points)
POINTS_PER_CHARACTER = 5.5  # LibreOffice: a column's stored width × the digit of Times New Roman 11 pt
PACKAGES = ["libreoffice-calc-nogui", "poppler-utils", "fonts-liberation2"]  # Liberation Serif: Times New Roman's metrics


@pytest.fixture(scope="module")
def xlsx(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    from django.db import transaction

    from accounts.demo import build_accounts
    from households import demo as households_demo
    from households.structure import program_area
    from programs import demo as programs_demo
    from reporting import demo as reporting_demo
    from reporting import services
    from reporting.models import Edition, ReportKind

    out = tmp_path_factory.mktemp("print") / "bao-cao-2025.xlsx"
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            households_demo.build_registry(households=150, seed=7, today=TODAY)
            households_demo.build_reviews(seed=7, today=TODAY)
            programs_demo.build_programs(seed=7, today=TODAY)
            build_accounts()
            reporting_demo.build_obligations(seed=7, today=TODAY)
            kind = ReportKind.objects.get(code="annual")
            report = services.report_request(kind=kind, year=2025, unit=program_area(), edition=Edition.FULL)
            shutil.copyfile(services.report_generate(report_id=report.pk).file.path, out)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    return out


@pytest.fixture(scope="module")
def wb(xlsx):
    return load_workbook(xlsx)


# --- the XLSX ------------------------------------------------------------------------------------------------


def widths(ws) -> list[float]:
    """Each column's width as stored (XlsxWriter: its pixels ÷ 7), from 1; index 0 unused."""
    out = [0.0] * (ws.max_column + 2)
    for dim in ws.column_dimensions.values():
        for c in range(dim.min or 1, min(dim.max or 0, ws.max_column) + 1):
            out[c] = dim.width or 0.0
    return out


def room(w: list[float], first: int, last: int) -> float:
    """Excel's room for text over columns first..last: their pixels at 96 dpi less the cell's padding."""
    return sum(round(w[c] * 7) for c in range(first, last + 1)) * 0.75 - 4


def height(ws, row: int) -> float:
    return ws.row_dimensions[row].height or ws.sheet_format.defaultRowHeight or DEFAULT_ROW_HEIGHT


def merged_spans(ws) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    spans = {}
    for rng in ws.merged_cells.ranges:
        c1, r1, c2, r2 = rng.bounds
        spans[(r1, c1)] = (c1, r1, c2, r2)
    return spans


def print_area(ws) -> tuple[int, int, int, int]:
    return range_boundaries(ws.print_area.split("!")[-1].replace("$", ""))


def title_rows(ws) -> range:
    if not ws.print_title_rows:
        return range(0)
    a, b = (int(x) for x in re.findall(r"\d+", ws.print_title_rows))
    return range(a, b + 1)


def fit_tall(ws) -> int:
    tall = ws.page_setup.fitToHeight
    return 1 if tall is None else int(tall)  # the file leaves out the default, 1


def layout(ws) -> dict:
    """The pages the print setup intends, as LibreOffice lays them out: the print area scaled to one page wide (and
    to `fitToHeight` pages tall unless 0), rows placed until the page is full or a manual break, the title rows
    repeated at the top of every later page."""
    c1, r1, c2, r2 = print_area(ws)
    w, h = PAPER[int(ws.page_setup.paperSize)]
    if ws.page_setup.orientation == "landscape":
        w, h = h, w
    m = ws.page_margins
    body_w, body_h = w - (m.left + m.right) * 72, h - (m.top + m.bottom) * 72
    content_w = sum(widths(ws)[c] for c in range(c1, c2 + 1)) * POINTS_PER_CHARACTER
    rows = [height(ws, r) for r in range(r1, r2 + 1)]
    scale = min(1.0, body_w / content_w)
    if fit_tall(ws):
        scale = min(scale, body_h * fit_tall(ws) / sum(rows))
    titles = title_rows(ws)
    titles_h = sum(height(ws, r) for r in titles)
    breaks = {b.id + 1 for b in ws.row_breaks.brk}  # a break after row `id`: the next page starts at id + 1
    pages, used = 1, 0.0
    for r, rh in zip(range(r1, r2 + 1), rows):
        if r in breaks or (used and used + rh > body_h / scale + 0.01):
            pages += 1
            used = titles_h if titles and r > titles[-1] else 0.0
        used += rh
    return {"pages": pages, "scale": scale, "left": (w - content_w * scale) / 2, "right": (w + content_w * scale) / 2}


def test_every_row_whose_text_wraps_is_tall_enough_for_its_lines(wb):
    short, wrapped = [], 0
    for ws in wb.worksheets:
        w, spans = widths(ws), merged_spans(ws)
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.strip() and cell.alignment.wrap_text):
                    continue
                c1, r1, c2, r2 = spans.get((cell.row, cell.column), (cell.column, cell.row, cell.column, cell.row))
                size, bold = float(cell.font.sz or 11), bool(cell.font.b)
                lines = text_lines(cell.value, room(w, c1, c2), size, bold)
                if lines < 2:
                    continue
                wrapped += 1
                explicit = [ws.row_dimensions[r].height for r in range(r1, r2 + 1)]
                have = sum(height(ws, r) for r in range(r1, r2 + 1))
                if not any(explicit) or have < lines_height(lines, size):
                    need = lines_height(lines, size)
                    short.append(f"{ws.title}!{cell.coordinate}: {lines} dòng cần {need} pt, có {have} pt ({cell.value[:40]!r})")
    assert wrapped > 50  # headers, notes, names, statuses, the household list's support column
    assert not short, "\n".join(short)


def test_the_estimate_of_lines_follows_the_words():
    assert text_lines("Đúng hạn – đã tiếp nhận", 200, 11) == 1
    assert text_lines("Đúng hạn – đã tiếp nhận", 60, 11) == 2
    assert text_lines(" ".join(["nghèo"] * 40), 100, 11) == 14  # 26.9 pt a word, 2.75 pt a space: three words a line
    assert text_lines("a\nb\nc", 100, 11) == 3
    assert text_lines("x" * 50, 100, 11) == 3  # one long word breaks where it must
    assert text_width("CỘNG HÒA", 12, True) > text_width("CỘNG HÒA", 12)  # bold is wider


def test_the_motto_fits_its_line_on_every_sheet(wb):
    for ws in wb.worksheets:
        w, spans = widths(ws), merged_spans(ws)
        cell = next(c for c in ws[1] if c.value == H.MOTTO[0])
        c1, _, c2, _ = spans[(1, cell.column)]
        assert cell.font.b and text_width(H.MOTTO[0], cell.font.sz, True) <= room(w, c1, c2), ws.title
        assert c2 == print_area(ws)[2], ws.title  # the right block ends at the sheet's right edge


def test_every_sheet_prints_one_page_wide_from_its_print_area_with_its_header_repeated(wb):
    for ws in wb.worksheets:
        c1, r1, c2, r2 = print_area(ws)
        used = max(c.row for row in ws.iter_rows() for c in row if c.value is not None)
        assert (c1, r1) == (1, 1) and r2 >= used and c2 == ws.max_column, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1, ws.title
        assert fit_tall(ws) == (1 if ws.title in ONE_PAGE else 0), ws.title
        header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "STT")
        assert title_rows(ws) == range(header, header + 3), ws.title
        assert ws.HeaderFooter.oddFooter.left.text == "&A" and "&P" in ws.HeaderFooter.oddFooter.right.text, ws.title
        if ws.title in ONE_PAGE:
            assert layout(ws)["scale"] > 0.7, ws.title  # shrunk to its page, not past reading


def test_the_trend_chart_lies_inside_the_print_area_between_the_table_and_the_signature(wb, xlsx):
    ws = wb["10. Diễn biến tỷ lệ"]
    with zipfile.ZipFile(xlsx) as z:
        drawings = [n for n in z.namelist() if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]
        assert len(drawings) == 1
        xml = z.read(drawings[0]).decode()
    (c_from, r_from), (c_to, r_to) = (
        (int(m.group(1)) + 1, int(m.group(2)) + 1)
        for m in re.finditer(r"<xdr:(?:from|to)><xdr:col>(\d+)</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>", xml)
    )
    c1, r1, c2, r2 = print_area(ws)
    last_year = max(c.row for c in ws["B"] if re.fullmatch(r"20\d\d", str(c.value or "")))
    signature = next(c.row for c in ws["A"] if c.value == H.PREPARER[0])
    assert c1 <= c_from <= c_to <= c2 and last_year < r_from <= r_to < signature <= r2


# --- printed by LibreOffice ------------------------------------------------------------------------------------


def _required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("E2E_REQUIRED"))


def _tools() -> tuple[str, str] | None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    return (office, pdftotext) if office and pdftotext else None


def _ensure_libreoffice() -> tuple[str, str] | str:
    found = _tools()
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run([apt, "install", "-y", "-q", *PACKAGES], env=env, capture_output=True).returncode != 0:
            subprocess.run([apt, "update", "-q"], env=env, capture_output=True)
            subprocess.run([apt, "install", "-y", "-q", *PACKAGES], env=env, capture_output=True)
        found = _tools()
        if found:
            return found
    return (
        f"Không có LibreOffice (soffice) hoặc pdftotext: cài bằng `apt-get install -y {' '.join(PACKAGES)}` để chạy kiểm "
        "thử bản in (LibreOffice or poppler's pdftotext not found; install them to run the printing tests)."
    )


WORD = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'


def parse_pages(xhtml: str) -> list[dict]:
    """pdftotext -bbox: each page's size and words (x0, y0, x1, y1, text)."""
    pages = []
    for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S):
        words = [
            (float(a), float(b), float(c), float(d), html.unescape(t))
            for a, b, c, d, t in re.findall(WORD, m.group(3))
        ]
        pages.append({"width": float(m.group(1)), "height": float(m.group(2)), "words": words})
    return pages


@pytest.fixture(scope="module")
def printed(xlsx, tmp_path_factory) -> list[dict]:
    """The workbook printed to PDF by LibreOffice: each page with its sheet (the footer's left), its number on the
    sheet (the footer's right) and the words of its body."""
    tools = _ensure_libreoffice()
    if isinstance(tools, str):
        if _required():
            pytest.fail(tools)
        pytest.skip(tools)
    office, pdftotext = tools
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")  # its own profile: another LibreOffice running does not block it
    subprocess.run(
        [office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
        check=True, capture_output=True, timeout=240,
    )
    pdf = out / (xlsx.stem + ".pdf")
    xhtml = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60).stdout
    pages = parse_pages(xhtml)
    for page in pages:
        # The footer lies in the bottom margin (0.5 in), under the body.
        foot = sorted((w for w in page["words"] if w[1] > page["height"] - 36), key=lambda w: w[0])
        text = " ".join(w[4] for w in foot)
        m = re.fullmatch(r"(.+) Trang (\d+)", text)
        assert m, f"chân trang không đọc được: {text!r}"
        page["sheet"], page["number"] = m.group(1), int(m.group(2))
        page["words"] = [w for w in page["words"] if w[1] <= page["height"] - 36]
    return pages


def test_libreoffice_prints_every_sheet_on_the_pages_its_setup_intends(wb, printed):
    names = [ws.title for ws in wb.worksheets]
    assert [p["sheet"] for p in printed] == sorted((p["sheet"] for p in printed), key=names.index)  # sheets in order
    got = {name: [p["number"] for p in printed if p["sheet"] == name] for name in names}
    intended = {ws.title: layout(ws)["pages"] for ws in wb.worksheets}
    assert {name: len(numbers) for name, numbers in got.items()} == intended
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in got.values()), got  # numbered from 1 per sheet
    assert intended["06. Chỉ tiêu"] == intended["10. Diễn biến tỷ lệ"] == 1
    assert len(printed) == sum(intended.values())


def test_no_two_words_of_a_printed_page_overlap(printed):
    """A wrapped cell taller than its row spills its last lines over the row below: words on top of words."""
    clashes = []
    for p in printed:
        words = sorted(p["words"], key=lambda w: w[1])
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b[1] >= a[3]:
                    break
                dy = min(a[3], b[3]) - max(a[1], b[1])
                dx = min(a[2], b[2]) - max(a[0], b[0])
                if dx > 0.5 and dy > 0.3 * min(a[3] - a[1], b[3] - b[1]):
                    clashes.append(f"{p['sheet']} trang {p['number']}: {a[4]!r} / {b[4]!r}")
    assert not clashes, "\n".join(clashes[:20])


def test_the_motto_is_whole_and_the_chart_on_its_page(wb, printed):
    for ws in wb.worksheets:
        first = next(p for p in printed if p["sheet"] == ws.title and p["number"] == 1)
        edges = layout(ws)
        line = sorted((w for w in first["words"] if w[1] < first["height"] / 4), key=lambda w: (round(w[1]), w[0]))
        words = H.MOTTO[0].split()
        found = [i for i in range(len(line)) if [w[4] for w in line[i:i + len(words)]] == words]
        assert found, ws.title  # on one line
        motto = line[found[0]:found[0] + len(words)]
        assert motto[-1][2] <= edges["right"] + 0.5, (ws.title, motto[-1][2], edges["right"])  # inside the sheet's right edge
    trend = next(p for p in printed if p["sheet"] == "10. Diễn biến tỷ lệ")
    text = " ".join(w[4] for w in trend["words"])
    assert H.CHART_TITLE in text and "Lộ trình theo Kế hoạch (%)" in text and "NGƯỜI LẬP BIỂU" in text
    chart_title = next(w for w in trend["words"] if w[4] == H.CHART_TITLE.split()[0] and w[1] > trend["height"] / 3)
    signature = next(w for w in trend["words"] if w[4] == "NGƯỜI")
    assert chart_title[3] < signature[1]  # the chart above the signature, on the same page
