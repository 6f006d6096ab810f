"""The figures the narrative report quotes, gathered once: the workbook sheets' own rows (`reporting.excel.sheets`,
so the Word draft and the workbook show the same numbers from the same selectors), the plan's level targets
(`programs.selectors`), the task assignments one by one, support by policy, the review's progress and the findings
of the district's checks (`households.models.CheckFlag`, recorded by `households.checks.check_flags_run`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from households.models import CheckFlag, CheckKind, FlagStatus, Job, JobStatus
from programs import selectors as plan_selectors
from programs import tracking
from programs.models import LEVEL_METRICS, SupportRecord, TaskAssignment, TaskStatus

from .. import selectors
from ..excel.context import ReportContext
from ..excel.sheets import compliance, groups, movements, results, support, targets, tasks
from ..excel.sheets import period as period_sheet

OFF_TRACK = {tracking.STATUS_LABELS[tracking.AT_RISK], tracking.STATUS_LABELS[tracking.MISSED]}


@dataclass
class Figures:
    results: list[dict[str, Any]]
    movements: dict[str, tuple[list[dict[str, Any]], int]]
    year_row: dict[str, Any]
    previous_row: dict[str, Any]  # last year's, whose rate form 01's total compares with
    groups_total: dict[str, Any]
    trend: list[dict[str, Any]]
    reduction_targets: list[dict[str, Any]]
    target_rows: list[dict[str, Any]]
    year_rows: list[dict[str, Any]]
    level_targets: list[dict[str, Any]]
    task_rows: list[dict[str, Any]] | None
    task_items: list[dict[str, Any]]
    support: tuple[list[dict[str, Any]], list[tuple[str, str]]] | None
    support_by_policy: list[dict[str, Any]]
    support_households: int
    funds: list[dict[str, Any]] | None
    review_progress: dict[str, Any]
    checks_ran: bool
    flags: list[dict[str, Any]]
    compliance: tuple[list[dict[str, Any]], dict[str, int]]
    # Period reports only (five-year, ten-year review): form P1 (the baseline against the latest recognised year) and
    # P2a, P2b (the period's movements added up), the workbook's period sheets.
    period_comparison: list[dict[str, Any]] = field(default_factory=list)
    period_movements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def total(self) -> dict[str, Any]:
        """Form 01's total row."""
        return self.results[0]

    @property
    def unit_rows(self) -> list[dict[str, Any]]:
        """Form 01's rows of communes (or villages), without the total and the urban/rural subtotals."""
        return [r for r in self.results if r.get("_style") not in ("total", "subtotal")]

    def movement_total(self, table: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The total's households row and persons row of form 01a (poor) or 01b (near-poor)."""
        rows = self.movements[table][0]
        return rows[0], rows[1]

    @property
    def open_tasks(self) -> list[dict[str, Any]]:
        return [t for t in self.task_items if t["status"] != TaskStatus.COMPLETED]


def _level_targets(ctx: ReportContext) -> list[dict[str, Any]]:
    """The plan's level targets (communes in region III, poor households in temporary houses) as the targets page
    computes them: the program area's, or for a commune its own division or the district target over its units."""
    found = list(plan_selectors.targets_queryset().filter(metric__in=list(LEVEL_METRICS), parent__isnull=True))
    if not found:
        return []
    context = plan_selectors.target_context(targets=found)
    out = []
    for t in found:
        if ctx.is_area:
            progress = plan_selectors.target_progress(target=t, year=ctx.last_year, ctx=context)
        else:
            progress = plan_selectors.target_by_commune(target=t, year=ctx.last_year, communes=[ctx.unit], ctx=context)[0].progress
        out.append({
            "title": t.title, "span": f"{t.baseline_year}–{t.end_year}", "value": t.value, "unit_label": t.unit_label,
            "year": progress.year, "current": progress.current, "baseline": progress.baseline,
            "status": progress.status, "label": tracking.STATUS_LABELS.get(progress.status or "", ""), "note": progress.note,
        })
    return out


def _task_items(ctx: ReportContext) -> list[dict[str, Any]]:
    """The year's task assignments one by one (the same filter as `selectors.tasks_behind`, so they add up to the
    tasks sheet), with the rule of overdue the selectors use: past due and not completed."""
    qs = TaskAssignment.objects.filter(year=ctx.year)
    if ctx.unit_ids is not None:
        qs = qs.filter(commune_id__in=list(ctx.unit_ids))
    today = timezone.localdate()
    rows = qs.order_by("agency__plan_item", "agency__code", "duty__order", "duty_id", "commune__code", "id").values(
        "id", "title", "status", "progress", "due_date", "duty_id", "commune_id", "commune__name",
        "agency__code", "agency__short_name", "agency__name",
    )
    labels = dict(TaskStatus.choices)
    out = []
    for r in rows:
        out.append({
            **r, "agency": r["agency__short_name"] or r["agency__name"], "status_label": str(labels.get(r["status"], r["status"])),
            "overdue": r["status"] != TaskStatus.COMPLETED and r["due_date"] < today,
        })
    return out


def _support_scope(ctx: ReportContext) -> Any:
    qs = SupportRecord.objects.filter(date__year=ctx.year)
    if ctx.unit_ids is not None:
        qs = qs.filter(commune_id__in=list(ctx.unit_ids))
    return qs


def _support_by_policy(ctx: ReportContext) -> tuple[list[dict[str, Any]], int]:
    qs = _support_scope(ctx).order_by()
    rows = list(
        qs.values("policy__code", "policy__name", "policy__order", "policy__agency__short_name", "policy__agency__name")
        .annotate(records=Count("id"), households=Count("household_id", distinct=True), amount=Sum("amount"))
        .order_by("policy__order", "policy__code")
    )
    households = qs.aggregate(n=Count("household_id", distinct=True))["n"] or 0
    return rows, households


def _flags(ctx: ReportContext) -> tuple[bool, list[dict[str, Any]]]:
    """The findings of the year's checks by kind: found (still found at the last run, or resolved), open, resolved,
    and the communes concerned."""
    qs = CheckFlag.objects.filter(year=ctx.year).filter(Q(present=True) | Q(status=FlagStatus.RESOLVED))
    if ctx.unit_ids is not None:
        qs = qs.filter(commune_id__in=list(ctx.unit_ids))
    counts: dict[str, dict[str, Any]] = {k: {"kind": k, "label": str(label), "found": 0, "open": 0, "resolved": 0,
                                              "communes": defaultdict(int), "titles": []}
                                         for k, label in CheckKind.choices}
    for kind, status, commune, n in qs.order_by().values_list("kind", "status", "commune__name").annotate(n=Count("id")):
        row = counts[kind]
        row["found"] += n
        row["open" if status == FlagStatus.OPEN else "resolved"] += n
        if status == FlagStatus.OPEN:
            row["communes"][commune or ""] += n
    # Communes named by the reduction check are aggregate findings, not personal data: their titles are quoted.
    for title in qs.filter(kind=CheckKind.REDUCTION_OUTLIER, status=FlagStatus.OPEN).order_by("commune__code", "id").values_list("title", flat=True):
        counts[CheckKind.REDUCTION_OUTLIER]["titles"].append(title)
    ran = Job.objects.filter(kind="checks_run", status=JobStatus.SUCCEEDED, params__year=ctx.year).exists() or qs.exists()
    out = []
    for row in counts.values():
        row["communes"] = sorted(row["communes"].items(), key=lambda kv: (-kv[1], kv[0]))
        out.append(row)
    return ran, out


def gather(ctx: ReportContext) -> Figures:
    trend = ctx.trend(selectors.BASELINE_YEAR)
    reduction = selectors.reduction_targets(unit=None if ctx.is_area else ctx.unit)
    support_rows = support.support_rows(ctx)
    by_policy, households = _support_by_policy(ctx) if support_rows else ([], 0)
    ran, flags = _flags(ctx)
    period_report = bool(getattr(ctx, "is_period", False))
    return Figures(
        results=results.rows(ctx),
        movements={table: movements.rows(ctx, table) for table in ("poor", "near_poor")},
        year_row=ctx.year_row(ctx.year),
        previous_row=ctx.year_row(ctx.year - 1),
        groups_total=groups.rows(ctx)[0],
        trend=trend,
        reduction_targets=reduction,
        target_rows=targets.target_rows(ctx, trend, reduction),
        year_rows=targets.year_rows(ctx, trend, reduction),
        level_targets=_level_targets(ctx),
        task_rows=tasks.rows(ctx),
        task_items=_task_items(ctx),
        support=support_rows if support_rows and support_rows[0][0]["records"] else None,
        support_by_policy=by_policy,
        support_households=households,
        funds=support.fund_rows(ctx),
        review_progress=selectors.review_progress(year=ctx.year, unit_ids=ctx.unit_ids, structure=ctx.structure),
        checks_ran=ran,
        flags=flags,
        compliance=compliance.rows(ctx),
        period_comparison=period_sheet.comparison_rows(ctx) if period_report else [],
        period_movements={t: period_sheet.movement_rows(ctx, t) for t in ("poor", "near_poor")} if period_report else {},
    )
