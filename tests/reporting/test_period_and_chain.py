"""The period reports (the five-year review 2021–2025) against a hand-computed history, and the reporting chain
(who issues and signs a report) before and after the 1 July 2025 reform.

The history, in old Tân Trào (H1–H6) and Trung Yên (T1, T2), both inside today's Tân Trào:
- 2021, the general review of every household: H1, H2 and T1 (ethnic minority) poor; H3 near-poor; the rest not.
- 2022: H1 escapes above the near-poor line; H2 stays poor; H3 stays near-poor (the others are not reviewed).
- 2023: H2 becomes near-poor; H5 applies and is found poor (newly poor).
- 2024: H5 stays poor; T1 becomes near-poor; H3 escapes near-poverty.
So at the end of 2021: 8 households, 3 poor (37.50 %), 1 near-poor (12.50 %); at the end of 2024: 8 households, 1 poor
(12.50 %), 2 near-poor (25.00 %). The poor rate fell 25 points in 3 years: 8.33 points a year; the ethnic-minority
poor rate (T1 the only minority household) from 100 % to 0 %: 33.33 points a year. Poor, cumulative 2022–2024: start
3, became near-poor 2 (H2, T1), above the line 1 (H1), newly poor 1 (H5), end 1. Near-poor: start 1, escaped 1 (H3),
from poor 2 (H2, T1), end 2.
"""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from households.models import Change, Classification
from households.structure import program_area
from reporting import period, services
from reporting.models import Edition, ReportingChain, ReportKind

from .conftest import make_review

pytestmark = pytest.mark.django_db
P, N, O = Classification.POOR, Classification.NEAR_POOR, Classification.OTHER


@pytest.fixture
def history(old_unit):
    old_tt, trung_yen = old_unit("02545"), old_unit("02539")
    h = {}
    for key, unit, cls, em in (("H1", old_tt, P, False), ("H2", old_tt, P, False), ("H3", old_tt, N, False), ("H4", old_tt, O, False),
                               ("H5", old_tt, O, False), ("H6", old_tt, O, False), ("T1", trung_yen, P, True), ("T2", trung_yen, O, False)):
        h[key] = make_review(commune=unit, year=2021, classification=cls, ethnic_minority=em, change=Change.FIRST_REVIEW).household
    for key, year, cls, prev, change in (
        ("H1", 2022, O, P, Change.ESCAPED_POVERTY), ("H2", 2022, P, P, Change.STAYED), ("H3", 2022, N, N, Change.STAYED),
        ("H2", 2023, N, P, Change.ESCAPED_POVERTY), ("H5", 2023, P, O, Change.NEWLY_POOR),
        ("H5", 2024, P, P, Change.STAYED), ("T1", 2024, N, P, Change.ESCAPED_POVERTY), ("H3", 2024, O, N, Change.ESCAPED_NEAR_POVERTY),
    ):
        commune = trung_yen if key.startswith("T") else old_tt
        make_review(commune=commune, year=year, household=h[key], classification=cls, previous=prev, change=change,
                    ethnic_minority=key == "T1")
    return h


def five_year(unit=None, edition=Edition.SUMMARY, **kwargs):
    kind = ReportKind.objects.get(code="five_year")
    report = services.report_request(kind=kind, year=2025, unit=unit or program_area(), edition=edition, **kwargs)
    return services.report_generate(report_id=report.pk)


def annual(year, unit=None):
    kind = ReportKind.objects.get(code="annual")
    report = services.report_request(kind=kind, year=year, unit=unit or program_area(), edition=Edition.SUMMARY)
    return services.report_generate(report_id=report.pk)


def row_of(ws, name, col=2):
    for row in ws.iter_rows(values_only=True):
        if row[col - 1] == name:
            return row
    raise AssertionError(f"không có dòng {name!r} trong {ws.title}")


def test_the_latest_year_is_the_last_one_recognised_before_the_due_date(history):
    import datetime as dt

    assert period.latest_recognised_year(first=2021, last=2025, due=dt.date(2025, 9, 15)) == 2024
    make_review(commune=history["H1"].commune, year=2025, household=history["H1"], classification=P)
    assert period.latest_recognised_year(first=2021, last=2025, due=dt.date(2025, 9, 15)) == 2024  # 2025 is not over yet
    assert period.latest_recognised_year(first=2021, last=2030, due=dt.date(2030, 9, 15)) == 2025


def test_the_five_year_review_compares_2021_with_2024_commune_by_commune(history, tantrao):
    wb = load_workbook(five_year(structure="current").file.path)
    assert wb.sheetnames[:4] == ["P1. So sánh giai đoạn", "P2a. Biến động hộ nghèo GĐ", "P2b. Biến động hộ cận nghèo GĐ", "P3. Hỗ trợ cả giai đoạn"]
    ws = wb["P1. So sánh giai đoạn"]
    header = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "STT")]
    assert header[2] == "Năm 2021" and header[7] == "Năm 2024"
    for name in ("TỔNG CỘNG", "Nông thôn", tantrao.name):
        r = row_of(ws, name)
        assert r[2:12] == (8, 3, 37.5, 1, 12.5, 8, 1, 12.5, 2, 25.0), name
        assert r[12] == -25.0 and r[13] == 8.33, name
    assert row_of(ws, "TỔNG CỘNG")[14] == 33.33
    title = next(c.value for row in ws.iter_rows(max_row=8) for c in row if c.value and "SO SÁNH" in str(c.value))
    assert "NĂM 2021 VÀ NĂM 2024" in title


@pytest.mark.parametrize(("sheet", "expected"), [
    ("P2a. Biến động hộ nghèo GĐ", (3, 2, 1, 0, 0, 0, 1, 0, 1)),
    ("P2b. Biến động hộ cận nghèo GĐ", (1, 0, 1, 0, 2, 0, 0, 0, 2)),
])
def test_the_periods_movements_add_up_the_years_and_balance(history, tantrao, sheet, expected):
    ws = load_workbook(five_year(structure="current").file.path)[sheet]
    rows = [r for r in ws.iter_rows(values_only=True) if r[2] in ("Hộ", "Nhân khẩu")]
    total = rows[0]
    assert total[1] == "TỔNG CỘNG" and total[3:12] == expected
    commune = next(r for r in rows if r[1] == tantrao.name)
    assert commune[3:12] == expected
    for r in rows:
        start, d2, d3, d4, i5, i6, i7, i8, end = r[3:12]
        assert end == start - d2 - d3 - d4 + i5 + i6 + i7 + i8, r


def test_the_periods_average_is_the_targets_actual(history, client, personas):
    """The average yearly fall of the five-year review is the `targets/` API's actual for the same years."""
    wb = load_workbook(five_year(structure="current").file.path)
    average = row_of(wb["P1. So sánh giai đoạn"], "TỔNG CỘNG")[13]
    client.force_login(personas["district_officer"])
    targets = client.get("/api/v1/targets/", {"year": 2024}).json()
    targets = targets.get("results", targets)
    reduction = next(t for t in targets if t["metric"] == "poverty_rate_reduction")
    assert float(reduction["actual"]) == average == 8.33


def header_block(ws):
    cells = [[c.value for c in row if c.value] for row in ws.iter_rows(max_row=3)]
    return [row[0] for row in cells[:2]], cells


def signature(ws):
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    return values


def test_before_the_reform_the_district_issues_the_area_report_after_it_the_province_office(history):
    before = load_workbook(annual(2024).file.path)["01. Kết quả rà soát"]
    after = load_workbook(annual(2025).file.path)["01. Kết quả rà soát"]
    assert header_block(before)[0] == ["ỦY BAN NHÂN DÂN", "HUYỆN SƠN DƯƠNG"]
    assert header_block(after)[0] == ["UBND TỈNH TUYÊN QUANG", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"]
    text_before, text_after = " ".join(signature(before)), " ".join(signature(after))
    assert "TM. ỦY BAN NHÂN DÂN" in text_before and "huyện xác nhận" in text_before
    assert "KT. GIÁM ĐỐC" in text_after and "huyện xác nhận" not in text_after
    assert "HUYỆN SƠN DƯƠNG" not in text_after and "huyện Sơn Dương (cũ)" in text_after
    assert "Sơn Dương, ngày" in text_before and "Tuyên Quang, ngày" in text_after  # the issuer's place


def test_a_communes_2025_report_is_issued_by_its_own_committee(history, tantrao):
    ws = load_workbook(annual(2025, unit=tantrao).file.path)["01. Kết quả rà soát"]
    assert header_block(ws)[0] == ["ỦY BAN NHÂN DÂN", "XÃ TÂN TRÀO"]
    assert "TM. ỦY BAN NHÂN DÂN" in " ".join(signature(ws))


def test_the_chain_is_data_an_edit_changes_the_next_report(history):
    ReportingChain.objects.filter(code="area-province").update(issuer_name="VĂN PHÒNG ĐIỀU PHỐI CHƯƠNG TRÌNH GIẢM NGHÈO")
    ws = load_workbook(annual(2025).file.path)["01. Kết quả rà soát"]
    assert header_block(ws)[0][1] == "VĂN PHÒNG ĐIỀU PHỐI CHƯƠNG TRÌNH GIẢM NGHÈO"


def test_a_communes_report_tells_apart_the_villages_that_share_a_name(tantrao, old_unit):
    """Tân Trào took in Trung Yên: both had a "Thôn Cả"; the commune's 2025 report names each with its former
    commune, in the by-village rows and in the household list."""
    from households.models import AdministrativeUnit, Level

    old_tt, trung_yen = old_unit("02545"), old_unit("02539")
    ca_tt = AdministrativeUnit.objects.create(code="02545-CA", name="Thôn Cả", level=Level.VILLAGE, parent=old_tt, area=old_tt.area)
    ca_ty = AdministrativeUnit.objects.create(code="02539-CA", name="Thôn Cả", level=Level.VILLAGE, parent=trung_yen, area=trung_yen.area)
    for village in (ca_tt, ca_ty):
        make_review(commune=tantrao, year=2025, village=village, classification=P)
    kind = ReportKind.objects.get(code="annual")
    report = services.report_request(kind=kind, year=2025, unit=tantrao, edition=Edition.FULL, structure="current")
    wb = load_workbook(services.report_generate(report_id=report.pk).file.path)
    names = [r[1] for r in wb["01. Kết quả rà soát"].iter_rows(values_only=True) if isinstance(r[0], int)]
    assert "Thôn Cả (xã Tân Trào cũ)" in names and "Thôn Cả (xã Trung Yên cũ)" in names
    listed = {c.value for row in wb["11. Danh sách hộ"].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("Thôn Cả")}
    assert listed == {"Thôn Cả (xã Tân Trào cũ)", "Thôn Cả (xã Trung Yên cũ)"}
