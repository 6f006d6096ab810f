"""`reviews_save_many`: the rules of `review_save` for many households at once (the review import), all or
nothing, with the same results as saving one by one and a number of queries that does not grow with the rows."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households import services
from households.models import AnnualReview, Change, Classification, ReviewAction, ReviewState
from tests.households.review_fixtures import make_household, make_old_village

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 10, 1)


def _households(n: int, prefix: str = "Thôn Nhiều", village=None):
    village = village or make_old_village("02539", f"{prefix} {n}")
    return [make_household(old_commune="02539", new_commune="02545", village=village, head=f"Bàn Văn Hộ {i}") for i in range(n)]


def _item(hh, *, income=1_200_000, deprivations=("4", "7", "9"), **kw):
    return dict(household=hh, review_date=DAY, income_per_capita_month=income, deprivations=list(deprivations), **kw)


def _fields(review: AnnualReview) -> dict:
    skip = {"id", "household_id", "created_at", "updated_at", "round_id"}
    return {f.attname: getattr(review, f.attname) for f in AnnualReview._meta.concrete_fields if f.attname not in skip}


def test_the_same_reviews_as_saving_one_by_one(tantrao_officer):
    village = make_old_village("02539", "Thôn Cầu Trâu")
    one, many = _households(3, village=village), _households(3, village=village)
    incomes = [1_200_000, 1_200_000, 3_000_000]
    lists = [dict(causes=["von", "dat"], needs=["vayvon"]), dict(causes=[], needs=[], deprivations=["4"]),
             dict(causes=["von"], needs=None)]
    # Earlier years so that the change is computed from history.
    for hh in one + many:
        services.review_save(household=hh, year=2023, review_date=dt.date(2023, 10, 1), income_per_capita_month=900_000,
                             deprivations=["1", "2", "3"])
    for hh, income, extra in zip(one, incomes, lists):
        services.review_save(year=2024, user=tantrao_officer, **_item(hh, income=income, **extra))
    saved = services.reviews_save_many(year=2024, user=tantrao_officer,
                                       items=[_item(hh, income=i, **extra) for hh, i, extra in zip(many, incomes, lists)])

    singles = [AnnualReview.objects.get(household=hh, year=2024) for hh in one]
    assert [r.classification for r in saved] == [Classification.POOR, Classification.NEAR_POOR, Classification.OTHER]
    assert (saved[0].change, saved[2].change) == (Change.STAYED, Change.ESCAPED_POVERTY)
    for single, bulk in zip(singles, saved):
        bulk = AnnualReview.objects.get(pk=bulk.pk)
        assert _fields(bulk) == _fields(single)
        assert sorted(bulk.causes.values_list("code", flat=True)) == sorted(single.causes.values_list("code", flat=True))
        assert sorted(bulk.needs.values_list("code", flat=True)) == sorted(single.needs.values_list("code", flat=True))
        assert bulk.round_id == single.round_id
        assert [e.action for e in bulk.events.all()] == [e.action for e in single.events.all()] == [ReviewAction.CREATE]
        b_hist, s_hist = list(bulk.history.all()), list(single.history.all())
        assert [h.history_type for h in b_hist] == [h.history_type for h in s_hist] == ["+"]
        assert b_hist[0].history_user == s_hist[0].history_user == tantrao_officer
        assert sorted(b_hist[0].causes.values_list("povertycause__code", flat=True)) == sorted(
            s_hist[0].causes.values_list("povertycause__code", flat=True))


def test_updates_keep_the_rules_of_review_save(tantrao_officer):
    households = _households(2)
    first = services.reviews_save_many(year=2024, user=tantrao_officer, items=[_item(hh) for hh in households])
    again = services.reviews_save_many(year=2024, user=tantrao_officer, items=[
        _item(hh, income=1_800_000, version=r.version, causes=["von"]) for hh, r in zip(households, first)])
    for review in again:
        review = AnnualReview.objects.get(pk=review.pk)
        assert review.version == 2 and review.classification == Classification.AVERAGE
        assert [h.history_type for h in review.history.order_by("history_date", "history_id")] == ["+", "~"]
        assert list(review.history.latest("history_date").causes.values_list("povertycause__code", flat=True)) == ["von"]


def test_one_bad_item_writes_nothing_and_names_every_refused_item():
    households = _households(4)
    items = [_item(hh) for hh in households]
    items[1]["review_date"] = dt.date(2023, 10, 1)
    items[3]["causes"] = ["khong-co-ma-nay"]
    with pytest.raises(services.ReviewsRefused) as refused:
        services.reviews_save_many(year=2024, items=items)
    assert sorted(refused.value.errors) == [1, 3]
    assert "Ngày rà soát phải thuộc năm 2024" in str(refused.value.errors[1])
    assert "Mã không có trong danh mục: khong-co-ma-nay" in str(refused.value.errors[3])
    assert not AnnualReview.objects.filter(household__in=households).exists()


def test_a_stale_version_or_a_locked_review_is_refused_on_its_item(tantrao_officer):
    households = _households(2)
    saved = services.reviews_save_many(year=2024, items=[_item(hh) for hh in households])
    AnnualReview.objects.filter(pk=saved[1].pk).update(state=ReviewState.RECOGNISED)
    with pytest.raises(services.ReviewsRefused) as refused:
        services.reviews_save_many(year=2024, user=tantrao_officer, items=[
            _item(households[0], version=saved[0].version + 5), _item(households[1], version=saved[1].version)])
    assert sorted(refused.value.errors) == [0, 1]
    assert "công nhận" in str(refused.value.errors[1])
    assert AnnualReview.objects.get(pk=saved[0].pk).version == saved[0].version


def test_the_number_of_queries_does_not_grow_with_the_rows():
    # Bulk statements only: thirty households cost at most a few more INSERT batches (SQLite caps the variables
    # of one statement) than three, where saving one by one costs about twenty queries a household.
    small, large = _households(3, "Thôn Nhỏ"), _households(30, "Thôn Lớn")

    def count(households):
        with CaptureQueriesContext(connection) as ctx:
            services.reviews_save_many(year=2024, items=[_item(hh, causes=["von"], needs=["vayvon"]) for hh in households])
        return len(ctx.captured_queries)

    count(_households(2, "Thôn Đầu"))  # creates the commune's review round of the year
    few, many = count(small), count(large)
    assert many <= few + 5, (few, many)
