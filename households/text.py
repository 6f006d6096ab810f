"""Vietnamese text helpers (no Django import).

Names typed on Macs arrive in NFD, Windows keyboards may produce either; the database keeps NFC only,
so "Nguyễn" typed both ways is one name.
"""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str | None:
    """Unicode NFC, surrounding whitespace removed; None stays None."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", str(value)).strip()


def nfc_line(value: str | None) -> str | None:
    """NFC for a one-line value (a name, an address): runs of whitespace become one space."""
    if value is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """A search key: lower case, diacritics removed, đ → d ("Nguyễn Văn Đức" → "nguyen van duc")."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", nfc(value) or "").replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.lower()
