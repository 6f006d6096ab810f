"""The plan's reference data from `programs/data/*.yaml`, applied by migrations and `load_reference`.

- agencies.yaml: the thirteen units of section IV;
- plan.yaml: the plan itself, the documents it implements, the six solution groups (III), the targets (II, III.4),
  every duty of section IV (and the reviews of section V), the reporting regime (V);
- support.yaml: the catalogue of support policies and the programs funds are allocated under.

The loaders take model classes (a `Models` bundle) so data migrations can pass their historical models. Rows are
matched by code: applying a file twice changes nothing. Commune divisions of targets, task assignments, support
records and funds are made in the application and never touched here.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from households.reference import read, upsert

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class Models:
    Agency: type
    Plan: type | None = None
    PlanDocument: type | None = None
    SolutionGroup: type | None = None
    ReportingRequirement: type | None = None
    Target: type | None = None
    Duty: type | None = None
    SupportPolicy: type | None = None
    FundProgram: type | None = None
    Unit: type | None = None
    SupportNeed: type | None = None

    @classmethod
    def from_apps(cls, apps) -> "Models":
        def get(app: str, name: str):
            return apps.get_model(app, name)

        return cls(
            Agency=get("programs", "Agency"), Plan=get("programs", "Plan"), PlanDocument=get("programs", "PlanDocument"),
            SolutionGroup=get("programs", "SolutionGroup"), ReportingRequirement=get("programs", "ReportingRequirement"),
            Target=get("programs", "Target"), Duty=get("programs", "Duty"), SupportPolicy=get("programs", "SupportPolicy"),
            FundProgram=get("programs", "FundProgram"), Unit=get("households", "AdministrativeUnit"),
            SupportNeed=get("households", "SupportNeed"),
        )

    @classmethod
    def current(cls) -> "Models":
        from households.models import AdministrativeUnit, SupportNeed

        from . import models as m

        return cls(
            Agency=m.Agency, Plan=m.Plan, PlanDocument=m.PlanDocument, SolutionGroup=m.SolutionGroup,
            ReportingRequirement=m.ReportingRequirement, Target=m.Target, Duty=m.Duty, SupportPolicy=m.SupportPolicy,
            FundProgram=m.FundProgram, Unit=AdministrativeUnit, SupportNeed=SupportNeed,
        )


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _month_day(value: Any, default: tuple[int, int]) -> tuple[int, int]:
    if not value:
        return default
    month, day = (int(part) for part in str(value).split("-"))
    dt.date(2024, month, day)  # a leap year: refuses 02-30 and the like when the file is read
    return month, day


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def program_area(Unit: type) -> Any:
    """The unit the plan covers (settings.PROGRAM_AREA_CODE, by default the district of Sơn Dương)."""
    from django.conf import settings

    code = getattr(settings, "PROGRAM_AREA_CODE", "076")
    unit = Unit._default_manager.filter(code=code, level__in=("district", "province")).order_by("-valid_from").first()
    if unit is None:
        raise LookupError(f"Không tìm thấy địa bàn chương trình mã {code} trong danh mục đơn vị hành chính.")
    return unit


def _set_m2m(manager: Any, wanted: set[int], stats: Counter, key: str) -> None:
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)
        stats[key] += 1


def load_agencies(Agency: type, stats: Counter | None = None) -> Counter:
    stats = stats if stats is not None else Counter()
    for row in read(DATA_DIR / "agencies.yaml")["agencies"]:
        upsert(
            Agency,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "kind": row.get("kind", "office"),
                "plan_item": row.get("plan_item"),
                "description": row.get("description", ""),
            },
            stats,
        )
    return stats


def load_plan(m: Models, stats: Counter | None = None) -> Counter:
    stats = stats if stats is not None else Counter()
    data = read(DATA_DIR / "plan.yaml")
    p = data["plan"]
    plan = upsert(
        m.Plan,
        {"code": p["code"]},
        {
            "number": p.get("number", ""), "title": _text(p["title"]), "issuer": p["issuer"],
            "issued_on": _date(p.get("issued_on")), "issued_on_text": p.get("issued_on_text", ""),
            "signer": p.get("signer", ""), "signer_title": p.get("signer_title", ""),
            "period_start": p["period_start"], "period_end": p["period_end"], "horizon": p["horizon"],
            "purpose": _text(p.get("purpose")), "general_goal": _text(p.get("general_goal")),
            "silence_days": p.get("silence_days", 90), "confirmed": bool(p.get("confirmed", True)),
            "note": _text(p.get("note")),
        },
        stats,
    )
    for order, row in enumerate(data.get("documents", []), start=1):
        upsert(
            m.PlanDocument,
            {"plan": plan, "number": row["number"]},
            {"order": order, "issued_on": _date(row["issued_on"]), "issuer": row["issuer"], "title": _text(row["title"])},
            stats,
        )
    groups = {}
    for row in data.get("solution_groups", []):
        groups[row["number"]] = upsert(
            m.SolutionGroup,
            {"plan": plan, "number": row["number"]},
            {"title": row["title"], "content": _text(row.get("content"))},
            stats,
        )
    for row in data.get("reporting", []):
        month, day = _month_day(row.get("due"), (12, 10)) if row.get("recurrence", "yearly") == "yearly" else (None, None)
        upsert(
            m.ReportingRequirement,
            {"plan": plan, "code": row["code"]},
            {
                "order": row.get("order", 0), "name": row["name"], "reporters": row["reporters"],
                "recipient": row["recipient"], "recurrence": row.get("recurrence", "yearly"),
                "due_month": month, "due_day": day, "due_date": _date(row.get("due_date")),
                "event": row.get("event", ""), "source_text": _text(row.get("source_text")),
            },
            stats,
        )
    area = program_area(m.Unit)
    for row in data.get("targets", []):
        unit = area
        if row.get("unit"):
            unit = m.Unit._default_manager.filter(code=str(row["unit"])).order_by("-valid_from").first()
        upsert(
            m.Target,
            {"code": row["code"]},
            {
                "plan": plan, "parent": None, "metric": row["metric"], "title": row["title"],
                "plan_reference": row.get("plan_reference", ""), "source_text": _text(row.get("source_text")),
                "solution_group": groups.get(row.get("group")), "unit": unit,
                "baseline_year": row["baseline_year"], "end_year": row["end_year"],
                "value": Decimal(str(row["value"])), "comparison": row["comparison"],
                "indicator_codes": row.get("indicator_codes", {}), "order": row.get("order", 0),
                "note": _text(row.get("note")),
            },
            stats,
        )
    agencies = {a.code: a for a in m.Agency._default_manager.all()}
    for order, row in enumerate(data.get("duties", []), start=1):
        recurrence = row.get("recurrence", "yearly")
        month, day = _month_day(row.get("due"), (12, 10))
        duty = upsert(
            m.Duty,
            {"code": row["code"]},
            {
                "plan": plan, "order": order, "agency": agencies[row["agency"]], "solution_group": groups[row["group"]],
                "title": row["title"], "text": _text(row["text"]), "recurrence": recurrence,
                "due_month": month, "due_day": day, "due_date": _date(row.get("due_date")),
                "due_note": row.get("due_note", "" if recurrence == "once" else "Mục V: báo cáo năm trước ngày 10/12"),
            },
            stats,
        )
        _set_m2m(duty.cooperating, {agencies[c].pk for c in row.get("cooperating", [])}, stats, "duty.cooperating_set")
    return stats


def load_support(m: Models, stats: Counter | None = None) -> Counter:
    stats = stats if stats is not None else Counter()
    data = read(DATA_DIR / "support.yaml")
    agencies = {a.code: a for a in m.Agency._default_manager.all()}
    needs = {n.code: n for n in m.SupportNeed._default_manager.all()}
    for row in data.get("policies", []):
        policy = upsert(
            m.SupportPolicy,
            {"code": row["code"]},
            {
                "name": row["name"], "kind": row["kind"], "agency": agencies[row["agency"]],
                "legal_basis": _text(row.get("legal_basis")), "default_source": row.get("default_source", ""),
                "typical_amount": row.get("typical_amount"), "order": row.get("order", 0),
                "active": bool(row.get("active", True)), "confirmed": bool(row.get("confirmed", True)),
            },
            stats,
        )
        _set_m2m(policy.needs, {needs[c].pk for c in row.get("needs", []) if c in needs}, stats, "supportpolicy.needs_set")
    for row in data.get("fund_programs", []):
        upsert(
            m.FundProgram,
            {"code": row["code"]},
            {"name": row["name"], "legal_basis": _text(row.get("legal_basis")), "order": row.get("order", 0),
             "active": bool(row.get("active", True))},
            stats,
        )
    return stats


def apply(stats: Counter) -> Counter:
    """Apply every plan file with the current models (used by `manage.py load_reference`)."""
    m = Models.current()
    load_agencies(m.Agency, stats)
    load_plan(m, stats)
    load_support(m, stats)
    return stats


# Celery beat entries seeded once by a data migration; afterwards they belong to the administrator
# (admin → Periodic tasks). Times are local (Asia/Ho_Chi_Minh).
SCHEDULES = [
    # Each year's task assignments are opened on 2 January (the plan's duties are yearly unless it says otherwise).
    ("Mở nhiệm vụ năm mới theo Kế hoạch (02/01)", "programs.open_year_tasks", ("30", "5", "2", "1"), {}),
]
SCHEDULE_TIMEZONE = "Asia/Ho_Chi_Minh"


def seed_schedules(CrontabSchedule: type, PeriodicTask: type) -> int:
    """Create the beat entries that do not exist yet (by name); returns how many were created."""
    import json

    created = 0
    for name, task, (minute, hour, day, month), kwargs in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week="*", timezone=SCHEDULE_TIMEZONE,
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, kwargs=json.dumps(kwargs), enabled=True,
            description="Tạo bởi dữ liệu khởi tạo của phân hệ Kế hoạch; có thể sửa tại đây.",
        )
        created += 1
    return created
