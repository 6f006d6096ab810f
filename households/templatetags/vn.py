"""Template filters for Vietnamese presentation: money in VND with dot separators, masked IDs, percentages."""
from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext

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


@register.inclusion_tag("_error_summary.html")
def error_summary(*forms_or_formsets):
    """Every error of a long form in one list at its top, each linking to its field (the field shows it too)."""
    items = []
    for thing in forms_or_formsets:
        if thing is None:
            continue
        if hasattr(thing, "forms"):  # a formset
            items += [{"label": "", "error": e, "href": ""} for e in thing.non_form_errors()]
            members = [(gettext("Nhân khẩu %(n)s") % {"n": i + 1}, f) for i, f in enumerate(thing.forms) if f.errors]
        else:
            members = [("", thing)] if thing.errors else []
        for row, form in members:
            for name, errors in form.errors.items():
                field = form.fields.get(name)
                bound = form[name] if field is not None else None
                for e in errors:
                    items.append({
                        "label": str(field.label) if field is not None else "",
                        "error": e,
                        "href": f"#{bound.id_for_label}" if bound is not None and bound.id_for_label else "",
                        "row": row,
                    })
    return {"items": items}

