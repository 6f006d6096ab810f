"""The figures a commune's or an agency's report is pre-filled with: computed from the system's own data, never
typed. The poverty figures come from `reporting.selectors` (the same as the dashboards and the district report);
support and task figures from the programs app's records where it has them.

Each figure is {"key", "label", "value", "fmt"} with fmt "int", "pct", "points" or "money" (VND); a submission
freezes the list when it is submitted, and the submitter may comment on each figure by its key.
"""
from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum

from households.selectors import unit_lineage_ids

from . import selectors


def _fig(key: str, label: str, value: Any, fmt: str = "int") -> dict[str, Any]:
    return {"key": key, "label": label, "value": value, "fmt": fmt}


def commune_figures(*, commune, year: int, first_year: int) -> list[dict[str, Any]]:
    """The commune's review results of the year (its own reviews and those of the units it took in, so last year's
    households are its start of the year), the support its households received, the stage's change."""
    ids = sorted(unit_lineage_ids(unit=commune))
    s = selectors.poverty_summary(year=year, unit_ids=ids)
    m = selectors.movements(year=year, unit_ids=ids)
    em = s["ethnic_minority"]
    out = [
        _fig("households", "Tổng số hộ dân cư (ngày 31/12)", s["households"]),
        _fig("persons", "Tổng số nhân khẩu", s["persons"]),
        _fig("reviewed", "Số hộ được rà soát trong năm", s["reviewed_households"]),
        _fig("poor_start", "Hộ nghèo đầu năm", m["poor"]["start"]),
        _fig("poor_escaped", "Hộ thoát nghèo trong năm", m["poor"]["escaped_to_near_poor"] + m["poor"]["escaped_above_near_poor"]),
        _fig("poor_fell_back", "Hộ tái nghèo", m["poor"]["fell_back"]),
        _fig("poor_new", "Hộ nghèo phát sinh mới", m["poor"]["newly_poor"]),
        _fig("poor", "Hộ nghèo cuối năm", s["poor"]),
        _fig("poor_rate", "Tỷ lệ hộ nghèo (%)", s["poor_rate"], "pct"),
        _fig("near_poor", "Hộ cận nghèo cuối năm", s["near_poor"]),
        _fig("near_poor_rate", "Tỷ lệ hộ cận nghèo (%)", s["near_poor_rate"], "pct"),
        _fig("em_poor", "Hộ nghèo dân tộc thiểu số", em["poor"]),
        _fig("em_poor_rate", "Tỷ lệ hộ nghèo dân tộc thiểu số (%)", em["poor_rate"], "pct"),
        _fig("poor_no_labour", "Hộ nghèo không có khả năng lao động", s["poor_without_working_capacity"]),
    ]
    if first_year != year:
        trend = selectors.poverty_trend(years=[first_year, year], unit_ids=ids)
        out.append(_fig("stage_reduction", f"Tỷ lệ hộ nghèo giảm {first_year}–{year} (điểm %)", selectors.points(trend[1]["poor_rate"], trend[0]["poor_rate"]), "points"))
    support = selectors.support_by_commune(year=year, unit_ids=ids)
    if support is not None and support["total"]["records"]:
        out += [
            _fig("support_records", "Lượt hỗ trợ hộ gia đình trong năm", support["total"]["records"]),
            _fig("support_amount", "Kinh phí hỗ trợ trong năm", support["total"]["amount"], "money"),
        ]
    tasks = selectors.tasks_behind(year=year, unit_ids=ids)
    if tasks is not None and tasks["total"]:
        out += _task_figures(tasks["total"], tasks["completed"], tasks["overdue"], tasks["by_agency"])
    return out


def _task_figures(total: int, completed: int, overdue: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    weighted = sum((r["progress"] or 0) * r["total"] for r in rows)
    return [
        _fig("tasks", "Nhiệm vụ được giao trong năm", total),
        _fig("tasks_done", "Nhiệm vụ đã hoàn thành", completed),
        _fig("tasks_overdue", "Nhiệm vụ quá hạn chưa hoàn thành", overdue),
        _fig("tasks_progress", "Tiến độ bình quân (%)", round(weighted / total, 2) if total else None, "pct"),
    ]


def agency_figures(*, agency, year: int) -> list[dict[str, Any]]:
    """The agency's task progress (plan, section IV; the dashboard's selector) and the support delivered under its
    policies."""
    out: list[dict[str, Any]] = []
    tasks = selectors.tasks_behind(year=year)
    row = next((a for a in (tasks or {}).get("by_agency", []) if a["code"] == agency.code), None)
    if row and row["total"]:
        out += _task_figures(row["total"], row["completed"], row["overdue"], [row])
    try:
        from programs.models import SupportRecord  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - arrives with the plan issue
        return out
    agg = SupportRecord.objects.filter(policy__agency=agency, date__year=year).aggregate(
        records=Count("id"), households=Count("household_id", distinct=True), amount=Sum("amount")
    )
    if agg["records"]:
        out += [
            _fig("support_households", "Số hộ được hỗ trợ theo chính sách của đơn vị", agg["households"]),
            _fig("support_records", "Số lượt hỗ trợ", agg["records"]),
            _fig("support_amount", "Kinh phí hỗ trợ", agg["amount"] or 0, "money"),
        ]
    return out


def obligation_figures(*, obligation, with_values: bool = True) -> list[dict[str, Any]]:
    deadline = obligation.deadline
    year = deadline.last_year
    if obligation.commune_id:
        return commune_figures(commune=obligation.commune, year=year, first_year=deadline.first_year)
    return agency_figures(agency=obligation.agency, year=year)
