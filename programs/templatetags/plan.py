"""Template filters of the plan's pages: target statuses as badges, points and counts in Vietnamese notation."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from programs.tracking import STATUS_LABELS

register = template.Library()

BADGES = {"met": "badge-ok", "on_track": "badge-info", "at_risk": "badge-warn", "missed": "badge-bad"}
TASK_BADGES = {"completed": "badge-ok", "in_progress": "badge-info", "stalled": "badge-bad", "not_started": ""}


@register.filter
def status_badge(status: str | None) -> str:
    label = gettext(STATUS_LABELS.get(status or "", "Chưa có số liệu"))
    return format_html(
        '<span class="badge {}" data-status="{}" style="white-space:nowrap">{}</span>', BADGES.get(status or "", ""), status or "none", label
    )


@register.filter
def task_badge(task) -> str:
    return format_html('<span class="badge {}">{}</span>', TASK_BADGES.get(task.status, ""), task.get_status_display())


@register.filter
def dec(value, digits: int = 2) -> str:
    """3.456 → "3,46"; None → "—"."""
    if value in (None, ""):
        return "—"
    q = Decimal(1).scaleb(-int(digits))
    text = f"{Decimal(value).quantize(q, rounding=ROUND_HALF_UP):,.{int(digits)}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@register.filter
def signed(value, digits: int = 2) -> str:
    """A change: +0,85 / −1,20; None → "—"."""
    if value in (None, ""):
        return "—"
    text = dec(abs(Decimal(value)), digits)
    return ("+" if Decimal(value) > 0 else "−" if Decimal(value) < 0 else "") + text


@register.filter
def target_value(target) -> str:
    """The target's value with its unit: "≥ 3,00 điểm %/năm", "0 xã"."""
    if target.is_reduction:
        sign = {"at_least": "≥ ", "more_than": "> "}.get(target.comparison, "")
        return f"{sign}{dec(target.value)} " + gettext("điểm %/năm")
    return f"≤ {dec(target.value, 0)} {target.unit_label}" if target.value else f"0 {target.unit_label}"
