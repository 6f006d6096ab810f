"""Each household's year as the figures count it: the rows of `HouseholdYear`, derived from the registry.

The annual review covers the households on the lists and those that applied (Decision 24/2021/QĐ-TTg Art. 4);
every other resident household is neither poor nor near-poor and keeps that status without a review, and a
household on the lists that was not reviewed again keeps its status until a review changes it. So a year's figures
are about every household living in the unit on the year's reference date — 31 December, so that the registry
events of a year (a split on 20 December included) fall in that year — not about the households reviewed:

- where it lived then (its placement history, or its village's commune on that date: the unit in force then, so a
  2024 row of a Hồng Lạc household names Hồng Sơn, and a 2025 row one of the ten new communes), and the area, whose
  income line applies;
- its members on that date (born, joined and not yet left), and whether it is an ethnic-minority household;
- its status on the lists on the official basis (reviews recognised by the commune chairman or confirmed) and on the
  working basis (every review), from its latest review up to that year, and its change from the year before.

A row also carries the same facts for the year before, so a movement table reads one row per household and year:
arrivals (moved in, split off) have no year-before place, and a household that left during the year (moved out,
merged, dissolved) has one last row with no place on the reference date.

`household_years_refresh(household_ids=…)` rebuilds the rows of some households inside the caller's transaction
(every service that writes a review, a member, a place or an event calls it); `household_years_rebuild()` rebuilds
them all (`manage.py rebuild_statistics`, the demo, a new year on 1 January).
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from . import poverty
from .bulk import add_counts, chunks, insert_rows
from .models import (
    FARMING,
    OFFICIAL_STATES,
    AdministrativeUnit,
    AnnualReview,
    EventKind,
    Household,
    HouseholdEvent,
    HouseholdPlacement,
    HouseholdYear,
    Level,
    Member,
    PovertyStandard,
    Relation,
    StatusCount,
)
from .structure import successor_maps

POOR, NEAR_POOR, OTHER, AVERAGE = poverty.POOR, poverty.NEAR_POOR, poverty.OTHER, poverty.AVERAGE
OFFICIAL_SET = frozenset(str(s) for s in OFFICIAL_STATES)
BASES = ("o", "w")  # official, working
BATCH = 2000


def first_year() -> int:
    """The first year the figures are kept for (the plan's baseline, the general review of 2021)."""
    return int(getattr(settings, "STATISTICS_FIRST_YEAR", 2021))


def reference_date(year: int) -> dt.date:
    """The day a year's households, members and places are read on: 31 December."""
    return dt.date(year, 12, 31)


def statistics_years(*, last: int | None = None) -> range:
    """The years with rows: from `first_year()` to this year (or a later year that has reviews)."""
    if last is None:
        latest = AnnualReview.objects.aggregate(y=Max("year"))["y"]
        last = max(timezone.localdate().year, latest or 0)
    return range(first_year(), last + 1)


def _status(classification: str) -> str:
    return classification if classification in (POOR, NEAR_POOR) else ""


COLUMNS = [
    "household_id", "year", "commune_id", "village_id", "area", "minority", "persons",
    "prev_commune_id", "prev_village_id", "prev_area", "prev_minority", "prev_persons",
    "status_o", "prev_o", "change_o", "source_o_id", "no_working_capacity_o", "person_of_merit_o",
    "status_w", "prev_w", "change_w", "source_w_id", "no_working_capacity_w", "person_of_merit_w",
    "reviewed", "line_change_o", "line_change_w", "moved", "average_farming_o", "average_farming_w",
]


@dataclass
class _Review:
    id: int
    year: int
    classification: str
    state: str
    minority: bool
    member_count: int
    area: str
    income: int
    mask: int
    standard_id: int
    no_working_capacity: bool
    person_of_merit: bool
    commune_id: int
    livelihood: str

    @property
    def average_farming(self) -> bool:
        """Of average living standard and living from farming, forestry, fishery or salt (form 1's column)."""
        return self.classification == AVERAGE and self.livelihood in FARMING


class _Units:
    """The unit tables read once for a rebuild: areas, the structure of each reference date, village parents."""

    def __init__(self, years: range) -> None:
        self.refs = {y: reference_date(y) for y in range(years.start - 1, years.stop)}
        self.images = successor_maps(self.refs.values())
        self.area = dict(AdministrativeUnit.objects.filter(level=Level.COMMUNE).values_list("id", "area"))
        self.village_parent = dict(AdministrativeUnit.objects.filter(level=Level.VILLAGE).values_list("id", "parent_id"))
        self.standards: dict[int, tuple[poverty.Standard, dict[int, str]]] = {}

    def in_force(self, commune_id: int | None, on: dt.date) -> bool:
        """Whether the unit existed by `on` (in force then, or ended before with a successor)."""
        return commune_id is not None and commune_id in self.images[on]

    def commune_on(self, commune_id: int | None, on: dt.date) -> int | None:
        """The unit in force on `on` that a commune is or became (itself when it has no image that day)."""
        if commune_id is None:
            return None
        return self.images[on].get(commune_id, commune_id)

    def rules(self, standard_id: int) -> tuple[poverty.Standard, dict[int, str]]:
        if standard_id not in self.standards:
            std = PovertyStandard.objects.prefetch_related("indicators").get(pk=standard_id)
            self.standards[standard_id] = (std.to_rules(), {i.bit: i.code for i in std.indicators.all()})
        return self.standards[standard_id]


def _minority(members: list[tuple], on: dt.date) -> bool | None:
    """The household's ethnic-minority flag from its members on a date: the head or the head's spouse, any member
    when neither is recorded (as the review records it); None when no member is recorded then."""
    present = [m for m in members if _member_on(m, on)]
    if not present:
        return None
    core = [m[4] for m in present if m[3] in (Relation.HEAD, Relation.SPOUSE)]
    return any(core if core else [m[4] for m in present])


def _member_on(m: tuple, on: dt.date) -> bool:
    birth, joined, left = m[0], m[1], m[2]
    return (birth is None or birth <= on) and (joined is None or joined <= on) and (left is None or on < left)


def _line_change(units: _Units, review: _Review | None, prev_area: str, prev_status: str, status: str) -> bool:
    """Whether this year's review would have kept last year's category under last year's income line: the category
    changed only because the household's place changed area (the former town inside the commune Sơn Dương from
    1 July 2025, where the rural line applies)."""
    if review is None or not prev_area or prev_area == review.area or prev_status == status:
        return False
    rules, codes = units.rules(review.standard_id)
    deprived = [code for bit, code in codes.items() if review.mask & bit]
    try:
        then = poverty.classify(rules, area=prev_area, income_per_capita_month=review.income, deprivations=deprived)
    except ValueError:
        return False
    return _status(then.category) == prev_status


def build_rows(household_ids: list[int], *, years: range, units: _Units) -> list[tuple]:
    """The rows of these households for `years`, as tuples in `COLUMNS` order. Eight queries for the batch."""
    ids = list(household_ids)
    households = list(
        Household.objects.filter(pk__in=ids).order_by().values_list("pk", "commune_id", "village_id", "resident_since", "ended_on")
    )
    placements: dict[int, list[tuple]] = defaultdict(list)
    for hid, commune_id, village_id, start, end in HouseholdPlacement.objects.filter(household_id__in=ids).values_list(
        "household_id", "commune_id", "village_id", "valid_from", "valid_to"
    ).order_by("household_id", "valid_from"):
        placements[hid].append((commune_id, village_id, start, end))
    members: dict[int, list[tuple]] = defaultdict(list)
    # No ORDER BY (the models' default orderings join other tables: Household by commune code, reviews by household
    # code), which made each batch's queries sort across a join.
    for hid, *row in Member.all_objects.filter(household_id__in=ids).order_by().values_list(
        "household_id", "birth_date", "joined_on", "left_on", "relation", "ethnic_group__minority"
    ):
        row[-1] = bool(row[-1])
        members[hid].append(tuple(row))
    splits = dict(
        (new, (parent, day)) for new, parent, day in HouseholdEvent.objects.filter(kind=EventKind.SPLIT, other_household_id__in=ids)
        .order_by().values_list("other_household_id", "household_id", "date")
    )
    reviews: dict[int, dict[int, _Review]] = defaultdict(dict)
    wanted = set(ids) | {parent for parent, _ in splits.values()}
    for batch in chunks(sorted(wanted)):
        for hid, *values in AnnualReview.objects.filter(household_id__in=batch).order_by().values_list(
            "household_id", "id", "year", "classification", "state", "ethnic_minority", "member_count", "area",
            "income_per_capita_month", "deprivation_mask", "standard_id", "no_working_capacity", "person_of_merit", "commune_id",
            "livelihood",
        ):
            review = _Review(*values)
            reviews[hid][review.year] = review

    out: list[tuple] = []
    refs = units.refs
    for hid, commune_id, village_id, since, ended in households:
        own = reviews.get(hid, {})
        mem = members.get(hid, [])
        periods = placements.get(hid, [])
        split = splits.get(hid)
        parent_reviews = {y: r for y, r in reviews.get(split[0], {}).items() if y < split[1].year} if split else {}

        def resident(on: dt.date) -> bool:
            return (since is None or since <= on) and (ended is None or on < ended)

        def place(on: dt.date) -> tuple[int | None, int | None]:
            found = None
            for c, v, start, end in periods:
                if start <= on and (end is None or on <= end):
                    found = (c, v)  # the latest period starting on or before the date wins
            if found is not None:
                return units.commune_on(found[0], on), found[1]
            if village_id is not None and units.village_parent.get(village_id):
                return units.commune_on(units.village_parent[village_id], on), village_id
            if units.in_force(commune_id, on) or not own:
                return units.commune_on(commune_id, on), village_id
            # Recorded under a unit that did not exist yet (no village, no place history): where its reviews say it
            # lived — the review of the year, else the latest before, else the first after.
            year = on.year
            nearest = min(own.values(), key=lambda r: (r.year > year, abs(r.year - year)))
            return units.commune_on(nearest.commune_id, on), village_id

        def persons(on: dt.date, year: int) -> int:
            if mem:
                return sum(1 for m in mem if _member_on(m, on))
            # No member recorded in the registry: the review's count, as the commune recorded it.
            counted = [r for y, r in own.items() if y <= year]
            return max(counted, key=lambda r: r.year).member_count if counted else 0

        # The ethnic-minority flag: that year's review's, else the members' then; where neither is known (no review,
        # no member recorded), the nearest year's that is (the earlier one first).
        all_years = range(years.start - 1, years.stop)
        known = {}
        for y in all_years:
            this = own.get(y)
            known[y] = this.minority if this is not None else _minority(mem, refs[y])
        facts: dict[int, tuple] = {}
        for y in all_years:
            on = refs[y]
            if not resident(on):
                facts[y] = None  # type: ignore[assignment]
                continue
            c, v = place(on)
            flag = known[y]
            if flag is None:
                earlier = [known[x] for x in all_years if x < y and known[x] is not None]
                later = [known[x] for x in all_years if x > y and known[x] is not None]
                flag = earlier[-1] if earlier else (later[0] if later else False)
            facts[y] = (c, v, units.area.get(c, ""), flag, persons(on, y))

        basis_rows: dict[str, dict[int, tuple]] = {}
        for basis in BASES:
            # The reviews that count on this basis: the household's own, and its parent's before a split.
            counted = sorted((r for r in own.values() if basis == "w" or r.state in OFFICIAL_SET), key=lambda r: r.year)
            inherited = sorted((r for r in parent_reviews.values() if basis == "w" or r.state in OFFICIAL_SET), key=lambda r: r.year)
            by_year = {r.year: r for r in counted}
            status_prev: str | None = None
            source_prev: _Review | None = None
            if facts.get(years.start - 1) is not None:
                earlier = [r for r in counted if r.year < years.start]
                status_prev, source_prev = (_status(earlier[-1].classification), earlier[-1]) if earlier else ("", None)
            rows: dict[int, tuple] = {}
            for y in years:
                now_here, before_here = facts.get(y) is not None, facts.get(y - 1) is not None
                review = by_year.get(y)
                status, source, change = "", None, ""
                if now_here:
                    if review is not None:
                        status, source = _status(review.classification), review
                    elif before_here:
                        status, source = status_prev or "", source_prev
                    # The change as `poverty.change` names it for a review (the same history, the same order).
                    own_before = [r for r in counted if r.year < y]
                    past = own_before + [r for r in inherited if r.year < y]
                    if own_before:
                        previous: str | None = own_before[-1].classification
                    elif before_here and y - 1 >= years.start:
                        previous = OTHER
                    elif inherited and inherited[0].year < y:
                        previous = [r for r in inherited if r.year < y][-1].classification
                    else:
                        previous = None
                    if previous is None:
                        change = poverty.FIRST_REVIEW
                    else:
                        change = poverty.change_from(
                            status or OTHER, previous=previous,
                            ever_poor=any(r.classification == POOR for r in past),
                            ever_near_poor=any(r.classification == NEAR_POOR for r in past),
                        )
                prev = (status_prev or "") if before_here else ""
                line = bool(now_here and before_here and review is not None
                            and _line_change(units, review, facts[y - 1][2], prev, status))
                rows[y] = (status, prev, change, source, line)
                status_prev, source_prev = (status, source) if now_here else (None, None)
            basis_rows[basis] = rows

        for y in years:
            now, before = facts.get(y), facts.get(y - 1)
            if now is None and before is None:
                continue
            o_status, o_prev, o_change, o_source, o_line = basis_rows["o"][y]
            w_status, w_prev, w_change, w_source, w_line = basis_rows["w"][y]
            this = own.get(y)
            out.append((
                hid, y,
                *(now[:5] if now else (None, None, "", False, 0)),
                *(before[:5] if before else (None, None, "", False, 0)),
                o_status, o_prev, o_change, o_source.id if o_source else None,
                bool(o_source and o_source.no_working_capacity), bool(o_source and o_source.person_of_merit),
                w_status, w_prev, w_change, w_source.id if w_source else None,
                bool(w_source and w_source.no_working_capacity), bool(w_source and w_source.person_of_merit),
                this is not None and now is not None, o_line, w_line,
                bool(now and before and (now[1] != before[1] or (now[1] is None and units.commune_on(before[0], refs[y]) != now[0]))),
                bool(now and o_source and o_source.average_farming), bool(now and w_source and w_source.average_farming),
            ))
    return out


def _counts(rows: Iterable[tuple], sign: int = 1, into: dict[tuple, list[int]] | None = None) -> dict[tuple, list[int]]:
    """The rows' contributions to `StatusCount`: per key (year, basis, places, attributes, status, change…) the
    households, persons this year and last, persons gained and lost, reviewed, without working capacity, of merit,
    average-living farming households and their persons (`StatusCount.MEASURES`)."""
    out: dict[tuple, list[int]] = into if into is not None else defaultdict(lambda: [0] * len(StatusCount.MEASURES))
    for r in rows:
        (_, year, commune, village, area, minority, persons, prev_commune, prev_village, prev_area, prev_minority, prev_persons,
         s_o, p_o, c_o, _src_o, nwc_o, merit_o, s_w, p_w, c_w, _src_w, nwc_w, merit_w, reviewed, line_o, line_w, moved,
         farm_o, farm_w) = r
        places = (commune or 0, prev_commune or 0, village or 0, prev_village or 0, area, prev_area, bool(minority), bool(prev_minority))
        gain, loss = max(persons - prev_persons, 0), max(prev_persons - persons, 0)
        for basis, status, prev, change, line, nwc, merit, farm in (("o", s_o, p_o, c_o, line_o, nwc_o, merit_o, farm_o),
                                                                   ("w", s_w, p_w, c_w, line_w, nwc_w, merit_w, farm_w)):
            counts = out[(year, basis, *places, status, prev, change, bool(line), bool(moved))]
            for i, v in enumerate((1, persons, prev_persons, gain, loss, int(bool(reviewed)), int(bool(nwc)), int(bool(merit)),
                                   int(bool(farm)), persons if farm else 0)):
                counts[i] += sign * v
    return out


def _add(deltas: dict[tuple, list[int]]) -> None:
    """Apply counter changes to `StatusCount` and drop the keys no household has any more."""
    rows = [(*key, *values) for key, values in deltas.items() if any(values)]
    add_counts(StatusCount._meta.db_table, StatusCount.KEY, StatusCount.MEASURES, rows)
    years = {key[0] for key in deltas}
    if years:
        StatusCount.objects.filter(year__in=years, n=0).delete()


def _write(household_ids: list[int], rows: list[tuple]) -> None:
    """Replace these households' rows (and their counts in `StatusCount`) by `rows`."""
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(StatusCount.MEASURES))
    for batch in chunks(household_ids):
        old = HouseholdYear.objects.filter(household_id__in=batch)
        _counts(old.values_list(*COLUMNS), sign=-1, into=deltas)
        old.delete()
    insert_rows(HouseholdYear._meta.db_table, COLUMNS, rows, copy=True)
    _counts(rows, into=deltas)
    _add(deltas)


_deferred: list[set[int]] = []


@contextlib.contextmanager
def household_years_deferred(*, rebuild: bool = False):
    """Collect the refreshes asked for inside the block and run them once at its end (bulk work that calls the
    services many times: the demo's household events); `rebuild`: rebuild every household instead."""
    pending: set[int] = set()
    _deferred.append(pending)
    try:
        yield pending
    finally:
        _deferred.pop()
    if rebuild:
        household_years_rebuild()
    else:
        household_years_refresh(household_ids=pending)


def household_years_refresh(*, household_ids: Iterable[int]) -> int:
    """Rebuild every year's row of these households, in the caller's transaction. Returns the rows written
    (none inside `household_years_deferred`, which refreshes them at its end)."""
    ids = sorted({int(i) for i in household_ids if i is not None})
    if not ids:
        return 0
    if _deferred:
        _deferred[-1].update(ids)
        return 0
    # A household split off one of these follows its parent's history (its first review's change, "fell back").
    children: list[int] = []
    for batch in chunks(ids):
        children += HouseholdEvent.objects.filter(kind=EventKind.SPLIT, household_id__in=batch).values_list("other_household_id", flat=True)
    ids = sorted(set(ids) | set(children))
    years = statistics_years()
    units = _Units(years)
    written = 0
    for batch in chunks(ids, BATCH):
        rows = build_rows(batch, years=years, units=units)
        _write(batch, rows)
        written += len(rows)
    return written


def household_years_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the rows of every household and the counts (the tables are derived: nothing is lost). Returns the
    rows written."""
    years = statistics_years()
    units = _Units(years)
    HouseholdYear.objects.all().delete()
    StatusCount.objects.all().delete()
    ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(StatusCount.MEASURES))
    for i, batch in enumerate(chunks(ids, BATCH)):
        rows = build_rows(batch, years=years, units=units)
        insert_rows(HouseholdYear._meta.db_table, COLUMNS, rows, copy=True)
        _counts(rows, into=counts)
        written += len(rows)
        if progress is not None:
            progress(min(100, int(100 * (i + 1) * BATCH / max(1, len(ids)))))
    insert_rows(StatusCount._meta.db_table, (*StatusCount.KEY, *StatusCount.MEASURES),
                [(*key, *values) for key, values in counts.items()], copy=True)
    return written


def household_years_ensure(*, year: int) -> None:
    """Make sure `year` has its rows (the first review of a new year, before the 1 January rebuild ran)."""
    if year < first_year():
        return
    if not HouseholdYear.objects.filter(year=year).exists() and Household.objects.exists():
        household_years_rebuild()


def household_years_check(*, household_ids: Iterable[int] | None = None) -> list[str]:
    """Compare the stored rows with a fresh build, and the counts with the rows (the nightly reconciliation): the
    differences, by household (and a line per count that differs)."""
    years = statistics_years()
    units = _Units(years)
    ids = sorted(household_ids) if household_ids is not None else list(Household.objects.order_by("pk").values_list("pk", flat=True))
    problems: list[str] = []
    for batch in chunks(ids, BATCH):
        fresh = {(r[0], r[1]): r for r in build_rows(batch, years=years, units=units)}
        stored = {
            (r[0], r[1]): r for r in HouseholdYear.objects.filter(household_id__in=batch).values_list(*COLUMNS)
        }
        for key in sorted(set(fresh) | set(stored)):
            if fresh.get(key) != stored.get(key):
                problems.append(f"hộ #{key[0]} năm {key[1]}: lưu {stored.get(key)} ≠ tính lại {fresh.get(key)}")
    if household_ids is None:
        expected = {k: v for k, v in _counts(HouseholdYear.objects.values_list(*COLUMNS).iterator(chunk_size=20000)).items() if any(v)}
        kept = {tuple(r[:len(StatusCount.KEY)]): list(r[len(StatusCount.KEY):])
                for r in StatusCount.objects.values_list(*StatusCount.KEY, *StatusCount.MEASURES)}
        for key in sorted(set(expected) | set(kept), key=str):
            if expected.get(key) != kept.get(key):
                problems.append(f"số tổng hợp {key}: lưu {kept.get(key)} ≠ tính lại {expected.get(key)}")
    return problems
