"""Household events: what makes the movement tables' other increases and decreases (docs/domain.md §3).

A household splits (some members form a new household), merges into another (its members join it and it ends),
moves within the program area (its commune or village changes), moves in from outside, moves out, or ends (the
last member died, the household dissolved). Each event has a date, a reason and who recorded it, is kept with its
history, and writes what it implies: the household's residence (`resident_since`, `ended_on`), its places over
time (`HouseholdPlacement`), its members' dates (`Member.joined_on`/`left_on`), and the year rows of the figures
(`households.household_years`). Entering a household that has lived here for years is not an event: it is resident
since before the first year of data.

Keyword-only services, one transaction each; Vietnamese ValidationErrors. `household_event_record(kind=…)` takes
the API's shape and calls the right one. Each service checks an officer's entry and hands it, as an `EventPlan`, to
`household_events_apply`, the one writer of events: the demo (and any load of a registry's past) gives it a year
of checked events at once and gets the same rows in a few statements a table.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .household_years import household_years_refresh
from .models import (
    EARLIEST,
    AdministrativeUnit,
    AnnualReview,
    EventKind,
    Household,
    HouseholdEvent,
    HouseholdPlacement,
    HouseholdStatus,
    Level,
    Member,
    MemberChange,
    Relation,
)
from .services import stale_version_error
from .bulk import update_rows
from .structure import UnitTables, commune_periods, unit_tables
from .text import nfc_line

ONE_DAY = dt.timedelta(days=1)
# Copied to a member's new row when a person moves to another household (the person stays the same person).
PERSON_FIELDS = ("full_name", "sex", "birth_date", "birth_year_only", "citizen_id", "ethnic_group_id")
# What an event changes on the household row.
HOUSEHOLD_FIELDS = ["version", "updated_at", "search_key", "commune", "village", "head_name", "resident_since", "ended_on", "status"]


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _lock(household: Household, version: int | None) -> Household:
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if version is not None and int(version) != locked.version:
        raise stale_version_error(obj=locked, noun=f"Hộ {locked.code}")
    return locked


def _check_date(household: Household, date: dt.date | None) -> dt.date:
    if date is None:
        raise ValidationError({"date": "Chưa nhập ngày của biến động."})
    if date > timezone.localdate():
        raise ValidationError({"date": "Ngày của biến động không được sau ngày hôm nay."})
    if household.ended_on is not None:
        raise ValidationError(
            {"household": f"Hộ {household.code} đã không còn cư trú tại địa bàn từ ngày {household.ended_on:%d/%m/%Y}."}
        )
    if household.resident_since is not None and date < household.resident_since:
        raise ValidationError({"date": f"Hộ {household.code} cư trú tại địa bàn từ ngày {household.resident_since:%d/%m/%Y}: ngày biến động phải từ ngày đó trở đi."})
    later = household.events.filter(date__gt=date).order_by("date").first()
    if later is not None:
        raise ValidationError({"date": f"Hộ {household.code} đã có biến động ngày {later.date:%d/%m/%Y}, sau ngày này: ghi biến động theo thứ tự thời gian."})
    return date


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": "Phải ghi lý do của biến động."})
    return text


def _place_chain(*, household_id: int, commune: AdministrativeUnit, village: AdministrativeUnit | None,
                 start: dt.date, end: dt.date | None, reason: str = "", tables: UnitTables | None = None) -> list[HouseholdPlacement]:
    """Placements from `start` to `end` under the village's commune (or the commune) as it was on each date."""
    base = village.parent_id if village is not None and village.parent_id else commune.pk
    return [
        HouseholdPlacement(household_id=household_id, commune_id=uid, village=village, valid_from=s, valid_to=e, reason=reason[:200])
        for uid, s, e in commune_periods(base, start, end, tables=tables)
    ]


@dataclass
class EventPlan:
    """One event as `household_events_apply` writes it: the arguments of its service, already checked.

    `commune`, `village`: where a move goes (the commune, if not given, is the village's on the date); `village`,
    `address`: the new household's for a split (default: the parent's). `into`: the
    household a merger joins. `code`, `members` (the first heads the new household unless `head` says), `relations`
    (member id → relation in the household they join): a split's new household and who goes; `member_reason`: why a
    dissolved household's members left."""

    kind: str
    household: Household
    date: dt.date
    reason: str
    commune: AdministrativeUnit | None = None
    village: AdministrativeUnit | None = None
    into: Household | None = None
    code: str = ""
    members: Sequence[Member] = ()
    head: Member | None = None
    relations: Mapping[int, str] | None = None
    address: str = ""
    member_reason: str = MemberChange.DEATH


@dataclass
class _Writes:
    """What a batch of events writes, gathered so that each table gets a few statements."""

    events: list[HouseholdEvent] = field(default_factory=list)
    places_dropped: list[int] = field(default_factory=list)
    places_closed: list[HouseholdPlacement] = field(default_factory=list)
    places_new: list[HouseholdPlacement] = field(default_factory=list)
    members_left: list[Member] = field(default_factory=list)
    members_new: list[Member] = field(default_factory=list)
    households: dict[int, Household] = field(default_factory=dict)
    tables: UnitTables | None = None  # the units and their successors, read once a batch
    communes: dict[tuple[int | None, dt.date], AdministrativeUnit | None] = field(default_factory=dict)


def _closed_places(household: Household, placements: list[HouseholdPlacement], *, until: dt.date, writes: _Writes) -> None:
    """End the household's place on `until` (spelling out its earlier places where none were recorded)."""
    if placements:
        # Periods recorded beyond the day (the same place under a later unit, a merger's split) end with it.
        for place in placements:
            if place.valid_from > until:
                writes.places_dropped.append(place.pk)
            elif place.valid_to is None or place.valid_to > until:
                place.valid_to = until
                writes.places_closed.append(place)
        return
    start = household.resident_since or EARLIEST
    if until >= start:
        writes.places_new += _place_chain(household_id=household.pk, commune=household.commune, village=household.village, start=start, end=until,
                                          tables=writes.tables)


def _moved_members(members: Iterable[Member], *, into: Household, date: dt.date, reason: str,
                   relations: Mapping[int, str], first_order: int, writes: _Writes) -> None:
    """Close these memberships on `date` and open the same people's memberships in `into`."""
    for i, member in enumerate(members):
        member.left_on, member.left_reason = date, reason
        writes.members_left.append(member)
        new = Member(household=into, joined_on=date, joined_reason=reason, relation=relations.get(member.pk, Relation.OTHER),
                     order=first_order + i, **{f: getattr(member, f) for f in PERSON_FIELDS})
        new.fill_search_key()
        writes.members_new.append(new)


def _members_json(members: Iterable[Member]) -> list[dict[str, Any]]:
    return [{"id": m.pk, "full_name": m.full_name} for m in members]


def _commune_on(village: AdministrativeUnit, on: dt.date, writes: _Writes) -> AdministrativeUnit | None:
    """`village.commune_on(on)`, remembered for the batch (it follows the commune's successors query by query)."""
    key = (village.parent_id, on)
    if key not in writes.communes:
        writes.communes[key] = village.commune_on(on)
    return writes.communes[key]


def _split_place(plan: EventPlan, today: dt.date, writes: _Writes) -> tuple[AdministrativeUnit, AdministrativeUnit | None]:
    village = plan.village or plan.household.village
    return (_commune_on(village, today, writes) if village is not None else None) or plan.household.commune, village


@transaction.atomic
def household_events_apply(plans: Sequence[EventPlan], *, user: Any = None, history: bool = True) -> list[HouseholdEvent]:
    """Write checked events, one per household, with all they imply: the event, the places (`HouseholdPlacement`),
    the members' dates and moves, the household's residence, status and version (kept in the history under `user`)
    and the year rows of the figures. The services below check an officer's entry and write it here; the demo and
    loads of a registry's past write thousands in one call, a few statements a table (`history=False`: no history
    rows, as for the rest of seeded data)."""
    if not plans:
        return []
    user = _user(user)
    today = timezone.localdate()
    households: dict[int, Household] = {}
    for plan in plans:
        for hh in (plan.household, plan.into if plan.kind == EventKind.MERGE else None):
            if hh is None:
                continue
            if hh.pk in households:
                raise ValueError(f"Hộ {hh.code} có hai biến động trong cùng một lần ghi.")
            households[hh.pk] = hh
    placements: dict[int, list[HouseholdPlacement]] = {}
    for place in HouseholdPlacement.objects.filter(household_id__in=[p.household.pk for p in plans]).order_by("valid_from"):
        placements.setdefault(place.household_id, []).append(place)
    current: dict[int, list[Member]] = {}
    for member in Member.objects.filter(household_id__in=list(households)).order_by("household_id", "order", "id"):
        current.setdefault(member.household_id, []).append(member)

    writes = _Writes(tables=unit_tables(Level.COMMUNE))
    # The households that splits make come first: the events, places and members point at them.
    children: dict[int, Household] = {}
    for plan in plans:
        if plan.kind == EventKind.SPLIT:
            commune, village = _split_place(plan, today, writes)
            head = plan.head or plan.members[0]
            # The new household keeps the family's livelihood until an officer records its own.
            child = Household(code=plan.code, commune=commune, village=village, address=nfc_line(plan.address) or plan.household.address,
                              head_name=head.full_name, resident_since=plan.date, livelihood=plan.household.livelihood)
            child.fill_search_key()
            children[plan.household.pk] = child
    if children:
        _create(list(children.values()), Household, user=user, history=history)

    for plan in plans:
        hh, date, reason = plan.household, plan.date, plan.reason
        event = HouseholdEvent(household=hh, kind=plan.kind, date=date, reason=reason, commune_id=hh.commune_id,
                               from_village_id=hh.village_id, recorded_by=user)
        writes.events.append(event)
        writes.households[hh.pk] = hh
        if plan.kind == EventKind.MOVE:
            commune, village = plan.commune, plan.village
            if commune is None:
                commune = (_commune_on(village, date, writes) if village is not None else None) or _check_place(None, village, date)[0]
            event.to_commune, event.to_village = commune, village
            _closed_places(hh, placements.get(hh.pk, []), until=date - ONE_DAY, writes=writes)
            writes.places_new += _place_chain(household_id=hh.pk, commune=commune, village=village, start=date, end=None,
                                              reason=f"Chuyển đến: {reason}", tables=writes.tables)
            hh.commune = commune if commune.in_force_on(today) else (_commune_on(village, today, writes) if village else commune)
            hh.village = village
        elif plan.kind == EventKind.MOVE_IN:
            writes.places_new += _place_chain(household_id=hh.pk, commune=hh.commune, village=hh.village, start=date, end=None,
                                              reason="Chuyển đến từ ngoài địa bàn", tables=writes.tables)
            hh.resident_since = date
        elif plan.kind in (EventKind.MOVE_OUT, EventKind.DISSOLVE, EventKind.MERGE):
            members = current.get(hh.pk, [])
            if plan.kind == EventKind.DISSOLVE:
                event.members = _members_json(members)
                for m in members:
                    m.left_on, m.left_reason = date, plan.member_reason
                writes.members_left += members
            elif plan.kind == EventKind.MERGE:
                into = plan.into
                event.other_household, event.members = into, _members_json(members)
                _moved_members(members, into=into, date=date, reason=MemberChange.MERGE, relations=plan.relations or {},
                               first_order=len(current.get(into.pk, [])), writes=writes)
                writes.households[into.pk] = into
            _closed_places(hh, placements.get(hh.pk, []), until=date - ONE_DAY, writes=writes)
            hh.ended_on = date
            hh.status = {EventKind.MOVE_OUT: HouseholdStatus.MOVED_OUT, EventKind.DISSOLVE: HouseholdStatus.DISSOLVED,
                         EventKind.MERGE: HouseholdStatus.MERGED}[plan.kind]
        elif plan.kind == EventKind.SPLIT:
            child = children[hh.pk]
            leaving = list(plan.members)
            relations = {m.pk: (plan.relations or {}).get(m.pk, Relation.OTHER) for m in leaving}
            relations[(plan.head or leaving[0]).pk] = Relation.HEAD
            event.other_household, event.members = child, _members_json(leaving)
            event.to_commune, event.to_village = child.commune, child.village
            writes.places_new += _place_chain(household_id=child.pk, commune=child.commune, village=child.village, start=date,
                                              end=None, reason=f"Tách từ hộ {hh.code}", tables=writes.tables)
            _moved_members(leaving, into=child, date=date, reason=MemberChange.SPLIT, relations=relations, first_order=0, writes=writes)
        else:
            raise ValueError(f"Loại biến động không hợp lệ: {plan.kind}.")

    HouseholdPlacement.objects.filter(pk__in=writes.places_dropped).delete()
    update_rows(HouseholdPlacement, writes.places_closed, ["valid_to"])
    HouseholdPlacement.objects.bulk_create(writes.places_new, batch_size=500)
    created = _create(writes.events, HouseholdEvent, user=user, history=history)
    # A person's old membership closes before the new one opens (a citizen ID is unique among current members).
    _update(writes.members_left, Member, ["left_on", "left_reason"], user=user, history=history)
    _create(writes.members_new, Member, user=user, history=history)
    now = timezone.now()
    for hh in writes.households.values():
        hh.version += 1
        hh.updated_at = now
        hh.fill_search_key()
    _update(list(writes.households.values()), Household, HOUSEHOLD_FIELDS, user=user, history=history)
    # The new households' rows come with their parents' (a split-off follows its parent).
    household_years_refresh(household_ids=list(writes.households))
    return created


def _check_reviews_before(household: Household, date: dt.date) -> None:
    early = AnnualReview.objects.filter(household=household, review_date__lt=date).order_by("review_date").first()
    if early is not None:
        raise ValidationError({"date": f"Hộ {household.code} đã có kết quả rà soát ngày {early.review_date:%d/%m/%Y}, trước ngày chuyển đến."})


def _create(objs: list, model: type, *, user: Any, history: bool) -> list:
    if history:
        return bulk_create_with_history(objs, model, batch_size=500, default_user=user)
    return model._base_manager.bulk_create(objs, batch_size=500)


def _update(objs: list, model: type, fields: list[str], *, user: Any, history: bool) -> None:
    update_rows(model, objs, fields)
    if history:
        model.history.bulk_history_create(objs, batch_size=500, update=True, default_user=user)


def _apply_one(plan: EventPlan, user: Any) -> HouseholdEvent:
    return household_events_apply([plan], user=user)[0]


def _check_place(commune: AdministrativeUnit | None, village: AdministrativeUnit | None, date: dt.date) -> tuple[AdministrativeUnit, AdministrativeUnit | None]:
    if village is not None:
        if village.level != Level.VILLAGE:
            raise ValidationError({"to_village": f"{village.name} không phải là thôn, tổ dân phố."})
        own = village.commune_on(date)
        if commune is None:
            commune = own
        elif own is not None and own != commune and village.commune_on(timezone.localdate()) != commune:
            raise ValidationError({"to_village": f"{village.name} không thuộc {commune.name}."})
    if commune is None:
        raise ValidationError({"to_commune": "Chưa chọn xã, thị trấn nơi đến."})
    if commune.level != Level.COMMUNE or not commune.in_force_on(timezone.localdate()) and not commune.in_force_on(date):
        raise ValidationError({"to_commune": f"{commune.label} không phải là xã, thị trấn có hiệu lực."})
    return commune, village


@transaction.atomic
def household_move(*, household: Household, date: dt.date, reason: str, user: Any, commune: AdministrativeUnit | None = None,
                   village: AdministrativeUnit | None = None, version: int | None = None) -> HouseholdEvent:
    """The household moves within the program area (another village, or another commune) from `date`."""
    household = _lock(household, version)
    date, reason = _check_date(household, date), _reason(reason)
    commune, village = _check_place(commune, village, date)
    if village == household.village and (village is not None or commune == household.commune):
        raise ValidationError({"to_village": "Nơi đến trùng với nơi ở hiện tại."})
    return _apply_one(EventPlan(EventKind.MOVE, household, date, reason, commune=commune, village=village), user)


@transaction.atomic
def household_move_in(*, household: Household, date: dt.date, reason: str, user: Any, version: int | None = None) -> HouseholdEvent:
    """A household registered here came from outside the program area on `date` (an other increase that year)."""
    household = _lock(household, version)
    if household.events.exists() or household.placements.exists():
        raise ValidationError({"household": f"Hộ {household.code} đã có biến động hoặc nơi ở được ghi: chuyển đến chỉ ghi cho hộ mới đến."})
    household.resident_since = None  # checked below against the new date
    date, reason = _check_date(household, date), _reason(reason)
    _check_reviews_before(household, date)
    return _apply_one(EventPlan(EventKind.MOVE_IN, household, date, reason), user)


@transaction.atomic
def household_move_out(*, household: Household, date: dt.date, reason: str, user: Any, version: int | None = None) -> HouseholdEvent:
    """The household leaves the program area on `date` (an other decrease that year); its members go with it."""
    household = _lock(household, version)
    date, reason = _check_date(household, date), _reason(reason)
    return _apply_one(EventPlan(EventKind.MOVE_OUT, household, date, reason), user)


@transaction.atomic
def household_dissolve(*, household: Household, date: dt.date, reason: str, user: Any, member_reason: str = MemberChange.DEATH,
                       version: int | None = None) -> HouseholdEvent:
    """The household ends on `date` (the last member died, the members went to live elsewhere): an other decrease."""
    household = _lock(household, version)
    date, reason = _check_date(household, date), _reason(reason)
    if member_reason not in MemberChange.values:
        raise ValidationError({"member_reason": "Lý do rời hộ của nhân khẩu không hợp lệ."})
    for m in household.members.all():
        if m.joined_on is not None and m.joined_on > date:
            raise ValidationError({"date": f"{m.full_name} vào hộ ngày {m.joined_on:%d/%m/%Y}, sau ngày này."})
    return _apply_one(EventPlan(EventKind.DISSOLVE, household, date, reason, member_reason=member_reason), user)


@transaction.atomic
def household_merge(*, household: Household, into: Household, date: dt.date, reason: str, user: Any,
                    relations: Mapping[int, str] | None = None, version: int | None = None) -> HouseholdEvent:
    """The household joins `into` on `date`: its members become members of `into` and it ends (an other decrease;
    `into`'s persons grow)."""
    if into.pk == household.pk:
        raise ValidationError({"other_household": "Không nhập một hộ vào chính nó."})
    household = _lock(household, version)
    into = Household.objects.select_for_update().get(pk=into.pk)
    date, reason = _check_date(household, date), _reason(reason)
    if not into.resident_on(date):
        raise ValidationError({"other_household": f"Hộ {into.code} không cư trú tại địa bàn vào ngày {date:%d/%m/%Y}."})
    return _apply_one(EventPlan(EventKind.MERGE, household, date, reason, into=into, relations=relations), user)


@transaction.atomic
def household_split(
    *,
    household: Household,
    date: dt.date,
    reason: str,
    user: Any,
    code: str,
    members: Iterable[Member],
    head: Member | None = None,
    new_head: Member | None = None,
    village: AdministrativeUnit | None = None,
    address: str = "",
    relations: Mapping[int, str] | None = None,
    version: int | None = None,
) -> HouseholdEvent:
    """Some members leave `household` on `date` to form a new household `code` (an other increase that year; the
    new household's first review follows its parent's history). `head` heads the new household (the first member
    by default); when the parent's head leaves, `new_head` heads what remains."""
    household = _lock(household, version)
    date, reason = _check_date(household, date), _reason(reason)
    code = (code or "").strip()
    if not code:
        raise ValidationError({"other_household": "Chưa nhập mã của hộ mới tách."})
    if Household.objects.filter(code=code).exists():
        raise ValidationError({"other_household": f"Mã hộ {code} đã có trong hệ thống."})
    current = {m.pk: m for m in household.members.all()}
    leaving = [current.get(getattr(m, "pk", m)) for m in members]
    if not leaving or any(m is None for m in leaving):
        raise ValidationError({"members": "Chọn những nhân khẩu của hộ chuyển sang hộ mới."})
    if len(leaving) >= len(current):
        raise ValidationError({"members": "Tách hộ phải để lại ít nhất một nhân khẩu ở hộ cũ (cả hộ chuyển đi: ghi chuyển nơi ở)."})
    for m in leaving:
        if m.joined_on is not None and m.joined_on > date:
            raise ValidationError({"members": f"{m.full_name} vào hộ ngày {m.joined_on:%d/%m/%Y}, sau ngày tách hộ."})
    head = current.get(getattr(head, "pk", head)) if head is not None else leaving[0]
    if head not in leaving:
        raise ValidationError({"head": "Chủ hộ mới phải là một trong những người tách ra."})
    staying = [m for m in current.values() if m not in leaving]
    old_head = next((m for m in current.values() if m.relation == Relation.HEAD), None)
    if old_head in leaving:
        new_head = current.get(getattr(new_head, "pk", new_head)) if new_head is not None else None
        if new_head not in staying:
            raise ValidationError({"new_head": "Chủ hộ chuyển sang hộ mới: chọn chủ hộ mới cho hộ cũ trong số những người ở lại."})
        new_head.relation = Relation.HEAD
        new_head.save(update_fields=["relation"])
        household.head_name = new_head.full_name
    plan = EventPlan(EventKind.SPLIT, household, date, reason, village=village, code=code, members=leaving, head=head,
                     relations=relations, address=address)
    try:
        with transaction.atomic():
            return _apply_one(plan, user)
    except IntegrityError:
        if not Household.objects.filter(code=code).exists():
            raise
        raise ValidationError({"other_household": f"Mã hộ {code} đã có trong hệ thống."}) from None


def household_event_record(*, kind: str, household: Household, user: Any, **data: Any) -> HouseholdEvent:
    """Record an event given in the API's shape (docs/api.md `household-events/`): `date`, `reason`, and
    `other_household` (split: the new household's code; merge: the household it joins, an object),
    `to_commune`/`to_village` (move; split: the new household's village), `members`, `head`, `new_head` (split)."""
    common = {"household": household, "user": user, "date": data.get("date"), "reason": data.get("reason", ""),
              "version": data.get("version")}
    if kind == EventKind.MOVE:
        return household_move(**common, commune=data.get("to_commune"), village=data.get("to_village"))
    if kind == EventKind.MOVE_IN:
        return household_move_in(**common)
    if kind == EventKind.MOVE_OUT:
        return household_move_out(**common)
    if kind == EventKind.DISSOLVE:
        return household_dissolve(**common, member_reason=data.get("member_reason") or MemberChange.DEATH)
    if kind == EventKind.MERGE:
        into = data.get("other_household")
        if not isinstance(into, Household):
            raise ValidationError({"other_household": "Chọn hộ nhận (mã hộ)."})
        return household_merge(**common, into=into)
    if kind == EventKind.SPLIT:
        return household_split(**common, code=str(data.get("other_household") or ""), members=data.get("members") or [],
                               head=data.get("head"), new_head=data.get("new_head"), village=data.get("to_village"),
                               address=data.get("address", ""))
    raise ValidationError({"kind": "Loại biến động không hợp lệ."})
