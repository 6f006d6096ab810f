"""The merger operation (households.mergers): what moves, what stays, and when it is refused."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from accounts.scoping import commune_ids, scope
from households import services
from households.mergers import (
    NewUnit,
    PreviewItem,
    merger_apply,
    merger_preview,
    merger_preview_items,
    mergers_apply,
    reform_requests,
    units_merged,
)
from households.models import (
    AdministrativeUnit,
    Area,
    AnnualReview,
    Change,
    Classification,
    Household,
    HouseholdPlacement,
    Level,
    PovertyCause,
    ReviewState,
    UnitMerger,
)
from households.selectors import household_place_on
from tests.conftest import make_user, make_village

from .conftest import BEFORE_REFORM, MERGER_DATES, REFORM, household_in, make_review, places_on, unit_on

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def test_every_merger_of_the_domain_keeps_every_household_and_moves_it_to_the_successor(old_registry):
    total = Household.objects.count()
    for date in MERGER_DATES:
        requests = reform_requests(date)
        assert requests, date
        before = places_on(date - DAY)
        done = mergers_apply(requests=requests)
        after = places_on(date)
        assert places_on(date - DAY) == before, "the place before the merger is history and does not change"
        for request, merger in zip(requests, done):
            source_ids = {s.pk for s in request.sources}
            moved_in = [h for h, place in before.items() if place in source_ids]
            assert moved_in, f"{request.target.name}: the registry has households in every old unit"
            assert sum(1 for h in moved_in if after[h] == request.target.pk) == len(moved_in)
            already = sum(1 for place in before.values() if place == request.target.pk)
            assert sum(1 for place in after.values() if place == request.target.pk) == len(moved_in) + already
            assert merger.summary["households"] == len(moved_in)
    assert Household.objects.count() == total
    today_ids = set(AdministrativeUnit.objects.in_force().filter(level=Level.COMMUNE).values_list("pk", flat=True))
    assert set(Household.objects.values_list("commune_id", flat=True)) <= today_ids


def test_the_ten_communes_of_2025_take_exactly_the_households_of_their_old_units(old_registry):
    for date in MERGER_DATES:
        mergers_apply(requests=reform_requests(date))
    before = places_on(BEFORE_REFORM)
    after = places_on(REFORM)
    trung_yen, tan_trao_old = unit_on("02539", BEFORE_REFORM), unit_on("02545", BEFORE_REFORM)
    tan_trao = unit_on("02545", REFORM)
    old_count = sum(1 for p in before.values() if p in (trung_yen.pk, tan_trao_old.pk))
    assert old_count == 4
    assert sum(1 for p in after.values() if p == tan_trao.pk) == old_count + 1  # plus the household born in 2025's Tân Trào


def test_applying_the_mergers_out_of_order_gives_the_same_history(old_registry):
    hong_lac = unit_on("02608", dt.date(2023, 6, 1))
    hong_son = unit_on("02608", dt.date(2024, 12, 1))
    of_hong_lac = list(Household.objects.filter(commune=hong_lac).values_list("pk", flat=True))
    assert len(of_hong_lac) == 2  # one in a village of Hồng Lạc, one recorded with no village
    for date in reversed(MERGER_DATES):
        mergers_apply(requests=reform_requests(date))
    out_of_order = {d: places_on(d) for d in (dt.date(2023, 6, 1), dt.date(2024, 12, 1), dt.date(2026, 6, 1))}
    for pk in of_hong_lac:
        assert out_of_order[dt.date(2023, 6, 1)][pk] == hong_lac.pk
        assert out_of_order[dt.date(2024, 12, 1)][pk] == hong_son.pk
        assert out_of_order[dt.date(2026, 6, 1)][pk] == unit_on("02608", dt.date(2026, 6, 1)).pk


def test_a_household_of_the_old_town_is_reviewed_with_the_urban_line_in_2024_and_the_rural_line_in_2026():
    town = unit_on("02536", dt.date(2024, 10, 1))
    assert town.name == "Thị trấn Sơn Dương" and town.area == Area.URBAN
    hh = household_in(town)
    # 1.800.000 đ a person a month and 3 deprivations: under the urban line (2.000.000 đ), above the rural one
    # (1.500.000 đ) — Decree 07/2021/NĐ-CP Art. 3.2.
    review = dict(income_per_capita_month=1_800_000, member_count=3, deprivations=["1", "4", "9"])
    review_2024 = services.review_save(household=hh, year=2024, review_date=dt.date(2024, 10, 15), **review)
    mergers_apply(requests=reform_requests(REFORM))
    review_2026 = services.review_save(household=hh, year=2026, review_date=dt.date(2026, 10, 15), **review)
    review_2024.refresh_from_db()
    assert (review_2024.commune, review_2024.area, review_2024.classification) == (town, Area.URBAN, Classification.POOR)
    assert review_2024.income_line == 2_000_000
    assert review_2026.commune.name == "Xã Sơn Dương" and review_2026.commune.valid_from == REFORM
    assert (review_2026.area, review_2026.classification) == (Area.RURAL, Classification.AVERAGE)
    assert review_2026.income_line == 1_500_000
    assert review_2026.change == Change.ESCAPED_POVERTY


def test_a_review_filed_under_the_old_town_after_the_reform_moves_to_the_new_commune_and_is_classified_again():
    town = unit_on("02536", BEFORE_REFORM)
    hh = household_in(town)
    earlier = make_review(hh, year=2024, review_date=dt.date(2024, 10, 1), commune=town, income=1_800_000, deprivations=["1"])
    late = make_review(hh, year=2025, review_date=dt.date(2025, 10, 1), commune=town, income=1_800_000, deprivations=["1"])
    late.causes.set(PovertyCause.objects.order_by("code")[:2])
    assert late.classification == Classification.NEAR_POOR  # under the urban line
    preview = merger_preview(sources=[town, unit_on("02566", BEFORE_REFORM)], effective_date=REFORM, target=unit_on("02536", REFORM))
    assert preview.reviews_moving == 1 and preview.reviews_changing_area == 1 and preview.open_reviews_staying == 1
    mergers_apply(requests=reform_requests(REFORM))
    earlier.refresh_from_db()
    late.refresh_from_db()
    assert earlier.commune == town and earlier.area == Area.URBAN  # history is not touched
    assert late.commune == unit_on("02536", REFORM) and late.area == Area.RURAL
    assert late.classification == Classification.AVERAGE  # above 1.500.000 đ, up to 2.250.000 đ
    record = late.history.first()
    assert record.history_change_reason.startswith("Sáp nhập vào Xã Sơn Dương") and record.commune_id == late.commune_id
    assert set(record.causes.values_list("povertycause_id", flat=True)) == set(late.causes.values_list("pk", flat=True))


def test_the_reused_code_02554_means_binh_yen_in_2023_and_minh_thanh_in_2026():
    assert AdministrativeUnit.objects.by_code("02554", dt.date(2023, 6, 1)).name == "Xã Bình Yên"
    assert AdministrativeUnit.objects.by_code("02554", dt.date(2026, 6, 1)).name == "Xã Minh Thanh"
    binh_yen = unit_on("02554", dt.date(2023, 6, 1))
    hh = household_in(binh_yen)
    mergers_apply(requests=reform_requests(REFORM))
    hh.refresh_from_db()
    assert hh.commune == unit_on("02554", dt.date(2026, 6, 1)) and hh.commune.name == "Xã Minh Thanh"
    assert household_place_on(household=hh, on=dt.date(2023, 6, 1))[0] == binh_yen


def test_an_officer_of_a_dissolved_commune_is_rescoped_to_the_commune_that_took_it_in():
    trung_yen = unit_on("02539", BEFORE_REFORM)
    officer = make_user("canbo_trungyen", Role.COMMUNE_OFFICER, unit_code="02539")
    assert officer.unit == trung_yen
    hh = household_in(trung_yen)
    review = make_review(hh, year=2023, review_date=dt.date(2023, 10, 1), commune=trung_yen, income=1_000_000, deprivations=["1", "2", "3"])
    preview = merger_preview(sources=[trung_yen, unit_on("02545", BEFORE_REFORM)], effective_date=REFORM, target=unit_on("02545", REFORM))
    assert [u.username for u in preview.officers] == ["canbo_trungyen"]
    merger = merger_apply(sources=[trung_yen, unit_on("02545", BEFORE_REFORM)], effective_date=REFORM, target=unit_on("02545", REFORM))
    officer.refresh_from_db()
    assert officer.unit == unit_on("02545", REFORM)
    assert trung_yen.pk in commune_ids(officer)
    assert scope(officer, AnnualReview.objects.all()).get() == review  # Trung Yên's 2023 review stays visible
    assert scope(officer, Household.objects.all()).get() == hh
    assert merger.summary["officers"] == [{"username": "canbo_trungyen", "from": "02539"}]


def test_a_merger_into_a_unit_that_has_ended_is_refused_and_changes_nothing():
    trung_yen = unit_on("02539", BEFORE_REFORM)
    hh = household_in(trung_yen)
    hong_lac = unit_on("02608", dt.date(2023, 1, 1))  # ended on 31/08/2024
    with pytest.raises(ValidationError) as exc:
        merger_apply(sources=[trung_yen], effective_date=REFORM, target=hong_lac)
    assert "không thuộc đơn vị hành chính nào" in " ".join(exc.value.messages)
    hh.refresh_from_db()
    assert hh.commune == trung_yen
    assert not UnitMerger.objects.exists() and not HouseholdPlacement.objects.exists()
    assert not trung_yen.successors.exclude(pk=unit_on("02545", REFORM).pk).exists()


def test_a_merger_that_would_strand_a_household_recorded_under_an_old_unit_is_refused():
    trung_yen = unit_on("02539", BEFORE_REFORM)
    tan_trao_old = unit_on("02545", BEFORE_REFORM)
    hh = household_in(trung_yen)
    # Its place history says it lived in Minh Thanh on the day before the merger, yet it is recorded in Trung Yên.
    HouseholdPlacement.objects.create(household=hh, commune=unit_on("02542", BEFORE_REFORM), valid_from=dt.date(2020, 1, 1))
    preview = merger_preview(sources=[trung_yen, tan_trao_old], effective_date=REFORM, target=unit_on("02545", REFORM))
    assert not preview.ok and "không thuộc đơn vị hành chính nào" in preview.problems[0]
    with pytest.raises(ValidationError):
        merger_apply(sources=[trung_yen, tan_trao_old], effective_date=REFORM, target=unit_on("02545", REFORM))
    hh.refresh_from_db()
    assert hh.commune == trung_yen


def test_a_merger_dated_in_the_future_is_refused():
    trung_yen = unit_on("02539", BEFORE_REFORM)
    preview = merger_preview(sources=[trung_yen], effective_date=dt.date(2099, 1, 1), target=unit_on("02545", REFORM))
    assert any("chưa đến" in p for p in preview.problems)


def test_a_merger_cannot_be_applied_twice():
    mergers_apply(requests=reform_requests(dt.date(2024, 9, 1)))
    again = reform_requests(dt.date(2024, 9, 1))[0]
    with pytest.raises(ValidationError, match="đã được thực hiện"):
        merger_apply(sources=list(again.sources), effective_date=again.effective_date, target=again.target)


def test_a_merger_into_a_new_unit_that_reuses_an_old_code(district_unit_pair):
    a, b = district_unit_pair
    hh_a, hh_b = household_in(a), household_in(b, with_village=False)
    date = dt.date(2025, 1, 1)
    merger = merger_apply(
        sources=[a, b], effective_date=date, new_target=NewUnit(code=a.code, name="Xã Hợp Nhất", parent_code="076"),
        legal_basis="Nghị quyết thử",
    )
    new = merger.target
    assert (new.code, new.valid_from, new.valid_to, new.parent.code) == (a.code, date, None, "076")
    a.refresh_from_db()
    assert a.valid_to == dt.date(2024, 12, 31) and list(a.successors.all()) == [new]
    assert AdministrativeUnit.objects.by_code(a.code, dt.date(2024, 6, 1)) == a
    assert AdministrativeUnit.objects.by_code(a.code, dt.date(2025, 6, 1)) == new
    for hh, old in ((hh_a, a), (hh_b, b)):
        hh.refresh_from_db()
        assert hh.commune == new and hh.version == 2
        assert household_place_on(household=hh, on=dt.date(2024, 12, 31))[0] == old
        assert household_place_on(household=hh, on=date)[0] == new
        assert hh.history.first().history_change_reason == "Sáp nhập vào Xã Hợp Nhất từ 01/01/2025 (Nghị quyết thử)"
    # The household in a village reaches its commune through the village; the one with no village gets its periods.
    assert not hh_a.placements.exists()
    periods = list(hh_b.placements.order_by("valid_from").values_list("commune_id", "valid_from", "valid_to"))
    assert periods == [(b.pk, b.valid_from, dt.date(2024, 12, 31)), (new.pk, date, None)]


def test_a_unit_absorbed_by_an_existing_unit_that_continues(district_unit_pair):
    a, b = district_unit_pair
    hh = household_in(b)
    officer = make_user("canbo_thuhai", Role.COMMUNE_OFFICER, unit_code=b.code)
    merger_apply(sources=[b], effective_date=dt.date(2025, 3, 1), target=a)
    b.refresh_from_db()
    hh.refresh_from_db()
    officer.refresh_from_db()
    assert (b.valid_to, list(b.successors.all())) == (dt.date(2025, 2, 28), [a])
    assert a.valid_to is None and hh.commune == a and officer.unit == a
    assert household_place_on(household=hh, on=dt.date(2025, 2, 28))[0] == b
    assert household_place_on(household=hh, on=dt.date(2025, 3, 1))[0] == a
    assert b.pk in commune_ids(officer)


def test_a_new_unit_may_not_take_a_code_another_unit_holds(district_unit_pair):
    a, b = district_unit_pair
    preview = merger_preview(sources=[a, b], effective_date=dt.date(2025, 1, 1), new_target=NewUnit(code="02539", name="Xã Trùng Mã"))
    assert any("02539" in p and "Trung Yên" in p for p in preview.problems)


def test_the_preview_lists_what_moves_and_writes_nothing():
    trung_yen, tan_trao_old = unit_on("02539", BEFORE_REFORM), unit_on("02545", BEFORE_REFORM)
    village = make_village(trung_yen, "Thôn Khuôn Mản")
    for _ in range(6):
        household_in(trung_yen)
    Household.objects.filter(commune=trung_yen).update(village=village)
    household_in(tan_trao_old, with_village=False)
    before = (Household.objects.values_list("pk", "commune_id", "version").order_by("pk"), HouseholdPlacement.objects.count())
    before = (list(before[0]), before[1])
    preview = merger_preview(sources=[trung_yen, tan_trao_old], effective_date=REFORM, target=unit_on("02545", REFORM))
    assert preview.ok, preview.problems
    by_name = {s.unit.name: s for s in preview.sources}
    assert by_name["Xã Trung Yên"].households == 6 and by_name["Xã Tân Trào"].households == 1
    assert preview.households == 7
    assert "Thôn Khuôn Mản" in [v.name for v in by_name["Xã Trung Yên"].villages]
    assert (list(Household.objects.values_list("pk", "commune_id", "version").order_by("pk")), HouseholdPlacement.objects.count()) == before
    assert not UnitMerger.objects.exists()


def test_other_apps_join_the_preview_and_the_transaction_through_signals():
    trung_yen, tan_trao_old, tan_trao = unit_on("02539", BEFORE_REFORM), unit_on("02545", BEFORE_REFORM), unit_on("02545", REFORM)
    hh = household_in(trung_yen)
    seen = {}

    def preview_item(sender, *, lineage_ids, **kwargs):
        return PreviewItem(label="Báo cáo phải nộp", count=len(lineage_ids))

    def moved(sender, *, merger, current, **kwargs):
        seen["current"] = current
        return {"moved": 2}

    def refuse(sender, **kwargs):
        raise ValidationError("Còn báo cáo chưa chuyển được.")

    merger_preview_items.connect(preview_item, dispatch_uid="test.preview")
    units_merged.connect(refuse, dispatch_uid="test.refuse")
    try:
        preview = merger_preview(sources=[trung_yen, tan_trao_old], effective_date=REFORM, target=tan_trao)
        assert PreviewItem(label="Báo cáo phải nộp", count=2) in preview.extra
        with pytest.raises(ValidationError, match="chưa chuyển"):
            merger_apply(sources=[trung_yen, tan_trao_old], effective_date=REFORM, target=tan_trao)
        hh.refresh_from_db()
        assert hh.commune == trung_yen and not UnitMerger.objects.exists()  # all or nothing
        units_merged.disconnect(dispatch_uid="test.refuse")
        units_merged.connect(moved, dispatch_uid="test.moved")
        merger = merger_apply(sources=[trung_yen, tan_trao_old], effective_date=REFORM, target=tan_trao)
        assert {"moved": 2} in merger.summary["hooks"].values()
        assert seen["current"] == tan_trao
    finally:
        merger_preview_items.disconnect(dispatch_uid="test.preview")
        units_merged.disconnect(dispatch_uid="test.refuse")
        units_merged.disconnect(dispatch_uid="test.moved")


def test_a_placement_that_spans_the_merger_is_split_at_its_date():
    trung_yen = unit_on("02539", BEFORE_REFORM)
    hh = household_in(trung_yen)
    HouseholdPlacement.objects.create(household=hh, commune=trung_yen, village=hh.village, valid_from=dt.date(2022, 3, 1))
    mergers_apply(requests=reform_requests(REFORM))
    periods = list(hh.placements.order_by("valid_from").values_list("commune__name", "valid_from", "valid_to"))
    assert periods == [("Xã Trung Yên", dt.date(2022, 3, 1), BEFORE_REFORM), ("Xã Tân Trào", REFORM, None)]


@pytest.fixture
def district_unit_pair(db):
    district = AdministrativeUnit.objects.get(code="076")
    make = lambda code, name: AdministrativeUnit.objects.create(  # noqa: E731
        code=code, name=name, level=Level.COMMUNE, parent=district, valid_from=dt.date(2000, 1, 1)
    )
    return make("99001", "Xã Thử Một"), make("99002", "Xã Thử Hai")
