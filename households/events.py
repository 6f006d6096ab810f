"""Household events: what makes the movement tables' other increases and decreases (DOMAIN.md §3).

A household splits (some members form a new household), merges into another (its members join it and it ends),
moves within the program area (its commune or village changes), moves in from outside, moves out, or ends (the
last member died, the household dissolved). Each event has a date, a reason and who recorded it, is kept with its
history, and writes what it implies: the household's residence (`resident_since`, `ended_on`), its places over
time (`HouseholdPlacement`), its members' dates (`Member.joined_on`/`left_on`), and the year rows of the figures
(`households.household_years`). Entering a household that has lived here for years is not an event: it is resident
since before the first year of data.

Keyword-only services, one transaction each; Vietnamese ValidationErrors. `household_event_record(kind=…)` takes
the API's shape and calls the right one.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

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
from .structure import commune_periods
from .text import nfc_line

ONE_DAY = dt.timedelta(days=1)
# Copied to a member's new row when a person moves to another household (the person stays the same person).
PERSON_FIELDS = ("full_name", "sex", "birth_date", "birth_year_only", "citizen_id", "ethnic_group_id")


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
                 start: dt.date, end: dt.date | None, reason: str = "") -> list[HouseholdPlacement]:
    """Placements from `start` to `end` under the village's commune (or the commune) as it was on each date."""
    base = village.parent_id if village is not None and village.parent_id else commune.pk
    return [
        HouseholdPlacement(household_id=household_id, commune_id=uid, village=village, valid_from=s, valid_to=e, reason=reason[:200])
        for uid, s, e in commune_periods(base, start, end)
    ]


def _close_place(household: Household, *, until: dt.date) -> None:
    """End the household's place on `until` (spelling out its earlier places where none were recorded)."""
    if household.placements.exists():
        # Periods recorded beyond the day (the same place under a later unit, a merger's split) end with it.
        household.placements.filter(valid_from__gt=until).delete()
        household.placements.filter(valid_to__isnull=True).update(valid_to=until)
        household.placements.filter(valid_to__gt=until).update(valid_to=until)
        return
    start = household.resident_since or EARLIEST
    if until >= start:
        HouseholdPlacement.objects.bulk_create(
            _place_chain(household_id=household.pk, commune=household.commune, village=household.village, start=start, end=until)
        )


def _event(household: Household, kind: str, date: dt.date, reason: str, user: Any, **extra: Any) -> HouseholdEvent:
    event = HouseholdEvent(household=household, kind=kind, date=date, reason=reason, commune=household.commune,
                           from_village=household.village, recorded_by=_user(user), **extra)
    event._history_user = _user(user)  # type: ignore[attr-defined]
    event.save()
    return event


def _save(*households: Household, user: Any) -> None:
    """Save what the event changed (a new version, kept in the history under the user) and rebuild the year rows
    of the figures of every household it touched."""
    for household in households:
        household.version += 1
        household._history_user = _user(user)  # type: ignore[attr-defined]
        household.save()
    household_years_refresh(household_ids=[h.pk for h in households])


def _end(household: Household, *, date: dt.date, status: str) -> None:
    _close_place(household, until=date - ONE_DAY)
    household.ended_on = date
    household.status = status


def _check_reviews_before(household: Household, date: dt.date) -> None:
    early = AnnualReview.objects.filter(household=household, review_date__lt=date).order_by("review_date").first()
    if early is not None:
        raise ValidationError({"date": f"Hộ {household.code} đã có kết quả rà soát ngày {early.review_date:%d/%m/%Y}, trước ngày chuyển đến."})


def _move_members(members: Iterable[Member], *, into: Household, date: dt.date, reason: str,
                  relations: Mapping[int, str] | None = None, first_order: int = 0) -> list[Member]:
    """Close these memberships on `date` and open the same people's memberships in `into`."""
    members = list(members)
    relations = relations or {}
    moved = []
    for member in members:
        member.left_on, member.left_reason = date, reason
        member.save(update_fields=["left_on", "left_reason"])
    for i, member in enumerate(members):
        new = Member(household=into, joined_on=date, joined_reason=reason, relation=relations.get(member.pk, Relation.OTHER),
                     order=first_order + i, **{f: getattr(member, f) for f in PERSON_FIELDS})
        new.save()
        moved.append(new)
    return moved


def _members_json(members: Iterable[Member]) -> list[dict[str, Any]]:
    return [{"id": m.pk, "full_name": m.full_name} for m in members]


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
    event = _event(household, EventKind.MOVE, date, reason, user, to_commune=commune, to_village=village)
    _close_place(household, until=date - ONE_DAY)
    HouseholdPlacement.objects.bulk_create(
        _place_chain(household_id=household.pk, commune=commune, village=village, start=date, end=None, reason=f"Chuyển đến: {reason}")
    )
    today = timezone.localdate()
    household.commune = commune if commune.in_force_on(today) else (village.commune_on(today) if village else commune)
    household.village = village
    _save(household, user=user)
    return event


@transaction.atomic
def household_move_in(*, household: Household, date: dt.date, reason: str, user: Any, version: int | None = None) -> HouseholdEvent:
    """A household registered here came from outside the program area on `date` (an other increase that year)."""
    household = _lock(household, version)
    if household.events.exists() or household.placements.exists():
        raise ValidationError({"household": f"Hộ {household.code} đã có biến động hoặc nơi ở được ghi: chuyển đến chỉ ghi cho hộ mới đến."})
    household.resident_since = None  # checked below against the new date
    date, reason = _check_date(household, date), _reason(reason)
    _check_reviews_before(household, date)
    event = _event(household, EventKind.MOVE_IN, date, reason, user)
    HouseholdPlacement.objects.bulk_create(
        _place_chain(household_id=household.pk, commune=household.commune, village=household.village, start=date, end=None, reason="Chuyển đến từ ngoài địa bàn")
    )
    household.resident_since = date
    _save(household, user=user)
    return event


@transaction.atomic
def household_move_out(*, household: Household, date: dt.date, reason: str, user: Any, version: int | None = None) -> HouseholdEvent:
    """The household leaves the program area on `date` (an other decrease that year); its members go with it."""
    household = _lock(household, version)
    date, reason = _check_date(household, date), _reason(reason)
    event = _event(household, EventKind.MOVE_OUT, date, reason, user)
    _end(household, date=date, status=HouseholdStatus.MOVED_OUT)
    _save(household, user=user)
    return event


@transaction.atomic
def household_dissolve(*, household: Household, date: dt.date, reason: str, user: Any, member_reason: str = MemberChange.DEATH,
                       version: int | None = None) -> HouseholdEvent:
    """The household ends on `date` (the last member died, the members went to live elsewhere): an other decrease."""
    household = _lock(household, version)
    date, reason = _check_date(household, date), _reason(reason)
    if member_reason not in MemberChange.values:
        raise ValidationError({"member_reason": "Lý do rời hộ của nhân khẩu không hợp lệ."})
    members = list(household.members.all())
    event = _event(household, EventKind.DISSOLVE, date, reason, user, members=_members_json(members))
    for m in members:
        if m.joined_on is not None and m.joined_on > date:
            raise ValidationError({"date": f"{m.full_name} vào hộ ngày {m.joined_on:%d/%m/%Y}, sau ngày này."})
        m.left_on, m.left_reason = date, member_reason
        m.save(update_fields=["left_on", "left_reason"])
    _end(household, date=date, status=HouseholdStatus.DISSOLVED)
    _save(household, user=user)
    return event


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
    members = list(household.members.all())
    event = _event(household, EventKind.MERGE, date, reason, user, other_household=into, members=_members_json(members))
    order = into.members.count()
    _move_members(members, into=into, date=date, reason=MemberChange.MERGE, relations=relations, first_order=order)
    _end(household, date=date, status=HouseholdStatus.MERGED)
    _save(household, into, user=user)
    return event


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
    village = village or household.village
    commune = (village.commune_on(timezone.localdate()) if village is not None else None) or household.commune
    try:
        with transaction.atomic():
            child = Household(code=code, commune=commune, village=village, address=nfc_line(address) or household.address,
                              head_name=head.full_name, resident_since=date)
            child._history_user = _user(user)  # type: ignore[attr-defined]
            child.save()
    except IntegrityError as exc:
        raise ValidationError({"other_household": f"Mã hộ {code} đã có trong hệ thống."}) from exc
    HouseholdPlacement.objects.bulk_create(
        _place_chain(household_id=child.pk, commune=commune, village=village, start=date, end=None, reason=f"Tách từ hộ {household.code}")
    )
    rel = {m.pk: (relations or {}).get(m.pk, Relation.OTHER) for m in leaving}
    rel[head.pk] = Relation.HEAD
    event = _event(household, EventKind.SPLIT, date, reason, user, other_household=child, members=_members_json(leaving),
                   to_commune=commune, to_village=village)
    _move_members(leaving, into=child, date=date, reason=MemberChange.SPLIT, relations=rel)
    _save(household, user=user)  # the new household's rows come with its parent's (a split-off follows its parent)
    return event


def household_event_record(*, kind: str, household: Household, user: Any, **data: Any) -> HouseholdEvent:
    """Record an event given in the API's shape (API.md `household-events/`): `date`, `reason`, and
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
