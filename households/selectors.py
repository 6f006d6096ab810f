"""Reads of the registry that are more than a `get`."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from .models import (
    OFFICIAL_STATES,
    AdministrativeUnit,
    AnnualReview,
    ApplicationStatus,
    Change,
    Classification,
    Household,
    HouseholdPlacement,
    HouseholdStatus,
    HouseholdYear,
    Level,
    Member,
    ReviewApplication,
    ReviewState,
    StatusCount,
)
from .text import fold


def unit_lineage_ids(*, unit: AdministrativeUnit) -> set[int]:
    """The unit and every unit it succeeded, transitively (Tân Trào 2025 ← Tân Trào, Trung Yên)."""
    through = AdministrativeUnit.successors.through
    edges: dict[int, list[int]] = {}
    # Same level only: the district's successors are communes, but the district is not a commune's past.
    pairs = through.objects.filter(
        from_administrativeunit__level=unit.level, to_administrativeunit__level=unit.level
    ).values_list("from_administrativeunit_id", "to_administrativeunit_id")
    for pred_id, succ_id in pairs:
        edges.setdefault(succ_id, []).append(pred_id)
    found, todo = {unit.pk}, [unit.pk]
    while todo:
        for pred in edges.get(todo.pop(), []):
            if pred not in found:
                found.add(pred)
                todo.append(pred)
    return found


def unit_current_successor(*, unit: AdministrativeUnit, on: dt.date | None = None) -> AdministrativeUnit:
    """The unit in force today (or on `on`) that a possibly dissolved unit became."""
    on = on or timezone.localdate()
    current, seen = unit, set()
    while not current.in_force_on(on) and current.pk not in seen:
        seen.add(current.pk)
        nxt = current.successors.filter(level=current.level).order_by("valid_from").first()
        if nxt is None:
            break
        current = nxt
    return current


def communes_in_force(*, on: dt.date | None = None) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.in_force(on).filter(level=Level.COMMUNE).order_by("name")


def household_search(search: str, *, user=None) -> Q:
    """The households a search finds: by code, head, address or a member's name (diacritics-blind), and by a
    member's full citizen ID only for a `user` whose role sees personal data — a masked role, shown the last four
    digits, sex and birth date, could otherwise recover any ID in a hundred guesses."""
    key = fold(search)
    members = Q(search_key__contains=key)
    number = search.strip()
    if getattr(user, "sees_personal_data", False) and number.isdigit():
        members |= Q(citizen_id=number)
    return Q(search_key__contains=key) | Q(pk__in=Member.objects.filter(members).values("household_id"))


def households_list(*, qs: QuerySet[Household], search: str = "", commune: str = "", village: str = "", user=None) -> QuerySet[Household]:
    """Filter a (scoped) household queryset by commune code, village code and a search (`household_search`)."""
    if commune:
        qs = qs.filter(commune__code=commune)
    if village:
        qs = qs.filter(village__code=village)
    if search:
        qs = qs.filter(household_search(search, user=user))
    return qs.select_related("commune", "village").annotate(member_count=current_member_count())


def current_member_count():
    """A household's members today (those who left not counted, as on its page), as a correlated count: computed
    for the rows a page or an export reads, not for every household the filter matched."""
    from django.db.models.functions import Coalesce

    members = Member.objects.filter(household_id=OuterRef("pk")).order_by().values("household_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(members), 0)


def household_place_on(*, household: Household, on: dt.date) -> tuple[AdministrativeUnit, AdministrativeUnit | None]:
    """The commune and village a household belonged to on a date.

    From its placement history where one covers the date; otherwise its village's commune on that date (a
    village's commune is followed through mergers); otherwise its current commune.
    """
    placement = (
        HouseholdPlacement.objects.filter(household=household, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("commune", "village")
        .order_by("-valid_from")
        .first()
    )
    if placement is not None:
        return placement.commune, placement.village
    village = household.village
    if village is not None:
        commune = village.commune_on(on)
        if commune is not None:
            return commune, village
    return household.commune, village


def households_place_on(*, household_ids: list[int] | None = None, on: dt.date) -> dict[int, tuple[int, int | None]]:
    """`household_place_on` for many households at once: household id → (commune id, village id) on a date.

    Three queries whatever the number of households (placements covering the date, households with their
    village's commune, the communes' successors), for bulk work such as seeding or re-filing reviews.
    """
    households = Household.objects.all()
    placements = HouseholdPlacement.objects.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    if household_ids is not None:
        households = households.filter(pk__in=household_ids)
        placements = placements.filter(household_id__in=household_ids)
    placed: dict[int, tuple[int, int | None]] = {}
    for hh_id, commune_id, village_id in placements.order_by("household_id", "valid_from").values_list(
        "household_id", "commune_id", "village_id"
    ):
        placed[hh_id] = (commune_id, village_id)  # the latest placement starting on or before the date wins
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(level=Level.COMMUNE).prefetch_related("successors")}
    commune_on: dict[int, int | None] = {}

    def follow(unit_id: int) -> int | None:
        if unit_id in commune_on:
            return commune_on[unit_id]
        unit, seen = units.get(unit_id), set()
        while unit is not None and not unit.in_force_on(on) and unit.pk not in seen:
            seen.add(unit.pk)
            if unit.valid_to is not None and on > unit.valid_to:
                nxt = [s for s in unit.successors.all() if s.level == Level.COMMUNE]
                unit = min(nxt, key=lambda s: (s.code, s.valid_from)) if nxt else None  # as `commune_on`
            else:
                unit = None
        commune_on[unit_id] = unit.pk if unit is not None else None
        return commune_on[unit_id]

    result: dict[int, tuple[int, int | None]] = {}
    for hh_id, commune_id, village_id, village_parent in households.values_list(
        "pk", "commune_id", "village_id", "village__parent_id"
    ).iterator(chunk_size=5000):
        if hh_id in placed:
            result[hh_id] = placed[hh_id]
            continue
        found = follow(village_parent) if village_parent else None
        result[hh_id] = (found, village_id) if found else (commune_id, village_id)
    return result


# --- The annual review: the commune's board, the district's overview, the printed lists -----------------------

STATES = [s for s, _ in ReviewState.choices]
# Reviews past the village meeting: what is posted, recognised and certified.
AGREED_OR_LATER = (ReviewState.AGREED, ReviewState.POSTED, ReviewState.RECOGNISED, ReviewState.CONFIRMED)
# The changes the village meeting focuses on (Decision 24/2021/QĐ-TTg Art. 4.3).
FOCUS_CHANGES = (
    Change.NEWLY_POOR, Change.FELL_BACK_POOR, Change.NEAR_POOR_TO_POOR, Change.NEWLY_NEAR_POOR, Change.FELL_BACK_NEAR_POOR,
    Change.ESCAPED_POVERTY, Change.ESCAPED_NEAR_POVERTY,
)


def review_communes(*, ids: frozenset[int] | None, year: int) -> QuerySet[AdministrativeUnit]:
    """Communes in force at some time in `year` that a user may see (the units its reviews can belong to)."""
    qs = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_from__lte=dt.date(year, 12, 31)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1))
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("-valid_from", "name")


def _state_counts(prefix: str = "") -> dict:
    counts = {s: Count("id", filter=Q(state=s)) for s in STATES}
    counts.update(
        total=Count("id"),
        poor=Count("id", filter=Q(classification=Classification.POOR)),
        near_poor=Count("id", filter=Q(classification=Classification.NEAR_POOR)),
    )
    return counts


def _board_households(commune: AdministrativeUnit, year: int) -> QuerySet[Household]:
    """The households a commune's board of a year is about: its resident households while the commune is in
    force; for a past unit, the households it reviewed that year."""
    if commune.in_force_on(timezone.localdate()):
        return Household.objects.filter(commune=commune, status=HouseholdStatus.ACTIVE)
    return Household.objects.filter(pk__in=AnnualReview.objects.filter(year=year, commune=commune).values("household_id"))


def _lineage(commune: AdministrativeUnit) -> set[int]:
    """`unit_lineage_ids`, read once per unit object (a page asks several times)."""
    cached = getattr(commune, "_lineage_ids", None)
    if cached is None:
        cached = commune._lineage_ids = unit_lineage_ids(unit=commune)  # type: ignore[attr-defined]
    return cached


def _on_last_years_lists(commune: AdministrativeUnit, year: int) -> QuerySet:
    """The year rows of the households on last year's poor or near-poor lists (as recognised, a household not
    reviewed again keeping its status) in the commune or the units it took over, at the end of last year
    (Decision 24 Art. 4.1: the households to review)."""
    return HouseholdYear.objects.filter(
        year=year - 1, commune_id__in=_lineage(commune), status_o__in=(Classification.POOR, Classification.NEAR_POOR)
    )


def _listed_ids(commune: AdministrativeUnit, year: int) -> QuerySet:
    return _on_last_years_lists(commune, year).values("household_id")


def _applied_ids(commune: AdministrativeUnit, year: int) -> QuerySet:
    return ReviewApplication.objects.filter(year=year, commune_id__in=_lineage(commune)).exclude(
        status=ApplicationStatus.REFUSED
    ).values("household_id")


def review_board(*, commune: AdministrativeUnit, year: int) -> dict:
    """The commune's progress in a year, by village and by step: a handful of grouped queries whatever the size.

    Households to review: on last year's poor or near-poor list, or with an application this year; "left": those
    of them without a review yet.
    """
    reviewed = {
        row["village_id"]: row
        for row in AnnualReview.objects.filter(year=year, commune=commune).order_by().values("village_id").annotate(**_state_counts())
    }
    registry = {
        row["village_id"]: row
        for row in _board_households(commune, year).order_by().values("village_id").annotate(households=Count("id"))
    }
    lineage = _lineage(commune)
    this_year = Exists(AnnualReview.objects.filter(household_id=OuterRef("household_id"), year=year))
    listed = {
        row["village_id"]: row
        for row in _on_last_years_lists(commune, year).order_by().values("village_id")
        .annotate(to_review=Count("id"), to_review_left=Count("id", filter=~Q(this_year)))
    }
    applied = {
        row["village_id"]: row
        for row in ReviewApplication.objects.filter(year=year, commune_id__in=lineage).exclude(status=ApplicationStatus.REFUSED)
        .exclude(household_id__in=_listed_ids(commune, year)).order_by().annotate(village_id=F("household__village_id"))
        .values("village_id").annotate(to_review=Count("id"), to_review_left=Count("id", filter=~Q(this_year)))
    }
    ids = set(reviewed) | set(registry) | set(listed) | set(applied)
    names = {u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=[i for i in ids if i is not None])}
    rows, totals = [], {"households": 0, "to_review": 0, "to_review_left": 0, "total": 0, "poor": 0, "near_poor": 0, **dict.fromkeys(STATES, 0)}
    for vid in ids:
        row = {"village": names.get(vid), "village_id": vid}
        row.update({k: 0 for k in totals})
        for part in (registry, reviewed):
            row.update({k: v for k, v in (part.get(vid) or {}).items() if k != "village_id"})
        for part in (listed, applied):
            for k in ("to_review", "to_review_left"):
                row[k] += (part.get(vid) or {}).get(k, 0)
        for k in totals:
            totals[k] += row[k]
        rows.append(row)
    rows.sort(key=lambda r: (r["village"].name if r["village"] else "~"))
    done = totals[ReviewState.RECOGNISED] + totals[ReviewState.CONFIRMED]
    totals["recognised_share"] = round(100 * done / totals["total"], 1) if totals["total"] else 0.0
    totals["agreed_share"] = round(100 * sum(totals[s] for s in AGREED_OR_LATER) / totals["total"], 1) if totals["total"] else 0.0
    return {"villages": rows, "totals": totals}


def review_board_households(
    *, commune: AdministrativeUnit, year: int, village_id: int | None = None, state: str = "", todo: bool = False, search: str = ""
) -> QuerySet[Household]:
    """The households of the board's list, filtered, in village and code order (no per-row work: a page of ids
    is taken from this, then `review_board_rows` fills in the details of those fifty)."""
    qs = _board_households(commune, year)
    if village_id:
        qs = qs.filter(village_id=village_id)
    this_year = AnnualReview.objects.filter(year=year, commune=commune)
    if state == "none":
        qs = qs.exclude(pk__in=this_year.values("household_id"))
    elif state:
        qs = qs.filter(pk__in=this_year.filter(state=state).values("household_id"))
    if todo:
        qs = qs.filter(Q(pk__in=_listed_ids(commune, year)) | Q(pk__in=_applied_ids(commune, year)))
    if search:
        key = fold(search)
        qs = qs.filter(Q(search_key__contains=key) | Q(code__icontains=search.strip()))
    return qs.order_by("village__name", "code")


def review_board_rows(*, ids: list[int], year: int) -> list[Household]:
    """The details of one page of the board's list: last year's classification, this year's review, the flags."""
    this = AnnualReview.objects.filter(household=OuterRef("pk"), year=year)
    rows = Household.objects.filter(pk__in=ids).select_related("village").annotate(
        # Last year's lists as recognised (a household not reviewed then keeps its earlier status).
        previous_classification=Subquery(HouseholdYear.objects.filter(household=OuterRef("pk"), year=year - 1).values("status_o")[:1]),
        review_id=Subquery(this.values("pk")[:1]),
        review_state=Subquery(this.values("state")[:1]),
        review_classification=Subquery(this.values("classification")[:1]),
        review_change=Subquery(this.values("change")[:1]),
        applied=Exists(ReviewApplication.objects.filter(household=OuterRef("pk"), year=year).exclude(status=ApplicationStatus.REFUSED)),
    )
    order = {pk: i for i, pk in enumerate(ids)}
    return sorted(rows, key=lambda h: order[h.pk])


def review_progress_by_commune(*, year: int, ids: frozenset[int] | None = None) -> list[dict]:
    """The district's overview: every commune's reviews of the year by step (one query, plus the names)."""
    qs = AnnualReview.objects.filter(year=year)
    if ids is not None:
        qs = qs.filter(commune_id__in=ids)
    rows = list(qs.order_by().values("commune_id").annotate(**_state_counts()))
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=[r["commune_id"] for r in rows])}
    for r in rows:
        r["commune"] = units[r["commune_id"]]
        done = r[ReviewState.RECOGNISED] + r[ReviewState.CONFIRMED]
        r["recognised_share"] = round(100 * done / r["total"], 1) if r["total"] else 0.0
    return sorted(rows, key=lambda r: r["commune"].name)


def _listed(commune: AdministrativeUnit, year: int) -> QuerySet[AnnualReview]:
    return AnnualReview.objects.filter(commune=commune, year=year).select_related("household", "village").order_by("village__name", "household__code")


def meeting_list(*, commune: AdministrativeUnit, year: int, village: AdministrativeUnit) -> list[AnnualReview]:
    """The list for the village meeting: the village's reviews of the year, the changes to discuss first."""
    reviews = list(_listed(commune, year).filter(village=village).exclude(state=ReviewState.DRAFT))
    return sorted(reviews, key=lambda r: (r.change not in FOCUS_CHANGES, r.classification not in (Classification.POOR, Classification.NEAR_POOR), r.household.code))


def posting_list(*, commune: AdministrativeUnit, year: int, village: AdministrativeUnit) -> dict[str, list[AnnualReview]]:
    """The public posting list of a village (Decision 24 Art. 4.4): poor, near-poor, escaped poverty or near-poverty."""
    reviews = _listed(commune, year).filter(village=village, state__in=AGREED_OR_LATER)
    lists: dict[str, list[AnnualReview]] = {"poor": [], "near_poor": [], "escaped": []}
    for r in reviews:
        if r.classification == Classification.POOR:
            lists["poor"].append(r)
        elif r.classification == Classification.NEAR_POOR:
            lists["near_poor"].append(r)
        if r.change in (Change.ESCAPED_POVERTY, Change.ESCAPED_NEAR_POVERTY):
            lists["escaped"].append(r)
    return lists


def certificate_list(*, commune: AdministrativeUnit, year: int) -> list[AnnualReview]:
    """Households recognised poor or near-poor (certificates are issued to them, Decision 24 Art. 4.5)."""
    return list(_listed(commune, year).filter(
        state__in=(ReviewState.RECOGNISED, ReviewState.CONFIRMED), classification__in=(Classification.POOR, Classification.NEAR_POOR)
    ))


# --- The change from last year's lists ------------------------------------------------------------------------


def review_change_contexts(*, household_ids: Iterable[int], year: int) -> dict[int, dict[str, Any]]:
    """What `households.poverty.change` needs for each household's review of `year`, for many at once (four
    queries): `history` (its classifications of the other years), `existed` (it lived in the area on 31 December
    of the year before and that year's lists were made: not on them means neither poor nor near-poor) and
    `inherited` (for a household split off another, the other's classifications before the split). The lists
    are in the system from the first year of the figures (settings.STATISTICS_FIRST_YEAR, the general review of
    2021): a review of that year is a household's first.

        poverty.change(category, year=year, **contexts[household.pk])
    """
    from .bulk import chunks
    from .models import EventKind, HouseholdEvent

    ids = sorted(set(household_ids))
    out: dict[int, dict[str, Any]] = {hid: {"history": {}, "existed": False, "inherited": {}} for hid in ids}
    if not ids:
        return out
    from .household_years import first_year

    last_dec = dt.date(year - 1, 12, 31)
    lists_made = year - 1 >= first_year()
    parents: dict[int, tuple[int, dt.date]] = {}
    for batch in chunks(ids):
        for hid, since, ended in Household.objects.filter(pk__in=batch).values_list("pk", "resident_since", "ended_on"):
            out[hid]["existed"] = lists_made and (since is None or since <= last_dec) and (ended is None or last_dec < ended)
        for hid, y, c in AnnualReview.objects.filter(household_id__in=batch).exclude(year=year).values_list("household_id", "year", "classification"):
            out[hid]["history"][y] = c
        for child, parent, day in HouseholdEvent.objects.filter(kind=EventKind.SPLIT, other_household_id__in=batch).values_list(
            "other_household_id", "household_id", "date"
        ):
            parents[child] = (parent, day)
    by_parent: dict[int, list[int]] = {}
    for child, (parent, _) in parents.items():
        by_parent.setdefault(parent, []).append(child)
    for batch in chunks(sorted(by_parent)):
        for parent, y, c in AnnualReview.objects.filter(household_id__in=batch).values_list("household_id", "year", "classification"):
            for child in by_parent[parent]:
                if y < parents[child][1].year:
                    out[child]["inherited"][y] = c
    return out


# --- How complete a year is ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    """How far a year's review has gone in a scope (DHIS2's completeness): the households recognised of those
    expected, and the communes done of the communes in force.

    Expected: every review of the year, at any step, and every household on last year's official lists still living
    in the unit with no review yet (a gap). Recognised: reviews recognised by the commune chairman or confirmed by
    the district. A commune is done when it has reviews and all of them are recognised; a year is complete in a
    scope when every commune in force there is done. Until then its official figures are partial: pages say so,
    default to the last complete year, and no target is judged on it."""

    year: int
    expected: int
    recognised: int
    reviews: int
    gaps: int
    communes_total: int
    communes_done: int
    by_unit: dict[int, dict[str, int]]

    @property
    def complete(self) -> bool:
        return self.communes_total > 0 and self.communes_done == self.communes_total

    @property
    def share(self) -> float:
        return round(100 * self.recognised / self.expected, 1) if self.expected else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"complete": self.complete, "households_expected": self.expected,
                "households_recognised": self.recognised, "households_share": self.share, "reviews": self.reviews,
                "gaps": self.gaps, "communes_total": self.communes_total, "communes_done": self.communes_done}


def completeness_by_year(
    *, years: Iterable[int], unit_ids: Iterable[int] | None = None, structure: str = "current",
    tables: tuple[dict[int, dict], dict[int, list[int]]] | None = None, today: dt.date | None = None,
) -> dict[int, Completeness]:
    """Each year's `Completeness` among the commune-level units `unit_ids` (None: all), by commune of the structure
    (`"current"`: today's communes; `"historical"`: those in force at the end of each year): two grouped queries
    whatever the number of years (the reviews' step counts from their index, the gaps from the summary table),
    plus two for the units unless `tables` (`structure.unit_tables()`) are given."""
    from .structure import images_from, unit_tables

    years = sorted(set(years))
    ids = frozenset(unit_ids) if unit_ids is not None else None
    all_units, edges = tables or unit_tables()
    today = today or timezone.localdate()
    images: dict[dt.date, dict[int, int]] = {}

    def image(day: dt.date) -> dict[int, int]:
        if day not in images:
            images[day] = images_from(all_units, edges, day)
        return images[day]
    reviews = AnnualReview.objects.filter(year__in=years)
    gaps = StatusCount.objects.filter(year__in=years, basis="o", prev__in=(Classification.POOR, Classification.NEAR_POOR)).exclude(commune=0)
    if ids is not None:
        reviews, gaps = reviews.filter(commune_id__in=ids), gaps.filter(commune__in=ids)
    counts: dict[int, dict[int, dict[str, int]]] = {y: defaultdict(lambda: {"reviews": 0, "recognised": 0, "gaps": 0}) for y in years}

    def on(year: int) -> dt.date:
        return today if structure == "current" else dt.date(year, 12, 31)

    for row in (reviews.order_by().values("year", "commune_id")
                .annotate(n=Count("id"), done=Count("id", filter=Q(state__in=OFFICIAL_STATES)))):
        u = counts[row["year"]][image(on(row["year"])).get(row["commune_id"], row["commune_id"])]
        u["reviews"] += row["n"]
        u["recognised"] += row["done"]
    for row in gaps.order_by().values("year", "commune").annotate(n=Sum("n"), reviewed=Sum("reviewed")):
        counts[row["year"]][image(on(row["year"])).get(row["commune"], row["commune"])]["gaps"] += row["n"] - row["reviewed"]
    out: dict[int, Completeness] = {}
    for year in years:
        day, by_unit = on(year), counts[year]
        in_force = {
            uid for uid, u in all_units.items()
            if u["valid_from"] <= day and (u["valid_to"] is None or day <= u["valid_to"]) and (ids is None or uid in ids)
        }
        for uid in in_force:
            by_unit[uid]  # every commune in force has a row, done or not
        for u in by_unit.values():
            u["expected"] = u["reviews"] + u["gaps"]
            u["done"] = int(u["reviews"] > 0 and u["recognised"] == u["reviews"])
        out[year] = Completeness(
            year=year,
            expected=sum(u["expected"] for u in by_unit.values()),
            recognised=sum(u["recognised"] for u in by_unit.values()),
            reviews=sum(u["reviews"] for u in by_unit.values()),
            gaps=sum(u["gaps"] for u in by_unit.values()),
            communes_total=len(in_force),
            communes_done=sum(by_unit[uid]["done"] for uid in in_force),
            by_unit=dict(by_unit),
        )
    return out


def latest_complete_year(by_year: dict[int, Completeness]) -> int | None:
    """The latest year whose review is complete (None: none is)."""
    return max((y for y, c in by_year.items() if c.complete), default=None)
