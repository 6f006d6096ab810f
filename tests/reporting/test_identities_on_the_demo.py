"""Every figure of the realistic demo (partial review coverage from 2022, household events every year, the 2024 and
2025 mergers) against its identities: the movement tables balance on every row of every year in both structures, for
households and persons; a year's start is the last year's end (through the successors of merged units); every total is
the sum of its rows; the statistics API, the dashboard and the workbook say the same. Built once for the module."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from households.household_years import household_years_check
from households.models import AdministrativeUnit, HouseholdYear, Level
from households.structure import program_area
from reporting import cube, selectors, services
from reporting.models import Edition, ReportKind

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)
YEARS = range(2021, 2027)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    from accounts.demo import build_accounts
    from households import demo as households_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            households_demo.build_registry(households=700, seed=7, today=TODAY)
            households_demo.build_reviews(seed=7, today=TODAY)
            yield {acc.username: user for acc, user in build_accounts()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_the_stored_year_rows_are_those_the_registry_gives(demo):
    assert household_years_check() == []


@pytest.mark.parametrize("structure", ["historical", "current"])
@pytest.mark.parametrize("basis", ["official", "working"])
def test_every_row_of_every_year_balances_and_adds_up(demo, structure, basis):
    for year in YEARS:
        rows = selectors.movements_by_unit(year=year, structure=structure, basis=basis)
        total = selectors.movements(year=year, basis=basis)
        assert rows, year
        for r in rows:
            for table in ("poor", "near_poor"):
                assert cube.balances(r[table], table), (year, r["unit"]["name"], table, r[table])
                assert cube.balances(r["persons"][table], table), (year, r["unit"]["name"], table, r["persons"][table])
        for table in ("poor", "near_poor"):
            for col, value in total[table].items():
                assert value == sum(r[table][col] for r in rows), (year, table, col)
        if year > YEARS[0]:
            before = selectors.movements(year=year - 1, basis=basis)
            for table in ("poor", "near_poor"):
                assert total[table]["start"] == before[table]["end"], (year, table)
                assert total["persons"][table]["start"] == before["persons"][table]["end"], (year, table)
        by_unit = selectors.poverty_by_unit(year=year, structure=structure, basis=basis)
        summary = selectors.poverty_summary(year=year, basis=basis)
        assert summary["households"] == sum(r["households"] for r in by_unit) == HouseholdYear.objects.filter(
            year=year, commune__isnull=False).count()
        assert summary["persons"] == sum(r["persons"] for r in by_unit)
        assert summary["poor"] == sum(r["poor"] for r in by_unit) == total["poor"]["end"]
        for r in by_unit:
            assert r["poor_rate"] == selectors.rate(r["poor"], r["households"])
            assert r["poor_persons_rate"] == selectors.rate(r["poor_persons"], r["persons"])


def test_a_units_start_is_the_end_of_the_units_it_took_over(demo):
    """Historical structure: 2024's Hồng Sơn starts with Hồng Lạc's and Vân Sơn's 2023 figures; 2025's ten communes
    start with the thirty units' 2024 figures (none starts at zero)."""
    ends_2023 = {r["unit"]["code"]: r["poor"]["end"] for r in selectors.movements_by_unit(year=2023, structure="historical")}
    rows_2024 = {r["unit"]["code"]: r for r in selectors.movements_by_unit(year=2024, structure="historical")}
    assert rows_2024["02608"]["unit"]["name"] == "Xã Hồng Sơn"
    assert rows_2024["02608"]["poor"]["start"] == ends_2023["02608"] + ends_2023["02638"]  # Hồng Lạc (02608 then) + Vân Sơn
    ends_2024 = {r["unit"]["id"]: r["poor"]["end"] for r in rows_2024.values()}
    rows_2025 = selectors.movements_by_unit(year=2025, structure="historical")
    assert len(rows_2025) == 10 and all(r["poor"]["start"] > 0 for r in rows_2025)
    images = selectors.UnitIndex().image_on(dt.date(2025, 12, 31))
    for r in rows_2025:
        predecessors = [uid for uid in ends_2024 if images.get(uid) == r["unit"]["id"]]
        assert r["poor"]["start"] == sum(ends_2024[uid] for uid in predecessors), r["unit"]["name"]


def test_the_former_town_keeps_its_urban_years_on_todays_structure(demo):
    town = AdministrativeUnit.objects.get(code="02536", level=Level.COMMUNE, valid_to=dt.date(2025, 6, 30))
    son_duong = AdministrativeUnit.objects.get(code="02536", level=Level.COMMUNE, valid_to=None)
    urban_2024 = selectors.poverty_summary(year=2024, area="urban")
    town_2024 = selectors.poverty_summary(year=2024, unit_ids=[town.pk])
    assert urban_2024["households"] == town_2024["households"] > 0
    current_2024 = {r["unit"]["id"]: r for r in selectors.poverty_by_unit(year=2024, structure="current", area="urban")}
    assert current_2024[son_duong.pk]["households"] == town_2024["households"]
    assert selectors.poverty_summary(year=2025, area="urban")["households"] == 0  # every commune is rural from 1/7/2025


def test_a_communes_report_on_todays_structure_counts_the_units_it_took_in(demo):
    tantrao = AdministrativeUnit.objects.get(code="02545", valid_to=None)
    old_tt = AdministrativeUnit.objects.get(code="02545", valid_to=dt.date(2025, 6, 30))
    trung_yen = AdministrativeUnit.objects.get(code="02539")
    scope = selectors.statistics_scope(user=demo["phongldtbxh"], unit_code="02545", year=2024, structure="current")
    both = selectors.poverty_summary(year=2024, unit_ids=scope.unit_ids)
    parts = [selectors.poverty_summary(year=2024, unit_ids=[u.pk]) for u in (old_tt, trung_yen)]
    assert scope.unit == tantrao
    assert both["households"] == sum(p["households"] for p in parts) and both["poor"] == sum(p["poor"] for p in parts)


def test_the_api_the_dashboard_and_the_workbook_say_the_same(demo, client):
    client.force_login(demo["phongldtbxh"])
    api = client.get("/api/v1/statistics/poverty/", {"year": 2025, "structure": "current"}).json()
    page = client.get("/dashboard/", {"year": 2025})
    poor_card = next(c for c in page.context["headline"] if c["key"] == "poor")
    assert poor_card["value"] == f"{api['poor']:,}".replace(",", ".")
    kind = ReportKind.objects.get(code="annual")
    report = services.report_generate(report_id=services.report_request(kind=kind, year=2025, unit=program_area(),
                                                                        edition=Edition.SUMMARY).pk)
    wb = load_workbook(report.file.path)
    for name, table in (("01a. Biến động hộ nghèo", "poor"), ("01b. Biến động hộ cận nghèo", "near_poor")):
        ws = wb[name]
        header = next(r for r in range(1, 30) if ws.cell(r, 1).value == "STT")
        data = [[c.value for c in row] for row in ws.iter_rows(min_row=header + 3)]
        body = [r for r in data if r[2] in ("Hộ", "Nhân khẩu")]
        assert len(body) >= 2 * (1 + 1 + 10)  # total, the rural section (no urban unit in 2025), ten communes; households and persons
        for r in body:
            start, d2, d3, d4, i5, i6, i7, i8, end = r[3:12]
            assert end == start - d2 - d3 - d4 + i5 + i6 + i7 + i8, (name, r)
        total_households = body[0]
        assert total_households[1] == "TỔNG CỘNG" and total_households[11] == api["poor" if table == "poor" else "near_poor"]
        units = [r for r in body if isinstance(r[0], int) and r[2] == "Hộ"]
        assert len(units) == 10
        assert [sum(u[k] for u in units) for k in range(3, 12)] == total_households[3:12]
    results = wb["01. Kết quả rà soát"]
    total = next(row for row in results.iter_rows(values_only=True) if row[1] == "TỔNG CỘNG")
    assert total[2] == api["households"]


def _table_rows(ws):
    """The data rows under the first header of a sheet (below the column-number row), as value tuples."""
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    return rows[header + 3:]


def _check_movements(ws):
    body = [r for r in _table_rows(ws) if r[2] in ("Hộ", "Nhân khẩu")]
    assert body, ws.title
    for r in body:
        start, d2, d3, d4, i5, i6, i7, i8, end = r[3:12]
        assert end == start - d2 - d3 - d4 + i5 + i6 + i7 + i8, (ws.title, r)
    # Each unit has its households row (numbered 1, 2, …) and its persons row just under it (no number).
    owner = [body[i - 1][0] if r[2] == "Nhân khẩu" else r[0] for i, r in enumerate(body)]
    for measure in ("Hộ", "Nhân khẩu"):
        rows = [r for r, o in zip(body, owner) if r[2] == measure]
        units = [r for r, o in zip(body, owner) if r[2] == measure and isinstance(o, int)]
        assert units, (ws.title, measure)
        assert [sum(u[k] for u in units) for k in range(3, 12)] == list(rows[0][3:12]), (ws.title, measure)


def _check_results(ws):
    rows = [r for r in _table_rows(ws) if r[1]]
    every = list(ws.iter_rows(values_only=True))
    numbers = every[next(i for i, r in enumerate(every) if r[0] == "STT") + 2]
    # Count columns: their column number is plain ("3"); a computed column's says how ("5 = 4/1 × 100").
    counts = [c for c, n in enumerate(numbers) if c >= 2 and n and "=" not in str(n)]
    total = rows[0]
    assert total[1] == "TỔNG CỘNG" and counts
    units = [r for r in rows if isinstance(r[0], int)]
    sections = [r for r in rows if r[0] in ("I", "II")]
    for col in counts:
        if total[col] is not None:
            assert total[col] == sum(u[col] or 0 for u in units), (ws.title, col)
            if sections:
                assert total[col] == sum(s[col] or 0 for s in sections), (ws.title, col)


@pytest.mark.parametrize(("code", "year", "unit_code"), [("annual", 2024, None), ("annual", 2025, None), ("five_year", 2025, None),
                                                        ("annual", 2025, "02545")])
def test_every_generated_report_of_the_demo_balances_and_adds_up(demo, code, year, unit_code):
    """The 2024 and 2025 annual reports, the five-year review and a commune's own 2025 report, as workbooks and as
    Word drafts: every movement row balances, every total is the sum of its unit rows and of its sections."""
    import io

    from docx import Document

    unit = program_area() if unit_code is None else AdministrativeUnit.objects.by_code(unit_code)
    kind = ReportKind.objects.get(code=code)
    made = {}
    for fmt in ("xlsx", "docx"):
        report = services.report_request(kind=kind, year=year, unit=unit, edition=Edition.SUMMARY, format=fmt)
        made[fmt] = services.report_generate(report_id=report.pk)
    wb = load_workbook(made["xlsx"].file.path)
    movement_sheets = [n for n in wb.sheetnames if "Biến động" in n]
    assert len(movement_sheets) == (4 if code == "five_year" else 2)
    for name in movement_sheets:
        _check_movements(wb[name])
    _check_results(wb["01. Kết quả rà soát"])
    if code == "five_year":
        _check_results(wb["P1. So sánh giai đoạn"])
    document = Document(io.BytesIO(open(made["docx"].file.path, "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and len(document.tables) >= 3
