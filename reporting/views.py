"""Pages of reporting on time: obligations and submissions, the report generation page with its progress bar, the
download centre, notifications. Thin: scoping by `reporting.access` (on top of `accounts.scoping.scope`), rules by
`reporting.services`. Files are served only here, after the scope check, and every download is logged."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.utils.translation import gettext

from accounts.permissions import role_required
from households.errors import StaleVersion
from households.models import AdministrativeUnit
from households.structure import program_area

from . import access, figures, services, tasks
from .chain import chain_for
from .forms import AttachmentForm, ReportRequestForm, ReturnForm, SubmissionForm
from .models import (
    GeneratedReport,
    Notification,
    Obligation,
    ObligationState,
    ReportingDeadline,
    ReportKind,
    ReportState,
    Submission,
)


def _errors(request, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


# --- Obligations and submissions -------------------------------------------------------------------------


@role_required(*access.OBLIGATION_ROLES)
def obligation_list(request):
    """Reports owed by period: the officer's own, or, for the district office, everyone's with compliance counts."""
    user = request.user
    services.deadlines_open()
    qs = access.obligations_for(user).select_related("deadline__kind", "commune", "agency")
    deadlines = ReportingDeadline.objects.filter(pk__in=qs.values("deadline_id")).select_related("kind").order_by("-due_date")
    selected = None
    wanted = request.GET.get("deadline")
    if wanted and wanted.isdigit():
        selected = deadlines.filter(pk=int(wanted)).first()
    if selected is None:
        today = timezone.localdate()
        selected = deadlines.filter(due_date__gte=today).order_by("due_date").first() or deadlines.first()
    state = request.GET.get("state", "")
    rows = qs.filter(deadline=selected) if selected else qs.none()
    summary = None
    if selected is not None and access.can_review(user):
        counts = rows.aggregate(
            n_total=Count("id"),
            n_on_time=Count("id", filter=Q(on_time=True)),
            n_late=Count("id", filter=Q(on_time=False)),
            n_pending=Count("id", filter=Q(state__in=[ObligationState.NOT_STARTED, ObligationState.DRAFT])),
            n_returned=Count("id", filter=Q(state=ObligationState.RETURNED)),
            n_accepted=Count("id", filter=Q(state=ObligationState.ACCEPTED)),
        )
        summary = {k[2:]: v for k, v in counts.items()}
    if state in ObligationState.values:
        rows = rows.filter(state=state)
    rows = rows.order_by("agency__plan_item", "commune__code", "agency__code")
    return render(
        request,
        "reporting/obligation_list.html",
        {
            "deadlines": deadlines, "selected": selected, "rows": rows, "summary": summary, "state": state,
            "states": ObligationState.choices, "today": timezone.localdate(), "can_review": access.can_review(user),
            "chain_note": _chain_note(user, selected),
        },
    )


def _chain_note(user, deadline) -> str:
    """Where this period's reports go: the reporting chain in force on its due date (changed on 1 July 2025)."""
    if deadline is None:
        return ""
    unit = user.unit if user.unit_id else program_area()
    return chain_for(unit=unit, is_area=False, on=deadline.due_date).note


def _obligation_or_404(request, pk: int) -> Obligation:
    return get_object_or_404(access.obligations_for(request.user).select_related("deadline__kind", "commune", "agency"), pk=pk)


@role_required(*access.OBLIGATION_ROLES)
def obligation_detail(request, pk: int):
    """The submission form for the owner (while the report is owed); the read-only report and the accept/return
    actions for the district office."""
    obligation = _obligation_or_404(request, pk)
    user = request.user
    submission = Submission.objects.filter(obligation=obligation).prefetch_related("attachments").first()
    is_owner = access.is_owner(user, obligation)
    editable = is_owner and obligation.is_open
    if obligation.is_open or submission is None or not submission.figures:
        figs = figures.obligation_figures(obligation=obligation)
        frozen = False
    else:
        figs, frozen = submission.figures, True
    initial = {"version": submission.version if submission else None}
    if submission:
        initial.update({"narrative": submission.narrative, "proposals": submission.proposals})
        initial.update({f"comment_{k}": v for k, v in (submission.comments or {}).items()})
    form = SubmissionForm(initial=initial, figures=figs)
    if request.method == "POST" and editable:
        form = SubmissionForm(request.POST, figures=figs)
        if form.is_valid():
            try:
                submission = services.submission_save(
                    obligation=obligation, user=user, narrative=form.cleaned_data["narrative"],
                    proposals=form.cleaned_data["proposals"], comments=form.comments(),
                    version=form.cleaned_data.get("version"),
                )
                if "submit" in request.POST:
                    services.submission_submit(obligation=obligation, user=user)
                    messages.success(request, gettext("Đã nộp báo cáo. Phòng Lao động - TB&XH đã nhận được thông báo."))
                else:
                    messages.success(request, gettext("Đã lưu bản nháp."))
                return redirect("reporting:obligation_detail", pk=obligation.pk)
            except StaleVersion as exc:
                messages.error(request, exc.messages[0])
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errs in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    _errors(request, exc)
    history = obligation.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "reporting/obligation_detail.html",
        {
            "obligation": obligation, "submission": submission, "form": form, "editable": editable,
            "is_owner": is_owner, "frozen": frozen, "figures": figs,
            "attachment_form": AttachmentForm(), "return_form": ReturnForm(),
            "can_review": access.can_review(user) and obligation.state == ObligationState.SUBMITTED,
            "history": history, "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(*access.OBLIGATION_ROLES)
def obligation_attach(request, pk: int):
    obligation = _obligation_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(obligation=obligation, user=request.user, upload=form.cleaned_data["file"])
            messages.success(request, gettext("Đã đính kèm tệp."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, gettext("Chọn một tệp để đính kèm."))
    return redirect("reporting:obligation_detail", pk=obligation.pk)


@require_POST
@role_required(*access.OBLIGATION_ROLES)
def attachment_delete(request, pk: int, attachment_pk: int):
    obligation = _obligation_or_404(request, pk)
    attachment = get_object_or_404(access.attachments_for(request.user), pk=attachment_pk, submission__obligation=obligation)
    try:
        services.attachment_delete(attachment=attachment, user=request.user)
        messages.success(request, gettext("Đã xóa tệp đính kèm."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reporting:obligation_detail", pk=obligation.pk)


@role_required(*access.OBLIGATION_ROLES)
def attachment_download(request, pk: int, attachment_pk: int):
    obligation = _obligation_or_404(request, pk)
    attachment = get_object_or_404(access.attachments_for(request.user), pk=attachment_pk, submission__obligation=obligation)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("Không tìm thấy tệp."))
    services.download_record(attachment=attachment, user=request.user, request=request)
    return FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type or None)


@require_POST
@role_required(*access.REVIEWER_ROLES)
def obligation_decide(request, pk: int):
    obligation = _obligation_or_404(request, pk)
    try:
        if request.POST.get("action") == "accept":
            services.obligation_accept(obligation=obligation, user=request.user)
            messages.success(request, gettext("Đã tiếp nhận báo cáo của %(owner_name)s.") % {"owner_name": obligation.owner_name})
        elif request.POST.get("action") == "return":
            services.obligation_return(obligation=obligation, user=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, gettext("Đã trả lại báo cáo của %(owner_name)s để sửa.") % {"owner_name": obligation.owner_name})
        else:
            messages.error(request, gettext("Thao tác không hợp lệ."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("reporting:obligation_detail", pk=obligation.pk)


# --- Generated reports: the generation page and the download centre ---------------------------------------


def _report_units_for(user) -> list[AdministrativeUnit]:
    """The district office: the area and every commune; a commune officer: their own commune."""
    if access.can_request_any_unit(user):
        return services.report_units()
    if access.can_request_reports(user) and user.unit_id:
        return [user.unit]
    return []


@role_required(*access.DOWNLOAD_CENTRE_ROLES)
def download_centre(request):
    """Every generated report the user may download, with kind, period, scope, version, time and checksum."""
    user = request.user
    qs = access.reports_for(user).select_related("kind", "unit", "requested_by")
    kind, year, unit = request.GET.get("kind", ""), request.GET.get("year", ""), request.GET.get("unit", "")
    if kind:
        qs = qs.filter(kind__code=kind)
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if unit:
        qs = qs.filter(unit__code=unit)
    qs = qs.order_by("-year", "kind__order", "unit__code", "-variant", "-version", "edition")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    years = access.reports_for(user).order_by("-year").values_list("year", flat=True).distinct()
    return render(
        request,
        "reporting/download_centre.html",
        {
            "page": page, "kinds": ReportKind.objects.all(), "years": years, "kind": kind, "year": year, "unit": unit,
            "can_request": access.can_request_reports(user),
        },
    )


@role_required(*access.REPORT_MAKER_ROLES)
def report_new(request):
    """The on-demand generation page: choose kind, period, scope; the work runs in the background."""
    user = request.user
    units = _report_units_for(user)
    form = ReportRequestForm(request.POST or None, units=units, allow_full=user.sees_personal_data,
                             any_unit=access.can_request_any_unit(user),
                             initial={"unit": str(units[0].pk) if units else None})
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
        try:
            report = services.report_request(
                kind=form.cleaned_data["kind"], year=form.cleaned_data["year"], unit=unit,
                variant=form.cleaned_data["variant"], edition=form.cleaned_data["edition"], user=user,
                structure=form.cleaned_data.get("structure") or None, format=form.cleaned_data["format"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            tasks.report_enqueue(report)
            return redirect("reporting:report_detail", pk=report.pk)
    return render(request, "reporting/report_new.html", {"form": form})


def _report_or_404(request, pk: int) -> GeneratedReport:
    return get_object_or_404(access.reports_for(request.user).select_related("kind", "unit", "requested_by"), pk=pk)


@role_required(*access.REPORT_READER_ROLES)
def report_detail(request, pk: int):
    report = _report_or_404(request, pk)
    versions = (
        access.reports_for(request.user)
        .filter(kind=report.kind, year=report.year, unit=report.unit, variant=report.variant, edition=report.edition, format=report.format)
        .order_by("-version")
    )
    downloads = report.downloads.select_related("user")[:50] if access.can_request_any_unit(request.user) else []
    return render(request, "reporting/report_detail.html", {"report": report, "versions": versions, "downloads": downloads})


@role_required(*access.REPORT_READER_ROLES)
def report_status(request, pk: int):
    """The progress bar, polled by the page (htmx) until the report is done."""
    report = _report_or_404(request, pk)
    return render(request, "reporting/_report_status.html", {"report": report})


@role_required(*access.REPORT_READER_ROLES)
def report_download(request, pk: int):
    report = _report_or_404(request, pk)
    if report.state != ReportState.SUCCEEDED or not report.file:
        raise Http404(gettext("Báo cáo chưa lập xong."))
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("Không tìm thấy tệp báo cáo."))
    services.download_record(report=report, user=request.user, request=request)
    response = FileResponse(handle, as_attachment=True, filename=report.filename, content_type=report.content_type)
    response["X-Checksum-SHA256"] = report.checksum
    return response


# --- Notifications -----------------------------------------------------------------------------------------


@login_required
def notification_list(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, gettext("Đã đánh dấu tất cả thông báo là đã đọc."))
        return redirect("reporting:notifications")
    qs = Notification.objects.filter(user=request.user).select_related("obligation")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "reporting/notification_list.html", {"page": page, "unread": qs.filter(read_at__isnull=True).count()})


@login_required
def notification_open(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notifications_mark_read(user=request.user, ids=[note.pk])
    return redirect(note.url or "reporting:notifications")
