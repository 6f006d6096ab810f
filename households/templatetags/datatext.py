"""{% load datatext %}: `{{ value|translate_data }}` shows a text of the data (reference data, a stored message) in
the user's language (households.datatext)."""
from __future__ import annotations

from django import template

from households.datatext import translate_data as _translate_data

register = template.Library()


@register.filter
def translate_data(value):
    return _translate_data(value)
