from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext

from households.models import Household
from households.selectors import communes_in_force
from households.village_names import village_labels

from .forms import LoginForm
from .models import Role
from .permissions import role_required
from .scoping import scope


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, gettext("Bạn đã đăng xuất."))
        return response


@login_required
def home(request):
    """The landing page, fitted to the role: what this user looks after and where to go next."""
    user = request.user
    if user.role == Role.COMMUNE_OFFICER and not user.is_superuser:
        # A commune officer lands on the commune's dashboard (issue 6), shown here so "/" stays the home page.
        try:
            return resolve(reverse("reporting:dashboard")).func(request)
        except NoReverseMatch:
            pass
    households = scope(user, Household.objects.all())
    context = {"household_count": households.count(), "role": Role(user.role).label}
    if user.role == Role.COMMUNE_OFFICER:
        # By village, not by name: two villages of one commune may share a name (households.village_names).
        counts = list(households.values("village_id").annotate(n=Count("id")).order_by())
        labels = village_labels([r["village_id"] for r in counts if r["village_id"]])
        context["by_village"] = sorted(
            ({"label": labels.get(r["village_id"], ""), "n": r["n"]} for r in counts), key=lambda r: (not r["label"], r["label"])
        )
    elif user.role in (Role.DISTRICT_OFFICER, Role.ADMIN, Role.PROVINCE_VIEWER) or user.is_superuser:
        context["by_commune"] = (
            households.values("commune__code", "commune__name").annotate(n=Count("id")).order_by("commune__name")
        )
        context["commune_count"] = communes_in_force().count()
    return render(request, "accounts/home.html", context)


def csrf_failure(request, reason: str = ""):
    return render(request, "403_csrf.html", status=403)


@role_required(Role.DISTRICT_OFFICER)
def access_log(request):
    """Who read personal data, when, what, how many records, from where, masked or not (accounts.audit), newest
    first, filtered by user, channel and dates; the district office and the administrator only."""
    import datetime as dt

    from django.core.paginator import Paginator

    from .models import AccessChannel, PersonalDataAccess, User

    qs = PersonalDataAccess.objects.select_related("user", "commune")
    user_id, channel = request.GET.get("user", ""), request.GET.get("channel", "")
    if user_id.isdigit():
        qs = qs.filter(user_id=int(user_id))
    if channel in AccessChannel.values:
        qs = qs.filter(channel=channel)
    for key, lookup in (("from", "at__date__gte"), ("until", "at__date__lte")):
        try:
            day = dt.datetime.strptime(request.GET.get(key, ""), "%d/%m/%Y").date()
        except ValueError:
            continue
        qs = qs.filter(**{lookup: day})
    from django.conf import settings

    return render(request, "accounts/access_log.html", {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")),
        "users": User.objects.filter(pk__in=PersonalDataAccess.objects.values("user_id")).order_by("username"),
        "channels": AccessChannel.choices, "user_id": user_id, "channel": channel,
        "date_from": request.GET.get("from", ""), "date_until": request.GET.get("until", ""),
        "retention_days": settings.ACCESS_LOG_RETENTION_DAYS,
    })
