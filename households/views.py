from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.audit import AccessChannel, personal_data_read
from accounts.models import Role
from accounts.permissions import REGISTRY_READERS, REGISTRY_WRITERS, REVIEW_ROLES, local_next, role_required
from accounts.scoping import commune_ids, scope

from . import events, selectors, services
from .errors import StaleVersion
from .selectors import review_change_contexts
from .forms import (
    VillageChoiceLabels,
    ApplicationDecisionForm,
    ApplicationForm,
    ComplaintForm,
    ComplaintResolveForm,
    ConfirmForm,
    FlagResolveForm,
    HouseholdForm,
    MeetingCorrectForm,
    MeetingForm,
    VillageBulkForm,
    MemberFormSet,
    NewMemberFormSet,
    PostingForm,
    RecognitionForm,
    ReviewForm,
    TransitionForm,
    household_initial,
    members_initial,
    HouseholdEventForm,
    review_sections,
)
from .models import (
    AdministrativeUnit,
    AnnualReview,
    CheckFlag,
    CheckKind,
    CheckRun,
    Complaint,
    EventKind,
    FlagStatus,
    Household,
    HouseholdEvent,
    Job,
    Level,
    Member,
    PublicPosting,
    ReviewAction,
    ReviewApplication,
    ReviewRound,
    ReviewSettings,
    ReviewState,
    VillageMeeting,
)
from .village_names import VillageNames, commune_year_day, village_label, village_labels



def _communes_for(user):
    qs = AdministrativeUnit.objects.in_force(timezone.localdate()).filter(level=Level.COMMUNE).order_by("name")
    ids = commune_ids(user)
    return qs if ids is None else qs.filter(pk__in=ids)


def _villages_for(user):
    """Villages whose commune (today) the user may see; a village's commune is reached through successors."""
    qs = AdministrativeUnit.objects.filter(level=Level.VILLAGE).select_related("parent").order_by("name")
    ids = commune_ids(user)
    return qs if ids is None else qs.filter(parent_id__in=ids)


def village_options(villages) -> list[tuple[str, str]]:
    """(code, label) of a village filter, by label: namesakes of one commune are told apart by their former
    commune, and where the list spans several communes each names its commune (households.village_names)."""
    label = VillageChoiceLabels(villages)
    return sorted(((v.code, label(v)) for v in villages), key=lambda o: o[1])


@role_required(*REGISTRY_READERS)
def village_choices(request):
    """The <option>s of a village drop-down narrowed to the commune chosen beside it (htmx): the villages that belong
    to that commune today, each told apart from its namesakes by its former commune. `value=code` gives codes as
    values (filters), else ids (forms); `selected` keeps the current choice."""
    by_code = request.GET.get("value") == "code"
    raw = (request.GET.get("commune") or "").strip()
    commune = _int(raw)
    if raw and by_code:  # a filter names communes by code
        found = _communes_for(request.user).filter(code=raw).first()
        commune = found.pk if found else -1
    selected = request.GET.get("selected") or request.GET.get("village", "")
    villages = _villages_for(request.user)
    names = VillageNames(villages).read()
    today = timezone.localdate()
    labels = names.labels(on=today)
    allowed = set(_communes_for(request.user).values_list("pk", flat=True))
    rows = [v for v in villages if names.commune_id(v.pk, on=today) in allowed and (commune is None or names.commune_id(v.pk, on=today) == commune)]
    if commune is not None:
        labels = {v.pk: labels.get(v.pk, v.name) for v in rows}
    else:
        labels = {pk: " – ".join(p for p in (label, names.commune_name(pk, on=today)) if p) for pk, label in labels.items()}
    from django.utils.html import format_html, format_html_join

    options = sorted(((v.code if by_code else str(v.pk), labels.get(v.pk, v.name)) for v in rows), key=lambda o: o[1])
    empty = gettext("Tất cả các thôn") if by_code else "---------"
    html = format_html('<option value="">{}</option>', empty) + format_html_join(
        "", '<option value="{}"{}>{}</option>', ((value, " selected" if value == selected else "", label) for value, label in options))
    from django.http import HttpResponse

    return HttpResponse(html)


@role_required(*REGISTRY_WRITERS)
def household_code_suggest(request):
    """The code box of a new household once its village is chosen (htmx): the village's next free code while the
    box is empty, what the officer typed otherwise."""
    code = (request.GET.get("code") or "").strip()
    village = _villages_for(request.user).filter(pk=_int(request.GET.get("village"))).first()
    if not code and village is not None:
        code = services.next_household_code(village)
    field = HouseholdForm.base_fields["code"]
    widget = field.widget.render("code", code, attrs={"id": "id_code", "maxlength": field.max_length, "required": True})
    from django.http import HttpResponse

    return HttpResponse(widget)


@role_required(*REGISTRY_READERS)
def household_suggest(request):
    """<option>s of a datalist for a household box (htmx, as the officer types): up to 20 households in scope
    found by code, head's or a member's name (and by ID number only for roles that see it), "code – head"."""
    from django.http import HttpResponse
    from django.utils.html import format_html_join

    q = (request.GET.get("q") or request.GET.get("household") or "").strip()
    if len(q) < 2:
        return HttpResponse("")
    rows = (scope(request.user, Household.objects.all()).filter(selectors.household_search(q, user=request.user))
            .order_by("code").values_list("code", "head_name", "address")[:20])
    return HttpResponse(format_html_join("", '<option value="{}">{} – {}</option>', ((c, h or "", a or "") for c, h, a in rows)))


def with_village_labels(rows, *, on: dt.date | None = None, attr: str = "village_id") -> list:
    """The rows (households, reviews) with `village_label` set: the village's display name on `on` (today)."""
    rows = list(rows)
    labels = village_labels({getattr(r, attr) for r in rows if getattr(r, attr)}, on=on)
    for r in rows:
        r.village_label = labels.get(getattr(r, attr), "")
    return rows


@role_required(*REGISTRY_READERS)
def household_list(request):
    user = request.user
    qs = selectors.households_list(
        qs=scope(user, Household.objects.all()),
        search=request.GET.get("q", ""),
        commune=request.GET.get("commune", ""),
        village=request.GET.get("village", ""),
        user=user,
    ).order_by("commune__name", "village__name", "code")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = with_village_labels(page.object_list)
    context = {
        "page": page,
        "communes": _communes_for(user),
        "village_options": [] if request.htmx else village_options(_villages_for(user)),
        "q": request.GET.get("q", ""),
        "commune": request.GET.get("commune", ""),
        "village": request.GET.get("village", ""),
        "can_edit": user.can_edit_registry,
    }
    q = request.GET.get("q", "").strip()
    personal_data_read(request, channel=AccessChannel.PAGE, records=len(page.object_list),
                       what="Danh sách hộ" + (f" · «{q}»" if q else "") + f" · trang {page.number}")
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
    reviews = scope(request.user, household.reviews.select_related("commune", "standard")).order_by("-year")
    history = (
        HouseholdEvent.objects.filter(Q(household=household) | Q(other_household=household))
        .select_related("household", "other_household", "to_commune", "to_village", "recorded_by").order_by("-date", "-id")
    )
    former = Member.all_objects.filter(household=household, left_on__isnull=False).select_related("ethnic_group").order_by("-left_on")
    household.village_label = village_label(household.village)
    history = list(history)
    names = VillageNames({e.to_village_id for e in history if e.to_village_id})
    for e in history:
        e.to_village_label = names.label(e.to_village_id, on=e.date)
    can_edit = request.user.can_edit_registry and household.ended_on is None
    personal_data_read(request, channel=AccessChannel.PAGE, what=f"Hộ {household.code} (nhân khẩu)",
                       records=len(household.members.all()) + len(former), commune=household.commune)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household, "can_edit": can_edit, "today": timezone.localdate(),
            "reviews": reviews, "can_review": can_edit and request.user.role != Role.AGENCY_OFFICER,
            "review_year": timezone.localdate().year, "history": history, "former": former,
            "event_kinds": [(k, gettext(v)) for k, v in EventKind.choices
                            if k != EventKind.MOVE_IN or not (household.events.exists() or household.placements.exists())],
        },
    )


@role_required(*REGISTRY_WRITERS)
def household_event_new(request, code: str):
    """Record a registry event of a household (split, merge, move, move in, move out, dissolve)."""
    user = request.user
    household = get_object_or_404(scope(user, Household.objects.select_related("commune", "village")), code=code)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in HouseholdEventForm.FIELDS:
        raise Http404(gettext("Không có loại biến động này."))
    villages = _villages_for(user) if kind == EventKind.SPLIT else AdministrativeUnit.objects.filter(level=Level.VILLAGE).select_related("parent").order_by("parent__name", "name")
    form = HouseholdEventForm(request.POST or None, kind=kind, household=household, villages=villages,
                              initial={"date": timezone.localdate()})
    household.village_label = village_label(household.village)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        members = {str(m.pk): m for m in household.members.all()}
        try:
            if kind == EventKind.MERGE:
                into = scope(user, Household.objects.filter(code=data["into"].strip())).first()
                if into is None:
                    raise ValidationError({"into": gettext("Không tìm thấy hộ %(code)s trong phạm vi của bạn.") % {"code": data["into"]}})
                event = events.household_merge(household=household, into=into, date=data["date"], reason=data["reason"], user=user,
                                               version=household.version)
            elif kind == EventKind.SPLIT:
                event = events.household_split(
                    household=household, date=data["date"], reason=data["reason"], user=user, code=data["code"],
                    members=[members[i] for i in data["members"] if i in members], head=members.get(data.get("head") or ""),
                    new_head=members.get(data.get("new_head") or ""), village=data.get("village"), version=household.version,
                )
            elif kind == EventKind.MOVE:
                event = events.household_move(household=household, date=data["date"], village=data["village"], reason=data["reason"],
                                              user=user, version=household.version)
            elif kind == EventKind.DISSOLVE:
                event = events.household_dissolve(household=household, date=data["date"], reason=data["reason"], user=user,
                                                  member_reason=data["member_reason"], version=household.version)
            else:
                record = events.household_move_in if kind == EventKind.MOVE_IN else events.household_move_out
                event = record(household=household, date=data["date"], reason=data["reason"], user=user, version=household.version)
        except StaleVersion as exc:
            messages.error(request, exc.messages[0])
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            aliases = {"other_household": "code" if kind == EventKind.SPLIT else "into", "to_village": "village", "to_commune": "village"}
            for field, msgs in errors.items():
                field = aliases.get(field, field)
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
        else:
            messages.success(request, gettext("Đã ghi biến động: %(kind)s ngày %(date)s.") % {
                "kind": gettext(EventKind(kind).label), "date": f"{event.date:%d/%m/%Y}"})
            return redirect("households:household_detail", code=household.code)
    return render(request, "households/household_event_form.html", {
        "household": household, "form": form, "kind": kind, "kind_label": gettext(EventKind(kind).label),
    })


@role_required(*REGISTRY_WRITERS)
def household_edit(request, code: str | None = None):
    user = request.user
    household = None
    if code is not None:
        household = get_object_or_404(scope(user, Household.objects.select_related("commune", "village")), code=code)
    communes, villages = _communes_for(user), _villages_for(user)
    creating = household is None
    if request.method == "POST":
        form = HouseholdForm(request.POST, communes=communes, villages=villages, creating=creating)
        formset = MemberFormSet(request.POST, prefix="members")
        if form.is_valid() and formset.is_valid():
            members = [
                {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            data = {k: form.cleaned_data[k] for k in ("code", "commune", "village", "address", "phone", "livelihood")}
            try:
                with transaction.atomic():
                    saved = services.household_save(
                        household=household, data=data, members=members, version=form.cleaned_data.get("version")
                    )
                    if creating and form.cleaned_data.get("moved_in_on"):
                        events.household_move_in(household=saved, date=form.cleaned_data["moved_in_on"],
                                                 reason=form.cleaned_data["moved_in_reason"], user=user)
            except StaleVersion as exc:
                messages.error(request, exc.messages[0])
            except ValidationError as exc:
                _attach_errors(form, formset, exc)
                if not any(k.startswith("members[") for k in getattr(exc, "error_dict", {})):
                    _check_members(household, formset)
            else:
                messages.success(request, gettext("Đã lưu hộ %(code)s.") % {"code": saved.code})
                return redirect("households:household_detail", code=saved.code)
        else:
            # Every field in one round: the rows the form accepted still get the service's checks.
            _check_members(household, formset)
    else:
        if household is not None:
            form = HouseholdForm(initial=household_initial(household), communes=communes, villages=villages, creating=False)
            formset = MemberFormSet(initial=members_initial(household), prefix="members")
        else:
            form = HouseholdForm(communes=communes, villages=villages)
            formset = NewMemberFormSet(prefix="members")
    return render(request, "households/household_form.html", {"form": form, "formset": formset, "household": household})


def _check_members(household, formset) -> None:
    """The service's member checks (future dates, ID numbers taken, …) on the rows the form itself accepted."""
    formset.is_valid()  # every row cleaned; a row with errors keeps the fields that passed in cleaned_data
    live = [f for f in formset.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]
    rows = [{k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in live]
    try:
        services.household_members_check(household=household, members=rows)
    except ValidationError as exc:
        for field, msgs in exc.message_dict.items():
            if not field.startswith("members["):
                continue
            target = live[int(field[len("members["):field.index("]")])]
            sub = field.split(".", 1)[1] if "." in field else None
            if sub in target.fields and (sub in target.errors or sub not in target.cleaned_data):
                continue  # the field's own error (or a value the form refused) comes first
            for m in msgs:
                target.add_error(sub if sub in target.fields else None, m)


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


# --- The annual review (Decision 24/2021/QĐ-TTg) --------------------------------------------------------

# Short column headings of the board's tables (the full labels are in the legend).
STATE_COLUMNS = [
    (ReviewState.DRAFT, gettext_lazy("Đang rà soát")), (ReviewState.REVIEWED, gettext_lazy("Chờ họp thôn")), (ReviewState.AGREED, gettext_lazy("Đã thống nhất")),
    (ReviewState.POSTED, gettext_lazy("Niêm yết")), (ReviewState.RECOGNISED, gettext_lazy("Xã công nhận")), (ReviewState.CONFIRMED, gettext_lazy("Huyện xác nhận")),
]
DISTRICT_ROLES = (Role.DISTRICT_OFFICER,)
FIRST_REVIEW_YEAR = 2016


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _review_year(request) -> int:
    today = timezone.localdate()
    year = _int(request.GET.get("year") or request.POST.get("year"), today.year)
    return max(FIRST_REVIEW_YEAR, min(today.year, year))


def _pick_commune(request, year: int):
    """The commune of the board: the one asked for (by id) among those the user may see, else the user's own."""
    communes = list(selectors.review_communes(ids=commune_ids(request.user), year=year))
    wanted = _int(request.GET.get("commune") or request.POST.get("commune"))
    chosen = next((c for c in communes if c.pk == wanted), None)
    if chosen is None and wanted is None and request.user.unit_id:
        chosen = next((c for c in communes if c.pk == request.user.unit_id), None)
        if chosen is None and request.user.is_commune_officer and communes:
            chosen = communes[0]
    if wanted is not None and chosen is None:
        from django.http import Http404

        raise Http404(gettext("Không tìm thấy xã này trong phạm vi của bạn."))
    return chosen, communes


def _board_url(commune, year: int, **extra) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    params = {"year": year, **({"commune": commune.pk} if commune else {}), **{k: v for k, v in extra.items() if v}}
    return reverse("households:review_board") + "?" + urlencode(params)


def _villages_with(commune, year: int, state: str):
    ids = AnnualReview.objects.filter(commune=commune, year=year, state=state).values("village_id")
    return AdministrativeUnit.objects.filter(pk__in=ids).order_by("name")


@role_required(*REVIEW_ROLES)
def review_board(request):
    """The commune's review board for a year: progress by village and step, the households to review, the
    steps to record (village meetings, posting, recognition, the district's confirmation), the printouts."""
    year = _review_year(request)
    commune, communes = _pick_commune(request, year)
    return _board_render(request, year=year, commune=commune, communes=communes)


def _board_render(request, *, year: int, commune, communes, bound: dict | None = None, status: int = 200):
    """The board page; `bound` holds a step's form as posted (kept values, errors beside their fields) in place
    of the fresh one, so a refused step loses nothing the officer typed."""
    user = request.user
    context = {"year": year, "years": range(timezone.localdate().year, FIRST_REVIEW_YEAR - 1, -1), "communes": communes,
               "commune": commune, "is_district": services.is_district_user(user), "can_edit": user.can_edit_registry,
               "states": ReviewState.choices, "state_columns": STATE_COLUMNS}
    if commune is None:
        context["overview"] = selectors.review_progress_by_commune(year=year, ids=commune_ids(user))
        return render(request, "households/review_board.html", context)
    params = request.GET
    village_id = _int(params.get("village"))
    state = params.get("state", "")
    todo = params.get("todo") == "1"
    q = params.get("q", "").strip()
    households = selectors.review_board_households(commune=commune, year=year, village_id=village_id, state=state, todo=todo, search=q)
    page = Paginator(households.values_list("pk", flat=True), 50).get_page(params.get("page"))
    day = commune_year_day(commune, year)
    rows = selectors.review_board_rows(ids=list(page.object_list), year=year)
    board = selectors.review_board(commune=commune, year=year)
    names = VillageNames({r["village_id"] for r in board["villages"] if r["village_id"]} | {h.village_id for h in rows if h.village_id}).read()
    for r in board["villages"]:
        r["village_label"] = names.label(r["village_id"], on=day)
    board["villages"].sort(key=lambda r: (r["village_id"] is None, r["village_label"]))
    for h in rows:
        h.village_label = names.label(h.village_id, on=day)
    context.update({
        "board": board,
        "page": page, "rows": rows,
        "village_id": village_id, "state": state, "todo": todo, "q": q,
        "round": ReviewRound.objects.filter(commune=commune, year=year).select_related("recognised_by", "confirmed_by").first(),
    })
    if request.htmx and request.htmx.target == "board-rows":
        return render(request, "households/_board_rows.html", context)
    today = timezone.localdate()
    bound = bound or {}
    todays_meetings = [
        m for m in VillageMeeting.objects.filter(round__commune=commune, round__year=year, recorded_at__date__gte=today - dt.timedelta(days=1))
        .select_related("village") if services.meeting_correctable(m, today=today)
    ]
    for m in todays_meetings:
        m.village_label = names.label(m.village_id, on=day) or village_label(m.village, on=day)
        m.form = bound["correct_form"] if getattr(bound.get("correct_form"), "meeting_pk", None) == m.pk else MeetingCorrectForm(
            initial={"chaired_by": m.chaired_by, "attendance": m.attendance, "agreeing": m.agreeing,
                     "minutes_note": m.minutes_note}, prefix=f"m{m.pk}")
    context.update({
        "meeting_form": bound.get("meeting_form") or MeetingForm(villages=_villages_with(commune, year, ReviewState.REVIEWED), on=day, initial={"held_on": today}),
        "posting_form": bound.get("posting_form") or PostingForm(villages=_villages_with(commune, year, ReviewState.AGREED), on=day, initial={"posted_from": today}),
        "recognition_form": bound.get("recognition_form") or RecognitionForm(initial={"decision_date": today}),
        "confirm_form": bound.get("confirm_form") or ConfirmForm(),
        "todays_meetings": todays_meetings,
        "bulk_error": bound.get("bulk_error"),
        "print_villages": AdministrativeUnit.objects.filter(
            pk__in=AnnualReview.objects.filter(commune=commune, year=year).values("village_id")
        ).order_by("name"),
    })
    return render(request, "households/review_board.html", context, status=status)


def _errors_to_form(form, exc: ValidationError) -> None:
    """A service's refusal onto the form: each message beside its field where it names one, else at the form's top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e.messages)
    else:
        form.add_error(None, exc.messages)


def _post_step(request, form_class, villages_state: str | None, run, *, name: str, prefix: str | None = None):
    """Shared handling of the commune-level steps posted from the board. A refused step shows the board again
    with the form as typed and each error beside its field (status 400); a recorded one redirects to the board."""
    user = request.user
    year = _review_year(request)
    commune, communes = _pick_commune(request, year)
    if commune is None or request.method != "POST":
        return redirect(_board_url(commune, year))
    kwargs = {"villages": _villages_with(commune, year, villages_state), "on": commune_year_day(commune, year)} if villages_state else {}
    form = form_class(request.POST, prefix=prefix, **kwargs)
    if form.is_valid():
        try:
            text = run(commune=commune, year=year, data=form.cleaned_data, user=user, form=form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or gettext("Bạn không có quyền thực hiện bước này."))
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, text)
            return redirect(_board_url(commune, year))
    messages.error(request, gettext("Chưa ghi được: xem lỗi bên cạnh từng ô trong phần «%(step)s».") % {"step": form_class.step_name})
    return _board_render(request, year=year, commune=commune, communes=communes, bound={name: form}, status=400)


@role_required(*REVIEW_ROLES)
def review_meeting(request):
    def run(*, commune, year, data, user, form):
        data = {k: v for k, v in data.items() if k != "confirm_redo"}
        meeting = services.village_meeting_record(commune=commune, year=year, user=user, **data)
        name = village_label(meeting.village, on=commune_year_day(commune, year))
        if meeting.outcome == "agreed":
            return gettext("Đã ghi họp %(name)s: %(agreeing)s/%(attendance)s người đồng ý; %(review_count)s hộ được thống nhất.") % {"name": name, "agreeing": meeting.agreeing, "attendance": meeting.attendance, "review_count": meeting.review_count}
        return (gettext("Đã ghi họp %(name)s: chỉ %(agreeing)s/%(attendance)s người đồng ý (dưới 50 %%). %(review_count)s hộ được trả lại để rà soát lại.") % {"name": name, "agreeing": meeting.agreeing, "attendance": meeting.attendance, "review_count": meeting.review_count})

    return _post_step(request, MeetingForm, ReviewState.REVIEWED, run, name="meeting_form")


@role_required(*REVIEW_ROLES)
def review_meeting_correct(request, pk: int):
    """Correct today's record of a village meeting (a mistyped count), with the reason kept."""
    meeting = get_object_or_404(scope(request.user, VillageMeeting.objects.select_related("round", "village")), pk=pk)
    if not request.user.can_edit_registry:
        raise PermissionDenied

    class Form(MeetingCorrectForm):
        meeting_pk = meeting.pk

    def run(*, commune, year, data, user, form):
        if commune.pk != meeting.round.commune_id or year != meeting.round.year:
            raise ValidationError(gettext("Cuộc họp này không thuộc xã và năm đang xem."))
        fields = {k: data[k] for k in ("attendance", "agreeing", "chaired_by", "minutes_note", "reason")}
        m = services.village_meeting_correct(meeting=meeting, user=user, **fields)
        return gettext("Đã sửa biên bản họp %(name)s: %(agreeing)s/%(attendance)s người đồng ý (%(outcome)s).") % {
            "name": village_label(m.village, on=commune_year_day(commune, year)), "agreeing": m.agreeing,
            "attendance": m.attendance, "outcome": m.get_outcome_display()}

    return _post_step(request, Form, None, run, name="correct_form", prefix=f"m{meeting.pk}")


@role_required(*REVIEW_ROLES)
def review_village_bulk(request):
    """One step for every review of a village: complete the survey for all, or send all back to the survey."""
    if not request.user.can_edit_registry:
        raise PermissionDenied
    year = _review_year(request)
    commune, communes = _pick_commune(request, year)
    form = VillageBulkForm(request.POST or None)
    if commune is None or request.method != "POST" or not form.is_valid():
        return redirect(_board_url(commune, year))
    village = AdministrativeUnit.objects.filter(
        pk=form.cleaned_data["village"], pk__in=AnnualReview.objects.filter(commune=commune, year=year).values("village_id")
    ).first()
    if village is None:
        raise Http404(gettext("Không tìm thấy thôn này trong phiếu rà soát của xã."))
    action = form.cleaned_data["action"]
    try:
        count = services.village_reviews_bulk(commune=commune, year=year, village=village, action=action, user=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        messages.error(request, error)
        return _board_render(request, year=year, commune=commune, communes=communes, bound={"bulk_error": (village.pk, error)}, status=400)
    name = village_label(village, on=commune_year_day(commune, year))
    if action == "submit":
        messages.success(request, gettext("%(name)s: %(count)s phiếu đã hoàn thành rà soát, chờ họp thôn.") % {"name": name, "count": count})
    else:
        messages.success(request, gettext("%(name)s: %(count)s phiếu được trả lại bước rà soát.") % {"name": name, "count": count})
    return redirect(_board_url(commune, year))


@role_required(*REVIEW_ROLES)
def review_posting(request):
    def run(*, commune, year, data, user, form):
        posting = services.posting_record(commune=commune, year=year, user=user, **data)
        return (gettext("Đã ghi niêm yết %(name)s từ %(posted_from)s đến %(posted_until)s (%(review_count)s hộ).") % {"name": village_label(posting.village, on=commune_year_day(commune, year)), "posted_from": f"{posting.posted_from:%d/%m/%Y}", "posted_until": f"{posting.posted_until:%d/%m/%Y}", "review_count": posting.review_count})

    return _post_step(request, PostingForm, ReviewState.AGREED, run, name="posting_form")


@role_required(*REVIEW_ROLES)
def review_recognise(request):
    def run(*, commune, year, data, user, form):
        rnd, done, left = services.round_recognise(commune=commune, year=year, user=user, **data)
        text = gettext("Đã ghi quyết định %(decision_number)s: %(done)s hộ được công nhận.") % {"decision_number": rnd.decision_number, "done": done}
        if left:
            # Say why the others wait and which they are (the first few; the board's list filter shows them all).
            text += " " + gettext("%(len)s hộ chưa đủ điều kiện: %(why)s") % {"len": len(left), "why": " ".join(left[:5]) + (" …" if len(left) > 5 else "")}
        return text

    return _post_step(request, RecognitionForm, None, run, name="recognition_form")


@role_required(*DISTRICT_ROLES)
def review_confirm(request):
    def run(*, commune, year, data, user, form):
        rnd, count = services.round_confirm(commune=commune, year=year, user=user, note=data.get("note", ""))
        return gettext("Huyện đã xác nhận %(count)s kết quả rà soát của %(name)s năm %(year)s.") % {"count": count, "name": commune.name, "year": year}

    return _post_step(request, ConfirmForm, None, run, name="confirm_form")


def _scoped_review(user, **lookup) -> AnnualReview:
    return get_object_or_404(scope(user, AnnualReview.objects.select_related("household", "commune", "village", "standard")), **lookup)


def _form_context(request, household, year, review, form, evaluation, area, place):
    user = request.user
    state = review.state if review else ReviewState.DRAFT
    actions = []
    if review is not None and user.can_edit_registry:
        for (src, dst), act in services.TRANSITIONS.items():
            if src != state or dst in (ReviewState.AGREED, ReviewState.POSTED, ReviewState.RECOGNISED):
                continue
            if act in services.DISTRICT_ACTIONS and not services.is_district_user(user):
                continue
            actions.append({"to": dst, "label": ReviewAction(act).label, "needs_note": act == ReviewAction.REOPEN, "action": act})
    from . import poverty

    context = review_change_contexts(household_ids=[household.pk], year=year)[household.pk]
    earlier = {y: c for y, c in context["history"].items() if y < year}
    previous_label = change_label = ""
    if earlier:
        previous_label = dict(poverty.CATEGORY_LABELS)[earlier[max(earlier)]]
    if evaluation is not None and evaluation.result is not None:
        change_label = poverty.CHANGE_LABELS[poverty.change(evaluation.result.category, year=year, **context)]
    locked = review is not None and (review.is_locked or (state in (ReviewState.AGREED, ReviewState.POSTED) and not review.complaints.filter(status="open").exists()))
    return {
        "household": household, "year": year, "review": review, "form": form, "evaluation": evaluation,
        "sections": review_sections(form, evaluation), "area": area, "commune": place[0], "village": place[1],
        "village_label": village_label(place[1], on=form.on),
        "standard": form.rules, "locked": locked or not user.can_edit_registry, "actions": actions,
        "events": review.events.select_related("by").order_by("at", "id") if review else [],
        "history": review.history.select_related("history_user").order_by("-history_date")[:10] if review else [],
        "complaints": review.complaints.select_related("resolved_by").order_by("-received_on") if review else [],
        "complaint_form": ComplaintForm(initial={"received_on": timezone.localdate()}),
        "resolve_form": ComplaintResolveForm(),
        "can_complain": review is not None and state in (ReviewState.AGREED, ReviewState.POSTED) and user.can_edit_registry,
        "income_per_capita": evaluation.income_per_capita_month if evaluation else None,
        "board_url": _board_url(place[0], year),
        "previous_label": previous_label, "change_label": change_label,
    }


def _review_setup(request, code: str, year: int):
    user = request.user
    household = get_object_or_404(scope(user, Household.objects.select_related("commune", "village")), code=code)
    today = timezone.localdate()
    if not FIRST_REVIEW_YEAR <= year <= today.year:
        from django.http import Http404

        raise Http404(gettext("Năm rà soát không hợp lệ."))
    review = AnnualReview.objects.filter(household=household, year=year).select_related("commune", "village", "standard").first()
    if review is not None and not scope(user, AnnualReview.objects.filter(pk=review.pk)).exists():
        from django.http import Http404

        raise Http404
    try:
        standard = services.review_standard(year=year)
    except ValidationError:
        from django.http import Http404

        raise Http404(gettext("Chưa có chuẩn nghèo cho năm này.")) from None
    rules = standard.to_rules()
    meta = {i.code: {"condition": i.condition} for i in standard.indicators.all()}
    return household, review, standard, rules, meta


def _review_date_from(request, review, year: int) -> dt.date:
    raw = request.POST.get("review_date", "") if request.method == "POST" else ""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    if review is not None:
        return review.review_date
    today = timezone.localdate()
    return today if today.year == year else dt.date(year, 12, 1)


def _members_on(household, on: dt.date):
    return [m for m in household.members.order_by("order", "id") if not (m.birth_date and m.birth_date > on)]


@role_required(*REVIEW_ROLES)
def review_form(request, code: str, year: int):
    """The review of one household for one year: facts and indicators grouped by the six dimensions, the
    classification and its reasons shown live (htmx), the workflow steps, complaints and history."""
    user = request.user
    household, review, standard, rules, meta = _review_setup(request, code, year)
    on = _review_date_from(request, review, year)
    if on.year != year:
        on = review.review_date if review else dt.date(year, 12, 1)
    place = selectors.household_place_on(household=household, on=on)
    area = place[0].area
    members = _members_on(household, on)
    initial = {
        "review_date": review.review_date if review else on,
        "income_total_12m": review.income_total_12m if review else None,
        "person_of_merit": review.person_of_merit if review else False,
        "causes": list(review.causes.all()) if review else [],
        "needs": list(review.needs.all()) if review else [],
        "notes": review.notes if review else "",
        "version": review.version if review else None,
    }
    if request.method == "POST":
        if not user.can_edit_registry:
            raise PermissionDenied(gettext("Vai trò của bạn không được nhập kết quả rà soát."))
        form = ReviewForm(request.POST, initial=initial, rules=rules, members=members, review=review, on=on, indicators_meta=meta)
        raw_facts = form.facts()
        facts = services.review_facts(household=household, facts=raw_facts, on=on)
        evaluation = form.evaluate(area=area, household_facts=facts)
        if form.is_valid():
            data = form.cleaned_data
            allowed = commune_ids(user)
            if allowed is not None and place[0].pk not in allowed:
                form.add_error(None, gettext("Ngày rà soát này hộ thuộc %(name)s, ngoài phạm vi của bạn.") % {"name": place[0].name})
            else:
                reasons = {c: (request.POST.get(f"reason_{c}") or "").strip() for c in rules.indicators}
                nwc = data.get("no_working_capacity")
                try:
                    saved = services.review_save(
                        household=household, year=year, user=user, review_date=data["review_date"],
                        income_total_12m=data.get("income_total_12m"), facts=raw_facts, deprivations=evaluation.deprivations,
                        override_reasons={c: r for c, r in reasons.items() if r}, causes=data["causes"], needs=data["needs"],
                        no_working_capacity=None if nwc in (None, "") else nwc == "1", person_of_merit=data["person_of_merit"],
                        notes=data.get("notes", ""), version=data.get("version") if review else None,
                    )
                except StaleVersion as exc:
                    messages.error(request, exc.messages[0])
                except ValidationError as exc:
                    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                    for field, msgs in errors.items():
                        target = f"reason_{field.split('.', 1)[1]}" if field.startswith("indicators.") else field
                        for m in msgs:
                            form.add_error(target if target in form.fields else None, m)
                else:
                    messages.success(
                        request,
                        gettext("Đã lưu kết quả rà soát năm %(year)s của hộ %(code)s: %(classification)s (%(change)s).") % {"year": year, "code": household.code, "classification": gettext(saved.get_classification_display()), "change": gettext(saved.get_change_display()).lower()},
                    )
                    return redirect("households:review_form", code=household.code, year=year)
    else:
        form = ReviewForm(initial=initial, rules=rules, members=members, review=review, on=on, indicators_meta=meta)
        facts = services.review_facts(household=household, facts=form.facts(), on=on)
        evaluation = form.evaluate(area=area, household_facts=facts)
    if not request.htmx:
        personal_data_read(request, channel=AccessChannel.PAGE, commune=household.commune, records=1,
                           what=f"Phiếu rà soát hộ {household.code} năm {year} (thu nhập)")
    return render(request, "households/review_form.html", _form_context(request, household, year, review, form, evaluation, area, place))


@role_required(*REVIEW_ROLES)
def review_preview(request, code: str, year: int):
    """htmx: the classification, its reasons and the indicator blocks for what is on the form now; saves nothing."""
    household, review, standard, rules, meta = _review_setup(request, code, year)
    on = _review_date_from(request, review, year)
    if on.year != year:
        on = review.review_date if review else dt.date(year, 12, 1)
    place = selectors.household_place_on(household=household, on=on)
    members = _members_on(household, on)
    form = ReviewForm(request.POST or None, rules=rules, members=members, review=review, on=on, indicators_meta=meta)
    facts = services.review_facts(household=household, facts=form.facts(), on=on)
    evaluation = form.evaluate(area=place[0].area, household_facts=facts)
    context = _form_context(request, household, year, review, form, evaluation, place[0].area, place)
    return render(request, "households/_review_live.html", context)


@role_required(*REVIEW_ROLES)
def review_transition(request, pk: int):
    review = _scoped_review(request.user, pk=pk)
    if request.method != "POST":
        return redirect("households:review_form", code=review.household.code, year=review.year)
    if not request.user.can_edit_registry:
        raise PermissionDenied(gettext("Vai trò của bạn không được chuyển bước rà soát."))
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            moved = services.review_transition(
                review=review, to_state=form.cleaned_data["to_state"], user=request.user, note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, gettext("Kết quả rà soát của hộ %(code)s: %(state)s.") % {"code": review.household.code, "state": gettext(moved.get_state_display())})
    return redirect("households:review_form", code=review.household.code, year=review.year)


@role_required(*REVIEW_ROLES)
def review_complaint(request, pk: int):
    review = _scoped_review(request.user, pk=pk)
    if request.method == "POST" and request.user.can_edit_registry:
        form = ComplaintForm(request.POST)
        if form.is_valid():
            try:
                services.complaint_record(review=review, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            else:
                messages.success(request, gettext("Đã ghi nhận khiếu nại, phản ánh. Phúc tra xong mới công nhận kết quả của hộ."))
        else:
            messages.error(request, gettext("Nhập đủ ngày nhận, người khiếu nại và nội dung."))
    return redirect("households:review_form", code=review.household.code, year=review.year)


@role_required(*REVIEW_ROLES)
def complaint_resolve(request, pk: int):
    complaint = get_object_or_404(scope(request.user, Complaint.objects.select_related("review__household")), pk=pk)
    review = complaint.review
    if request.method == "POST" and request.user.can_edit_registry:
        form = ComplaintResolveForm(request.POST)
        if form.is_valid():
            try:
                services.complaint_resolve(complaint=complaint, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            else:
                messages.success(request, gettext("Đã ghi kết quả phúc tra."))
        else:
            messages.error(request, gettext("Chọn kết quả và ghi nội dung phúc tra."))
    return redirect("households:review_form", code=review.household.code, year=review.year)


PRINTS = {
    "meeting": ("households/print_meeting.html", "Danh sách hộ đưa ra họp thôn"),
    "posting": ("households/print_posting.html", "Danh sách niêm yết công khai"),
    "certificates": ("households/print_certificates.html", "Danh sách cấp giấy chứng nhận"),
}


@role_required(*REVIEW_ROLES)
def review_print(request, kind: str):
    """Printable lists: the village meeting list, the public posting list of a village (poor, near-poor,
    escaped), the commune's certificate list. Print CSS: A4, Times New Roman, signature blocks."""
    if kind not in PRINTS:
        from django.http import Http404

        raise Http404
    year = _review_year(request)
    commune, _ = _pick_commune(request, year)
    if commune is None:
        from django.http import Http404

        raise Http404(gettext("Chọn xã."))
    template, title = PRINTS[kind]
    context = {"commune": commune, "year": year, "title": title, "today": timezone.localdate(),
               "board_url": _board_url(commune, year), "focus": [str(c) for c in selectors.FOCUS_CHANGES]}
    if kind in ("meeting", "posting"):
        village = get_object_or_404(AdministrativeUnit, pk=_int(request.GET.get("village"), 0), level=Level.VILLAGE)
        context["village"] = village
        context["village_label"] = village_label(village, on=commune_year_day(commune, year))
        if kind == "meeting":
            context["reviews"] = selectors.meeting_list(commune=commune, year=year, village=village)
            context["meeting"] = VillageMeeting.objects.filter(round__commune=commune, round__year=year, village=village).order_by("-held_on", "-recorded_at", "-id").first()
        else:
            context["lists"] = selectors.posting_list(commune=commune, year=year, village=village)
            context["posting"] = PublicPosting.objects.filter(round__commune=commune, round__year=year, village=village).order_by("-posted_from").first()
    else:
        context["reviews"] = with_village_labels(selectors.certificate_list(commune=commune, year=year), on=commune_year_day(commune, year))
        context["round"] = ReviewRound.objects.filter(commune=commune, year=year).first()
    return render(request, template, context)


@role_required(*REVIEW_ROLES)
def review_applications(request):
    """The regular review during the year: applications, their handling dates, decisions."""
    user = request.user
    year = _review_year(request)
    commune, communes = _pick_commune(request, year)
    qs = scope(user, ReviewApplication.objects.select_related("household", "commune", "review")).filter(year=year)
    if commune is not None:
        qs = qs.filter(commune=commune)
    form = ApplicationForm(initial={"received_on": timezone.localdate()})
    if request.method == "POST" and user.can_edit_registry:
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            household = scope(user, Household.objects.all()).filter(code=data.pop("household").strip()).first()
            if household is None:
                form.add_error("household", gettext("Không tìm thấy hộ này trong phạm vi của bạn."))
            else:
                try:
                    app = services.application_receive(household=household, user=user, **data)
                except ValidationError as exc:
                    for m in exc.messages:
                        form.add_error(None, m)
                else:
                    messages.success(request, gettext("Đã nhận đơn của hộ %(code)s: xử lý từ %(handle_from)s, có kết quả trước %(decide_by)s.") % {"code": household.code, "handle_from": f"{app.handle_from:%d/%m/%Y}", "decide_by": f"{app.decide_by:%d/%m/%Y}"})
                    return redirect(f"{request.path}?year={year}" + (f"&commune={commune.pk}" if commune else ""))
    page = Paginator(qs.order_by("status", "decide_by"), 50).get_page(request.GET.get("page"))
    return render(request, "households/review_applications.html", {
        "year": year, "commune": commune, "communes": communes, "page": page, "form": form,
        "decision_form": ApplicationDecisionForm(initial={"decided_on": timezone.localdate()}),
        "years": range(timezone.localdate().year, FIRST_REVIEW_YEAR - 1, -1),
    })


@role_required(*REVIEW_ROLES)
def application_decide(request, pk: int):
    application = get_object_or_404(scope(request.user, ReviewApplication.objects.select_related("household")), pk=pk)
    if request.method == "POST" and request.user.can_edit_registry:
        form = ApplicationDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.application_decide(application=application, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            else:
                messages.success(request, gettext("Đã ghi kết quả đơn của hộ %(code)s.") % {"code": application.household.code})
        else:
            messages.error(request, gettext("Nhập đủ kết quả và ngày quyết định."))
    return redirect(f"{reverse('households:review_applications')}?year={application.year}&commune={application.commune_id}")


@role_required(*DISTRICT_ROLES)
def review_reclassify(request):
    """Queue the reclassification of a whole year (after a correction of a standard); the page polls the job."""
    year = _review_year(request)
    if request.method != "POST":
        return redirect(_board_url(None, year))
    job = Job.objects.create(kind="reviews_reclassify", params={"year": year}, created_by=request.user,
                             message=f"Phân loại lại kết quả rà soát năm {year}")
    from .tasks import reviews_reclassify_task

    transaction.on_commit(lambda: reviews_reclassify_task.delay(job.pk))
    messages.info(request, gettext("Đã bắt đầu phân loại lại các kết quả rà soát năm %(year)s.") % {"year": year})
    return redirect("households:review_job", pk=job.pk)


@role_required(*REVIEW_ROLES)
def review_job(request, pk: int):
    job = get_object_or_404(scope(request.user, Job.objects.all()), pk=pk, kind__in=("reviews_reclassify", "checks_run"))
    template = "households/_job_status.html" if request.htmx else "households/review_job.html"
    return render(request, template, {"job": job})


# --- The district's checks ---------------------------------------------------------------------------------


@role_required(*DISTRICT_ROLES)
def checks(request):
    """The district's checks against rotating households and inflated results: findings with links to the
    records, resolvable with a note (the plan, section IV.13)."""
    from . import checks as check_rules

    year = _review_year(request)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", FlagStatus.OPEN)
    qs = scope(request.user, CheckFlag.objects.select_related("commune", "household", "resolved_by")).filter(year=year)
    counts = dict(qs.filter(status=FlagStatus.OPEN).order_by().values_list("kind").annotate(n=Count("id")))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("kind", "commune__name", "id"), 15).get_page(request.GET.get("page"))
    last = Job.objects.filter(kind="checks_run").order_by("-created_at").first()
    return render(request, "households/checks.html", {
        "run": CheckRun.objects.filter(year=year).first(),
        "year": year, "years": range(timezone.localdate().year, FIRST_REVIEW_YEAR - 1, -1), "kind": kind, "status": status,
        "kinds": [(k, label, counts.get(k, 0)) for k, label in CheckKind.choices], "page": page,
        "statuses": FlagStatus.choices, "resolve_form": FlagResolveForm(), "last_job": last,
        "explanations": check_rules.explanations(ReviewSettings.current()),
    })


@role_required(*DISTRICT_ROLES)
def checks_run(request):
    year = _review_year(request)
    if request.method != "POST":
        return redirect(f"{reverse('households:checks')}?year={year}")
    job = Job.objects.create(kind="checks_run", params={"year": year}, created_by=request.user, message=f"Kiểm tra kết quả rà soát năm {year}")
    from .tasks import checks_run_task

    transaction.on_commit(lambda: checks_run_task.delay(job.pk))
    return redirect("households:review_job", pk=job.pk)


@role_required(*DISTRICT_ROLES)
def check_resolve(request, pk: int):
    from . import checks as check_rules

    flag = get_object_or_404(scope(request.user, CheckFlag.objects.all()), pk=pk)
    if request.method == "POST":
        form = FlagResolveForm(request.POST)
        if form.is_valid():
            try:
                check_rules.check_flag_resolve(flag=flag, note=form.cleaned_data["note"], user=request.user)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            else:
                messages.success(request, gettext("Đã ghi kết quả xử lý cảnh báo."))
        else:
            messages.error(request, gettext("Ghi chú xử lý là bắt buộc."))
    return redirect(local_next(request, f"{reverse('households:checks')}?year={flag.year}"))
