"""Target actuals are computed from the official annual reviews, never typed: known answers from fixtures."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from households.models import ReviewState
from programs import selectors, services
from programs.models import Target
from tests.conftest import unit

from .conftest import add_reviews

pytestmark = pytest.mark.django_db
D = Decimal


def progress(code, year, unit_ids="target"):
    target = Target.objects.get(code=code)
    ctx = selectors.target_context(targets=[target])
    return selectors.target_progress(target=target, year=year, ctx=ctx, unit_ids=unit_ids)


def test_district_poverty_rate_reduction_is_computed_from_official_reviews(trung_yen, old_tantrao):
    # 2021: 20 poor of 100 resident households (20 %); 2023: 14 of 100 (14 %): 3 points a year, on track.
    hh = add_reviews(trung_yen, 2021, households=60, poor=14)
    hh += add_reviews(old_tantrao, 2021, households=40, poor=6)
    add_reviews(trung_yen, 2023, households=60, poor=10, existing=hh[:60])
    add_reviews(old_tantrao, 2023, households=30, poor=4, existing=hh[60:90])
    # Reviews still in the village's hands do not count: those 10 households stay as the 2021 lists have them.
    add_reviews(old_tantrao, 2023, households=10, poor=10, state=ReviewState.AGREED, existing=hh[90:])
    p = progress("II.2-poverty-2025", 2023)
    assert p.baseline == D(20) and p.current == D(14)
    assert p.actual == D(3) and p.status == "on_track" and p.needed_per_year == D(3)
    assert [(r.year, r.whole, r.part) for r in p.series] == [(2021, 100, 20), (2023, 100, 14)]


def test_a_year_with_no_reviews_has_no_actual(trung_yen):
    add_reviews(trung_yen, 2021, households=10, poor=2)
    p = progress("II.2-poverty-2025", 2022)
    assert p.actual is None and p.status is None


def test_a_commune_with_no_reviews_has_no_actual(trung_yen):
    hh = add_reviews(trung_yen, 2021, households=10, poor=2)
    add_reviews(trung_yen, 2022, households=10, poor=1, existing=hh)
    minhthanh = unit("02554")
    target = Target.objects.get(code="II.2-poverty-2025")
    rows = selectors.target_by_commune(target=target, year=2022, communes=[minhthanh])
    assert rows[0].progress.actual is None and rows[0].progress.status is None


def test_ethnic_minority_rate_with_no_minority_households_is_no_data(trung_yen):
    hh = add_reviews(trung_yen, 2021, households=10, poor=3, minority=0)
    add_reviews(trung_yen, 2022, households=10, poor=2, minority=0, existing=hh)
    p = progress("II.2-ethnic-minority-2025", 2022)
    assert p.baseline is None and p.actual is None and p.status is None


def test_ethnic_minority_rate_counts_poor_among_minority_households(trung_yen):
    # 2021: 5 poor of 10 minority households (50 %); 2022: 4 of 10 (40 %): 10 points in a year.
    hh = add_reviews(trung_yen, 2021, households=30, poor=8, minority=10, minority_poor=5)
    add_reviews(trung_yen, 2022, households=30, poor=8, minority=10, minority_poor=4, existing=hh)
    p = progress("II.2-ethnic-minority-2025", 2022)
    assert p.baseline == D(50) and p.current == D(40) and p.actual == D(10) and p.status == "on_track"


def test_commune_targets_count_the_units_the_commune_succeeded(trung_yen, old_tantrao):
    # Trung Yên and the old Tân Trào reviewed until 2024; the new Tân Trào (from 1/7/2025) reviews in 2025.
    new_tantrao = unit("02545")
    hh = add_reviews(trung_yen, 2021, households=50, poor=10) + add_reviews(old_tantrao, 2021, households=50, poor=10)
    add_reviews(new_tantrao, 2025, households=100, poor=8, existing=hh)
    other = add_reviews(unit("02554", dt.date(2024, 1, 1)), 2021, households=100, poor=90)
    add_reviews(unit("02554"), 2025, households=100, poor=90, existing=other)
    target = Target.objects.get(code="II.2-poverty-2025")
    [row] = selectors.target_by_commune(target=target, year=2025, communes=[new_tantrao])
    # 20 % → 8 %: 12 points in 4 years, 3 a year: met at the end year.
    assert row.progress.baseline == D(20) and row.progress.current == D(8)
    assert row.progress.actual == D(3) and row.progress.status == "met"
    # The district counts every review of the program area: 110/200 → 98/200.
    district = progress("II.2-poverty-2025", 2025)
    assert district.baseline == D(55) and district.current == D(49) and district.status == "missed"


def test_housing_target_counts_poor_households_deprived_on_housing_quality(trung_yen):
    # Poor with indicator 7: 4 (2021), 1 (2023). Near-poor with indicator 7 and poor with other indicators do not count.
    hh = add_reviews(trung_yen, 2021, households=40, poor=10, near_poor=5, housing_poor=4, other_bits_poor=3, housing_near_poor=2)
    add_reviews(trung_yen, 2023, households=40, poor=10, near_poor=5, housing_poor=1, housing_near_poor=5, existing=hh)
    p = progress("III.4-temporary-houses-2025", 2023)
    assert p.baseline == D(4) and p.actual == D(1)
    # The straight path from 4 to 0 over 2021–2025 allows 2 in 2023.
    assert p.expected == D(2) and p.status == "on_track" and p.needed_per_year == D("0.5")
    assert progress("III.4-temporary-houses-2025", 2025).status is None


def test_region_iii_communes_are_counted_on_the_last_day_of_the_year():
    p = progress("II.2-region-iii-2030", 2024)
    # The seven communes of region III (units.yaml, Decision 861/QĐ-TTg) until 30/6/2025.
    assert p.baseline == D(7) and p.actual == D(7) and p.status == "at_risk"
    # On 31/12/2025 no region classification is in force: no data rather than zero.
    assert progress("II.2-region-iii-2030", 2025).actual is None


def test_region_iii_of_a_commune_counts_its_predecessors():
    minhthanh = unit("02554")
    target = Target.objects.get(code="II.2-region-iii-2030")
    [row] = selectors.target_by_commune(target=target, year=2023, communes=[minhthanh])
    assert row.progress.actual == D(2)  # Bình Yên and Lương Thiện


def test_the_district_divides_a_target_among_communes(district_officer, trung_yen, old_tantrao):
    target = Target.objects.get(code="II.2-poverty-2025")
    tantrao, minhthanh = unit("02545"), unit("02554")
    services.target_divide(user=district_officer, target=target, values={tantrao: "4,5", minhthanh: "2"})
    division = Target.objects.get(parent=target, unit=tantrao)
    assert division.value == D("4.50") and division.metric == target.metric and division.end_year == 2025
    hh = add_reviews(old_tantrao, 2021, households=100, poor=20)
    add_reviews(tantrao, 2025, households=100, poor=4, existing=hh)
    [row] = selectors.target_by_commune(
        target=Target.objects.prefetch_related("divisions").get(pk=target.pk), year=2025, communes=[tantrao]
    )
    # 4 points a year achieved: meets the district's 3 but not the commune's own 4.5.
    assert row.division == division and row.progress.actual == D(4) and row.progress.status == "missed"
    services.target_divide(user=district_officer, target=target, values={tantrao: ""})
    assert not Target.objects.filter(parent=target, unit=tantrao).exists()


def test_dividing_a_target_is_validated_and_for_the_district_only(district_officer, tantrao_officer):
    target = Target.objects.get(code="II.2-poverty-2025")
    with pytest.raises(PermissionDenied):
        services.target_divide(user=tantrao_officer, target=target, values={unit("02545"): "3"})
    for bad in ("-1", "abc", "101"):
        with pytest.raises(ValidationError):
            services.target_divide(user=district_officer, target=target, values={unit("02545"): bad})
    houses = Target.objects.get(code="III.4-temporary-houses-2025")
    with pytest.raises(ValidationError):
        services.target_divide(user=district_officer, target=houses, values={unit("02545"): "1.5"})


def test_targets_page_shows_every_target_with_its_computed_status(client, district_officer, trung_yen):
    hh = add_reviews(trung_yen, 2021, households=100, poor=20, minority=40, minority_poor=12, housing_poor=5)
    add_reviews(trung_yen, 2023, households=100, poor=13, minority=40, minority_poor=6, housing_poor=1, existing=hh)
    client.force_login(district_officer)
    html = client.get(reverse("programs:targets"), {"year": 2023}).content.decode()
    for target in Target.objects.filter(parent__isnull=True):
        assert target.title in html
    assert 'data-status="on_track"' in html  # 20 % → 13 %: 3,5 points a year
    assert "3,50 điểm %/năm" in html
    assert "Tân Trào" in html  # the communes' table


def test_targets_page_makes_a_fixed_number_of_queries(client, district_officer, trung_yen, old_tantrao, django_assert_max_num_queries):
    client.force_login(district_officer)
    add_reviews(trung_yen, 2021, households=5, poor=1)
    # 20, and two for the years' completeness (reviews by commune and step, gaps), one for the communes' dates.
    with django_assert_max_num_queries(23) as few:
        client.get(reverse("programs:targets"), {"year": 2023})
    for year in (2022, 2023, 2024):
        add_reviews(old_tantrao, year, households=20, poor=3)
    services.target_divide(user=district_officer, target=Target.objects.get(code="II.2-poverty-2025"),
                           values={unit("02545"): "3", unit("02554"): "3"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("programs:targets"), {"year": 2023})


def test_api_targets_report_metric_target_actual_and_status(client, district_officer, trung_yen):
    hh = add_reviews(trung_yen, 2021, households=100, poor=20)
    add_reviews(trung_yen, 2022, households=100, poor=18, existing=hh)
    client.force_login(district_officer)
    data = client.get("/api/v1/targets/", {"year": 2022}).json()
    by_metric = {r["metric"]: r for r in data["results"] if r["code"] == "II.2-poverty-2025"}
    row = by_metric["poverty_rate_reduction"]
    assert row["target"] == 3 and row["actual"] == 2 and row["status"] == "at_risk" and row["unit"] == "076"
    assert {r["metric"] for r in data["results"]} == {
        "poverty_rate_reduction", "ethnic_minority_poverty_rate_reduction", "region_iii_communes", "temporary_houses",
    }
    commune = client.get("/api/v1/targets/", {"year": 2022, "unit": "02545"}).json()
    assert {r["unit"] for r in commune["results"]} == {"02545"}


def test_api_targets_of_another_commune_are_out_of_a_commune_officers_scope(client, tantrao_officer):
    client.force_login(tantrao_officer)
    assert client.get("/api/v1/targets/", {"year": 2024, "unit": "02545"}).status_code == 200
    assert client.get("/api/v1/targets/", {"year": 2024, "unit": "02554"}).status_code == 404
    assert client.get("/api/v1/targets/", {"year": 2024}).status_code == 200  # the district's own targets


def test_district_officer_divides_a_target_on_the_page_and_communes_see_only_their_own(
    client, district_officer, tantrao_officer, minhthanh_officer
):
    target = Target.objects.get(code="II.2-poverty-2025")
    url = reverse("programs:target_divide", args=[target.pk])
    client.force_login(district_officer)
    assert "Xã Tân Trào" in client.get(url).content.decode()
    response = client.post(url, {"commune_02545": "3,5", "commune_02554": "abc"})
    assert response.status_code == 200 and "phải là một số" in response.content.decode()
    assert not Target.objects.filter(parent=target).exists()
    assert client.post(url, {"commune_02545": "3,5", "commune_02554": ""}).status_code == 302
    division = Target.objects.get(parent=target)
    assert division.unit == unit("02545") and division.value == D("3.50")
    detail = reverse("programs:target_detail", args=[division.pk])
    client.force_login(tantrao_officer)
    assert client.get(detail).status_code == 200
    client.force_login(minhthanh_officer)
    assert client.get(detail).status_code == 404


def test_no_target_is_judged_on_a_year_whose_review_is_not_complete(client, district_officer, trung_yen, old_tantrao):
    hh = add_reviews(trung_yen, 2021, households=100, poor=20)
    add_reviews(trung_yen, 2023, households=100, poor=13, existing=hh)
    # Old Tân Trào's 2023 review is still at the village meeting: the area's year and that commune are not done.
    add_reviews(old_tantrao, 2023, households=10, poor=2, state=ReviewState.REVIEWED)
    client.force_login(district_officer)
    response = client.get(reverse("programs:targets"), {"year": 2023})
    html = response.content.decode()
    assert "Năm 2023 chưa rà soát xong (100/110 hộ đã công nhận" in html
    area = html[html.index('id="targets"'):html.index("</table>", html.index('id="targets"'))]
    assert 'data-status="unjudged"' in area and 'data-status="on_track"' not in area
    judged = {line["commune"].code: line["judged"] for line in response.context["matrix"]}
    assert judged["02539"] is True and judged["02545"] is False
