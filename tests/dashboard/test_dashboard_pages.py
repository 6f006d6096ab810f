"""The dashboard pages: figures against the fixture's known answers, scope, drill-down, exports, query counts."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from households.models import Classification
from tests.conftest import make_village, unit

from .conftest import make_reviews

pytestmark = pytest.mark.django_db


def section(response, key):
    return next(s for s in response.context["sections"] if s.key == key)


def table_rows(response, key, table=0):
    """The rows of a section's table as shown: [[cell text, …], …]."""
    return [[c.text for c in row] for row in section(response, key).tables[table].rows]


def card(response, key):
    return next(c for c in response.context["headline"] if c["key"] == key)


def test_district_dashboard_shows_the_years_official_figures(client, district, district_officer):
    client.force_login(district_officer)
    response = client.get("/dashboard/?year=2024&structure=historical")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tổng quan toàn địa bàn huyện Sơn Dương" in html
    poor = card(response, "poor")
    assert poor["value"] == "4" and "12,90 %" in poor["small"]  # 4 of the 31 resident households
    assert card(response, "households")["value"] == "31"
    rows = {r[0]: r for r in table_rows(response, "units")}
    # Trung Yên: 3 poor of 12 households (25 %) after 2 of 12 at the end of 2023.
    assert rows["02539"][1:6] == ["Xã Trung Yên", "12", "3", "25,00", "+8,33"]
    assert "Xã ĐBKK" in rows["02539"][-1] and "Xã ĐBKK" not in rows["02536"][-1]
    # Sorted from the highest rate down (then by name); the district's total row closes the table.
    assert [r[0] for r in table_rows(response, "units")] == ["02539", "02545", "02536", "02542"]
    total = [c.text for c in section(response, "units").tables[0].total]
    assert total[2:5] == ["31", "4", "12,90"]


def test_the_change_from_last_year_is_shown_on_todays_communes(client, district, district_officer):
    client.force_login(district_officer)
    response = client.get("/dashboard/?year=2025")
    rows = {r[0]: r for r in table_rows(response, "units")}
    # Tân Trào 2025: 4 of 22 (18,18 %), as for Tân Trào and Trung Yên at the end of 2024.
    assert rows["02545"][4:6] == ["18,18", "0,00"]
    assert "Gồm xã ĐBKK Trung Yên" in rows["02545"][-1]
    poor = card(response, "poor")
    assert poor["value"] == "5" and "16,13 %" in poor["small"] and "tăng 3,23 điểm %" in poor["delta"]["text"]


def test_working_figures_and_filters_come_from_the_url(client, district, district_officer):
    client.force_login(district_officer)
    working = client.get("/dashboard/?year=2025&basis=working")
    assert card(working, "households")["value"] == "31" and card(working, "poor")["value"] == "6"
    em = client.get("/dashboard/?year=2024&em=1")
    assert card(em, "households")["value"] == "2" and card(em, "poor")["value"] == "2"
    urban = client.get("/dashboard/?year=2024&area=urban")
    assert card(urban, "households")["value"] == "4" and card(urban, "near_poor")["value"] == "1"
    assert "chỉ hộ dân tộc thiểu số" in em.content.decode()


def test_a_commune_bar_leads_to_the_communes_dashboard(client, district, district_officer):
    client.force_login(district_officer)
    response = client.get("/dashboard/?year=2025")
    link = "/dashboard/?year=2025&amp;unit=02545"
    assert link in response.content.decode()
    commune = client.get("/dashboard/?year=2025&unit=02545")
    assert "Tổng quan Xã Tân Trào" in commune.content.decode()
    assert card(commune, "households")["value"] == "22"
    assert section(commune, "units").title.startswith("Tỷ lệ hộ nghèo theo thôn")


def test_a_village_leads_to_its_households(client, district, tantrao_officer):
    v = make_village(district["tt"], "Thôn Cầu Trâu")
    make_reviews(2, commune=district["tt"], village=v, year=2025, classification=Classification.POOR, previous=Classification.POOR)
    client.force_login(tantrao_officer)
    response = client.get("/dashboard/?year=2025")
    rows = {r[1]: r for r in table_rows(response, "units")}
    assert rows["Thôn Cầu Trâu"][4] == "100,00"
    cell = next(row[1] for row in section(response, "units").tables[0].rows if row[1].text == "Thôn Cầu Trâu")
    assert cell.href == f"/dashboard/households/?year=2025&village={v.pk}"
    listed = client.get(cell.href)
    assert listed.context["page"].paginator.count == 2 and "Thôn Cầu Trâu" in listed.content.decode()
    registry = {r[1]: r for r in table_rows(response, "registry")}
    assert registry["Thôn Cầu Trâu"][2] == "2"
    assert next(row[1].href for row in section(response, "registry").tables[0].rows if row[1].text == "Thôn Cầu Trâu") == (
        f"/households/?village={v.code}"
    )


def test_a_category_leads_to_the_households_it_counts(client, district, district_officer, tantrao_officer, province_viewer):
    client.force_login(district_officer)
    poor = client.get("/dashboard/households/?year=2025&classification=poor")
    # Official poor of 2025: h1, h3 (not re-reviewed), k1, k9 in Tân Trào, m1 in Minh Thanh.
    assert poor.context["page"].paginator.count == 5
    assert "Hộ nghèo" in poor.content.decode() and "chưa rà soát lại năm nay" in poor.content.decode()
    working = client.get("/dashboard/households/?year=2025&classification=poor&basis=working&unit=02545")
    assert working.context["page"].paginator.count == 5  # k2 still posted counts, m1 is elsewhere
    client.force_login(tantrao_officer)
    assert client.get("/dashboard/households/?year=2025&classification=poor").context["page"].paginator.count == 4
    assert client.get("/dashboard/households/?year=2025&unit=02554").status_code == 404
    client.force_login(province_viewer)
    assert client.get("/dashboard/households/?year=2025").status_code == 403


def test_commune_officer_lands_on_the_communes_dashboard(client, district, tantrao_officer):
    client.force_login(tantrao_officer)
    response = client.get("/")
    html = response.content.decode()
    assert "Xin chào, Ma Văn Thắng" in html and "Tổng quan Xã Tân Trào" in html
    # Its own figures only: Tân Trào's 22 resident households, not Minh Thanh's 5.
    assert card(response, "households")["value"] == "22"


def test_commune_officer_cannot_see_another_communes_figures(client, district, tantrao_officer):
    client.force_login(tantrao_officer)
    for query in ("unit=02554", "unit=076", "unit=08", "unit=02536&structure=historical&year=2024",
                  "unit=02554&em=1", "unit=02554&basis=working"):
        assert client.get(f"/dashboard/?{query}").status_code == 404, query
        assert client.get(f"/dashboard/export/units.xlsx?{query}").status_code == 404, query
    # Filters narrow the officer's own figures and never add another commune's.
    working = client.get("/dashboard/?year=2025&basis=working")
    assert card(working, "households")["value"] == "22" and card(working, "poor")["value"] == "5"
    # The commune list of the filters offers only the officer's own commune.
    assert [c["code"] for c in working.context["unit_choices"]] == ["02545"]
    assert "Toàn địa bàn" not in working.content.decode()


def test_commune_officer_sees_the_units_their_commune_took_in(client, district, tantrao_officer):
    client.force_login(tantrao_officer)
    response = client.get("/dashboard/?year=2024&unit=02539&structure=historical")
    assert response.status_code == 200
    assert card(response, "poor")["value"] == "3"


def test_a_bad_filter_is_said_and_falls_back_to_the_users_scope(client, district, district_officer):
    client.force_login(district_officer)
    response = client.get("/dashboard/?year=abc&unit=99999&basis=maybe")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có đơn vị hành chính mã 99999" in html and "Năm:" in html
    assert "Tổng quan toàn địa bàn" in html
    gone = client.get("/dashboard/?year=2025&unit=02539")
    assert "không còn hiệu lực" in gone.content.decode()


def test_every_role_reads_the_dashboard_and_anonymous_users_log_in_first(client, district, personas):
    for role in ("district_officer", "agency_officer", "province_viewer", "admin"):
        client.force_login(personas[role])
        assert client.get("/dashboard/").status_code == 200, role
    client.logout()
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_province_viewer_gets_no_link_to_the_household_list(client, district, province_viewer):
    client.force_login(province_viewer)
    response = client.get("/dashboard/?year=2025&unit=02545")
    assert "/households/?village=" not in response.content.decode()


def test_each_table_exports_to_excel_with_the_same_figures(client, district, district_officer):
    client.force_login(district_officer)
    response = client.get("/dashboard/export/units.xlsx?year=2024&structure=historical")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('tong-quan-units-2024.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "Tỷ lệ hộ nghèo theo xã, năm 2024"
    header = [c.value for c in ws[4]]
    assert header[:5] == ["Mã", "Xã, thị trấn", "Số hộ", "Hộ nghèo", "Tỷ lệ hộ nghèo (%)"]
    first = [c.value for c in ws[5]]
    assert first[:5] == ["02539", "Xã Trung Yên", 12, 3, 25.0]
    total = [c.value for c in ws[9]]
    assert total[1:5] == ["Toàn địa bàn", 31, 4, 12.9]
    for key in ("trend", "movements", "deprivations", "causes", "progress"):
        assert client.get(f"/dashboard/export/{key}.xlsx?year=2024").status_code == 200, key
    assert client.get("/dashboard/export/nothing.xlsx?year=2024").status_code == 404


def test_page_api_and_selectors_give_the_same_figures(client, district, district_officer):
    client.force_login(district_officer)
    for query in ("year=2025&structure=current", "year=2024&structure=historical&unit=02539", "year=2025&basis=working"):
        page = client.get(f"/dashboard/?{query}")
        api = client.get(f"/api/v1/statistics/poverty/?{query}").json()
        assert card(page, "poor")["value"] == str(api["poor"]), query
        assert card(page, "households")["value"] == str(api["households"]), query


def _queries(client, url):
    client.get(url)  # sessions and caches settle
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who,url", [
    ("district_officer", "/dashboard/?year=2025"),
    ("district_officer", "/dashboard/?year=2024&structure=historical"),
    ("district_officer", "/dashboard/?year=2025&unit=02545"),
    ("commune_officer", "/"),
    ("district_officer", "/dashboard/households/?year=2025&classification=poor"),
])
def test_dashboard_queries_do_not_grow_with_the_households(client, district, personas, who, url):
    client.force_login(personas[who])
    before = _queries(client, url)
    # Many more households, in more communes and villages, both years.
    for code, on in (("02545", None), ("02554", None), ("02539", dt.date(2024, 6, 1)), ("02551", dt.date(2024, 6, 1))):
        commune = unit(code, on)
        year = 2025 if on is None else 2024
        for _ in range(3):
            make_reviews(15, commune=commune, village=make_village(commune), year=year, classification=Classification.POOR)
        make_reviews(30, commune=commune, year=year)
    after = _queries(client, url)
    # The goal of the dashboards: a fixed number of queries whatever the size (the villages are read and named once):
    # 25, and two more for the year's completeness (reviews by commune and step, gaps from the summary table).
    assert after == before and after <= 27, (before, after)
