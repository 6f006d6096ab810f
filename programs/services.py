"""Writes of the plan that carry rules: opening a year's tasks, progress reports, dividing a target among the
communes, recording support, entering funds. Keyword-only; Vietnamese ValidationErrors; PermissionDenied when the
user may not do it at all."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.scoping import commune_ids, scope
from households.errors import StaleVersion
from households.models import AdministrativeUnit, Household, Level
from households.selectors import household_place_on

from . import selectors
from .models import (
    REDUCTION_METRICS, Agency, Duty, FundAllocation, FundingSource, FundProgram, Plan, SupportPolicy,
    SupportRecord, Target, TaskAssignment, TaskStatus, TaskUpdate,
)

# The finance–planning office enters the funds (the plan, section IV.2).
FINANCE_AGENCY = "TCKH"
# A single support record above this is a typing error more often than a real amount (a house is 40–60 million).
MAX_SUPPORT_AMOUNT = 2_000_000_000
EVIDENCE_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EARLIEST_SUPPORT_DATE = dt.date(2016, 1, 1)


# --- Who may do what --------------------------------------------------------------------------------------------


def _is_admin(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def can_manage_plan(user: User) -> bool:
    """The district office (labour office) manages targets and tasks for the whole area."""
    return user.is_authenticated and (_is_admin(user) or user.role == Role.DISTRICT_OFFICER)


def can_update_task(user: User, task: TaskAssignment) -> bool:
    """The lead agency's officers update its tasks; a commune's officers the commune's own tasks (IV.13);
    the district office any task."""
    if not user.is_authenticated:
        return False
    if can_manage_plan(user):
        return True
    if user.role == Role.AGENCY_OFFICER:
        return task.agency_id == user.agency_id
    if user.role == Role.COMMUNE_OFFICER:
        ids = commune_ids(user)
        return task.commune_id is not None and ids is not None and task.commune_id in ids
    return False


def policies_for(user: User):
    """The policies a user may record support under: an agency only its own; the district office all."""
    qs = SupportPolicy.objects.filter(active=True).select_related("agency")
    if can_manage_plan(user):
        return qs
    if user.is_authenticated and user.role == Role.AGENCY_OFFICER and user.agency_id:
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def can_record_support(user: User) -> bool:
    return can_manage_plan(user) or (user.is_authenticated and user.role == Role.AGENCY_OFFICER and bool(user.agency_id))


def can_enter_funds(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if _is_admin(user):
        return True
    return user.role == Role.AGENCY_OFFICER and user.agency is not None and user.agency.code == FINANCE_AGENCY


# --- Values -----------------------------------------------------------------------------------------------------


def vnd_amount(value: Any, *, field: str, positive: bool = True, maximum: int | None = None) -> int:
    """An amount in đồng: a whole number (no fractions of a đồng), positive (or, for disbursements, not negative)."""
    if value is None or value == "" or isinstance(value, bool):
        raise ValidationError({field: "Chưa nhập số tiền."})
    if isinstance(value, str):
        text = value.strip().replace(".", "").replace(" ", "").replace("đ", "")
        if not text.lstrip("-").isdigit():
            raise ValidationError({field: "Số tiền phải là số nguyên đồng (ví dụ 1.500.000)."})
        value = int(text)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: "Số tiền phải là số nguyên đồng (ví dụ 1.500.000)."}) from None
    if number != number.to_integral_value():
        raise ValidationError({field: "Số tiền tính bằng đồng, không có phần lẻ."})
    amount = int(number)
    if positive and amount <= 0:
        raise ValidationError({field: "Số tiền phải lớn hơn 0 đồng."})
    if amount < 0:
        raise ValidationError({field: "Số tiền không được âm."})
    if maximum is not None and amount > maximum:
        raise ValidationError({field: f"Số tiền vượt quá {maximum:,} đồng: kiểm tra lại (có thể thừa chữ số 0).".replace(",", ".")})
    return amount


# --- Tasks ------------------------------------------------------------------------------------------------------


@transaction.atomic
def tasks_open_year(*, year: int, plan: Plan | None = None) -> int:
    """Create the year's task assignments from the plan's duties (idempotent: existing ones are kept as they are).
    A yearly duty gives one assignment a year; a one-off duty one in its due year; a duty of the communes'
    people's committees (IV.13) one assignment per commune in force on the due date."""
    plan = plan or selectors.current_plan()
    if plan is None:
        raise ValidationError("Chưa nạp Kế hoạch (chạy manage.py load_reference).")
    if not plan.period_start <= year <= plan.horizon:
        raise ValidationError({"year": f"Năm {year} nằm ngoài thời kỳ của Kế hoạch ({plan.period_start}–{plan.horizon})."})
    existing = set(TaskAssignment.objects.filter(year=year, duty__plan=plan).values_list("duty_id", "commune_id"))
    communes_by_day: dict[dt.date, list[AdministrativeUnit]] = {}
    new: list[TaskAssignment] = []
    for duty in Duty.objects.filter(plan=plan, active=True).select_related("agency").order_by("order"):
        due = duty.due_on(year)
        if due is None:
            continue
        if duty.agency.per_commune:
            if due not in communes_by_day:
                communes_by_day[due] = selectors.communes_on(due)
            targets = [c.pk for c in communes_by_day[due]]
        else:
            targets = [None]
        for commune_id in targets:
            if (duty.pk, commune_id) in existing:
                continue
            new.append(
                TaskAssignment(duty=duty, year=year, agency=duty.agency, commune_id=commune_id, title=duty.title, due_date=due)
            )
    TaskAssignment.objects.bulk_create(new, batch_size=500)
    return len(new)


@transaction.atomic
def task_assign(
    *, user: User, duty: Duty, year: int, agency: Agency | None = None, due_date: dt.date | None = None,
    title: str = "", commune: AdministrativeUnit | None = None,
) -> TaskAssignment:
    """Assign one duty of the plan for one year to one agency (its lead agency unless another is named), with its
    due date and title defaulting to the duty's: for a task that cannot wait for the whole year's assignment."""
    if not can_manage_plan(user):
        raise PermissionDenied("Chỉ Phòng Lao động - TB&XH huyện được giao nhiệm vụ.")
    plan = duty.plan
    if not plan.period_start <= year <= plan.horizon:
        raise ValidationError({"year": f"Năm {year} nằm ngoài thời kỳ của Kế hoạch ({plan.period_start}–{plan.horizon})."})
    due = due_date or duty.due_on(year) or dt.date(year, 12, 31)
    if due.year != year:
        raise ValidationError({"due_date": f"Hạn hoàn thành phải trong năm {year}."})
    exists = TaskAssignment.objects.filter(duty=duty, year=year, commune=commune).first()
    if exists is not None:
        raise ValidationError({"duty": f"Nhiệm vụ này đã được giao năm {year} cho {exists.agency.name} (hạn {exists.due_date:%d/%m/%Y})."})
    return TaskAssignment.objects.create(
        duty=duty, year=year, agency=agency or duty.agency, commune=commune, title=(title or "").strip() or duty.title, due_date=due,
    )


def _check_evidence(evidence: UploadedFile | None) -> None:
    if evidence is None:
        return
    ext = Path(evidence.name or "").suffix.lower()
    if ext not in EVIDENCE_EXTENSIONS:
        allowed = ", ".join(sorted(e.lstrip(".") for e in EVIDENCE_EXTENSIONS))
        raise ValidationError({"evidence": f"Chỉ nhận tệp {allowed}."})
    if evidence.size and evidence.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": "Tệp kèm theo không được lớn hơn 10 MB."})


@transaction.atomic
def task_update_post(
    *,
    user: User,
    task: TaskAssignment,
    status: str,
    progress: int,
    narrative: str,
    evidence: UploadedFile | None = None,
    version: int | None = None,
) -> TaskUpdate:
    """Post a progress report: it becomes the task's status and percent. `version` is the task version the user
    read: a newer report saved meanwhile is refused (StaleVersion)."""
    if not can_update_task(user, task):
        raise PermissionDenied("Bạn chỉ được báo cáo tiến độ nhiệm vụ của cơ quan, đơn vị mình.")
    locked = TaskAssignment.objects.select_for_update().get(pk=task.pk)
    if version is not None and int(version) != locked.version:
        last = locked.updates.select_related("created_by").order_by("-created_at", "-id").first()
        who = last.created_by.display_name if last and last.created_by else "người dùng khác"
        when = timezone.localtime(last.created_at) if last else None
        when_text = f" lúc {when:%H:%M ngày %d/%m/%Y}" if when else ""
        raise StaleVersion(
            f"Nhiệm vụ đã được {who} cập nhật{when_text} sau khi bạn mở. Tải lại trang để xem, rồi báo cáo lại.",
            changed_by=who, changed_at=when,
        )
    if status not in TaskStatus.values:
        raise ValidationError({"status": "Tình trạng không hợp lệ."})
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise ValidationError({"progress": "Tiến độ là số phần trăm từ 0 đến 100."}) from None
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "Tiến độ là số phần trăm từ 0 đến 100."})
    if status == TaskStatus.COMPLETED and progress != 100:
        raise ValidationError({"progress": "Nhiệm vụ hoàn thành thì tiến độ là 100%."})
    if status != TaskStatus.COMPLETED and progress == 100:
        raise ValidationError({"status": "Tiến độ 100% thì chọn tình trạng «Hoàn thành»."})
    if status == TaskStatus.NOT_STARTED and progress > 0:
        raise ValidationError({"status": "Đã có tiến độ thì không còn là «Chưa triển khai»."})
    narrative = (narrative or "").strip()
    if not narrative:
        raise ValidationError({"narrative": "Ghi kết quả thực hiện (việc đã làm, khó khăn, kiến nghị)."})
    _check_evidence(evidence)
    now = timezone.now()
    update = TaskUpdate(task=locked, status=status, progress=progress, narrative=narrative, created_by=user, created_at=now)
    if evidence is not None:
        update.evidence_name = Path(evidence.name).name[:200]
        update.evidence = evidence
    update.save()
    locked.status, locked.progress, locked.last_update_at = status, progress, now
    locked.version += 1
    locked.save(update_fields=["status", "progress", "last_update_at", "version"])
    task.status, task.progress, task.last_update_at, task.version = locked.status, locked.progress, now, locked.version
    return update


# --- Targets ----------------------------------------------------------------------------------------------------


def _target_value(target: Target, raw: Any, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Giá trị chỉ tiêu phải là một số."}) from None
    if value < 0:
        raise ValidationError({field: "Giá trị chỉ tiêu không được âm."})
    if target.metric in REDUCTION_METRICS:
        if value > 100:
            raise ValidationError({field: "Mức giảm tính bằng điểm phần trăm, không quá 100."})
        return value.quantize(Decimal("0.01"))
    if value != value.to_integral_value():
        raise ValidationError({field: "Chỉ tiêu này đếm số xã hoặc số hộ: nhập số nguyên."})
    return value


@transaction.atomic
def target_divide(*, user: User, target: Target, values: dict[AdministrativeUnit, Any]) -> list[Target]:
    """The district divides one of its targets among communes: a value per commune (None or "" removes the
    commune's division). Each division keeps the district target's metric, period and comparison."""
    if not can_manage_plan(user):
        raise PermissionDenied("Chỉ Phòng Lao động - TB&XH huyện phân bổ chỉ tiêu cho các xã.")
    if target.parent_id is not None or target.unit.level != selectors.program_area().level:
        raise ValidationError("Chỉ phân bổ được chỉ tiêu chung của huyện.")
    saved: list[Target] = []
    for commune, raw in values.items():
        if commune.level != Level.COMMUNE:
            raise ValidationError({f"commune_{commune.code}": f"{commune.name} không phải là xã."})
        existing = Target.objects.filter(parent=target, unit=commune).first()
        if raw in (None, ""):
            if existing is not None:
                existing.delete()
            continue
        value = _target_value(target, raw, f"commune_{commune.code}")
        division = existing or Target(
            parent=target, unit=commune, code=f"{target.code}@{commune.code}-{commune.valid_from:%Y%m%d}"
        )
        for attr in ("plan", "metric", "title", "plan_reference", "source_text", "solution_group", "baseline_year",
                     "end_year", "comparison", "indicator_codes", "order"):
            setattr(division, attr, getattr(target, attr))
        division.value = value
        division.updated_by = user
        division.save()
        saved.append(division)
    return saved


# --- Support ----------------------------------------------------------------------------------------------------


@transaction.atomic
def support_record_create(
    *,
    user: User,
    household: Household,
    policy: SupportPolicy,
    date: dt.date,
    amount: Any,
    funding_source: str,
    note: str = "",
) -> SupportRecord:
    """Record support delivered to a household. An agency records only under its own policies; the district office
    under any. The commune of the household on the day of support is kept for the roll-ups."""
    if not can_record_support(user):
        raise PermissionDenied("Bạn không có quyền ghi nhận hỗ trợ.")
    if not policies_for(user).filter(pk=policy.pk).exists():
        raise ValidationError(
            {"policy": f"Chính sách «{policy.name}» do {policy.agency.name} thực hiện: bạn chỉ ghi nhận hỗ trợ theo chính sách của cơ quan mình."}
        )
    if not scope(user, Household.objects.filter(pk=household.pk)).exists():
        raise ValidationError({"household": "Không tìm thấy hộ trong phạm vi bạn được xem."})
    if not isinstance(date, dt.date):
        raise ValidationError({"date": "Ngày hỗ trợ không hợp lệ (dd/mm/yyyy)."})
    if date > timezone.localdate():
        raise ValidationError({"date": "Ngày hỗ trợ không được sau ngày hôm nay."})
    if date < EARLIEST_SUPPORT_DATE:
        raise ValidationError({"date": f"Ngày hỗ trợ phải từ {EARLIEST_SUPPORT_DATE:%d/%m/%Y} trở đi."})
    if funding_source not in FundingSource.values:
        raise ValidationError({"funding_source": "Nguồn kinh phí không hợp lệ."})
    value = vnd_amount(amount, field="amount", maximum=MAX_SUPPORT_AMOUNT)
    commune, _village = household_place_on(household=household, on=date)
    return SupportRecord.objects.create(
        household=household, policy=policy, date=date, amount=value, funding_source=funding_source,
        commune=commune, note=(note or "").strip()[:255], recorded_by=user,
    )


# --- Funds ------------------------------------------------------------------------------------------------------


@transaction.atomic
def fund_allocation_save(
    *,
    user: User,
    allocation: FundAllocation | None = None,
    year: int,
    program: FundProgram,
    source: str,
    commune: AdministrativeUnit | None,
    allocated: Any,
    disbursed: Any = 0,
    note: str = "",
) -> FundAllocation:
    """Enter (or correct) a year's allocation and disbursement for a program, source and commune (or the district)."""
    if not can_enter_funds(user):
        raise PermissionDenied("Chỉ Phòng Tài chính - Kế hoạch nhập phân bổ và giải ngân vốn.")
    plan = selectors.current_plan()
    first, last = (plan.period_start, plan.horizon) if plan else (2021, 2030)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": "Năm không hợp lệ."}) from None
    if not first <= year <= last:
        raise ValidationError({"year": f"Năm phải trong thời kỳ của Kế hoạch ({first}–{last})."})
    if source not in FundingSource.values:
        raise ValidationError({"source": "Nguồn kinh phí không hợp lệ."})
    if commune is not None:
        if commune.level != Level.COMMUNE:
            raise ValidationError({"commune": f"{commune.name} không phải là xã."})
        if not commune.in_force_on(dt.date(year, 12, 31)) and not commune.in_force_on(dt.date(year, 1, 1)):
            raise ValidationError({"commune": f"{commune.label} không có hiệu lực trong năm {year}."})
    a = vnd_amount(allocated, field="allocated")
    d = vnd_amount(disbursed if disbursed not in (None, "") else 0, field="disbursed", positive=False)
    if d > a:
        raise ValidationError({"disbursed": "Số đã giải ngân không được lớn hơn số vốn phân bổ."})
    clash = FundAllocation.objects.filter(year=year, program=program, source=source, commune=commune)
    if allocation is not None and allocation.pk:
        clash = clash.exclude(pk=allocation.pk)
    if clash.exists():
        raise ValidationError("Đã có dòng phân bổ cho chương trình, nguồn vốn và địa bàn này trong năm: hãy sửa dòng đó.")
    row = allocation or FundAllocation()
    row.year, row.program, row.source, row.commune = year, program, source, commune
    row.allocated, row.disbursed, row.note, row.updated_by = a, d, (note or "").strip()[:255], user
    try:
        row.save()
    except IntegrityError as exc:  # a concurrent insert of the same row
        raise ValidationError("Đã có dòng phân bổ cho chương trình, nguồn vốn và địa bàn này trong năm.") from exc
    return row
