"""Pages of the plan: the plan itself, targets, tasks and their progress, support delivered, funds."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.utils.translation import gettext

from accounts.models import Role
from accounts.permissions import REGISTRY_READERS, role_required
from accounts.scoping import commune_ids, scope
from households.errors import StaleVersion
from households.models import AdministrativeUnit, Household

from . import selectors, services
from .forms import FundAllocationForm, SupportRecordForm, TaskAssignForm, TaskUpdateForm, attach_errors
from .models import (
    Agency, Duty, FundAllocation, FundingSource, Metric, SupportKind, SupportPolicy, SupportRecord, Target,
    TaskAssignment, TaskStatus, TaskUpdate,
)
from .tracking import STATUS_LABELS

ALL_ROLES = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER)
# The province follows the tasks (read only); support records name households, so it does not read those.
TASK_ROLES = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER)
SUPPORT_ROLES = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _year(value, default=None):
    """A year parameter: an integer from 2000 to 2100, else the default (no error page for a typed URL)."""
    year = _int(value)
    return year if year is not None and 2000 <= year <= 2100 else default


def _is_commune_officer(user) -> bool:
    return user.role == Role.COMMUNE_OFFICER and not user.is_superuser


# --- The plan ---------------------------------------------------------------------------------------------------


@role_required(*ALL_ROLES)
def plan_overview(request):
    plan = selectors.current_plan()
    if plan is None:
        raise Http404(gettext("Chưa nạp Kế hoạch."))
    duties = Duty.objects.filter(plan=plan).select_related("agency", "solution_group").prefetch_related("cooperating")
    agencies = []
    by_agency: dict[int, list[Duty]] = {}
    for d in duties.order_by("order"):
        by_agency.setdefault(d.agency_id, []).append(d)
    for agency in Agency.objects.order_by("plan_item", "code"):
        agencies.append({"agency": agency, "duties": by_agency.get(agency.pk, [])})
    context = {
        "plan": plan,
        "documents": plan.documents.order_by("order"),
        "groups": plan.solution_groups.order_by("number").prefetch_related("duties"),
        "targets": plan.targets.filter(parent__isnull=True).select_related("unit").order_by("order"),
        "agencies": agencies,
        "reporting": plan.reporting.order_by("order"),
        "policies": SupportPolicy.objects.select_related("agency").prefetch_related("needs").order_by("order"),
    }
    return render(request, "programs/plan.html", context)


# --- Targets ----------------------------------------------------------------------------------------------------


def _target_year(request, latest: int | None) -> int:
    return _year(request.GET.get("year"), latest or timezone.localdate().year)


def _visible_communes(user, day: dt.date) -> list[AdministrativeUnit]:
    communes = selectors.communes_on(day)
    ids = commune_ids(user)
    if ids is None:
        return communes
    return [c for c in communes if c.pk in ids]


@role_required(*ALL_ROLES)
def targets(request):
    """The plan's targets for a year: actual (computed from the official reviews), status, what is still needed;
    and each commune's standing (a commune officer sees the district and their own commune)."""
    district = list(
        selectors.targets_queryset().filter(parent__isnull=True).prefetch_related(
            Prefetch("divisions", queryset=Target.objects.select_related("unit"))
        )
    )
    ctx = selectors.target_context(targets=district)
    latest = ctx.latest_year
    year = _target_year(request, latest)
    communes = _visible_communes(request.user, selectors.year_end(year))
    rows, matrix = selectors.targets_matrix(targets=district, year=year, communes=communes, ctx=ctx)
    # No target is judged on a year whose review is not complete (docs/figures.md): the area's row when the year is
    # not done, a commune's cells when that commune is not.
    done = ctx.completeness(year)
    for line in matrix:
        line["judged"] = bool(done.by_unit.get(line["commune"].pk, {}).get("done"))
    first = min((t.baseline_year for t in district), default=2021)
    last = max([latest or 0, timezone.localdate().year, year])
    context = {
        "completeness": done,
        "year": year,
        "years": list(range(last, first - 1, -1)),
        "rows": rows,
        "matrix": matrix,
        "latest": latest,
        "can_manage": services.can_manage_plan(request.user),
        "status_labels": STATUS_LABELS,
    }
    return render(request, "programs/targets.html", context)


@role_required(*ALL_ROLES)
def target_detail(request, pk: int):
    target = get_object_or_404(selectors.targets_queryset(), pk=pk)
    user = request.user
    ids = commune_ids(user)
    if target.parent_id and ids is not None and target.unit_id not in ids:
        raise Http404
    ctx = selectors.target_context(targets=[target])
    year = _target_year(request, ctx.latest_year)
    district = target.parent or target
    communes = _visible_communes(user, selectors.year_end(year))
    progress = selectors.target_progress(target=target, year=year, ctx=ctx)
    by_commune = []
    if target.parent_id is None:
        by_commune = selectors.target_by_commune(target=target, year=year, communes=communes, ctx=ctx)
    context = {
        "target": target,
        "district": district,
        "year": year,
        "years": list(range(max(timezone.localdate().year, year, target.end_year), target.baseline_year - 1, -1)),
        "progress": progress,
        "by_commune": by_commune,
        "can_manage": services.can_manage_plan(user) and target.parent_id is None,
        "is_rate": target.metric in (Metric.POVERTY_RATE_REDUCTION, Metric.ETHNIC_MINORITY_POVERTY_RATE_REDUCTION),
    }
    return render(request, "programs/target_detail.html", context)


@role_required(Role.DISTRICT_OFFICER)
def target_divide(request, pk: int):
    """The district divides a target among today's communes (a value per commune; empty removes it)."""
    target = get_object_or_404(selectors.targets_queryset().filter(parent__isnull=True), pk=pk)
    communes = selectors.communes_on(timezone.localdate())
    current = {d.unit_id: d.value for d in target.divisions.all()}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {c: request.POST.get(f"commune_{c.code}", "").strip() for c in communes}
        try:
            services.target_divide(user=request.user, target=target, values=values)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            current = {c.pk: v for c, v in values.items()}
        else:
            messages.success(request, gettext("Đã lưu chỉ tiêu phân bổ cho các xã: %(title)s.") % {"title": target.title})
            return redirect("programs:target_detail", pk=target.pk)
    rows = [
        {"commune": c, "name": f"commune_{c.code}", "value": current.get(c.pk, ""), "errors": errors.get(f"commune_{c.code}", [])}
        for c in communes
    ]
    return render(request, "programs/target_divide.html", {"target": target, "rows": rows, "errors": errors.get("__all__", [])})


# --- Tasks ------------------------------------------------------------------------------------------------------


@role_required(*TASK_ROLES)
def tasks(request, assign_form=None, status: int = 200):
    user = request.user
    plan = selectors.current_plan()
    scoped = scope(user, TaskAssignment.objects.all())
    years = selectors.task_years(qs=scoped)
    today_year = timezone.localdate().year
    default_year = today_year if today_year in years else (years[0] if years else today_year)
    year_param = request.GET.get("year")
    year = None if year_param == "all" else _year(year_param, default_year)
    filters = {
        "agency": request.GET.get("agency", ""),
        "status": request.GET.get("status", ""),
        "flag": request.GET.get("flag", ""),
        "commune": request.GET.get("commune", ""),
    }
    qs = selectors.tasks_list(qs=scoped, year=year, plan=plan, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    summary = []
    if not _is_commune_officer(user) and not (user.role == Role.AGENCY_OFFICER and not user.is_superuser):
        summary = selectors.tasks_summary_by_agency(qs=scoped, year=year, plan=plan)
    context = {
        "page": page,
        "year": year,
        "years": years or [today_year],
        "filters": filters,
        "summary": summary,
        "agencies": Agency.objects.order_by("plan_item"),
        "statuses": TaskStatus.choices,
        "communes": _visible_communes(user, timezone.localdate()) if not user.role == Role.AGENCY_OFFICER else [],
        "can_manage": services.can_manage_plan(user),
        "silence_days": plan.silence_days if plan else 90,
        "open_year": today_year,
    }
    if context["can_manage"]:
        context["assign_form"] = assign_form or TaskAssignForm(
            initial={"year": year or today_year}, duties=_assignable_duties(plan), agencies=Agency.objects.order_by("plan_item"))
    return render(request, "programs/tasks.html", context, status=status)


@role_required(Role.DISTRICT_OFFICER)
@require_POST
def tasks_open_year(request):
    year = _int(request.POST.get("year"))
    if year is None:
        messages.error(request, gettext("Năm không hợp lệ."))
        return redirect("programs:tasks")
    try:
        created = services.tasks_open_year(year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (gettext("Đã giao %(created)s nhiệm vụ năm %(year)s.") % {"created": created, "year": year}) if created else (gettext("Các nhiệm vụ năm %(year)s đã được giao trước đó.") % {"year": year}))
    return redirect(f"{reverse('programs:tasks')}?year={year}")


@role_required(Role.DISTRICT_OFFICER)
@require_POST
def task_assign(request):
    """Assign one duty for one year to one agency, from the tasks page."""
    plan = selectors.current_plan()
    form = TaskAssignForm(request.POST, duties=_assignable_duties(plan), agencies=Agency.objects.order_by("plan_item"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_assign(user=request.user, duty=data["duty"], year=data["year"], agency=data["agency"],
                                        due_date=data["due_date"], title=data["title"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, gettext("Đã giao nhiệm vụ «%(title)s» năm %(year)s cho %(agency)s, hạn %(due)s.") % {
                "title": task.title, "year": task.year, "agency": task.agency.name, "due": f"{task.due_date:%d/%m/%Y}"})
            return redirect("programs:task_detail", pk=task.pk)
    messages.error(request, gettext("Chưa giao được nhiệm vụ: xem lỗi bên cạnh từng ô."))
    request.GET = request.GET.copy()
    request.GET["year"] = str(request.POST.get("year") or "")
    return tasks(request, assign_form=form, status=400)


def _assignable_duties(plan):
    return Duty.objects.filter(plan=plan, active=True).select_related("agency").order_by("order") if plan else Duty.objects.none()


@role_required(*TASK_ROLES)
def task_detail(request, pk: int):
    user = request.user
    plan = selectors.current_plan()
    task = get_object_or_404(
        selectors.tasks_annotated(scope(user, TaskAssignment.objects.all()), plan=plan).select_related(
            "agency", "commune", "duty", "duty__solution_group"
        ),
        pk=pk,
    )
    can_update = services.can_update_task(user, task)
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied(gettext("Bạn chỉ được báo cáo tiến độ nhiệm vụ của cơ quan, đơn vị mình."))
        form = TaskUpdateForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.task_update_post(
                    user=user, task=task, status=data["status"], progress=data["progress"], narrative=data["narrative"],
                    evidence=data.get("evidence"), version=data.get("version"),
                )
            except StaleVersion as exc:
                messages.error(request, exc.messages[0])
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, gettext("Đã ghi báo cáo tiến độ."))
                return redirect("programs:task_detail", pk=task.pk)
    else:
        form = TaskUpdateForm(initial={"status": task.status if task.status != TaskStatus.NOT_STARTED else TaskStatus.IN_PROGRESS,
                                       "progress": task.progress, "version": task.version})
    context = {
        "task": task,
        "duty": task.duty,
        "cooperating": task.duty.cooperating.all(),
        "updates": task.updates.select_related("created_by").order_by("-created_at", "-id"),
        "form": form,
        "can_update": can_update,
    }
    return render(request, "programs/task_detail.html", context)


@role_required(*TASK_ROLES)
def task_evidence(request, pk: int):
    """Evidence files are never served directly: the update must be within the user's scope."""
    update = get_object_or_404(scope(request.user, TaskUpdate.objects.exclude(evidence="")), pk=pk)
    try:
        handle = update.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=update.evidence_name or update.evidence.name.rsplit("/", 1)[-1])


# --- Support ----------------------------------------------------------------------------------------------------


@role_required(*SUPPORT_ROLES)
def support_list(request):
    user = request.user
    year = _year(request.GET.get("year"))
    filters = {
        "policy": request.GET.get("policy", ""),
        "kind": request.GET.get("kind", ""),
        "source": request.GET.get("source", ""),
        "commune": request.GET.get("commune", ""),
        "household": request.GET.get("household", "").strip(),
    }
    scoped = scope(user, SupportRecord.objects.all())
    qs = selectors.support_list(qs=scoped, year=year, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rollup = selectors.support_rollup(qs=qs)
    unmet = []
    if year and not user.role == Role.AGENCY_OFFICER:
        unmet = selectors.unmet_needs_summary(year=year, commune_ids=commune_ids(user))
    this_year = timezone.localdate().year
    context = {
        "page": page,
        "year": year,
        "years": list(range(this_year, 2020, -1)),
        "filters": filters,
        "rollup": rollup,
        "unmet": unmet,
        "policies": SupportPolicy.objects.filter(agency_id=user.agency_id) if user.role == Role.AGENCY_OFFICER else SupportPolicy.objects.all(),
        "kinds": SupportKind.choices,
        "sources": FundingSource.choices,
        "communes": _visible_communes(user, timezone.localdate()) if user.role != Role.AGENCY_OFFICER else selectors.communes_on(timezone.localdate()),
        "can_record": services.can_record_support(user),
        "sees_personal_data": user.sees_personal_data,
    }
    return render(request, "programs/support_list.html", context)


@role_required(Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER)
def support_create(request):
    user = request.user
    if not services.can_record_support(user):
        raise PermissionDenied(gettext("Bạn không có quyền ghi nhận hỗ trợ."))
    policies = services.policies_for(user)
    household = None
    if request.method == "POST":
        form = SupportRecordForm(request.POST, policies=policies)
        if form.is_valid():
            data = form.cleaned_data
            household = scope(user, Household.objects.all()).filter(code=data["household"].strip()).first()
            if household is None:
                form.add_error("household", gettext("Không tìm thấy hộ có mã này trong phạm vi bạn được xem."))
            else:
                try:
                    record = services.support_record_create(
                        user=user, household=household, policy=data["policy"], date=data["date"], amount=data["amount"],
                        funding_source=data["funding_source"], note=data["note"],
                    )
                except ValidationError as exc:
                    attach_errors(form, exc)
                else:
                    messages.success(
                        request, gettext("Đã ghi nhận hỗ trợ «%(name)s» cho hộ %(code)s.") % {"name": record.policy.name, "code": household.code}
                    )
                    if request.POST.get("next") == "household":
                        return redirect("households:household_detail", code=household.code)
                    return redirect(f"{reverse('programs:support_list')}?household={household.code}")
    else:
        initial = {}
        code = request.GET.get("household", "").strip()
        if code:
            household = scope(user, Household.objects.select_related("commune")).filter(code=code).first()
            if household is not None:
                initial["household"] = household.code
        policy_code = request.GET.get("policy")
        policy = policies.filter(code=policy_code).first() if policy_code else (policies.first() if policies.count() == 1 else None)
        if policy is not None:
            initial["policy"] = policy
            if policy.default_source:
                initial["funding_source"] = policy.default_source
        form = SupportRecordForm(initial=initial, policies=policies)
    return render(request, "programs/support_form.html", {"form": form, "household": household, "policies": policies,
                                                          "from_household": request.GET.get("from") == "household" or request.POST.get("next") == "household"})


@role_required(*REGISTRY_READERS)
def household_support(request, code: str):
    """The support a household received and its unmet needs: a fragment the household page loads with htmx."""
    user = request.user
    household = get_object_or_404(scope(user, Household.objects.all()), code=code)
    data = selectors.household_support(household=household, visible=scope(user, SupportRecord.objects.all()))
    context = {"household": household, "data": data, "can_record": services.can_record_support(user)}
    return render(request, "programs/_household_support.html", context)


# --- Funds ------------------------------------------------------------------------------------------------------


@role_required(*ALL_ROLES)
def funds(request):
    user = request.user
    this_year = timezone.localdate().year
    scoped = scope(user, FundAllocation.objects.all())
    years = list(scoped.order_by("-year").values_list("year", flat=True).distinct())
    year_param = request.GET.get("year")
    default = this_year if this_year in years else (years[0] if years else this_year)
    year = None if year_param == "all" else _year(year_param, default)
    rollup = selectors.funds_rollup(qs=scoped, year=year)
    rows = scoped.select_related("program", "commune")
    if year:
        rows = rows.filter(year=year)
    page = Paginator(rows.order_by("-year", "program__order", "source", "commune__name"), 50).get_page(request.GET.get("page"))
    context = {
        "year": year,
        "years": sorted(set(years) | {this_year}, reverse=True),
        "rollup": rollup,
        "page": page,
        "can_enter": services.can_enter_funds(user),
    }
    return render(request, "programs/funds.html", context)


@role_required(Role.AGENCY_OFFICER)
def fund_edit(request, pk: int | None = None):
    user = request.user
    if not services.can_enter_funds(user):
        raise PermissionDenied(gettext("Chỉ Phòng Tài chính - Kế hoạch nhập phân bổ và giải ngân vốn."))
    allocation = get_object_or_404(scope(user, FundAllocation.objects.all()), pk=pk) if pk else None
    if request.method == "POST":
        form = FundAllocationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.fund_allocation_save(
                    user=user, allocation=allocation, year=data["year"], program=data["program"], source=data["source"],
                    commune=data["commune"], allocated=data["allocated"], disbursed=data["disbursed"], note=data["note"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, gettext("Đã lưu: %(saved)s.") % {"saved": saved})
                return redirect(f"{reverse('programs:funds')}?year={saved.year}")
    elif allocation is not None:
        form = FundAllocationForm(initial={
            "year": allocation.year, "program": allocation.program, "source": allocation.source,
            "commune": allocation.commune, "allocated": f"{allocation.allocated:,}".replace(",", "."),
            "disbursed": f"{allocation.disbursed:,}".replace(",", "."), "note": allocation.note,
        })
    else:
        form = FundAllocationForm(initial={"year": _year(request.GET.get("year"), timezone.localdate().year)})
    return render(request, "programs/fund_form.html", {"form": form, "allocation": allocation})
