"""Demo data of reporting on time: the obligations of 2021–2026 (and the five-year review of 2025) with their
submissions — most on time, some late, one returned for correction, the 2026 round under way — and the district's
final annual reports of 2021–2025, made by the same service as the scheduled runs.

Deterministic for a seed. Runs last in `seed_demo`: the submissions' figures are computed from the demo reviews,
support and tasks the other apps' builders made.
"""
from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from accounts.models import Role, User
from households.structure import program_area

from . import figures, services
from .models import (
    Edition,
    Obligation,
    ObligationState,
    ReportKind,
    Submission,
    Trigger,
    Variant,
)

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
FIRST_YEAR = 2021

NARRATIVES = [
    "Triển khai rà soát hộ nghèo, hộ cận nghèo theo đúng quy trình Quyết định 24/2021/QĐ-TTg; tổ chức họp thôn, "
    "niêm yết công khai kết quả. Phối hợp Ngân hàng Chính sách xã hội giải ngân vốn vay cho hộ nghèo, hộ cận nghèo.",
    "Tuyên truyền chính sách giảm nghèo trên hệ thống loa truyền thanh; cấp thẻ bảo hiểm y tế cho hộ nghèo, hộ cận "
    "nghèo; hỗ trợ con giống, cây giống cho các hộ có nhu cầu. Kết quả giảm nghèo đạt kế hoạch năm.",
    "Thực hiện các nhiệm vụ được giao tại Kế hoạch; lồng ghép các chương trình mục tiêu quốc gia; kiểm tra, giám sát "
    "việc thực hiện chính sách tại cơ sở, không phát hiện sai phạm.",
]
PROPOSALS = [
    "Đề nghị bố trí thêm vốn hỗ trợ nhà ở cho hộ nghèo còn khó khăn về nhà ở.",
    "Đề nghị tăng cường tập huấn nghiệp vụ rà soát cho cán bộ thôn.",
    "",
]
RETURN_REASON = "Biểu số liệu chưa khớp với kết quả rà soát đã được công nhận; đề nghị rà soát lại số hộ cận nghèo và gửi lại."


@dataclass
class ReportingSummary:
    obligations: int = 0
    submitted: int = 0
    late: int = 0
    returned: int = 0
    reports: list[str] = field(default_factory=list)


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.choice([0, 15, 30, 45])), tzinfo=TZ)


def _owner(ob: Obligation, users: list[User]) -> User | None:
    for u in users:
        if (ob.commune_id and u.role == Role.COMMUNE_OFFICER and u.unit_id == ob.commune_id) or (
            ob.agency_id and u.role == Role.AGENCY_OFFICER and u.agency_id == ob.agency_id
        ):
            return u
    return None


@transaction.atomic
def build_obligations(*, seed: int, today: dt.date) -> ReportingSummary:
    rng = random.Random(f"reporting-{seed}")
    summary = ReportingSummary()
    users = list(User.objects.filter(role__in=[Role.COMMUNE_OFFICER, Role.AGENCY_OFFICER]))
    reviewer = User.objects.filter(role=Role.DISTRICT_OFFICER).order_by("pk").first()
    periods = [(ReportKind.objects.get(code="annual"), y) for y in range(FIRST_YEAR, today.year + 1)]
    five = ReportKind.objects.filter(code="five_year").first()
    if five and five.due_on(2025) and five.due_on(2025) <= today:
        periods.append((five, 2025))
    returned_done = False
    for kind, year in periods:
        deadline = services.deadline_ensure(kind=kind, year=year)
        services.obligations_ensure(deadline=deadline)
        due = deadline.due_date
        for ob in deadline.obligations.select_related("commune", "agency", "deadline__kind").order_by("commune__code", "agency__code"):
            summary.obligations += 1
            if ob.state != ObligationState.NOT_STARTED:
                continue  # seeded before
            roll = rng.random()
            if due > today:
                # The round under way: some sent early, some drafting, most not started yet.
                if roll < 0.25:
                    day = today - dt.timedelta(days=rng.randint(0, 10))
                elif roll < 0.55:
                    _draft(ob, rng, users)
                    continue
                else:
                    continue
            elif roll < 0.82:
                day = due - dt.timedelta(days=rng.randint(1, 20))
            else:
                day = due + dt.timedelta(days=rng.randint(0, 12))
            _submit(ob, _moment(day, rng), rng, users)
            summary.submitted += 1
            summary.late += 0 if ob.on_time else 1
            if due <= today:
                if not returned_done and year == today.year - 1 and kind.code == "annual" and ob.commune_id and ob.on_time:
                    ob.state = ObligationState.RETURNED
                    ob.return_reason = RETURN_REASON
                    summary.returned += 1
                    returned_done = True
                else:
                    ob.state = ObligationState.ACCEPTED
                ob.decided_at = ob.submitted_at + dt.timedelta(days=rng.randint(1, 5))
                ob.decided_by = reviewer
                ob.save()
    return summary


def _draft(ob: Obligation, rng: random.Random, users: list[User]) -> None:
    Submission.objects.create(obligation=ob, narrative=rng.choice(NARRATIVES), created_by=_owner(ob, users))
    ob.state = ObligationState.DRAFT
    ob.save()


def _submit(ob: Obligation, at: dt.datetime, rng: random.Random, users: list[User]) -> None:
    owner = _owner(ob, users)
    figs = figures.obligation_figures(obligation=ob)
    comments = {}
    if figs and rng.random() < 0.2:
        comments[figs[0]["key"]] = "Số liệu đã đối chiếu với sổ theo dõi của đơn vị."
    Submission.objects.create(
        obligation=ob, narrative=rng.choice(NARRATIVES), proposals=rng.choice(PROPOSALS), comments=comments,
        figures=figs, figures_at=at, created_by=owner,
    )
    ob.state = ObligationState.SUBMITTED
    ob.first_submitted_at = ob.submitted_at = at
    ob.submitted_by = owner
    ob.on_time = at.astimezone(TZ).date() < ob.deadline.due_date
    ob.save()


def build_reports(*, today: dt.date, summary: ReportingSummary) -> ReportingSummary:
    """The district's final annual reports of the years whose due date has passed (summary edition; the last one
    also with the household list), as the 10 December schedule would have made them."""
    kind = ReportKind.objects.get(code="annual")
    area = program_area()
    years = [y for y in range(FIRST_YEAR, today.year + 1) if kind.due_on(y) and kind.due_on(y) <= today]
    for year in years:
        editions = [Edition.SUMMARY] + ([Edition.FULL] if year == years[-1] else [])
        for edition in editions:
            report = services.report_request(
                kind=kind, year=year, unit=area, variant=Variant.FINAL, edition=edition, trigger=Trigger.DEMO,
                trigger_key=f"demo:{year}",
            )
            made = services.report_generate(report_id=report.pk)
            summary.reports.append(f"{year} ({made.get_edition_display().lower()})")
    return summary


def build_reporting(*, seed: int, today: dt.date) -> ReportingSummary:
    summary = build_obligations(seed=seed, today=today)
    return build_reports(today=today, summary=summary)
