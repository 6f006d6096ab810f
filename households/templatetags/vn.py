"""Template filters for Vietnamese presentation: money in VND with dot separators, masked IDs, percentages."""
from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


def format_vnd(value) -> str:
    """1500000 → "1.500.000"."""
    if value in (None, ""):
        return ""
    return f"{int(round(Decimal(value))):,}".replace(",", ".")


@register.filter
def vnd(value) -> str:
    """Money in đồng: 1500000 → "1.500.000 đ"."""
    text = format_vnd(value)
    return f"{text} đ" if text else "—"


@register.filter
def number_vn(value) -> str:
    return format_vnd(value) if value not in (None, "") else "—"


@register.filter
def pct(value, digits: int = 2) -> str:
    """12.3456 → "12,35 %"."""
    if value in (None, ""):
        return "—"
    return f"{float(value):.{int(digits)}f}".replace(".", ",") + " %"


@register.filter
def mask_id(value: str | None) -> str:
    if not value:
        return "—"
    return "*" * (len(value) - 4) + value[-4:]
