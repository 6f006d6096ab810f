"""Reads of the registry that are more than a `get`."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from .models import AdministrativeUnit, Household, HouseholdPlacement, Level
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
    from django.utils import timezone

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


def households_list(*, qs: QuerySet[Household], search: str = "", commune: str = "", village: str = "") -> QuerySet[Household]:
    """Filter a (scoped) household queryset by commune code, village code and a diacritics-blind search."""
    if commune:
        qs = qs.filter(commune__code=commune)
    if village:
        qs = qs.filter(village__code=village)
    if search:
        key = fold(search)
        qs = qs.filter(Q(search_key__contains=key) | Q(members__search_key__contains=key) | Q(members__citizen_id=search.strip())).distinct()
    return qs.select_related("commune", "village").annotate(member_count=Count("members", distinct=True))


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
