"""Template filters of the review pages: labels of stored codes, and dictionary lookups for the board."""
from __future__ import annotations

from django import template

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
    return _CLASSIFICATION.get(code, code or "")


@register.filter
def change_label(code: str) -> str:
    return _CHANGE.get(code, code or "")


@register.filter
def state_label(code: str) -> str:
    return _STATE.get(code, code or "")
