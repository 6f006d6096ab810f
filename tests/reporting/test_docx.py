"""The narrative report as a Word document (`reporting.docx`), read back with python-docx and checked against
reviews with known answers (two communes, two years) and against the workbook's own rows: the header block of
Decree 30/2020/NĐ-CP, the sections of the plan, the annex forms 01, 01a, 01b, the page and the fonts, and the same
bytes for the same data."""
from __future__ import annotations

import datetime as dt
import hashlib
import zipfile

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from households.models import Change, CheckFlag, CheckKind, Classification
from households.structure import program_area
from programs import services as plan_services
from programs.models import FundAllocation, FundProgram, SupportPolicy, SupportRecord, TaskAssignment, TaskStatus
from reporting import services
from reporting.docx import build_report_document
from reporting.docx import text as T
from reporting.excel import build_report_workbook
from reporting.excel import headers as H
from reporting.excel.context import report_context
from reporting.excel.sheets import compliance, movements, period, results, tasks
from reporting.models import ReportKind

from .conftest import make_review

pytestmark = pytest.mark.django_db
P, N, O = Classification.POOR, Classification.NEAR_POOR, Classification.OTHER
HEADINGS = [
    "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
    "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA CÁC CƠ QUAN, ĐƠN VỊ",
    "III. KẾT QUẢ HỖ TRỢ VÀ NGUỒN VỐN",
    "IV. KẾT QUẢ RÀ SOÁT VÀ KIỂM TRA",
    "V. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "VI. NHIỆM VỤ, GIẢI PHÁP NĂM 2026",
]


@pytest.fixture
def two_communes(tantrao, minhthanh, old_unit):
    """2024, old Tân Trào: A, B poor; C near-poor; D other (poor in 2023); E other. Old Minh Thanh: F near-poor;
    G, H other. 2025, in the new communes, all confirmed: A escaped to near-poor, B stayed poor, C near-poor became
    poor, D fell back, E newly poor; F escaped near-poverty, G newly near-poor, H stayed. Four members counted in
    every review.

    By hand, 2025: Tân Trào 5 households (20 persons), poor 2 at the start → 4 at the end (B, C, D, E; 16 persons),
    80,00 % against 40,00 % (2/5) at the end of 2024: up 40,00 points; near-poor 1 → 1 (A), 20,00 %. Minh Thanh 3
    households, no poor; near-poor 1 → 1 (G), 33,33 %. In total 8 households, poor 2 → 4 = 50,00 % (25,00 % in
    2024, up 25,00 points), near-poor 2 → 2 = 25,00 %."""
    old_tt, old_mt = old_unit("02545"), old_unit("02542")
    h = {}
    for key, unit, cls in (("A", old_tt, P), ("B", old_tt, P), ("C", old_tt, N), ("D", old_tt, O), ("E", old_tt, O),
                           ("F", old_mt, N), ("G", old_mt, O), ("H", old_mt, O)):
        h[key] = make_review(commune=unit, year=2024, classification=cls).household
    make_review(commune=old_tt, year=2023, household=h["D"], classification=P)
    for key, unit, cls, prev, change in (
        ("A", tantrao, N, P, Change.ESCAPED_POVERTY), ("B", tantrao, P, P, Change.STAYED),
        ("C", tantrao, P, N, Change.NEAR_POOR_TO_POOR), ("D", tantrao, P, O, Change.FELL_BACK_POOR),
        ("E", tantrao, P, O, Change.NEWLY_POOR), ("F", minhthanh, O, N, Change.ESCAPED_NEAR_POVERTY),
        ("G", minhthanh, N, O, Change.NEWLY_NEAR_POOR), ("H", minhthanh, O, O, Change.STAYED),
    ):
        make_review(commune=unit, year=2025, household=h[key], classification=cls, previous=prev, change=change)
    return h


@pytest.fixture
def programme(two_communes, tantrao):
    """The plan's tasks of 2025 (one done, one stalled), two support records, a fund allocation, a check finding."""
    plan_services.tasks_open_year(year=2025)
    district_tasks = TaskAssignment.objects.filter(year=2025, commune__isnull=True).order_by("duty__order")
    done, stalled = district_tasks[0], district_tasks[1]
    TaskAssignment.objects.filter(pk=done.pk).update(status=TaskStatus.COMPLETED, progress=100)
    TaskAssignment.objects.filter(pk=stalled.pk).update(status=TaskStatus.STALLED, progress=30)
    policy = SupportPolicy.objects.order_by("order", "code").first()
    for key, amount, source in (("B", 1_500_000, "central"), ("C", 2_000_000, "district")):
        SupportRecord.objects.create(household=two_communes[key], policy=policy, date=dt.date(2025, 5, 1), amount=amount,
                                     funding_source=source, commune=tantrao)
    FundAllocation.objects.create(year=2025, program=FundProgram.objects.order_by("order", "code").first(), source="central",
                                  commune=None, allocated=10_000_000, disbursed=7_500_000)
    CheckFlag.objects.create(kind=CheckKind.ROTATION, year=2025, key="rotation:test:2025", commune=tantrao,
                             household=two_communes["D"], title="Hộ thử: 2 lần thoát nghèo, 2 lần vào diện nghèo trong 4 năm")
    deadline = services.deadline_ensure(kind=ReportKind.objects.get(code="annual"), year=2025)
    services.obligations_ensure(deadline=deadline)
    return {"done": done, "stalled": stalled, "policy": policy}


def make_context(*, code: str = "annual", year: int = 2025, unit=None, variant: str = "final", **kwargs):
    kind = ReportKind.objects.get(code=code)
    report = services.report_request(kind=kind, year=year, unit=unit or program_area(), variant=variant, **kwargs)
    return report_context(report=report)


def build(tmp_path, ctx, name: str = "bao-cao.docx", **kwargs):
    path = tmp_path / name
    build_report_document(ctx, path, **kwargs)
    return path


def texts(doc) -> list[str]:
    """Every paragraph's text, in the body and inside tables."""
    out = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            for c in row.cells:
                out += [p.text for p in c.paragraphs]
    return out


def form_table(doc, form: str):
    """The annex table that follows the paragraph naming the form ("Biểu số 01")."""
    body = doc.element.body
    seen = False
    for el in body.iterchildren():
        if el.tag == qn("w:p") and "".join(t.text or "" for t in el.iter(qn("w:t"))) == form:
            seen = True
        elif seen and el.tag == qn("w:tbl"):
            return next(t for t in doc.tables if t._tbl is el)
    raise AssertionError(f"không có {form}")


def rows_of(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def row_named(table, name: str, *, col: int = 1, nth: int = 0) -> list[str]:
    found = [r for r in rows_of(table) if r[col] == name]
    assert len(found) > nth, f"không có dòng {name!r}"
    return found[nth]


def formatted(row: dict, columns) -> list[str]:
    return [T.cell(row.get(c.key), c.fmt) for c in columns]


# --- the header block, the title, the sections --------------------------------------------------------------------


def test_header_block_after_decree_30(two_communes, tmp_path):
    ctx = make_context()
    doc = Document(build(tmp_path, ctx))
    block = doc.tables[0]
    left, right = block.rows[0].cells
    lines = [p.text for p in left.paragraphs if p.text]
    assert lines == list(ctx.issuer)
    issuer_name = next(p for p in left.paragraphs if p.text == ctx.issuer[1])
    assert all(r.bold for r in issuer_name.runs)
    motto = [p for p in right.paragraphs if p.text]
    assert [p.text for p in motto] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(r.bold for p in motto for r in p.runs)
    number, place = block.rows[1].cells
    assert number.text.startswith("Số:") and "/" in number.text
    # The 2025 area report is issued by the provincial department (reporting chain): its place, Tuyên Quang.
    assert place.text == H.place_date(ctx) == "Tuyên Quang, ngày      tháng      năm 2025"
    assert all(r.italic for r in place.paragraphs[0].runs)
    tbl_borders = block._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.get(qn("w:val")) for el in tbl_borders} == {"nil"}  # borderless
    body = [p.text for p in doc.paragraphs]
    i = body.index("BÁO CÁO")
    assert body[i + 1] == f"Kết quả thực hiện Kế hoạch giảm nghèo bền vững năm 2025 trên {ctx.scope_label}"
    assert "(DỰ THẢO)" not in texts(doc)  # a final report carries no draft mark


def test_sections_follow_the_plan(two_communes, tmp_path):
    doc = Document(build(tmp_path, make_context()))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    level2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert "1. Kết quả rà soát hộ nghèo, hộ cận nghèo" in level2 and "2. Thực hiện các chỉ tiêu của Kế hoạch" in level2
    placeholders = [p for p in doc.paragraphs if p.style.name == "Report Placeholder"]
    assert len(placeholders) == 2 and all(p.text.startswith("[") and p.text.endswith("]") for p in placeholders)
    assert all(p.style.font.italic for p in placeholders)
    body = [p.text for p in doc.paragraphs]
    assert any(t.endswith("./.") and t.startswith("Trên đây là báo cáo") for t in body)
    assert "PHỤ LỤC" in body


def test_recipients_and_signature(two_communes, tmp_path):
    ctx = make_context()
    doc = Document(build(tmp_path, ctx))
    sign = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    left, right = sign.rows[0].cells
    label = left.paragraphs[0].runs[0]
    assert label.bold and label.italic and label.font.size.pt == 12
    lines = [p.text for p in left.paragraphs[1:]]
    assert lines[-1] == "- Lưu: VT."
    assert lines[:-1] == ([f"- {r};" for r in ctx.recipients] if ctx.recipients else ["- Như trên;"])
    assert all(r.font.size.pt == 11 for p in left.paragraphs[1:] for r in p.runs)
    signer = [p.text for p in right.paragraphs if p.text]
    assert signer[:2] == list(ctx.signer[:2])
    assert all(r.bold for p in right.paragraphs[:2] for r in p.runs)


# --- the figures: hand-computed, and the workbook's -----------------------------------------------------------------


def test_annex_form_01_has_the_hand_computed_figures_and_the_workbooks(two_communes, tmp_path):
    ctx = make_context()
    doc = Document(build(tmp_path, ctx))
    table = form_table(doc, "Biểu số 01")
    columns = H.results_spec(ctx).columns
    col = {c.key: i for i, c in enumerate(columns)}
    tt = row_named(table, "Xã Tân Trào")
    assert [tt[col[k]] for k in ("households", "persons", "poor_start", "poor_escaped", "poor_fell_back", "poor_new", "poor_end")] == \
        ["5", "20", "2", "1", "1", "1", "4"]
    assert (tt[col["poor_rate"]], tt[col["poor_reduction"]], tt[col["poor_persons"]], tt[col["poor_persons_rate"]]) == \
        ("80,00", "-40,00", "16", "80,00")
    assert (tt[col["near_start"]], tt[col["near_end"]], tt[col["near_rate"]]) == ("1", "1", "20,00")
    mt = row_named(table, "Xã Minh Thanh")
    assert (mt[col["households"]], mt[col["poor_end"]], mt[col["poor_rate"]], mt[col["near_escaped"]], mt[col["near_new"]],
            mt[col["near_rate"]]) == ("3", "0", "0,00", "1", "1", "33,33")
    total = row_named(table, H.TOTAL)
    assert (total[col["households"]], total[col["poor_start"]], total[col["poor_end"]], total[col["poor_rate"]],
            total[col["poor_reduction"]], total[col["near_end"]], total[col["near_rate"]]) == ("8", "2", "4", "50,00", "-25,00", "2", "25,00")
    assert all(r.bold for c in table.rows[[r[1] for r in rows_of(table)].index(H.TOTAL)].cells for p in c.paragraphs for r in p.runs)
    # Every row of the form is the workbook sheet's row, cell for cell.
    expected = [formatted(r, columns) for r in results.rows(make_context())]
    body = rows_of(table)[3:]  # the group row, the sub-column row, the column numbers
    assert body == expected
    numbers = rows_of(table)[2]
    assert numbers[:4] == ["A", "B", "1", "2"] and numbers[col["poor_rate"]] == "8 = 7/1 × 100"


def test_annex_figures_equal_the_workbook_file(two_communes, tmp_path):
    ctx = make_context()
    doc = Document(build(tmp_path, ctx))
    xlsx = tmp_path / "bao-cao.xlsx"
    build_report_workbook(make_context(), xlsx)
    ws = load_workbook(xlsx)["01. Kết quả rà soát"]
    columns = H.results_spec(ctx).columns
    sheet_row = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Xã Tân Trào")
    word_row = row_named(form_table(doc, "Biểu số 01"), "Xã Tân Trào")
    assert word_row == [T.cell(v, c.fmt) for v, c in zip(sheet_row, columns)]


def test_movement_forms_households_and_persons_rows(two_communes, tmp_path):
    ctx = make_context()
    doc = Document(build(tmp_path, ctx))
    poor = form_table(doc, "Biểu số 01a")
    assert rows_of(poor)[2][3:] == ["1", "2", "3", "4", "5", "6", "7", "8", "9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8"]
    total_h = row_named(poor, H.TOTAL)
    i = rows_of(poor).index(total_h)
    total_p = rows_of(poor)[i + 1]
    assert total_h[2:] == ["Hộ", "2", "1", "0", "0", "1", "1", "1", "0", "4"]
    assert total_p[2:] == ["Nhân khẩu", "8", "4", "0", "0", "4", "4", "4", "0", "16"]
    near = form_table(doc, "Biểu số 01b")
    tt = row_named(near, "Xã Tân Trào")
    assert tt[2:] == ["Hộ", "1", "1", "0", "0", "1", "0", "0", "0", "1"]  # C became poor, A came from the poor
    assert row_named(near, "Xã Minh Thanh")[2:] == ["Hộ", "1", "0", "1", "0", "0", "0", "1", "0", "1"]
    for table, word in (("poor", poor), ("near_poor", near)):
        columns = H.movement_spec(ctx, table).columns
        assert rows_of(word)[3:] == [formatted(r, columns) for r in movements.rows(ctx, table)[0]]


def test_the_body_states_the_figures_in_sentences_and_a_table(two_communes, tmp_path):
    from households.household_years import household_years_refresh
    from households.models import AnnualReview, Livelihood

    # H (Minh Thanh, 4 persons) lives from farming at an average living standard: 1 of 8 households, 4 of 32 persons.
    AnnualReview.objects.filter(household=two_communes["H"], year=2025).update(
        classification=Classification.AVERAGE, livelihood=Livelihood.AGRICULTURE)
    household_years_refresh(household_ids=[two_communes["H"].pk])
    doc = Document(build(tmp_path, make_context()))
    body = [p.text for p in doc.paragraphs]
    farming = next(t for t in body if t.startswith("đ) Hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có mức sống trung bình"))
    assert farming.endswith(": 1 hộ, chiếm 12,50% tổng số hộ dân cư, với 4 nhân khẩu.")
    assert "Tổng số hộ dân cư trên" in body[body.index("1. Kết quả rà soát hộ nghèo, hộ cận nghèo") + 1]
    poor = next(t for t in body if t.startswith("a) Hộ nghèo:"))
    assert "đầu năm 2 hộ; cuối năm 4 hộ, chiếm 50,00% tổng số hộ dân cư, với 16 nhân khẩu (50,00% tổng số nhân khẩu)" in poor
    assert "tỷ lệ hộ nghèo tăng 25,00 điểm % so với cuối năm 2024 (25,00%)" in poor
    moves = body[body.index(poor) + 1]
    assert moves.startswith("Trong năm, hộ nghèo giảm 1 hộ: thoát nghèo 1 hộ")
    assert "tái nghèo 1 hộ, phát sinh mới 1 hộ" in moves and "hộ cận nghèo thành hộ nghèo 1 hộ" in moves
    near = next(t for t in body if t.startswith("b) Hộ cận nghèo:"))
    assert "cuối năm 2 hộ, chiếm 25,00%" in near and "thoát cận nghèo 1 hộ" in near and "phát sinh mới 1 hộ" in near
    table = next(t for t in doc.tables if rows_of(t)[0] == list(T.MOVES_TABLE_HEAD))
    rows = rows_of(table)
    a, b = rows.index(["A", "HỘ NGHÈO", "HỘ NGHÈO", "HỘ NGHÈO"]), rows.index(["B", "HỘ CẬN NGHÈO", "HỘ CẬN NGHÈO", "HỘ CẬN NGHÈO"])
    assert rows[a + 1] == ["1", "Đầu năm", "2", "8"] and rows[a + 9] == ["9", "Cuối năm", "4", "16"]
    assert rows[a + 10] == ["", "Tỷ lệ cuối năm (%)", "50,00", "50,00"]
    assert rows[b + 7] == ["7", "Phát sinh mới", "1", "4"] and rows[b + 10][2] == "25,00"
    # Section V lists the commune whose rate rose (not the subtotals), for the officer to explain.
    v = body.index("V. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN")
    prompts = body[v + 2: body.index(HEADINGS[5])]
    assert any(p.startswith("- Xã Tân Trào: tỷ lệ hộ nghèo tăng 40,00 điểm % (từ 40,00% lên 80,00%)") for p in prompts)
    assert not any("Nông thôn" in p or "Minh Thanh" in p for p in prompts)
    assert any("1 hộ tái nghèo, 1 hộ nghèo phát sinh mới" in p for p in prompts)


def test_tasks_support_checks_and_reporting(programme, tmp_path):
    ctx = make_context()
    doc = Document(build(tmp_path, ctx))
    body = [p.text for p in doc.paragraphs]
    task_rows = tasks.rows(make_context())
    total = task_rows[0]
    summary = next(t for t in body if t.startswith("Năm 2025, các cơ quan, đơn vị được giao"))
    assert f"được giao {T.number(total['total'])} nhiệm vụ" in summary and "đã hoàn thành 1 nhiệm vụ" in summary
    assert "1 nhiệm vụ gặp khó khăn, vướng mắc" in summary
    table = next(t for t in doc.tables if rows_of(t)[0][1] == "Cơ quan, đơn vị")
    assert rows_of(table)[3:] == [formatted(r, H.tasks_spec().columns) for r in task_rows]
    done, stalled = programme["done"], programme["stalled"]
    assert f"- {done.title}: hoàn thành, tiến độ 100%, hạn {done.due_date:%d/%m/%Y}." in body
    assert any(t.startswith(f"- {stalled.title}: gặp khó khăn, vướng mắc, tiến độ 30%") for t in body)
    vi = body.index(HEADINGS[5])
    after = body[vi:]
    assert any(t.startswith(f"- {stalled.title}:") for t in after)
    assert not any(t.startswith(f"- {done.title}:") for t in after)  # done: not among the next year's tasks
    # The communes' duty of IV.13, one assignment per commune, in one line (past due in every commune).
    assert any("(10 xã, hạn 10/12/2025): chưa triển khai 10; quá hạn chưa hoàn thành: cả 10 xã." in t for t in body)
    support = next(t for t in body if t.startswith("Năm 2025 đã thực hiện"))
    assert "2 lượt hỗ trợ cho 2 hộ với tổng kinh phí 3.500.000 đồng" in support
    assert f"- {programme['policy'].name}" in " ".join(body)
    assert any(t.startswith("Tổng nguồn vốn được giao năm 2025: 10.000.000 đồng; đã giải ngân 7.500.000 đồng, đạt 75,00%") for t in body)
    annex_07 = form_table(doc, "Biểu số 07")
    assert row_named(annex_07, H.TOTAL)[2:4] == ["2", "3.500.000"]
    rotation = next(t for t in body if t.startswith("- Hộ ra vào hộ nghèo nhiều lần:"))
    assert rotation == "- Hộ ra vào hộ nghèo nhiều lần: 1 trường hợp (chưa xử lý 1, đã xử lý 0); chưa xử lý tại: Xã Tân Trào (1)."
    assert "- Hộ nghèo, cận nghèo năm trước chưa được rà soát lại: không phát hiện trường hợp nào." in body
    counts = compliance.rows(ctx)[1]
    assert counts["total"] > 0 and H.COMPLIANCE_SUMMARY.format(**counts) in body
    v, end = body.index("V. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"), body.index(HEADINGS[5])
    prompts = body[v:end]
    assert "- Giải ngân nguồn vốn đạt 75,00% kế hoạch vốn;" in prompts
    assert any(p.startswith("- 1 cảnh báo kiểm tra kết quả rà soát chưa được xử lý") for p in prompts)
    assert any(p.startswith("- 1 nhiệm vụ gặp khó khăn, vướng mắc") for p in prompts)


# --- page, fonts, bytes ------------------------------------------------------------------------------------------


def _effective_font(style) -> str | None:
    while style is not None:
        if style.font.name:
            return style.font.name
        style = style.base_style
    return None


def test_a4_margins_and_times_new_roman(two_communes, tmp_path):
    doc = Document(build(tmp_path, make_context()))
    first = doc.sections[0]
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)] == [20, 20, 30, 15]
    assert first.different_first_page_header_footer  # page numbers from the second page
    assert "PAGE" in first.header._element.xml
    annex = doc.sections[-1]
    assert annex.orientation == WD_ORIENT.LANDSCAPE and (round(annex.page_width.mm), round(annex.page_height.mm)) == (297, 210)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman" and fonts.get(qn("w:cs")) == "Times New Roman"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert {defaults.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    assert defaults.get(qn("w:asciiTheme")) is None
    used = {p.style.name for p in doc.paragraphs} | {p.style.name for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs}
    assert {_effective_font(doc.styles[name]) for name in used} == {"Times New Roman"}
    runs = [r for p in doc.paragraphs for r in p.runs] + [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert {r.font.name for r in runs} <= {None, "Times New Roman"}  # no run overrides the font
    assert doc.styles["Report Body"].font.size.pt == 14 and doc.styles["Report Body"].paragraph_format.first_line_indent.mm > 10
    assert "Tân Trào" in " ".join(texts(doc))  # Vietnamese with its diacritics, precomposed


def test_the_same_data_give_the_same_bytes(two_communes, tmp_path):
    first = build(tmp_path, make_context(), "mot.docx")
    second = build(tmp_path, make_context(), "hai.docx")
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()
    with zipfile.ZipFile(first) as z:
        infos = z.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
        assert not any("thumbnail" in i.filename for i in infos)
        core = z.read("docProps/core.xml").decode()
    assert "2025-12-10T00:00:00Z" in core and "python-docx" not in core
    doc = Document(first)
    assert doc.core_properties.created == dt.datetime(2025, 12, 10, tzinfo=dt.timezone.utc) and doc.core_properties.revision == 1
    assert doc.core_properties.language == "vi-VN"


def test_a_draft_carries_the_draft_mark(two_communes, tmp_path):
    doc = Document(build(tmp_path, make_context(variant="draft")))
    body = [p.text for p in doc.paragraphs]
    subject = body[body.index("BÁO CÁO") + 1]
    assert body[body.index(subject) + 1] == "(DỰ THẢO)"
    assert "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025 (DỰ THẢO)" in body  # the annex forms, as in the workbook
    assert "Dự thảo" in doc.core_properties.comments


def test_a_period_report_reviews_the_stage(two_communes, tmp_path):
    """The five-year review (due 15/9/2025): the 2024 results, the latest recognised, against the 2021 baseline."""
    ctx = make_context(code="five_year", year=2025)
    assert (ctx.first_year, ctx.last_year) == (2021, 2024)
    doc = Document(build(tmp_path, ctx))
    body = [p.text for p in doc.paragraphs]
    subject = body[body.index("BÁO CÁO") + 1]
    assert subject == f"Sơ kết 05 năm thực hiện Kế hoạch giảm nghèo bền vững giai đoạn 2021–2025 trên {ctx.scope_label}"
    assert "VI. NHIỆM VỤ, GIẢI PHÁP GIAI ĐOẠN TIẾP THEO" in body
    assert any(t.startswith("đ) Giai đoạn 2021–2024: tỷ lệ hộ nghèo từ") for t in body)
    p1 = form_table(doc, "Biểu số P1")
    columns = H.period_comparison_spec(ctx, 2021, 2024).columns
    total = row_named(p1, H.TOTAL)
    col = {c.key: i for i, c in enumerate(columns)}
    assert (total[col["e_households"]], total[col["e_poor"]], total[col["e_poor_rate"]]) == ("8", "2", "25,00")  # A, B in 2024
    assert total == formatted(period.comparison_rows(make_context(code="five_year", year=2025))[0], columns)
    assert form_table(doc, "Biểu số 01")  # the latest year's forms follow


def test_a_commune_report(two_communes, tantrao, tmp_path):
    ctx = make_context(unit=tantrao)
    doc = Document(build(tmp_path, ctx))
    body = [p.text for p in doc.paragraphs]
    assert body[body.index("BÁO CÁO") + 1] == "Kết quả thực hiện Kế hoạch giảm nghèo bền vững năm 2025 trên địa bàn xã Tân Trào"
    left = doc.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text] == list(ctx.issuer)
    table = form_table(doc, "Biểu số 01")
    col = {c.key: i for i, c in enumerate(H.results_spec(ctx).columns)}
    total = row_named(table, H.TOTAL)
    assert (total[col["households"]], total[col["poor_end"]], total[col["poor_rate"]]) == ("5", "4", "80,00")


def test_progress_is_reported(two_communes, tmp_path):
    seen = []
    build(tmp_path, make_context(), progress=lambda pct, message: seen.append((pct, message)))
    pcts = [p for p, _ in seen]
    assert pcts == sorted(pcts) and len(pcts) >= 4 and pcts[-1] == 96
    assert all(m for _, m in seen)


def test_vietnamese_number_formats():
    assert (T.number(1234567), T.number(0), T.number(-1500), T.number(None)) == ("1.234.567", "0", "-1.500", "")
    assert (T.decimal2(12.345), T.decimal2(40.0), T.decimal2(-6.67), T.decimal2(1234.5)) == ("12,35", "40,00", "-6,67", "1.234,50")
    assert T.money(3_500_000) == "3.500.000 đồng" and T.percent(None) == "chưa có số liệu"
    assert T.date(dt.date(2025, 9, 5)) == "05/09/2025"
    assert (T.cell(80.0, "pct"), T.cell(5, "int"), T.cell(1_500_000, "money"), T.cell(None, "int"), T.cell(3, "center")) == \
        ("80,00", "5", "1.500.000", "", "3")

