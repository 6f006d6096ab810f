"""The merger of administrative units: units A, B, … become C (a new unit or an existing one) from a date D.

Vietnam merges communes by resolution of the National Assembly Standing Committee: Hồng Lạc + Vân Sơn → Hồng Sơn
on 1 Sep 2024; the thirty units of Sơn Dương → ten communes on 1 Jul 2025 (Resolution 1684/NQ-UBTVQH15, docs/domain.md
§1). A merger here, in one transaction:

* ends the old units on D − 1 and names C as their successor (creating C when it is new — a new unit may reuse
  an old unit's code: 02554 was Bình Yên and is Minh Thanh from 1 Jul 2025);
* moves the households: their current commune becomes C (or, when C has merged again since, the unit in force
  today that C became), and their place on any date stays answerable (`household_place_on`): a household in a
  village of an old unit reaches its commune through the village and the successors written here; a recorded
  period (`HouseholdPlacement`) that spans D is split at D; a household with no village gets its periods spelt
  out. Reviews dated before D are not touched: they stay with the unit that made them;
* moves the reviews dated on or after D that were filed under an old unit to C (a review belongs to the unit
  in force on its date), with C's urban/rural status;
* re-scopes the officers of the old units to C;
* lets other apps move their own rows through the `units_merged` signal (reporting's obligations: `households`
  imports nothing of ours, so reporting connects to the signal, never the other way round);
* writes the audit record `UnitMerger` with what moved.

It is refused (ValidationError, in Vietnamese) when it would leave a household without a unit in force, and
for any inconsistency found by `merger_preview`: a source that ended on another date or already has another
successor, a target not in force from D, a code held by another unit, a merger already recorded.

Villages are not re-parented: a village keeps the commune it was created under and reaches its commune on a
later date through the successors (`AdministrativeUnit.commune_on`), so its history stays right.

Public API (keyword-only): `merger_preview(...) -> MergerPreview`, `merger_apply(...) -> UnitMerger`,
`mergers_apply(requests=[MergerRequest, …])` for several mergers in one transaction (the 2025 reform),
`reform_requests(effective_date)` (the mergers the reference data records for a date), the signals
`merger_preview_items` and `units_merged`, and the value types `NewUnit`, `MergerRequest`, `PreviewItem`.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from .models import (
    OFFICIAL_STATES,
    AdministrativeUnit,
    AnnualReview,
    Household,
    HouseholdPlacement,
    Level,
    UnitMerger,
)
from .household_years import household_years_refresh
from .selectors import review_change_contexts
from .structure import successor_map

ONE_DAY = dt.timedelta(days=1)
CHUNK = 2000

# --- Hooks for other apps ------------------------------------------------------------------------------------

merger_preview_items = Signal()
"""Sent by `merger_preview`: kwargs `sources` (list of units), `target` (the unit, or None when it is to be
created), `effective_date`, `lineage_ids` (the sources and every unit they succeeded). A receiver returns a
`PreviewItem`, a list of them, or None; each is shown in the preview ("Báo cáo phải nộp: 4")."""

units_merged = Signal()
"""Sent inside the merger's transaction after households, reviews and officers moved: kwargs `merger`
(`UnitMerger`), `sources`, `target`, `effective_date`, `lineage_ids`, `current` (the unit in force today that the
target is or became: the target itself unless it merged again since). A receiver moves its own rows and returns a
dict, kept in `merger.summary["hooks"]` under the receiver's name; raising ValidationError refuses the whole
merger (nothing is written)."""


@dataclass(frozen=True)
class PreviewItem:
    label: str
    count: int
    detail: str = ""


@dataclass(frozen=True)
class NewUnit:
    """A unit to create as the merger's target (from the effective date, open-ended)."""

    code: str
    name: str
    short_name: str = ""
    area: str = "rural"
    parent_code: str | None = None  # the parent in force on the effective date ("08" for the 2025 communes)
    extremely_difficult: bool = False
    note: str = ""
    confirmed: bool = True


@dataclass(frozen=True)
class MergerRequest:
    sources: tuple[AdministrativeUnit, ...]
    effective_date: dt.date
    target: AdministrativeUnit | None = None
    new_target: NewUnit | None = None
    legal_basis: str = ""
    note: str = ""


@dataclass
class SourcePreview:
    unit: AdministrativeUnit
    households: int = 0
    villages: list[AdministrativeUnit] = field(default_factory=list)
    reviews_moving: int = 0
    open_reviews_staying: int = 0
    officers: list[Any] = field(default_factory=list)


@dataclass
class MergerPreview:
    """What a merger would move, and why it would be refused (`problems`)."""

    effective_date: dt.date
    sources: list[SourcePreview]
    target: AdministrativeUnit | None
    new_target: NewUnit | None
    lineage_ids: frozenset[int]
    current: AdministrativeUnit | None = None  # the unit the households are in today, when the target has merged since
    households: int = 0
    villages: int = 0
    reviews_moving: int = 0
    open_reviews_moving: int = 0
    open_reviews_staying: int = 0
    reviews_changing_area: int = 0
    officers: list[Any] = field(default_factory=list)
    extra: list[PreviewItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def target_name(self) -> str:
        if self.target is not None:
            return self.target.name
        return self.new_target.name if self.new_target else "—"

    @property
    def target_code(self) -> str:
        if self.target is not None:
            return self.target.code
        return self.new_target.code if self.new_target else ""

    @property
    def target_area(self) -> str:
        if self.target is not None:
            return self.target.area
        return self.new_target.area if self.new_target else ""

    @property
    def day_before(self) -> dt.date:
        return self.effective_date - ONE_DAY

    def summary(self) -> dict[str, Any]:
        return {
            "households": self.households,
            "villages": self.villages,
            "reviews_moved": self.reviews_moving,
            "open_reviews_moved": self.open_reviews_moving,
            "open_reviews_staying": self.open_reviews_staying,
            "reviews_area_changed": self.reviews_changing_area,
            "officers": [{"username": u.username, "from": u.unit.code if u.unit else None} for u in self.officers],
            "sources": [
                {
                    "code": s.unit.code,
                    "name": s.unit.name,
                    "valid_from": s.unit.valid_from.isoformat(),
                    "households": s.households,
                    "villages": len(s.villages),
                    "reviews_moved": s.reviews_moving,
                }
                for s in self.sources
            ],
            "extra": [{"label": i.label, "count": i.count, "detail": i.detail} for i in self.extra],
            "warnings": self.warnings,
        }


# --- Which households a merger moves ------------------------------------------------------------------------


def _lineage(sources: list[AdministrativeUnit], day_before: dt.date) -> tuple[frozenset[int], dict[int, int]]:
    """The sources and every unit whose image on D − 1 is a source (Hồng Lạc → Hồng Sơn 2024), and that image."""
    source_ids = {s.pk for s in sources}
    images = successor_map(day_before)
    owner = {uid: target for uid, target in images.items() if target in source_ids}
    for s in sources:  # a source always maps to itself, even one the map leaves out
        owner[s.pk] = s.pk
    return frozenset(owner), owner


def _chain(target: AdministrativeUnit, effective_date: dt.date) -> list[tuple[AdministrativeUnit, dt.date, dt.date | None]]:
    """The target and, when it has ended since, the units it became, each with the period it holds the
    households: Hồng Sơn (1 Sep 2024 – 30 Jun 2025), then Hồng Sơn of 1 Jul 2025. The last one is in force today
    unless the chain is broken (a unit ended with no successor)."""
    today = timezone.localdate()
    chain = [(target, effective_date, target.valid_to)]
    unit, seen = target, {target.pk}
    while unit.valid_to is not None and unit.valid_to < today:
        day_after = unit.valid_to + ONE_DAY
        succ = [u for u in unit.successors.all() if u.level == unit.level and u.in_force_on(day_after) and u.pk not in seen]
        if not succ:
            break
        unit = min(succ, key=lambda u: (u.code != unit.code, u.code))
        seen.add(unit.pk)
        chain.append((unit, unit.valid_from, unit.valid_to))
    return chain


class _Periods:
    """The periods a household recorded under a unit of the lineage spent in each unit up to D − 1: its recorded
    unit until that unit ended, then each successor on the way to the source (Thanh Phát until 31/12/2019, Tân
    Thanh until 30/06/2025)."""

    def __init__(self, lineage: frozenset[int], owner: dict[int, int], day_before: dt.date) -> None:
        self.day_before = day_before
        self.owner = owner
        self.units = {
            r["id"]: r for r in AdministrativeUnit.objects.filter(pk__in=lineage).values("id", "valid_from", "valid_to")
        }
        self.next: dict[int, int] = {}
        through = AdministrativeUnit.successors.through
        for pred, succ in through.objects.filter(
            from_administrativeunit_id__in=lineage, to_administrativeunit_id__in=lineage
        ).values_list("from_administrativeunit_id", "to_administrativeunit_id"):
            self.next.setdefault(pred, succ)

    def before(self, recorded_id: int, *, after: dt.date | None) -> list[tuple[int, dt.date, dt.date]]:
        source = self.owner.get(recorded_id, recorded_id)
        path, unit, seen = [], recorded_id, set()
        while unit is not None and unit not in seen:
            seen.add(unit)
            path.append(unit)
            if unit == source:
                break
            unit = self.next.get(unit)
        if path[-1] != source:
            path = [source]
        out = []
        for uid in path:
            row = self.units[uid]
            start = row["valid_from"]
            end = self.day_before if uid == source else (row["valid_to"] or self.day_before)
            if after is not None:
                start = max(start, after + ONE_DAY)
            if start <= end:
                out.append((uid, start, end))
        return out


def _village_owner(owner: dict[int, int]) -> dict[int, int]:
    """Villages under a unit of the lineage → the source that is their commune on D − 1."""
    rows = AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent_id__in=list(owner)).values_list("id", "parent_id")
    return {vid: owner[pid] for vid, pid in rows}


def _covering(on: dt.date) -> QuerySet[HouseholdPlacement]:
    return HouseholdPlacement.objects.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def _moving_households(source_ids: set[int], lineage: frozenset[int], village_ids: list[int], day_before: dt.date) -> QuerySet[Household]:
    """Households whose place on D − 1 is one of the sources.

    The placement covering D − 1 decides where there is one; otherwise the village's commune on that day, or the
    current commune (households recorded under an old unit, with or without a village).
    """
    covering = _covering(day_before)
    placed_in_source = Q(pk__in=covering.filter(commune_id__in=source_ids).values("household_id"))
    unplaced = ~Q(pk__in=covering.values("household_id")) & (Q(village_id__in=village_ids) | Q(commune_id__in=lineage))
    return Household.objects.filter(placed_in_source | unplaced)


# --- Preview -------------------------------------------------------------------------------------------------


def _check(
    *,
    sources: list[AdministrativeUnit],
    target: AdministrativeUnit | None,
    new_target: NewUnit | None,
    effective_date: dt.date,
    problems: list[str],
) -> None:
    today = timezone.localdate()
    d1 = effective_date - ONE_DAY
    if not sources:
        problems.append("Chưa chọn đơn vị được sáp nhập.")
    if target is None and new_target is None:
        problems.append("Chưa chọn đơn vị sau sáp nhập (đơn vị có sẵn hoặc đơn vị mới).")
    if target is not None and new_target is not None:
        problems.append("Chỉ chọn một: đơn vị có sẵn hoặc đơn vị mới.")
    if effective_date > today:
        problems.append(
            f"Ngày hiệu lực {effective_date:%d/%m/%Y} chưa đến: chỉ thực hiện sáp nhập khi nghị quyết đã có hiệu lực, "
            "để hộ gia đình luôn thuộc một đơn vị đang có hiệu lực."
        )
    for s in sources:
        if s.level != Level.COMMUNE:
            problems.append(f"{s.label} không phải là xã, thị trấn: chỉ sáp nhập đơn vị cấp xã.")
        if not s.in_force_on(d1):
            problems.append(f"{s.label} không có hiệu lực ngày {d1:%d/%m/%Y}, ngày trước ngày sáp nhập.")
        elif s.valid_to is not None and s.valid_to != d1:
            problems.append(f"{s.name} đã có ngày hết hiệu lực {s.valid_to:%d/%m/%Y}, khác ngày {d1:%d/%m/%Y}.")
        others = [u for u in s.successors.all() if target is None or u.pk != target.pk]
        if others:
            problems.append(f"{s.label} đã được sáp nhập vào {', '.join(u.label for u in others)}.")
    if len({s.pk for s in sources}) != len(sources):
        problems.append("Một đơn vị được chọn hai lần.")
    if target is not None:
        if target.pk in {s.pk for s in sources}:
            problems.append(f"{target.name} vừa là đơn vị được sáp nhập vừa là đơn vị sau sáp nhập.")
        if target.level != Level.COMMUNE:
            problems.append(f"{target.label} không phải là xã, thị trấn.")
        if not target.in_force_on(effective_date):
            problems.append(
                f"Sáp nhập vào {target.label} sẽ làm các hộ không thuộc đơn vị hành chính nào từ ngày "
                f"{effective_date:%d/%m/%Y}: {target.name} chỉ có hiệu lực từ {target.valid_from:%d/%m/%Y}"
                + (f" đến {target.valid_to:%d/%m/%Y}." if target.valid_to else ".")
            )
        else:
            now_unit = _chain(target, effective_date)[-1][0]
            if not now_unit.in_force_on(today):
                problems.append(
                    f"Sáp nhập vào {target.label} sẽ làm các hộ không thuộc đơn vị hành chính nào hiện nay: "
                    f"{now_unit.name} hết hiệu lực từ {now_unit.valid_to:%d/%m/%Y} mà không có đơn vị kế thừa."
                )
        recorded = UnitMerger.objects.filter(target=target, effective_date=effective_date, sources__in=sources)
        if recorded.exists():
            problems.append(f"Việc sáp nhập vào {target.name} từ {effective_date:%d/%m/%Y} đã được thực hiện.")
    if new_target is not None:
        if not new_target.code.strip() or not new_target.name.strip():
            problems.append("Đơn vị mới cần mã và tên.")
        if new_target.area not in ("rural", "urban"):
            problems.append("Khu vực của đơn vị mới phải là nông thôn hoặc thành thị.")
        same = AdministrativeUnit.objects.filter(code=new_target.code, valid_from=effective_date).first()
        if same is not None:
            problems.append(
                f"Đã có {same.name} mã {same.code} từ {effective_date:%d/%m/%Y}: chọn đơn vị có sẵn này làm đơn vị sau sáp nhập."
            )
        holder = (
            AdministrativeUnit.objects.in_force(effective_date).filter(code=new_target.code)
            .exclude(pk__in=[s.pk for s in sources]).first()
        )
        if holder is not None and same is None:
            problems.append(f"Mã {new_target.code} đang là mã của {holder.label} ngày {effective_date:%d/%m/%Y}.")
        if new_target.parent_code:
            if not AdministrativeUnit.objects.in_force(effective_date).filter(code=new_target.parent_code).exclude(
                level__in=[Level.COMMUNE, Level.VILLAGE]
            ).exists():
                problems.append(f"Không có đơn vị cấp trên mã {new_target.parent_code} có hiệu lực ngày {effective_date:%d/%m/%Y}.")


def merger_preview(
    *,
    sources: list[AdministrativeUnit],
    effective_date: dt.date,
    target: AdministrativeUnit | None = None,
    new_target: NewUnit | None = None,
) -> MergerPreview:
    """What merging `sources` into `target` (or a new unit) from `effective_date` would move; writes nothing."""
    from accounts.models import User  # accounts depends on households; users are read here only to list them

    sources = list(sources)
    d1 = effective_date - ONE_DAY
    problems: list[str] = []
    _check(sources=sources, target=target, new_target=new_target, effective_date=effective_date, problems=problems)
    lineage, owner = _lineage(sources, d1)
    village_owner = _village_owner(owner)
    source_ids = {s.pk for s in sources}
    preview = MergerPreview(
        effective_date=effective_date, sources=[SourcePreview(unit=s) for s in sources], target=target,
        new_target=new_target, lineage_ids=lineage, problems=problems,
    )
    by_source = {sp.unit.pk: sp for sp in preview.sources}

    # Households, by the source they are in on D − 1.
    moving = _moving_households(source_ids, lineage, list(village_owner), d1)
    covering = dict(
        _covering(d1).filter(commune_id__in=source_ids).values_list("household_id", "commune_id")
    )
    counts: dict[int, int] = defaultdict(int)
    for hid, commune_id, village_id in moving.values_list("id", "commune_id", "village_id").iterator(chunk_size=CHUNK):
        counts[_source_of(hid, commune_id, village_id, covering, village_owner, owner)] += 1
    for sid, n in counts.items():
        if sid in by_source:
            by_source[sid].households = n
    preview.households = sum(counts.values())
    left = Household.objects.filter(commune_id__in=lineage).exclude(pk__in=moving.values("pk"))
    if left.exists():
        codes = ", ".join(left.order_by("code").values_list("code", flat=True)[:5])
        problems.append(
            f"Sáp nhập sẽ làm {left.count()} hộ không thuộc đơn vị hành chính nào ({codes}…): hộ đang ghi thuộc đơn vị "
            f"được sáp nhập nhưng nơi cư trú ngày {d1:%d/%m/%Y} ở đơn vị khác. Sửa nơi cư trú của các hộ này trước."
        )

    villages = AdministrativeUnit.objects.filter(pk__in=list(village_owner)).in_force(effective_date).order_by("name")
    for v in villages:
        by_source[village_owner[v.pk]].villages.append(v)
    preview.villages = sum(len(sp.villages) for sp in preview.sources)

    # Reviews: those dated from D belong to C; open ones dated before D stay with the unit that made them.
    # One pass over the lineage's reviews counts everything the preview shows.
    segments = _segments(target, new_target, effective_date)
    if target is not None and segments:
        preview.current = _chain(target, effective_date)[-1][0]
    later, official = _period(effective_date, None), Q(state__in=OFFICIAL_STATES)
    changing = (later & ~official & _area_changes(segments)) if segments else Q(pk__in=[])
    stats = (
        AnnualReview.objects.filter(commune_id__in=lineage).order_by().values("commune_id").annotate(
            later=Count("id", filter=later),
            later_open=Count("id", filter=later & ~official),
            staying=Count("id", filter=Q(review_date__lt=effective_date) & ~official),
            changing=Count("id", filter=changing),
        )
    )
    for row in stats:
        sp = by_source[owner[row["commune_id"]]]
        sp.reviews_moving += row["later"]
        sp.open_reviews_staying += row["staying"]
        preview.reviews_moving += row["later"]
        preview.open_reviews_moving += row["later_open"]
        preview.open_reviews_staying += row["staying"]
        preview.reviews_changing_area += row["changing"]
    locked_later = preview.reviews_moving - preview.open_reviews_moving

    preview.officers = list(User.objects.filter(unit_id__in=lineage).select_related("unit").order_by("username"))
    for user in preview.officers:
        by_source[owner[user.unit_id]].officers.append(user)

    for _receiver, response in merger_preview_items.send(
        sender=MergerPreview, sources=sources, target=target, effective_date=effective_date, lineage_ids=lineage
    ):
        if isinstance(response, PreviewItem):
            preview.extra.append(response)
        elif response:
            preview.extra.extend(response)

    if preview.open_reviews_staying:
        preview.warnings.append(
            f"{preview.open_reviews_staying} phiếu rà soát lập trước ngày {effective_date:%d/%m/%Y} chưa được công nhận: "
            "phiếu vẫn thuộc đơn vị cũ (theo ngày rà soát); cán bộ của đơn vị mới tiếp tục xử lý."
        )
    if preview.reviews_changing_area:
        preview.warnings.append(
            f"{preview.reviews_changing_area} phiếu rà soát lập từ ngày {effective_date:%d/%m/%Y} đổi khu vực "
            "thành thị/nông thôn: kết quả được phân loại lại theo chuẩn của khu vực mới."
        )
    if locked_later:
        preview.warnings.append(
            f"{locked_later} phiếu rà soát đã được công nhận dưới tên đơn vị cũ sau ngày sáp nhập: phiếu được chuyển sang "
            "đơn vị mới, kết quả giữ nguyên."
        )
    return preview


def _segments(
    target: AdministrativeUnit | None, new_target: NewUnit | None, effective_date: dt.date
) -> list[tuple[int | None, str, dt.date, dt.date | None]]:
    """(unit id, area, from, to) of each unit that holds the moved households from D on (None for a new unit)."""
    if target is not None:
        if not target.in_force_on(effective_date):
            return []
        return [(u.pk, u.area, start, end) for u, start, end in _chain(target, effective_date)]
    if new_target is not None:
        return [(None, new_target.area, effective_date, None)]
    return []


def _period(start: dt.date, end: dt.date | None, field_name: str = "review_date") -> Q:
    """Rows dated from `start` to `end`. For reviews the year bounds are added too: a review's date falls in its
    year, and the (year, commune, …) index then finds the few recent reviews among all the years."""
    q = Q(**{f"{field_name}__gte": start})
    if end is not None:
        q &= Q(**{f"{field_name}__lte": end})
    if field_name == "review_date":
        q &= Q(year__gte=start.year) & (Q(year__lte=end.year) if end is not None else Q())
    return q


def _area_changes(segments: list[tuple[int | None, str, dt.date, dt.date | None]]) -> Q:
    q = Q(pk__in=[])
    for _uid, area, start, end in segments:
        q |= _period(start, end) & ~Q(area=area)
    return q


def _source_of(
    hid: int, commune_id: int, village_id: int | None, covering: dict[int, int], village_owner: dict[int, int], owner: dict[int, int]
) -> int:
    if hid in covering:
        return covering[hid]
    if village_id in village_owner:
        return village_owner[village_id]
    return owner[commune_id]


# --- Apply ---------------------------------------------------------------------------------------------------


def _create_target(new: NewUnit, effective_date: dt.date) -> AdministrativeUnit:
    parent = None
    if new.parent_code:
        parent = (
            AdministrativeUnit.objects.in_force(effective_date).filter(code=new.parent_code)
            .exclude(level__in=[Level.COMMUNE, Level.VILLAGE]).get()
        )
    return AdministrativeUnit.objects.create(
        code=new.code.strip(), name=new.name.strip(), short_name=new.short_name.strip(), level=Level.COMMUNE,
        parent=parent, area=new.area, extremely_difficult=new.extremely_difficult, valid_from=effective_date,
        note=new.note, confirmed=new.confirmed,
    )


@transaction.atomic
def merger_apply(
    *,
    sources: list[AdministrativeUnit],
    effective_date: dt.date,
    target: AdministrativeUnit | None = None,
    new_target: NewUnit | None = None,
    legal_basis: str = "",
    note: str = "",
    performed_by: Any = None,
) -> UnitMerger:
    """Merge `sources` into `target` (or a new unit) from `effective_date`, in one transaction; returns the audit
    record. Refused with ValidationError when the preview finds a problem."""
    from accounts.models import User

    ids = [s.pk for s in sources] + ([target.pk] if target is not None else [])
    locked = {u.pk: u for u in AdministrativeUnit.objects.select_for_update().filter(pk__in=ids)}
    sources = [locked[s.pk] for s in sources]
    target = locked[target.pk] if target is not None else None
    preview = merger_preview(sources=sources, effective_date=effective_date, target=target, new_target=new_target)
    if not preview.ok:
        raise ValidationError(preview.problems)
    if target is None:
        target = _create_target(new_target, effective_date)  # type: ignore[arg-type]
    chain = _chain(target, effective_date)
    current = chain[-1][0]  # the unit the households are in today (the target, or what it became since)
    d1 = effective_date - ONE_DAY
    lineage, owner = _lineage(sources, d1)
    village_owner = _village_owner(owner)
    source_ids = {s.pk for s in sources}
    reason = f"Sáp nhập vào {target.name} từ {effective_date:%d/%m/%Y}" + (f" ({legal_basis})" if legal_basis else "")
    reason = reason[:200]
    now = timezone.now()

    # 1. The households and their place history. A household in a village of an old unit needs no new row: its
    # village reaches its commune on any date through the successors written below (`commune_on`). Rows are
    # written where that is not enough: a recorded period that spans D is split at D, and a household with no
    # such village gets its periods spelt out (recorded unit … source up to D − 1, then C).
    moving = _moving_households(source_ids, lineage, list(village_owner), d1)
    rows = list(moving.values_list("id", "commune_id", "village_id"))
    covering = {
        hid: (pid, village_id, valid_to)
        for pid, hid, village_id, valid_to in _covering(d1)
        .filter(commune_id__in=source_ids)
        .values_list("id", "household_id", "village_id", "valid_to")
    }
    explicit = [r for r in rows if r[0] in covering or r[2] not in village_owner]
    explicit_ids = [r[0] for r in explicit]
    at_d: set[int] = set()
    next_start: dict[int, dt.date] = {}
    last_end: dict[int, dt.date] = {}
    for chunk in _chunks(explicit_ids):
        at_d.update(HouseholdPlacement.objects.filter(household_id__in=chunk, valid_from=effective_date).values_list("household_id", flat=True))
        next_start.update(
            HouseholdPlacement.objects.filter(household_id__in=chunk, valid_from__gt=effective_date)
            .values("household_id").annotate(first=Min("valid_from")).values_list("household_id", "first")
        )
        last_end.update(
            HouseholdPlacement.objects.filter(household_id__in=chunk, valid_to__lt=d1)
            .values("household_id").annotate(last=Max("valid_to")).values_list("household_id", "last")
        )
    periods = _Periods(lineage, owner, d1)
    new_rows: list[HouseholdPlacement] = []
    truncate: list[int] = []
    for hid, commune_id, village_id in explicit:
        after_end: dt.date | None = None
        if hid in covering:
            pid, village_id, valid_to = covering[hid]
            if valid_to is None or valid_to >= effective_date:
                truncate.append(pid)
                after_end = valid_to
        else:
            for unit_id, start, end in periods.before(commune_id, after=last_end.get(hid)):
                new_rows.append(HouseholdPlacement(household_id=hid, commune_id=unit_id, village_id=village_id, valid_from=start, valid_to=end))
        if hid in at_d:
            continue
        ends = [e for e in (after_end, target.valid_to, next_start[hid] - ONE_DAY if hid in next_start else None) if e]
        new_rows.append(
            HouseholdPlacement(
                household_id=hid, commune_id=target.pk, village_id=village_id, valid_from=effective_date,
                valid_to=min(ends) if ends else None, reason=reason,
            )
        )
    for chunk in _chunks(truncate):
        HouseholdPlacement.objects.filter(pk__in=chunk).update(valid_to=d1)
    # Periods recorded from D on under an old unit belong to C (or to what C became by their start).
    for unit, start, end in chain:
        HouseholdPlacement.objects.filter(commune_id__in=lineage).filter(_period(start, end, "valid_from")).update(commune_id=unit.pk)
    HouseholdPlacement.objects.bulk_create(new_rows, batch_size=CHUNK)

    # The current commune (households recorded under an old unit; those already in C are left as they are).
    # Every household recorded under a unit of the lineage moves (the preview refuses a merger that would leave one
    # behind), so one statement does it.
    recorded_here = Household.objects.filter(commune_id__in=lineage).order_by()
    changed = list(recorded_here.values_list("id", flat=True))
    recorded_here.update(commune_id=current.pk, version=F("version") + 1, updated_at=now)
    _history(Household, changed, user=performed_by, reason=reason, when=now)

    # 2. Reviews dated from D on belong to C, or to what C became by their date (a review belongs to the unit in
    # force on its date); earlier reviews are history and stay with the unit that made them.
    later = AnnualReview.objects.filter(commune_id__in=lineage).filter(_period(effective_date, None)).order_by()
    review_ids = list(later.values_list("id", flat=True))
    reclassified = 0
    for unit, start, end in chain:
        part = AnnualReview.objects.filter(commune_id__in=lineage).filter(_period(start, end)).order_by()
        still_open = part.exclude(state__in=OFFICIAL_STATES)
        area_changed = list(still_open.exclude(area=unit.area).values_list("id", flat=True))
        moved = {"commune_id": unit.pk, "version": F("version") + 1, "updated_at": now}
        for year, rnd in _rounds(still_open, unit).items():
            still_open.filter(year=year).update(round=rnd, **moved)
        part.update(**moved)  # the recognised ones, which keep the round that recognised them
        reclassified += _reclassify(area_changed, area=unit.area)
    _history(AnnualReview, review_ids, user=performed_by, reason=reason, when=now)

    # 3. Officers of the old units work for C (as it is today) from now on.
    officers = list(User.objects.filter(unit_id__in=lineage).values_list("username", "unit__code"))
    User.objects.filter(unit_id__in=lineage).update(unit_id=current.pk)

    # 4. The units: the sources end on D − 1 and name C as their successor.
    for s in sources:
        if s.valid_to is None:
            s.valid_to = d1
            s.save(update_fields=["valid_to"])
        s.successors.add(target)

    merger = UnitMerger.objects.create(
        effective_date=effective_date, target=target, legal_basis=legal_basis[:255], note=note,
        performed_by=performed_by if getattr(performed_by, "pk", None) else None,
    )
    merger.sources.set(sources)

    hooks: dict[str, Any] = {}
    for receiver, response in units_merged.send(
        sender=UnitMerger, merger=merger, sources=sources, target=target, effective_date=effective_date, lineage_ids=lineage,
        current=current,
    ):
        if response is not None:
            hooks[getattr(receiver, "__module__", "") + "." + getattr(receiver, "__name__", "receiver")] = response

    # The figures' year rows of every household whose unit changed from D on.
    household_years_refresh(household_ids={r[0] for r in rows} | set(changed))

    # The last guard: nobody is left in a unit that is no longer in force.
    stranded = Household.objects.filter(commune_id__in=lineage).count()
    if stranded:
        raise ValidationError(f"Sáp nhập sẽ làm {stranded} hộ không thuộc đơn vị hành chính nào đang có hiệu lực.")

    summary = preview.summary()
    summary.update(
        {
            "households_changed_commune": len(changed),
            "placements_created": len(new_rows),
            "placements_closed": len(truncate),
            "reviews_reclassified": reclassified,
            "officers": [{"username": u, "from": code} for u, code in officers],
            "target": {"code": target.code, "name": target.name, "valid_from": target.valid_from.isoformat(), "created": new_target is not None},
            "current": {"code": current.code, "name": current.name, "valid_from": current.valid_from.isoformat()},
            "hooks": hooks,
        }
    )
    merger.summary = summary
    merger.save(update_fields=["summary"])
    return merger


@transaction.atomic
def mergers_apply(*, requests: list[MergerRequest], performed_by: Any = None) -> list[UnitMerger]:
    """Several mergers in one transaction (the 1 July 2025 reform: thirty units into ten): all or nothing."""
    done = []
    for r in requests:
        done.append(
            merger_apply(
                sources=list(r.sources), effective_date=r.effective_date, target=r.target, new_target=r.new_target,
                legal_basis=r.legal_basis, note=r.note, performed_by=performed_by,
            )
        )
    return done


def reform_requests(effective_date: dt.date, *, legal_basis: str = "") -> list[MergerRequest]:
    """The mergers the reference data records for a date: units ending the day before, grouped by their
    commune-level successor (1 Jul 2025 → the ten communes; 1 Sep 2024 → Hồng Sơn)."""
    d1 = effective_date - ONE_DAY
    groups: dict[int, list[AdministrativeUnit]] = defaultdict(list)
    targets: dict[int, AdministrativeUnit] = {}
    ending = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to=d1).prefetch_related("successors").order_by("code")
    for unit in ending:
        for succ in unit.successors.all():
            if succ.level == Level.COMMUNE and succ.in_force_on(effective_date):
                groups[succ.pk].append(unit)
                targets[succ.pk] = succ
    return [
        MergerRequest(sources=tuple(groups[pk]), effective_date=effective_date, target=targets[pk], legal_basis=legal_basis)
        for pk in sorted(groups, key=lambda pk: targets[pk].code)
    ]


# --- helpers ------------------------------------------------------------------------------------------------


def _chunks(ids: list[int], size: int = CHUNK):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _history(model: type, ids: list[int], *, user: Any, reason: str, when: dt.datetime) -> None:
    """One history row per changed object (django-simple-history: who, when, why), with the snapshot of the
    many-to-many fields the history tracks (a review's causes and needs).

    Written with INSERT … SELECT from the rows themselves: a merger changes tens of thousands of households, and
    building that many historical instances in Python would take most of the merger's time."""
    if not ids:
        return
    from simple_history.models import HistoricalRecords

    history = model.history.model  # type: ignore[attr-defined]
    q = connection.ops.quote_name
    tracked = history.tracked_fields
    target_cols = [history._meta.get_field(f.name).column for f in tracked] + [
        history._meta.get_field(name).column for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    source_cols = [model._meta.get_field(f.name).column for f in tracked]
    date_value = history._meta.get_field("history_date").get_db_prep_value(when, connection)
    user_id = user.pk if getattr(user, "pk", None) else None
    m2m_fields = list(getattr(history, "_history_m2m_fields", []))
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {q(history._meta.db_table)} ({', '.join(q(c) for c in target_cols)}) "
                f"SELECT {', '.join(q(c) for c in source_cols)}, %s, %s, %s, %s FROM {q(model._meta.db_table)} "
                f"WHERE {q(model._meta.pk.column)} IN ({marks})",
                [date_value, reason, "~", user_id, *chunk],
            )
            if not m2m_fields:
                continue
            # The rows just written (found by the object's id, then the date: the id index does the work).
            new_rows = {
                oid: hid
                for oid, hid, date in history._default_manager.filter(id__in=chunk).values_list("id", history._meta.pk.name, "history_date")
                if date == when
            }
            for f in m2m_fields:
                through = f.remote_field.through
                snapshot = HistoricalRecords.m2m_models[f]
                own = f.m2m_field_name() + "_id"
                names = [x.attname for x in through._meta.fields]
                snapshot.objects.bulk_create(
                    [
                        snapshot(history_id=new_rows[r[own]], **r)
                        for r in through.objects.filter(**{f"{own}__in": chunk}).values(*names)
                    ],
                    batch_size=CHUNK,
                )


def _rounds(reviews: QuerySet[AnnualReview], unit: AdministrativeUnit) -> dict[int, Any]:
    """The review round of `unit` for each year of `reviews`: open reviews join the round of the unit they now
    belong to (Decision 24/2021/QĐ-TTg Art. 4: the commune that holds a review recognises it); recognised ones
    keep the round that recognised them."""
    from .models import ReviewRound

    out = {}
    for year, first in reviews.values_list("year").annotate(first=Min("review_date")).values_list("year", "first"):
        out[year], _ = ReviewRound.objects.get_or_create(commune=unit, year=year, defaults={"started_on": first})
    return out


def _reclassify(review_ids: list[int], *, area: str) -> int:
    """Reviews moved to a unit of another urban/rural status are classified again with that area's line
    (Decree 07/2021/NĐ-CP Art. 3.2: the line depends on the area), as the review service classifies: the pure
    rules of `households.poverty`; the household's later reviews get their change from last year again.
    Recognised reviews keep their result (the caller leaves them out)."""
    if not review_ids:
        return 0
    from . import poverty

    rules_of: dict[int, poverty.Standard] = {}
    done = 0
    reviews = (r for chunk in _chunks(review_ids) for r in AnnualReview.objects.filter(pk__in=chunk))
    for review in reviews:
        if review.standard_id not in rules_of:
            rules_of[review.standard_id] = review.standard.to_rules()
        rules = rules_of[review.standard_id]
        result = poverty.classify(
            rules, area=area, income_per_capita_month=review.income_per_capita_month, deprivations=review.deprived_codes
        )
        context = review_change_contexts(household_ids=[review.household_id], year=review.year)[review.household_id]
        history = {**context["history"], review.year: result.category}
        earlier = {y: c for y, c in history.items() if y < review.year}
        AnnualReview.objects.filter(pk=review.pk).update(
            area=area,
            classification=result.category,
            deprivation_count=result.deprivation_count,
            deprivation_mask=poverty.deprivation_mask(rules, result.deprived),
            reasons=list(result.reasons),
            previous_classification=earlier[max(earlier)] if earlier else "",
            change=poverty.change(result.category, year=review.year, **context),
        )
        for later in AnnualReview.objects.filter(household_id=review.household_id, year__gt=review.year).only("pk", "year", "classification"):
            before = {y: c for y, c in history.items() if y < later.year}
            AnnualReview.objects.filter(pk=later.pk).update(
                previous_classification=before[max(before)], change=poverty.change(later.classification, before, year=later.year)
            )
        done += 1
    return done
