"""Reads of the plan that are more than a `get`: target actuals, task lists and summaries, support and fund roll-ups.

Every figure is aggregated in the database (GROUP BY over the annual reviews, the support records, the funds);
Python only combines a handful of grouped rows (units × years), never households.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from django.conf import settings
from django.db.models import (
    Avg, Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Sum, Value, When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from households.models import (
    AdministrativeUnit, AnnualReview, Classification, Household, HouseholdYear, Level, OFFICIAL_STATES, PovertyStandard,
    RegionStatus, SupportNeed,
)

from . import tracking
from .models import (
    FundAllocation, Metric, Plan, SupportRecord, Target, TaskAssignment, TaskStatus,
)

# --- Units ------------------------------------------------------------------------------------------------------


def program_area() -> AdministrativeUnit:
    """The unit the plan covers (settings.PROGRAM_AREA_CODE): the district of Sơn Dương by default."""
    code = getattr(settings, "PROGRAM_AREA_CODE", "076")
    return (
        AdministrativeUnit.objects.filter(code=code, level__in=(Level.DISTRICT, Level.PROVINCE))
        .order_by("-valid_from")
        .get()
    )


def current_plan() -> Plan | None:
    return Plan.objects.order_by("-period_start", "code").first()


def successor_edges() -> dict[int, list[int]]:
    """successor id → the ids of the units it succeeded (same level only: a district's successors are communes,
    but the district is not a commune's past). One query."""
    through = AdministrativeUnit.successors.through
    edges: dict[int, list[int]] = defaultdict(list)
    pairs = through.objects.filter(
        from_administrativeunit__level=F("to_administrativeunit__level")
    ).values_list("from_administrativeunit_id", "to_administrativeunit_id")
    for pred_id, succ_id in pairs:
        edges[succ_id].append(pred_id)
    return edges


def lineage_map(*, units: Iterable[AdministrativeUnit], edges: dict[int, list[int]] | None = None) -> dict[int, set[int]]:
    """For many units at once: each unit and every unit it succeeded, transitively (the batch form of
    `households.selectors.unit_lineage_ids`: one query for all, none with `edges` given)."""
    units = list(units)
    if not units:
        return {}
    edges = successor_edges() if edges is None else edges
    out: dict[int, set[int]] = {}
    for unit in units:
        found, todo = {unit.pk}, [unit.pk]
        while todo:
            for pred in edges.get(todo.pop(), []):
                if pred not in found:
                    found.add(pred)
                    todo.append(pred)
        out[unit.pk] = found
    return out


def communes_on(day: dt.date) -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.in_force(day).filter(level=Level.COMMUNE).order_by("name"))


def year_end(year: int) -> dt.date:
    """The day a year's figures are read on: 31 December, or today for the current year."""
    return min(dt.date(year, 12, 31), timezone.localdate())


# --- Target actuals ---------------------------------------------------------------------------------------------


@dataclass
class ReviewGroup:
    commune_id: int
    year: int
    standard: str
    households: int
    poor: int
    minority: int
    minority_poor: int
    poor_housing: int
    official_reviews: int = 0


def _housing_bits(targets: Iterable[Target]) -> dict[int, int]:
    """standard id → the bit of its housing-quality indicator (Decree 07: indicator 7; `Indicator.bit` in the
    review's deprivation mask), from the housing targets' `indicator_codes`."""
    wanted: dict[str, str] = {}
    for t in targets:
        if t.metric == Metric.TEMPORARY_HOUSES:
            for std, code in (t.indicator_codes or {}).items():
                wanted.setdefault(std, str(code))
    if not wanted:
        return {}
    bits = {}
    for std in PovertyStandard.objects.filter(code__in=wanted).prefetch_related("indicators"):
        for ind in std.indicators.all():
            if ind.code == wanted[std.code]:
                bits[std.pk] = ind.bit
    return bits


def review_groups(*, years: Iterable[int] | None = None, housing_bits: dict[int, int] | None = None) -> list[ReviewGroup]:
    """The official figures (reviews recognised by the commune or confirmed by the district) by commune, year and
    standard: resident households on 31 December (the denominators, docs/domain.md §3), poor, ethnic-minority households
    and poor among them, poor households deprived on housing quality in the review their status comes from. One
    GROUP BY over the household-year rows (`households.household_years`)."""
    qs = HouseholdYear.objects.filter(commune__isnull=False)
    if years is not None:
        qs = qs.filter(year__in=list(years))
    poor = Q(status_o=Classification.POOR)
    housing_cases = [
        When(poor & Q(source_o__standard_id=sid) & GreaterThan(F("source_o__deprivation_mask").bitand(bit), 0), then=Value(1))
        for sid, bit in (housing_bits or {}).items()
    ]
    housing = Sum(Case(*housing_cases, default=Value(0), output_field=IntegerField())) if housing_cases else Value(0)
    rows = (
        qs.order_by()
        .values("commune_id", "year")
        .annotate(
            n_households=Count("id"),
            n_poor=Count("id", filter=poor),
            n_minority=Count("id", filter=Q(minority=True)),
            n_minority_poor=Count("id", filter=poor & Q(minority=True)),
            poor_housing=housing,
        )
    )
    standards = list(PovertyStandard.objects.values_list("first_year", "last_year", "code"))
    # A year counts where its lists were made: some official review of the year in the unit.
    reviewed_qs = AnnualReview.objects.filter(state__in=OFFICIAL_STATES)
    if years is not None:
        reviewed_qs = reviewed_qs.filter(year__in=list(years))
    reviewed = {(c, y): n for c, y, n in reviewed_qs.order_by().values("commune_id", "year").annotate(n=Count("id")).values_list("commune_id", "year", "n")}

    def standard_of(year: int) -> str:
        return next((code for first, last, code in standards if first <= year <= last), "")

    return [
        ReviewGroup(
            commune_id=r["commune_id"], year=r["year"], standard=standard_of(r["year"]), households=r["n_households"],
            poor=r["n_poor"], minority=r["n_minority"], minority_poor=r["n_minority_poor"], poor_housing=r["poor_housing"] or 0,
            official_reviews=reviewed.pop((r["commune_id"], r["year"]), 0),
        )
        for r in rows
    ] + [
        # Official reviews filed under a unit that has no resident household on 31 December (it moved away since).
        ReviewGroup(commune_id=c, year=y, standard=standard_of(y), households=0, poor=0, minority=0, minority_poor=0,
                    poor_housing=0, official_reviews=n)
        for (c, y), n in reviewed.items()
    ]


def _sum_groups(groups: list[ReviewGroup], unit_ids: set[int] | None) -> dict[int, dict]:
    """Per year whose lists were made in the units (some official review): the sums over the groups of the units
    (all units when None) and the standard of most households."""
    out: dict[int, dict] = {}
    for g in groups:
        if unit_ids is not None and g.commune_id not in unit_ids:
            continue
        y = out.setdefault(g.year, {"households": 0, "poor": 0, "minority": 0, "minority_poor": 0, "poor_housing": 0,
                                    "official_reviews": 0, "by_std": defaultdict(int)})
        for key in ("households", "poor", "minority", "minority_poor", "poor_housing", "official_reviews"):
            y[key] += getattr(g, key)
        y["by_std"][g.standard] += g.households
    for y in out.values():
        y["standard"] = max(y["by_std"].items(), key=lambda kv: kv[1])[0]
    return {year: y for year, y in out.items() if y["official_reviews"]}


def region_statuses() -> list[tuple[int, str, dt.date, dt.date | None]]:
    """Every commune's region classification periods: (unit id, region, valid from, valid to)."""
    return list(RegionStatus.objects.filter(unit__level=Level.COMMUNE).values_list("unit_id", "region", "valid_from", "valid_to"))


def region_iii_levels(
    *, statuses: list[tuple[int, str, dt.date, dt.date | None]], unit_ids: set[int] | None, years: Iterable[int]
) -> dict[int, int | None]:
    """Per year: communes of the units (all when None) in region III on the year's reading day; None where no
    region classification of those units is in force that day (no data, not zero)."""
    mine = [s for s in statuses if unit_ids is None or s[0] in unit_ids]
    today = timezone.localdate()
    out: dict[int, int | None] = {}
    for year in years:
        if dt.date(year, 1, 1) > today:
            out[year] = None
            continue
        day = year_end(year)
        live = [(u, r) for u, r, f, t in mine if f <= day and (t is None or day <= t)]
        out[year] = len({u for u, r in live if r == RegionStatus.Region.III}) if live else None
    return out


@dataclass
class TargetRow:
    target: Target
    progress: tracking.Progress
    unit_ids: set[int] | None = None

    @property
    def status(self) -> str | None:
        return self.progress.status


@dataclass
class TargetContext:
    """What computing targets needs, fetched once (a constant number of queries whatever the number of targets,
    communes and reviews): the grouped official reviews, the units' successions, the region classifications."""

    groups: list[ReviewGroup]
    edges: dict[int, list[int]]
    area_id: int
    statuses: list = field(default_factory=list)
    lineages: dict[int, set[int]] = field(default_factory=dict)

    def lineage(self, unit: AdministrativeUnit) -> set[int]:
        if unit.pk not in self.lineages:
            self.lineages.update(lineage_map(units=[unit], edges=self.edges))
        return self.lineages[unit.pk]

    @property
    def latest_year(self) -> int | None:
        """The latest year whose review is complete in the program area (a target is judged on a complete year
        only, docs/figures.md); the latest year with official reviews while none is."""
        if not hasattr(self, "_latest"):
            from households.selectors import latest_complete_year

            self._latest = latest_complete_year(self._completeness_of({g.year for g in self.groups})) or (
                AnnualReview.objects.filter(state__in=OFFICIAL_STATES).aggregate(y=Max("year"))["y"])
        return self._latest

    def completeness(self, year: int):
        """`households.selectors.Completeness` of a year on its own communes (the targets' matrix is by them)."""
        return self._completeness_of({year})[year]

    def _completeness_of(self, years: set[int]) -> dict:
        """The years' completeness, each asked once (two grouped queries, and the communes once)."""
        from households.selectors import completeness_by_year

        memo = self.__dict__.setdefault("_completeness", {})
        missing = years - set(memo)
        if missing:
            if "_tables" not in self.__dict__:
                forward: dict[int, list[int]] = defaultdict(list)
                for succ, preds in self.edges.items():
                    for pred in preds:
                        forward[pred].append(succ)
                units = {u["id"]: u for u in AdministrativeUnit.objects.filter(level=Level.COMMUNE).values("id", "code", "valid_from", "valid_to")}
                self._tables = (units, dict(forward))
            memo.update(completeness_by_year(years=missing, structure="historical", tables=self._tables))
        return {y: memo[y] for y in years}


def target_context(*, targets: list[Target]) -> TargetContext:
    area = program_area()
    needs_regions = any(t.metric == Metric.REGION_III_COMMUNES for t in targets)
    return TargetContext(
        groups=review_groups(housing_bits=_housing_bits(targets)),
        edges=successor_edges(),
        area_id=area.pk,
        statuses=region_statuses() if needs_regions else [],
    )


def _unit_ids(ctx: TargetContext, unit: AdministrativeUnit) -> set[int] | None:
    """The program area counts every review; a commune counts its reviews and those of the units it succeeded."""
    if unit.pk == ctx.area_id:
        return None
    return ctx.lineage(unit)


def target_progress(*, target: Target, year: int, ctx: TargetContext, unit_ids: set[int] | None | str = "target") -> tracking.Progress:
    """A target's progress in `year` from the grouped reviews (or region statuses) in `ctx`."""
    ids = _unit_ids(ctx, target.unit) if unit_ids == "target" else unit_ids
    years = range(target.baseline_year, max(year, target.baseline_year) + 1)
    if target.metric == Metric.REGION_III_COMMUNES:
        return tracking.level_progress(
            levels=region_iii_levels(statuses=ctx.statuses, unit_ids=ids, years=years),
            baseline_year=target.baseline_year, end_year=target.end_year, value=target.value, year=year,
        )
    sums = _sum_groups(ctx.groups, ids)
    if target.metric == Metric.TEMPORARY_HOUSES:
        return tracking.level_progress(
            levels={y: s["poor_housing"] for y, s in sums.items()}, baseline_year=target.baseline_year,
            end_year=target.end_year, value=target.value, year=year,
        )
    if target.metric == Metric.ETHNIC_MINORITY_POVERTY_RATE_REDUCTION:
        points = [tracking.RatePoint(y, s["minority_poor"], s["minority"], s["standard"]) for y, s in sums.items()]
    else:
        points = [tracking.RatePoint(y, s["poor"], s["households"], s["standard"]) for y, s in sums.items()]
    return tracking.reduction_progress(
        points=points, baseline_year=target.baseline_year, end_year=target.end_year, value=target.value,
        comparison=target.comparison, year=year,
    )


def targets_queryset() -> QuerySet[Target]:
    return Target.objects.select_related("unit", "parent", "solution_group", "plan").order_by("order", "parent_id", "unit__name")


def targets_progress(*, targets: list[Target], year: int, ctx: TargetContext | None = None) -> list[TargetRow]:
    ctx = ctx or target_context(targets=targets)
    return [TargetRow(target=t, progress=target_progress(target=t, year=year, ctx=ctx), unit_ids=_unit_ids(ctx, t.unit)) for t in targets]


@dataclass
class CommuneRow:
    commune: AdministrativeUnit
    target: Target
    progress: tracking.Progress
    division: Target | None = None


def target_by_commune(
    *, target: Target, year: int, communes: list[AdministrativeUnit], ctx: TargetContext | None = None
) -> list[CommuneRow]:
    """A district target computed for each commune (over the commune and the units it succeeded), against the
    commune's own division where the district has set one."""
    ctx = ctx or target_context(targets=[target])
    divisions = {d.unit_id: d for d in target.divisions.all()}
    rows = []
    for c in communes:
        own = divisions.get(c.pk)
        progress = target_progress(target=own or target, year=year, ctx=ctx, unit_ids=ctx.lineage(c))
        rows.append(CommuneRow(commune=c, target=target, progress=progress, division=own))
    return rows


def targets_matrix(
    *, targets: list[Target], year: int, communes: list[AdministrativeUnit], ctx: TargetContext | None = None
) -> tuple[list[TargetRow], list[dict]]:
    """The district targets and, per commune, each target's progress there: one shared context for all.
    `targets` should be district targets with their `divisions` prefetched."""
    ctx = ctx or target_context(targets=targets)
    rows = [TargetRow(target=t, progress=target_progress(target=t, year=year, ctx=ctx)) for t in targets]
    per_commune = {c.pk: {"commune": c, "cells": []} for c in communes}
    for t in targets:
        for r in target_by_commune(target=t, year=year, communes=communes, ctx=ctx):
            per_commune[r.commune.pk]["cells"].append(r)
    return rows, list(per_commune.values())


# --- Tasks ------------------------------------------------------------------------------------------------------


def silence_cutoff(plan: Plan | None = None) -> dt.datetime:
    days = plan.silence_days if plan else 90
    return timezone.now() - dt.timedelta(days=days)


def tasks_annotated(qs: QuerySet[TaskAssignment], *, plan: Plan | None = None) -> QuerySet[TaskAssignment]:
    """Tasks with `is_overdue` (past due and not completed) and `is_silent` (not completed and no progress report
    for the plan's silence period)."""
    today = timezone.localdate()
    cutoff = silence_cutoff(plan)
    open_ = ~Q(status=TaskStatus.COMPLETED)
    return qs.annotate(
        last_seen=Coalesce("last_update_at", "created_at"),
    ).annotate(
        is_overdue=Case(When(open_ & Q(due_date__lt=today), then=Value(True)), default=Value(False)),
        is_silent=Case(When(open_ & Q(last_seen__lt=cutoff), then=Value(True)), default=Value(False)),
    )


def tasks_list(
    *, qs: QuerySet[TaskAssignment], year: int | None = None, agency: str = "", status: str = "", flag: str = "",
    commune: str = "", plan: Plan | None = None,
) -> QuerySet[TaskAssignment]:
    """Filter a (scoped) task queryset; `flag` is `overdue` or `silent`."""
    if year:
        qs = qs.filter(year=year)
    if agency:
        qs = qs.filter(agency__code=agency)
    if status:
        qs = qs.filter(status=status)
    if commune:
        qs = qs.filter(commune__code=commune)
    qs = tasks_annotated(qs, plan=plan)
    if flag == "overdue":
        qs = qs.filter(is_overdue=True)
    elif flag == "silent":
        qs = qs.filter(is_silent=True)
    return qs.select_related("agency", "commune", "duty", "duty__solution_group").order_by(
        "duty__order", "commune__name", "year"
    )


def tasks_summary_by_agency(*, qs: QuerySet[TaskAssignment], year: int | None, plan: Plan | None = None) -> list[dict]:
    """Per lead agency: tasks, completed, overdue, silent, average progress — one GROUP BY query."""
    if year:
        qs = qs.filter(year=year)
    today = timezone.localdate()
    cutoff = silence_cutoff(plan)
    open_ = ~Q(status=TaskStatus.COMPLETED)
    rows = (
        qs.order_by()
        .values("agency__code", "agency__short_name", "agency__name", "agency__plan_item")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(status=TaskStatus.COMPLETED)),
            stalled=Count("id", filter=Q(status=TaskStatus.STALLED)),
            overdue=Count("id", filter=open_ & Q(due_date__lt=today)),
            silent=Count("id", filter=open_ & (Q(last_update_at__lt=cutoff) | Q(last_update_at__isnull=True, created_at__lt=cutoff))),
            progress=Avg("progress"),
        )
        .order_by("agency__plan_item")
    )
    return list(rows)


def task_years(*, qs: QuerySet[TaskAssignment]) -> list[int]:
    return list(qs.order_by("-year").values_list("year", flat=True).distinct())


# --- Support ----------------------------------------------------------------------------------------------------


def support_list(
    *, qs: QuerySet[SupportRecord], year: int | None = None, policy: str = "", kind: str = "", source: str = "",
    commune: str = "", household: str = "",
) -> QuerySet[SupportRecord]:
    """Filter a (scoped) support-record queryset. A commune code means the commune today and the units it
    succeeded (the records keep the commune of the day of support)."""
    if year:
        qs = qs.filter(date__year=year)
    if policy:
        qs = qs.filter(policy__code=policy)
    if kind:
        qs = qs.filter(policy__kind=kind)
    if source:
        qs = qs.filter(funding_source=source)
    if household:
        qs = qs.filter(household__code=household)
    if commune:
        unit = AdministrativeUnit.objects.in_force().filter(code=commune, level=Level.COMMUNE).first()
        ids = lineage_map(units=[unit])[unit.pk] if unit else set()
        qs = qs.filter(commune_id__in=ids)
    return qs.select_related("household", "policy", "policy__agency", "commune", "recorded_by").order_by("-date", "-id")


def support_rollup(*, qs: QuerySet[SupportRecord]) -> dict:
    """Totals of a (scoped, filtered) support-record queryset: overall, by year, by funding source, by kind of
    support, and by today's commune (records of merged units roll up to the commune that succeeded them)."""
    qs = qs.order_by()
    total = qs.aggregate(records=Count("id"), households=Count("household_id", distinct=True), amount=Sum("amount"))
    by_source = list(qs.values("funding_source").annotate(records=Count("id"), amount=Sum("amount")).order_by("-amount"))
    by_kind = list(qs.values("policy__kind").annotate(records=Count("id"), amount=Sum("amount")).order_by("-amount"))
    by_year = list(
        qs.values("date__year").annotate(records=Count("id"), amount=Sum("amount")).order_by("date__year")
    )
    raw = list(qs.values("commune_id").annotate(records=Count("id"), amount=Sum("amount"), households=Count("household_id", distinct=True)))
    from .models import FundingSource, SupportKind

    sources = {code: str(label) for code, label in FundingSource.choices}  # in the active language (Excel: Vietnamese)
    kinds = {code: str(label) for code, label in SupportKind.choices}
    for r in by_source:
        r["label"] = sources.get(r["funding_source"], r["funding_source"])
    for r in by_kind:
        r["label"] = kinds.get(r["policy__kind"], r["policy__kind"])
    return {
        "total": total, "by_source": by_source, "by_kind": by_kind, "by_year": by_year,
        "by_commune": _roll_to_current_communes(raw),
    }


def _roll_to_current_communes(raw: list[dict]) -> list[dict]:
    """Rows keyed by `commune_id` (any date) summed into today's communes, through the units' lineages."""
    if not raw:
        return []
    current = communes_on(timezone.localdate())
    lineages = lineage_map(units=current)
    owner: dict[int, AdministrativeUnit] = {}
    for commune in current:
        for i in lineages[commune.pk]:
            owner.setdefault(i, commune)
    out: dict[int | None, dict] = {}
    for r in raw:
        c = owner.get(r["commune_id"])
        row = out.setdefault(c.pk if c else None, {"commune": c, "records": 0, "amount": 0, "households": 0})
        for key in ("records", "amount", "households"):
            row[key] += r.get(key) or 0
    return sorted(out.values(), key=lambda r: (r["commune"] is None, r["commune"].name if r["commune"] else ""))


@dataclass
class HouseholdSupport:
    records: list[SupportRecord]
    review: AnnualReview | None
    needs: list[dict]  # {"need": SupportNeed, "met": bool, "records": [...]} for the latest review's needs
    total: int

    @property
    def unmet(self) -> list[SupportNeed]:
        return [n["need"] for n in self.needs if not n["met"]]


def household_support(*, household: Household, visible: QuerySet[SupportRecord]) -> HouseholdSupport:
    """The support a household received (the records the user may see) and, for its latest review, which of the
    support needs it stated were met: a need is met by support under a policy answering it, given from 1 January
    of the review year on (the review closes the year; support answers it in the following months)."""
    records = list(
        visible.filter(household=household).select_related("policy", "policy__agency").order_by("-date", "-id")
    )
    review = (
        AnnualReview.objects.filter(household=household).order_by("-year").prefetch_related("needs").first()
    )
    needs: list[dict] = []
    if review is not None:
        review_needs = sorted(review.needs.all(), key=lambda n: (n.order, n.code))
        if review_needs:
            # Met across every agency's records: whether the need was answered is a fact about the household.
            met_by = (
                SupportRecord.objects.filter(household=household, date__gte=dt.date(review.year, 1, 1))
                .filter(policy__needs__in=review_needs)
                .values_list("policy__needs", flat=True)
            )
            met = set(met_by)
            needs = [{"need": n, "met": n.pk in met} for n in review_needs]
    return HouseholdSupport(records=records, review=review, needs=needs, total=sum(r.amount for r in records))


def unmet_needs_summary(*, year: int, commune_ids: Iterable[int] | None = None) -> list[dict]:
    """For the households reviewed in `year` (officially): per support need, how many stated it and how many of
    those received support under a policy answering it since 1 January of that year."""
    reviews = AnnualReview.objects.filter(year=year, state__in=OFFICIAL_STATES)
    if commune_ids is not None:
        reviews = reviews.filter(commune_id__in=list(commune_ids))
    through = AnnualReview.needs.through
    stated = through.objects.filter(annualreview__in=reviews)
    answered = SupportRecord.objects.filter(
        household_id=OuterRef("annualreview__household_id"),
        date__gte=dt.date(year, 1, 1),
        policy__needs=OuterRef("supportneed_id"),
    )
    rows = (
        stated.annotate(met=Exists(answered))
        .values("supportneed_id")
        .annotate(stated=Count("id"), met_count=Count("id", filter=Q(met=True)))
        .order_by()
    )
    names = {n.pk: n for n in SupportNeed.objects.all()}
    out = [
        {"need": names[r["supportneed_id"]], "stated": r["stated"], "met": r["met_count"], "unmet": r["stated"] - r["met_count"]}
        for r in rows
    ]
    return sorted(out, key=lambda r: (r["need"].order, r["need"].code))


# --- Funds ------------------------------------------------------------------------------------------------------


def funds_rollup(*, qs: QuerySet[FundAllocation], year: int | None) -> dict:
    """Allocation and disbursement of a (scoped) queryset: total, by program × source, by commune (district-level
    money as its own row), by year."""
    if year:
        qs = qs.filter(year=year)
    qs = qs.order_by()
    sums = {"allocated": Sum("allocated"), "disbursed": Sum("disbursed")}
    total = qs.aggregate(**sums)
    by_program = list(
        qs.values("program__code", "program__name", "program__order", "source").annotate(**sums).order_by("program__order", "source")
    )
    by_source = list(qs.values("source").annotate(**sums).order_by("-allocated"))
    by_commune = list(
        qs.values("commune_id", "commune__name", "commune__valid_to").annotate(**sums).order_by("commune__name")
    )
    by_year = list(qs.values("year").annotate(**sums).order_by("year"))
    from .models import FundingSource

    sources = {code: str(label) for code, label in FundingSource.choices}  # in the active language (Excel: Vietnamese)
    for r in by_program + by_source:
        r["source_label"] = sources.get(r["source"], r["source"])
    for r in by_program + by_source + by_commune + by_year + [total]:
        a, d = r.get("allocated") or 0, r.get("disbursed") or 0
        r["rate"] = tracking.rate(d, a)
    return {"total": total, "by_program": by_program, "by_source": by_source, "by_commune": by_commune, "by_year": by_year}
