"""Texts of the data shown in the user's language: reference data loaded from the YAML files (indicators, report
kinds, causes of poverty…) and the messages the system stores or computes in Vietnamese (the checks' findings, the
jobs' messages, an import's problems and changes, the classification's reasons).

The stored text stays Vietnamese: the API, the Excel workbooks and the Word reports read it as it is, and old rows
need nothing done to them. A screen shows `translate_data(text)` (the `translate_data` template filter of the
`datatext` library):

1. a fixed text is a msgid of the catalog (the reference data is listed by `households/datatext_reference.py`,
   written by `tools/datatext_reference.py` from the YAML files) → its translation;
2. a text with variable parts was written from a pattern registered with `pattern()` (in the `*/datatext_catalog.py`
   modules, next to the name of the code that writes it): the text is matched against the Vietnamese pattern,
   its parts are taken out, translated in turn where the pattern says so (`translate`: one value; `lists`: values
   joined by a separator, itself translated: " hoặc " → " or ") and put into the translated pattern;
3. a text in lower case that is not found is looked up with a capital first letter ("báo cáo năm" in a sentence);
4. anything else (names, what an officer typed) is shown as it is.

In Vietnamese (the source language) the text is returned untouched; a text a page shows as it is (a name, what an
officer typed) never goes through here. The words of the patterns are those the producing code writes: when that
wording changes, change the pattern too (tests/test_english_pages.py runs the producers and fails on Vietnamese left
on an English page; old rows keep matching as long as the old pattern stays).
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# The modules that register patterns and list fixed texts; imported on first use.
CATALOGS = ("households.datatext_catalog", "households.datatext_reference", "reporting.datatext_catalog")

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@dataclass(frozen=True)
class Pattern:
    msgid: str
    regex: re.Pattern
    literal: str  # the longest fixed piece: a quick test before the regular expression
    weight: int  # how much fixed text: the most specific pattern is tried first
    translate: frozenset[str]
    lists: tuple[tuple[str, str], ...]
    shapes: tuple[tuple[str, str], ...] = ()  # the parts whose shape the pattern narrows


_PATTERNS: dict[str, Pattern] = {}
_ordered: list[Pattern] | None = None
_loaded = False

DIGITS = r"\d+"  # shapes of a part (`pattern(shapes=...)`); any text by default
TOKEN = r"\S+"


# What a part is by its name unless the pattern says otherwise: a household code has no spaces, a year four digits.
DEFAULT_SHAPES = {"code": TOKEN, "year": r"\d{4}", "last_year": r"\d{4}", "row": DIGITS}


def _compile(msgid: str, shapes: dict[str, str]) -> tuple[re.Pattern, str, int]:
    shapes = {**DEFAULT_SHAPES, **shapes}
    parts, pieces, seen, pos = [], [], set(), 0
    for m in _PLACEHOLDER.finditer(msgid):
        literal = msgid[pos:m.start()]
        parts.append(re.escape(literal))
        pieces.append(literal)
        if m.group(0) == "%%":
            parts.append("%")
            pieces.append("%")
        elif m.group(1) in seen:
            parts.append(f"(?P={m.group(1)})")
        else:
            seen.add(m.group(1))
            parts.append(f"(?P<{m.group(1)}>{shapes.get(m.group(1), '.*?')})")
        pos = m.end()
    parts.append(re.escape(msgid[pos:]))
    pieces.append(msgid[pos:])
    fixed = "".join(pieces)
    return re.compile("".join(parts), re.S), max(pieces, key=len), len(fixed.strip())


def pattern(msgid: str, *, translate: tuple[str, ...] = (), lists: dict[str, str] | None = None,
            shapes: dict[str, str] | None = None) -> str:
    """Register a message with variable parts (`%(name)s`, already marked with gettext_noop); returns it, so the
    code that writes the message can format this very text. `shapes` narrows what a part may be (DIGITS, TOKEN or
    a regular expression) where the pattern would otherwise match too much."""
    global _ordered
    regex, literal, weight = _compile(msgid, shapes or {})
    _PATTERNS[msgid] = Pattern(msgid, regex, literal, weight, frozenset(translate), tuple((lists or {}).items()),
                               tuple({**DEFAULT_SHAPES, **(shapes or {})}.items()))
    _ordered = None
    return msgid


def patterns() -> list[Pattern]:
    global _ordered, _loaded
    if not _loaded:
        _loaded = True
        for name in CATALOGS:
            importlib.import_module(name)
    if _ordered is None:
        _ordered = sorted(_PATTERNS.values(), key=lambda p: -p.weight)
    return _ordered


def translate_data(text: Any) -> Any:
    """The text in the active language (see the module's docstring); empty values and non-texts come back as given."""
    if not text or not isinstance(text, str):
        return text
    from django.utils.translation import get_language

    language = get_language() or ""
    if language.startswith("vi"):
        return text
    return _translate(text, language)


@lru_cache(maxsize=50_000)
def _translate(text: str, language: str) -> str:
    from django.utils.translation import gettext

    if not text.strip():
        return text
    translated = gettext(text)
    if translated != text:
        return translated
    stripped = text.strip()
    if stripped != text and stripped:
        return text.replace(stripped, _translate(stripped, language))
    for p in patterns():
        if p.literal not in text:
            continue
        m = p.regex.fullmatch(text)
        if m is None:
            continue
        values = m.groupdict()
        for name in p.translate:
            values[name] = _translate(values[name], language)
        for name, sep in p.lists:
            values[name] = gettext(sep).join(_translate(part, language) for part in values[name].split(sep))
        return gettext(p.msgid) % values
    if text[0].islower():  # a label written in lower case within a sentence ("nộp báo cáo năm …")
        upper = _translate(text[0].upper() + text[1:], language)
        if upper[1:] != text[1:]:
            return upper[:1].lower() + upper[1:]
    return text

