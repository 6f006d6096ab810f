"""08. Task implementation by agency: the year's task assignments of the plan's section IV, by lead agency
(`reporting.selectors.tasks_behind`, the same as the dashboard)."""
from __future__ import annotations

from typing import Any

from ... import selectors
from .. import headers as H
from ..context import ReportContext
from ..layout import FormSheet, form_sheet


def rows(ctx: ReportContext) -> list[dict[str, Any]] | None:
    data = selectors.tasks_behind(year=ctx.year, unit_ids=ctx.unit_ids, structure=ctx.structure)
    if data is None or not data["total"]:
        return None
    agencies = sorted(data["by_agency"], key=lambda a: (a.get("order") or 0, a["code"]))
    total_progress = sum((a["progress"] or 0) * a["total"] for a in agencies)
    out = [{
        "name": H.TOTAL, "_style": "total", "total": data["total"], "completed": data["completed"],
        "stalled": sum(a["stalled"] for a in agencies), "overdue": data["overdue"],
        "progress": round(total_progress / data["total"], 2) if data["total"] else None,
    }]
    for n, a in enumerate(agencies, start=1):
        out.append({"stt": n, "name": a["name"], "total": a["total"], "completed": a["completed"], "stalled": a["stalled"],
                    "overdue": a["overdue"], "progress": a["progress"]})
    return out


def build(wb, ctx: ReportContext) -> None:
    spec = H.tasks_spec()
    data = rows(ctx)
    if data is None:
        sheet = FormSheet(wb, spec, ctx)
        sheet.title_block(title=H.title(spec.title, ctx), subtitle=H.period_line(ctx))
        sheet.note(H.NO_DATA)
        sheet.signature()
        sheet.finish()
        return
    form_sheet(wb, spec, ctx, title=H.title(spec.title, ctx), rows=data)
