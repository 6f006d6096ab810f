"""Writes to the registry that carry rules. Keyword-only; Vietnamese ValidationErrors."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import poverty
from .errors import StaleVersion
from .models import (
    household_code_error,
    phone_error,
    REVIEW_HISTORY,
    LOCKED_STATES,
    AdministrativeUnit,
    AnnualReview,
    ApplicationRequest,
    ApplicationStatus,
    Complaint,
    ComplaintStatus,
    EthnicGroup,
    Household,
    Level,
    Livelihood,
    MeetingOutcome,
    Member,
    MemberChange,
    PovertyCause,
    PovertyStandard,
    PublicPosting,
    Relation,
    ReviewAction,
    ReviewApplication,
    ReviewEvent,
    ReviewKind,
    ReviewRound,
    ReviewSettings,
    ReviewState,
    SupportNeed,
    VillageMeeting,
)
from .household_years import household_years_ensure, household_years_refresh
from .selectors import household_place_on, households_place_on, review_change_contexts
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


CITIZEN_ID_TAKEN = (
    "Số định danh {value} đã có trong sổ hộ, là của một nhân khẩu khác. Kiểm tra lại số; nếu đúng là người này đã "
    "chuyển đến từ hộ khác, ghi việc rời hộ ở hộ cũ trước (cán bộ huyện tra được số đang ở hộ nào)."
)


def _check_citizen_id(value: str | None, *, member_pk: int | None, field: str) -> str | None:
    if value in (None, ""):
        return None
    value = str(value).strip().replace(" ", "")
    if not CITIZEN_ID_RE.match(value):
        raise ValidationError({field: "Số định danh cá nhân phải gồm đúng 12 chữ số."})
    if Member.objects.filter(citizen_id=value).exclude(pk=member_pk).exists():
        # Not which household nor whose: the person may live in a commune the officer does not see.
        raise ValidationError({field: CITIZEN_ID_TAKEN.format(value=value)})
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
    members left out are removed (a correction; their history stays). A member who left the household (died,
    married out, moved away) is kept with `left_on` and `left_reason` (households.models.MemberChange), and one who
    joined it (a birth, a marriage) may carry `joined_on` and `joined_reason`: the household's members on any date
    are known. `version` is the version the user read: a newer
    saved version is refused with StaleVersion.
    """
    if household is not None and household.pk:
        locked = Household.objects.select_for_update().get(pk=household.pk)
        if version is not None and int(version) != locked.version:
            raise stale_version_error(obj=locked, noun=f"Hộ {locked.code}")
        household = locked
    else:
        household = Household()
    for field in ("code", "commune", "village", "address", "phone", "livelihood", "status"):
        if field in data:
            setattr(household, field, data[field])
    if household.livelihood not in ("", *Livelihood.values):
        raise ValidationError({"livelihood": "Nghề nghiệp chính không hợp lệ."})
    if not household.code or not str(household.code).strip():
        raise ValidationError({"code": "Chưa nhập mã hộ."})
    household.code = str(household.code).strip()
    if problem := household_code_error(household.code):
        raise ValidationError({"code": problem})
    if problem := phone_error(household.phone):
        raise ValidationError({"phone": problem})
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
    household_years_refresh(household_ids=[household.pk])
    return household


def next_household_code(village: AdministrativeUnit) -> str:
    """The next free code of a village's register: its code and the number after the highest one used there."""
    prefix = f"{village.code}-"
    numbers = [int(c[len(prefix):]) for c in Household.objects.filter(code__startswith=prefix).values_list("code", flat=True)
               if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


def _membership_dates(row: Mapping[str, Any], *, prefix: str, birth: dt.date | None, member: Member) -> dict[str, Any]:
    """The dates a person joined and left the household, checked: not in the future, not before birth, in order."""
    today = timezone.localdate()
    out: dict[str, Any] = {}
    for key, reason_key in (("joined_on", "joined_reason"), ("left_on", "left_reason")):
        if key not in row:
            continue
        day, reason = row.get(key), row.get(reason_key) or ""
        if day is not None and day > today:
            raise ValidationError({f"{prefix}.{key}": "Ngày không được sau ngày hôm nay."})
        if day is not None and birth is not None and day < birth:
            raise ValidationError({f"{prefix}.{key}": "Ngày không được trước ngày sinh."})
        if reason and reason not in MemberChange.values:
            raise ValidationError({f"{prefix}.{reason_key}": "Lý do không hợp lệ."})
        if key == "left_on" and day is not None and not reason:
            raise ValidationError({f"{prefix}.{reason_key}": "Chọn lý do rời hộ (chết, chuyển đi, kết hôn, …)."})
        out[key], out[reason_key] = day, (reason if day is not None else "")
    joined = out.get("joined_on", member.joined_on)
    left = out.get("left_on", member.left_on)
    if joined and left and left < joined:
        raise ValidationError({f"{prefix}.left_on": "Ngày rời hộ phải sau ngày vào hộ."})
    return out


def household_members_check(*, household: Household | None, members: list[dict[str, Any]]) -> list[tuple[Member, dict[str, Any]]]:
    """Check every member row at once and return each row's member and values to save; refuses with every error of
    every row (keys `members[i].field`), so a form shows them all in one round."""
    existing = {m.pk: m for m in household.members.all()} if household is not None and household.pk else {}
    errors: dict[str, list[str]] = {}
    checked: list[tuple[Member, dict[str, Any]]] = []
    seen_ids: set[str] = set()

    def refuse(exc: ValidationError) -> None:
        for key, msgs in exc.message_dict.items():
            errors.setdefault(key, []).extend(msgs)

    for index, row in enumerate(members):
        prefix = f"members[{index}]"
        pk = row.get("id")
        if pk and int(pk) not in existing:
            refuse(ValidationError({prefix: "Nhân khẩu này không thuộc hộ."}))
            continue
        member = existing.get(int(pk)) if pk else Member(household=household)
        name = nfc_line(row.get("full_name"))
        if not name:
            refuse(ValidationError({f"{prefix}.full_name": "Chưa nhập họ và tên."}))
        if row.get("sex") not in ("male", "female"):
            refuse(ValidationError({f"{prefix}.sex": "Giới tính phải là Nam hoặc Nữ."}))
        birth = row.get("birth_date")
        if birth and birth > timezone.localdate():
            refuse(ValidationError({f"{prefix}.birth_date": "Ngày sinh không được sau ngày hôm nay."}))
            birth = None
        citizen_id = None
        try:
            citizen_id = _check_citizen_id(row.get("citizen_id"), member_pk=member.pk, field=f"{prefix}.citizen_id")
        except ValidationError as exc:
            refuse(exc)
        if citizen_id and citizen_id in seen_ids:
            refuse(ValidationError({f"{prefix}.citizen_id": f"Số định danh {citizen_id} bị nhập hai lần trong hộ."}))
        if citizen_id:
            seen_ids.add(citizen_id)
        ethnic = row.get("ethnic_group")
        if ethnic is not None and not isinstance(ethnic, EthnicGroup):
            refuse(ValidationError({f"{prefix}.ethnic_group": "Dân tộc không hợp lệ."}))
        values = {
            "full_name": name,
            "sex": row.get("sex"),
            "birth_date": birth,
            "birth_year_only": bool(row.get("birth_year_only", False)),
            "citizen_id": citizen_id,
            "ethnic_group": ethnic,
            "relation": row.get("relation") or Relation.OTHER,
            "order": row.get("order", index),
        }
        try:
            values.update(_membership_dates(row, prefix=prefix, birth=birth, member=member))
        except ValidationError as exc:
            refuse(exc)
        checked.append((member, values))
    if errors:
        raise ValidationError(errors)
    return checked


def _save_members(*, household: Household, members: list[dict[str, Any]]) -> None:
    existing = {m.pk: m for m in household.members.all()}
    kept: set[int] = set()
    for member, values in household_members_check(household=household, members=members):
        changed = member.pk is None or any(getattr(member, k) != v for k, v in values.items())
        if changed:
            for k, v in values.items():
                setattr(member, k, v)
            member.household = household
            member.save()
        kept.add(member.pk)
    for pk, member in existing.items():
        if pk not in kept:
            member.delete()


# --- The annual review (Decision 24/2021/QĐ-TTg) ------------------------------------------------------------

MEMBER_FACTS = ("work", "disability_allowance", "health_insurance", "malnourished", "education", "in_training", "in_school", "can_work")
MEMBER_BOOL_FACTS = frozenset({"disability_allowance", "health_insurance", "malnourished", "in_training", "in_school", "can_work"})
DWELLING_FACTS = (
    "no_house", "walls_durable", "columns_durable", "roof_durable", "floor_area", "safe_water", "hygienic_latrine",
    "internet", "tv", "radio", "computer", "phone", "waste_treated",
)
# The periodic review runs from 1 September to 14 December (Decision 24/2021/QĐ-TTg Art. 3).
PERIODIC_WINDOW = ((9, 1), (12, 14))

# The steps of Decision 24/2021/QĐ-TTg Art. 4, one at a time: (from, to) → action. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (ReviewState.DRAFT, ReviewState.REVIEWED): ReviewAction.SUBMIT,
    (ReviewState.REVIEWED, ReviewState.DRAFT): ReviewAction.SEND_BACK,
    (ReviewState.REVIEWED, ReviewState.AGREED): ReviewAction.AGREE,
    (ReviewState.AGREED, ReviewState.POSTED): ReviewAction.POST,
    (ReviewState.POSTED, ReviewState.RECOGNISED): ReviewAction.RECOGNISE,
    (ReviewState.RECOGNISED, ReviewState.CONFIRMED): ReviewAction.CONFIRM,
    (ReviewState.RECOGNISED, ReviewState.DRAFT): ReviewAction.REOPEN,
    (ReviewState.CONFIRMED, ReviewState.DRAFT): ReviewAction.REOPEN,
}
# The district confirms the communes' lists and alone reopens a recognised review.
DISTRICT_ACTIONS = frozenset({ReviewAction.CONFIRM, ReviewAction.REOPEN})
STEP_ORDER = " → ".join(label for _, label in ReviewState.choices)


def in_periodic_window(day: dt.date) -> bool:
    (m1, d1), (m2, d2) = PERIODIC_WINDOW
    return (m1, d1) <= (day.month, day.day) <= (m2, d2)


def is_district_user(user: Any) -> bool:
    """District officers and administrators (the roles that confirm and reopen)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (getattr(user, "is_superuser", False) or getattr(user, "is_district_officer", False) or getattr(user, "is_admin_role", False))
    )


def review_standard(*, year: int) -> PovertyStandard:
    """The standard whose review years include `year`."""
    try:
        return PovertyStandard.objects.for_year(year)
    except PovertyStandard.DoesNotExist:
        raise ValidationError({"year": f"Chưa có chuẩn nghèo áp dụng cho năm rà soát {year}."}) from None


def _noun(review: AnnualReview) -> str:
    return f"Kết quả rà soát năm {review.year} của hộ {review.household.code}"


def _bool(value: Any) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "co", "có")
    return bool(value)


def review_facts(*, household: Household, facts: Mapping[str, Any] | None, on: dt.date) -> dict[str, Any]:
    """The facts as stored on a review: the registry's members on the review date (name, sex, birth date,
    relation) with the answers recorded for them, and the dwelling. Invalid answers are refused."""
    facts = facts or {}
    given = {str(m.get("id")): m for m in facts.get("members") or [] if m.get("id") not in (None, "")}
    members: list[dict[str, Any]] = []
    for m in household.members.order_by("order", "id"):
        if m.birth_date and m.birth_date > on:
            continue  # born after the review date
        row: dict[str, Any] = {
            "id": m.pk, "name": m.full_name, "sex": m.sex, "relation": m.relation,
            "birth_date": m.birth_date.isoformat() if m.birth_date else None,
        }
        answers = given.get(str(m.pk), {})
        for key in MEMBER_FACTS:
            value = answers.get(key)
            if value in (None, ""):
                continue
            field = f"facts.members.{m.pk}.{key}"
            if key in MEMBER_BOOL_FACTS:
                value = _bool(value)
            elif key == "work" and value not in poverty.WORK_LABELS:
                raise ValidationError({field: f"Tình trạng việc làm không hợp lệ: {value}."})
            elif key == "education" and value not in poverty.EDUCATION_LEVELS:
                raise ValidationError({field: f"Trình độ học vấn không hợp lệ: {value}."})
            row[key] = value
        members.append(row)
    dwelling: dict[str, Any] = {}
    for key, value in (facts.get("dwelling") or {}).items():
        if key not in DWELLING_FACTS or value in (None, ""):
            continue
        if key == "floor_area":
            try:
                value = round(float(str(value).replace(",", ".")), 1)
            except ValueError:
                raise ValidationError({"facts.dwelling.floor_area": "Diện tích nhà ở phải là một số (m²)."}) from None
            if value < 0 or value > 10000:
                raise ValidationError({"facts.dwelling.floor_area": "Diện tích nhà ở phải từ 0 đến 10.000 m²."})
        else:
            value = _bool(value)
        dwelling[key] = value
    return {"members": members, "dwelling": dwelling}


def _ethnic_minority(household: Household) -> bool:
    """An ethnic-minority household: its head or the head's spouse belongs to an ethnic minority (to confirm);
    a household with neither recorded counts when any member does."""
    members = household.members.all()
    core = members.filter(relation__in=(Relation.HEAD, Relation.SPOUSE))
    pool = core if core.exists() else members
    return pool.filter(ethnic_group__minority=True).exists()


def _check_version(review: AnnualReview, version: int | None) -> None:
    if version is not None and int(version) != review.version:
        raise stale_version_error(obj=review, noun=_noun(review))


def _check_editable(review: AnnualReview) -> None:
    if review.state in LOCKED_STATES:
        decision = f" (quyết định số {review.decision_number})" if review.decision_number else ""
        raise ValidationError(
            f"{_noun(review)} đã được Chủ tịch UBND xã công nhận{decision}: muốn sửa, Phòng Lao động - TB&XH huyện "
            "phải mở lại kết quả và ghi lý do.",
            code="locked",
        )
    if review.state in (ReviewState.AGREED, ReviewState.POSTED) and not review.complaints.filter(status=ComplaintStatus.OPEN).exists():
        raise ValidationError(
            f"{_noun(review)} đã được họp thôn thống nhất: chỉ sửa khi phúc tra một khiếu nại, phản ánh "
            "(ghi nhận khiếu nại trước khi sửa).",
            code="agreed",
        )


def _round_for(*, commune: AdministrativeUnit, year: int, started_on: dt.date | None = None) -> ReviewRound:
    rnd, _ = ReviewRound.objects.get_or_create(commune=commune, year=year, defaults={"started_on": started_on})
    return rnd


def _codes_to(model: type, values: Iterable[Any] | None, field: str) -> list[Any] | None:
    if values is None:
        return None
    items = list(values)
    objs = [v for v in items if isinstance(v, model)]
    codes = [str(v) for v in items if not isinstance(v, model)]
    found = {o.code: o for o in model.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({field: f"Mã không có trong danh mục: {', '.join(unknown)}."})
    return objs + [found[c] for c in codes]


def _apply_classification(review: AnnualReview, rules: poverty.Standard, context: Mapping[str, Any]) -> poverty.Classification:
    """Classify under the standard and name the change from last year's lists (`review_change_contexts`)."""
    deprived = [code for code in rules.indicators if (review.indicators.get(code) or {}).get("deprived")]
    result = poverty.classify(rules, area=review.area, income_per_capita_month=review.income_per_capita_month, deprivations=deprived)
    earlier = {y: c for y, c in context["history"].items() if y < review.year}
    review.classification = result.category
    review.deprivation_count = result.deprivation_count
    review.deprivation_mask = poverty.deprivation_mask(rules, result.deprived)
    review.reasons = list(result.reasons)
    review.previous_classification = earlier[max(earlier)] if earlier else ""
    review.change = poverty.change(result.category, year=review.year, **context)
    return result


def _refresh_later_changes(*, household_id: int, year: int, user: Any) -> None:
    """A saved review changes the history the later years' changes are computed from."""
    later = list(AnnualReview.objects.filter(household_id=household_id, year__gt=year).order_by("year"))
    if not later:
        return
    for r in later:
        context = review_change_contexts(household_ids=[household_id], year=r.year)[household_id]
        earlier = {y: c for y, c in context["history"].items() if y < r.year}
        change = poverty.change(r.classification, year=r.year, **context)
        previous = earlier[max(earlier)] if earlier else ""
        if (change, previous) != (r.change, r.previous_classification):
            r.change, r.previous_classification = change, previous
            r._history_user = user
            r._change_reason = f"Tính lại biến động sau khi sửa kết quả năm {year}"
            r.save(update_fields=["change", "previous_classification", "updated_at"])


def _event(review: AnnualReview, action: str, from_state: str, user: Any, note: str = "") -> ReviewEvent:
    return ReviewEvent.objects.create(
        review=review, action=action, from_state=from_state, to_state=review.state,
        by=user if getattr(user, "pk", None) else None, note=note,
    )


def _link_application(review: AnnualReview) -> None:
    ReviewApplication.objects.filter(
        household_id=review.household_id, year=review.year, review__isnull=True,
        status__in=(ApplicationStatus.RECEIVED, ApplicationStatus.REVIEWING),
    ).update(review=review, status=ApplicationStatus.REVIEWING)


@dataclass
class _ReviewReads:
    """What saving reviews of one year reads besides what the officer entered, fetched once for one review or for
    ten thousand (the review import), so that both go through the same rules with a fixed number of queries."""

    year: int
    standard: PovertyStandard
    rules: poverty.Standard
    households: dict[int, Household]
    existing: dict[int, AnnualReview]  # household id → its review of the year (locked)
    history: dict[int, dict[int, str]]  # household id → {other year: classification}
    contexts: dict[int, dict[str, Any]]  # household id → what `poverty.change` needs (`review_change_contexts`)
    minority: dict[int, bool]
    member_counts: dict[int, int]
    applying: set[int]  # households with an open application this year
    unlinked: set[int]  # … not yet linked to a review
    open_complaints: set[int]  # review ids
    lists: dict[type, dict[str, Any]]
    places: dict[tuple[int, dt.date], tuple[AdministrativeUnit, AdministrativeUnit | None]] = dataclass_field(default_factory=dict)
    rounds: dict[int, ReviewRound] = dataclass_field(default_factory=dict)

    def place(self, household: Household, on: dt.date) -> tuple[AdministrativeUnit, AdministrativeUnit | None]:
        """`household_place_on`, computed for every household of the batch at once for each review date."""
        if (household.pk, on) not in self.places:
            ids = list(self.households)
            found = households_place_on(household_ids=ids, on=on)
            units = AdministrativeUnit.objects.in_bulk({u for pair in found.values() for u in pair if u})
            for hh_id, (commune_id, village_id) in found.items():
                self.places[(hh_id, on)] = (units[commune_id], units.get(village_id) if village_id else None)
        return self.places[(household.pk, on)]

    def round_for(self, commune: AdministrativeUnit, started_on: dt.date) -> ReviewRound:
        if commune.pk not in self.rounds:
            self.rounds[commune.pk] = _round_for(commune=commune, year=self.year, started_on=started_on)
        return self.rounds[commune.pk]


def _in_chunks(ids: Iterable[int], size: int = 900):
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _review_reads(*, year: int, household_ids: Iterable[int]) -> _ReviewReads:
    ids = sorted(set(household_ids))
    standard = review_standard(year=year)
    households: dict[int, Household] = {}
    existing: dict[int, AnnualReview] = {}
    members: dict[int, list[tuple[str, bool]]] = {}
    applying: set[int] = set()
    unlinked: set[int] = set()
    open_statuses = (ApplicationStatus.RECEIVED, ApplicationStatus.REVIEWING)
    for chunk in _in_chunks(ids):
        households.update((h.pk, h) for h in Household.objects.select_for_update().filter(pk__in=chunk))
        existing.update((r.household_id, r) for r in AnnualReview.objects.select_for_update().filter(household_id__in=chunk, year=year))
        for hh_id, relation, minority in Member.objects.filter(household_id__in=chunk).values_list(
                "household_id", "relation", "ethnic_group__minority"):
            members.setdefault(hh_id, []).append((relation, bool(minority)))
        for hh_id, linked in ReviewApplication.objects.filter(household_id__in=chunk, year=year, status__in=open_statuses).values_list(
                "household_id", "review_id"):
            applying.add(hh_id)
            if linked is None:
                unlinked.add(hh_id)
    open_complaints: set[int] = set()
    for chunk in _in_chunks(r.pk for r in existing.values() if r.state in (ReviewState.AGREED, ReviewState.POSTED)):
        open_complaints.update(Complaint.objects.filter(review_id__in=chunk, status=ComplaintStatus.OPEN).values_list("review_id", flat=True))

    def minority_of(rows: list[tuple[str, bool]]) -> bool:
        # _ethnic_minority: the head or the head's spouse; any member when neither is recorded.
        core = [m for r, m in rows if r in (Relation.HEAD, Relation.SPOUSE)]
        return any(core if core else [m for _r, m in rows])

    contexts = review_change_contexts(household_ids=ids, year=year)
    return _ReviewReads(
        year=year, standard=standard, rules=standard.to_rules(), households=households, existing=existing,
        history={hh: c["history"] for hh, c in contexts.items() if c["history"]}, contexts=contexts, minority={hh: minority_of(rows) for hh, rows in members.items()},
        member_counts={hh: len(rows) for hh, rows in members.items()}, applying=applying, unlinked=unlinked,
        open_complaints=open_complaints,
        lists={model: {o.code: o for o in model.objects.all()} for model in (PovertyCause, SupportNeed)},
    )


def _codes_in(reads: _ReviewReads, model: type, values: Iterable[Any] | None, field_name: str) -> list[Any] | None:
    """`_codes_to` against the lists read once."""
    if values is None:
        return None
    items = list(values)
    known = reads.lists[model]
    unknown = [str(v) for v in items if not isinstance(v, model) and str(v) not in known]
    if unknown:
        raise ValidationError({field_name: f"Mã không có trong danh mục: {', '.join(unknown)}."})
    return [v for v in items if isinstance(v, model)] + [known[str(v)] for v in items if not isinstance(v, model)]


@dataclass
class _BuiltReview:
    review: AnnualReview
    creating: bool
    causes: list[Any] | None
    needs: list[Any] | None


def _review_build(
    reads: _ReviewReads,
    *,
    household: Household,
    year: int,
    user: Any = None,
    review_date: dt.date | None = None,
    income_total_12m: int | None = None,
    income_per_capita_month: int | None = None,
    member_count: int | None = None,
    facts: Mapping[str, Any] | None = None,
    deprivations: Iterable[str] | None = None,
    override_reasons: Mapping[str, str] | None = None,
    causes: Iterable[Any] | None = None,
    needs: Iterable[Any] | None = None,
    no_working_capacity: bool | None = None,
    person_of_merit: bool | None = None,
    livelihood: str | None = None,
    notes: str | None = None,
    kind: str | None = None,
    version: int | None = None,
) -> _BuiltReview:
    """The rules of `review_save`, applied in memory: the review as it is to be written, or ValidationError."""
    household = reads.households[household.pk]
    review = reads.existing.get(household.pk)
    creating = review is None
    if review is not None:
        _check_version(review, version)
        if review.state in LOCKED_STATES or review.pk not in reads.open_complaints:
            _check_editable(review)
    today = timezone.localdate()
    if review_date is None:
        review_date = review.review_date if review is not None else (today if today.year == year else dt.date(year, 12, 1))
    if review_date.year != year:
        raise ValidationError({"review_date": f"Ngày rà soát phải thuộc năm {year}."})
    if review_date > today:
        raise ValidationError({"review_date": "Ngày rà soát không được sau ngày hôm nay."})
    standard, rules = reads.standard, reads.rules
    commune, village = reads.place(household, review_date)
    if review is None:
        review = AnnualReview(household=household, year=year, created_by=user if getattr(user, "pk", None) else None)
    review.review_date = review_date
    review.standard = standard
    review.commune = commune
    review.village = village
    review.area = commune.area
    review.ethnic_minority = reads.minority.get(household.pk, False)
    if kind is None and creating:
        open_application = household.pk in reads.applying
        kind = ReviewKind.REGULAR if open_application and not in_periodic_window(review_date) else ReviewKind.PERIODIC
    if kind is not None:
        if kind not in ReviewKind.values:
            raise ValidationError({"kind": "Loại rà soát không hợp lệ."})
        review.kind = kind

    # Facts and indicators.
    if facts is not None:
        stored = review_facts(household=household, facts=facts, on=review_date) if facts else {}
    else:
        stored = review.facts or {}
    review.facts = stored
    derived = poverty.derive_indicators(rules, facts=stored, on=review_date) if stored else {}
    reasons = {c: (v or {}).get("reason", "") for c, v in (review.indicators or {}).items()}
    reasons.update({str(k): v for k, v in (override_reasons or {}).items()})
    if deprivations is not None:
        ticked = {str(c) for c in deprivations}
        unknown = ticked - set(rules.indicators)
        if unknown:
            raise ValidationError({"deprivations": f"Chỉ số không thuộc chuẩn {standard.code}: {', '.join(sorted(unknown))}."})
        entered: dict[str, bool] | None = {code: code in ticked for code in rules.indicators}
    else:
        # Keep what the officer entered or overrode; follow the facts where the value was derived.
        entered = {c: bool(v.get("deprived")) for c, v in (review.indicators or {}).items() if v.get("source") != poverty.DERIVED}
    values, missing = poverty.resolve_indicators(rules, derived, entered, reasons)
    if missing:
        raise ValidationError({
            f"indicators.{code}": (
                f"Chỉ số {code} ({rules.indicators[code]}): theo thông tin hộ là "
                f"«{'thiếu hụt' if derived[code].deprived else 'không thiếu hụt'}» ({derived[code].explanation}) "
                "Muốn ghi khác phải nêu lý do."
            )
            for code in missing
        })
    review.indicators = {code: v.as_json() for code, v in values.items()}

    # Members and income (Decision 24: total income of the last 12 months ÷ members ÷ 12).
    if member_count is None:
        member_count = len(stored.get("members") or []) or review.member_count or reads.member_counts.get(household.pk, 0)
    if not member_count or int(member_count) < 1:
        raise ValidationError({"member_count": "Hộ phải có ít nhất một nhân khẩu."})
    review.member_count = int(member_count)
    if income_total_12m is not None:
        if int(income_total_12m) < 0:
            raise ValidationError({"income_total_12m": "Tổng thu nhập không được âm."})
        review.income_total_12m = int(income_total_12m)
        review.income_per_capita_month = poverty.income_per_capita_month(review.income_total_12m, review.member_count)
    elif income_per_capita_month is not None:
        if int(income_per_capita_month) < 0:
            raise ValidationError({"income_per_capita_month": "Thu nhập bình quân không được âm."})
        review.income_total_12m = None
        review.income_per_capita_month = int(income_per_capita_month)
    elif review.income_total_12m is not None:
        review.income_per_capita_month = poverty.income_per_capita_month(review.income_total_12m, review.member_count)
    elif creating:
        raise ValidationError({"income_total_12m": "Chưa nhập thu nhập của hộ."})

    _apply_classification(review, rules, reads.contexts[household.pk])
    if no_working_capacity is None and stored:
        no_working_capacity = poverty.no_working_capacity(stored, review_date)
    if no_working_capacity is not None:
        review.no_working_capacity = bool(no_working_capacity)
    if person_of_merit is not None:
        review.person_of_merit = bool(person_of_merit)
    # The household's livelihood on the day: as entered, else the registry's (a new review) or the one kept.
    if livelihood is not None:
        if livelihood not in ("", *Livelihood.values):
            raise ValidationError({"livelihood": "Nghề nghiệp chính không hợp lệ."})
        review.livelihood = livelihood
    elif creating or not review.livelihood:
        review.livelihood = household.livelihood
    if notes is not None:
        review.notes = nfc_line(notes) if "\n" not in notes else notes.strip()
    review.round = reads.round_for(commune, review_date)
    review.updated_by = user if getattr(user, "pk", None) else None
    if not creating:
        review.version += 1  # the row is locked (select_for_update), so this cannot race
    review._history_user = review.updated_by
    return _BuiltReview(review, creating, _codes_in(reads, PovertyCause, causes, "causes"),
                        _codes_in(reads, SupportNeed, needs, "needs"))


_REVIEW_FIELDS = [f.attname for f in AnnualReview._meta.concrete_fields if not f.primary_key]


def _review_write(reads: _ReviewReads, built: list[_BuiltReview], *, user: Any) -> None:
    """Write what `_review_build` made: the rows, causes and needs, one history record each (with its causes and
    needs, as simple-history keeps them), the creation events, the links to open applications, and the changes
    of later years computed from this one. Bulk statements, so the cost does not grow per query with the rows."""
    new = [b.review for b in built if b.creating]
    changed = [b.review for b in built if not b.creating]
    now = timezone.now()
    try:
        with transaction.atomic():
            AnnualReview.objects.bulk_create(new, batch_size=500)
    except IntegrityError as exc:  # someone created one of these reviews a moment ago
        codes = ", ".join(sorted(r.household.code for r in new))
        raise StaleVersion(
            f"Hộ {codes} vừa được người khác tạo kết quả rà soát năm {reads.year}. Tải lại trang để xem.",
        ) from exc
    for review in changed:
        review.updated_at = now  # bulk_update does not run auto_now
    AnnualReview.objects.bulk_update(changed, [f for f in _REVIEW_FIELDS if f not in ("created_at", "created_by_id")], batch_size=500)

    m2m: dict[str, tuple[Any, str]] = {}
    for name, chosen in (("causes", lambda b: b.causes), ("needs", lambda b: b.needs)):
        manager_field = AnnualReview._meta.get_field(name)
        through = manager_field.remote_field.through
        target = manager_field.m2m_reverse_field_name()
        source = manager_field.m2m_field_name()
        touched = [b for b in built if chosen(b) is not None]
        for chunk in _in_chunks(b.review.pk for b in touched if not b.creating):
            through.objects.filter(**{f"{source}_id__in": chunk}).delete()
        through.objects.bulk_create(
            [through(**{f"{source}_id": b.review.pk, f"{target}_id": item.pk}) for b in touched for item in dict.fromkeys(chosen(b))],
            batch_size=500,
        )
        m2m[name] = (through, source, target)

    # History: one record per review, and its causes and needs as they now stand.
    records = []
    for rows, update in ((new, False), (changed, True)):
        if rows:
            records += AnnualReview.history.bulk_history_create(rows, update=update, default_date=now, batch_size=500)
    by_review = {h.id: h for h in records}
    for name, (through, source, target) in m2m.items():
        history_model = REVIEW_HISTORY.m2m_models[AnnualReview._meta.get_field(name)]
        rows = []
        for chunk in _in_chunks(by_review):
            for row_id, review_id, target_id in through.objects.filter(**{f"{source}_id__in": chunk}).values_list(
                    "id", f"{source}_id", f"{target}_id"):
                rows.append(history_model(history=by_review[review_id], id=row_id,
                                          **{f"{source}_id": review_id, f"{target}_id": target_id}))
        history_model.objects.bulk_create(rows, batch_size=500)

    by = user if getattr(user, "pk", None) else None
    ReviewEvent.objects.bulk_create(
        [ReviewEvent(review=r, action=ReviewAction.CREATE, from_state="", to_state=r.state, by=by, note="") for r in new],
        batch_size=500,
    )
    for review in new + changed:
        if review.household_id in reads.unlinked:
            _link_application(review)
        if any(y > reads.year for y in reads.history.get(review.household_id, {})):
            _refresh_later_changes(household_id=review.household_id, year=reads.year, user=review.updated_by)
    household_years_ensure(year=reads.year)
    household_years_refresh(household_ids=[r.household_id for r in new + changed])


@transaction.atomic
def review_save(*, household: Household, year: int, **entered: Any) -> AnnualReview:
    """Create or update a household's review of `year`; classification and change are computed, never typed.

    Arguments (keyword): user, review_date, income_total_12m, income_per_capita_month, member_count, facts,
    deprivations, override_reasons, causes, needs, no_working_capacity, person_of_merit, livelihood (default: the
    household's), notes, kind, version.

    - The standard is the one whose review years include `year`; the commune, village, area (which income line)
      and ethnic-minority flag are those on the review date (`household_place_on`).
    - `facts` (member and dwelling answers) derive the indicators they settle; `deprivations` are the indicator
      codes the officer ticked (None keeps what was entered before, and follows the facts where they settle
      it). Ticking against a derived value needs a reason in `override_reasons`.
    - Income: the 12-month total (per person per month computed, rounded up) or the per-person figure directly.
    - `version` is the version the user read: a newer saved version is refused (StaleVersion names who saved it).
    - A recognised review is locked; one agreed at the village meeting changes only while a complaint is open.
    """
    reads = _review_reads(year=year, household_ids=[household.pk])
    if household.pk not in reads.households:
        raise ValidationError({"household": "Không tìm thấy hộ gia đình."})
    built = _review_build(reads, household=household, year=year, **entered)
    _review_write(reads, [built], user=entered.get("user"))
    return built.review


class ReviewsRefused(Exception):
    """`reviews_save_many` wrote nothing: `errors` maps the index of each refused item to its ValidationError."""

    def __init__(self, errors: dict[int, ValidationError]):
        super().__init__(f"{len(errors)} kết quả rà soát không hợp lệ")
        self.errors = errors


@transaction.atomic
def reviews_save_many(
    *, year: int, items: list[dict[str, Any]], user: Any = None, progress: Callable[[int, int], None] | None = None,
) -> list[AnnualReview]:
    """`review_save` for many households of one year at once (the review import): each item holds the arguments
    of `review_save` (`household` and what was entered). The same rules, checked for every item first; any
    refusal writes nothing and raises ReviewsRefused with every item's error."""
    reads = _review_reads(year=year, household_ids=[item["household"].pk for item in items])
    built: list[_BuiltReview] = []
    errors: dict[int, ValidationError] = {}
    seen: set[int] = set()
    for index, item in enumerate(items):
        if progress is not None and index % 500 == 0:
            progress(index, len(items))
        entered = dict(item)
        household = entered.pop("household")
        try:
            if household.pk not in reads.households:
                raise ValidationError({"household": "Không tìm thấy hộ gia đình."})
            if household.pk in seen:
                raise ValidationError({"household": f"Hộ {household.code} có hai kết quả rà soát năm {year} trong cùng lần ghi."})
            seen.add(household.pk)
            built.append(_review_build(reads, household=household, year=year, user=user, **entered))
        except ValidationError as exc:
            errors[index] = exc
    if errors:
        raise ReviewsRefused(errors)
    _review_write(reads, built, user=user)
    return [b.review for b in built]


def _move(review: AnnualReview, to_state: str, action: str, user: Any, note: str = "") -> AnnualReview:
    from_state = review.state
    review.state = to_state
    review.version += 1
    review.updated_by = user if getattr(user, "pk", None) else None
    review._history_user = review.updated_by
    review._change_reason = ReviewAction(action).label
    review.save()
    _event(review, action, from_state, user, note)
    return review


@transaction.atomic
def review_transition(
    *,
    review: AnnualReview,
    to_state: str,
    user: Any,
    note: str = "",
    version: int | None = None,
    meeting: VillageMeeting | None = None,
    posting: PublicPosting | None = None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
) -> AnnualReview:
    """Move a review one step along Decision 24/2021/QĐ-TTg (Art. 4): draft → reviewed → agreed at the village
    meeting → posted → recognised by the commune chairman → confirmed by the district. A step cannot be
    skipped; the district alone confirms and reopens (with a reason) a recognised review."""
    from django.core.exceptions import PermissionDenied

    review = AnnualReview.objects.select_for_update(of=("self",)).select_related("household").get(pk=review.pk)
    _check_version(review, version)
    if to_state not in ReviewState.values:
        raise ValidationError({"state": f"Trạng thái không hợp lệ: {to_state}."})
    action = TRANSITIONS.get((review.state, to_state))
    if action is None:
        raise ValidationError(
            f"Không thể chuyển {_noun(review).lower()} từ «{ReviewState(review.state).label}» sang "
            f"«{ReviewState(to_state).label}»: các bước phải đi lần lượt ({STEP_ORDER}).",
            code="invalid_transition",
        )
    if action in DISTRICT_ACTIONS and not is_district_user(user):
        verb = "xác nhận" if action == ReviewAction.CONFIRM else "mở lại"
        raise PermissionDenied(f"Chỉ Phòng Lao động - TB&XH huyện được {verb} kết quả rà soát đã công nhận.")
    note = (note or "").strip()
    if action == ReviewAction.SEND_BACK and meeting is not None:
        if meeting.outcome != MeetingOutcome.REDO:
            raise ValidationError("Cuộc họp này đã thống nhất kết quả, không trả lại.")
        action = ReviewAction.REDO
    if action == ReviewAction.AGREE:
        if meeting is None or meeting.outcome != MeetingOutcome.AGREED:
            raise ValidationError("Chỉ họp thôn (từ 50 % người dự họp đồng ý trở lên) mới thống nhất được kết quả rà soát.")
        if meeting.round_id != review.round_id or meeting.village_id != review.village_id:
            raise ValidationError("Cuộc họp này không phải của thôn và đợt rà soát của hộ.")
        review.meeting = meeting
    if action == ReviewAction.POST:
        if posting is None:
            raise ValidationError("Chưa ghi nhận việc niêm yết công khai của thôn.")
        if posting.round_id != review.round_id or posting.village_id != review.village_id:
            raise ValidationError("Lần niêm yết này không phải của thôn và đợt rà soát của hộ.")
        review.posting = posting
    if action == ReviewAction.RECOGNISE:
        number = nfc_line(decision_number)
        if not number or decision_date is None:
            raise ValidationError({"decision_number": "Phải ghi số và ngày quyết định công nhận của Chủ tịch UBND xã."})
        if review.complaints.filter(status=ComplaintStatus.OPEN).exists():
            raise ValidationError(f"{_noun(review)} còn khiếu nại, phản ánh chưa phúc tra xong.")
        if review.posting is not None and decision_date <= review.posting.posted_until:
            raise ValidationError(
                {"decision_date": f"Chưa hết thời gian niêm yết (đến hết ngày {review.posting.posted_until:%d/%m/%Y})."}
            )
        review.decision_number, review.decision_date = number, decision_date
    if action == ReviewAction.REOPEN:
        if not note:
            raise ValidationError({"note": "Phải ghi lý do mở lại kết quả rà soát đã công nhận."})
        review.decision_number, review.decision_date = "", None
        review.meeting, review.posting = None, None
    if action in (ReviewAction.SEND_BACK, ReviewAction.REDO):
        review.meeting = meeting if action == ReviewAction.REDO else None
    was_official = review.is_official
    review = _move(review, to_state, action, user, note)
    if review.is_official != was_official:
        household_years_refresh(household_ids=[review.household_id])
    return review


def review_reopen(*, review: AnnualReview, user: Any, reason: str, version: int | None = None) -> AnnualReview:
    """The district reopens a recognised (or confirmed) review, with a reason that is kept."""
    return review_transition(review=review, to_state=ReviewState.DRAFT, user=user, note=reason, version=version)


def _village_in_round(*, commune: AdministrativeUnit, year: int, village: AdministrativeUnit) -> ReviewRound:
    rnd = ReviewRound.objects.filter(commune=commune, year=year).first()
    if rnd is None or not AnnualReview.objects.filter(round=rnd, village=village).exists():
        raise ValidationError({"village": f"{village.name} chưa có phiếu rà soát nào của {commune.name} năm {year}."})
    return rnd


@transaction.atomic
def village_meeting_record(
    *,
    commune: AdministrativeUnit,
    year: int,
    village: AdministrativeUnit,
    held_on: dt.date,
    attendance: int,
    agreeing: int,
    user: Any,
    chaired_by: str = "",
    minutes_note: str = "",
) -> VillageMeeting:
    """Record the village meeting (Decision 24/2021/QĐ-TTg Art. 4.3). With at least 50 % of those present
    agreeing, the village's completed reviews are agreed; below that they go back to the survey (step 2)."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "Ngày họp không được sau ngày hôm nay."})
    try:
        attendance, agreeing = int(attendance), int(agreeing)
        agrees = poverty.meeting_agrees(attendance=attendance, agreeing=agreeing)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"agreeing": str(exc) or "Số người không hợp lệ."}) from None
    rnd = _village_in_round(commune=commune, year=year, village=village)
    reviews = list(
        AnnualReview.objects.select_for_update(of=("self",)).select_related("household")
        .filter(round=rnd, village=village, state=ReviewState.REVIEWED).order_by("household__code")
    )
    if not reviews:
        raise ValidationError("Thôn chưa có phiếu rà soát nào đã hoàn thành (chờ họp thôn) để đưa ra cuộc họp.")
    meeting = VillageMeeting.objects.create(
        round=rnd, village=village, held_on=held_on, chaired_by=nfc_line(chaired_by) or "", attendance=attendance,
        agreeing=agreeing, outcome=MeetingOutcome.AGREED if agrees else MeetingOutcome.REDO, review_count=len(reviews),
        minutes_note=minutes_note or "", recorded_by=user if getattr(user, "pk", None) else None,
    )
    share = f"{agreeing}/{attendance} người dự họp đồng ý ({100 * agreeing / attendance:.1f} %)".replace(".", ",")
    for review in reviews:
        if agrees:
            review.meeting = meeting
            _move(review, ReviewState.AGREED, ReviewAction.AGREE, user, f"Họp thôn ngày {held_on:%d/%m/%Y}: {share}.")
        else:
            review.meeting = meeting
            _move(
                review, ReviewState.DRAFT, ReviewAction.REDO, user,
                f"Họp thôn ngày {held_on:%d/%m/%Y}: chỉ {share}, dưới 50 %: rà soát lại (Quyết định 24/2021/QĐ-TTg, Điều 4).",
            )
    return meeting


def meeting_correctable(meeting: VillageMeeting, *, today: dt.date | None = None) -> bool:
    """A meeting record may be corrected on the day it was recorded (a typing mistake), not later: after that the
    minutes stand and a new meeting is held."""
    return timezone.localdate(meeting.recorded_at) == (today or timezone.localdate())


@transaction.atomic
def village_meeting_correct(
    *,
    meeting: VillageMeeting,
    attendance: int,
    agreeing: int,
    reason: str,
    user: Any,
    chaired_by: str | None = None,
    minutes_note: str | None = None,
) -> VillageMeeting:
    """Correct a mistyped village meeting record on the day it was recorded, with the reason kept beside the
    figures it replaces (`VillageMeeting.corrections`). When the outcome changes, the reviews the meeting
    decided follow it (agreed ↔ back to the survey, Decision 24/2021/QĐ-TTg Art. 4.3), as long as none of
    them has moved on since."""
    meeting = VillageMeeting.objects.select_for_update().select_related("round").get(pk=meeting.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Phải ghi lý do sửa biên bản họp."})
    if not meeting_correctable(meeting):
        raise ValidationError(
            f"Chỉ sửa được biên bản họp trong ngày ghi ({timezone.localdate(meeting.recorded_at):%d/%m/%Y}); "
            "sau đó phải tổ chức họp lại."
        )
    try:
        attendance, agreeing = int(attendance), int(agreeing)
        agrees = poverty.meeting_agrees(attendance=attendance, agreeing=agreeing)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"agreeing": str(exc) or "Số người không hợp lệ."}) from None
    outcome = MeetingOutcome.AGREED if agrees else MeetingOutcome.REDO
    left_in = ReviewState.AGREED if meeting.outcome == MeetingOutcome.AGREED else ReviewState.DRAFT
    reviews = list(
        AnnualReview.objects.select_for_update(of=("self",)).select_related("household")
        .filter(meeting=meeting).order_by("household__code")
    )
    moved = [r.household.code for r in reviews if r.state != left_in]
    if outcome != meeting.outcome and moved:
        raise ValidationError(
            f"Không sửa được kết quả họp: {len(moved)} phiếu đã sang bước khác sau cuộc họp "
            f"(hộ {', '.join(moved[:5])}{'…' if len(moved) > 5 else ''})."
        )
    meeting.corrections = [*meeting.corrections, {
        "at": timezone.now().isoformat(timespec="seconds"),
        "by": getattr(user, "display_name", "") or getattr(user, "username", ""),
        "reason": reason,
        "before": {"attendance": meeting.attendance, "agreeing": meeting.agreeing, "outcome": meeting.outcome,
                   "chaired_by": meeting.chaired_by},
    }]
    share = f"{agreeing}/{attendance} người dự họp đồng ý ({100 * agreeing / attendance:.1f} %)".replace(".", ",")
    note = f"Sửa biên bản họp thôn ngày {meeting.held_on:%d/%m/%Y} ({reason}): {share}."
    if outcome != meeting.outcome:
        for review in reviews:
            if agrees:
                _move(review, ReviewState.AGREED, ReviewAction.AGREE, user, note)
            else:
                _move(review, ReviewState.DRAFT, ReviewAction.REDO, user, note + " Dưới 50 %: rà soát lại.")
    meeting.attendance, meeting.agreeing, meeting.outcome = attendance, agreeing, outcome
    if chaired_by is not None:
        meeting.chaired_by = nfc_line(chaired_by) or ""
    if minutes_note is not None:
        meeting.minutes_note = minutes_note
    meeting.save()
    return meeting


# The two steps an officer takes for a whole village at once from the board: every review of the village in the
# first state moves to the second, one by one through review_transition (its rules and history stay).
VILLAGE_BULK = {
    "submit": (ReviewState.DRAFT, ReviewState.REVIEWED),
    "send_back": (ReviewState.REVIEWED, ReviewState.DRAFT),
}


@transaction.atomic
def village_reviews_bulk(
    *, commune: AdministrativeUnit, year: int, village: AdministrativeUnit, action: str, user: Any, note: str = ""
) -> int:
    """Complete the survey of every review of a village still being surveyed ("submit"), or send every review
    waiting for the village meeting back to the survey ("send_back"). Returns how many moved."""
    if action not in VILLAGE_BULK:
        raise ValidationError({"action": f"Thao tác không hợp lệ: {action}."})
    source, target = VILLAGE_BULK[action]
    rnd = _village_in_round(commune=commune, year=year, village=village)
    reviews = list(AnnualReview.objects.filter(round=rnd, village=village, state=source).order_by("household__code"))
    if not reviews:
        raise ValidationError(f"{village.name} không còn phiếu nào ở bước «{ReviewState(source).label}».")
    for review in reviews:
        review_transition(review=review, to_state=target, user=user, note=note)
    return len(reviews)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` working days starting on `start` (Saturdays and Sundays skipped;
    public holidays are not known to the system)."""
    day = start
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    counted = 1
    while counted < max(1, days):
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


@transaction.atomic
def posting_record(
    *,
    commune: AdministrativeUnit,
    year: int,
    village: AdministrativeUnit,
    posted_from: dt.date,
    user: Any,
    posted_until: dt.date | None = None,
    place: str = "",
) -> PublicPosting:
    """Record the public posting of a village's agreed results (Decision 24/2021/QĐ-TTg Art. 4.4); the agreed
    reviews become posted. The period defaults to the working days set in ReviewSettings (about 3, to confirm)."""
    if posted_from > timezone.localdate():
        raise ValidationError({"posted_from": "Ngày niêm yết không được sau ngày hôm nay."})
    posted_until = posted_until or add_working_days(posted_from, ReviewSettings.current().posting_working_days)
    if posted_until < posted_from:
        raise ValidationError({"posted_until": "Ngày kết thúc niêm yết phải sau ngày bắt đầu."})
    rnd = _village_in_round(commune=commune, year=year, village=village)
    reviews = list(
        AnnualReview.objects.select_for_update(of=("self",)).select_related("household", "meeting")
        .filter(round=rnd, village=village, state=ReviewState.AGREED).order_by("household__code")
    )
    if not reviews:
        raise ValidationError("Thôn chưa có kết quả nào đã được họp thôn thống nhất để niêm yết.")
    if any(r.meeting and r.meeting.held_on > posted_from for r in reviews):
        raise ValidationError({"posted_from": "Ngày niêm yết phải từ ngày họp thôn trở đi."})
    posting = PublicPosting.objects.create(
        round=rnd, village=village, posted_from=posted_from, posted_until=posted_until,
        place=nfc_line(place) or PublicPosting._meta.get_field("place").default, review_count=len(reviews),
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    for review in reviews:
        review.posting = posting
        _move(review, ReviewState.POSTED, ReviewAction.POST, user, f"Niêm yết từ {posted_from:%d/%m/%Y} đến {posted_until:%d/%m/%Y}.")
    return posting


@transaction.atomic
def round_recognise(
    *, commune: AdministrativeUnit, year: int, decision_number: str, decision_date: dt.date, user: Any
) -> tuple[ReviewRound, int, list[str]]:
    """The commune chairman recognises the lists (Decision 24/2021/QĐ-TTg Art. 4.5): every posted review whose
    posting has ended and that has no open complaint. Returns the round, how many were recognised, and why
    others were left."""
    number = nfc_line(decision_number)
    if not number or decision_date is None:
        raise ValidationError({"decision_number": "Phải ghi số và ngày quyết định công nhận của Chủ tịch UBND xã."})
    if decision_date > timezone.localdate():
        raise ValidationError({"decision_date": "Ngày quyết định không được sau ngày hôm nay."})
    rnd = ReviewRound.objects.select_for_update().filter(commune=commune, year=year).first()
    if rnd is None:
        raise ValidationError(f"{commune.name} chưa có đợt rà soát năm {year}.")
    reviews = list(
        AnnualReview.objects.select_for_update(of=("self",)).select_related("household", "posting")
        .filter(round=rnd, state=ReviewState.POSTED).order_by("household__code")
    )
    complained = set(Complaint.objects.filter(review__in=reviews, status=ComplaintStatus.OPEN).values_list("review_id", flat=True))
    done, left = 0, []
    for review in reviews:
        if review.pk in complained:
            left.append(f"Hộ {review.household.code}: còn khiếu nại chưa phúc tra xong.")
            continue
        if review.posting is not None and decision_date <= review.posting.posted_until:
            left.append(f"Hộ {review.household.code}: chưa hết thời gian niêm yết (đến {review.posting.posted_until:%d/%m/%Y}).")
            continue
        review.decision_number, review.decision_date = number, decision_date
        _move(review, ReviewState.RECOGNISED, ReviewAction.RECOGNISE, user, f"Quyết định số {number} ngày {decision_date:%d/%m/%Y}.")
        done += 1
    if not done:
        raise ValidationError(
            "Không có kết quả nào đủ điều kiện công nhận (phải đã niêm yết xong và không còn khiếu nại)."
            + (" " + " ".join(left[:5]) if left else "")
        )
    household_years_refresh(household_ids=[r.household_id for r in reviews if r.state == ReviewState.RECOGNISED])
    rnd.decision_number, rnd.decision_date = number, decision_date
    rnd.recognised_by = user if getattr(user, "pk", None) else None
    rnd.recognised_at = timezone.now()
    rnd.save()
    return rnd, done, left


@transaction.atomic
def round_confirm(*, commune: AdministrativeUnit, year: int, user: Any, note: str = "") -> tuple[ReviewRound, int]:
    """The district confirms a commune's recognised results (Decision 24/2021/QĐ-TTg Art. 4.6)."""
    from django.core.exceptions import PermissionDenied

    if not is_district_user(user):
        raise PermissionDenied("Chỉ Phòng Lao động - TB&XH huyện được xác nhận kết quả rà soát của xã.")
    rnd = ReviewRound.objects.select_for_update().filter(commune=commune, year=year).first()
    if rnd is None:
        raise ValidationError(f"{commune.name} chưa có đợt rà soát năm {year}.")
    reviews = list(AnnualReview.objects.select_for_update(of=("self",)).select_related("household").filter(round=rnd, state=ReviewState.RECOGNISED))
    if not reviews:
        raise ValidationError("Xã chưa có kết quả nào được Chủ tịch UBND xã công nhận để huyện xác nhận.")
    for review in reviews:
        _move(review, ReviewState.CONFIRMED, ReviewAction.CONFIRM, user, note)
    rnd.confirmed_by, rnd.confirmed_at, rnd.confirmation_note = user, timezone.now(), note or ""
    rnd.save()
    return rnd, len(reviews)


@transaction.atomic
def complaint_record(*, review: AnnualReview, received_on: dt.date, complainant: str, content: str, user: Any) -> Complaint:
    """A complaint about a result under posting (Decision 24/2021/QĐ-TTg Art. 4.4): recognition waits for its re-check."""
    if review.state not in (ReviewState.AGREED, ReviewState.POSTED):
        raise ValidationError("Chỉ ghi nhận khiếu nại, phản ánh về kết quả đã họp thôn hoặc đang niêm yết.")
    if not nfc_line(complainant) or not (content or "").strip():
        raise ValidationError({"content": "Phải ghi người khiếu nại và nội dung khiếu nại, phản ánh."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "Ngày nhận không được sau ngày hôm nay."})
    return Complaint.objects.create(
        round_id=review.round_id, review=review, received_on=received_on, complainant=nfc_line(complainant),
        content=content.strip(), recorded_by=user if getattr(user, "pk", None) else None,
    )


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, status: str, resolution: str, user: Any) -> Complaint:
    """Close a complaint after the re-check: the result changed (the review was corrected) or kept."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.OPEN:
        raise ValidationError("Khiếu nại này đã được xử lý.")
    if status not in (ComplaintStatus.CHANGED, ComplaintStatus.KEPT):
        raise ValidationError({"status": "Chọn kết quả phúc tra: điều chỉnh hoặc giữ nguyên."})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": "Phải ghi kết quả phúc tra."})
    complaint.status, complaint.resolution = status, resolution.strip()
    complaint.resolved_by = user if getattr(user, "pk", None) else None
    complaint.resolved_at = timezone.now()
    complaint.save()
    return complaint


def application_dates(received_on: dt.date, settings: ReviewSettings | None = None) -> tuple[dt.date, dt.date]:
    """Regular review (Decision 24/2021/QĐ-TTg Art. 5): applications are handled monthly from the 15th, and
    decided within 15 days: received up to the 15th → handled from that 15th; later → from next month's."""
    settings = settings or ReviewSettings.current()
    day = settings.application_day
    if received_on.day <= day:
        start = received_on.replace(day=day)
    else:
        nxt = (received_on.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        start = nxt.replace(day=day)
    return start, start + dt.timedelta(days=settings.application_decision_days)


@transaction.atomic
def application_receive(
    *, household: Household, received_on: dt.date, request: str, user: Any, applicant: str = "", reason: str = ""
) -> ReviewApplication:
    """Receive a household's application for the regular review; the commune is the one of the receipt date."""
    if request not in ApplicationRequest.values:
        raise ValidationError({"request": "Chọn nội dung đề nghị."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "Ngày nhận đơn không được sau ngày hôm nay."})
    if ReviewApplication.objects.filter(
        household=household, year=received_on.year, status__in=(ApplicationStatus.RECEIVED, ApplicationStatus.REVIEWING)
    ).exists():
        raise ValidationError(f"Hộ {household.code} đang có đơn đề nghị chưa xử lý xong.")
    commune, _ = household_place_on(household=household, on=received_on)
    handle_from, decide_by = application_dates(received_on)
    application = ReviewApplication.objects.create(
        household=household, commune=commune, year=received_on.year, request=request, received_on=received_on,
        applicant=nfc_line(applicant) or household.head_name, reason=(reason or "").strip(), handle_from=handle_from,
        decide_by=decide_by, recorded_by=user if getattr(user, "pk", None) else None,
    )
    existing = AnnualReview.objects.filter(household=household, year=received_on.year).first()
    if existing is not None and existing.state not in LOCKED_STATES:
        application.review, application.status = existing, ApplicationStatus.REVIEWING
        application.save(update_fields=["review", "status"])
    return application


@transaction.atomic
def application_decide(
    *,
    application: ReviewApplication,
    approved: bool,
    decided_on: dt.date,
    user: Any,
    decision_number: str = "",
    refusal_reason: str = "",
) -> ReviewApplication:
    """Decide an application: approval is the chairman's recognition of the household's review of the year
    (which must have gone through the steps); a refusal needs written reasons."""
    application = ReviewApplication.objects.select_for_update().get(pk=application.pk)
    if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REFUSED):
        raise ValidationError("Đơn này đã có kết quả.")
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "Ngày quyết định không được sau ngày hôm nay."})
    if approved:
        review = application.review
        if review is None:
            raise ValidationError("Hộ chưa được rà soát theo đơn này.")
        if review.state == ReviewState.POSTED:
            review_transition(
                review=review, to_state=ReviewState.RECOGNISED, user=user, decision_number=decision_number,
                decision_date=decided_on, note="Rà soát thường xuyên theo đơn đề nghị.",
            )
        elif review.state not in LOCKED_STATES:
            raise ValidationError(
                f"Kết quả rà soát của hộ đang ở bước «{ReviewState(review.state).label}»: phải họp thôn và niêm yết xong mới công nhận."
            )
        application.status, application.decision_number = ApplicationStatus.APPROVED, nfc_line(decision_number)
    else:
        if not (refusal_reason or "").strip():
            raise ValidationError({"refusal_reason": "Không công nhận phải có lý do bằng văn bản."})
        application.status, application.refusal_reason = ApplicationStatus.REFUSED, refusal_reason.strip()
    application.decided_on = decided_on
    application.decided_by = user if getattr(user, "pk", None) else None
    application.save()
    return application


# --- Reclassification (after a correction of a standard) ---------------------------------------------------


def _bulk_update_rows(columns: list[str], rows: list[tuple], casts: dict[str, str] | None = None) -> None:
    """Update review rows by id in few statements: (id, value per column) tuples. One UPDATE … FROM (VALUES …) per
    2,000 rows on PostgreSQL, a prepared statement run many times on SQLite (both far faster than bulk_update)."""
    if not rows:
        return
    table = AnnualReview._meta.db_table
    casts = casts or {}
    now = timezone.now()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            sets = ", ".join(f"{c} = v.{c}{casts.get(c, '')}" for c in columns)
            names = ", ".join(["id", *columns, "u"])
            template = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ", %s::timestamptz)"
            execute_values(
                cur.cursor, f"UPDATE {table} AS t SET {sets}, updated_at = v.u FROM (VALUES %s) AS v({names}) WHERE t.id = v.id",
                [row + (now,) for row in rows], template=template, page_size=2000,
            )
        else:
            sets = ", ".join(f"{c} = %s" for c in columns)
            cur.executemany(f"UPDATE {table} SET {sets}, updated_at = %s WHERE id = %s", [(*row[1:], now, row[0]) for row in rows])


@transaction.atomic
def reviews_reclassify(*, year: int, user: Any = None, progress: Any = None) -> dict[str, int]:
    """Classify every review of `year` again with the standard as it is now (after a correction of a line or an
    indicator), and recompute the changes of that year and the later ones. Runs over the whole district in a
    few queries: values in, results computed with `households.poverty`, changed rows written in bulk. Reviews
    whose classification changed get a history entry and a workflow note; `progress(percent)` is called as it goes.
    """
    import json

    from django.db.models import OuterRef, Subquery, TextField
    from django.db.models.functions import Cast

    standard = review_standard(year=year)
    rules = standard.to_rules()
    codes = list(rules.indicators)
    before = AnnualReview.objects.filter(year__lt=year)
    ever_poor = set(before.filter(classification=poverty.POOR).values_list("household_id", flat=True).distinct())
    ever_near = set(before.filter(classification=poverty.NEAR_POOR).values_list("household_id", flat=True).distinct())
    latest = AnnualReview.objects.filter(household_id=OuterRef("household_id"), year__lt=year).order_by("-year")
    rows = list(
        AnnualReview.objects.filter(year=year).annotate(
            reasons_text=Cast("reasons", TextField()), latest_previous=Subquery(latest.values("classification")[:1])
        ).values_list(
            "id", "household_id", "area", "income_per_capita_month", "indicators", "deprivation_mask", "classification",
            "change", "previous_classification", "deprivation_count", "reasons_text", "latest_previous",
        ).iterator(chunk_size=20000)
    )
    if progress:
        progress(20)
    changed: list[tuple] = []
    reclassified: list[int] = []
    moved_households: list[int] = []
    cache: dict[tuple, tuple[str, int, int, str]] = {}
    # Households with no earlier review: whether they lived here last year, or split off a household (few).
    contexts = review_change_contexts(household_ids=[r[1] for r in rows if r[11] is None], year=year)
    for pk, hh, area, income, indicators, mask, old_c, old_ch, old_p, old_n, old_reasons, previous in rows:
        deprived = tuple(code for code in codes if (indicators.get(code) or {}).get("deprived"))
        key = (area, income, deprived)
        result = cache.get(key)
        if result is None:
            r = poverty.classify(rules, area=area, income_per_capita_month=income, deprivations=deprived)
            result = cache[key] = (r.category, r.deprivation_count, poverty.deprivation_mask(rules, r.deprived),
                                   json.dumps(list(r.reasons), ensure_ascii=False))
        category, count, new_mask, reasons_json = result
        if previous is None:
            ch = poverty.change(category, year=year, **contexts[hh])
        else:
            ch = poverty.change_from(category, previous=previous, ever_poor=hh in ever_poor, ever_near_poor=hh in ever_near)
        if (category, ch, previous or "", count, new_mask, reasons_json) != (old_c, old_ch, old_p, old_n, mask, old_reasons):
            changed.append((pk, category, ch, previous or "", count, new_mask, reasons_json))
            if category != old_c:
                reclassified.append(pk)
                moved_households.append(hh)
    if progress:
        progress(50)
    _bulk_update_rows(
        ["classification", "change", "previous_classification", "deprivation_count", "deprivation_mask", "reasons"], changed,
        casts={"reasons": "::jsonb"},
    )
    # Later years: only the changes of households whose classification moved can change.
    later_changed: list[tuple] = []
    for start in range(0, len(moved_households), 500):
        chunk = moved_households[start:start + 500]
        history: dict[int, dict[int, str]] = {}
        for hh, y, c in AnnualReview.objects.filter(household_id__in=chunk).values_list("household_id", "year", "classification"):
            history.setdefault(hh, {})[y] = c
        for pk, hh, y, ch, p in AnnualReview.objects.filter(household_id__in=chunk, year__gt=year).values_list(
            "id", "household_id", "year", "change", "previous_classification"
        ):
            earlier = {yy: cc for yy, cc in history[hh].items() if yy < y}
            new_ch = poverty.change(history[hh][y], earlier, year=y)
            new_p = earlier[max(earlier)] if earlier else ""
            if (new_ch, new_p) != (ch, p):
                later_changed.append((pk, new_ch, new_p))
    _bulk_update_rows(["change", "previous_classification"], later_changed)
    household_years_refresh(household_ids=moved_households)
    if progress:
        progress(80)
    # A history entry and a workflow note for each review whose classification moved.
    note = f"Phân loại lại theo {standard.name} (chuẩn {rules.poor_line['rural']:,}/{rules.poor_line['urban']:,} đồng).".replace(",", ".")
    by = user if getattr(user, "pk", None) else None
    for start in range(0, len(reclassified), 2000):
        chunk = list(AnnualReview.objects.filter(pk__in=reclassified[start:start + 2000]))
        AnnualReview.history.bulk_history_create(chunk, default_user=by, default_change_reason=note)
        ReviewEvent.objects.bulk_create([
            ReviewEvent(review=r, action=ReviewAction.RECLASSIFY, from_state=r.state, to_state=r.state, by=by, note=note) for r in chunk
        ])
    return {"reviews": len(rows), "updated": len(changed), "reclassified": len(reclassified), "later_changes": len(later_changed)}
