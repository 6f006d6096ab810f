"""Comparable statistics across mergers, and the program area. Read-only helpers on the unit tables.

Administrative units change (docs/domain.md §1): Hồng Lạc + Vân Sơn → Hồng Sơn on 1 Sep 2024; the thirty units of
Sơn Dương → ten communes of Tuyên Quang on 1 Jul 2025 (Resolution 1684/NQ-UBTVQH15). A figure can be shown

* on the **historical** structure: each review under the unit in force on its date (`AnnualReview.commune`), or
* on the **current** structure (or any date's): each unit re-aggregated onto the unit that succeeds it on that
  date, so the 2021–2024 figures of Trung Yên and Tân Trào add up as Tân Trào.

The stable API (used by reporting's selectors, the dashboards, the statistics API and the Excel reports):

    Structure                                   "historical" | "current", with Vietnamese labels
    successor_map(on=None) -> dict[int, int]    every commune-level unit id → id of its successor in force on `on`
    successor_id(unit_id, on=None) -> int|None  one unit's image
    absorbed_ids(unit_id, on=None) -> frozenset every unit id whose image on `on` is `unit_id` (itself included)
    unit_on_structure("commune", on=None)       a database expression: the image of a unit foreign key, for
                                                `.annotate(unit=...).values("unit").annotate(Count(...))`
    reaggregate(figures, on=None)               sums per-unit counts ({unit_id: {"poor": 3, ...}}) onto the images
    structure_note(structure, year=None, on=None) the sentence that says which structure a table shows
    program_area() -> AdministrativeUnit        the district (settings.PROGRAM_AREA_CODE) the office looks after
    program_area_unit_ids(on=None, level=...)   its units before and after the reform (successors included)
    program_area_commune_ids(on=None)           the same, commune level (the usual filter for households/reviews)
    communes_on(on=None)                        the commune-level units of the program area in force on a date

`on` is a date (today in Asia/Ho_Chi_Minh by default). Only additive figures (counts, sums of money) may be
re-aggregated; rates must be recomputed from the re-aggregated counts, never added.

Every function reads the unit and successor tables in one or two queries (the district has a few dozen
commune-level units over its history) and never loops over households.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import AdministrativeUnit, Level


class Structure(models.TextChoices):
    """Which administrative structure a figure is shown on (API `structure=historical|current`)."""

    HISTORICAL = "historical", gettext_lazy("Theo đơn vị hành chính tại thời điểm rà soát")
    CURRENT = "current", gettext_lazy("Quy đổi theo đơn vị hành chính hiện nay")


def _today() -> dt.date:
    return timezone.localdate()


def _in_force(row: dict, on: dt.date) -> bool:
    return row["valid_from"] <= on and (row["valid_to"] is None or on <= row["valid_to"])


UnitTables = tuple[dict[int, dict], dict[int, list[int]]]


def unit_tables(level: str = Level.COMMUNE) -> UnitTables:
    """The units of a level and their successor edges, read once for many `commune_periods` calls."""
    return _units_and_edges(level)


def _units_and_edges(level: str) -> UnitTables:
    units = {
        row["id"]: row
        for row in AdministrativeUnit.objects.filter(level=level).values("id", "code", "valid_from", "valid_to")
    }
    through = AdministrativeUnit.successors.through
    edges: dict[int, list[int]] = {}
    pairs = through.objects.filter(
        from_administrativeunit__level=level, to_administrativeunit__level=level
    ).values_list("from_administrativeunit_id", "to_administrativeunit_id")
    for pred, succ in pairs:
        edges.setdefault(pred, []).append(succ)
    return units, edges


def _pick(unit: dict, successors: list[dict], on: dt.date) -> dict:
    """One successor where a unit has several (a split): the one in force on `on`, then the one that kept the
    code, then the earliest. Re-aggregation needs exactly one image per unit."""
    return min(
        successors,
        key=lambda s: (not _in_force(s, on), s["code"] != unit["code"], s["valid_from"], s["code"], s["id"]),
    )


def successor_map(on: dt.date | None = None, *, level: str = Level.COMMUNE) -> dict[int, int]:
    """Every unit of `level` → the unit in force on `on` that it is (itself) or became (its successor).

    Units not in force on `on` and with no successor in force then (units created after `on`, or ended with no
    successor) are left out: they have no image on that date's structure.
    """
    on = on or _today()
    return _images(*_units_and_edges(level), on)


def successor_maps(dates: Iterable[dt.date], *, level: str = Level.COMMUNE) -> dict[dt.date, dict[int, int]]:
    """`successor_map` for several dates from one read of the unit tables (each year's structure at once)."""
    units, edges = _units_and_edges(level)
    return {on: _images(units, edges, on) for on in set(dates)}


def images_from(units: dict[int, dict], edges: dict[int, list[int]], on: dt.date) -> dict[int, int]:
    """`successor_map` from unit rows already read (id → {"id", "code", "valid_from", "valid_to"}) and the successor
    edges (unit id → its successors' ids): no query."""
    return _images(units, edges, on)


def _images(units: dict[int, dict], edges: dict[int, list[int]], on: dt.date) -> dict[int, int]:
    image: dict[int, int | None] = {}

    def resolve(uid: int, seen: frozenset[int]) -> int | None:
        if uid in image:
            return image[uid]
        row = units[uid]
        result: int | None = None
        if _in_force(row, on):
            result = uid
        elif row["valid_to"] is not None and row["valid_to"] < on and uid not in seen:
            succ = [units[s] for s in edges.get(uid, []) if s in units]
            if succ:
                result = resolve(_pick(row, succ, on)["id"], seen | {uid})
        image[uid] = result
        return result

    for uid in units:
        resolve(uid, frozenset())
    return {uid: target for uid, target in image.items() if target is not None}


def commune_periods(unit_id: int, start: dt.date, end: dt.date | None, *, level: str = Level.COMMUNE,
                    tables: UnitTables | None = None) -> list[tuple[int, dt.date, dt.date | None]]:
    """The units a place under `unit_id` belonged to from `start` to `end` (None: open): [(unit, from, to)], one
    period per unit of its chain of successors — a village of Trung Yên is in Trung Yên up to 30/6/2025, then in
    Tân Trào. Before a unit's start (a period from 1900) the unit itself stands in for the unknown earlier one.
    `tables` (from `unit_tables`) spares the read when placing many households."""
    units, edges = tables or _units_and_edges(level)
    out: list[tuple[int, dt.date, dt.date | None]] = []
    cursor: dt.date | None = start
    while cursor is not None and (end is None or cursor <= end):
        uid = _images(units, edges, cursor).get(unit_id, unit_id)
        valid_to = units[uid]["valid_to"] if uid in units else None
        if valid_to is not None and valid_to < cursor:
            valid_to = None  # no successor recorded: the unit carries on
        stop = valid_to if end is None else (min(end, valid_to) if valid_to is not None else end)
        out.append((uid, cursor, stop))
        cursor = stop + dt.timedelta(days=1) if stop is not None else None
    return out


def successor_id(unit_id: int, on: dt.date | None = None, *, level: str = Level.COMMUNE) -> int | None:
    """The id of the unit in force on `on` that `unit_id` is or became (None if it has none)."""
    return successor_map(on, level=level).get(unit_id)


def absorbed_ids(unit_id: int, on: dt.date | None = None, *, level: str = Level.COMMUNE) -> frozenset[int]:
    """Every unit whose image on `on` is `unit_id`: the unit itself and the units merged into it.

    Filter reviews with `commune_id__in=absorbed_ids(tan_trao_2025.pk)` to get Tân Trào's figures of every year on
    today's structure (Trung Yên's reviews of 2021–2024 included).
    """
    return frozenset(uid for uid, target in successor_map(on, level=level).items() if target == unit_id)


def unit_on_structure(field: str = "commune", on: dt.date | None = None, *, level: str = Level.COMMUNE) -> Case:
    """A database expression giving, for a unit foreign key `field`, the id of its image on `on`'s structure.

        AnnualReview.objects.filter(year=2023)
            .annotate(unit_id=unit_on_structure("commune"))
            .values("unit_id").annotate(poor=Count("id", filter=Q(classification="poor")))

    Rows whose unit has no image on that date get NULL.
    """
    by_target: dict[int, list[int]] = {}
    for uid, target in successor_map(on, level=level).items():
        by_target.setdefault(target, []).append(uid)
    whens = [When(**{f"{field}_id__in": sorted(ids)}, then=Value(target)) for target, ids in sorted(by_target.items())]
    if not whens:
        return Case(default=Value(None), output_field=models.BigIntegerField())
    return Case(*whens, default=Value(None), output_field=models.BigIntegerField())


def reaggregate(
    figures: Mapping[int, Mapping[str, int]],
    on: dt.date | None = None,
    *,
    fields: Iterable[str] | None = None,
    level: str = Level.COMMUNE,
) -> dict[int, dict[str, int]]:
    """Add per-unit figures onto the units in force on `on`: {Trung Yên: {"poor": 5}, Tân Trào: {"poor": 7}} →
    {Tân Trào 2025: {"poor": 12}}. Only counts and sums: recompute rates from the result.

    A unit with no image on `on` raises ValueError rather than losing its figures silently.
    """
    images = successor_map(on, level=level)
    out: dict[int, dict[str, int]] = {}
    for uid, values in figures.items():
        if uid not in images:
            unit = AdministrativeUnit.objects.filter(pk=uid).first()
            raise ValueError(f"{unit.label if unit else uid} không có đơn vị kế thừa có hiệu lực vào ngày {(on or _today()):%d/%m/%Y}.")
        target = out.setdefault(images[uid], {})
        for key in fields if fields is not None else values.keys():
            target[key] = target.get(key, 0) + (values.get(key) or 0)
    return out


def structure_note(structure: str, year: int | None = None, on: dt.date | None = None) -> str:
    """The sentence printed above or under a table, saying which structure its rows are on."""
    if structure == Structure.CURRENT:
        on = on or _today()
        return (
            f"Số liệu được quy đổi theo đơn vị hành chính có hiệu lực ngày {on:%d/%m/%Y}: số liệu của các xã, thị trấn "
            "đã sáp nhập được cộng vào đơn vị kế thừa."
        )
    when = f" năm {year}" if year else ""
    return f"Số liệu theo đơn vị hành chính tại thời điểm rà soát{when} (chưa quy đổi theo sắp xếp đơn vị hành chính)."


# --- The program area ------------------------------------------------------------------------------------


def program_area() -> AdministrativeUnit:
    """The unit whose territory the system serves (settings.PROGRAM_AREA_CODE, by default district 076)."""
    code = settings.PROGRAM_AREA_CODE
    qs = AdministrativeUnit.objects.filter(code=code).exclude(level__in=[Level.COMMUNE, Level.VILLAGE])
    unit = qs.order_by("valid_from").first()
    if unit is None:
        raise AdministrativeUnit.DoesNotExist(f"Không có đơn vị hành chính mã {code} (PROGRAM_AREA_CODE).")
    return unit


def program_area_unit_ids(
    on: dt.date | None = None, *, level: str = Level.COMMUNE, root: AdministrativeUnit | None = None
) -> frozenset[int]:
    """The units of the program area, before and after the reform.

    The area is the root's territory over time: every unit below it (by `parent`, any date), the root's own
    successors (district 076 → the ten communes of 1 Jul 2025), and the successors of all these, transitively.
    With `on`, only the units in force on that date; without, every unit the area ever had.
    """
    root = root or program_area()
    rows = {
        r["id"]: r
        for r in AdministrativeUnit.objects.values("id", "parent_id", "level", "valid_from", "valid_to")
    }
    children: dict[int, list[int]] = {}
    for r in rows.values():
        if r["parent_id"] is not None:
            children.setdefault(r["parent_id"], []).append(r["id"])
    successors: dict[int, list[int]] = {}
    through = AdministrativeUnit.successors.through
    for pred, succ in through.objects.values_list("from_administrativeunit_id", "to_administrativeunit_id"):
        successors.setdefault(pred, []).append(succ)
    found: set[int] = set()
    todo = [root.pk]
    while todo:
        uid = todo.pop()
        if uid in found or uid not in rows:
            continue
        found.add(uid)
        todo.extend(children.get(uid, []))
        todo.extend(successors.get(uid, []))
    # The root's parent (the province) is never a successor of the root, so it is not reached.
    return frozenset(
        uid for uid in found
        if rows[uid]["level"] == level and (on is None or _in_force(rows[uid], on))
    )


def program_area_commune_ids(on: dt.date | None = None, *, root: AdministrativeUnit | None = None) -> frozenset[int]:
    """Commune-level units of the program area (all of its history, or those in force on `on`)."""
    return program_area_unit_ids(on, level=Level.COMMUNE, root=root)


def communes_on(on: dt.date | None = None) -> models.QuerySet[AdministrativeUnit]:
    """The program area's communes in force on a date (today by default), ordered by code: the rows of a table."""
    on = on or _today()
    return (
        AdministrativeUnit.objects.in_force(on)
        .filter(level=Level.COMMUNE, pk__in=program_area_commune_ids(on))
        .order_by("code")
    )


__all__ = [
    "Structure", "successor_map", "successor_maps", "commune_periods", "successor_id", "absorbed_ids", "unit_on_structure", "reaggregate",
    "structure_note", "program_area", "program_area_unit_ids", "program_area_commune_ids", "communes_on",
]
