"""The statistics of the program: THE one place where poverty figures are computed.

The dashboards (`reporting.dashboard`), the API (`statistics/poverty/`, `reporting.api_statistics`) and the Excel
reports (`reporting.excel`) all read these functions, so the page, the API and the workbook can never disagree.

Conventions shared by every function here:

- Keyword-only arguments; plain dicts and lists come back (JSON-ready: ints, floats, strings, None).
- Every figure is an aggregate computed by the database: the household-year cube (`status_cube`, `reporting.cube`)
  grouped by year, place, status and change; Python only adds up and re-keys a few hundred aggregate rows, never
  loops over households. A page computes one cube and hands it to several selectors (`rows=`).
- The filters are the same everywhere:
  ``year`` (the review year), ``unit_ids`` (ids of commune-level units whose reviews count, ``None`` for the whole
  program area: build it with `statistics_scope`), ``basis`` (``"official"``: only reviews the commune chairman
  recognised or the district confirmed, `households.models.OFFICIAL_STATES` — the default; ``"working"``: every
  review of the year, whatever its step), ``ethnic_minority_only`` and ``area`` (``"rural"``/``"urban"``, as of the
  review date), and ``user`` (optional: the rows also pass through `accounts.scoping.scope`, as every view must).
- ``structure`` decides how reviews are grouped by commune: ``"historical"`` by the unit that made the review (as
  reported at the time: 30 units before 1 July 2025, 10 communes after), ``"current"`` by the unit in force today
  that it became (comparable across the 2025 reform).
- A year's figures are about every household living in the unit on the year's reference date (31 December), from
  the registry, not about the households reviewed (Decision 24/2021/QĐ-TTg reviews the households on the lists and
  those that applied; every other resident household is neither poor nor near-poor): `households` and `persons`
  are the resident households and persons, the denominators of every rate (docs/domain.md §3: "Rate = households in the
  category ÷ all resident households × 100"). A household's status is that of its latest review counted on the
  basis (`households.household_years`); the counts come from the household-year cube (`reporting.cube`).
  Rates are percentages with 2 decimals, ``None`` when nothing is counted.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.scoping import commune_ids, scope
from households.models import (
    OFFICIAL_STATES,
    AdministrativeUnit,
    AnnualReview,
    Area,
    Change,
    Classification,
    Household,
    HouseholdStatus,
    HouseholdYear,
    Indicator,
    Level,
    PovertyCause,
    PovertyStandard,
    ReviewState,
)
from households.selectors import Completeness, latest_complete_year, unit_lineage_ids
from households.selectors import completeness_by_year as household_completeness
from households.structure import images_from

from . import cube

Basis = Literal["official", "working"]
Structure = Literal["historical", "current"]
GroupBy = Literal["commune", "village"]

OFFICIAL: Basis = "official"
WORKING: Basis = "working"
# Labels for the screens, translated where they are shown (reporting.dashboard).
BASES = {OFFICIAL: gettext_noop("Số liệu chính thức (xã đã công nhận, huyện đã xác nhận)"), WORKING: gettext_noop("Số liệu đang rà soát (mọi kết quả của năm)")}
HISTORICAL: Structure = "historical"
CURRENT: Structure = "current"
STRUCTURES = {CURRENT: gettext_noop("Theo đơn vị hành chính hiện nay"), HISTORICAL: gettext_noop("Theo đơn vị tại thời điểm rà soát")}

POOR = Classification.POOR
NEAR_POOR = Classification.NEAR_POOR

# The plan's targets (Kế hoạch của huyện, section II.2): the poor-household rate falls 3 points a year on average in
# 2021–2025, that of ethnic-minority households at least 4 points; to 2030 more than 2 points a year. Used only
# where the programs app records no target for the year (`targets_for`).
PLAN_REDUCTION = {
    "poverty_rate_reduction": ((2022, 2025, 3.0), (2026, 2030, 2.0)),
    "ethnic_minority_poverty_rate_reduction": ((2022, 2025, 4.0),),
}
PLAN_TITLES = {
    ("poverty_rate_reduction", 2025): "Tỷ lệ hộ nghèo giảm bình quân 3%/năm (giai đoạn 2021-2025)",
    ("poverty_rate_reduction", 2030): "Duy trì mức giảm tỷ lệ hộ nghèo trên 2%/năm (đến năm 2030)",
    ("ethnic_minority_poverty_rate_reduction", 2025): "Tỷ lệ hộ nghèo dân tộc thiểu số giảm bình quân từ 4%/năm trở lên (giai đoạn 2021-2025)",
}
# The end-2021 review under Decree 07 set the baseline of the 2022–2025 period (docs/domain.md §2).
BASELINE_YEAR = 2021


# --- small helpers ----------------------------------------------------------------------------------------


def rate(part: int | None, whole: int | None) -> float | None:
    """part ÷ whole × 100, rounded half up to 2 decimals; None when whole is 0."""
    if not whole:
        return None
    value = (Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(value)


def points(before: float | None, after: float | None) -> float | None:
    """The change in percentage points from `before` to `after` (negative: the rate fell)."""
    if before is None or after is None:
        return None
    return float((Decimal(str(after)) - Decimal(str(before))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _check(*, basis: str, area: str | None, structure: str = HISTORICAL) -> None:
    errors = {}
    if basis not in BASES:
        errors["basis"] = "Cơ sở số liệu phải là official (chính thức) hoặc working (đang rà soát)."
    if area not in (None, "", Area.RURAL, Area.URBAN):
        errors["area"] = "Khu vực phải là rural (nông thôn) hoặc urban (thành thị)."
    if structure not in STRUCTURES:
        errors["structure"] = "Cơ cấu đơn vị phải là historical (tại thời điểm rà soát) hoặc current (hiện nay)."
    if errors:
        raise ValidationError(errors)


def reviews(
    *,
    year: int | None = None,
    years: Iterable[int] | None = None,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    user=None,
) -> QuerySet[AnnualReview]:
    """The reviews every statistic counts: the filters above applied to `AnnualReview`."""
    _check(basis=basis, area=area)
    qs = AnnualReview.objects.all()
    if user is not None:
        qs = scope(user, qs)
    if year is not None:
        qs = qs.filter(year=year)
    if years is not None:
        qs = qs.filter(year__in=list(years))
    if unit_ids is not None:
        qs = qs.filter(commune_id__in=list(unit_ids))
    if basis == OFFICIAL:
        qs = qs.filter(state__in=OFFICIAL_STATES)
    if ethnic_minority_only:
        qs = qs.filter(ethnic_minority=True)
    if area:
        qs = qs.filter(area=area)
    return qs


OFFICIAL_SET = frozenset(str(s) for s in OFFICIAL_STATES)

COUNT_KEYS = ("households", "poor", "near_poor", "escaped_poverty", "newly_poor", "fell_back_poor")
GROUP_KEYS = (
    "poor_without_working_capacity",
    "poor_with_person_of_merit",
    "near_poor_without_working_capacity",
    "near_poor_with_person_of_merit",
)


def _scope_ids(unit_ids: Iterable[int] | None, user) -> frozenset[int] | None:
    """The commune-level units whose households count: `unit_ids` within what `user` may see (None: all)."""
    ids = frozenset(unit_ids) if unit_ids is not None else None
    if user is not None:
        allowed = commune_ids(user)
        if allowed is not None:
            ids = allowed if ids is None else ids & allowed
    return ids


def _wide(ids: frozenset[int] | None, units: "UnitIndex | None" = None) -> frozenset[int] | None:
    """The units of `ids` and every unit they took over (a household's unit of the year before may be one)."""
    if ids is None:
        return None
    edges: dict[int, list[int]] = defaultdict(list)
    for pred, succs in (units if units is not None else UnitIndex()).edges.items():
        for succ in succs:
            edges[succ].append(pred)
    found, todo = set(ids), list(ids)
    while todo:
        for pred in edges.get(todo.pop(), []):
            if pred not in found:
                found.add(pred)
                todo.append(pred)
    return frozenset(found)


def status_cube(
    *,
    years: Iterable[int],
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    by: GroupBy | None = None,
    user=None,
    units: "UnitIndex | None" = None,
    **_ignored: Any,
) -> list[dict[str, Any]]:
    """The household-year cube (`reporting.cube.status_cube`) of `years` in the scope, on `basis` (one query, plus
    one for the successor table when the scope is not the whole area). Pass it as `rows=` to the selectors below to
    compute several figures of a page from one scan; it must have been fetched with the same scope, basis and, for
    figures by village, `by="village"`."""
    _check(basis=basis, area=None)
    ids = _scope_ids(unit_ids, user)
    return cube.status_cube(years=years, basis=basis, wide_ids=_wide(ids, units), by=by)


class _Keys:
    """Which table row each side of a cube row belongs to, for one year: the scope test and the grouping key."""

    def __init__(self, *, year: int, ids: frozenset[int] | None, by: GroupBy | None, structure: str, units: UnitIndex | None) -> None:
        self.ids, self.by, self.structure = ids, by, structure
        self.units = units if units is not None else (UnitIndex() if (by == "commune" or ids is not None) else None)
        self.then = self.units.image_on(reference_date(year)) if self.units is not None else {}
        self.now_image = self.units.successor if (self.units is not None and structure == CURRENT) else None

    def _in_now(self, r: dict[str, Any]) -> bool:
        return self.ids is None or r["commune_id"] in self.ids

    def _in_prev(self, r: dict[str, Any]) -> bool:
        p = r["prev_commune_id"]
        return self.ids is None or p in self.ids or self.then.get(p) in self.ids

    def key_now(self, r: dict[str, Any]) -> Any:
        if not self._in_now(r):
            return None
        if self.by is None:
            return "all"
        if self.by == "village":
            return r["village_id"] or "none"
        c = r["commune_id"]
        return self.now_image.get(c, c) if self.now_image is not None else c

    def key_prev(self, r: dict[str, Any]) -> Any:
        if not self._in_prev(r):
            return None
        if self.by is None:
            return "all"
        if self.by == "village":
            return r["prev_village_id"] or "none"
        c = r["prev_commune_id"]
        if self.now_image is not None:
            return self.now_image.get(c, c)
        return self.then.get(c, c)


def _figures(
    rows: list[dict[str, Any]], *, year: int, ids: frozenset[int] | None, by: GroupBy | None, structure: str,
    units: UnitIndex | None, ethnic_minority_only: bool = False, area: str | None = None,
) -> dict[Any, dict[str, Any]]:
    keys = _Keys(year=year, ids=ids, by=by, structure=structure, units=units)
    return cube.tally((r for r in rows if r["year"] == year), key_now=keys.key_now, key_prev=keys.key_prev,
                      ethnic_minority_only=ethnic_minority_only, area=area or None)


def _summary_row(block: dict[str, Any], em: dict[str, Any] | None = None) -> dict[str, Any]:
    """A tallied table row → the summary shape: resident households and persons, counts and rates, the groups,
    the year's escapes and new entries, last year's figures of the same households' units, and the same for
    ethnic-minority households (`em`: the row tallied with the ethnic-minority filter)."""
    poor_m, near_m = cube.movement_table(block, "poor"), cube.movement_table(block, "near_poor")
    row: dict[str, Any] = {
        "households": block["households"],
        "resident_households": block["households"],
        "persons": block["persons"],
        "resident_persons": block["persons"],
        "reviewed_households": block["reviewed"],
        "poor": block["poor"],
        "near_poor": block["near_poor"],
        "poor_persons": block["poor_persons"],
        "near_poor_persons": block["near_poor_persons"],
        "poor_rate": rate(block["poor"], block["households"]),
        "near_poor_rate": rate(block["near_poor"], block["households"]),
        "poor_persons_rate": rate(block["poor_persons"], block["persons"]),
        "near_poor_persons_rate": rate(block["near_poor_persons"], block["persons"]),
        # Average-living households of agriculture, forestry, fishery and salt-making (form 1).
        "average_farming": block["average_farming"],
        "average_farming_persons": block["average_farming_persons"],
        "average_farming_rate": rate(block["average_farming"], block["households"]),
        "average_farming_persons_rate": rate(block["average_farming_persons"], block["persons"]),
        "escaped_poverty": poor_m["escaped_to_near_poor"] + poor_m["escaped_above_near_poor"],
        "escaped_near_poverty": near_m["escaped"],
        "newly_poor": poor_m["newly_poor"],
        "fell_back_poor": poor_m["fell_back"],
        "start_households": block["prev_households"],
        "start_poor": poor_m["start"],
        "start_near_poor": near_m["start"],
        "start_poor_rate": rate(poor_m["start"], block["prev_households"]),
        "start_near_poor_rate": rate(near_m["start"], block["prev_households"]),
    }
    for k in GROUP_KEYS:
        row[k] = block[k]
    if em is not None:
        row["ethnic_minority"] = {k: v for k, v in _summary_row(em).items() if k != "ethnic_minority"}
    return row


# --- units: scope, structure ----------------------------------------------------------------------------


def reference_date(year: int) -> dt.date:
    """The day a unit code is read on for a review year: the end of the year, after the review (1 Sep–14 Dec,
    Decision 24/2021/QĐ-TTg Art. 4): 2024's reviews of Hồng Sơn and 2025's of the ten new communes resolve."""
    return dt.date(year, 12, 31)


class UnitIndex:
    """The commune-level units of the program area (a few dozen rows) with their successors: three queries, then
    every selector groups, re-keys and names communes from memory. Build it once per page with `unit_index()` and
    pass it as `units=` to each selector; a selector builds its own when none is passed.
    """

    def __init__(self, *, on: dt.date | None = None) -> None:
        self.on = on or timezone.localdate()
        self.units: dict[int, dict[str, Any]] = {
            u["id"]: u
            for u in AdministrativeUnit.objects.filter(level=Level.COMMUNE).values(
                "id", "code", "name", "short_name", "area", "extremely_difficult", "valid_from", "valid_to"
            )
        }
        self._images: dict[dt.date, dict[int, int]] = {}
        self._edges: dict[int, list[int]] | None = None
        self._difficult_parts: dict[int, list[str]] | None = None
        self._villages: dict[Any, dict[str, Any]] = {None: dict(NO_VILLAGE)}
        self.village_names: Any = None  # households.village_names.VillageNames, once `load_villages` read them

    @property
    def successor(self) -> dict[int, int]:
        """Each unit → the unit in force on `on` it became (two more queries, the first time only)."""
        return self.image_on(self.on)

    @property
    def edges(self) -> dict[int, list[int]]:
        """Each commune-level unit → the units that succeeded it (one query, the first time only)."""
        if self._edges is None:
            through = AdministrativeUnit.successors.through
            edges: dict[int, list[int]] = defaultdict(list)
            for pred, succ in through.objects.filter(
                from_administrativeunit__level=Level.COMMUNE, to_administrativeunit__level=Level.COMMUNE
            ).values_list("from_administrativeunit_id", "to_administrativeunit_id"):
                edges[pred].append(succ)
            self._edges = dict(edges)
        return self._edges

    def image_on(self, on: dt.date) -> dict[int, int]:
        """Each unit → the unit in force on another date that it is or became (a year's structure; no query once the
        successor table was read)."""
        if on not in self._images:
            self._images[on] = images_from(self.units, self.edges, on)
        return self._images[on]

    def prepare(self, years: Iterable[int]) -> None:
        """Kept for callers that announce the years they will ask for; the structures are computed in memory."""

    @property
    def difficult_parts(self) -> dict[int, list[str]]:
        """For each unit in force, the extremely difficult communes (plan III.3) it took in (Tân Trào ← Trung Yên)."""
        if self._difficult_parts is None:
            parts: dict[int, list[str]] = defaultdict(list)
            for uid, u in self.units.items():
                target = self.successor.get(uid, uid)
                if u["extremely_difficult"] and target != uid:
                    parts[target].append(u["short_name"] or u["name"])
            self._difficult_parts = {k: sorted(v) for k, v in parts.items()}
        return self._difficult_parts

    def load_villages(self, *, commune_ids: Iterable[int]) -> None:
        """Read the villages of these communes at once (a commune's dashboard names them in several tables), named
        as every page names them: namesakes from the units the commune took in carry their former commune
        (`households.village_names`, whose one query the page then reuses: `village_names`)."""
        from households.village_names import VillageNames

        self.village_names = VillageNames().read()
        labels = self.village_names.labels(on=self.on)
        for u in self.village_names.villages_under(commune_ids):
            self._villages[u["id"]] = {
                "id": u["id"], "code": u["code"], "name": labels.get(u["id"], u["name"]),
                "short_name": u["short_name"] or u["name"], "area": u["area"], "commune_name": u["parent_name"],
                "extremely_difficult": False, "difficult_parts": [],
            }

    def villages(self, ids: Iterable[int | None]) -> dict[Any, dict[str, Any]]:
        """Villages by id (None: reviews with no village), reading only those not read before."""
        ids = set(ids)
        missing = [i for i in ids if i not in self._villages]
        if missing:
            self._villages.update(_village_info(ids=missing))
        return {i: self._villages.get(i, self._villages[None]) for i in ids}

    def _in_force(self, uid: int) -> bool:
        u = self.units[uid]
        return u["valid_from"] <= self.on and (u["valid_to"] is None or self.on <= u["valid_to"])

    def in_force(self) -> list[dict[str, Any]]:
        """The communes in force on `on`, by name (for filter lists)."""
        return sorted((self.info(uid) for uid in self.units if self._in_force(uid)), key=lambda u: u["name"])

    def info(self, uid: int | None, *, current: bool = False) -> dict[str, Any]:
        """A unit as the statistics name it; `current`: marked difficult when it took in a difficult commune."""
        u = self.units.get(uid) if uid is not None else None
        if u is None:
            return {"id": uid, "code": "", "name": "(không rõ đơn vị)", "short_name": "(không rõ)", "area": "",
                    "extremely_difficult": False, "difficult_parts": [], "valid_to": None}
        parts = self.difficult_parts.get(uid, []) if current else []
        return {
            "id": uid,
            "code": u["code"],
            "name": u["name"],
            "short_name": u["short_name"] or u["name"],
            "area": u["area"],
            "extremely_difficult": u["extremely_difficult"] or bool(parts),
            "difficult_parts": parts,
            "valid_to": u["valid_to"].isoformat() if u["valid_to"] else None,
        }


def unit_index(*, on: dt.date | None = None) -> UnitIndex:
    return UnitIndex(on=on)


def successor_map(*, on: dt.date | None = None) -> dict[int, int]:
    """Every commune-level unit id → the id of the unit in force on `on` (today) that it became."""
    return dict(UnitIndex(on=on).successor)


NO_VILLAGE = {
    "id": None, "code": "", "name": "(chưa ghi thôn)", "short_name": "(chưa ghi thôn)", "area": "",
    "commune_name": "", "extremely_difficult": False, "difficult_parts": [],
}


def _village_info(*, ids: Iterable[int] | None, parent_ids: Iterable[int] | None = None) -> dict[Any, dict[str, Any]]:
    qs = AdministrativeUnit.objects.filter(level=Level.VILLAGE)
    if ids is not None:
        qs = qs.filter(pk__in=[i for i in set(ids) if i is not None])
    if parent_ids is not None:
        qs = qs.filter(parent_id__in=list(parent_ids))
    return {
        u["id"]: {
            "id": u["id"],
            "code": u["code"],
            "name": u["name"],
            "short_name": u["short_name"] or u["name"],
            "area": u["area"],
            "commune_name": u["parent__name"],
            "extremely_difficult": False,
            "difficult_parts": [],
        }
        for u in qs.values("id", "code", "name", "short_name", "area", "parent__name")
    }


class _Grouping:
    """How rows grouped by `commune_id` or `village_id` are keyed and named."""

    def __init__(self, *, by: GroupBy, structure: Structure, units: UnitIndex | None) -> None:
        _check(basis=OFFICIAL, area=None, structure=structure)
        if by not in ("commune", "village"):
            raise ValidationError({"by": "Nhóm theo commune (xã) hoặc village (thôn)."})
        self.by, self.structure = by, structure
        self.field = "commune_id" if by == "commune" else "village_id"
        self.units = units if (units is not None or by == "village") else UnitIndex()
        self.current = by == "commune" and structure == CURRENT

    def key(self, raw: int | None) -> int | None:
        return self.units.successor.get(raw, raw) if self.current else raw  # type: ignore[union-attr]

    def describe(self, keys: Iterable[int | None]) -> dict[Any, dict[str, Any]]:
        if self.by == "village":
            if self.units is not None:
                return self.units.villages(keys)
            info = _village_info(ids=keys)
            return {k: info.get(k, NO_VILLAGE) for k in keys}
        return {k: self.units.info(k, current=self.current) for k in keys}  # type: ignore[union-attr]


@dataclass(frozen=True)
class StatisticsScope:
    """What a statistics request covers, after the user's scope was applied (see `statistics_scope`)."""

    unit: AdministrativeUnit | None  # None: the caller's whole scope
    unit_ids: frozenset[int] | None  # commune-level unit ids whose reviews count; None: the whole program area
    structure: Structure
    is_commune: bool  # one commune (the commune dashboard, rows by village) rather than several

    @property
    def code(self) -> str | None:
        return self.unit.code if self.unit else None


def statistics_scope(*, user, unit_code: str | None, year: int, structure: Structure = CURRENT) -> StatisticsScope:
    """Resolve `?unit=CODE` for a user: a URL filter never widens the user's scope.

    Without a code: the user's own scope (a commune officer: their commune and the units it succeeded).
    A code names the unit in force on the date that matters (docs/api.md): for `structure="current"` today (its
    figures include the units it succeeded), for `"historical"` the end of the review year (its own reviews).
    A district or province code means the whole program area. Raises ValidationError (unknown code) and Http404
    (outside the user's scope, so the answer does not tell whether the unit exists elsewhere).
    """
    _check(basis=OFFICIAL, area=None, structure=structure)
    allowed = commune_ids(user)
    if not unit_code:
        if allowed is None:
            return StatisticsScope(None, None, structure, False)
        unit = user.unit if getattr(user, "unit_id", None) else None
        return StatisticsScope(unit, frozenset(allowed), structure, True)
    on = timezone.localdate() if structure == CURRENT else reference_date(year)
    candidates = list(
        AdministrativeUnit.objects.filter(code=unit_code.strip())
        .exclude(level=Level.VILLAGE)
        .order_by("-valid_from")
    )
    # The district (076, abolished on 1 July 2025) and the province name the whole program area, whatever the date.
    unit = next((u for u in candidates if u.level in (Level.DISTRICT, Level.PROVINCE)), None)
    unit = unit or next((u for u in candidates if u.in_force_on(on)), None)
    if unit is None and structure == HISTORICAL:
        unit = next((u for u in candidates if u.valid_from <= on), None)
    if unit is None:
        if candidates:
            raise ValidationError(
                {"unit": f"Mã đơn vị {unit_code} không còn hiệu lực: chọn đơn vị hiện nay, hoặc xem theo đơn vị tại thời điểm rà soát."}
            )
        raise ValidationError({"unit": f"Không có đơn vị hành chính mã {unit_code}."})
    if unit.level in (Level.DISTRICT, Level.PROVINCE):
        ids: frozenset[int] | None = None
        is_commune = False
    else:
        ids = frozenset(unit_lineage_ids(unit=unit)) if structure == CURRENT else frozenset({unit.pk})
        is_commune = True
    if allowed is not None and (ids is None or not ids <= allowed):
        raise Http404("Không tìm thấy hoặc bạn không có quyền xem đơn vị này.")
    return StatisticsScope(unit, ids, structure, is_commune)


def years_with_reviews(*, unit_ids: Iterable[int] | None = None, user=None) -> dict[str, Any]:
    """The review years in scope (from the first to the last); `latest_official()` gives the latest year with
    official figures, asked only when needed. Each a query the database answers from the index on the year."""
    qs = reviews(unit_ids=unit_ids, basis=WORKING, user=user)
    span = qs.aggregate(first=Min("year"), last=Max("year"))
    years = list(range(span["first"], span["last"] + 1)) if span["first"] is not None else []

    def latest_official() -> int | None:
        return qs.filter(state__in=OFFICIAL_STATES).aggregate(last=Max("year"))["last"]

    return {"years": years, "latest": span["last"], "latest_official": latest_official}


# --- how complete a year is (households.selectors.completeness_by_year, in a user's scope) -------------------


def completeness(
    *, year: int, unit_ids: Iterable[int] | None = None, user=None, structure: Structure = CURRENT,
    units: UnitIndex | None = None,
) -> Completeness:
    """The year's `Completeness` in the scope (see `completeness_by_year`)."""
    return completeness_by_year(years=[year], unit_ids=unit_ids, user=user, structure=structure, units=units)[year]


def completeness_by_year(
    *, years: Iterable[int], unit_ids: Iterable[int] | None = None, user=None, structure: Structure = CURRENT,
    units: UnitIndex | None = None,
) -> dict[int, Completeness]:
    """`households.selectors.completeness_by_year` within what `user` may see, on the page's unit index (no query
    for the units once the index has read them)."""
    units = units or UnitIndex()
    return household_completeness(years=years, unit_ids=_scope_ids(unit_ids, user), structure=structure,
                                  tables=(units.units, units.edges), today=units.on)


# --- poverty counts and rates ---------------------------------------------------------------------------


def _rows_for(rows, *, years, unit_ids, basis, by, user):
    if rows is None:
        rows = status_cube(years=years, unit_ids=unit_ids, basis=basis, by=by, user=user)
    return rows


def poverty_summary(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    user=None,
    rows: list[dict[str, Any]] | None = None,
    units: UnitIndex | None = None,
) -> dict[str, Any]:
    """The year's figures for the scope (one query; none with `rows`, a `status_cube` of the same scope and basis).

    {"year", "basis", "households" (= "resident_households"), "persons" (= "resident_persons"),
     "reviewed_households", "poor", "near_poor", "poor_persons", "near_poor_persons", "poor_rate", "near_poor_rate",
     "poor_persons_rate", "near_poor_persons_rate", "average_farming", "average_farming_persons", "average_farming_rate",
     "average_farming_persons_rate", "escaped_poverty", "escaped_near_poverty", "newly_poor", "fell_back_poor", "start_households", "start_poor", "start_near_poor", "start_poor_rate",
     "start_near_poor_rate", the four groups (`GROUP_KEYS`), "ethnic_minority": {the same, ethnic-minority
     households only}}
    """
    _check(basis=basis, area=area)
    ids = _scope_ids(unit_ids, user)
    rows = _rows_for(rows, years=[year], unit_ids=unit_ids, basis=basis, by=None, user=user)
    common = {"year": year, "ids": ids, "by": None, "structure": HISTORICAL, "units": units, "area": area}
    block = _figures(rows, ethnic_minority_only=ethnic_minority_only, **common).get("all") or cube.add_up([])
    em = _figures(rows, ethnic_minority_only=True, **common).get("all") or cube.add_up([])
    return {"year": year, "basis": basis, **_summary_row(block, em)}


def poverty_trend(
    *,
    years: Iterable[int],
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    user=None,
    rows: list[dict[str, Any]] | None = None,
    units: UnitIndex | None = None,
) -> list[dict[str, Any]]:
    """`poverty_summary` for each of `years` (one query), each with the change in points from the year before
    (`poor_rate_change`, `near_poor_rate_change`, `ethnic_minority.poor_rate_change`: this year's rate against the
    start of the year, last year's end over the same households' units), `has_data` (some household was reviewed)
    and the `standard_id` of the year's reviews (a change of standard breaks comparability)."""
    _check(basis=basis, area=area)
    years = sorted(set(years))
    ids = _scope_ids(unit_ids, user)
    rows = _rows_for(rows, years=years, unit_ids=unit_ids, basis=basis, by=None, user=user)
    spans = list(PovertyStandard.objects.values_list("pk", "first_year", "last_year"))
    standards = {y: next((pk for pk, first, last in spans if first <= y <= last), None) for y in years}
    result = []
    for y in years:
        common = {"year": y, "ids": ids, "by": None, "structure": HISTORICAL, "units": units, "area": area}
        block = _figures(rows, ethnic_minority_only=ethnic_minority_only, **common).get("all") or cube.add_up([])
        em = _figures(rows, ethnic_minority_only=True, **common).get("all") or cube.add_up([])
        row = {"year": y, "basis": basis, **_summary_row(block, em)}
        row["standard_id"] = standards.get(y)
        row["has_data"] = bool(row["households"]) and (row["poor"] + row["near_poor"] + row["reviewed_households"]) > 0
        before = result[-1] if result and result[-1]["year"] == y - 1 and result[-1]["has_data"] else None
        row["poor_rate_change"] = points(row["start_poor_rate"], row["poor_rate"]) if before else None
        row["near_poor_rate_change"] = points(row["start_near_poor_rate"], row["near_poor_rate"]) if before else None
        row["ethnic_minority"]["poor_rate_change"] = (
            points(row["ethnic_minority"]["start_poor_rate"], row["ethnic_minority"]["poor_rate"]) if before else None
        )
        result.append(row)
    return result


def _describe(keys: Iterable[Any], *, by: GroupBy, structure: str, units: UnitIndex | None) -> dict[Any, dict[str, Any]]:
    grouping = _Grouping(by=by, structure=structure, units=units)
    keys = list(keys)
    plain = grouping.describe([None if k == "none" else k for k in keys])
    return {k: plain[None if k == "none" else k] for k in keys}


def poverty_by_unit(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    by: GroupBy = "commune",
    structure: Structure = HISTORICAL,
    units: UnitIndex | None = None,
    user=None,
    rows: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """One summary row per commune (or village) for the year, with the start of the year for the same unit.

    Each row: {"unit": {"id", "code", "name", "short_name", "area", "extremely_difficult", "difficult_parts", …},
    the `poverty_summary` figures, "previous": {"households", "poor", "poor_rate", "near_poor_rate", "em_poor_rate"}
    (the end of last year of the households' units then, re-keyed onto this row's unit) or None,
    "poor_rate_change", "em_poor_rate_change"} — ordered by unit code (village name). One query (none with `rows`,
    a cube `by` the same unit); the unit names come from `units` (or one to three queries).
    """
    _check(basis=basis, area=area)
    ids = _scope_ids(unit_ids, user)
    units = units if units is not None else UnitIndex()
    rows = _rows_for(rows, years=[year], unit_ids=unit_ids, basis=basis, by=by, user=user)
    common = {"year": year, "ids": ids, "by": by, "structure": structure, "units": units, "area": area}
    blocks = _figures(rows, ethnic_minority_only=ethnic_minority_only, **common)
    ems = _figures(rows, ethnic_minority_only=True, **common)
    keys = [k for k, b in blocks.items() if b["households"]]
    info = _describe(keys, by=by, structure=structure, units=units)
    result = []
    for key in keys:
        row = {"unit": info[key], **_summary_row(blocks[key], ems.get(key) or cube.add_up([]))}
        if row["start_households"]:
            row["previous"] = {
                "households": row["start_households"],
                "poor": row["start_poor"],
                "poor_rate": row["start_poor_rate"],
                "near_poor_rate": row["start_near_poor_rate"],
                "em_poor_rate": row["ethnic_minority"]["start_poor_rate"],
            }
            row["poor_rate_change"] = points(row["start_poor_rate"], row["poor_rate"])
            row["em_poor_rate_change"] = points(row["ethnic_minority"]["start_poor_rate"], row["ethnic_minority"]["poor_rate"])
        else:
            row["previous"] = None
            row["poor_rate_change"] = None
            row["em_poor_rate_change"] = None
        result.append(row)
    result.sort(key=lambda r: (r["unit"]["code"] if by == "commune" else "", r["unit"]["name"]))
    return result


# --- movements --------------------------------------------------------------------------------------------


def _movement(block: dict[str, Any], *, year: int) -> dict[str, Any]:
    """The movement tables (forms 2 and 3) of a tallied row: households and persons."""
    changes = {c.value: block[f"ch_{c.value}"] for c in Change}
    return {
        "year": year,
        "changes": changes,
        "poor": cube.movement_table(block, "poor"),
        "near_poor": cube.movement_table(block, "near_poor"),
        "persons": {"poor": cube.movement_table(block, "poor", persons=True),
                    "near_poor": cube.movement_table(block, "near_poor", persons=True)},
        "line_change": block["line_change"],
        # Households rotating in and out of poverty to keep benefits (plan IV.13): back in after having escaped.
        "rotating": block["m_poor_fell_back"] + block["m_near_poor_fell_back"],
    }


def movements(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    user=None,
    rows: list[dict[str, Any]] | None = None,
    units: UnitIndex | None = None,
) -> dict[str, Any]:
    """How households moved in the year (one query; none with `rows`).

    {"year", "changes": {change code: resident households} for every `households.models.Change`,
     "poor": {"start", "escaped_to_near_poor", "escaped_above_near_poor", "other_decrease", "near_poor_to_poor",
              "fell_back", "newly_poor", "other_increase", "end", "stayed"},
     "near_poor": {"start", "to_poor", "escaped", "other_decrease", "from_poor", "fell_back", "newly_near_poor",
                   "other_increase", "end", "stayed"},
     "persons": {"poor": {…the same columns}, "near_poor": {…}},
     "line_change": households whose category changed only because their place's income line changed (counted in
                    the other decreases and increases),
     "rotating": households back in poverty or near-poverty after having left it}
    Forms 2 and 3 (docs/domain.md §3): 9 = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 on every row; `start` is last year's end of the
    same households' units. Other increases and decreases are registry events (a household that moved in, split
    off, moved away, merged into another, dissolved; for persons also births, deaths and members who came or left).
    """
    _check(basis=basis, area=area)
    ids = _scope_ids(unit_ids, user)
    rows = _rows_for(rows, years=[year], unit_ids=unit_ids, basis=basis, by=None, user=user)
    block = _figures(rows, year=year, ids=ids, by=None, structure=HISTORICAL, units=units,
                     ethnic_minority_only=ethnic_minority_only, area=area).get("all") or cube.add_up([])
    return _movement(block, year=year)


def movements_by_unit(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    by: GroupBy = "commune",
    structure: Structure = HISTORICAL,
    units: UnitIndex | None = None,
    user=None,
    rows: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """`movements` for each commune (or village): [{"unit": {...}, **movements}] ordered by code (one query + units).

    Under `structure="historical"` each row is a unit in force at the end of the year, its start the end of last
    year of the units it took over (Hồng Sơn 2024 starts with Hồng Lạc's and Vân Sơn's poor of 2023)."""
    _check(basis=basis, area=area)
    ids = _scope_ids(unit_ids, user)
    units = units if units is not None else UnitIndex()
    rows = _rows_for(rows, years=[year], unit_ids=unit_ids, basis=basis, by=by, user=user)
    blocks = _figures(rows, year=year, ids=ids, by=by, structure=structure, units=units,
                      ethnic_minority_only=ethnic_minority_only, area=area)
    keys = [k for k, b in blocks.items() if b["households"] or b["prev_households"]]
    info = _describe(keys, by=by, structure=structure, units=units)
    result = [{"unit": info[k], **_movement(blocks[k], year=year)} for k in keys]
    result.sort(key=lambda r: (r["unit"]["code"] if by == "commune" else "", r["unit"]["name"]))
    return result


# --- deprivations and causes ------------------------------------------------------------------------------


def indicators_for(*, year: int) -> list[dict[str, Any]]:
    """The deprivation indicators of the standard in force for the review year, in order (one query)."""
    return list(
        Indicator.objects.filter(standard__first_year__lte=year, standard__last_year__gte=year)
        .order_by("order")
        .values("code", "name", "dimension", "dimension_name", "order")
    )


def listed(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    classification: str | None = POOR,
    user=None,
) -> QuerySet:
    """The year rows of the households counted in a category at the end of the year (`classification` poor or
    near-poor; None: every resident household), in the scope: what the deprivation, cause and list figures count."""
    _check(basis=basis, area=area)
    s = "o" if basis == OFFICIAL else "w"
    ids = _scope_ids(unit_ids, user)
    qs = HouseholdYear.objects.filter(year=year, commune__isnull=False)
    if ids is not None:
        qs = qs.filter(commune_id__in=list(ids))
    if classification:
        qs = qs.filter(**{f"status_{s}": classification})
    if ethnic_minority_only:
        qs = qs.filter(minority=True)
    if area:
        qs = qs.filter(area=area)
    return qs


def _source(basis: str) -> str:
    return "source_o" if basis == OFFICIAL else "source_w"


def _deprivation_aggregates(indicators: list[dict[str, Any]], source: str) -> dict[str, Any]:
    # Bit i of `deprivation_mask` is the indicator with order i (households.models.Indicator.bit): shifting the mask
    # right by i and keeping the last bit gives 0 or 1, so its sum counts the households deprived on it. The mask is
    # that of the review the household's status comes from (this year's, or its latest before).
    aggs: dict[str, Any] = {"households": Count("id"), "total_deprivations": Sum(f"{source}__deprivation_count")}
    for ind in indicators:
        aggs[f"i{ind['order']}"] = Sum(F(f"{source}__deprivation_mask").bitrightshift(ind["order"]).bitand(1))
    return aggs


def _deprivation_row(counts: dict[str, Any], indicators: list[dict[str, Any]]) -> dict[str, Any]:
    households = counts.get("households") or 0
    return {
        "households": households,
        "total_deprivations": counts.get("total_deprivations") or 0,
        "indicators": [
            {
                "code": ind["code"],
                "name": ind["name"],
                "dimension": ind["dimension"],
                "dimension_name": ind["dimension_name"],
                "households": counts.get(f"i{ind['order']}") or 0,
                "percent": rate(counts.get(f"i{ind['order']}") or 0, households),
            }
            for ind in indicators
        ],
    }


def deprivations(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    classification: str | None = POOR,
    user=None,
) -> dict[str, Any]:
    """Households deprived on each indicator of the year's standard (form 4), among the households counted
    `classification` at the end of the year (poor by default; None: every resident household). Two queries.

    {"year", "classification", "households", "total_deprivations",
     "indicators": [{"code", "name", "dimension", "dimension_name", "households", "percent"}]}
    """
    indicators = indicators_for(year=year)
    qs = listed(year=year, unit_ids=unit_ids, basis=basis, ethnic_minority_only=ethnic_minority_only, area=area,
                classification=classification, user=user)
    counts = qs.aggregate(**_deprivation_aggregates(indicators, _source(basis)))
    return {"year": year, "classification": classification, **_deprivation_row(counts, indicators)}


def deprivations_by_unit(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    classification: str | None = POOR,
    by: GroupBy = "commune",
    structure: Structure = HISTORICAL,
    units: UnitIndex | None = None,
    user=None,
) -> list[dict[str, Any]]:
    """`deprivations` for each commune (or village): [{"unit": {...}, "households", "total_deprivations",
    "indicators": [...]}] ordered by code."""
    indicators = indicators_for(year=year)
    grouping = _Grouping(by=by, structure=structure, units=units)
    qs = listed(year=year, unit_ids=unit_ids, basis=basis, ethnic_minority_only=ethnic_minority_only, area=area,
                classification=classification, user=user)
    aggs = _deprivation_aggregates(indicators, _source(basis))
    sums: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in qs.values(grouping.field).annotate(**aggs).order_by():
        for k in aggs:
            sums[grouping.key(r[grouping.field])][k] += r[k] or 0
    info = grouping.describe(sums)
    result = [{"unit": info[k], **_deprivation_row(v, indicators)} for k, v in sums.items()]
    result.sort(key=lambda r: (r["unit"]["code"] if by == "commune" else "", r["unit"]["name"]))
    return result


def causes(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    classification: str | None = POOR,
    user=None,
    households: int | None = None,
) -> dict[str, Any]:
    """Why households are poor (form 7): every cause of the configurable list with the households that gave it in
    the review their status comes from, among `classification` households (poor by default). A household may give
    several causes. Two queries (one when the caller passes `households`, the number it already counted).

    {"year", "classification", "households", "causes": [{"code", "name", "households", "percent"}]}
    (causes ordered as the list; a retired cause appears only where some household gave it)
    """
    qs = listed(year=year, unit_ids=unit_ids, basis=basis, ethnic_minority_only=ethnic_minority_only, area=area,
                classification=classification, user=user)
    if households is None:
        households = qs.count()
    through = AnnualReview.causes.through
    counted = dict(
        through.objects.filter(annualreview__in=qs.values(_source(basis))).values("povertycause_id").annotate(n=Count("id"))
        .order_by().values_list("povertycause_id", "n")
    )
    listed_causes = PovertyCause.objects.values("id", "code", "name", "order", "active").order_by("order", "code")
    return {
        "year": year,
        "classification": classification,
        "households": households,
        "causes": [
            {"code": r["code"], "name": r["name"], "households": counted.get(r["id"], 0),
             "percent": rate(counted.get(r["id"], 0), households)}
            for r in listed_causes
            if r["active"] or counted.get(r["id"])
        ],
    }


# --- the review in progress --------------------------------------------------------------------------------

# The steps a review goes through (Decision 24/2021/QĐ-TTg Art. 4), grouped as the district follows them.
PROGRESS_STEPS = (
    ("surveying", "Đang rà soát", (ReviewState.DRAFT,)),
    ("in_village", "Họp thôn, niêm yết", (ReviewState.REVIEWED, ReviewState.AGREED, ReviewState.POSTED)),
    ("recognised", "Xã đã công nhận", (ReviewState.RECOGNISED,)),
    ("confirmed", "Huyện đã xác nhận", (ReviewState.CONFIRMED,)),
)


def review_progress(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    ethnic_minority_only: bool = False,
    area: str | None = None,
    by: GroupBy = "commune",
    structure: Structure = CURRENT,
    units: UnitIndex | None = None,
    user=None,
    rows: Any = None,
) -> dict[str, Any]:
    """How far the year's review has got, per commune (or village): reviews by step against the households of the
    registry that live there now (`expected`, only for the current structure). Two queries plus the unit names.

    {"year", "steps": [(key, label)], "rows": [{"unit": {...}, "expected", "reviews", "surveying", "in_village",
     "recognised", "confirmed", "official", "percent_official", "percent_reviewed"}], "total": {same without unit}}
    """
    grouping = _Grouping(by=by, structure=structure, units=units)
    qs = reviews(year=year, unit_ids=unit_ids, basis=WORKING, ethnic_minority_only=ethnic_minority_only, area=area, user=user)
    step_of = {str(state): key for key, _, states in PROGRESS_STEPS for state in states}
    counts: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # COUNT(*), not COUNT(id): the counts then come from the index on (year, commune, village, state) alone.
    for r in qs.values(grouping.field, "state").annotate(n=Count("*")).order_by():
        counts[grouping.key(r[grouping.field])][step_of[r["state"]]] += r["n"]
    expected: dict[Any, int] = {}
    if structure == CURRENT and not ethnic_minority_only and not area:
        hh = Household.objects.filter(status=HouseholdStatus.ACTIVE)
        if user is not None:
            hh = scope(user, hh)
        if unit_ids is not None:
            hh = hh.filter(commune_id__in=list(unit_ids))
        for r in hh.values(grouping.field).annotate(n=Count("*")).order_by():
            expected[grouping.key(r[grouping.field])] = expected.get(grouping.key(r[grouping.field]), 0) + r["n"]
    keys = set(counts) | set(expected)
    info = grouping.describe(keys)

    def finish(row: dict[str, Any], exp: int | None) -> dict[str, Any]:
        row["reviews"] = sum(row[key] for key, _, _ in PROGRESS_STEPS)
        row["official"] = row["recognised"] + row["confirmed"]
        row["expected"] = exp
        base = exp if exp else row["reviews"]
        row["percent_official"] = rate(row["official"], base)
        row["percent_reviewed"] = rate(row["reviews"] - row["surveying"], base)
        return row

    out = []
    total: dict[str, Any] = {key: 0 for key, _, _ in PROGRESS_STEPS}
    for k in keys:
        row = {key: counts[k][key] for key, _, _ in PROGRESS_STEPS}
        for key in total:
            total[key] += row[key]
        out.append({"unit": info[k], **finish(row, expected.get(k) if expected else None)})
    out.sort(key=lambda r: (r["unit"]["code"] if by == "commune" else "", r["unit"]["name"]))
    total = finish(total, sum(expected.values()) if expected else None)
    return {"year": year, "steps": [(key, label) for key, label, _ in PROGRESS_STEPS], "rows": out, "total": total}


def registry_by_village(*, unit_ids: Iterable[int] | None, user=None, units: UnitIndex | None = None) -> list[dict[str, Any]]:
    """Households of the registry living in the unit today, by village (one query plus the village names).

    [{"unit": village, "households"}] by village name — the commune officer's view of the registry."""
    qs = Household.objects.filter(status=HouseholdStatus.ACTIVE)
    if user is not None:
        qs = scope(user, qs)
    if unit_ids is not None:
        qs = qs.filter(commune_id__in=list(unit_ids))
    counts = {r["village_id"]: r["n"] for r in qs.values("village_id").annotate(n=Count("id")).order_by()}
    info = units.villages(counts) if units is not None else {k: v for k, v in _village_info(ids=counts).items()}
    rows = [{"unit": info.get(k, NO_VILLAGE), "households": n} for k, n in counts.items()]
    return sorted(rows, key=lambda r: (r["unit"]["id"] is None, r["unit"]["name"]))


# --- targets of the plan --------------------------------------------------------------------------------------


def reduction_targets(*, unit: AdministrativeUnit | None = None) -> list[dict[str, Any]]:
    """The plan's rate-reduction targets (one query): those of `unit` where the targets page divided them among the
    communes, else the program area's; the plan's own figures (section II.2) where the programs app records none.

    [{"metric", "title", "baseline_year", "end_year", "value" (points a year), "comparison", "source"}] by baseline.
    """
    rows: list[dict[str, Any]] = []
    try:
        from programs.models import REDUCTION_METRICS, Target
    except ImportError:  # pragma: no cover - the targets arrive with the plan issue
        Target = None
    if Target is not None:
        found = list(
            Target.objects.filter(metric__in=list(REDUCTION_METRICS)).values(
                "metric", "title", "baseline_year", "end_year", "value", "comparison", "unit_id", "unit__level", "parent_id"
            )
        )
        own = [t for t in found if unit is not None and t["unit_id"] == unit.pk]
        area = [t for t in found if t["parent_id"] is None and t["unit__level"] in (Level.DISTRICT, Level.PROVINCE)]
        for t in own or area:
            rows.append({
                "metric": t["metric"], "title": t["title"], "baseline_year": t["baseline_year"], "end_year": t["end_year"],
                "value": float(t["value"]), "comparison": t["comparison"], "source": "programs",
            })
    if not rows:
        for metric, spans in PLAN_REDUCTION.items():
            for first, last, value in spans:
                rows.append({
                    "metric": metric, "title": PLAN_TITLES[(metric, last)], "baseline_year": first - 1, "end_year": last,
                    "value": value, "comparison": "more_than" if last == 2030 else "at_least", "source": "plan",
                })
    return sorted(rows, key=lambda t: (t["metric"] != "poverty_rate_reduction", t["baseline_year"]))


def targets_for(*, year: int, unit: AdministrativeUnit | None = None) -> dict[str, Any]:
    """The yearly reduction asked for `year` by each metric (None outside every target's years), with its source."""
    targets = reduction_targets(unit=unit)
    out: dict[str, Any] = {"poverty_rate_reduction": None, "ethnic_minority_poverty_rate_reduction": None, "source": None}
    for t in targets:
        if t["baseline_year"] < year <= t["end_year"]:
            out[t["metric"]] = t["value"]
            out["source"] = t["source"]
    return out


def plan_reduction(*, metric: str, year: int) -> float | None:
    """The plan's own yearly reduction (points) for a metric and year (section II.2), None outside its years."""
    for first, last, value in PLAN_REDUCTION.get(metric, ()):
        if first <= year <= last:
            return value
    return None


def _rate_of(row: dict[str, Any], metric: str) -> float | None:
    return row["ethnic_minority"]["poor_rate"] if metric.startswith("ethnic") else row["poor_rate"]


def target_path(
    *, trend: list[dict[str, Any]], metric: str = "poverty_rate_reduction", targets: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The rate the plan aims at, year by year: from each target's baseline year (its actual rate) minus the target's
    yearly reduction, never below zero. [{"year", "target"}] for the trend's years a target covers."""
    targets = [t for t in (targets if targets is not None else reduction_targets()) if t["metric"] == metric]
    actual = {r["year"]: _rate_of(r, metric) for r in trend if r.get("has_data", True)}
    path: dict[int, float] = {}
    for t in sorted(targets, key=lambda t: t["baseline_year"]):
        base = actual.get(t["baseline_year"])
        if base is None:
            continue
        path.setdefault(t["baseline_year"], base)
        for r in trend:
            y = r["year"]
            if t["baseline_year"] < y <= t["end_year"]:
                value = Decimal(str(base)) - Decimal(str(t["value"])) * (y - t["baseline_year"])
                path[y] = float(max(Decimal(0), value))
    return [{"year": y, "target": v} for y, v in sorted(path.items())]


def target_status(*, trend: list[dict[str, Any]], target: dict[str, Any], year: int) -> dict[str, Any]:
    """How a reduction target stands in `year`, by the rules of the targets page (`programs.tracking`): the average
    yearly fall since the baseline against the target; a year whose standard changed adds no fall. No query.
    {"status" (met|on_track|at_risk|missed|None), "label", "actual" (points a year), "needed_per_year", "note"}"""
    try:
        from programs import tracking
    except ImportError:  # pragma: no cover - arrives with the plan issue
        return {"status": None, "label": "", "actual": None, "needed_per_year": None, "note": ""}
    metric = target["metric"]
    points_ = []
    for r in trend:
        block = r["ethnic_minority"] if metric.startswith("ethnic") else r
        if block["households"]:
            points_.append(tracking.RatePoint(r["year"], block["poor"], block["households"], r.get("standard_id")))
    progress = tracking.reduction_progress(
        points=points_, baseline_year=target["baseline_year"], end_year=target["end_year"],
        value=Decimal(str(target["value"])), comparison=target["comparison"], year=year,
    )
    return {
        "status": progress.status,
        "label": tracking.STATUS_LABELS.get(progress.status or "", "Chưa đủ số liệu"),
        "actual": float(tracking.r2(progress.actual)) if progress.actual is not None else None,
        "needed_per_year": float(tracking.r2(progress.needed_per_year)) if progress.needed_per_year is not None else None,
        "note": progress.note,
    }


# --- what other apps record: reporting deadlines, support, funds ---------------------------------------------


def deadline_compliance(*, year: int, unit_ids: Iterable[int] | None = None, user=None) -> dict[str, Any] | None:
    """Who is late with the year's reports: obligations by state and the overdue ones (helper "rep"'s models).

    None while the reporting models do not exist. {"year", "total", "submitted", "on_time", "late", "overdue", "open",
    "rows": [{"owner", "kind", "due_date", "state", "state_label", "on_time", "overdue"}]} — rows: the reports sent
    late and those past their due date and not sent (at most 30).
    """
    try:
        from reporting.models import OPEN_STATES, Obligation  # type: ignore[attr-defined]
    except ImportError:
        return None
    today = timezone.localdate()
    qs = Obligation.objects.filter(deadline__year=year)
    if user is not None:
        qs = scope(user, qs)
    if unit_ids is not None:
        qs = qs.filter(Q(commune_id__in=list(unit_ids)))
    counts = qs.aggregate(
        n_total=Count("id"),
        n_submitted=Count("id", filter=Q(first_submitted_at__isnull=False)),
        n_on_time=Count("id", filter=Q(on_time=True)),
        n_late=Count("id", filter=Q(on_time=False)),
        n_overdue=Count("id", filter=Q(first_submitted_at__isnull=True, deadline__due_date__lt=today)),
        n_open=Count("id", filter=Q(state__in=OPEN_STATES)),
    )
    agg = {k[2:]: v for k, v in counts.items()}
    late_rows = (
        qs.filter(Q(on_time=False) | Q(first_submitted_at__isnull=True, deadline__due_date__lt=today))
        .select_related("deadline__kind", "commune", "agency")
        .order_by("deadline__due_date", "commune__name", "agency__name")[:30]
    )
    rows = []
    for ob in late_rows:
        owner = ob.commune.name if ob.commune_id else (str(ob.agency) if ob.agency_id else "")
        rows.append(
            {
                "owner": owner,
                "kind": str(ob.deadline.kind),
                "due_date": ob.deadline.due_date,
                "state": ob.state,
                "state_label": ob.get_state_display(),
                "on_time": ob.on_time,
                "overdue": ob.first_submitted_at is None and ob.deadline.due_date < today,
            }
        )
    return {"year": year, **agg, "rows": rows}


def _grouping_for_communes(structure: Structure, units: UnitIndex | None) -> _Grouping:
    return _Grouping(by="commune", structure=structure, units=units)


def support_by_commune(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    structure: Structure = CURRENT,
    user=None,
    units: UnitIndex | None = None,
) -> dict[str, Any] | None:
    """Support delivered to households in the year, by commune (of the day of support) and funding source, from the
    programs app's support records (one query). None while that app has no support records.

    {"year", "sources": [(code, label)], "rows": [{"unit", "records", "amount", "by_source": {code: amount}}] (largest
    amount first), "total": {"records", "amount"}, "by_source": {code: amount}}
    """
    try:
        from programs.models import FundingSource, SupportRecord
    except ImportError:  # pragma: no cover - arrives with the plan issue
        return None
    grouping = _grouping_for_communes(structure, units)
    qs = SupportRecord.objects.filter(date__year=year)
    if user is not None:
        qs = scope(user, qs)
    if unit_ids is not None:
        qs = qs.filter(commune_id__in=list(unit_ids))
    per: dict[Any, dict[str, Any]] = {}
    by_source: dict[str, int] = defaultdict(int)
    for r in qs.values("commune_id", "funding_source").annotate(records=Count("id"), amount=Sum("amount")).order_by():
        key = grouping.key(r["commune_id"])
        row = per.setdefault(key, {"records": 0, "amount": 0, "by_source": defaultdict(int)})
        row["records"] += r["records"]
        row["amount"] += r["amount"] or 0
        row["by_source"][r["funding_source"]] += r["amount"] or 0
        by_source[r["funding_source"]] += r["amount"] or 0
    info = grouping.describe(per)
    rows = [{"unit": info[k], "records": v["records"], "amount": v["amount"], "by_source": dict(v["by_source"])} for k, v in per.items()]
    rows.sort(key=lambda r: (-r["amount"], r["unit"]["name"]))
    labels = {code: str(label) for code, label in FundingSource.choices}  # in the active language (Excel: Vietnamese)
    return {
        "year": year,
        # Ties broken by code: the columns (and the file's bytes) must not depend on the database's grouping order.
        "sources": [(code, labels.get(code, code)) for code in sorted(by_source, key=lambda c: (-by_source[c], c))],
        "rows": rows,
        "total": {"records": sum(r["records"] for r in rows), "amount": sum(r["amount"] for r in rows)},
        "by_source": dict(by_source),
    }


def funds_by_commune(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    structure: Structure = CURRENT,
    user=None,
    units: UnitIndex | None = None,
) -> dict[str, Any] | None:
    """Funds allocated and disbursed in the year, by commune (money the district manages itself as its own row)
    and funding source, from the programs app's allocations (one query). None while that app has none.

    {"year", "rows": [{"unit" (None: district level), "allocated", "disbursed", "rate"}], "by_source": [{"source",
     "label", "allocated", "disbursed", "rate"}], "total": {"allocated", "disbursed", "rate"}}
    """
    try:
        from programs.models import FundAllocation, FundingSource
    except ImportError:  # pragma: no cover - arrives with the plan issue
        return None
    grouping = _grouping_for_communes(structure, units)
    qs = FundAllocation.objects.filter(year=year)
    if user is not None:
        qs = scope(user, qs)
    if unit_ids is not None:
        qs = qs.filter(commune_id__in=list(unit_ids))
    per: dict[Any, dict[str, int]] = defaultdict(lambda: {"allocated": 0, "disbursed": 0})
    sources: dict[str, dict[str, int]] = defaultdict(lambda: {"allocated": 0, "disbursed": 0})
    for r in qs.values("commune_id", "source").annotate(allocated=Sum("allocated"), disbursed=Sum("disbursed")).order_by():
        key = grouping.key(r["commune_id"]) if r["commune_id"] is not None else None
        for k in ("allocated", "disbursed"):
            per[key][k] += r[k] or 0
            sources[r["source"]][k] += r[k] or 0
    info = grouping.describe([k for k in per if k is not None])
    labels = {code: str(label) for code, label in FundingSource.choices}  # in the active language (Excel: Vietnamese)
    rows = [
        {"unit": info[k] if k is not None else None, **v, "rate": rate(v["disbursed"], v["allocated"])}
        for k, v in per.items()
    ]
    rows.sort(key=lambda r: (r["unit"] is None, -r["allocated"], (r["unit"] or {}).get("code") or ""))
    total = {"allocated": sum(v["allocated"] for v in per.values()), "disbursed": sum(v["disbursed"] for v in per.values())}
    total["rate"] = rate(total["disbursed"], total["allocated"])
    return {
        "year": year,
        "rows": rows,
        "by_source": sorted(
            ({"source": k, "label": labels.get(k, k), **v, "rate": rate(v["disbursed"], v["allocated"])} for k, v in sources.items()),
            key=lambda r: (-r["allocated"], r["source"]),
        ),
        "total": total,
    }


def tasks_behind(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    structure: Structure = CURRENT,
    user=None,
    units: UnitIndex | None = None,
) -> dict[str, Any] | None:
    """The year's tasks of the plan (programs app) by lead agency and by commune: how many, done, overdue (past
    due and not completed), stalled (one query). None while that app has no tasks.

    {"year", "total", "completed", "overdue", "by_agency": [{"code", "name", "total", "completed", "overdue",
     "stalled", "progress"}], "by_commune": [{"unit", "total", "completed", "overdue", "stalled", "progress"}]}
    (most overdue first)
    """
    try:
        from programs.models import TaskAssignment, TaskStatus
    except ImportError:  # pragma: no cover - arrives with the plan issue
        return None
    grouping = _grouping_for_communes(structure, units)
    qs = TaskAssignment.objects.filter(year=year)
    if user is not None:
        qs = scope(user, qs)
    if unit_ids is not None:
        qs = qs.filter(commune_id__in=list(unit_ids))
    today = timezone.localdate()
    open_ = ~Q(status=TaskStatus.COMPLETED)
    rows = (
        qs.values("agency__code", "agency__short_name", "agency__name", "agency__plan_item", "commune_id")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(status=TaskStatus.COMPLETED)),
            overdue=Count("id", filter=open_ & Q(due_date__lt=today)),
            stalled=Count("id", filter=Q(status=TaskStatus.STALLED)),
            progress_sum=Sum("progress"),
        )
        .order_by()
    )
    keys = ("total", "completed", "overdue", "stalled", "progress_sum")
    agencies: dict[str, dict[str, Any]] = {}
    communes: dict[Any, dict[str, Any]] = {}
    for r in rows:
        a = agencies.setdefault(r["agency__code"], {
            "code": r["agency__code"], "name": r["agency__short_name"] or r["agency__name"], "order": r["agency__plan_item"] or 0,
            **{k: 0 for k in keys},
        })
        for k in keys:
            a[k] += r[k] or 0
        if r["commune_id"] is not None:
            c = communes.setdefault(grouping.key(r["commune_id"]), {k: 0 for k in keys})
            for k in keys:
                c[k] += r[k] or 0
    info = grouping.describe(communes)

    def finish(row: dict[str, Any]) -> dict[str, Any]:
        row["progress"] = round(row.pop("progress_sum") / row["total"]) if row["total"] else None
        return row

    by_agency = sorted((finish(a) for a in agencies.values()), key=lambda a: (-a["overdue"], a["order"]))
    by_commune = sorted(({"unit": info[k], **finish(v)} for k, v in communes.items()), key=lambda c: (-c["overdue"], c["unit"]["name"]))
    return {
        "year": year,
        "total": sum(a["total"] for a in by_agency),
        "completed": sum(a["completed"] for a in by_agency),
        "overdue": sum(a["overdue"] for a in by_agency),
        "by_agency": by_agency,
        "by_commune": by_commune,
    }


# --- by ethnic group and children's deprivations (the workbook's forms 02a and 03a) ----------------------------

# Imported here, with the selectors that need them (the functions above need none of them).
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When  # noqa: E402

from households.models import EthnicGroup, Member, Relation  # noqa: E402

ETHNIC_COUNT_KEYS = ("households", "poor", "near_poor")


def _members_on(on: dt.date, prefix: str = "") -> Q:
    """Members of their household on a date: born, joined and not yet left (as `Member.member_on`)."""
    return (
        (Q(**{f"{prefix}birth_date__isnull": True}) | Q(**{f"{prefix}birth_date__lte": on}))
        & (Q(**{f"{prefix}joined_on__isnull": True}) | Q(**{f"{prefix}joined_on__lte": on}))
        & (Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on}))
    )


def _head_ethnic_group(on: dt.date) -> Subquery:
    """The ethnic group recorded on the household's head: the member with relation "head" on `on`, else the
    household's head row that is not (a head who left with no successor recorded); None: no head recorded."""
    head = (
        Member.all_objects.filter(household_id=OuterRef("household_id"), relation=Relation.HEAD)
        .annotate(present=Case(When(_members_on(on), then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("-present", "order", "id")
        .values("ethnic_group_id")[:1]
    )
    return Subquery(head, output_field=IntegerField())


def poverty_by_ethnic_group(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    by: GroupBy = "commune",
    structure: Structure = HISTORICAL,
    units: UnitIndex | None = None,
    user=None,
) -> dict[str, Any]:
    """Resident households of the year, and the poor and near-poor among them, by the ethnic group of the household's
    head (docs/domain.md §3, form 6), for the scope and per commune (or village) grouped as `poverty_by_unit` groups them.
    Two queries (the year rows with their head's group, counted in the database; the list of groups) plus the unit
    names.

    Approximation (to confirm against the forms' definition): the household's group is that of its head — the member
    with relation "head" on 31 December of the year, else its last head recorded — as the registry records that
    member's group now (`Member.ethnic_group` keeps no history). No head, or a head with no group → "unknown" (code
    None). The ethnic-minority flag of `poverty_summary` (head or spouse, from the review) may differ for a mixed
    household.

    {"year", "groups": [{"code", "name", "minority"}] (groups present in the scope, by code; the unknown group last,
     code None, only when present), "total": ROW, "rows": [{"unit": {...}, **ROW}] by unit code (village name)}
    ROW = {"households", "poor", "near_poor", "majority": COUNTS (groups not minorities: Kinh), "ethnic_minority":
           COUNTS (every minority group), "unknown": COUNTS, "by_group": {code: COUNTS}}, COUNTS = {"households",
           "poor", "near_poor"}
    """
    _check(basis=basis, area=None, structure=structure)
    grouping = _Grouping(by=by, structure=structure, units=units)
    status = f"status_{'o' if basis == OFFICIAL else 'w'}"
    qs = (
        listed(year=year, unit_ids=unit_ids, basis=basis, classification=None, user=user)
        .annotate(head_group=_head_ethnic_group(reference_date(year)))
        .values(grouping.field, "head_group", status)
        .annotate(n=Count("id"))
        .order_by()
    )
    known = {g["id"]: g for g in EthnicGroup.objects.values("id", "code", "name", "minority")}

    def counts() -> dict[str, int]:
        return dict.fromkeys(ETHNIC_COUNT_KEYS, 0)

    def blank() -> dict[str, Any]:
        return {**counts(), "majority": counts(), "ethnic_minority": counts(), "unknown": counts(), "by_group": {}}

    def add(block: dict[str, int], cls: str, n: int) -> None:
        block["households"] += n
        if cls in (POOR, NEAR_POOR):
            block[cls] += n

    total = blank()
    per: dict[Any, dict[str, Any]] = defaultdict(blank)
    for r in qs:
        group = known.get(r["head_group"])
        code = group["code"] if group else None
        part = "unknown" if group is None else "ethnic_minority" if group["minority"] else "majority"
        for row in (total, per[grouping.key(r[grouping.field])]):
            add(row, r[status], r["n"])
            add(row[part], r[status], r["n"])
            add(row["by_group"].setdefault(code, counts()), r[status], r["n"])
    present = sorted((c for c in total["by_group"] if c is not None))
    by_code = {g["code"]: g for g in known.values()}
    groups = [{"code": c, "name": by_code[c]["name"], "minority": by_code[c]["minority"]} for c in present]
    if None in total["by_group"]:
        groups.append({"code": None, "name": "", "minority": None})
    info = grouping.describe(per)
    rows = [{"unit": info[k], **v} for k, v in per.items()]
    rows.sort(key=lambda r: (r["unit"]["code"] if by == "commune" else "", r["unit"]["name"]))
    return {"year": year, "groups": groups, "total": total, "rows": rows}


def children_by_unit(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    classification: str | None = POOR,
    indicator_codes: Iterable[str] = (),
    age: int = 16,
    by: GroupBy = "commune",
    structure: Structure = HISTORICAL,
    units: UnitIndex | None = None,
    user=None,
) -> list[dict[str, Any]]:
    """Children under `age` (16: Decree 07's "trẻ em dưới 16 tuổi") on 31 December of the year in the households
    counted `classification` at the end of the year, per commune (or village): in all of them, and in those deprived
    on each of `indicator_codes` of the year's standard (by the review the household's status comes from, as
    `deprivations_by_unit`). Two queries (the indicators; the members counted in the database) plus the unit names.

    A child is a member on that date (born, joined, not yet left) born after 31 December of year − `age`; a member
    with no birth date recorded is not counted.
    [{"unit": {...}, "children", "indicators": {code: children}}] ordered by code; units without children left out.
    """
    _check(basis=basis, area=None, structure=structure)
    wanted = set(indicator_codes)
    indicators = [i for i in indicators_for(year=year) if i["code"] in wanted]
    grouping = _Grouping(by=by, structure=structure, units=units)
    on = reference_date(year)
    young = dt.date(year - age, 12, 31)
    mask = F(f"{_source(basis)}__deprivation_mask")
    aggs: dict[str, Any] = {"children": Count("household__members")}
    for ind in indicators:
        aggs[f"i{ind['order']}"] = Sum(mask.bitrightshift(ind["order"]).bitand(1))
    qs = (
        listed(year=year, unit_ids=unit_ids, basis=basis, classification=classification, user=user)
        .filter(_members_on(on, "household__members__"), household__members__birth_date__gt=young)
        .values(grouping.field)
        .annotate(**aggs)
        .order_by()
    )
    sums: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in qs:
        for k in aggs:
            sums[grouping.key(r[grouping.field])][k] += r[k] or 0
    info = grouping.describe(sums)
    result = [
        {"unit": info[k], "children": v["children"], "indicators": {i["code"]: v[f"i{i['order']}"] for i in indicators}}
        for k, v in sums.items()
    ]
    result.sort(key=lambda r: (r["unit"]["code"] if by == "commune" else "", r["unit"]["name"]))
    return result


def causes_by_unit(
    *,
    year: int,
    unit_ids: Iterable[int] | None = None,
    basis: Basis = OFFICIAL,
    classification: str | None = POOR,
    by: GroupBy = "commune",
    structure: Structure = HISTORICAL,
    units: UnitIndex | None = None,
    user=None,
) -> list[dict[str, Any]]:
    """`causes` for each commune (or village): the households counted `classification` at the end of the year that
    gave each cause in the review their status comes from, by the place of their year row (one query plus the unit
    names), so that the rows add up to `causes`.

    [{"unit": {...}, "causes": {cause code: households}}] ordered by code; units where no cause was given left out.
    """
    _check(basis=basis, area=None, structure=structure)
    grouping = _Grouping(by=by, structure=structure, units=units)
    code = f"{_source(basis)}__causes__code"
    qs = (
        listed(year=year, unit_ids=unit_ids, basis=basis, classification=classification, user=user)
        .filter(**{f"{code}__isnull": False})
        .values(grouping.field, code)
        .annotate(n=Count("id"))
        .order_by()
    )
    sums: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in qs:
        sums[grouping.key(r[grouping.field])][r[code]] += r["n"]
    info = grouping.describe(sums)
    result = [{"unit": info[k], "causes": dict(v)} for k, v in sums.items()]
    result.sort(key=lambda r: (r["unit"]["code"] if by == "commune" else "", r["unit"]["name"]))
    return result
