"""Household events (split, merge, move, move in, move out, dissolve) and members' dates: what each writes, what it
refuses (in Vietnamese), how it counts in the year's figures (docs/domain.md §3: registry events are other increases and
decreases, not review results), and the API `household-events/`."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from households import events
from households.household_years import household_years_check
from households.models import (
    Change, EventKind, Household, HouseholdEvent, HouseholdPlacement, HouseholdStatus, HouseholdYear, Member, MemberChange,
    Relation, Sex,
)
from households.services import household_save
from reporting import selectors
from tests.conftest import unit
from tests.households.review_fixtures import make_household, make_old_village, save

pytestmark = pytest.mark.django_db

D = dt.date


def row(household, year):
    return HouseholdYear.objects.get(household=household, year=year)


def members_of(household):
    return list(Member.objects.filter(household=household).order_by("order", "id"))


@pytest.fixture
def family():
    """Four members of a Trung Yên household: head, spouse, an adult son, a child."""
    hh = make_household(old_commune="02539", new_commune="02545", village=make_old_village("02539", "Thôn Cầu Trâu"), head="Bàn Văn Lợi", ethnic="09")
    Member.objects.filter(household=hh, relation=Relation.PARENT).update(full_name="Bàn Văn Cường", relation=Relation.CHILD, birth_date=D(1999, 1, 5))
    save(hh, 2023, day=D(2023, 10, 1))  # poor in 2023 (income 1.2 million, 3 deprivations)
    return Household.objects.get(pk=hh.pk)


def test_entering_a_household_is_not_an_event_it_lived_here_before_the_data(family):
    assert family.resident_since is None and not family.events.exists()
    assert HouseholdYear.objects.filter(household=family).count() == HouseholdYear.objects.values("year").distinct().count()
    assert row(family, 2021).commune == unit("02539", D(2021, 1, 1)) and row(family, 2021).persons == 4


def test_a_split_makes_a_new_household_of_some_members_and_both_are_linked(family):
    son = next(m for m in members_of(family) if m.full_name == "Bàn Văn Cường")
    event = events.household_split(household=family, date=D(2024, 3, 10), reason="Con trai lập gia đình.", user=None,
                                   code="02539-SPLIT-1", members=[son])
    child = event.other_household
    assert event.kind == EventKind.SPLIT and child.code == "02539-SPLIT-1" and child.resident_since == D(2024, 3, 10)
    assert child.head_name == "Bàn Văn Cường" and [m.relation for m in members_of(child)] == [Relation.HEAD]
    old = Member.all_objects.get(pk=son.pk)
    assert (old.left_on, old.left_reason) == (D(2024, 3, 10), MemberChange.SPLIT) and len(members_of(family)) == 3
    # The person's membership moves: one current row, the old one closed (the ID stays unique among current members).
    assert Member.objects.filter(full_name="Bàn Văn Cường").count() == 1
    # The year rows: the parent keeps 4 persons on 31/12/2023 and 3 on 31/12/2024; the new household arrives in 2024.
    assert (row(family, 2023).persons, row(family, 2024).persons) == (4, 3)
    assert row(child, 2024).prev_commune is None and row(child, 2024).persons == 1
    assert not HouseholdYear.objects.filter(household=child, year=2023).exists()
    assert household_years_check() == []


def test_a_split_off_households_first_review_follows_its_parents_history(family):
    son = next(m for m in members_of(family) if m.full_name == "Bàn Văn Cường")
    child = events.household_split(household=family, date=D(2024, 3, 10), reason="Ra ở riêng.", user=None,
                                   code="02539-SPLIT-2", members=[son]).other_household
    review = save(child, 2024, day=D(2024, 10, 5))
    # The parent was poor in 2023: the new household, poor in 2024, stayed poor (not a first review, not newly poor).
    assert review.classification == "poor" and review.change == Change.STAYED
    assert row(child, 2024).change_w == Change.STAYED


def test_the_head_cannot_leave_without_a_new_head_for_the_rest(family):
    head = next(m for m in members_of(family) if m.relation == Relation.HEAD)
    spouse = next(m for m in members_of(family) if m.relation == Relation.SPOUSE)
    with pytest.raises(ValidationError) as err:
        events.household_split(household=family, date=D(2024, 3, 10), reason="x", user=None, code="X-1", members=[head])
    assert "chủ hộ mới" in str(err.value.message_dict["new_head"])
    events.household_split(household=family, date=D(2024, 3, 10), reason="Chủ hộ ra ở riêng.", user=None, code="X-1",
                           members=[head], new_head=spouse)
    family.refresh_from_db()
    assert family.head_name == "Hoàng Thị Mai"


@pytest.mark.parametrize("bad,field,words", [
    ({"date": D(2999, 1, 1)}, "date", "sau ngày hôm nay"),
    ({"reason": " "}, "reason", "lý do"),
    ({"code": ""}, "other_household", "mã"),
])
def test_a_split_is_refused_with_the_reason_in_vietnamese(family, bad, field, words):
    son = next(m for m in members_of(family) if m.full_name == "Bàn Văn Cường")
    args = {"household": family, "date": D(2024, 3, 10), "reason": "Ra ở riêng.", "user": None, "code": "Y-1", "members": [son], **bad}
    with pytest.raises(ValidationError) as err:
        events.household_split(**args)
    assert words in str(err.value.message_dict[field])
    assert not HouseholdEvent.objects.exists() and Member.all_objects.filter(left_on__isnull=False).count() == 0


def test_a_split_cannot_take_every_member(family):
    with pytest.raises(ValidationError) as err:
        events.household_split(household=family, date=D(2024, 3, 10), reason="x", user=None, code="Z-1", members=members_of(family))
    assert "ít nhất một nhân khẩu" in str(err.value.message_dict["members"])


def test_a_merger_moves_the_members_and_ends_the_household(family):
    widow = household_save(household=None, data={"code": "GRAN-1", "commune": unit("02545"), "village": family.village},
                           members=[{"full_name": "Bàn Thị Thu", "sex": Sex.FEMALE, "birth_date": D(1940, 1, 1), "relation": Relation.HEAD}])
    event = events.household_merge(household=widow, into=family, date=D(2025, 2, 1), reason="Về ở với con.", user=None)
    widow.refresh_from_db()
    assert (widow.status, widow.ended_on, event.other_household) == (HouseholdStatus.MERGED, D(2025, 2, 1), family)
    assert [m.full_name for m in members_of(family)][-1] == "Bàn Thị Thu" and not members_of(widow)
    assert row(widow, 2025).commune is None and row(widow, 2025).prev_persons == 1  # its last row: it left in 2025
    assert row(family, 2025).persons == 5
    with pytest.raises(ValidationError):
        events.household_move_out(household=widow, date=D(2025, 3, 1), reason="x", user=None)  # it no longer lives here


def test_moving_within_the_area_keeps_the_place_history(family):
    village = make_old_village("02542", "Thôn Mới")
    events.household_move(household=family, date=D(2024, 5, 1), village=village, reason="Chuyển về quê vợ.", user=None)
    family.refresh_from_db()
    assert family.village == village and family.commune == unit("02554")
    periods = list(HouseholdPlacement.objects.filter(household=family).order_by("valid_from").values_list("commune__name", "valid_from", "valid_to"))
    assert periods[0][0] == "Xã Trung Yên" and periods[0][2] == D(2024, 4, 30)
    assert [p[0] for p in periods[1:]] == ["Xã Minh Thanh", "Xã Minh Thanh"]  # the old unit until 30/6/2025, then the new
    assert row(family, 2023).commune.name == "Xã Trung Yên" and row(family, 2024).commune == unit("02542", D(2024, 1, 1))
    assert row(family, 2024).moved is True


def test_moving_in_and_out_of_the_area(family):
    arrival = household_save(household=None, data={"code": "NEW-1", "commune": unit("02545")},
                             members=[{"full_name": "Lý Văn Tới", "sex": Sex.MALE, "birth_date": D(1990, 1, 1), "relation": Relation.HEAD}])
    events.household_move_in(household=arrival, date=D(2024, 6, 1), reason="Từ Hà Giang đến.", user=None)
    assert not HouseholdYear.objects.filter(household=arrival, year=2023).exists()
    assert row(arrival, 2024).prev_commune is None
    review = save(arrival, 2024, day=D(2024, 10, 1))
    assert review.change == Change.FIRST_REVIEW  # it did not live here last year
    events.household_move_out(household=family, date=D(2025, 8, 1), reason="Vào Bình Dương làm ăn.", user=None)
    family.refresh_from_db()
    assert (family.status, family.ended_on) == (HouseholdStatus.MOVED_OUT, D(2025, 8, 1))
    assert row(family, 2025).commune is None and not HouseholdYear.objects.filter(household=family, year=2026).exists()
    # Moving in cannot be recorded before a review the household already has here.
    other = make_household()
    save(other, 2023, day=D(2023, 10, 1))
    with pytest.raises(ValidationError) as err:
        events.household_move_in(household=other, date=D(2024, 6, 1), reason="x", user=None)
    assert "trước ngày chuyển đến" in str(err.value.message_dict["date"])


def test_a_household_ends_when_its_last_member_dies():
    alone = household_save(household=None, data={"code": "ALONE-1", "commune": unit("02545")},
                           members=[{"full_name": "Triệu Văn Một", "sex": Sex.MALE, "birth_date": D(1930, 1, 1), "relation": Relation.HEAD}])
    events.household_dissolve(household=alone, date=D(2024, 12, 20), reason="Chủ hộ mất.", user=None)
    alone.refresh_from_db()
    member = Member.all_objects.get(household=alone)
    assert (alone.status, member.left_reason, member.left_on) == (HouseholdStatus.DISSOLVED, MemberChange.DEATH, D(2024, 12, 20))
    # An event of 20 December belongs to that year: the household is not resident on 31/12/2024.
    assert row(alone, 2024).commune is None


def test_events_are_kept_in_order(family):
    events.household_move(household=family, date=D(2025, 5, 1), village=make_old_village("02539", "Thôn B"), reason="x", user=None)
    with pytest.raises(ValidationError) as err:
        events.household_move_out(household=family, date=D(2025, 1, 1), reason="y", user=None)
    assert "theo thứ tự thời gian" in str(err.value.message_dict["date"])


def test_members_join_and_leave_with_dates_and_the_persons_of_each_year_follow(family):
    head = members_of(family)[0]
    rows = [{"id": m.pk, "full_name": m.full_name, "sex": m.sex, "birth_date": m.birth_date, "citizen_id": m.citizen_id,
             "ethnic_group": m.ethnic_group, "relation": m.relation} for m in members_of(family)]
    rows[3].update(left_on=D(2024, 2, 1), left_reason=MemberChange.DEATH)
    rows.append({"full_name": "Bàn Văn Bé", "sex": Sex.MALE, "birth_date": D(2025, 6, 1), "relation": Relation.CHILD,
                 "joined_on": D(2025, 6, 1), "joined_reason": MemberChange.BIRTH})
    household_save(household=family, data={}, members=rows)
    assert [row(family, y).persons for y in (2023, 2024, 2025)] == [4, 3, 4]
    assert head.pk in {m.pk for m in members_of(family)}
    with pytest.raises(ValidationError) as err:
        rows[0].update(left_on=D(2024, 1, 1), left_reason="")
        household_save(household=family, data={}, members=rows)
    assert "lý do rời hộ" in str(err.value).lower()


def test_events_count_as_other_increases_and_decreases_of_their_year(family):
    """docs/domain.md §3: a move in, a split, a move out, a merger, a dissolution are other increases/decreases; a
    resident household that becomes poor without being on last year's lists is newly poor."""
    tt = unit("02545")
    save(family, 2024, day=D(2024, 10, 1))  # poor again: stays
    resident = make_household(old_commune="02539", new_commune="02545", village=family.village, head="Ma Văn Mới")
    save(resident, 2024, day=D(2024, 10, 1))  # never reviewed before, resident: newly poor
    arrival = household_save(household=None, data={"code": "IN-1", "commune": tt, "village": family.village},
                             members=[{"full_name": "Lục Văn Đến", "sex": Sex.MALE, "birth_date": D(1980, 1, 1), "relation": Relation.HEAD}])
    events.household_move_in(household=arrival, date=D(2024, 4, 1), reason="Đến.", user=None)
    save(arrival, 2024, day=D(2024, 10, 1))  # moved in this year: an other increase
    ty = unit("02539", D(2024, 1, 1))
    # The reviews are still drafts: the working basis counts them.
    m = selectors.movements(year=2024, unit_ids=[ty.pk], basis="working")
    assert (m["poor"]["start"], m["poor"]["newly_poor"], m["poor"]["other_increase"], m["poor"]["end"]) == (1, 1, 1, 3)
    events.household_move_out(household=family, date=D(2025, 3, 1), reason="Đi.", user=None)
    later = selectors.movements(year=2025, unit_ids=[tt.pk], basis="working")
    later_by_unit = selectors.movements_by_unit(year=2025, structure="historical", basis="working")
    tt_row = next(r for r in later_by_unit if r["unit"]["code"] == "02545")
    assert tt_row["poor"]["other_decrease"] == 1 and tt_row["poor"]["start"] == 3 and tt_row["poor"]["end"] == 2
    assert later["poor"] == tt_row["poor"]


# --- the API ----------------------------------------------------------------------------------------------------


def test_the_api_records_and_lists_events_in_scope(client, family, tantrao_officer, minhthanh_officer):
    client.force_login(tantrao_officer)
    son = next(m for m in members_of(family) if m.full_name == "Bàn Văn Cường")
    response = client.post("/api/v1/household-events/", {
        "household": family.code, "kind": "split", "date": "2024-03-10", "reason": "Ra ở riêng.",
        "other_household": "02539-API-1", "members": [son.pk],
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "split" and body["other_household"] == "02539-API-1" and body["moved_members"][0]["full_name"] == "Bàn Văn Cường"
    listed = client.get("/api/v1/household-events/", {"household": family.code}).json()
    assert listed["count"] == 1
    client.force_login(minhthanh_officer)
    assert client.get("/api/v1/household-events/").json()["count"] == 0
    assert client.get(f"/api/v1/household-events/{body['id']}/").status_code == 404


def test_an_invalid_event_answers_400_with_field_errors_in_vietnamese(client, family, tantrao_officer):
    client.force_login(tantrao_officer)
    response = client.post("/api/v1/household-events/", {
        "household": family.code, "kind": "move_out", "date": "2999-01-01", "reason": "",
    }, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "reason" in body or "date" in body
    unknown = client.post("/api/v1/household-events/", {"household": "KHONG-CO", "kind": "dissolve", "date": "2024-01-01", "reason": "x"},
                          content_type="application/json")
    assert unknown.status_code == 400 and "KHONG-CO" in unknown.json()["household"][0]


def test_the_province_reads_no_household_events(client, family, province_viewer):
    client.force_login(province_viewer)
    assert client.get("/api/v1/household-events/").status_code == 403

