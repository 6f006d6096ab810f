from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import role_required
from accounts.scoping import commune_ids, scope

from . import selectors, services
from .errors import StaleVersion
from .forms import HouseholdForm, MemberFormSet, household_initial, members_initial
from .models import AdministrativeUnit, Household, Level, Member

REGISTRY_READERS = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER)
REGISTRY_WRITERS = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER)


def _communes_for(user):
    qs = AdministrativeUnit.objects.in_force(timezone.localdate()).filter(level=Level.COMMUNE).order_by("name")
    ids = commune_ids(user)
    return qs if ids is None else qs.filter(pk__in=ids)


def _villages_for(user):
    """Villages whose commune (today) the user may see; a village's commune is reached through successors."""
    qs = AdministrativeUnit.objects.filter(level=Level.VILLAGE).select_related("parent").order_by("name")
    ids = commune_ids(user)
    return qs if ids is None else qs.filter(parent_id__in=ids)


@role_required(*REGISTRY_READERS)
def household_list(request):
    user = request.user
    qs = selectors.households_list(
        qs=scope(user, Household.objects.all()),
        search=request.GET.get("q", ""),
        commune=request.GET.get("commune", ""),
        village=request.GET.get("village", ""),
    ).order_by("commune__name", "village__name", "code")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "communes": _communes_for(user),
        "villages": _villages_for(user),
        "q": request.GET.get("q", ""),
        "commune": request.GET.get("commune", ""),
        "village": request.GET.get("village", ""),
        "can_edit": user.can_edit_registry,
    }
    template = "households/_household_rows.html" if request.htmx else "households/household_list.html"
    return render(request, template, context)


@role_required(*REGISTRY_READERS)
def household_detail(request, code: str):
    household = get_object_or_404(
        scope(request.user, Household.objects.select_related("commune", "village")).prefetch_related(
            Prefetch("members", queryset=Member.objects.select_related("ethnic_group").order_by("order", "id"))
        ),
        code=code,
    )
    return render(
        request,
        "households/household_detail.html",
        {"household": household, "can_edit": request.user.can_edit_registry, "today": timezone.localdate()},
    )


@role_required(*REGISTRY_WRITERS)
def household_edit(request, code: str | None = None):
    user = request.user
    household = None
    if code is not None:
        household = get_object_or_404(scope(user, Household.objects.select_related("commune", "village")), code=code)
    communes, villages = _communes_for(user), _villages_for(user)
    if request.method == "POST":
        form = HouseholdForm(request.POST, communes=communes, villages=villages)
        formset = MemberFormSet(request.POST, prefix="members")
        if form.is_valid() and formset.is_valid():
            members = [
                {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            data = {k: form.cleaned_data[k] for k in ("code", "commune", "village", "address", "phone", "status")}
            try:
                saved = services.household_save(
                    household=household, data=data, members=members, version=form.cleaned_data.get("version")
                )
            except StaleVersion as exc:
                messages.error(request, exc.messages[0])
            except ValidationError as exc:
                _attach_errors(form, formset, exc)
            else:
                messages.success(request, f"Đã lưu hộ {saved.code}.")
                return redirect("households:household_detail", code=saved.code)
    else:
        if household is not None:
            form = HouseholdForm(initial=household_initial(household), communes=communes, villages=villages)
            formset = MemberFormSet(initial=members_initial(household), prefix="members")
        else:
            form = HouseholdForm(communes=communes, villages=villages)
            formset = MemberFormSet(prefix="members")
    return render(request, "households/household_form.html", {"form": form, "formset": formset, "household": household})


def _attach_errors(form, formset, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, msgs in errors.items():
        if field.startswith("members["):
            index = int(field[len("members["):field.index("]")])
            sub = field.split(".", 1)[1] if "." in field else None
            live = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            target = live[index] if index < len(live) else None
            for m in msgs:
                if target is not None:
                    target.add_error(sub if sub in target.fields else None, m)
                else:
                    form.add_error(None, m)
        else:
            for m in msgs:
                form.add_error(field if field in form.fields else None, m)
