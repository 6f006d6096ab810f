"""How complete a year is (docs/figures.md): households recognised of those expected, communes done of the communes in
force, checked by hand on the `district` fixture (its docstring lists every review); pages default to the last
complete year, say how complete the year shown is, and judge no target on an incomplete year."""
import datetime as dt

import pytest

from households.models import ReviewState
from households.selectors import unit_lineage_ids
from reporting import selectors
from tests.conftest import unit
from tests.dashboard.conftest import make_review

pytestmark = pytest.mark.django_db


def test_a_commune_with_a_posted_review_and_a_gap_is_not_done(district):
    # 2025 in Tân Trào (with Trung Yên and old Tân Trào): reviews h1, h2, h4, h5, k1, k2 (posted only), k9 = 7, six
    # recognised; h3 was poor in 2024 and has no 2025 review: one gap. Expected 7 + 1 = 8.
    c = selectors.completeness(year=2025, unit_ids=unit_lineage_ids(unit=district["tt"]))
    assert (c.reviews, c.recognised, c.gaps, c.expected) == (7, 6, 1, 8)
    assert (c.communes_done, c.communes_total, c.complete) == (0, 1, False)
    assert c.share == 75.0


def test_the_whole_area_counts_every_commune_in_force(district):
    # 2025, today's ten communes: Tân Trào 7 reviews (6 recognised) + 1 gap, Sơn Dương 1 (t1), Minh Thanh 5; the
    # other seven communes have no review: done are Sơn Dương and Minh Thanh only.
    c = selectors.completeness(year=2025)
    assert (c.reviews, c.recognised, c.gaps, c.expected) == (13, 12, 1, 14)
    assert (c.communes_done, c.communes_total) == (2, 10)
    assert c.by_unit[district["mt"].pk] == {"reviews": 5, "recognised": 5, "gaps": 0, "expected": 5, "done": 1}


def test_the_historical_structure_counts_the_years_communes(district):
    # 2024, Trung Yên alone: h1–h10 reviewed and confirmed, 2023's lists (h1, h2, h4, h5) all reviewed again.
    ty = selectors.completeness(year=2024, unit_ids={district["ty"].pk}, structure="historical")
    assert (ty.reviews, ty.recognised, ty.gaps, ty.communes_done, ty.communes_total, ty.complete) == (10, 10, 0, 1, 1, True)
    # Old Tân Trào: k1–k9 confirmed, k10 still a draft.
    tt0 = selectors.completeness(year=2024, unit_ids={district["tt0"].pk}, structure="historical")
    assert (tt0.reviews, tt0.recognised, tt0.complete) == (10, 9, False)


def test_years_are_counted_alike_one_at_a_time_or_together(district):
    together = selectors.completeness_by_year(years=[2023, 2024, 2025])
    for year in (2023, 2024, 2025):
        assert together[year] == selectors.completeness(year=year)


def test_the_commune_dashboard_defaults_to_the_last_complete_year(client, district, tantrao_officer):
    # Tân Trào's 2025 has k2 only posted and its 2024 has k10 still a draft: 2023 is the last complete year.
    client.force_login(tantrao_officer)
    page = client.get("/")
    assert page.context["dash"].year == 2023
    assert page.context["completeness"]["complete"] is True
    # Recognise what was left: 2025 becomes complete (the gap h3 does not hold the year back) and the default.
    district["k"][1].reviews.filter(year=2025).update(state=ReviewState.RECOGNISED)
    district["k"][9].reviews.filter(year=2024).update(state=ReviewState.CONFIRMED)
    assert client.get("/").context["dash"].year == 2025


def test_a_year_in_progress_says_so_and_judges_no_target(client, district, tantrao_officer):
    # A 2026 review under way in Tân Trào, one of h1's household: nothing recognised yet.
    make_review(commune=district["tt"], year=2026, household=district["h"][0], classification="poor", state=ReviewState.REVIEWED)
    client.force_login(tantrao_officer)
    page = client.get("/dashboard/?year=2026")
    note = page.context["completeness"]
    assert note["complete"] is False and note["households_recognised"] == 0
    html = page.content.decode()
    assert "Năm 2026 chưa rà soát xong" in html
    for c in page.context["headline"]:
        if c.get("badge"):
            assert c["badge"]["text"] == "Chưa đánh giá", c
    lagging = next((c for c in page.context["headline"] if c["key"] == "lagging"), None)
    assert lagging is None


def test_the_statistics_api_carries_the_completeness_and_defaults_to_a_complete_year(client, district, tantrao_officer):
    client.force_login(tantrao_officer)
    body = client.get("/api/v1/statistics/poverty/?year=2025&structure=current").json()
    assert body["completeness"] == {
        "complete": False, "households_expected": 8, "households_recognised": 6, "households_share": 75.0,
        "reviews": 7, "gaps": 1, "communes_total": 1, "communes_done": 0,
    }
    assert client.get("/api/v1/statistics/poverty/?structure=current").json()["year"] == 2023
