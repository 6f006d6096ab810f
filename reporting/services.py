"""Writes of the reporting app: deadlines and obligations, submissions, notifications and reminders, generated
reports and their downloads. Keyword-only; Vietnamese ValidationErrors.

Times: every "day" here is a day in Asia/Ho_Chi_Minh (settings.TIME_ZONE); functions take `now` (an aware
datetime) so the scheduler, the tests and the demo can say which moment it is.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from households.jobs import GAVE_UP
from households.models import AdministrativeUnit, Level
from households.structure import Structure, communes_on, program_area, program_area_commune_ids
from households.text import nfc
from programs.models import Agency, AgencyKind

from . import access, figures
from .files import clear_stale_temporaries, write_atomically
from .chain import chain_for
from .models import (
    OPEN_STATES,
    Attachment,
    DownloadLog,
    Edition,
    GeneratedReport,
    Notification,
    NotificationKind,
    Obligation,
    ObligationState,
    ReportFormat,
    ReportingDeadline,
    ReportKind,
    ReportState,
    Submission,
    Trigger,
    Variant,
)

log = logging.getLogger(__name__)

# The labour office receives and compiles the reports (plan, section V: "qua phòng Lao động - Thương binh và Xã hội
# huyện để tổng hợp"); it owes none to itself. The "communes" agency of section IV.13 is represented by each commune.
COMPILING_AGENCY_CODE = "LDTBXH"
# Obligations appear this many days before their due date (the annual report: from 11 October, after the review
# has started on 1 September — Decision 24/2021/QĐ-TTg), so the first reminder (14 days) always finds them.
OPEN_DAYS_BEFORE_DUE = 60
# Reminders before each due date (the plan's deadlines; the issue asks for 14, 7, 3 and 1 days), then daily.
REMINDER_DAYS = (14, 7, 3, 1)

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png", ".zip"}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def local_day(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Asia/Ho_Chi_Minh at `now`."""
    return timezone.localdate(_now(now))


# --- Deadlines and obligations ---------------------------------------------------------------------------


def deadline_ensure(*, kind: ReportKind, year: int) -> ReportingDeadline:
    """The deadline of one period of a kind, created from the kind's rule if missing."""
    due = kind.due_on(year)
    if due is None:
        raise ValidationError({"year": f"{kind.name} không có kỳ báo cáo năm {year}."})
    first, last = kind.covers(year)
    deadline, _ = ReportingDeadline.objects.get_or_create(
        kind=kind, year=year, defaults={"due_date": due, "first_year": first, "last_year": last}
    )
    return deadline


def owing_agencies() -> list[Agency]:
    """Every active agency of the plan's section IV except the compiling labour office and the communes' row."""
    return list(
        Agency.objects.filter(active=True).exclude(code=COMPILING_AGENCY_CODE).exclude(kind=AgencyKind.COMMUNES)
        .order_by("plan_item", "code")
    )


@transaction.atomic
def obligations_ensure(*, deadline: ReportingDeadline) -> int:
    """An obligation for every owing agency and every commune of the program area in force on the due date.

    Idempotent: only missing obligations are created. Returns how many were created.
    """
    existing_communes = set(deadline.obligations.filter(commune__isnull=False).values_list("commune_id", flat=True))
    existing_agencies = set(deadline.obligations.filter(agency__isnull=False).values_list("agency_id", flat=True))
    new = [Obligation(deadline=deadline, commune=c) for c in communes_on(deadline.due_date) if c.pk not in existing_communes]
    new += [Obligation(deadline=deadline, agency=a) for a in owing_agencies() if a.pk not in existing_agencies]
    for ob in new:
        ob.save()  # one by one: the history records each creation
    return len(new)


def deadlines_open(*, now: dt.datetime | None = None) -> list[ReportingDeadline]:
    """Create the deadlines (and their obligations) that open by today: due today or within OPEN_DAYS_BEFORE_DUE
    days. Idempotent. Periods already past when the system is installed are created on purpose only (demo, admin
    action), so a new installation does not start by sending years of overdue reminders."""
    today = local_day(now)
    out = []
    for kind in ReportKind.objects.filter(active=True):
        for year in kind.period_years():
            due = kind.due_on(year)
            if due and today <= due <= today + dt.timedelta(days=OPEN_DAYS_BEFORE_DUE):
                deadline = deadline_ensure(kind=kind, year=year)
                obligations_ensure(deadline=deadline)
                out.append(deadline)
    return out


@transaction.atomic
def obligations_follow_merger(*, sources: Iterable[AdministrativeUnit], target: AdministrativeUnit, effective_date: dt.date) -> int:
    """After communes merge, what the dissolved communes still owe for deadlines due on or after the merger moves to
    the successor, which owes one report per deadline. Where the successor already has an obligation, a draft of
    the dissolved commune is folded into it (narrative appended under the old commune's name, attachments moved).
    Submitted and accepted reports stay where they are: they are history. Returns how many obligations moved."""
    moved = 0
    source_ids = [u.pk for u in sources if u.pk != target.pk]
    open_obs = (
        Obligation.objects.select_for_update(of=("self",))
        .filter(commune_id__in=source_ids, state__in=OPEN_STATES, deadline__due_date__gte=effective_date)
        .select_related("commune")
    )
    for ob in open_obs:
        clash = Obligation.objects.filter(deadline=ob.deadline, commune=target).first()
        if clash is None:
            ob.moved_from_id = ob.commune_id
            ob.commune = target
            ob.save()
            moved += 1
            continue
        old = Submission.objects.filter(obligation=ob).first()
        if old is not None and clash.is_open:
            sub = Submission.objects.filter(obligation=clash).first()
            if sub is None:
                sub = Submission.objects.create(obligation=clash, created_by=old.created_by)
            for field in ("narrative", "proposals"):
                text = getattr(old, field).strip()
                if text:
                    joined = f"{getattr(sub, field).strip()}\n\n[{ob.commune.name} (trước sáp nhập)]\n{text}".strip()
                    setattr(sub, field, joined)
            sub.save()
            old.attachments.update(submission=sub)
            if clash.state == ObligationState.NOT_STARTED:
                clash.state = ObligationState.DRAFT
                clash.save()
        ob.delete()
        moved += 1
    return moved


# --- Submissions -----------------------------------------------------------------------------------------


def _check_owner(user: User, obligation: Obligation) -> None:
    if not access.is_owner(user, obligation):
        raise ValidationError("Bạn không phải là người có trách nhiệm nộp báo cáo này.")


def _check_open(obligation: Obligation) -> None:
    if not obligation.is_open:
        raise ValidationError(
            f"Báo cáo đang ở trạng thái “{obligation.status_label}”: không sửa được. "
            "Nếu cần sửa, đề nghị Phòng Lao động - TB&XH trả lại báo cáo."
        )


@transaction.atomic
def submission_save(
    *,
    obligation: Obligation,
    user: User,
    narrative: str = "",
    proposals: str = "",
    comments: dict[str, str] | None = None,
    version: int | None = None,
) -> Submission:
    """Save the draft: narrative, proposals and comments on the computed figures (the figures themselves are
    never typed). `version` is the version the form was opened with (optimistic locking)."""
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    _check_owner(user, obligation)
    _check_open(obligation)
    keys = {f["key"] for f in figures.obligation_figures(obligation=obligation, with_values=False)}
    clean_comments = {}
    for key, text in (comments or {}).items():
        if key not in keys:
            raise ValidationError({"comments": f"Không có chỉ tiêu “{key}” trong báo cáo này."})
        text = nfc(text or "")
        if text:
            clean_comments[key] = text[:2000]
    submission = Submission.objects.select_for_update().filter(obligation=obligation).first()
    if submission is None:
        submission = Submission(obligation=obligation, created_by=user)
    elif version is not None and version != submission.version:
        from households.services import stale_version_error

        raise stale_version_error(obj=submission, noun="Báo cáo")
    else:
        submission.version += 1
    submission.narrative = nfc(narrative or "")
    submission.proposals = nfc(proposals or "")
    submission.comments = clean_comments
    submission._history_user = user  # type: ignore[attr-defined]
    submission.save()
    if obligation.state == ObligationState.NOT_STARTED:
        obligation.state = ObligationState.DRAFT
        obligation._history_user = user  # type: ignore[attr-defined]
        obligation.save()
    return submission


@transaction.atomic
def submission_submit(*, obligation: Obligation, user: User, now: dt.datetime | None = None) -> Obligation:
    """Send the report: the computed figures are frozen as they are now; on time when sent before the due day."""
    now = _now(now)
    obligation = Obligation.objects.select_for_update(of=("self",)).select_related("deadline__kind", "commune", "agency").get(pk=obligation.pk)
    _check_owner(user, obligation)
    _check_open(obligation)
    submission = Submission.objects.filter(obligation=obligation).first()
    if submission is None:
        submission = Submission(obligation=obligation, created_by=user)
    if not (submission.narrative or "").strip():
        raise ValidationError({"narrative": "Nhập nội dung báo cáo (kết quả thực hiện, đánh giá) trước khi nộp."})
    submission.figures = figures.obligation_figures(obligation=obligation)
    submission.figures_at = now
    submission._history_user = user  # type: ignore[attr-defined]
    submission.save()
    obligation.state = ObligationState.SUBMITTED
    obligation.submitted_at = now
    obligation.submitted_by = user
    if obligation.first_submitted_at is None:
        obligation.first_submitted_at = now
        # "trước ngày 10/12" (plan, section V): on time when sent before the due day begins, local time.
        obligation.on_time = local_day(now) < obligation.deadline.due_date
    obligation.return_reason = ""
    obligation._history_user = user  # type: ignore[attr-defined]
    obligation.save()
    reviewers = User.objects.filter(is_active=True, role=Role.DISTRICT_OFFICER)
    with translation.override("vi"):  # stored in Vietnamese (the e-mail too); pages translate it
        notify(
            users=reviewers, kind=NotificationKind.SUBMITTED, key=f"submitted:{obligation.pk}:{now.isoformat()}",
            title=f"{obligation.owner_name} đã nộp {obligation.deadline.kind.short_name or obligation.deadline.kind.name} "
                  f"{obligation.deadline.label.lower()}" + ("" if obligation.on_time is not False else " (muộn)"),
            url=reverse("reporting:obligation_detail", args=[obligation.pk]), obligation=obligation, now=now,
        )
    return obligation


@transaction.atomic
def obligation_accept(*, obligation: Obligation, user: User, now: dt.datetime | None = None) -> Obligation:
    now = _now(now)
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if not access.can_review(user):
        raise ValidationError("Chỉ Phòng Lao động - TB&XH tiếp nhận báo cáo.")
    if obligation.state != ObligationState.SUBMITTED:
        raise ValidationError("Chỉ tiếp nhận được báo cáo đã nộp.")
    obligation.state = ObligationState.ACCEPTED
    obligation.decided_at, obligation.decided_by = now, user
    obligation._history_user = user  # type: ignore[attr-defined]
    obligation.save()
    with translation.override("vi"):  # stored in Vietnamese (the e-mail too); pages translate it
        notify(
            users=owners(obligation), kind=NotificationKind.ACCEPTED, key=f"accepted:{obligation.pk}:{now.isoformat()}",
            title=f"Báo cáo {obligation.deadline.label.lower()} của {obligation.owner_name} đã được tiếp nhận",
            url=reverse("reporting:obligation_detail", args=[obligation.pk]), obligation=obligation, now=now,
        )
    return obligation


@transaction.atomic
def obligation_return(*, obligation: Obligation, user: User, reason: str, now: dt.datetime | None = None) -> Obligation:
    """Return a submitted report for correction, with the reason (kept, shown to the submitter, e-mailed)."""
    now = _now(now)
    obligation = Obligation.objects.select_for_update(of=("self",)).select_related("deadline__kind").get(pk=obligation.pk)
    if not access.can_review(user):
        raise ValidationError("Chỉ Phòng Lao động - TB&XH trả lại báo cáo.")
    if obligation.state != ObligationState.SUBMITTED:
        raise ValidationError("Chỉ trả lại được báo cáo đã nộp.")
    reason = nfc(reason or "")
    if not reason:
        raise ValidationError({"reason": "Nêu lý do trả lại để đơn vị sửa."})
    obligation.state = ObligationState.RETURNED
    obligation.return_reason = reason
    obligation.decided_at, obligation.decided_by = now, user
    obligation._history_user = user  # type: ignore[attr-defined]
    obligation.save()
    with translation.override("vi"):  # stored in Vietnamese (the e-mail too); pages translate it
        notify(
            users=owners(obligation), kind=NotificationKind.RETURNED, key=f"returned:{obligation.pk}:{now.isoformat()}",
            title=f"Báo cáo {obligation.deadline.label.lower()} của {obligation.owner_name} bị trả lại để sửa",
            body=f"Lý do: {reason}", url=reverse("reporting:obligation_detail", args=[obligation.pk]),
            obligation=obligation, email=True, now=now,
        )
    return obligation


@transaction.atomic
def attachment_add(*, obligation: Obligation, user: User, upload: Any) -> Attachment:
    """Attach a file (documents, spreadsheets, scans; at most 10 MB) to the draft."""
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    _check_owner(user, obligation)
    _check_open(obligation)
    name = nfc(Path(upload.name).name)[:200]
    if Path(name).suffix.lower() not in ATTACHMENT_EXTENSIONS:
        raise ValidationError({"file": "Chỉ nhận tệp PDF, Word, Excel, OpenDocument, ảnh JPG/PNG hoặc ZIP."})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": "Tệp lớn hơn 10 MB."})
    if upload.size == 0:
        raise ValidationError({"file": "Tệp rỗng."})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    submission = Submission.objects.filter(obligation=obligation).first()
    if submission is None:
        submission = submission_save(obligation=obligation, user=user)
    elif obligation.state == ObligationState.NOT_STARTED:
        obligation.state = ObligationState.DRAFT
        obligation.save()
    safe = f"{uuid.uuid4().hex[:12]}{Path(name).suffix.lower()}"
    att = Attachment(
        submission=submission, name=name, size=upload.size, sha256=digest.hexdigest(),
        content_type=(getattr(upload, "content_type", "") or "")[:100], uploaded_by=user,
    )
    att.file.save(safe, upload, save=False)
    att.save()
    return att


@transaction.atomic
def attachment_delete(*, attachment: Attachment, user: User) -> None:
    obligation = attachment.submission.obligation
    _check_owner(user, obligation)
    _check_open(obligation)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Notifications and reminders -------------------------------------------------------------------------


def owners(obligation: Obligation) -> list[User]:
    """The active officers who owe a report (commune officers of the commune; the agency's officers)."""
    if obligation.commune_id:
        return list(User.objects.filter(is_active=True, role=Role.COMMUNE_OFFICER, unit_id=obligation.commune_id))
    return list(User.objects.filter(is_active=True, role=Role.AGENCY_OFFICER, agency_id=obligation.agency_id))


def notify(
    *,
    users: Iterable[User],
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    obligation: Obligation | None = None,
    email: bool = False,
    now: dt.datetime | None = None,
) -> int:
    """An in-app notification for each user, once per `key`, and an e-mail where asked and the user has an
    address. Safe to repeat: a notification that exists is not made again, and only unsent e-mails are sent (a
    retry after a mail-server failure sends what is missing). Returns how many e-mails were sent."""
    now = _now(now)
    sent = 0
    connection = None
    for user in users:
        note, _ = Notification.objects.get_or_create(
            user=user, key=key[:120],
            defaults={"kind": kind, "title": title[:200], "body": body, "url": url, "obligation": obligation},
        )
        if not email or note.emailed_at is not None or not user.email:
            continue
        connection = connection or get_connection()
        link = f"\n\n{settings.SITE_URL.rstrip('/')}{url}" if url and getattr(settings, "SITE_URL", "") else ""
        EmailMessage(
            subject=f"[Giảm nghèo Sơn Dương] {title}"[:250],
            body=f"Kính gửi {user.display_name},\n\n{title}.\n{body}{link}\n\n"
                 "Thư này được gửi tự động từ Hệ thống quản lý Chương trình giảm nghèo bền vững.",
            to=[user.email], connection=connection,
        ).send(fail_silently=False)
        Notification.objects.filter(pk=note.pk).update(emailed_at=now)
        sent += 1
    return sent


@translation.override("vi")  # the reminders are stored (and e-mailed) in Vietnamese; pages translate them
def reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind the officers who still owe a report: 14, 7, 3 and 1 days before its due date and every day once it
    is overdue (days in Asia/Ho_Chi_Minh). Nobody is reminded of a report already submitted or accepted. Safe to
    run twice a day: each obligation gets one reminder per day."""
    now = _now(now)
    today = local_day(now)
    deadlines_open(now=now)
    soon = [today + dt.timedelta(days=d) for d in REMINDER_DAYS]
    due = (
        Obligation.objects.filter(state__in=OPEN_STATES)
        .filter(Q(deadline__due_date__in=soon) | Q(deadline__due_date__lte=today))
        .select_related("deadline__kind", "commune", "agency")
        .order_by("deadline__due_date", "pk")
    )
    counts = {"obligations": 0, "notifications": 0, "emails": 0}
    users = list(User.objects.filter(is_active=True, role__in=[Role.COMMUNE_OFFICER, Role.AGENCY_OFFICER]))
    by_unit: dict[int, list[User]] = {}
    by_agency: dict[int, list[User]] = {}
    for u in users:
        if u.role == Role.COMMUNE_OFFICER and u.unit_id:
            by_unit.setdefault(u.unit_id, []).append(u)
        elif u.role == Role.AGENCY_OFFICER and u.agency_id:
            by_agency.setdefault(u.agency_id, []).append(u)
    for ob in due:
        recipients = by_unit.get(ob.commune_id, []) if ob.commune_id else by_agency.get(ob.agency_id, [])
        days = (ob.deadline.due_date - today).days
        name = ob.deadline.kind.short_name or ob.deadline.kind.name
        when = f"trước ngày {ob.deadline.due_date:%d/%m/%Y}"
        if days > 0:
            kind = NotificationKind.REMINDER
            title = f"Còn {days} ngày: nộp {name.lower()} {ob.deadline.label.lower()} {when}"
        else:
            kind = NotificationKind.OVERDUE
            late = (today - ob.deadline.due_date).days + 1
            title = f"Quá hạn {late} ngày: {name.lower()} {ob.deadline.label.lower()} phải nộp {when}"
        body = f"Đơn vị: {ob.owner_name}."
        if ob.commune_id:  # where the report goes: the chain in force on the due date (the 2025 reform)
            chain = chain_for(unit=ob.commune, is_area=False, on=ob.deadline.due_date)
            if chain.recipients:
                body += f" Gửi: {'; '.join(chain.recipients)}."
        if ob.state == ObligationState.RETURNED:
            body += f" Báo cáo đã bị trả lại để sửa: {ob.return_reason}"
        counts["obligations"] += 1
        before = Notification.objects.filter(key=f"reminder:{ob.pk}:{today.isoformat()}").count()
        counts["emails"] += notify(
            users=recipients, kind=kind, key=f"reminder:{ob.pk}:{today.isoformat()}", title=title, body=body,
            url=reverse("reporting:obligation_detail", args=[ob.pk]), obligation=ob, email=True, now=now,
        )
        counts["notifications"] += Notification.objects.filter(key=f"reminder:{ob.pk}:{today.isoformat()}").count() - before
    return counts


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None, now: dt.datetime | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=_now(now))


# --- Generated reports -----------------------------------------------------------------------------------


def reports_dir() -> Path:
    """Where generated workbooks live: MEDIA_ROOT/reporting/reports (under DATA_DIR by default)."""
    return Path(settings.MEDIA_ROOT) / "reporting" / "reports"


def report_units() -> list[AdministrativeUnit]:
    """The scopes a report can be made for: the program area and every commune it ever had."""
    area = program_area()
    communes = AdministrativeUnit.objects.filter(pk__in=program_area_commune_ids()).order_by("code", "valid_from")
    return [area, *communes]


def resolve_report_unit(*, code: str, kind: ReportKind, year: int) -> AdministrativeUnit:
    """A unit code of the API: the program area, or the commune bearing the code on the period's due date (a code
    reused after a merger means the unit in force then), or the latest unit with that code."""
    area = program_area()
    if code in ("", area.code):
        return area
    ids = program_area_commune_ids()
    due = kind.due_on(year) or dt.date(year, 12, 31)
    qs = AdministrativeUnit.objects.filter(code=code, level=Level.COMMUNE, pk__in=ids)
    unit = qs.in_force(due).first() or qs.order_by("-valid_from").first()
    if unit is None:
        raise ValidationError({"unit": f"Không có đơn vị mã {code} trong địa bàn."})
    return unit


@transaction.atomic
def report_request(
    *,
    kind: ReportKind,
    year: int,
    unit: AdministrativeUnit,
    variant: str = Variant.DRAFT,
    edition: str = Edition.SUMMARY,
    user: User | None = None,
    trigger: str = Trigger.MANUAL,
    trigger_key: str = "",
    structure: str | None = None,
    format: str = ReportFormat.XLSX,
) -> GeneratedReport:
    """Ask for a report (a workbook of the summary forms, or the narrative draft in Word): a new version row, pending. The caller queues the work (`reporting.tasks.report_enqueue`).

    Asking again while the same report is still being made returns that one; a scheduled run (same `trigger_key`)
    asked twice returns the first — one row either way.
    """
    if year not in kind.period_years():
        raise ValidationError({"year": f"{kind.name} không có kỳ báo cáo năm {year}."})
    if variant not in Variant.values:
        raise ValidationError({"variant": "Bản báo cáo không hợp lệ."})
    if edition not in Edition.values:
        raise ValidationError({"edition": "Nội dung báo cáo không hợp lệ."})
    if format not in ReportFormat.values:
        raise ValidationError({"format": "Định dạng phải là xlsx (bảng tính) hoặc docx (báo cáo Word)."})
    if user is not None:
        refusal = access.report_refusal(user, unit=unit, kind=kind, year=year)
        if refusal:
            raise ValidationError({"unit": refusal})
        if not access.can_request_edition(user, edition):
            raise ValidationError({"edition": "Vai trò của bạn không được lập báo cáo có danh sách hộ (dữ liệu cá nhân)."})
    if unit.pk != program_area().pk and unit.pk not in program_area_commune_ids():
        raise ValidationError({"unit": f"{unit.label} không thuộc địa bàn."})
    if structure is None:
        from .excel.context import default_structure

        structure = default_structure(year)
    elif structure not in Structure.values:
        raise ValidationError({"structure": "Cơ cấu đơn vị phải là historical hoặc current."})
    # Serialise requests for the same report so two clicks cannot both pick the next version number.
    ReportKind.objects.select_for_update().filter(pk=kind.pk).first()
    same = GeneratedReport.objects.filter(kind=kind, year=year, unit=unit, variant=variant, edition=edition, format=format)
    if trigger_key:
        existing = same.filter(trigger_key=trigger_key).first()
        if existing is not None:
            return existing
    running = same.filter(structure=structure, state__in=[ReportState.PENDING, ReportState.RUNNING]).order_by("-version").first()
    if running is not None:
        return running
    version = (same.aggregate(v=Max("version"))["v"] or 0) + 1
    return GeneratedReport.objects.create(
        kind=kind, year=year, unit=unit, variant=variant, edition=edition, version=version, structure=structure,
        format=format, trigger=trigger, trigger_key=trigger_key, requested_by=user, message="Đang chờ đến lượt lập báo cáo.",
    )


def report_progress(*, report_id: int, progress: int, message: str = "") -> None:
    """Progress (0–100), written at once outside any transaction so the page polling it sees it move."""
    GeneratedReport.objects.filter(pk=report_id, state=ReportState.RUNNING).update(
        progress=max(0, min(99, int(progress))), message=message[:255]
    )


def report_generate(*, report_id: int, now: dt.datetime | None = None) -> GeneratedReport:
    """Make the file of a requested report (the workbook, or the Word draft). Idempotent: a report already made is returned as it is (its file
    is never rewritten); an interrupted one is made again from the start. The same data give the same bytes
    (fixed document timestamps), hence the same checksum."""
    from .excel.context import report_context

    report = GeneratedReport.objects.select_related("kind", "unit").get(pk=report_id)
    if report.state == ReportState.SUCCEEDED:
        return report
    limit = int(getattr(settings, "REPORT_MAX_ATTEMPTS", 6))
    if report.attempts >= limit:
        # Redelivered again after its worker died (or its time ran out): fail it so that it can be asked for again.
        report_fail(report_id=report_id, error=GAVE_UP.format(n=report.attempts))
        report.refresh_from_db()
        return report
    GeneratedReport.objects.filter(pk=report_id).update(
        state=ReportState.RUNNING, started_at=_now(now), progress=1, error="", message="Đang tính số liệu…",
        attempts=report.attempts + 1,
    )
    folder = reports_dir() / report.kind.code / str(report.year)
    target = folder / report.filename
    clear_stale_temporaries(folder, target.stem)

    def progress(pct: int, message: str = "") -> None:
        report_progress(report_id=report_id, progress=pct, message=message)

    ctx = report_context(report=report, progress=progress)
    # The name carries the version, so no other report's file is ever replaced; a file left by an attempt that died
    # after its rename but before this row was updated is written again, byte for byte the same.
    build = _builder(report.format)
    checksum, size = write_atomically(target=target, write=lambda path: build(ctx, path, progress=progress))
    relative = target.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
    GeneratedReport.objects.filter(pk=report_id).update(
        state=ReportState.SUCCEEDED, progress=100, file=relative, checksum=checksum, size=size,
        generated_at=_now(now), message="Đã lập xong báo cáo.", error="",
    )
    report.refresh_from_db()
    if report.requested_by_id:
        with translation.override("vi"):  # stored in Vietnamese (the e-mail too); pages translate it
            notify(
                users=[report.requested_by], kind=NotificationKind.REPORT_READY, key=f"report:{report.pk}",
                title=f"Đã lập xong {report.short_title[:1].lower()}{report.short_title[1:]} – {report.unit.name}",
                url=reverse("reporting:report_detail", args=[report.pk]), now=now,
            )
    return report


def _builder(format: str):
    if format == ReportFormat.DOCX:
        from .docx import build_report_document

        return build_report_document
    from .excel import build_report_workbook

    return build_report_workbook


def report_fail(*, report_id: int, error: str) -> None:
    GeneratedReport.objects.filter(pk=report_id).exclude(state=ReportState.SUCCEEDED).update(
        state=ReportState.FAILED, error=error[:4000], message="Không lập được báo cáo."
    )


def report_scheduled(*, kind_code: str, variant: str, year: int | None = None, now: dt.datetime | None = None) -> list[GeneratedReport]:
    """The beat entry's work: the district report of the period due this year (both editions), once per day.

    Does nothing when the kind has no period this year (the five-year report's entry also fires on 15 September of
    other years)."""
    today = local_day(now)
    kind = ReportKind.objects.filter(code=kind_code, active=True).first()
    if kind is None:
        return []
    year = year or today.year
    if year not in kind.period_years():
        return []
    unit = program_area()
    key = f"beat:{today.isoformat()}"
    made = []
    # The two workbooks and the Word draft of the narrative report (the officer edits it before signing).
    for edition, format in ((Edition.SUMMARY, ReportFormat.XLSX), (Edition.FULL, ReportFormat.XLSX), (Edition.SUMMARY, ReportFormat.DOCX)):
        report = report_request(kind=kind, year=year, unit=unit, variant=variant, edition=edition, format=format,
                                trigger=Trigger.SCHEDULE, trigger_key=key)
        made.append(report_generate(report_id=report.pk, now=now))
    return made


def download_record(*, report: GeneratedReport | None = None, attachment: Attachment | None = None, user: User, request: Any = None, via_api: bool = False) -> DownloadLog:
    """Log a download (every one, by anyone): who, when, from which address, which content."""
    ip = agent = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
        agent = (request.META.get("HTTP_USER_AGENT") or "")[:255]
    if report is not None and report.personal_data and request is not None:
        # The full edition lists households and people: it goes to the personal-data access log too.
        from accounts.audit import AccessChannel, personal_data_read

        personal_data_read(request, channel=AccessChannel.DOWNLOAD, records=1,
                           what=f"Tải {report.short_title} – {report.unit.name} (bản đầy đủ)", masked=False)
    return DownloadLog.objects.create(
        report=report, attachment=attachment, user=user, ip=ip, user_agent=agent or "", via_api=via_api,
        checksum=(report.checksum if report else attachment.sha256 if attachment else ""),
    )


REPORT_STUCK = (
    "Báo cáo bị gián đoạn: không lập xong trong {minutes} phút (máy chủ có thể đã khởi động lại giữa chừng). "
    "Hãy yêu cầu lập lại."
)


def reports_sweep(*, now: dt.datetime | None = None) -> int:
    """Fail the reports left pending or running past the task's time limit, its retries' waits included (a worker
    killed mid-way leaves "running 27 %" otherwise, and asking again would return that row): they can then be asked
    for again. A report's file is written atomically, so nothing half-made is served. Returns how many."""
    from households.jobs import stuck_after

    now = now or timezone.now()
    limit = stuck_after() + dt.timedelta(minutes=15)  # the transient-error retries wait up to ~15 minutes in all
    minutes = int(limit.total_seconds() // 60)
    running = GeneratedReport.objects.filter(state=ReportState.RUNNING, started_at__lt=now - limit)
    waiting = GeneratedReport.objects.filter(state=ReportState.PENDING, created_at__lt=now - limit)
    return sum(qs.update(state=ReportState.FAILED, error=REPORT_STUCK.format(minutes=minutes), message=REPORT_STUCK.format(minutes=minutes)[:255])
               for qs in (running, waiting))
