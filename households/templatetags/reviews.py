"""Template filters of the review pages: labels of stored codes (translated: the models keep them Vietnamese for
the Excel workbooks), and dictionary lookups for the board."""
from __future__ import annotations

from django import template
from django.utils.translation import gettext

from ..models import Change, Classification, ReviewState

register = template.Library()
_CLASSIFICATION = dict(Classification.choices)
_CHANGE = dict(Change.choices)
_STATE = dict(ReviewState.choices)


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key, 0) if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return 0


@register.filter
def classification_label(code: str) -> str:
    return gettext(_CLASSIFICATION[code]) if code in _CLASSIFICATION else (code or "")


@register.filter
def change_label(code: str) -> str:
    return gettext(_CHANGE[code]) if code in _CHANGE else (code or "")


@register.filter
def state_label(code: str) -> str:
    return gettext(_STATE[code]) if code in _STATE else (code or "")
