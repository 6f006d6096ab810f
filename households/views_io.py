"""Pages for data in and out: the import template, upload, preview (with a progress bar for large files),
confirmation, the errors workbook, and the household and member exports."""
from __future__ import annotations

import os

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from accounts.scoping import scope

from . import exports, imports, imports_reviews, selectors
from .datatext import translate_data
from .excel_io import MAX_BYTES, WorkbookError, sniff
from .models import Household, Job, JobStatus

IMPORTERS = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER)
IMPORT_KINDS = (imports.JOB_KIND, imports_reviews.JOB_KIND)
EXPORTERS = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER)
PAGE_ROWS = 100


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx, .xls)"), error_messages={
        "required": gettext_lazy("Hãy chọn tệp để tải lên."),
        "empty": gettext_lazy("Tệp rỗng (0 byte). Hãy chọn lại tệp Excel đã lưu."),
        "invalid": gettext_lazy("Không nhận được tệp. Hãy chọn lại tệp."),
    })
    commune = forms.ModelChoiceField(label=gettext_lazy("Xã"), queryset=None, required=False,
                                     empty_label=gettext_lazy("— Theo cột “Xã” trong tệp —"))

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import AdministrativeUnit

        self.communes = communes
        self.fields["commune"].queryset = AdministrativeUnit.objects.filter(pk__in=[c.pk for c in communes]).order_by("name")
        if len(communes) == 1:
            self.fields["commune"].initial = communes[0]
            self.fields["commune"].empty_label = None

    def clean_commune(self):
        # An officer of one commune imports into it without choosing.
        commune = self.cleaned_data.get("commune")
        return commune or (self.communes[0] if len(self.communes) == 1 else None)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*IMPORTERS)
def import_template(request):
    communes = exports.communes_for_import(request.user)
    data = exports.households_template(communes=communes)
    name = "mau-nhap-ho-gia-dinh" + (f"-{communes[0].code}" if len(communes) == 1 else "") + ".xlsx"
    return _xlsx(data, name)


@role_required(*IMPORTERS)
def import_start(request):
    user = request.user
    communes = exports.communes_for_import(user)
    form = UploadForm(request.POST or None, request.FILES or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        job = _job_from_upload(form, lambda data, name: imports.import_job_create(
            user=user, filename=name, data=data, commune=form.cleaned_data.get("commune")))
        if job is not None:
            return redirect("households:import_job", pk=job.pk)
    recent = scope(user, Job.objects.filter(kind=imports.JOB_KIND, created_by=user)).order_by("-created_at")[:10]
    return render(request, "households/import_start.html", {"form": form, "recent": recent, "communes": communes,
                                                             "sync_limit": imports.SYNC_ROW_LIMIT,
                                                             "review_year": _default_review_year()})


def _job_from_upload(form, create) -> Job | None:
    """The uploaded workbook as an import job, checked now when small and by Celery otherwise; None (with the
    error on the form) when the file is not a workbook we can read."""
    upload = form.cleaned_data["file"]
    if upload.size > MAX_BYTES:  # before reading it: Django keeps a large upload on disk, not in memory
        form.add_error("file", gettext("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.") % {
            "size": f"{upload.size / 1024 / 1024:.0f}", "limit": MAX_BYTES // 1024 // 1024})
        return None
    data = upload.read()
    try:
        sniff(data, upload.name)
    except WorkbookError as exc:
        form.add_error("file", translate_data(str(exc)))
        return None
    job = create(data, upload.name)
    if imports.estimated_rows(data) <= imports.SYNC_ROW_LIMIT:
        imports.import_job_run(job_id=job.pk)
    else:
        _queue(job)
    return job


def _queue(job: Job) -> None:
    from .tasks_io import households_import_task, reviews_import_task

    task = reviews_import_task if job.kind == imports_reviews.JOB_KIND else households_import_task
    transaction.on_commit(lambda: task.delay(job.pk))


def _job_for(request, pk: int) -> Job:
    return get_object_or_404(scope(request.user, Job.objects.filter(kind__in=IMPORT_KINDS)), pk=pk)


# --- the annual review results (kết quả rà soát) ------------------------------------------------------------


def _review_years() -> list[int]:
    return list(range(timezone.localdate().year, imports_reviews.FIRST_YEAR - 1, -1))


def _default_review_year() -> int:
    """The year whose review is under way: this year from the periodic review (September), else last year's
    until the new one starts."""
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


class ReviewUploadForm(UploadForm):
    year = forms.TypedChoiceField(label=gettext_lazy("Năm rà soát"), coerce=int, choices=())

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, communes=communes, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in _review_years()]
        self.fields["year"].initial = _default_review_year()
        self.fields["commune"].empty_label = gettext("— Các xã của các hộ trong tệp —")
        self.order_fields(["file", "year", "commune"])


def _template_commune(request, communes):
    wanted = request.GET.get("commune", "")
    if len(communes) == 1 and not wanted:
        return communes[0]
    return next((c for c in communes if str(c.pk) == wanted or c.code == wanted), None)


@role_required(*IMPORTERS)
def review_import_template(request):
    """The review template of one commune and year, pre-filled with its households."""
    communes = exports.communes_for_import(request.user)
    commune = _template_commune(request, communes)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else _default_review_year()
    if year not in _review_years():
        raise Http404(gettext("Năm rà soát không hợp lệ."))
    if commune is None:
        if request.GET.get("commune"):
            raise Http404(gettext("Không tìm thấy xã này trong phạm vi của bạn."))
        messages.error(request, gettext("Hãy chọn xã để tải tệp mẫu kết quả rà soát."))
        return redirect(reverse("households:review_import_start") + f"?year={year}")
    try:
        path = exports.reviews_template(commune=commune, year=year)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(reverse("households:review_import_start") + f"?year={year}")
    return _file_response(path, f"mau-ket-qua-ra-soat-{year}-{commune.code}.xlsx")


@role_required(*IMPORTERS)
def review_import_start(request):
    """Upload a commune's review results of a year: checked now (small files) or by Celery, then previewed."""
    user = request.user
    communes = exports.communes_for_import(user)
    initial = {}
    if request.GET.get("year", "").isdigit():
        initial["year"] = int(request.GET["year"])
    chosen = _template_commune(request, communes) if request.GET.get("commune") else None
    if chosen is not None:
        initial["commune"] = chosen
    form = ReviewUploadForm(request.POST or None, request.FILES or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = _job_from_upload(form, lambda data, name: imports_reviews.review_job_create(
            user=user, filename=name, data=data, year=form.cleaned_data["year"], commune=form.cleaned_data.get("commune")))
        if job is not None:
            return redirect("households:import_job", pk=job.pk)
    recent = scope(user, Job.objects.filter(kind=imports_reviews.JOB_KIND, created_by=user)).order_by("-created_at")[:10]
    return render(request, "households/import_review_start.html", {
        "form": form, "recent": recent, "communes": communes, "years": _review_years(),
        "year": initial.get("year") or _default_review_year(), "chosen": chosen,
        "sync_limit": imports.SYNC_ROW_LIMIT,
    })


@role_required(*IMPORTERS)
def import_job(request, pk: int):
    job = _job_for(request, pk)
    context = {"job": job, "running": not job.done}
    if job.done and job.status == JobStatus.SUCCEEDED:
        phase = (job.result or {}).get("phase")
        name = "committed.json" if phase == "committed" else "preview.json"
        path = imports.job_dir(job) / name
        if path.exists():
            import json

            preview = json.loads(path.read_text(encoding="utf-8"))
            context.update(_preview_context(request, preview))
            context["committed"] = phase == "committed"
    if request.htmx:
        return render(request, "households/import_progress.html", context)
    if job.kind == imports_reviews.JOB_KIND:
        context["outcomes"] = imports_reviews.OUTCOME_LABELS
        for r in context.get("page_rows", []):
            r["label"] = imports_reviews.OUTCOME_LABELS.get(r["outcome"], r["outcome"])
        return render(request, "households/import_review_job.html", context)
    return render(request, "households/import_job.html", context)


def _preview_context(request, preview: dict) -> dict:
    outcome = request.GET.get("outcome", "")
    rows = preview.get("rows", [])
    if outcome:
        rows = [r for r in rows if r[3] == outcome]
    problems_by_row: dict[int, list[dict]] = {}
    for p in preview.get("problems", []):
        problems_by_row.setdefault(p["row"], []).append(p)
    page = Paginator(rows, PAGE_ROWS).get_page(request.GET.get("page"))
    page_rows = [
        {"row": r[0], "code": r[1], "name": r[2], "outcome": r[3], "label": imports.OUTCOME_LABELS.get(r[3], r[3]),
         "changes": r[4], "problems": problems_by_row.get(r[0], [])}
        for r in page.object_list
    ]
    return {
        "preview": preview,
        "totals": preview.get("totals", {}),
        "problems": preview.get("problems", [])[:500],
        "problem_count": len(preview.get("problems", [])),
        "page": page,
        "page_rows": page_rows,
        "outcome": outcome,
        "outcomes": imports.OUTCOME_LABELS,
    }


@require_POST
@role_required(*IMPORTERS)
def import_confirm(request, pk: int):
    job = _job_for(request, pk)
    if not imports.import_job_confirm(job=job):
        messages.error(request, gettext("Tệp này không thể ghi: còn lỗi, không có gì thay đổi, hoặc đã được ghi."))
        return redirect("households:import_job", pk=job.pk)
    totals = (job.result or {}).get("totals", {})
    sync = totals.get("rows", 0) <= imports.SYNC_ROW_LIMIT  # larger files go to Celery with the progress bar
    if sync:
        imports.import_job_run(job_id=job.pk)
        job.refresh_from_db()
        if (job.result or {}).get("phase") == "committed":
            t = job.result["totals"]
            if job.kind == imports_reviews.JOB_KIND:
                messages.success(request, gettext("Đã ghi kết quả rà soát năm %(year)s: %(new)s hộ thêm mới, "
                                                  "%(updated)s hộ cập nhật.") % {
                    "year": job.params.get("year"), "new": t["new"], "updated": t["updated"]})
            else:
                messages.success(request, gettext("Đã ghi vào sổ hộ: %(new)s hộ mới, %(updated)s hộ cập nhật.") % {
                    "new": t["new"], "updated": t["updated"]})
        else:
            messages.error(request, gettext("Chưa ghi dòng nào: dữ liệu đã thay đổi sau khi xem trước. Xem lại các lỗi "
                                            "dưới đây."))
    else:
        _queue(job)
    return redirect("households:import_job", pk=job.pk)


@role_required(*IMPORTERS)
def import_errors(request, pk: int):
    job = _job_for(request, pk)
    preview = imports.preview_load(job)
    if not preview or not preview.get("problems"):
        raise Http404
    data = exports.errors_workbook(data=imports.source_bytes(job), filename=job.params.get("filename", ""),
                                   preview=preview)
    base = os.path.splitext(os.path.basename(job.params.get("filename", "tep")))[0]
    return _xlsx(data, f"{base}-loi-can-sua.xlsx")


def _filtered(request):
    user = request.user
    qs = selectors.households_list(
        qs=scope(user, Household.objects.all()),
        search=request.GET.get("q", ""),
        commune=request.GET.get("commune", ""),
        village=request.GET.get("village", ""),
        user=user,
    )
    filters = {k: request.GET[k] for k in ("q", "commune", "village") if request.GET.get(k)}
    return qs, filters


def _file_response(path, filename: str) -> FileResponse:
    handle = open(path, "rb")
    os.unlink(path)  # the open handle keeps the data until the response is sent
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=exports.XLSX)


@role_required(*EXPORTERS)
def export_households(request):
    qs, filters = _filtered(request)
    path = exports.households_export(user=request.user, qs=qs, filters=filters)
    return _file_response(path, f"ho-gia-dinh-{timezone.localdate():%Y%m%d}.xlsx")


@role_required(*EXPORTERS)
def export_members(request):
    qs, filters = _filtered(request)
    path = exports.members_export(user=request.user, qs=qs, filters=filters)
    return _file_response(path, f"nhan-khau-{timezone.localdate():%Y%m%d}.xlsx")


@role_required(*EXPORTERS)
def export_reviews(request):
    """The annual reviews the user may see, filtered by year and by the household list's filters."""
    from .models import AnnualReview

    qs, filters = _filtered(request)
    reviews = scope(request.user, AnnualReview.objects.filter(household__in=qs.order_by().values("pk")))
    year = request.GET.get("year", "")
    if year.isdigit():
        reviews = reviews.filter(year=int(year))
        filters["year"] = year
    path = exports.reviews_export(user=request.user, qs=reviews, filters=filters)
    return _file_response(path, f"ket-qua-ra-soat-{year or 'cac-nam'}.xlsx")


def export_links(request) -> dict[str, str]:
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    return {
        "households": reverse("households:export_households") + suffix,
        "members": reverse("households:export_members") + suffix,
        "reviews": reverse("households:export_reviews") + suffix,
    }


@role_required(*EXPORTERS)
def export_page(request):
    """Exports of the lists the user can see, with the same filters as the household list."""
    from .views import _communes_for, _villages_for, village_options

    user = request.user
    qs, filters = _filtered(request)
    return render(request, "households/export.html", {
        "count": qs.count(), "links": export_links(request), "communes": _communes_for(user),
        "village_options": village_options(_villages_for(user)), "q": request.GET.get("q", ""), "commune": request.GET.get("commune", ""),
        "village": request.GET.get("village", ""), "year": request.GET.get("year", ""),
        "masked": not user.sees_personal_data,
        "can_import": user.can_edit_registry,
    })
