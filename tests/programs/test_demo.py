"""The demo step of the plan works with and without annual reviews, and gives every page something true to show."""
import datetime as dt

import pytest

from households.demo import build_registry
from households.models import Household
from programs.demo import build_programs
from programs.models import FundAllocation, SupportRecord, TaskAssignment, TaskStatus, TaskUpdate
from tests.conftest import unit

from .conftest import add_reviews

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def test_demo_without_reviews_draws_beneficiaries_and_fills_tasks_and_funds():
    build_registry(households=300, seed=7, today=TODAY)
    summary = build_programs(seed=7, today=TODAY)
    assert not summary.from_reviews
    assert summary.support_records == SupportRecord.objects.count() > 0
    assert 0 < summary.supported_households < Household.objects.count() * 0.3
    # Support is dated from 2022 up to today, never in the future, in positive whole đồng.
    dates = SupportRecord.objects.values_list("date", flat=True)
    assert min(dates) >= dt.date(2022, 1, 1) and max(dates) <= TODAY
    assert not SupportRecord.objects.filter(amount__lte=0).exists()
    # Every year's tasks from 2022, most past ones completed, some reported this year.
    assert set(TaskAssignment.objects.values_list("year", flat=True)) == {2022, 2023, 2024, 2025, 2026}
    past = TaskAssignment.objects.filter(year=2024)
    assert past.filter(status=TaskStatus.COMPLETED).count() > past.count() * 0.7
    assert TaskUpdate.objects.filter(task__year=2026).exists()
    assert FundAllocation.objects.filter(year=2026).exists() and FundAllocation.objects.filter(commune__isnull=True).exists()
    # Running it again adds nothing.
    before = (SupportRecord.objects.count(), TaskUpdate.objects.count(), FundAllocation.objects.count())
    build_programs(seed=7, today=TODAY)
    assert (SupportRecord.objects.count(), TaskUpdate.objects.count(), FundAllocation.objects.count()) == before


def test_demo_with_reviews_supports_the_poor_and_near_poor_of_each_review():
    tantrao = unit("02545")
    hhs = add_reviews(tantrao, 2025, households=60, poor=20, near_poor=20, housing_poor=10)
    summary = build_programs(seed=3, today=TODAY)
    assert summary.from_reviews
    supported = set(SupportRecord.objects.values_list("household_id", flat=True))
    reviewed_poor = {h.pk for h in hhs[:40]}
    assert supported and supported <= reviewed_poor
    # Every poor household of the 2025 review gets its health insurance cards in 2026.
    cards = SupportRecord.objects.filter(policy__code="YT-BHYT-NGHEO", date__year=2026)
    assert set(cards.values_list("household_id", flat=True)) == {h.pk for h in hhs[:20]}
    assert set(SupportRecord.objects.values_list("commune_id", flat=True)) == {tantrao.pk}
