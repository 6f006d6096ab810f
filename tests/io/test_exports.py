"""Exports: only what the user may see, IDs masked where the role needs none, logged, re-importable."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.imports import households_import_plan
from households.models import Job
from tests.conftest import HouseholdFactory, MemberFactory
from tests.io.conftest import read

pytestmark = pytest.mark.django_db


def download(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.status_code
    return read(b"".join(response.streaming_content))


def column(key: str) -> int:
    """The index of an import-template column in the member export (the export has the template's columns)."""
    from households.resources import COLUMNS

    return [c.key for c in COLUMNS].index(key)


def rows_of(wb):
    sheet = wb.worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]


def test_a_commune_officer_exports_only_the_communes_households(client, tantrao_officer, tantrao_household,
                                                                 minhthanh_household):
    client.force_login(tantrao_officer)
    codes = [r[0] for r in rows_of(download(client, "households:export_households"))]
    assert codes == [tantrao_household.code]
    members = rows_of(download(client, "households:export_members"))
    assert {r[0] for r in members} == {tantrao_household.code}
    assert [r[column("citizen_id")] for r in members] == ["008085001234", "008185005678"]


def test_an_agency_officer_gets_masked_citizen_ids(client, bank_officer, tantrao_household, minhthanh_household):
    client.force_login(bank_officer)
    members = rows_of(download(client, "households:export_members"))
    assert {r[column("citizen_id")] for r in members} == {"********1234", "********5678", "********9999"}
    assert "số định danh đã che" in read_subtitle(download(client, "households:export_members"))


def read_subtitle(wb):
    return wb.worksheets[0]["A2"].value


def test_exports_follow_the_list_filters(client, district_officer, tantrao_household, minhthanh_household):
    client.force_login(district_officer)
    codes = [r[0] for r in rows_of(download(client, "households:export_households", commune="02554"))]
    assert codes == [minhthanh_household.code]
    codes = [r[0] for r in rows_of(download(client, "households:export_households", q="ma van thang"))]
    assert codes == [tantrao_household.code]


def test_each_export_is_logged_with_who_how_many_and_whether_masked(client, bank_officer, tantrao_household):
    client.force_login(bank_officer)
    download(client, "households:export_members", commune="02545")
    log = Job.objects.get(kind="export_members")
    assert log.created_by == bank_officer and log.result == {"rows": 2}
    assert log.params == {"filters": {"commune": "02545"}, "masked": True}


def test_the_member_export_imports_back_unchanged(client, tantrao_officer, tantrao, tantrao_household):
    client.force_login(tantrao_officer)
    response = client.get(reverse("households:export_members"))
    data = b"".join(response.streaming_content)
    plan = households_import_plan(data=data, filename="xuat.xlsx", user=tantrao_officer, commune=tantrao)
    assert plan.ok, plan.problems
    assert plan.totals()["unchanged"] == 1 and plan.header_row == 4


@pytest.mark.parametrize(("role", "status"), [("commune_officer", 200), ("district_officer", 200), ("agency_officer", 200),
                                              ("admin", 200), ("province_viewer", 403)])
def test_who_may_export(client, personas, role, status):
    client.force_login(personas[role])
    for name in ("households:export_page", "households:export_households", "households:export_members",
                 "households:export_reviews"):
        assert client.get(reverse(name)).status_code == status


def test_export_queries_do_not_grow_with_the_number_of_households(client, district_officer, tantrao):
    client.force_login(district_officer)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            for name in ("households:export_households", "households:export_members"):
                b"".join(client.get(reverse(name)).streaming_content)
        return len(ctx)

    for _ in range(3):
        MemberFactory(household=HouseholdFactory(commune=tantrao))
    few = count_queries()
    for _ in range(30):
        MemberFactory(household=HouseholdFactory(commune=tantrao))
    assert count_queries() == few


def test_the_export_page_counts_what_will_be_exported(client, tantrao_officer, tantrao_household):
    client.force_login(tantrao_officer)
    html = client.get(reverse("households:export_page")).content.decode()
    assert "1 hộ phù hợp." in html and "households.xlsx" in html and "members.xlsx" in html


def test_reviews_export_is_scoped_by_year_and_leaves_income_out_for_agencies(client, tantrao_officer, bank_officer):
    from tests.households.review_fixtures import make_household, make_old_village, save

    village = make_old_village("02539", "Thôn Cầu Trâu")
    household = make_household(old_commune="02539", new_commune="02545", village=village)
    other = make_household(old_commune="02554", new_commune="02554", village=make_old_village("02554", "Thôn Cả"))
    save(household, 2024, income=900_000, deprivations=("1", "2", "3"))
    save(household, 2025, income=2_000_000, deprivations=("1",))
    save(other, 2025)
    client.force_login(tantrao_officer)
    rows = rows_of(download(client, "households:export_reviews", year="2025"))
    assert [(r[0], r[1], r[5], r[8]) for r in rows] == [(household.code, 2025, "Hộ có mức sống trung bình", 2_000_000)]
    client.force_login(bank_officer)
    rows = rows_of(download(client, "households:export_reviews"))
    assert len(rows) == 3 and {r[8] for r in rows} == {None}
    assert Job.objects.filter(kind="export_reviews", created_by=bank_officer, params__masked=True).exists()
