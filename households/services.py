"""Writes to the registry that carry rules. Keyword-only; Vietnamese ValidationErrors."""
from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import StaleVersion
from .models import AdministrativeUnit, EthnicGroup, Household, Level, Member, Relation
from .text import nfc_line

CITIZEN_ID_RE = re.compile(r"^[0-9]{12}$")
MEMBER_FIELDS = ("full_name", "sex", "birth_date", "birth_year_only", "citizen_id", "ethnic_group", "relation", "order")


def stale_version_error(*, obj: Any, noun: str) -> StaleVersion:
    """The refusal when someone else saved first, naming who and when (from the change history)."""
    last = obj.history.order_by("-history_date").select_related("history_user").first()
    who = (last.history_user.display_name if last and last.history_user else "người dùng khác")
    when = timezone.localtime(last.history_date) if last else None
    when_text = f" lúc {when:%H:%M ngày %d/%m/%Y}" if when else ""
    return StaleVersion(
        f"{noun} đã được {who} sửa{when_text} sau khi bạn mở. Tải lại trang để xem thay đổi, rồi nhập lại phần của bạn.",
        changed_by=who,
        changed_at=when,
    )


def _check_citizen_id(value: str | None, *, member_pk: int | None, field: str) -> str | None:
    if value in (None, ""):
        return None
    value = str(value).strip().replace(" ", "")
    if not CITIZEN_ID_RE.match(value):
        raise ValidationError({field: "Số định danh cá nhân phải gồm đúng 12 chữ số."})
    clash = Member.objects.filter(citizen_id=value).exclude(pk=member_pk).select_related("household").first()
    if clash:
        raise ValidationError(
            {field: f"Số định danh {value} đã có trong hộ {clash.household.code} ({clash.full_name})."}
        )
    return value


def _check_place(*, commune: AdministrativeUnit, village: AdministrativeUnit | None) -> None:
    today = timezone.localdate()
    if commune.level != Level.COMMUNE or not commune.in_force_on(today):
        raise ValidationError({"commune": f"{commune.label} không phải là xã, thị trấn đang có hiệu lực."})
    if village is not None:
        if village.level != Level.VILLAGE:
            raise ValidationError({"village": f"{village.name} không phải là thôn, tổ dân phố."})
        if village.commune_on(today) != commune:
            raise ValidationError({"village": f"{village.name} không thuộc {commune.name}."})


@transaction.atomic
def household_save(
    *,
    household: Household | None,
    data: dict[str, Any],
    members: list[dict[str, Any]] | None = None,
    version: int | None = None,
) -> Household:
    """Create or update a household and (when `members` is given) its member list.

    `members` replaces the list: an entry with an `id` updates that member, one without creates a member,
    members left out are removed (their history stays). `version` is the version the user read: a newer
    saved version is refused with StaleVersion.
    """
    if household is not None and household.pk:
        locked = Household.objects.select_for_update().get(pk=household.pk)
        if version is not None and int(version) != locked.version:
            raise stale_version_error(obj=locked, noun=f"Hộ {locked.code}")
        household = locked
    else:
        household = Household()
    for field in ("code", "commune", "village", "address", "phone", "status"):
        if field in data:
            setattr(household, field, data[field])
    if not household.code or not str(household.code).strip():
        raise ValidationError({"code": "Chưa nhập mã hộ."})
    household.code = str(household.code).strip()
    if not household.commune_id:
        raise ValidationError({"commune": "Chưa chọn xã, thị trấn."})
    if "commune" in data or "village" in data:
        _check_place(commune=household.commune, village=household.village)
    if Household.objects.filter(code=household.code).exclude(pk=household.pk).exists():
        raise ValidationError({"code": f"Mã hộ {household.code} đã có trong hệ thống."})
    if members is not None:
        heads = [m for m in members if m.get("relation") == Relation.HEAD]
        if len(heads) > 1:
            raise ValidationError({"members": "Một hộ chỉ có một chủ hộ."})
        if heads:
            household.head_name = nfc_line(heads[0].get("full_name")) or ""
    elif "head_name" in data:
        household.head_name = data["head_name"]
    if household.pk is not None:
        household.version += 1  # the row is locked (select_for_update), so this cannot race
    try:
        household.save()
    except IntegrityError as exc:  # a concurrent insert of the same code
        raise ValidationError({"code": f"Mã hộ {household.code} đã có trong hệ thống."}) from exc
    household.refresh_from_db()
    if members is not None:
        _save_members(household=household, members=members)
    return household


def _save_members(*, household: Household, members: list[dict[str, Any]]) -> None:
    existing = {m.pk: m for m in household.members.all()}
    kept: set[int] = set()
    seen_ids: set[str] = set()
    for index, row in enumerate(members):
        prefix = f"members[{index}]"
        pk = row.get("id")
        if pk and int(pk) not in existing:
            raise ValidationError({prefix: "Nhân khẩu này không thuộc hộ."})
        member = existing.get(int(pk)) if pk else Member(household=household)
        name = nfc_line(row.get("full_name"))
        if not name:
            raise ValidationError({f"{prefix}.full_name": "Chưa nhập họ và tên."})
        if row.get("sex") not in ("male", "female"):
            raise ValidationError({f"{prefix}.sex": "Giới tính phải là Nam hoặc Nữ."})
        birth = row.get("birth_date")
        if birth and birth > timezone.localdate():
            raise ValidationError({f"{prefix}.birth_date": "Ngày sinh không được sau ngày hôm nay."})
        citizen_id = _check_citizen_id(row.get("citizen_id"), member_pk=member.pk, field=f"{prefix}.citizen_id")
        if citizen_id and citizen_id in seen_ids:
            raise ValidationError({f"{prefix}.citizen_id": f"Số định danh {citizen_id} bị nhập hai lần trong hộ."})
        if citizen_id:
            seen_ids.add(citizen_id)
        ethnic = row.get("ethnic_group")
        if ethnic is not None and not isinstance(ethnic, EthnicGroup):
            raise ValidationError({f"{prefix}.ethnic_group": "Dân tộc không hợp lệ."})
        values = {
            "full_name": name,
            "sex": row["sex"],
            "birth_date": birth,
            "birth_year_only": bool(row.get("birth_year_only", False)),
            "citizen_id": citizen_id,
            "ethnic_group": ethnic,
            "relation": row.get("relation") or Relation.OTHER,
            "order": row.get("order", index),
        }
        changed = member.pk is None or any(getattr(member, k) != v for k, v in values.items())
        if changed:
            for k, v in values.items():
                setattr(member, k, v)
            member.save()
        kept.add(member.pk)
    for pk, member in existing.items():
        if pk not in kept:
            member.delete()
