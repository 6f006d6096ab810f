"""Property tests (hypothesis): random multi-year histories of reviews and household events in communes that merge
(Hồng Lạc + Vân Sơn → Hồng Sơn on 1/9/2024; Trung Yên + Tân Trào → Tân Trào on 1/7/2025). On every row of every
year, in both structures and on both bases:

- the movement identity of forms 2 and 3 holds, for households and persons: 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8;
- the area's total is the sum of its rows, column by column;
- the start of year Y is the end of year Y − 1 (through the successors of merged units);
- rates are counts ÷ resident households × 100;
- the end-of-year counts equal those of a plain model kept by the test itself (who lives where on 31 December,
  and the status of each household's latest counted review), not by the code under test;
- the stored year rows equal a fresh build (every service kept them up to date).
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from households import events
from households.household_years import household_years_check, household_years_refresh
from households.models import AnnualReview, Household, PovertyStandard, Relation, ReviewState, Sex
from households.services import household_save
from households.structure import successor_map
from reporting import cube, selectors
from tests.conftest import make_village, unit

pytestmark = pytest.mark.django_db

YEARS = (2022, 2023, 2024, 2025, 2026)
OLD = ("02539", "02545", "02608", "02638", "02542")  # Trung Yên, Tân Trào, Hồng Lạc, Vân Sơn, Minh Thanh (2023)
CLASSES = ("poor", "near_poor", "other")
_codes = itertools.count(1)

review_st = st.tuples(st.sampled_from(CLASSES), st.booleans())  # classification, official
year_plan_st = st.fixed_dictionaries({
    "reviews": st.lists(st.one_of(st.none(), review_st), min_size=10, max_size=10),
    "event": st.one_of(st.none(), st.tuples(st.sampled_from(["move", "move_out", "split", "merge", "dissolve", "move_in"]),
                                            st.integers(0, 9), st.integers(0, 9), st.integers(1, 8))),
})
history_st = st.fixed_dictionaries({
    "homes": st.lists(st.tuples(st.integers(0, len(OLD) - 1), st.integers(1, 4)), min_size=3, max_size=6),
    "years": st.lists(year_plan_st, min_size=len(YEARS), max_size=len(YEARS)),
})


def _status(cls: str) -> str:
    return cls if cls in ("poor", "near_poor") else ""


def _build(history):
    """Apply a random history through the services; return the test's own model of it."""
    villages = {code: make_village(unit(code, dt.date(2023, 1, 1))) for code in OLD}
    model = {"home": {}, "since": {}, "ended": {}, "reviews": defaultdict(dict), "parent": {}}
    households: list[Household] = []

    def new_household(old_index: int, size: int, since: dt.date | None = None) -> Household:
        village = villages[OLD[old_index]]
        members = [{"full_name": f"Người {i}", "sex": Sex.MALE if i % 2 else Sex.FEMALE, "birth_date": dt.date(1970 + i, 1, 1),
                    "relation": Relation.HEAD if i == 0 else Relation.CHILD} for i in range(size)]
        hh = household_save(household=None, data={"code": f"P-{next(_codes):06d}", "commune": village.commune_on(dt.date.today()), "village": village},
                            members=members)
        if since is not None:
            events.household_move_in(household=hh, date=since, reason="Chuyển đến.", user=None)
        model["home"][hh.pk] = [(since or dt.date(1900, 1, 1), village)]
        model["since"][hh.pk] = since
        households.append(hh)
        return hh

    for old_index, size in history["homes"]:
        new_household(old_index, size)
    standard = {y: PovertyStandard.objects.for_year(y) for y in YEARS}
    for y, plan in zip(YEARS, history["years"]):
        day = dt.date(y, 5, 10)
        if plan["event"] is not None:
            kind, a, b, size = plan["event"]
            living = [h for h in households if h.pk not in model["ended"]]
            if kind == "move_in":
                new_household(a % len(OLD), 1 + size % 3, since=day)
            elif living:
                hh = Household.objects.get(pk=living[a % len(living)].pk)
                other = Household.objects.get(pk=living[b % len(living)].pk)
                members = list(hh.members.all())
                if kind == "move":
                    village = villages[OLD[b % len(OLD)]]
                    if village.pk != hh.village_id:
                        events.household_move(household=hh, date=day, village=village, reason="Chuyển.", user=None)
                        model["home"][hh.pk].append((day, village))
                elif kind == "move_out":
                    events.household_move_out(household=hh, date=day, reason="Đi.", user=None)
                    model["ended"][hh.pk] = day
                elif kind == "dissolve":
                    events.household_dissolve(household=hh, date=day, reason="Mất.", user=None)
                    model["ended"][hh.pk] = day
                elif kind == "merge" and other.pk != hh.pk:
                    events.household_merge(household=hh, into=other, date=day, reason="Nhập.", user=None)
                    model["ended"][hh.pk] = day
                elif kind == "split" and len(members) >= 2:
                    leaving = [m for m in members if m.relation != Relation.HEAD][:1]
                    child = events.household_split(household=hh, date=day, reason="Tách.", user=None,
                                                   code=f"P-{next(_codes):06d}", members=leaving).other_household
                    model["home"][child.pk] = [(day, hh.village)]
                    model["since"][child.pk] = day
                    model["parent"][child.pk] = (hh.pk, y)
                    households.append(child)
        for hh, planned in zip(list(households), plan["reviews"]):
            if planned is None or hh.pk in model["ended"]:
                continue
            since = model["since"].get(hh.pk)
            if since is not None and since > dt.date(y, 10, 1):
                continue
            cls, official = planned
            village = model["home"][hh.pk][-1][1]
            commune = village.commune_on(dt.date(y, 10, 1))
            AnnualReview.objects.create(
                household=hh, year=y, review_date=dt.date(y, 10, 1), standard=standard[y], commune=commune, village=village,
                area=commune.area, member_count=1, income_per_capita_month=1_000_000 if cls != "other" else 3_000_000,
                classification=cls, change="stayed", state=ReviewState.CONFIRMED if official else ReviewState.DRAFT,
            )
            model["reviews"][hh.pk][y] = (cls, official)
            household_years_refresh(household_ids=[hh.pk])
    return model


def _model_end(model, year: int, basis: str) -> dict[int, dict[str, int]]:
    """The test's own count: households living in each of today's communes on 31 December of `year`, and the poor
    and near-poor among them by their latest counted review (a household never reviewed is neither)."""
    ref = dt.date(year, 12, 31)
    today_units = successor_map()
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"households": 0, "poor": 0, "near_poor": 0})
    for hid, homes in model["home"].items():
        since, ended = model["since"].get(hid), model["ended"].get(hid)
        if (since is not None and since > ref) or (ended is not None and ended <= ref):
            continue
        village = [v for start, v in homes if start <= ref][-1]
        key = today_units[village.parent_id]
        counted = {y: c for y, (c, official) in model["reviews"][hid].items() if y <= year and (official or basis == "working")}
        status = _status(counted[max(counted)]) if counted else ""
        out[key]["households"] += 1
        if status:
            out[key][status] += 1
    return out


def _model_moves(model, year: int, basis: str) -> dict[str, int]:
    """The test's own count of the year's changes of status among households that stayed in their village."""
    def place(hid, ref):
        since, ended = model["since"].get(hid), model["ended"].get(hid)
        if (since is not None and since > ref) or (ended is not None and ended <= ref):
            return None
        return [v for start, v in model["home"][hid] if start <= ref][-1]

    def status(hid, y):
        counted = {yy: c for yy, (c, official) in model["reviews"][hid].items() if yy <= y and (official or basis == "working")}
        return _status(counted[max(counted)]) if counted else ""

    out = dict.fromkeys(("escaped_to_near_poor", "escaped_above_near_poor", "near_poor_to_poor", "fell_back", "newly_poor"), 0)
    for hid in model["home"]:
        here, before = place(hid, dt.date(year, 12, 31)), place(hid, dt.date(year - 1, 12, 31))
        if here is None or here != before:
            continue
        prev, now = status(hid, year - 1), status(hid, year)
        if prev == "poor" and now != "poor":
            out["escaped_to_near_poor" if now == "near_poor" else "escaped_above_near_poor"] += 1
        if now == "poor" and prev != "poor":
            if prev == "near_poor":
                out["near_poor_to_poor"] += 1
            else:
                earlier = [c for yy, (c, official) in model["reviews"][hid].items() if yy < year and (official or basis == "working")]
                if hid in model["parent"]:  # a split-off household's past is its parent's before the split
                    parent, split_year = model["parent"][hid]
                    earlier += [c for yy, (c, official) in model["reviews"][parent].items()
                                if yy < split_year and (official or basis == "working")]
                out["fell_back" if "poor" in earlier else "newly_poor"] += 1
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=history_st)
def test_every_row_balances_and_matches_a_plain_model(db, history):
    with transaction.atomic():
        model = _build(history)
        assert household_years_check() == []
        for basis in ("official", "working"):
            ends = {}
            for structure in ("historical", "current"):
                for y in YEARS:
                    rows = selectors.movements_by_unit(year=y, basis=basis, structure=structure)
                    total = selectors.movements(year=y, basis=basis)
                    for r in rows:
                        for table in ("poor", "near_poor"):
                            assert cube.balances(r[table], table), (basis, structure, y, r["unit"]["code"], table, r[table])
                            assert cube.balances(r["persons"][table], table), (basis, structure, y, r["unit"]["code"], table)
                    for table in ("poor", "near_poor"):
                        for col in total[table]:
                            assert total[table][col] == sum(r[table][col] for r in rows), (basis, structure, y, table, col)
                            assert total["persons"][table].get(col, 0) == sum(r["persons"][table].get(col, 0) for r in rows)
                    if structure == "historical":
                        expected_moves = _model_moves(model, y, basis)
                        assert {k: total["poor"][k] for k in expected_moves} == expected_moves, (basis, y)
                    if y > YEARS[0]:
                        before = selectors.movements(year=y - 1, basis=basis)
                        for table in ("poor", "near_poor"):
                            assert total[table]["start"] == before[table]["end"], (basis, structure, y, table)
                            assert total["persons"][table]["start"] == before["persons"][table]["end"]
                    if structure == "current":
                        by_unit = selectors.poverty_by_unit(year=y, basis=basis, structure="current")
                        expected = _model_end(model, y, basis)
                        got = {r["unit"]["id"]: {k: r[k] for k in ("households", "poor", "near_poor")} for r in by_unit}
                        assert got == {k: v for k, v in expected.items() if v["households"]}, (basis, y)
                        for r in by_unit:
                            assert r["poor_rate"] == selectors.rate(r["poor"], r["households"])
                        ends[y] = {r["unit"]["id"]: (r["poor"], r["near_poor"]) for r in by_unit}
            # On today's structure a unit's start is its own end of the year before.
            for y in YEARS[1:]:
                for r in selectors.movements_by_unit(year=y, basis=basis, structure="current"):
                    uid = r["unit"]["id"]
                    assert (r["poor"]["start"], r["near_poor"]["start"]) == ends[y - 1].get(uid, (0, 0)), (basis, y, uid)
        transaction.set_rollback(True)
