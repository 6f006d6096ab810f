"""Optimistic locking with two concurrent saves: both read version 1, one wins, the other is told who saved first.

The threaded test needs a database with row locks (PostgreSQL); on SQLite the same rule is shown with two saves
one after the other (writes there are serialised by the database file lock)."""
import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connections

from households import services
from households.errors import StaleVersion
from households.models import AnnualReview
from tests.households.review_fixtures import make_household, make_old_village


def _review(user):
    village = make_old_village("02539", "Thôn Khóa")
    hh = make_household(old_commune="02539", new_commune="02545", village=village)
    return services.review_save(household=hh, year=2025, user=user, review_date=dt.date(2025, 10, 2),
                                income_per_capita_month=1_000_000, deprivations=["1", "2", "3"])


@pytest.mark.django_db
def test_the_second_of_two_saves_from_the_same_version_is_refused(tantrao_officer, district_officer):
    review = _review(tantrao_officer)
    services.review_save(household=review.household, year=2025, user=district_officer, income_per_capita_month=2_000_000, version=1)
    with pytest.raises(StaleVersion) as err:
        services.review_save(household=review.household, year=2025, user=tantrao_officer, income_per_capita_month=900_000, version=1)
    assert err.value.changed_by == "Nguyễn Thị Hạnh"
    assert AnnualReview.objects.get(pk=review.pk).income_per_capita_month == 2_000_000


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs row locks (PostgreSQL); the sequential case above runs everywhere",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_saves_one_wins_and_the_other_names_the_winner(tantrao_officer, district_officer):
    review = _review(tantrao_officer)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(user, income):
        try:
            barrier.wait()
            services.review_save(household=review.household, year=2025, user=user, income_per_capita_month=income, version=1)
            outcomes[user.username] = "saved"
        except StaleVersion as exc:
            outcomes[user.username] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(u, i)) for u, i in ((tantrao_officer, 900_000), (district_officer, 2_000_000))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    saved = [name for name, result in outcomes.items() if result == "saved"]
    refused = [result for result in outcomes.values() if isinstance(result, StaleVersion)]
    assert len(saved) == 1 and len(refused) == 1
    winner = tantrao_officer if saved[0] == tantrao_officer.username else district_officer
    assert refused[0].changed_by == winner.display_name
    final = AnnualReview.objects.get(pk=review.pk)
    assert final.version == 2 and final.updated_by == winner
