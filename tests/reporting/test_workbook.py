"""The district's annual report workbook, read back with openpyxl and checked cell by cell against reviews with
known answers: a commune with no reviews, a household that fell back, the ethnic-minority split, last year's
households of merged communes as the start of the year; and the layout of the forms."""
from __future__ import annotations

import datetime as dt
import hashlib
import zipfile

import pytest
from openpyxl import load_workbook

from households.models import Change, Classification, Relation, Sex
from households.structure import program_area
from reporting import services
from reporting.models import Edition, ReportKind

from .conftest import add_member, make_review

pytestmark = pytest.mark.django_db
P, N, O = Classification.POOR, Classification.NEAR_POOR, Classification.OTHER


@pytest.fixture
def history(tantrao, minhthanh, old_unit):
    """2024: old Tân Trào (A, B poor; C near-poor; D other, poor in 2023) and Trung Yên (E poor, ethnic minority; F
    other). 2025, in the new Tân Trào: A escaped to near-poor, B stayed poor, C escaped near-poverty, D fell back
    into poverty, E stayed poor, F stayed, G moved in during 2025 (near-poor). Minh Thanh (three households of the
    old Minh Thanh, never reviewed before): one newly poor ethnic-minority household, one other, one poor still
    posted (not official). Bình Ca: no households at all."""
    from households import events
    from tests.conftest import HouseholdFactory

    old_tt, trung_yen, old_mt = old_unit("02545"), old_unit("02539"), old_unit("02542")
    h = {}
    for key, unit, cls, em in (("A", old_tt, P, False), ("B", old_tt, P, False), ("C", old_tt, N, False), ("D", old_tt, O, False),
                               ("E", trung_yen, P, True), ("F", trung_yen, O, False)):
        h[key] = make_review(commune=unit, year=2024, classification=cls, ethnic_minority=em).household
    make_review(commune=old_tt, year=2023, household=h["D"], classification=P)
    make_review(commune=tantrao, year=2025, household=h["A"], classification=N, previous=P, change=Change.ESCAPED_POVERTY)
    make_review(commune=tantrao, year=2025, household=h["B"], classification=P, previous=P, change=Change.STAYED,
                deprived=("1", "4", "7"), causes=("von", "dat"), no_working_capacity=True)
    make_review(commune=tantrao, year=2025, household=h["C"], classification=O, previous=N, change=Change.ESCAPED_NEAR_POVERTY)
    make_review(commune=tantrao, year=2025, household=h["D"], classification=P, previous=O, change=Change.FELL_BACK_POOR,
                deprived=("4", "9", "10"), causes=("von",), person_of_merit=True)
    make_review(commune=tantrao, year=2025, household=h["E"], classification=P, previous=P, change=Change.STAYED,
                ethnic_minority=True, deprived=("4", "7", "11"), causes=("omdau",))
    make_review(commune=tantrao, year=2025, household=h["F"], classification=O, previous=O, change=Change.STAYED)
    h["G"] = HouseholdFactory(code="BC-G00001", commune=tantrao)
    events.household_move_in(household=h["G"], date=dt.date(2025, 4, 1), reason="Từ Phú Thọ chuyển đến.", user=None)
    make_review(commune=tantrao, year=2025, household=h["G"], classification=N, change=Change.FIRST_REVIEW)
    mt = [HouseholdFactory(code=f"BC-M{i:05d}", commune=old_mt) for i in range(3)]
    h["M"] = make_review(commune=minhthanh, year=2025, household=mt[0], classification=P, previous=O, change=Change.NEWLY_POOR,
                         ethnic_minority=True, deprived=("4", "7", "9", "12"), causes=("dat",)).household
    make_review(commune=minhthanh, year=2025, household=mt[1], classification=O, previous=O, change=Change.STAYED)
    make_review(commune=minhthanh, year=2025, household=mt[2], classification=P, change=Change.NEWLY_POOR, state="posted")  # not official yet
    b = h["B"]
    b.head_name = "Ma Văn Bảy"
    b.save()
    add_member(b, "Ma Văn Bảy", sex=Sex.MALE, born=1975, relation=Relation.HEAD, cid="008075001111")
    add_member(b, "Hà Thị Nhung", sex=Sex.FEMALE, born=1978, relation=Relation.SPOUSE, cid="008178002222")
    return h


def make_report(edition: str = Edition.FULL, year: int = 2025, unit=None, **kwargs):
    kind = ReportKind.objects.get(code="annual")
    report = services.report_request(kind=kind, year=year, unit=unit or program_area(), edition=edition, **kwargs)
    return services.report_generate(report_id=report.pk)


def open_report(report):
    return load_workbook(report.file.path)


def row_of(ws, name: str, col: int = 2) -> dict[int, object]:
    for row in ws.iter_rows():
        if row[col - 1].value == name:
            return {c.column: c.value for c in row}
    raise AssertionError(f"không có dòng {name!r} trong {ws.title}")


def header_columns(ws) -> dict[str, int]:
    """Sub-column label (or single-column label) → column number, from the two header rows."""
    for r in range(1, 20):
        if ws.cell(r, 1).value == "STT":
            top, sub = r, r + 1
            break
    cols = {}
    group = None
    for c in range(1, ws.max_column + 1):
        if ws.cell(top, c).value:
            group = ws.cell(top, c).value
        label = ws.cell(sub, c).value
        cols[f"{group} / {label}" if label else group] = c
    return cols


def test_review_results_by_commune_cell_by_cell(history):
    ws = open_report(make_report())["01. Kết quả rà soát"]
    col = header_columns(ws)
    tt = row_of(ws, "Xã Tân Trào")
    assert tt[col["Tổng số hộ dân cư"]] == 7
    assert tt[col["Hộ nghèo / Đầu năm"]] == 3  # A, B of the old Tân Trào and E of Trung Yên, last year
    assert tt[col["Hộ nghèo / Thoát nghèo trong năm"]] == 1  # A
    assert tt[col["Hộ nghèo / Tái nghèo"]] == 1  # D, the household that fell back
    assert tt[col["Hộ nghèo / Phát sinh mới"]] == 0
    assert tt[col["Hộ nghèo / Cuối năm"]] == 3  # B, D, E
    assert tt[col["Hộ nghèo / Tỷ lệ cuối năm (%)"]] == 42.86
    assert tt[col["Hộ nghèo / Giảm so với năm trước (điểm %)"]] == 7.14  # 3/6 = 50.00 % at the end of 2024 → 42.86 %
    assert tt[col["Hộ cận nghèo / Đầu năm"]] == 1 and tt[col["Hộ cận nghèo / Thoát cận nghèo trong năm"]] == 1
    assert tt[col["Hộ cận nghèo / Cuối năm"]] == 2 and tt[col["Hộ cận nghèo / Tỷ lệ cuối năm (%)"]] == 28.57
    mt = row_of(ws, "Xã Minh Thanh")
    # All three households count, the posted one too (neither poor nor near-poor until it is recognised).
    assert (mt[col["Tổng số hộ dân cư"]], mt[col["Hộ nghèo / Phát sinh mới"]], mt[col["Hộ nghèo / Cuối năm"]]) == (3, 1, 1)
    assert mt[col["Hộ nghèo / Giảm so với năm trước (điểm %)"]] == -33.33  # 0/3 at the end of 2024 → 1/3
    bc = row_of(ws, "Xã Bình Ca")  # a commune with no households still has its row
    assert bc[col["Tổng số hộ dân cư"]] == 0 and bc[col["Hộ nghèo / Cuối năm"]] == 0
    assert bc[col["Hộ nghèo / Tỷ lệ cuối năm (%)"]] is None
    total = row_of(ws, "TỔNG CỘNG")
    assert total[col["Tổng số hộ dân cư"]] == 10 and total[col["Hộ nghèo / Cuối năm"]] == 4
    assert total[col["Hộ nghèo / Tỷ lệ cuối năm (%)"]] == 40.0
    assert total[col["Hộ nghèo / Giảm so với năm trước (điểm %)"]] == -6.67  # 3/9 → 4/10
    rural = row_of(ws, "Nông thôn")
    assert rural[col["Tổng số hộ dân cư"]] == 10 and rural[1] == "I"  # every commune is rural since 1 July 2025
    assert not any(c.value == "Thành thị" for r in ws.iter_rows() for c in r)  # so the urban section is left out


def test_ethnic_minority_split(history):
    ws = open_report(make_report())["02. Hộ DTTS"]
    col = header_columns(ws)
    tt = row_of(ws, "Xã Tân Trào")
    g, p = "Hộ dân tộc thiểu số", "Hộ nghèo dân tộc thiểu số"
    assert tt[col[f"{g} / Số hộ"]] == 1 and tt[col[f"{g} / Tỷ lệ trên tổng số hộ (%)"]] == 14.29
    assert tt[col[f"{p} / Số hộ"]] == 1 and tt[col[f"{p} / Tỷ lệ trên số hộ DTTS (%)"]] == 100.0
    assert tt[col[f"{p} / Tỷ trọng trong tổng số hộ nghèo (%)"]] == 33.33
    total = row_of(ws, "TỔNG CỘNG")
    assert total[col[f"{g} / Số hộ"]] == 2 and total[col[f"{p} / Số hộ"]] == 2
    assert total[col[f"{p} / Tỷ trọng trong tổng số hộ nghèo (%)"]] == 50.0
    assert total[col[f"{p} / Phát sinh mới"]] == 1


def test_deprivations_groups_and_causes(history):
    wb = open_report(make_report())
    ws = wb["03. Thiếu hụt"]
    col = header_columns(ws)
    tt = row_of(ws, "Xã Tân Trào")  # table A (poor): B, D, E
    insurance = next(c for label, c in col.items() if label.endswith("4. Bảo hiểm y tế"))
    housing = next(c for label, c in col.items() if label.endswith("7. Chất lượng nhà ở"))
    assert tt[col["Tổng số hộ"]] == 3 and tt[col["Tổng số lượt thiếu hụt"]] == 9
    assert tt[insurance] == 3 and tt[housing] == 2
    groups = wb["04. Không có KNLĐ"]
    gcol = header_columns(groups)
    g = row_of(groups, "Xã Tân Trào")
    assert g[gcol["Hộ nghèo / Không có khả năng lao động"]] == 1 and g[gcol["Hộ nghèo / Có người có công"]] == 1
    assert g[gcol["Hộ nghèo / Dân tộc thiểu số"]] == 1 and g[gcol["Hộ nghèo / Tỷ lệ (%)"]] == 33.33
    causes = wb["05. Nguyên nhân nghèo"]
    ccol = header_columns(causes)
    c = row_of(causes, "Xã Tân Trào")
    assert c[ccol["Số hộ nghèo theo nguyên nhân / Thiếu vốn sản xuất, kinh doanh"]] == 2
    assert row_of(causes, "TỔNG CỘNG")[ccol["Số hộ nghèo theo nguyên nhân / Thiếu đất canh tác"]] == 2


def test_the_household_list_is_in_the_full_edition_only(history):
    full = open_report(make_report(Edition.FULL))
    ws = full["11. Danh sách hộ"]
    head = row_of(ws, "Ma Văn Bảy", col=3)
    col = header_columns(ws)
    assert head[col["Năm sinh / Nam"]] == 1975 and head[col["Số định danh cá nhân"]] == "008075001111"
    assert head[col["Phân loại"]] == "Hộ nghèo" and head[col["Thuộc nhóm / Không có KNLĐ"]] == "x"
    spouse = row_of(ws, "Hà Thị Nhung", col=3)
    assert spouse[col["Năm sinh / Nữ"]] == 1978 and spouse[col["STT"]] is None  # members under their household
    listed = [ws.cell(r, col["Mã hộ"]).value for r in range(1, ws.max_row + 1) if str(ws.cell(r, col["Mã hộ"]).value).startswith("BC-")]
    assert len(listed) == 6  # A, B, D, E, G and Minh Thanh's poor household
    assert history["D"].code in listed and history["C"].code not in listed
    summary = open_report(make_report(Edition.SUMMARY))
    assert "11. Danh sách hộ" not in summary.sheetnames
    assert not any("008075001111" in str(c.value) for s in summary.worksheets for r in s.iter_rows() for c in r if c.value)


def test_the_layout_of_the_forms(history):
    wb = open_report(make_report())
    ws = wb["01. Kết quả rà soát"]
    # The 2025 report of the area is due after the 1 July 2025 reform: issued under the province (reporting chain).
    assert ws["A1"].value == "UBND TỈNH TUYÊN QUANG" and ws["A2"].value == "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    motto = [c.value for c in ws[1] if c.value and "CỘNG HÒA" in str(c.value)]
    assert motto == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert any(c.value == "Độc lập - Tự do - Hạnh phúc" for c in ws[2])
    assert ws["A4"].value == "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025 (DỰ THẢO)"
    merged = {str(r) for r in ws.merged_cells.ranges}
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "STT")
    assert f"A{header}:A{header + 1}" in merged  # single columns merged down
    assert f"E{header}:M{header}" in merged  # "Hộ nghèo" over its nine sub-columns
    numbers = ws.cell(header + 2, 3)
    assert numbers.value == "1" and numbers.font.i is True
    assert ws.cell(header + 2, 10).value == "8 = 7/1 × 100"
    assert ws.cell(header + 2, 13).value == "11 = 10/2 × 100"  # poor persons over all persons
    assert ws.cell(header, 1).font.name == "Times New Roman"
    rate = row_of(ws, "Xã Tân Trào")
    rate_cell = next(c for c in ws[header + 3 + 2] if c.column == 10)  # total, rural subtotal, the first commune
    assert rate_cell.number_format == "0.00"
    assert ws.cell(header + 3, 3).number_format == "#,##0" and ws.cell(header + 3, 2).font.b is True  # total row in bold
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 8  # A3: 21 columns
    assert int(wb["01a. Biến động hộ nghèo"].page_setup.paperSize) == 9  # A4: 12 columns
    assert ws.print_title_rows == f"${header}:${header + 2}"
    assert ws.freeze_panes == f"C{header + 3}"
    texts = [c.value for r in ws.iter_rows(min_row=ws.max_row - 5) for c in r if c.value]
    assert "NGƯỜI LẬP BIỂU" in texts and "KT. GIÁM ĐỐC" in texts and "PHÓ GIÁM ĐỐC" in texts
    assert rate  # the row exists


def test_a_native_line_chart_of_the_rate_trend(history):
    path = make_report().file.path
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = z.read(charts[0]).decode()
    assert "<c:lineChart>" in xml and "Diễn biến tỷ lệ" in xml and xml.count("<c:ser>") == 4
    ws = load_workbook(path)["10. Diễn biến tỷ lệ"]
    col = header_columns(ws)
    assert row_of(ws, "2024")[col["Tỷ lệ hộ nghèo (%)"]] == 33.33  # A, B, E of the nine households then
    assert row_of(ws, "2025")[col["Tỷ lệ hộ nghèo (%)"]] == 40.0


def test_the_same_data_give_the_same_bytes(history):
    first = make_report()
    second = make_report()
    assert second.version == first.version + 1
    assert first.checksum == second.checksum
    assert hashlib.sha256(open(first.file.path, "rb").read()).hexdigest() == first.checksum
    with zipfile.ZipFile(first.file.path) as z:
        core = z.read("docProps/core.xml").decode()
        assert "2025-12-10T00:00:00Z" in core
        stamps = {i.date_time for i in z.infolist()}
        assert len(stamps) == 1 and stamps.pop()[0] == 1980  # every entry the same fixed time, not the clock


def test_a_commune_report_lists_villages(history, tantrao, village_of):
    report = make_report(Edition.SUMMARY, unit=tantrao)
    ws = open_report(report)["01. Kết quả rà soát"]
    assert ws["A2"].value == "XÃ TÂN TRÀO"
    assert row_of(ws, "TỔNG CỘNG")[3] == 7
