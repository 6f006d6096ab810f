"""Reading the workbooks people bring (docs/domain.md §8): file type checks, header detection, cell values,
and text typed in the legacy Vietnamese encodings (TCVN3 ".VnTime", VNI) converted to Unicode NFC.

No Django import: this module turns bytes into clean rows; `households.imports` gives them meaning.

Legacy encodings. The conversion tables come from the PyPI package `viparse` (TCVN3, VNI; validated by its
authors against real government documents). Its own detector (`viparse.fix`) works on running prose and
declines or misfires on the short cells of a register ("NguyÔn" is left alone, "NguyÔn V¨n §øc" is taken
for VNI), so detection here is our own, cell by cell: a cell is converted only when, read as Unicode, it is
not Vietnamese (a byte no Vietnamese letter uses, a capital in mid-word, a syllable Vietnamese cannot have)
and, converted, it is — with the encoding most cells of the workbook agree on tried first.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from viparse.normalize.tables import build_charmap, convert
from viparse.normalize.tcvn3 import TCVN3
from viparse.normalize.vni import VNI as _VNI

from .text import fold

# viparse leaves out ẳ/Ẳ in VNI (unobserved in its corpus); VNI writes them a + ú like ắ is a + é.
VNI = build_charmap("vni", list(_VNI.pairs) + [("aú", "ẳ"), ("AÚ", "Ẳ")])
CHARMAPS = {"tcvn3": TCVN3, "vni": VNI}
ENCODING_LABELS = {"tcvn3": "TCVN3 (phông .VnTime, .VnArial)", "vni": "VNI (phông VNI-Times)"}

MAX_BYTES = 25 * 1024 * 1024
HEADER_SCAN_ROWS = 30


class WorkbookError(Exception):
    """A file that cannot be read as a workbook; the message is for the user, in Vietnamese."""


# --- file type --------------------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, filename: str = "") -> str:
    """The workbook kind ("xlsx", "xls", "ods") from the bytes themselves, or WorkbookError with the reason."""
    name = filename.lower()
    if not data:
        raise WorkbookError("Tệp rỗng (0 byte). Hãy chọn lại tệp Excel đã lưu.")
    if len(data) > MAX_BYTES:
        raise WorkbookError(f"Tệp quá lớn ({len(data) / 1024 / 1024:.0f} MB); giới hạn là {MAX_BYTES // 1024 // 1024} MB.")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise WorkbookError("Tệp Excel bị hỏng, không mở được. Hãy mở tệp bằng Excel, lưu lại rồi tải lên lần nữa.")
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "ods"
        if any(n.startswith("word/") for n in names):
            raise WorkbookError("Đây là tệp Word (.docx), không phải bảng tính. Hãy tải lên tệp Excel (.xlsx hoặc .xls).")
        raise WorkbookError("Tệp nén này không phải bảng tính Excel. Hãy tải lên tệp .xlsx hoặc .xls.")
    if data.startswith(OLE_MAGIC):
        # An Office file encrypted with a password is an OLE container holding "EncryptedPackage".
        if "EncryptedPackage".encode("utf-16-le") in data[:1_000_000] or b"EncryptedPackage" in data[:1_000_000]:
            raise WorkbookError(
                "Tệp Excel đang được đặt mật khẩu nên hệ thống không đọc được. Hãy mở tệp bằng Excel, bỏ mật khẩu "
                "(Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại rồi tải lên."
            )
        if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data[:1_000_000]:
            raise WorkbookError("Đây là tệp Word (.doc), không phải bảng tính. Hãy tải lên tệp Excel (.xlsx hoặc .xls).")
        return "xls"
    if data.startswith(b"%PDF"):
        raise WorkbookError("Đây là tệp PDF, không phải bảng tính. Hãy tải lên tệp Excel (.xlsx hoặc .xls).")
    if name.endswith((".csv", ".txt")):
        raise WorkbookError("Hệ thống nhận tệp Excel (.xlsx, .xls). Hãy mở tệp CSV bằng Excel và lưu thành .xlsx.")
    raise WorkbookError("Tệp không phải bảng tính Excel. Hãy tải lên tệp .xlsx hoặc .xls (có thể tải mẫu ở trang này).")


# --- limits: what a workbook may hold before any parser reads it ------------------------------------------

@dataclass(frozen=True)
class Limits:
    """The most a workbook may hold (settings `IMPORT_MAX_*`): the largest real file — the whole district's
    registry, 50,000 households and 175,000 members in one sheet — with room to spare."""

    rows: int = 250_000
    columns: int = 200
    cells: int = 5_000_000
    uncompressed_mb: int = 300

    @classmethod
    def from_settings(cls) -> "Limits":
        from django.conf import settings

        return cls(
            rows=int(getattr(settings, "IMPORT_MAX_ROWS", cls.rows)),
            columns=int(getattr(settings, "IMPORT_MAX_COLUMNS", cls.columns)),
            cells=int(getattr(settings, "IMPORT_MAX_CELLS", cls.cells)),
            uncompressed_mb=int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_MB", cls.uncompressed_mb)),
        )


_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_limits(data: bytes, kind: str, limits: Limits | None = None) -> None:
    """Refuse, with the limit named, a workbook that would make a parser allocate more than a district's file
    needs: an .xlsx whose parts unpack to more than `uncompressed_mb`, or whose sheet declares or uses a cell
    beyond `rows` × `columns` (one cell at XFD1048576 makes the reader ask for 512 GiB), or holds more rows or
    cells. Reads each sheet's XML as a stream (a few MB at a time), before python-calamine sees the file."""
    limits = limits or Limits.from_settings()
    if kind != "xlsx":
        return  # .xls and .ods: held by the file size (MAX_BYTES)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > limits.uncompressed_mb * 1024 * 1024:
            raise WorkbookError(
                f"Tệp Excel khi giải nén lớn {total / 1024 / 1024:.0f} MB, vượt giới hạn {limits.uncompressed_mb} MB. "
                "Hãy chia danh sách thành nhiều tệp nhỏ hơn."
            )
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_sheet(zf, info, limits)


def _check_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    max_row = max_col = rows = 0
    tail = b""
    with zf.open(info) as stream:
        while True:
            chunk = stream.read(4 * 1024 * 1024)
            if not chunk:
                break
            text = tail + chunk
            # A tag cut at the chunk's end is read again with the next chunk.
            cut = text.rfind(b"<")
            body, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            rows += len(_ROW_TAG.findall(body))
            for pattern in (_DIMENSION, _CELL_REF):
                for letters, number in pattern.findall(body):
                    max_col = max(max_col, _column_number(letters))
                    max_row = max(max_row, int(number))
            _refuse_beyond(max_row, max_col, rows, limits)
    _refuse_beyond(max_row, max_col, rows, limits)


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _refuse_beyond(max_row: int, max_col: int, rows: int, limits: Limits) -> None:
    if max_row > limits.rows or rows > limits.rows:
        raise WorkbookError(
            f"Trang tính có dữ liệu đến dòng {_n(max(max_row, rows))}, vượt giới hạn {_n(limits.rows)} dòng. Hãy xóa "
            "các dòng thừa ở cuối trang (hoặc chia thành nhiều tệp) rồi tải lên lại."
        )
    if max_col > limits.columns:
        raise WorkbookError(
            f"Trang tính có dữ liệu đến cột thứ {_n(max_col)}, vượt giới hạn {_n(limits.columns)} cột. Hãy xóa các "
            "cột thừa bên phải rồi tải lên lại."
        )
    if max_row * max_col > limits.cells:
        raise WorkbookError(
            f"Vùng dữ liệu của trang tính ({_n(max_row)} dòng × {_n(max_col)} cột) vượt giới hạn {_n(limits.cells)} "
            "ô. Hãy xóa các dòng, cột thừa rồi tải lên lại."
        )


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # rows[0] is the workbook's row 1


def load_sheets(data: bytes, filename: str = "") -> list[Sheet]:
    """Every visible worksheet as lists of values (python-calamine: fast, reads .xlsx, .xls and .ods), once the
    file is within the limits (`check_limits`)."""
    check_limits(data, sniff(data, filename))
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in workbook.sheets_metadata:
            if str(meta.typ).endswith("WorkSheet") and str(meta.visible).endswith(".Visible"):
                sheet = workbook.get_sheet_by_name(meta.name)
                sheets.append(Sheet(meta.name, sheet.to_python(skip_empty_area=False)))
    except pc.PasswordError:
        raise WorkbookError("Tệp Excel đang được đặt mật khẩu nên hệ thống không đọc được. Hãy bỏ mật khẩu rồi tải lên lại.")
    except Exception as exc:  # calamine raises several kinds for a damaged file; none may become a server error
        raise WorkbookError(
            "Tệp Excel bị hỏng hoặc không đúng định dạng, không đọc được. Hãy mở tệp bằng Excel, lưu lại "
            f"(Lưu thành → Sổ làm việc Excel .xlsx) rồi tải lên lần nữa. (Chi tiết: {type(exc).__name__})"
        ) from exc
    if not sheets:
        raise WorkbookError("Tệp không có trang tính nào đang hiển thị.")
    return sheets


# --- legacy Vietnamese encodings --------------------------------------------------------------------------

# Latin-1 letters that Unicode Vietnamese uses; every other character from U+00A1 to U+00FF in a name is a
# byte of a legacy font read as Latin-1 ("µ" is TCVN3's à, "ö" is VNI's ư).
VI_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
NOT_VIETNAMESE = frozenset(chr(c) for c in range(0xA1, 0x100)) - VI_LATIN1 - {"°"}
# Letters only Unicode Vietnamese has (beyond Latin-1): their presence settles that a cell is Unicode.
_UNICODE_VI = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b]")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD = re.compile(r"[^\W\d_]+")
_STOP_TONES = {"\u0301", "\u0323"}  # a syllable ending in c, ch, p, t takes only the sắc or nặng tone
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
# The rimes of Vietnamese: each nucleus with the endings it takes.
_RIMES = {
    "a": ("", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "y", "o", "u"),
    "ă": ("c", "m", "n", "ng", "p", "t"),
    "â": ("c", "m", "n", "ng", "p", "t", "y", "u"),
    "e": ("", "c", "m", "n", "ng", "p", "t", "o"),
    "ê": ("", "ch", "m", "n", "nh", "p", "t", "u"),
    "i": ("", "ch", "m", "n", "nh", "p", "t", "u"),
    "y": ("", "ch", "nh", "n", "p", "t", "u"),
    "o": ("", "c", "m", "n", "ng", "p", "t", "i"),
    "oo": ("c", "ng"),
    "ô": ("", "c", "m", "n", "ng", "p", "t", "i"),
    "ơ": ("", "m", "n", "p", "t", "i"),
    "u": ("", "c", "m", "n", "ng", "p", "t", "i"),
    "ư": ("", "c", "m", "n", "ng", "t", "i", "u"),
    "iê": ("c", "m", "n", "ng", "p", "t", "u"),
    "yê": ("c", "m", "n", "ng", "p", "t", "u"),
    "ia": ("",), "ya": ("",), "ua": ("",), "ưa": ("",),
    "uô": ("c", "m", "n", "ng", "t", "i"),
    "ươ": ("c", "m", "n", "ng", "p", "t", "i", "u"),
}
_MEDIALS = {"": None, "o": {"a", "ă", "e"}, "u": {"â", "ê", "y", "ơ", "yê", "ya", "a", "i"}}
_NUCLEI = sorted(_RIMES, key=len, reverse=True)
_FRONT = ("e", "ê", "i", "y")


def _split_syllable(bare: str):
    """Every (onset, medial, nucleus, coda) reading of a toneless lower-case syllable allowed by the rimes."""
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        rest = bare[len(onset):]
        for medial, allowed in _MEDIALS.items():
            if not rest.startswith(medial) or (medial and onset == "qu"):
                continue
            body = rest[len(medial):]
            for nucleus in _NUCLEI:
                if not body.startswith(nucleus) or (allowed is not None and nucleus not in allowed):
                    continue
                coda = body[len(nucleus):]
                if coda not in _RIMES[nucleus]:
                    continue
                first = (medial + nucleus)[:1]
                # Spelling: k, gh, ngh before e, ê, i, y; c, g, ng elsewhere.
                if onset in ("k", "gh", "ngh") and first not in _FRONT:
                    continue
                if onset in ("c", "g", "ng") and first in _FRONT and not (onset == "g" and first == "i"):
                    continue
                yield onset, medial, nucleus, coda


@lru_cache(maxsize=100_000)
def _syllable_ok(word: str) -> bool:
    if not (word == word.lower() or word == word.upper() or word == word[:1].upper() + word[1:].lower()):
        return False  # "NguyÔn": a capital inside a word is a legacy byte, not Vietnamese
    if word.isascii():
        return True
    letters: list[str] = []
    tone, tone_at = None, -1
    for i, ch in enumerate(unicodedata.normalize("NFC", word).lower()):
        marks = unicodedata.normalize("NFD", ch)
        tones = [m for m in marks if m in _TONE_MARKS]
        if tones:
            if tone is not None or len(tones) > 1:
                return False
            tone, tone_at = tones[0], i
        base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in _TONE_MARKS))
        if len(base) != 1:
            return False
        letters.append(base)
    bare = "".join(letters)
    for onset, medial, nucleus, coda in _split_syllable(bare):
        if coda in ("c", "ch", "p", "t") and tone not in _STOP_TONES:
            continue
        if tone is not None:
            start = len(onset) + len(medial)
            on_nucleus = start <= tone_at < start + len(nucleus)
            # The older placement on the glide ("hòa", "thủy") is still the common one.
            on_medial = bool(medial) and not coda and tone_at == len(onset)
            if not (on_nucleus or on_medial):
                continue
        return True
    return False


def reads_as_vietnamese(text: str) -> bool:
    """True when every character is one Vietnamese uses and every word with a diacritic is a Vietnamese syllable."""
    if any(ch in NOT_VIETNAMESE for ch in text):
        return False
    return all(_syllable_ok(w) for w in _WORD.findall(text) if not w.isascii() or w != w.lower())


def _restore_case(original: str, converted: str) -> str:
    """TCVN3 has no accented capitals (".VnTimeH" draws small letters as capitals): a word typed in capitals
    comes back with small accented letters ("NGUYÔN" → "NGUYễN"), so it is put in capitals again."""
    out = []
    for orig, conv in zip(original.split(" "), converted.split(" ")):
        letters = [c for c in orig if c.isascii() and c.isalpha()]
        out.append(conv.upper() if len(letters) > 1 and all(c.isupper() for c in letters) else conv)
    return " ".join(out) if len(out) == len(converted.split(" ")) else converted


def _try(text: str, encoding: str) -> str | None:
    converted = convert(text, CHARMAPS[encoding])
    converted = _restore_case(text, converted)
    return converted if converted != text and reads_as_vietnamese(converted) else None


def _candidates(text: str) -> list[str]:
    """The encodings under which a Latin-1-only cell that is not Vietnamese as Unicode reads as Vietnamese."""
    return [enc for enc in CHARMAPS if _try(text, enc) is not None]


@dataclass
class TextReport:
    """What the cleaning did, for the preview page."""

    converted: Counter = field(default_factory=Counter)  # encoding → cells converted
    nfd_cells: int = 0
    examples: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "converted": dict(self.converted),
            "nfd_cells": self.nfd_cells,
            "examples": {k: v[:3] for k, v in self.examples.items()},
            "unreadable": self.unreadable[:5],
        }


class TextCleaner:
    """Cleans every text cell of a sheet: legacy encodings to Unicode, NFC, non-breaking spaces, runs of spaces.

    `prepare()` first looks at all the cells that might be legacy text and lets them vote for an encoding,
    so a cell both tables could read is read the way the rest of the workbook was typed.
    """

    _SPACES = re.compile(r"\s+")

    def __init__(self) -> None:
        self.report = TextReport()
        self.preferred: list[str] = list(CHARMAPS)
        # Whether the workbook was typed mostly in a legacy font: then a cell that reads as Vietnamese both
        # ways ("Vò" is TCVN3 for Vũ, "Thò" VNI for Thị) is read the way the rest of the workbook was typed.
        self.mostly_legacy = False
        self._cache: dict[str, str] = {}

    @staticmethod
    def _suspect(text: str) -> bool:
        return not text.isascii() and not _UNICODE_VI.search(text) and not reads_as_vietnamese(text)

    def prepare(self, texts: Iterable[str]) -> None:
        votes: Counter = Counter()
        seen: set[str] = set()
        legacy = unicode = 0
        for text in texts:
            if text in seen or text.isascii():
                continue
            seen.add(text)
            if _UNICODE_VI.search(text):
                unicode += 1
            elif self._suspect(text):
                found = _candidates(text)
                if found:
                    legacy += 1
                if len(found) == 1:
                    votes[found[0]] += 1
        if votes:
            best = [enc for enc, _ in votes.most_common()]
            self.preferred = best + [e for e in CHARMAPS if e not in best]
        self.mostly_legacy = legacy > 0 and legacy > unicode

    def _ambiguous(self, text: str) -> bool:
        """Latin-1 text that reads as Vietnamese as it is and also converted, in a mostly legacy workbook."""
        return self.mostly_legacy and _try(text, self.preferred[0]) is not None

    def clean(self, value: str) -> str:
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        text = value.replace("\xa0", " ")
        if text.isascii():
            result = self._SPACES.sub(" ", text).strip()
        elif _UNICODE_VI.search(text) or (reads_as_vietnamese(text) and not self._ambiguous(text)):
            result = unicodedata.normalize("NFC", text)
            if result != text:
                self.report.nfd_cells += 1
            result = self._SPACES.sub(" ", result).strip()
        else:
            result = None
            for enc in self.preferred:
                converted = _try(text, enc)
                if converted is not None:
                    self.report.converted[enc] += 1
                    examples = self.report.examples.setdefault(enc, [])
                    if len(examples) < 3:
                        examples.append((text.strip(), converted.strip()))
                    result = self._SPACES.sub(" ", converted).strip()
                    break
            if result is None:
                if len(self.report.unreadable) < 5:
                    self.report.unreadable.append(text.strip())
                result = self._SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
        self._cache[value] = result
        return result


def clean_grid(rows: list[list[Any]], cleaner: TextCleaner | None = None) -> tuple[list[list[Any]], TextCleaner]:
    """Every string cell cleaned (in place); returns the rows and the cleaner (with its report)."""
    cleaner = cleaner or TextCleaner()
    cleaner.prepare(v for row in rows for v in row if isinstance(v, str) and v)
    clean = cleaner.clean
    for row in rows:
        for i, v in enumerate(row):
            if isinstance(v, str):
                row[i] = clean(v) if v else ""
    return rows, cleaner


# --- headers ----------------------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^a-z0-9]+")


def header_key(text: Any) -> str:
    """A header as a comparable key: folded, punctuation gone ("Họ và tên (*)" → "ho va ten")."""
    if text is None:
        return ""
    return _NON_WORD.sub(" ", fold(str(text))).strip()


@dataclass
class HeaderMatch:
    row_index: int  # 0-based index into rows
    columns: dict[str, int]  # column key → 0-based column index
    ignored: list[str]  # headers of columns the import does not use


def find_header(rows: list[list[Any]], synonyms: dict[str, tuple[str, ...]], required: Iterable[str]) -> HeaderMatch | None:
    """The header row among the first rows: the one naming the most known columns, with every required one.

    Titles in merged cells, blank lines and notes above the header are skipped; a header may be anywhere in
    the first HEADER_SCAN_ROWS rows.
    """
    required = tuple(required)
    keyed = sorted(((syn, key) for key, syns in synonyms.items() for syn in syns), key=lambda p: -len(p[0]))
    best: HeaderMatch | None = None
    best_score = 0
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        ignored: list[str] = []
        for c, value in enumerate(row):
            key_text = header_key(value)
            if not key_text:
                continue
            for syn, key in keyed:
                if key_text == syn or key_text.startswith(syn + " "):
                    if key not in columns:
                        columns[key] = c
                    break
            else:
                ignored.append(str(value).strip())
        if all(k in columns for k in required) and len(columns) > best_score:
            best, best_score = HeaderMatch(r, columns, ignored), len(columns)
    return best


# --- cell values ------------------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")


def is_blank(value: Any) -> bool:
    return value is None or value == "" or (type(value) is str and value.isspace())


def as_text(value: Any) -> str:
    """A cell as text: numbers typed into text columns come back without ".0" (8085001234.0 → "8085001234")."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value:%d/%m/%Y}"
    return str(value).strip()


def parse_birth(value: Any, *, today: dt.date) -> tuple[dt.date | None, bool]:
    """A birth date from a cell: a real date, dd/mm/yyyy (or with dots or dashes), ISO, an Excel serial number,
    or a year alone (→ 1 January, `birth_year_only`). ValueError with a Vietnamese reason otherwise."""
    if is_blank(value):
        return None, False
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 1900 <= number <= today.year:
            return dt.date(int(number), 1, 1), True
        if 1 <= number < 2_958_466:  # an Excel serial (days since 30/12/1899)
            return EXCEL_EPOCH + dt.timedelta(days=int(number)), False
        raise ValueError(f"“{as_text(value)}” không phải ngày sinh (ghi dd/mm/yyyy hoặc chỉ năm sinh).")
    text = str(value).strip().lstrip("'")
    match = _DATE_TEXT.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day), False
        match = _ISO_DATE.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day), False
    except ValueError:
        raise ValueError(f"Ngày “{text}” không có thật (ghi theo dạng ngày/tháng/năm, ví dụ 17/05/1985).")
    match = _YEAR.match(text)
    if match and 1900 <= int(match.group(1)) <= today.year + 1:
        return dt.date(int(match.group(1)), 1, 1), True
    match = _MONTH_YEAR.match(text)
    if match and 1 <= int(match.group(1)) <= 12:
        return dt.date(int(match.group(2)), int(match.group(1)), 1), False
    if text.replace(".", "", 1).isdigit():
        return parse_birth(float(text), today=today)
    raise ValueError(f"“{text}” không phải ngày sinh (ghi dd/mm/yyyy, ví dụ 17/05/1985, hoặc chỉ năm sinh).")


def citizen_id_text(value: Any) -> str:
    """A citizen ID from a cell. A number loses its leading zeros in Excel (008085001234 → 8085001234):
    IDs begin with the province code (008 for Tuyên Quang), so a number of 9–11 digits is padded back to 12."""
    if is_blank(value):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = as_text(value)
        return digits.zfill(12) if digits.isdigit() and 9 <= len(digits) < 12 else digits
    text = str(value).strip().lstrip("'")
    return re.sub(r"[\s.\-]", "", text)


def file_suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return suffix if suffix in (".xlsx", ".xlsm", ".xls", ".ods") else ".xlsx"
