"""Demo data of the plan: each year's tasks with their progress reports, support delivered to a realistic share of
poor and near-poor households (preferential loans, health insurance cards, housing, schooling, production), and
yearly funds by program, source and commune.

Deterministic for a seed; bulk inserts only, so it stays a few seconds at 50,000 households. It uses the official
annual reviews where they exist (support follows each review's poor and near-poor lists, from the January after
the review); without reviews it draws a share of households as beneficiaries, so every page still has something.
"""
from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from households.bulk import insert_objects
from households.models import (
    AdministrativeUnit, AnnualReview, Change, Classification, Household, Level, OFFICIAL_STATES, PovertyStandard,
)

from . import selectors, services
from .models import (
    FundAllocation, FundingSource, FundProgram, Metric, SupportPolicy, SupportRecord, Target, TaskAssignment,
    TaskStatus, TaskUpdate,
)

FIRST_YEAR = 2022  # the plan was issued in August 2022; its tasks and the support recorded start that year

NARRATIVES = {
    "completed": [
        "Đã hoàn thành nhiệm vụ theo kế hoạch; báo cáo kết quả gửi UBND huyện (qua Phòng LĐ-TB&XH).",
        "Hoàn thành đúng tiến độ; đã tổng hợp số liệu và gửi báo cáo năm.",
        "Đã tổ chức triển khai đầy đủ các nội dung được giao, kết quả đạt yêu cầu.",
    ],
    "in_progress": [
        "Đang triển khai theo kế hoạch; đã phối hợp với các xã rà soát đối tượng.",
        "Đã ban hành văn bản hướng dẫn, đang tổ chức thực hiện tại cơ sở.",
        "Đang thực hiện; một số nội dung chờ bố trí kinh phí.",
    ],
    "stalled": [
        "Chậm tiến độ do nguồn vốn phân bổ muộn; đề nghị huyện đôn đốc.",
        "Gặp khó khăn về nhân lực, đề nghị bố trí thêm cán bộ chuyên trách.",
    ],
}

# Health insurance card value per person and year: 4.5 % of the base salary × 12 (Decree 146/2018/NĐ-CP), by the
# base salary in force on 1 January of each year (1.490.000 đ until 06/2023, 1.800.000 đ, then 2.340.000 đ).
BHYT_PER_PERSON = {2022: 804_600, 2023: 804_600, 2024: 972_000, 2025: 1_263_600}


@dataclass
class ProgramsSummary:
    tasks: int = 0
    updates: int = 0
    support_records: int = 0
    supported_households: int = 0
    fund_rows: int = 0
    from_reviews: bool = False


def _bhyt(year: int) -> int:
    return BHYT_PER_PERSON.get(year, BHYT_PER_PERSON[max(BHYT_PER_PERSON)] if year > max(BHYT_PER_PERSON) else 804_600)


def _date_in(rng: random.Random, year: int, first_month: int, last_month: int, today: dt.date) -> dt.date | None:
    day = dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))
    return day if day <= today else None


# --- tasks ------------------------------------------------------------------------------------------------------


def _build_tasks(*, rng: random.Random, today: dt.date, summary: ProgramsSummary) -> None:
    plan = selectors.current_plan()
    if plan is None:
        return
    last = min(today.year, plan.horizon)
    for year in range(max(FIRST_YEAR, plan.period_start), last + 1):
        services.tasks_open_year(year=year, plan=plan)
    summary.tasks = TaskAssignment.objects.count()
    if TaskUpdate.objects.exists():
        return  # progress was reported already (an earlier demo run, or real use)
    tasks = list(TaskAssignment.objects.filter(year__lte=last).order_by("id"))
    tz = timezone.get_current_timezone()
    updates: list[TaskUpdate] = []
    for task in tasks:
        start = dt.date(task.year, 1, 15)
        if start > today:
            continue
        end = min(task.due_date, today)
        span = max((end - start).days, 1)
        past = task.due_date < today
        roll = rng.random()
        if past:
            status = TaskStatus.COMPLETED if roll < 0.86 else (TaskStatus.STALLED if roll < 0.93 else TaskStatus.IN_PROGRESS)
        else:
            elapsed = (today - dt.date(task.year, 1, 1)).days / max((task.due_date - dt.date(task.year, 1, 1)).days, 1)
            if roll < 0.12:
                continue  # never reported: shows as silent once the silence period has passed
            status = TaskStatus.STALLED if roll < 0.2 else TaskStatus.IN_PROGRESS
        final = 100 if status == TaskStatus.COMPLETED else rng.randint(4, 18) * 5 if past else max(5, min(95, int(round(elapsed * rng.uniform(60, 110) / 5)) * 5))
        steps = rng.randint(1, 3)
        for i in range(1, steps + 1):
            is_last = i == steps
            when = start + dt.timedelta(days=span * i // (steps + 1) if not is_last else span - rng.randint(0, min(20, span)))
            progress = final if is_last else max(5, final * i // (steps + 1) // 5 * 5)
            st = status if is_last else TaskStatus.IN_PROGRESS
            if st != TaskStatus.COMPLETED and progress >= 100:
                progress = 95
            text = rng.choice(NARRATIVES[st if st in NARRATIVES else "in_progress"])
            moment = dt.datetime.combine(when, dt.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=tz)
            updates.append(TaskUpdate(task=task, status=st, progress=progress, narrative=text, created_at=moment))
            if is_last:
                task.status, task.progress, task.last_update_at = st, progress, moment
    TaskUpdate.objects.bulk_create(updates, batch_size=2000)
    TaskAssignment.objects.bulk_update(tasks, ["status", "progress", "last_update_at"], batch_size=500)
    # Tasks were opened at the start of their year (2 January), not today.
    for year in {t.year for t in tasks}:
        TaskAssignment.objects.filter(year=year).update(
            created_at=dt.datetime(year, 1, 2, 7, 30, tzinfo=tz)
        )
    summary.updates = len(updates)


# --- support ----------------------------------------------------------------------------------------------------


class _CommuneOn:
    """The commune in force on a date for a commune of any date (cached per period between unit changes)."""

    def __init__(self) -> None:
        self.units = {u.pk: u for u in AdministrativeUnit.objects.filter(level=Level.COMMUNE).prefetch_related("successors")}
        self.bounds = sorted({u.valid_from for u in self.units.values()} | {u.valid_to + dt.timedelta(days=1) for u in self.units.values() if u.valid_to})
        self.cache: dict[tuple[int, int], int] = {}

    def __call__(self, commune_id: int, day: dt.date) -> int:
        key = (commune_id, bisect.bisect_right(self.bounds, day))
        if key not in self.cache:
            unit, seen = self.units[commune_id], set()
            while not unit.in_force_on(day) and unit.pk not in seen and unit.valid_to and day > unit.valid_to:
                seen.add(unit.pk)
                nxt = [s for s in unit.successors.all() if s.level == Level.COMMUNE]
                if not nxt:
                    break
                unit = self.units.get(nxt[0].pk, nxt[0])
            self.cache[key] = unit.pk
        return self.cache[key]


def _beneficiaries_from_reviews(today: dt.date) -> list[dict]:
    """Poor and near-poor households of the official reviews, with what the support depends on."""
    housing_bits = selectors._housing_bits(Target.objects.filter(metric=Metric.TEMPORARY_HOUSES))
    std_ids = {s.pk for s in PovertyStandard.objects.all()}
    rows = (
        AnnualReview.objects.filter(
            state__in=OFFICIAL_STATES, year__gte=FIRST_YEAR - 1, year__lt=today.year,
            classification__in=(Classification.POOR, Classification.NEAR_POOR),
        )
        .order_by("year", "household_id")
        .values_list("household_id", "year", "classification", "commune_id", "member_count", "ethnic_minority",
                     "deprivation_mask", "standard_id", "change")
    )
    out = []
    for hh, year, cls, commune, members, minority, mask, std, change in rows.iterator(chunk_size=5000):
        bit = housing_bits.get(std) if std in std_ids else None
        out.append({
            "household": hh, "year": year + 1, "poor": cls == Classification.POOR, "commune": commune,
            "members": members, "minority": minority, "housing": bool(bit and mask & bit),
            "escaped": change == Change.ESCAPED_POVERTY,
        })
    return out


def _beneficiaries_by_draw(rng: random.Random, today: dt.date, commune_on: _CommuneOn) -> list[dict]:
    """Without reviews: about 9 % poor-like and 6 % near-poor-like households, a share of them leaving each year."""
    rows = Household.objects.order_by("id").values_list("id", "commune_id", "village__parent_id")
    chosen = []
    for hh, commune, village_commune in rows.iterator(chunk_size=10000):
        r = rng.random()
        if r < 0.15:
            chosen.append((hh, r < 0.09, village_commune or commune, rng.randint(1, 6), rng.random() < 0.45, rng.random() < 0.2))
    out = []
    for year in range(FIRST_YEAR, today.year + 1):
        still = 1 - 0.18 * (year - FIRST_YEAR)
        for hh, poor, commune, members, minority, housing in chosen:
            if (hh * 2654435761 + year) % 1000 / 1000 > still:
                continue
            out.append({
                "household": hh, "year": year, "poor": poor, "commune": commune_on(commune, dt.date(year, 6, 30)),
                "members": members, "minority": minority, "housing": housing and year <= 2024, "escaped": False,
            })
    return out


def _build_support(*, rng: random.Random, today: dt.date, summary: ProgramsSummary) -> None:
    if SupportRecord.objects.exists():
        summary.support_records = SupportRecord.objects.count()
        return
    policies = {p.code: p for p in SupportPolicy.objects.all()}
    if not policies:
        return
    commune_on = _CommuneOn()
    people = _beneficiaries_from_reviews(today)
    summary.from_reviews = bool(people)
    if not people:
        people = _beneficiaries_by_draw(rng, today, commune_on)
    records: list[SupportRecord] = []
    households: set[int] = set()

    def add(code: str, row: dict, amount: int, source: str, months: tuple[int, int], note: str = "") -> None:
        day = _date_in(rng, row["year"], months[0], months[1], today)
        if day is None or code not in policies:
            return
        records.append(SupportRecord(
            household_id=row["household"], policy=policies[code], date=day, amount=amount, funding_source=source,
            commune_id=commune_on(row["commune"], day), note=note,
        ))
        households.add(row["household"])

    for row in people:
        poor, members = row["poor"], max(1, row["members"])
        # Health insurance cards: every person of a poor household (state budget), most near-poor (70 % support).
        if poor:
            add("YT-BHYT-NGHEO", row, _bhyt(row["year"]) * members, FundingSource.CENTRAL, (1, 2), f"{members} thẻ BHYT")
        elif rng.random() < 0.8:
            add("YT-BHYT-CANNGHEO", row, _bhyt(row["year"]) * 7 // 10 * members, FundingSource.PROVINCE, (1, 3), f"{members} thẻ BHYT")
        # Preferential credit from the social policy bank.
        r = rng.random()
        if poor and r < 0.28:
            add("TD-HONGHEO", row, rng.randint(6, 20) * 5_000_000, FundingSource.POLICY_BANK, (2, 11))
        elif not poor and r < 0.14:
            add("TD-CANNGHEO", row, rng.randint(6, 20) * 5_000_000, FundingSource.POLICY_BANK, (2, 11))
        if row["escaped"] and rng.random() < 0.25:
            add("TD-MOITHOATNGHEO", row, rng.randint(6, 16) * 5_000_000, FundingSource.POLICY_BANK, (3, 11))
        # Housing: temporary and dilapidated houses of poor households (the plan's III.4 target).
        if row["housing"] and poor:
            h = rng.random()
            if h < 0.35:
                add("NO-CTMTQG", row, 40_000_000, FundingSource.CENTRAL, (4, 10), "Xây mới nhà ở")
            elif h < 0.45:
                add("NO-DAIDOANKET", row, 50_000_000, FundingSource.FUND_FOR_THE_POOR, (4, 11), "Nhà Đại đoàn kết")
            elif h < 0.5:
                add("NO-VAY", row, 40_000_000, FundingSource.POLICY_BANK, (3, 9))
        # Schooling, livelihoods, information.
        if rng.random() < (0.3 if poor else 0.15):
            add("GD-HOCPHI", row, rng.randint(6, 18) * 150_000, FundingSource.PROVINCE, (9, 11))
        if poor and rng.random() < 0.15:
            add("SX-NONGNGHIEP", row, rng.randint(4, 15) * 1_000_000, FundingSource.CENTRAL, (3, 8), "Giống cây, con giống")
        if poor and row["minority"] and rng.random() < 0.2:
            add("SX-DTTS", row, rng.randint(8, 15) * 1_000_000, FundingSource.CENTRAL, (3, 9))
        if poor and rng.random() < 0.05:
            add("TT-PHUONGTIEN", row, 2_000_000, FundingSource.CENTRAL, (6, 10), "Ti vi")
        if poor and rng.random() < 0.6:
            add("XH-TIENDIEN", row, 46_000 * 12, FundingSource.CENTRAL, (1, 3))
        if len(records) >= 20000:
            insert_objects(SupportRecord, records)
            summary.support_records += len(records)
            records = []
    insert_objects(SupportRecord, records)
    summary.support_records += len(records)
    summary.supported_households = len(households)


# --- funds ------------------------------------------------------------------------------------------------------


# (program, source, district-level amount range in millions, per-commune amount range in millions, difficult ×)
FUND_PLAN = [
    ("CTMTQG-GNBV", FundingSource.CENTRAL, (2_000, 4_000), (300, 900), 1.8),
    ("CTMTQG-GNBV", FundingSource.PROVINCE, (200, 500), (30, 90), 1.5),
    ("CTMTQG-DTTS", FundingSource.CENTRAL, (3_000, 6_000), (200, 600), 3.0),
    ("CTMTQG-NTM", FundingSource.CENTRAL, (1_500, 3_000), (400, 1_200), 1.0),
    ("CTMTQG-NTM", FundingSource.DISTRICT, (500, 1_200), (50, 200), 1.0),
    ("TDCS", FundingSource.POLICY_BANK, (60_000, 90_000), None, 1.0),
    ("QVNN", FundingSource.FUND_FOR_THE_POOR, (800, 1_500), (40, 160), 1.2),
    ("QVNN", FundingSource.DONORS, (300, 800), None, 1.0),
    ("ASXH", FundingSource.CENTRAL, (25_000, 35_000), None, 1.0),
    ("ASXH", FundingSource.COMMUNE, None, (20, 80), 1.0),
]


def _build_funds(*, rng: random.Random, today: dt.date, summary: ProgramsSummary) -> None:
    if FundAllocation.objects.exists():
        summary.fund_rows = FundAllocation.objects.count()
        return
    programs = {p.code: p for p in FundProgram.objects.all()}
    rows: list[FundAllocation] = []
    for year in range(FIRST_YEAR, today.year + 1):
        communes = selectors.communes_on(dt.date(year, 1, 1))
        if year == today.year:
            share = max(0.05, min(0.95, (today - dt.date(year, 1, 1)).days / 365 * 0.9))
        for code, source, district_range, commune_range, difficult in FUND_PLAN:
            program = programs.get(code)
            if program is None:
                continue
            targets: list[tuple[AdministrativeUnit | None, tuple[int, int], float]] = []
            if district_range:
                targets.append((None, district_range, 1.0))
            if commune_range:
                targets += [(c, commune_range, difficult if c.extremely_difficult else 1.0) for c in communes]
            for commune, (low, high), factor in targets:
                allocated = int(rng.randint(low, high) * factor) * 1_000_000
                ratio = rng.uniform(0.86, 1.0) if year < today.year else share * rng.uniform(0.7, 1.1)
                disbursed = min(allocated, int(allocated * ratio) // 1_000_000 * 1_000_000)
                rows.append(FundAllocation(year=year, program=program, source=source, commune=commune,
                                           allocated=allocated, disbursed=disbursed))
    FundAllocation.objects.bulk_create(rows, batch_size=1000)
    summary.fund_rows = len(rows)


@transaction.atomic
def build_programs(*, seed: int, today: dt.date) -> ProgramsSummary:
    """Tasks with progress, support records and funds (each part skipped where it already has data)."""
    summary = ProgramsSummary()
    _build_tasks(rng=random.Random(f"tasks-{seed}"), today=today, summary=summary)
    _build_support(rng=random.Random(f"support-{seed}"), today=today, summary=summary)
    _build_funds(rng=random.Random(f"funds-{seed}"), today=today, summary=summary)
    return summary
