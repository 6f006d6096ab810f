"""Reporting reference data: the report kinds of `reporting/data/report_kinds.yaml` (applied by migrations and
`manage.py load_reference`), and the Celery beat schedules seeded once by a data migration.

Schedules are created only where missing: after that they belong to the administrator (admin → Periodic tasks),
so re-applying reference data never undoes an edit there.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from households.reference import read, upsert

DATA_DIR = Path(__file__).resolve().parent / "data"

# (name shown in the admin, task, crontab (minute, hour, day of month, month), kwargs). Times are local
# (Asia/Ho_Chi_Minh). Reminders: 14, 7, 3 and 1 days before each due date and daily while overdue (the task
# decides who is due a reminder today). The annual district report: a draft on 1 December, the final on
# 10 December (plan, section V); the five-year and ten-year reports on their due dates, 15 September (the task
# finds no period in other years and does nothing).
SCHEDULES = [
    ("Nhắc hạn báo cáo (hằng ngày)", "reporting.send_reminders", ("0", "7", "*", "*"), {}),
    ("Báo cáo năm của huyện – bản dự thảo (01/12)", "reporting.scheduled_report", ("0", "5", "1", "12"),
     {"kind": "annual", "variant": "draft"}),
    ("Báo cáo năm của huyện – bản chính thức (10/12)", "reporting.scheduled_report", ("0", "5", "10", "12"),
     {"kind": "annual", "variant": "final"}),
    ("Báo cáo sơ kết 5 năm (15/9/2025)", "reporting.scheduled_report", ("0", "5", "15", "9"),
     {"kind": "five_year", "variant": "final"}),
    ("Báo cáo tổng kết 10 năm (15/9/2030)", "reporting.scheduled_report", ("0", "5", "15", "9"),
     {"kind": "ten_year", "variant": "final"}),
]
SCHEDULE_TIMEZONE = "Asia/Ho_Chi_Minh"


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def load_report_kinds(ReportKind: type, stats: Counter | None = None) -> Counter:
    stats = stats if stats is not None else Counter()
    for row in read(DATA_DIR / "report_kinds.yaml")["report_kinds"]:
        upsert(
            ReportKind,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "recurrence": row.get("recurrence", "yearly"),
                "due_month": row.get("due_month"),
                "due_day": row.get("due_day"),
                "due_date": _date(row.get("due_date")),
                "first_year": row["first_year"],
                "last_year": row["last_year"],
                "legal_basis": row.get("legal_basis", ""),
                "order": row.get("order", 0),
            },
            stats,
        )
    return stats


def load_reporting_chain(ReportingChain: type, stats: Counter | None = None) -> Counter:
    """The reporting chain of `reporting/data/reporting_chain.yaml` (who issues, signs and receives a report over a
    period), by code."""
    stats = stats if stats is not None else Counter()
    for row in read(DATA_DIR / "reporting_chain.yaml")["reporting_chain"]:
        values = {k: v for k, v in row.items() if k != "code"}
        values["valid_from"] = _date(row.get("valid_from"))
        values["valid_to"] = _date(row.get("valid_to"))
        upsert(ReportingChain, {"code": row["code"]}, values, stats)
    return stats


def seed_schedules(CrontabSchedule: type, PeriodicTask: type) -> int:
    """Create the beat entries that do not exist yet (by name); returns how many were created."""
    created = 0
    for name, task, (minute, hour, day, month), kwargs in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week="*",
            timezone=SCHEDULE_TIMEZONE,
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, kwargs=json.dumps(kwargs), enabled=True,
            description="Tạo bởi dữ liệu khởi tạo của phân hệ báo cáo; có thể sửa tại đây.",
        )
        created += 1
    return created


def apply(stats: Counter) -> Counter:
    """Apply the report kinds with the current models (`manage.py load_reference`)."""
    from .models import ReportingChain, ReportKind

    load_report_kinds(ReportKind, stats)
    load_reporting_chain(ReportingChain, stats)
    return stats
