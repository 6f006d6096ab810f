"""A draft report of a year whose review is not complete says so on its first sheet and on the Word draft's title
page, with how far the year has gone; a final report or a complete year carries no such line."""
import pytest
from docx import Document
from openpyxl import load_workbook

from households.models import Classification, ReviewState
from reporting import services
from reporting.docx import build_report_document
from reporting.excel import build_report_workbook
from reporting.excel.context import report_context
from reporting.models import ReportKind
from tests.reporting.conftest import make_review

pytestmark = pytest.mark.django_db
LINE = "Dự thảo của năm 2025 chưa rà soát xong: 1/2 hộ đã công nhận, 0/1 xã đã xong"


def context(unit, variant):
    report = services.report_request(kind=ReportKind.objects.get(code="annual"), year=2025, unit=unit, variant=variant)
    return report_context(report=report)


def test_a_draft_of_an_incomplete_year_says_so_on_the_first_sheet(tmp_path, tantrao):
    make_review(commune=tantrao, year=2025, classification=Classification.POOR, state=ReviewState.RECOGNISED)
    make_review(commune=tantrao, year=2025, classification=Classification.POOR, state=ReviewState.POSTED)
    ctx = context(tantrao, "draft")
    assert ctx.incomplete_note.startswith(LINE)
    path = tmp_path / "du-thao.xlsx"
    build_report_workbook(ctx, path)
    first = load_workbook(path, read_only=True).worksheets[0]
    cells = [str(c) for row in first.iter_rows(max_row=12, values_only=True) for c in row if c]
    assert any(LINE in c for c in cells), cells
    doc_path = tmp_path / "du-thao.docx"
    build_report_document(context(tantrao, "draft"), doc_path)
    assert any(p.text.startswith(LINE) for p in Document(doc_path).paragraphs)


def test_a_final_report_or_a_complete_year_has_no_such_line(tantrao):
    make_review(commune=tantrao, year=2025, classification=Classification.POOR, state=ReviewState.RECOGNISED)
    make_review(commune=tantrao, year=2025, classification=Classification.POOR, state=ReviewState.POSTED)
    assert context(tantrao, "final").incomplete_note == ""
    from households.models import AnnualReview

    AnnualReview.objects.filter(year=2025, state=ReviewState.POSTED).update(state=ReviewState.RECOGNISED)
    assert context(tantrao, "draft").incomplete_note == ""
