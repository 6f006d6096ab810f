"""Reclassifying a whole year after a correction of a standard: results, changes of later years, history."""
import datetime as dt

import pytest

from households import services
from households.models import AnnualReview, PovertyStandard, ReviewAction
from tests.households.review_fixtures import make_household, make_old_village, save

pytestmark = pytest.mark.django_db


def test_reclassifying_a_year_applies_the_corrected_line_and_recomputes_later_changes(district_officer):
    village = make_old_village("02539", "Thôn Phân Loại")
    low, high = (make_household(old_commune="02539", new_commune="02545", village=village, head=h) for h in ("Thấp", "Cao"))
    save(low, 2024, income=1_000_000)
    save(high, 2024, income=1_400_000)
    later = save(high, 2025, day=dt.date(2025, 10, 2), income=1_400_000)
    assert later.change == "stayed"
    PovertyStandard.objects.filter(code="ND07-2021").update(rural_poor_line=1_300_000, rural_near_poor_line=1_300_000)
    result = services.reviews_reclassify(year=2024, user=district_officer)
    assert result == {"reviews": 2, "updated": 2, "reclassified": 1, "later_changes": 1}
    high_2024 = AnnualReview.objects.get(household=high, year=2024)
    assert high_2024.classification == "average" and "vượt chuẩn 1.300.000 đồng" in high_2024.reasons[0]
    assert AnnualReview.objects.get(household=low, year=2024).classification == "poor"
    later.refresh_from_db()
    assert (later.change, later.previous_classification) == ("newly_poor", "average")  # 2025 still saved under the old line
    assert high_2024.events.last().action == ReviewAction.RECLASSIFY
    assert high_2024.history.first().history_user == district_officer


def test_reclassifying_twice_changes_nothing_the_second_time(district_officer):
    hh = make_household()
    save(hh, 2024, income=1_000_000)
    services.reviews_reclassify(year=2024, user=district_officer)
    assert services.reviews_reclassify(year=2024, user=district_officer)["updated"] == 0
