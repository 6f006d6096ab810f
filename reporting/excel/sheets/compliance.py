"""09. Deadline compliance: every commune and agency that owes the period's report, and whether it reported on
time, late, or not at all (reporting's own obligations)."""
from __future__ import annotations

from typing import Any

from django.utils import timezone

from ...models import Obligation, ObligationState
from .. import headers as H
from ..context import ReportContext
from ..layout import form_sheet


def rows(ctx: ReportContext) -> tuple[list[dict[str, Any]], dict[str, int]]:
    qs = Obligation.objects.filter(deadline__kind=ctx.kind, deadline__year=ctx.year).select_related("deadline", "commune", "agency")
    if not ctx.is_area:
        qs = qs.filter(commune_id__in=ctx.unit_ids or [ctx.unit.pk])
    qs = qs.order_by("agency__plan_item", "commune__code", "agency__code")
    today = timezone.localdate()
    out = []
    counts = {"total": 0, "submitted": 0, "on_time": 0, "late": 0, "open": 0}
    for i, ob in enumerate(qs, start=1):
        counts["total"] += 1
        if ob.first_submitted_at:
            counts["submitted"] += 1
            counts["on_time" if ob.on_time else "late"] += 1
        if ob.is_open:
            counts["open"] += 1
        if ob.first_submitted_at is None:
            status = H.NOT_SUBMITTED_OVERDUE if ob.deadline.due_date <= today else H.NOT_SUBMITTED
        elif ob.state == ObligationState.RETURNED:
            status = ob.get_state_display()
        else:
            status = ("Đúng hạn" if ob.on_time else "Muộn") + (" – " + ob.get_state_display().lower() if ob.state == ObligationState.ACCEPTED else "")
        note = ob.return_reason if ob.state == ObligationState.RETURNED else ""
        out.append(
            {
                "stt": i, "name": ob.owner_name, "kind": H.OWNER_COMMUNE if ob.commune_id else H.OWNER_AGENCY,
                "due": ob.deadline.due_date,
                "submitted": timezone.localtime(ob.first_submitted_at).date() if ob.first_submitted_at else None,
                "status": status, "note": note,
            }
        )
    return out, counts


def build(wb, ctx: ReportContext) -> None:
    spec = H.compliance_spec()
    data, counts = rows(ctx)
    form_sheet(
        wb, spec, ctx, title=H.title(H.COMPLIANCE_TITLE.format(period=ctx.period_label.upper()), ctx), rows=data,
        note=H.COMPLIANCE_SUMMARY.format(**counts),
    )
