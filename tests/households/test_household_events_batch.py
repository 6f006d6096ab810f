"""`events.household_events_apply`, the one writer of household events: the services write an officer's single
entry through it, the demo writes each year's events in one batch. A batch must leave exactly the rows the
services leave one by one — households, events, places across the 2025 merger, members' dates and moves, year rows
and history — so the demo's figures are the figures of the rules an officer goes through."""
import datetime as dt

import pytest

from households import events
from households.household_years import COLUMNS, household_years_check
from households.models import (
    EventKind, Household, HouseholdEvent, HouseholdPlacement, HouseholdYear, Member, MemberChange, Relation,
)
from households.text import fold
from tests.conftest import unit
from tests.households.review_fixtures import make_household, make_old_village, save

pytestmark = pytest.mark.django_db

D = dt.date
ROLES = ("split", "merging", "into", "mover", "leaver", "alone", "newcomer")


def _world(prefix: str, villages: dict) -> dict[str, Household]:
    """Seven households of Trung Yên (merged into Tân Trào on 1 July 2025), codes `prefix-role`."""
    made = {}
    for role in ROLES:
        hh = make_household(old_commune="02539", new_commune="02545", village=villages["cau_trau"], head=f"Bàn Văn {role.title()}", ethnic="09")
        Household.objects.filter(pk=hh.pk).update(code=f"{prefix}-{role}")
        made[role] = Household.objects.get(pk=hh.pk)
    son = Member.objects.get(household=made["split"], relation=Relation.PARENT)
    son.full_name, son.relation, son.birth_date = "Bàn Văn Cường", Relation.CHILD, D(1999, 1, 5)
    son.save()
    for role in ("merging", "alone"):  # a widow living alone
        Member.objects.filter(household=made[role]).exclude(relation=Relation.PARENT).delete()
        Member.objects.filter(household=made[role]).update(relation=Relation.HEAD)
    save(made["split"], 2023, day=D(2023, 10, 1))
    save(made["mover"], 2023, day=D(2023, 10, 2), income=2_500_000, deprivations=("4", "7"))
    return {role: Household.objects.get(pk=hh.pk) for role, hh in made.items()}


def _son(hh: Household) -> Member:
    return Member.objects.get(household=hh, full_name="Bàn Văn Cường")


def _by_services(w: dict[str, Household], villages: dict) -> None:
    events.household_split(household=w["split"], date=D(2024, 3, 10), reason="Con trai ra ở riêng.", user=None,
                           code=w["split"].code.replace("split", "child"), members=[_son(w["split"])])
    events.household_merge(household=w["merging"], into=w["into"], date=D(2024, 5, 2), reason="Về ở với con.", user=None)
    events.household_move(household=w["mover"], date=D(2024, 6, 1), village=villages["town"], reason="Chuyển nơi ở.", user=None)
    events.household_move_out(household=w["leaver"], date=D(2024, 2, 1), reason="Đi làm ăn xa.", user=None)
    events.household_dissolve(household=w["alone"], date=D(2024, 4, 4), reason="Chủ hộ đã mất.", user=None)
    events.household_move_in(household=w["newcomer"], date=D(2021, 7, 7), reason="Từ tỉnh khác đến.", user=None)
    # A second event on the places the first one wrote, across the merger of 1 July 2025.
    events.household_move_out(household=Household.objects.get(pk=w["mover"].pk), date=D(2025, 8, 1), reason="Đi tỉnh khác.", user=None)


def _by_batch(w: dict[str, Household], villages: dict, history: bool = True) -> None:
    P = events.EventPlan
    events.household_events_apply([
        P(EventKind.SPLIT, w["split"], D(2024, 3, 10), "Con trai ra ở riêng.", code=w["split"].code.replace("split", "child"),
          members=[_son(w["split"])]),
        P(EventKind.MERGE, w["merging"], D(2024, 5, 2), "Về ở với con.", into=w["into"]),
        P(EventKind.MOVE, w["mover"], D(2024, 6, 1), "Chuyển nơi ở.", village=villages["town"]),
        P(EventKind.MOVE_OUT, w["leaver"], D(2024, 2, 1), "Đi làm ăn xa."),
        P(EventKind.DISSOLVE, w["alone"], D(2024, 4, 4), "Chủ hộ đã mất.", member_reason=MemberChange.DEATH),
        P(EventKind.MOVE_IN, w["newcomer"], D(2021, 7, 7), "Từ tỉnh khác đến."),
    ], history=history)
    events.household_events_apply([P(EventKind.MOVE_OUT, Household.objects.get(pk=w["mover"].pk), D(2025, 8, 1), "Đi tỉnh khác.")],
                                  history=history)


def _snapshot(prefix: str) -> dict:
    """Every row the events wrote for one world, with its household codes and ids taken out."""
    households = {h.pk: h for h in Household.objects.filter(code__startswith=f"{prefix}-")}
    role = {pk: h.code.removeprefix(f"{prefix}-") for pk, h in households.items()}

    def text(value: str) -> str:
        return value.replace(f"{prefix}-", "")

    out: dict = {}
    for pk, h in households.items():
        assert h.search_key == fold(f"{h.code} {h.head_name} {h.address}")[:255]
        out[role[pk]] = {
            "household": (h.commune_id, h.village_id, h.head_name, h.resident_since, h.ended_on, h.status, h.version),
            "events": [(e.kind, e.date, e.reason, e.commune_id, e.from_village_id, e.to_commune_id, e.to_village_id,
                        role.get(e.other_household_id), [m["full_name"] for m in e.members], e.recorded_by_id)
                       for e in HouseholdEvent.objects.filter(household_id=pk).order_by("date", "id")],
            "places": [(*p[:4], text(p[4])) for p in HouseholdPlacement.objects.filter(household_id=pk).order_by("valid_from")
                       .values_list("commune_id", "village_id", "valid_from", "valid_to", "reason")],
            "members": list(Member.all_objects.filter(household_id=pk).order_by("order", "full_name", "joined_on")
                            .values_list("full_name", "relation", "order", "birth_date", "joined_on", "joined_reason", "left_on", "left_reason", "search_key")),
            "years": [tuple(v is not None if c.startswith("source_") else v for c, v in zip(COLUMNS[1:], row))
                      for row in HouseholdYear.objects.filter(household_id=pk).order_by("year").values_list(*COLUMNS[1:])],
            "history": (Household.history.filter(id=pk).count(), Member.history.filter(household_id=pk).count(),
                        HouseholdEvent.history.filter(household_id=pk).count()),
        }
    return out


@pytest.fixture
def villages():
    return {"cau_trau": make_old_village("02539", "Thôn Cầu Trâu"), "town": make_old_village("02536", "Tổ dân phố Tân Bắc")}


def test_a_batch_writes_the_rows_the_services_write_one_by_one(villages):
    _by_services(_world("A", villages), villages)
    _by_batch(_world("B", villages), villages)
    by_services, by_batch = _snapshot("A"), _snapshot("B")
    assert set(by_services) == {*ROLES, "child"}
    for role in by_services:
        assert by_batch[role] == by_services[role], role
    # And what they wrote is what the rules say (hand-read): the split-off's head, the merged widow in her son's
    # household (the last of four), the mover's places: Trung Yên to 31/5/2024, the town to 30/6/2025, Sơn Dương commune to 31/7/2025.
    assert [m[:2] for m in by_batch["child"]["members"]] == [("Bàn Văn Cường", Relation.HEAD)]
    assert ("Ma Thị Lụa", Relation.OTHER) in [m[:2] for m in by_batch["into"]["members"]]
    assert [(p[0], p[2], p[3]) for p in by_batch["mover"]["places"]] == [
        (unit("02539", D(2024, 1, 1)).pk, dt.date(1900, 1, 1), D(2024, 5, 31)),
        (unit("02536", D(2024, 6, 1)).pk, D(2024, 6, 1), D(2025, 6, 30)),
        (unit("02536", D(2025, 7, 1)).pk, D(2025, 7, 1), D(2025, 7, 31)),
    ]
    assert household_years_check() == []


def test_the_demos_batches_write_the_same_rows_without_history(villages):
    _by_batch(_world("A", villages), villages)
    _by_batch(_world("B", villages), villages, history=False)
    with_history, without = _snapshot("A"), _snapshot("B")
    for role in with_history:
        assert {**without[role], "history": None} == {**with_history[role], "history": None}, role
    # Only what the world's own set-up saved is in the history (the events add nothing).
    assert without["child"]["history"] == (0, 0, 0) and without["leaver"]["history"][2] == 0


def test_a_batch_holds_one_event_a_household():
    hh = make_household()
    with pytest.raises(ValueError):
        events.household_events_apply([
            events.EventPlan(EventKind.MOVE_OUT, hh, D(2024, 2, 1), "Đi làm ăn xa."),
            events.EventPlan(EventKind.DISSOLVE, hh, D(2024, 3, 1), "Chủ hộ đã mất."),
        ])
    assert not HouseholdEvent.objects.filter(household=hh).exists()
