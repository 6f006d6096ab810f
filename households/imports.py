"""Import of households with their members from a commune's workbook: a dry run that shows every row's outcome
and every error, then a commit of all rows or none.

The rules are the registry's: households.services (`_check_place`, `_check_citizen_id`, `stale_version_error`)
decides places, citizen IDs and stale versions with its own messages; the member rules of `household_save`
(a name, Nam/Nữ, no birth date after today, an ID once per household, one head) are applied here row by row
so that every error of a file is reported at once, not the first of each household — tests/io check that
`household_save` refuses the same data with the same words. Writes are bulk inserts and updates with their
history rows (django-simple-history), inside one transaction: ten thousand households are written in seconds,
where saving them one by one through `household_save` would take minutes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import pickle
import shutil
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.scoping import commune_ids

from . import services
from .excel_io import TextCleaner, WorkbookError, as_text, clean_grid, find_header, is_blank, load_sheets
from .jobs import job_fail, job_progress, job_start, job_succeed
from .household_years import household_years_refresh
from .models import AdministrativeUnit, Household, HouseholdStatus, Job, JobStatus, Level, Livelihood, Member, Relation, household_code_error, phone_error
from .resources import COLUMN_BY_KEY, HouseholdMemberResource, header_synonyms, livelihood_code, livelihood_labels
from .text import fold, nfc_line
from .village_names import village_labels

logger = logging.getLogger(__name__)

JOB_KIND = "households_import"
# Files up to this many rows are checked while the officer waits; larger ones run as a Celery task.
SYNC_ROW_LIMIT = 1500
CHUNK = 900  # ids per IN (…) query (SQLite's variable limit on old builds is 999)

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
OUTCOME_LABELS = {NEW: "Thêm mới", UPDATED: "Cập nhật", UNCHANGED: "Không đổi", ERROR: "Có lỗi"}
MEMBER_FIELDS = ("full_name", "sex", "birth_date", "birth_year_only", "citizen_id", "ethnic_group_id", "relation")
FIELD_LABELS = {
    "full_name": "họ và tên", "sex": "giới tính", "birth_date": "ngày sinh", "birth_year_only": "chỉ biết năm sinh",
    "citizen_id": "số định danh", "ethnic_group_id": "dân tộc", "relation": "quan hệ với chủ hộ",
    "village_id": "thôn", "address": "địa chỉ", "phone": "điện thoại", "livelihood": "nghề nghiệp chính", "head_name": "chủ hộ",
}

Progress = Callable[[int, str], None]


class ImportRefused(Exception):
    """The commit found errors (or a change made since the preview): nothing was written."""

    def __init__(self, plan: "ImportPlan"):
        super().__init__(f"{len(plan.problems)} lỗi")
        self.plan = plan


@dataclass
class Problem:
    row: int  # the workbook's row number (0 for the whole file)
    column: str  # the column header, "" for the whole row or file
    message: str


@dataclass
class MemberPlan:
    row: int
    values: dict[str, Any]
    existing_id: int | None = None
    outcome: str = NEW
    changes: list[str] = field(default_factory=list)


@dataclass
class HouseholdPlan:
    code: str
    rows: list[int]
    values: dict[str, Any] = field(default_factory=dict)  # commune_id, village_id, address, phone
    members: list[MemberPlan] = field(default_factory=list)
    existing: dict[str, Any] | None = None
    removed: list[tuple[int, str]] = field(default_factory=list)
    outcome: str = NEW
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def head_name(self) -> str | None:
        heads = [m for m in self.members if m.values.get("relation") == Relation.HEAD]
        return heads[0].values["full_name"] if heads else None


@dataclass
class FilePlan:
    """What every import's dry run knows of its file: where the table was found, the text conversions, the
    problems by row and column, and a fatal reason when the file cannot be read at all."""

    filename: str = ""
    sheet: str = ""
    header_row: int = 0
    columns: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    text: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    fatal: str = ""
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.problems


@dataclass
class ImportPlan(FilePlan):
    households: list[HouseholdPlan] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # the column keys the workbook has

    def totals(self) -> dict[str, int]:
        outcomes = Counter(h.outcome for h in self.households)
        members = Counter(m.outcome for h in self.households for m in h.members)
        return {
            "rows": self.rows_read,
            "households": len(self.households),
            "new": outcomes[NEW],
            "updated": outcomes[UPDATED],
            "unchanged": outcomes[UNCHANGED],
            "error": outcomes[ERROR],
            "members": sum(len(h.members) for h in self.households),
            "members_new": members[NEW],
            "members_updated": members[UPDATED],
            "members_removed": sum(len(h.removed) for h in self.households),
            "problems": len(self.problems),
        }

    def versions(self) -> dict[str, int]:
        return {h.code: h.existing["version"] for h in self.households if h.existing}

    def to_json(self) -> dict[str, Any]:
        rows = []
        for h in self.households:
            by_row = {p.row for p in h.problems}
            member_rows = {m.row: m for m in h.members}
            for r in h.rows:
                m = member_rows.get(r)
                outcome = ERROR if r in by_row else (m.outcome if m else h.outcome)
                if h.outcome == ERROR and r not in by_row and m is None:
                    outcome = ERROR
                changes = (m.changes if m else []) + (h.changes if r == h.rows[0] else [])
                rows.append([r, h.code, m.values.get("full_name", "") if m else "", outcome, changes])
        return {
            "filename": self.filename,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "columns": self.columns,
            "ignored": self.ignored,
            "text": self.text,
            "notes": self.notes,
            "fatal": self.fatal,
            "sha256": self.sha256,
            "totals": self.totals(),
            "versions": self.versions(),
            "problems": [asdict(p) for p in self.problems],
            "households": [
                {"code": h.code, "first": h.rows[0] if h.rows else 0, "last": h.rows[-1] if h.rows else 0,
                 "outcome": h.outcome, "changes": h.changes + [c for m in h.members for c in m.changes],
                 "members": len(h.members)}
                for h in self.households
            ],
            "rows": rows,
        }


# --- reading and checking ---------------------------------------------------------------------------------


def _allowed_communes(user) -> dict[int, AdministrativeUnit]:
    """Communes in force today that the user may write to."""
    qs = AdministrativeUnit.objects.in_force(timezone.localdate()).filter(level=Level.COMMUNE)
    ids = commune_ids(user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return {c.pk: c for c in qs}


def _commune_lookup(communes: dict[int, AdministrativeUnit]) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for c in communes.values():
        name = fold(c.name)
        lookup[name] = c.pk
        lookup[c.code] = c.pk
        for prefix in ("xa ", "thi tran ", "phuong "):
            if name.startswith(prefix):
                lookup[name[len(prefix):]] = c.pk
        if c.short_name:
            lookup[fold(c.short_name)] = c.pk
    return lookup


class VillageLookup(dict):
    """Spellings of a commune's villages (folded name, name without "Thôn", short name, code, display label) → the
    village. A spelling that names several villages (namesakes from the communes a commune took in) is not a key:
    `ambiguous` gives, for it, the labels that tell the villages apart."""

    def __init__(self) -> None:
        super().__init__()
        self.ambiguous: dict[str, list[str]] = {}


def _village_spellings(name: str) -> set[str]:
    folded = fold(name)
    keys = {folded}
    for prefix in ("thon ", "to dan pho ", "xom ", "ban ", "to "):
        if folded.startswith(prefix):
            keys.add(folded[len(prefix):])
    return keys


def _village_lookup(commune: AdministrativeUnit, today: dt.date) -> VillageLookup:
    """Villages whose commune today is `commune` (villages made under units it succeeded included).

    Their labels (households.village_names: "Thôn Cả (xã Trung Yên cũ)", what the exports write) always find their
    village; a plain name shared by two villages finds neither (the row says which labels to write)."""
    from .selectors import unit_lineage_ids

    villages = AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent_id__in=unit_lineage_ids(unit=commune))
    villages = [v for v in villages.in_force(today).select_related("parent") if v.commune_on(today) == commune]
    labels = village_labels([v.pk for v in villages], on=today)
    by_pk = {v.pk: v for v in villages}
    by_label: dict[str, set[int]] = {}
    others: dict[str, set[int]] = {}
    for v in villages:
        label = v.village_label = labels.get(v.pk, v.name)  # shown in the preview's list of changes
        for key in _village_spellings(label):
            by_label.setdefault(key, set()).add(v.pk)
        keys = _village_spellings(v.name) | {v.code} | ({fold(v.short_name)} if v.short_name else set())
        for key in keys:
            others.setdefault(key, set()).add(v.pk)
    lookup = VillageLookup()
    for source in (by_label, others):  # a label wins over another village's plain name
        for key, pks in source.items():
            if key in lookup or key in lookup.ambiguous:
                continue
            if len(pks) == 1:
                lookup[key] = by_pk[next(iter(pks))]
            else:
                lookup.ambiguous[key] = sorted(labels.get(pk, by_pk[pk].name) for pk in pks)
    return lookup


def _member_rule_problems(values: dict[str, Any], *, row: int, today: dt.date) -> list[Problem]:
    """`household_save`'s rules for one member, with its words (checked against it in tests/io)."""
    problems = []
    if not values.get("full_name"):
        problems.append(Problem(row, COLUMN_BY_KEY["full_name"].header, "Chưa nhập họ và tên."))
    if values.get("sex") not in ("male", "female"):
        problems.append(Problem(row, COLUMN_BY_KEY["sex"].header, "Giới tính phải là Nam hoặc Nữ."))
    birth = values.get("birth_date")
    if birth and birth > today:
        problems.append(Problem(row, COLUMN_BY_KEY["birth"].header, "Ngày sinh không được sau ngày hôm nay."))
    citizen_id = values.get("citizen_id")
    if citizen_id and not services.CITIZEN_ID_RE.match(citizen_id):
        problems.append(Problem(row, COLUMN_BY_KEY["citizen_id"].header, _service_message(
            lambda: services._check_citizen_id(citizen_id, member_pk=None, field="citizen_id"))))
    return problems


def _service_message(call: Callable[[], Any]) -> str:
    try:
        call()
    except ValidationError as exc:
        return "; ".join(str(m) for m in exc.messages)
    return ""


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _without_gc(func):
    """Big files allocate hundreds of thousands of small objects that all stay alive until the end: the cyclic
    garbage collector would walk them again and again for nothing. Reference counting still frees the rest."""
    import functools
    import gc

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper


@dataclass
class Parsed:
    """What the workbook says, before it is compared with the registry: the same for the preview and the
    commit of one file, so the commit reads it back from the job's folder instead of parsing again."""

    plan: ImportPlan
    households: list[HouseholdPlan] = field(default_factory=list)
    cols: dict[str, int] = field(default_factory=dict)
    ids_in_file: dict[str, tuple[int, str]] = field(default_factory=dict)


def _parse(*, data: bytes, filename: str, user, commune: AdministrativeUnit | None, report: Progress) -> Parsed:
    plan = ImportPlan(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    try:
        sheets = load_sheets(data, filename)
    except WorkbookError as exc:
        plan.fatal = str(exc)
        return Parsed(plan)
    synonyms = header_synonyms()
    match = None
    cleaner = TextCleaner()
    for sheet in sheets:
        head = sheet.rows[:30]
        head_clean, _ = clean_grid([list(r) for r in head], TextCleaner())
        match = find_header(head_clean, synonyms, required=("code", "full_name"))
        if match:
            rows, cleaner = clean_grid(sheet.rows, cleaner)
            plan.sheet = sheet.name
            break
    if match is None:
        plan.fatal = (
            "Không tìm thấy dòng tiêu đề có cột “Mã hộ” và cột “Họ và tên” trong 30 dòng đầu của các trang tính. "
            "Hãy dùng tệp mẫu của hệ thống hoặc đặt tên cột như tệp mẫu."
        )
        return Parsed(plan)
    plan.header_row = match.row_index + 1
    plan.columns = [COLUMN_BY_KEY[k].header for k in COLUMN_BY_KEY if k in match.columns]
    plan.ignored = [h for h in match.ignored if h]
    plan.text = cleaner.report.as_dict()
    cols = {k: i for k, i in match.columns.items() if k in COLUMN_BY_KEY}
    plan.keys = set(cols)
    today = timezone.localdate()
    resource = HouseholdMemberResource()
    widgets = {key: resource.widget(key) for key in cols}
    allowed = _allowed_communes(user)
    if commune is not None and commune.pk not in allowed:
        plan.fatal = f"Bạn không được nhập dữ liệu cho {commune.name}."
        return Parsed(plan)
    if commune is None and "commune" not in cols:
        plan.fatal = "Tệp không có cột “Xã”: hãy chọn xã khi tải tệp lên."
        return Parsed(plan)

    # 1. Rows → households (contiguous blocks of one code), every cell parsed.
    households: list[HouseholdPlan] = []
    first_row_of: dict[str, int] = {}
    current: HouseholdPlan | None = None
    ids_in_file: dict[str, tuple[int, str]] = {}
    data_rows = rows[match.row_index + 1:]
    total = max(1, len(data_rows))
    header_cells = {k: COLUMN_BY_KEY[k].header for k in cols}
    width = max(cols.values()) + 1
    col_items = tuple(cols.items())
    for offset, raw in enumerate(data_rows):
        row_no = match.row_index + 2 + offset
        if offset % 2000 == 0:
            report(int(60 * offset / total), f"Đang đọc dòng {row_no}")
        if len(raw) < width:
            raw = list(raw) + [""] * (width - len(raw))
        cells = {k: raw[i] for k, i in col_items}
        if all(v is None or v == "" for v in cells.values()):  # text cells are cleaned and stripped already
            continue
        if offset < 3 and _is_column_numbers(cells):
            continue
        plan.rows_read += 1
        code = as_text(cells.get("code"))
        if code:
            if problem := household_code_error(code):
                plan.problems.append(Problem(row_no, header_cells["code"], problem))
            if current is None or code != current.code:
                if code in first_row_of:
                    problem = Problem(row_no, header_cells["code"],
                                      f"Mã hộ {code} lặp lại: đã có ở dòng {first_row_of[code]}. Các nhân khẩu của một "
                                      "hộ phải ghi liền nhau; hai hộ khác nhau không được trùng mã.")
                    plan.problems.append(problem)
                    dup = next(h for h in households if h.code == code)
                    dup.problems.append(problem)
                    dup.rows.append(row_no)
                    current = dup
                    continue
                current = HouseholdPlan(code=code, rows=[])
                first_row_of[code] = row_no
                households.append(current)
        elif current is None:
            problem = Problem(row_no, header_cells["code"], "Chưa nhập mã hộ.")
            plan.problems.append(problem)
            continue
        hh = current
        hh.rows.append(row_no)
        # Household columns: the first non-empty value in the block; a different one later is an error.
        for key in ("commune", "village", "address", "phone", "livelihood"):
            if key not in cols or is_blank(cells[key]):
                continue
            text = as_text(cells[key])
            seen = hh.values.get(f"_{key}_raw")
            if seen is None:
                hh.values[f"_{key}_raw"] = (text, row_no)
            elif _fold(seen[0]) != _fold(text):
                hh.problems.append(Problem(row_no, header_cells[key],
                                           f"Khác với dòng {seen[1]} của cùng hộ {hh.code} (“{seen[0]}”)."))
        member_cells = ("full_name", "sex", "birth", "citizen_id", "ethnic_group", "relation")
        if all(k not in cols or is_blank(cells[k]) for k in member_cells):
            continue  # a row of household columns only
        values: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for key in member_cells:
            if key not in cols:
                continue
            try:
                if key == "birth":
                    values["birth_date"], values["birth_year_only"] = widgets[key].clean(cells[key], today=today)
                elif key == "full_name":
                    values[key] = nfc_line(as_text(cells[key])) or ""
                    if len(values[key]) > 120:
                        raise ValueError("Họ và tên dài quá 120 ký tự.")
                elif key == "ethnic_group":
                    values["ethnic_group_id"] = widgets[key].clean(cells[key])
                else:
                    values[key] = widgets[key].clean(cells[key])
            except ValueError as exc:
                row_problems.append(Problem(row_no, header_cells[key], str(exc)))
                values["_bad_" + key] = True
        if "relation" in cols and not values.get("relation") and not values.get("_bad_relation"):
            values["relation"] = Relation.OTHER
        citizen_id = values.get("citizen_id")
        if citizen_id and services.CITIZEN_ID_RE.match(citizen_id):
            if citizen_id in ids_in_file:
                other_row, other_code = ids_in_file[citizen_id]
                message = (f"Số định danh {citizen_id} bị nhập hai lần trong hộ." if other_code == hh.code else
                           f"Số định danh {citizen_id} đã ghi ở dòng {other_row} (hộ {other_code}).")
                row_problems.append(Problem(row_no, header_cells["citizen_id"], message))
            else:
                ids_in_file[citizen_id] = (row_no, hh.code)
        hh.problems += row_problems
        hh.members.append(MemberPlan(row=row_no, values=values))

    if not households and not plan.problems:
        plan.fatal = "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."
    return Parsed(plan, households, cols, ids_in_file)


@_without_gc
def households_import_plan(
    *,
    data: bytes,
    filename: str,
    user,
    commune: AdministrativeUnit | None,
    progress: Progress | None = None,
    lock: bool = False,
    parsed_path: Path | None = None,
) -> ImportPlan:
    """Read the workbook and decide, for every row, what the import would do. Writes nothing.

    `commune` is the commune of rows whose workbook has no commune column. With `lock`, the households the
    file updates are locked (select_for_update) for the commit that follows in the same transaction.
    `parsed_path` keeps what the workbook says between the preview and the commit of a job.
    """
    report = progress or (lambda pct, msg: None)
    key = f"{hashlib.sha256(data).hexdigest()}:{getattr(user, 'pk', None)}:{getattr(commune, 'pk', None)}"
    parsed = _load_parsed(parsed_path, key)
    if parsed is None:
        parsed = _parse(data=data, filename=filename, user=user, commune=commune, report=report)
        if parsed_path is not None and not parsed.plan.fatal:
            parsed_path.write_bytes(pickle.dumps((key, parsed), protocol=pickle.HIGHEST_PROTOCOL))
    plan, households, cols, ids_in_file = parsed.plan, parsed.households, parsed.cols, parsed.ids_in_file
    if plan.fatal:
        return plan
    today = timezone.localdate()
    allowed = _allowed_communes(user)
    commune_lookup = _commune_lookup(allowed)
    villages_by_commune: dict[int, VillageLookup] = {}
    place_checked: dict[tuple[int, int | None], str] = {}
    report(65, "Đang đối chiếu với sổ hộ")

    # 2. Places: the commune (column or the one chosen), the village of that commune, checked by the service.
    for hh in households:
        raw_commune = hh.values.pop("_commune_raw", None)
        target = commune
        if raw_commune is not None:
            key = fold(raw_commune[0])
            pk = commune_lookup.get(key) or commune_lookup.get(raw_commune[0].strip())
            if pk is None:
                hh.problems.append(Problem(raw_commune[1], COLUMN_BY_KEY["commune"].header,
                                           f"Không có xã “{raw_commune[0]}” trong các xã bạn được nhập dữ liệu."))
                target = None
            else:
                target = allowed[pk]
        hh.values["commune"] = target
        raw_village = hh.values.pop("_village_raw", None)
        village = None
        if raw_village is not None and target is not None:
            lookup = villages_by_commune.get(target.pk)
            if lookup is None:
                lookup = villages_by_commune[target.pk] = _village_lookup(target, today)
            key = fold(raw_village[0])
            village = lookup.get(key) or lookup.get(raw_village[0].strip())
            if village is None and key in lookup.ambiguous:
                choices = " hoặc ".join(f"“{label}”" for label in lookup.ambiguous[key])
                hh.problems.append(Problem(raw_village[1], COLUMN_BY_KEY["village"].header,
                                           f"{target.name} có {len(lookup.ambiguous[key])} thôn, tổ dân phố tên “{raw_village[0]}”: ghi rõ {choices}."))
            elif village is None:
                hh.problems.append(Problem(raw_village[1], COLUMN_BY_KEY["village"].header,
                                           f"Không có thôn, tổ dân phố “{raw_village[0]}” ở {target.name}."))
        hh.values["village"] = village
        if target is not None:
            pair = (target.pk, village.pk if village else None)
            if pair not in place_checked:
                place_checked[pair] = _service_message(lambda: services._check_place(commune=target, village=village))
            if place_checked[pair]:
                hh.problems.append(Problem(hh.rows[0], COLUMN_BY_KEY["village"].header, place_checked[pair]))
        raw = hh.values.pop("_livelihood_raw", None)
        if raw is not None:
            code = livelihood_code(raw[0])
            if code is None:
                hh.problems.append(Problem(raw[1], COLUMN_BY_KEY["livelihood"].header,
                                           f"“{raw[0]}” không có trong danh sách nghề nghiệp chính ({', '.join(livelihood_labels())})."))
            hh.values["livelihood"] = code or ""
        elif "livelihood" in cols:
            hh.values["livelihood"] = ""
        for key in ("address", "phone"):
            raw = hh.values.pop(f"_{key}_raw", None)
            if raw is not None:
                limit = 255 if key == "address" else 20
                if len(raw[0]) > limit:
                    hh.problems.append(Problem(raw[1], COLUMN_BY_KEY[key].header, f"Dài quá {limit} ký tự."))
                elif key == "phone" and (problem := phone_error(raw[0])):
                    hh.problems.append(Problem(raw[1], COLUMN_BY_KEY[key].header, problem))
                hh.values[key] = nfc_line(raw[0]) if key == "address" else raw[0]
            elif key in cols:
                hh.values[key] = ""
        heads = [m for m in hh.members if m.values.get("relation") == Relation.HEAD]
        if len(heads) > 1:
            hh.problems.append(Problem(heads[1].row, COLUMN_BY_KEY["relation"].header, "Một hộ chỉ có một chủ hộ."))

    # 3. The registry as it is: households by code, their members, citizen IDs used elsewhere.
    codes = [h.code for h in households]
    existing: dict[str, Household] = {}
    for part in _chunks(codes):
        qs = Household.objects.filter(code__in=part).select_related("commune")
        if lock:
            qs = qs.select_for_update(of=("self",)) if _supports_of() else qs.select_for_update()
        existing.update({h.code: h for h in qs})
    scope_ids = commune_ids(user)
    members_of: dict[int, list[dict[str, Any]]] = {}
    ids = [h.pk for h in existing.values()]
    for part in _chunks(ids):
        for m in Member.objects.filter(household_id__in=part).order_by("household_id", "order", "id").values(
            "id", "household_id", *MEMBER_FIELDS
        ):
            members_of.setdefault(m["household_id"], []).append(m)
    holders: dict[str, dict[str, Any]] = {}
    for part in _chunks(list(ids_in_file)):
        for m in Member.objects.filter(citizen_id__in=part).values("id", "citizen_id", "household_id", "household__code"):
            holders[m["citizen_id"]] = m
    report(75, "Đang so sánh thay đổi")

    # 4. Outcomes and changes.
    in_file_codes = set(codes)
    kept_ids_by_code = {h.code: {m.values.get("citizen_id") for m in h.members if m.values.get("citizen_id")}
                        for h in households}
    for hh in households:
        found = existing.get(hh.code)
        if found is not None:
            if scope_ids is not None and found.commune_id not in scope_ids:
                hh.problems.append(Problem(hh.rows[0], COLUMN_BY_KEY["code"].header,
                                           f"Mã hộ {hh.code} đã có trong hệ thống."))
            elif hh.values.get("commune") is not None and found.commune_id != hh.values["commune"].pk:
                hh.problems.append(Problem(
                    hh.rows[0], COLUMN_BY_KEY["code"].header,
                    f"Hộ {hh.code} đang thuộc {found.commune.name}, không phải {hh.values['commune'].name}. "
                    "Chuyển hộ sang xã khác làm ở trang sửa hộ."))
            hh.existing = {
                "id": found.pk, "version": found.version, "commune_id": found.commune_id,
                "village_id": found.village_id, "address": found.address, "phone": found.phone,
                "livelihood": found.livelihood, "head_name": found.head_name, "status": found.status,
            }
        olds = members_of.get(found.pk, []) if found else []
        _match_members(hh, olds, cols)
        # The member rules apply to the member as it will be: the file's columns over what the registry has.
        old_by_id = {m["id"]: m for m in olds}
        for m in hh.members:
            merged = {**old_by_id.get(m.existing_id, {}), **m.values}
            parsed_badly = {p.column for p in hh.problems if p.row == m.row}
            hh.problems += [p for p in _member_rule_problems(merged, row=m.row, today=today)
                            if p.column not in parsed_badly]
        for m in hh.members:
            citizen_id = m.values.get("citizen_id")
            holder = holders.get(citizen_id) if citizen_id else None
            if holder is None or holder["id"] == m.existing_id:
                continue
            moving = holder["household__code"] in in_file_codes and citizen_id not in kept_ids_by_code.get(
                holder["household__code"], set())
            if holder["household__code"] == hh.code or not moving:
                hh.problems.append(Problem(m.row, COLUMN_BY_KEY["citizen_id"].header, _service_message(
                    lambda: services._check_citizen_id(citizen_id, member_pk=m.existing_id, field="citizen_id"))))
        _decide(hh, cols)
        if hh.problems:
            hh.outcome = ERROR
    plan.households = households
    plan.problems += [p for h in households for p in h.problems if p not in plan.problems]
    plan.problems.sort(key=lambda p: (p.row, p.column))
    plan.notes += text_notes(plan.text, plan.ignored)
    report(90, "Đã kiểm tra xong")
    return plan


def text_notes(text: dict[str, Any], ignored: list[str]) -> list[str]:
    """What the cleaning did to the workbook's text, and the columns left out, for the preview page."""
    from .excel_io import ENCODING_LABELS

    notes = []
    for enc, count in text.get("converted", {}).items():
        example = (text.get("examples", {}).get(enc) or [("", "")])[0]
        notes.append(f"Đã chuyển {count} ô chữ gõ bằng mã {ENCODING_LABELS[enc]} sang Unicode "
                     f"(ví dụ “{example[0]}” → “{example[1]}”).")
    if text.get("nfd_cells"):
        notes.append(f"Đã chuẩn hóa {text['nfd_cells']} ô chữ Unicode tổ hợp (NFD) sang dạng dựng sẵn (NFC).")
    if text.get("unreadable"):
        notes.append("Một số ô có ký tự lạ, không nhận ra bảng mã: " +
                     "; ".join(f"“{t}”" for t in text["unreadable"][:3]) + ". Hãy kiểm tra lại các ô này.")
    if ignored:
        notes.append("Các cột không dùng khi nhập: " + ", ".join(f"“{h}”" for h in ignored) + ".")
    return notes


def _load_parsed(path: Path | None, key: str) -> Parsed | None:
    """What `_parse` kept in the job's own folder for this file, user and commune (None if anything differs)."""
    if path is None or not path.exists():
        return None
    try:
        stored_key, parsed = pickle.loads(path.read_bytes())
    except Exception:  # an unreadable leftover is parsed again, never trusted
        return None
    return parsed if stored_key == key else None


def _supports_of() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_of


def _is_column_numbers(cells: dict[str, Any]) -> bool:
    """The row of column numbers under an official form's header ("(1)", "(2)", … or 1, 2, 3)."""
    values = [as_text(v).strip("()") for v in cells.values() if not is_blank(v)]
    return len(values) >= 3 and all(v.isdigit() and int(v) <= 40 for v in values) and len(set(values)) == len(values)


def _fmt(key: str, value: Any) -> str:
    if value in (None, ""):
        return "(trống)"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if key == "ethnic_group_id":
        from .models import EthnicGroup

        return str(EthnicGroup.objects.filter(pk=value).values_list("name", flat=True).first() or value)
    if key == "sex":
        return {"male": "Nam", "female": "Nữ"}.get(value, value)
    if key == "relation":
        return Relation(value).label if value in Relation.values else value
    if key == "birth_year_only":
        return "có" if value else "không"
    return str(value)


def _match_members(hh: HouseholdPlan, existing: list[dict[str, Any]], cols: dict[str, int]) -> None:
    """Pair the file's members with the household's: by citizen ID, then name and birth date, then name."""
    free = {m["id"]: m for m in existing}
    by_id = {m["citizen_id"]: m["id"] for m in existing if m["citizen_id"]}
    for m in hh.members:
        cid = m.values.get("citizen_id")
        if cid and by_id.get(cid) in free:
            m.existing_id = by_id[cid]
            free.pop(m.existing_id)
    for strict in (True, False):
        for m in hh.members:
            if m.existing_id is not None:
                continue
            name = _fold(m.values.get("full_name") or "")
            for pk, old in free.items():
                if _fold(old["full_name"]) == name and (not strict or old["birth_date"] == m.values.get("birth_date")):
                    m.existing_id = pk
                    free.pop(pk)
                    break
    present = [f for f in MEMBER_FIELDS if _column_for(f) in cols]
    old_by_id = {m["id"]: m for m in existing}
    for m in hh.members:
        if m.existing_id is None:
            m.outcome = NEW
            m.changes = [f"Thêm nhân khẩu {m.values.get('full_name') or '(chưa có tên)'}"]
            continue
        old = old_by_id[m.existing_id]
        diffs = [f"{FIELD_LABELS[f]} {_fmt(f, old[f])} → {_fmt(f, m.values.get(f))}"
                 for f in present if not m.values.get("_bad_" + _column_for(f)) and old[f] != m.values.get(f)]
        m.outcome = UPDATED if diffs else UNCHANGED
        if diffs:
            m.changes = [f"Sửa {old['full_name']}: " + "; ".join(diffs)]
    hh.removed = [(pk, old["full_name"]) for pk, old in free.items()]


def _column_for(member_field: str) -> str:
    return {"birth_date": "birth", "birth_year_only": "birth", "ethnic_group_id": "ethnic_group"}.get(member_field, member_field)


def _decide(hh: HouseholdPlan, cols: dict[str, int]) -> None:
    if hh.existing is None:
        hh.outcome = NEW
        hh.changes = [f"Thêm hộ mới với {len(hh.members)} nhân khẩu"]
        return
    old = hh.existing
    changes = []
    village = hh.values.get("village")
    if "village" in cols and old["village_id"] != (village.pk if village else None):
        changes.append(f"thôn → {getattr(village, 'village_label', village.name) if village else '(trống)'}")
    for key in ("address", "phone"):
        if key in cols and old[key] != hh.values.get(key, ""):
            changes.append(f"{FIELD_LABELS[key]} “{old[key]}” → “{hh.values.get(key, '')}”")
    if "livelihood" in cols and old["livelihood"] != hh.values.get("livelihood", ""):
        labels = dict(Livelihood.choices)
        changes.append(f"{FIELD_LABELS['livelihood']} “{labels.get(old['livelihood'], '')}” → “{labels.get(hh.values.get('livelihood', ''), '')}”")
    head = hh.head_name
    if head is not None and head != old["head_name"]:
        changes.append(f"chủ hộ “{old['head_name']}” → “{head}”")
    hh.changes = (["Sửa hộ: " + "; ".join(changes)] if changes else []) + [
        f"Bỏ nhân khẩu {name} (không còn trong tệp)" for _, name in hh.removed
    ]
    member_changed = any(m.outcome != UNCHANGED for m in hh.members)
    hh.outcome = UPDATED if (changes or hh.removed or member_changed) else UNCHANGED


# --- committing -------------------------------------------------------------------------------------------


@_without_gc
def households_import_commit(
    *,
    data: bytes,
    filename: str,
    user,
    commune: AdministrativeUnit | None,
    expected_versions: dict[str, int] | None = None,
    progress: Progress | None = None,
    parsed_path: Path | None = None,
) -> ImportPlan:
    """Check the file again and write every household of it, or nothing (ImportRefused with the errors).

    `expected_versions` are the versions the preview showed: a household saved by someone else since then
    refuses the whole file (the service's stale-version message names who and when).
    """
    report = progress or (lambda pct, msg: None)
    try:
        with transaction.atomic():
            plan = households_import_plan(data=data, filename=filename, user=user, commune=commune,
                                          progress=lambda p, m: report(int(p * 0.5), m), lock=True,
                                          parsed_path=parsed_path)
            if plan.fatal:
                raise ImportRefused(plan)
            if expected_versions is not None:
                for hh in plan.households:
                    seen = expected_versions.get(hh.code)
                    now = hh.existing["version"] if hh.existing else None
                    if seen != now:
                        if hh.existing:
                            message = services.stale_version_error(
                                obj=Household.objects.get(pk=hh.existing["id"]), noun=f"Hộ {hh.code}").messages[0]
                        else:
                            message = f"Hộ {hh.code} vừa bị xóa hoặc đổi mã sau khi xem trước."
                        if seen is None and now is not None:
                            message = f"Hộ {hh.code} vừa được người khác thêm vào sổ sau khi bạn xem trước."
                        plan.problems.append(Problem(hh.rows[0], COLUMN_BY_KEY["code"].header,
                                                     message + " Hãy xem trước lại tệp."))
                        hh.outcome = ERROR
            if plan.problems:
                raise ImportRefused(plan)
            report(55, "Đang ghi vào sổ hộ")
            _write(plan, user=user)
            report(98, "Đã ghi xong")
    except IntegrityError as exc:
        plan = ImportPlan(filename=filename)
        plan.fatal = ("Không ghi được vì dữ liệu vừa bị thay đổi cùng lúc (trùng mã hộ hoặc số định danh). "
                      "Chưa có dòng nào được ghi; hãy xem trước lại tệp.")
        raise ImportRefused(plan) from exc
    return plan


def _search_key_household(code: str, head_name: str, address: str) -> str:
    # The same key Household.save() computes (bulk writes skip save()).
    return _fold(f"{code} {head_name} {address}")[:255]


@lru_cache(maxsize=200_000)
def _fold(text: str) -> str:
    return fold(text)


def _rows_per_insert(columns: int) -> int:
    limit = connection.features.max_query_params or 60_000
    if connection.vendor == "sqlite":
        try:
            import sqlite3

            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except Exception:  # older Python or driver: Django's conservative figure
            pass
    return max(1, min(1000, (limit - 1) // columns))


def _insert(model, rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERTs of plain dicts (keyed by attname): the ORM's bulk_create builds model instances and
    prepares every value field by field, several times slower for the hundred thousand rows of a large file.
    Values are already clean (NFC, search keys computed); dates and times go through the backend's adapters."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in rows[0]]
    fields = [f for f in fields if f.attname in rows[0]]
    ops = connection.ops
    adapters = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(None)
    names = [f.attname for f in fields]
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per = _rows_per_insert(len(fields))
    table = ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for part in _chunks(rows, per):
            params = []
            for row in part:
                for name, adapt in zip(names, adapters):
                    value = row[name]
                    params.append(adapt(value) if adapt is not None and value is not None else value)
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(part)), params)


def _history(model, rows: list[dict[str, Any]], *, kind: str, user_id: int | None, reason: str, now) -> None:
    """The history rows django-simple-history would write for these objects (`+` created, `~` changed)."""
    history_model = model.history.model
    tracked = [f.attname for f in history_model.tracked_fields]
    _insert(history_model, [
        {**{name: row[name] for name in tracked}, "history_date": now, "history_change_reason": reason,
         "history_type": kind, "history_user_id": user_id}
        for row in rows
    ])


def _as_row(obj) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _write(plan: ImportPlan, *, user) -> None:
    now = timezone.now()
    reason = f"Nhập từ tệp {plan.filename}"[:100]
    user_id = user.pk if getattr(user, "pk", None) else None
    new_rows: list[dict[str, Any]] = []
    changed_plans = [hh for hh in plan.households if hh.outcome == UPDATED]
    for hh in plan.households:
        if hh.outcome != NEW:
            continue
        village = hh.values.get("village")
        head = hh.head_name or ""
        address = hh.values.get("address", "")
        new_rows.append({
            "code": hh.code, "commune_id": hh.values["commune"].pk, "village_id": village.pk if village else None,
            "address": address, "head_name": head, "search_key": _search_key_household(hh.code, head, address),
            "phone": hh.values.get("phone", ""), "livelihood": hh.values.get("livelihood", ""), "status": HouseholdStatus.ACTIVE, "created_at": now,
            "updated_at": now, "version": 1, "resident_since": None, "ended_on": None,
        })
    # 1. Members no longer in the file (their history stays, as household_save leaves it).
    removed = [pk for hh in changed_plans for pk, _ in hh.removed]
    for member in Member.objects.filter(pk__in=removed):
        member._history_user = user if user_id else None  # type: ignore[attr-defined]
        member._change_reason = reason  # type: ignore[attr-defined]
        member.delete()
    # 2. Households changed: from their full rows (history copies every field).
    loaded = Household.objects.in_bulk([hh.existing["id"] for hh in changed_plans])
    changed: list[Household] = []
    for hh in changed_plans:
        obj = loaded[hh.existing["id"]]
        if "village" in plan.keys:
            obj.village = hh.values.get("village")
        obj.address = hh.values.get("address", obj.address)
        obj.phone = hh.values.get("phone", obj.phone)
        obj.livelihood = hh.values.get("livelihood", obj.livelihood)
        if hh.head_name is not None:
            obj.head_name = hh.head_name
        obj.version += 1
        obj.updated_at = now
        obj.search_key = _search_key_household(obj.code, obj.head_name, obj.address)
        changed.append(obj)
    if changed:
        Household.objects.bulk_update(
            changed, ["village", "address", "phone", "livelihood", "head_name", "version", "updated_at", "search_key"], batch_size=500)
        _history(Household, [_as_row(o) for o in changed], kind="~", user_id=user_id, reason=reason, now=now)
    # 3. New households, then their ids by code (codes are unique).
    _insert(Household, new_rows)
    ids_by_code: dict[str, int] = {}
    for part in _chunks([r["code"] for r in new_rows]):
        ids_by_code.update(Household.objects.filter(code__in=part).values_list("code", "id"))
    for row in new_rows:
        row["id"] = ids_by_code[row["code"]]
    _history(Household, new_rows, kind="+", user_id=user_id, reason=reason, now=now)
    # 4. Members: changed ones from their full rows, new ones inserted then read back for their history.
    to_update = [m.existing_id for hh in changed_plans for m in hh.members if m.outcome == UPDATED]
    loaded_members: dict[int, Member] = {}
    for part in _chunks(to_update):
        loaded_members.update(Member.objects.in_bulk(part))
    updated_members: list[Member] = []
    new_members: list[dict[str, Any]] = []
    for hh in plan.households:
        if hh.outcome not in (NEW, UPDATED):
            continue
        household_id = ids_by_code.get(hh.code) or hh.existing["id"]
        for order, m in enumerate(hh.members):
            if m.outcome == UNCHANGED:
                continue
            values = {k: m.values[k] for k in MEMBER_FIELDS if k in m.values}
            if m.existing_id is not None:
                member = loaded_members[m.existing_id]
                for key, value in values.items():
                    setattr(member, key, value)
                member.order = order
                member.relation = member.relation or Relation.OTHER
                member.birth_year_only = bool(member.birth_year_only)
                member.search_key = _fold(member.full_name)[:120]  # as Member.save() computes it
                updated_members.append(member)
            else:
                name = values.get("full_name", "")
                new_members.append({
                    "household_id": household_id, "full_name": name, "search_key": _fold(name)[:120],
                    "sex": values.get("sex"), "birth_date": values.get("birth_date"),
                    "birth_year_only": bool(values.get("birth_year_only")), "citizen_id": values.get("citizen_id"),
                    "ethnic_group_id": values.get("ethnic_group_id"), "relation": values.get("relation") or Relation.OTHER,
                    "order": order, "joined_on": None, "joined_reason": "", "left_on": None, "left_reason": "",
                })
    if updated_members:
        Member.objects.bulk_update(updated_members, [*MEMBER_FIELDS, "order", "search_key"], batch_size=500)
        _history(Member, [_as_row(o) for o in updated_members], kind="~", user_id=user_id, reason=reason, now=now)
    if new_members:
        before = set()
        touched = sorted({r["household_id"] for r in new_members})
        created_ids = set(ids_by_code.values())
        existing_touched = [hid for hid in touched if hid not in created_ids]
        for part in _chunks(existing_touched):
            before.update(Member.objects.filter(household_id__in=part).values_list("id", flat=True))
        _insert(Member, new_members)
        ids: dict[tuple[int, int], int] = {}
        for part in _chunks(touched):
            for pk, household_id, order in Member.objects.filter(household_id__in=part).values_list(
                    "id", "household_id", "order"):
                if pk not in before:
                    ids[(household_id, order)] = pk
        for row in new_members:
            row["id"] = ids[(row["household_id"], row["order"])]
        _history(Member, new_members, kind="+", user_id=user_id, reason=reason, now=now)
    # 5. The year rows of the figures (persons, ethnic-minority flags) of every household written.
    household_years_refresh(household_ids=[*ids_by_code.values(), *(hh.existing["id"] for hh in changed_plans)])


# --- jobs: preview and confirm through households.models.Job ----------------------------------------------


def job_dir(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(job.pk)


def import_job_create(*, user, filename: str, data: bytes, commune: AdministrativeUnit | None, kind: str = JOB_KIND,
                      params: dict[str, Any] | None = None) -> Job:
    """Keep the uploaded file and open a job for its preview. `kind` says what the file holds: households
    (JOB_KIND) or annual reviews (`households.imports_reviews.JOB_KIND`, with the year in `params`)."""
    job = Job.objects.create(
        kind=kind, created_by=user if user.pk else None, commune=commune,
        params={**(params or {}), "filename": filename[:200], "phase": "preview",
                "commune_id": commune.pk if commune else None},
        message="Đang chờ kiểm tra",
    )
    folder = job_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source").write_bytes(data)
    return job


def estimated_rows(data: bytes) -> int:
    """A quick upper bound of the number of rows, to choose between checking now and a Celery task."""
    return max(1, len(data) // 60)


def preview_load(job: Job) -> dict[str, Any] | None:
    path = job_dir(job) / "preview.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _save_preview(job: Job, plan: ImportPlan, *, name: str = "preview.json") -> dict[str, Any]:
    payload = plan.to_json()
    (job_dir(job) / name).write_text(json.dumps(payload, ensure_ascii=False, default=str), encoding="utf-8")
    return payload


def import_job_run(*, job_id: int) -> None:
    """Run the job's current phase (preview or commit). Idempotent: a finished phase is not run again."""
    job = Job.objects.select_related("created_by", "commune").get(pk=job_id)
    if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
        return
    if job.kind != JOB_KIND:
        from . import imports_reviews

        if job.kind == imports_reviews.JOB_KIND:
            return imports_reviews.review_job_run(job=job)
        raise ValueError(f"Unknown import kind {job.kind}")
    commune = AdministrativeUnit.objects.filter(pk=job.params.get("commune_id")).first()
    data = source_bytes(job)
    parsed_path = job_dir(job) / "parsed.pickle"
    user = job.created_by
    filename = job.params.get("filename", "")
    run_job_phase(
        job,
        check=lambda progress: households_import_plan(data=data, filename=filename, user=user, commune=commune,
                                                      progress=progress, parsed_path=parsed_path),
        write=lambda versions, progress: households_import_commit(
            data=data, filename=filename, user=user, commune=commune, expected_versions=versions, progress=progress,
            parsed_path=parsed_path),
        written="Đã ghi vào sổ hộ",
    )


def run_job_phase(job: Job, *, check: Callable[[Progress], Any], write: Callable[[Any, Progress], Any], written: str) -> None:
    """The phases of an import job, whatever it imports: the preview checks the file and keeps what the page
    shows; the commit writes it (`write` gets the versions the preview showed) or, refused, goes back to the
    preview with the errors. Any failure is told on the page; the job is never left running."""
    if job_start(job_id=job.pk) is None:
        return  # given up after the last attempt (the page says why)

    def progress(pct: int, message: str) -> None:
        job_progress(job_id=job.pk, progress=pct, message=message)

    try:
        if job.params.get("phase", "preview") == "preview":
            plan = check(progress)
            payload = _save_preview(job, plan)
            job_succeed(job_id=job.pk, result={"phase": "preview", "ok": plan.ok, "fatal": plan.fatal,
                                               "totals": payload["totals"]},
                        message="Đã kiểm tra xong" if plan.ok else "Tệp có lỗi")
            return
        preview = preview_load(job) or {}
        try:
            plan = write(preview.get("versions"), progress)
        except ImportRefused as refused:
            payload = _save_preview(job, refused.plan)
            job_succeed(job_id=job.pk, result={"phase": "preview", "ok": False, "fatal": refused.plan.fatal,
                                               "totals": payload["totals"], "refused": True},
                        message="Chưa ghi: tệp có lỗi")
            Job.objects.filter(pk=job.pk).update(params={**job.params, "phase": "preview"})
            return
        payload = _save_preview(job, plan, name="committed.json")
        job_succeed(job_id=job.pk, result={"phase": "committed", "ok": True, "totals": payload["totals"]}, message=written)
    except Exception as exc:  # the page must say what happened, never leave the job running
        logger.exception("%s job %s failed", job.kind, job.pk)
        job_fail(job_id=job.pk, error=f"Lỗi khi xử lý tệp ({type(exc).__name__}). Chưa có dòng nào được ghi; "
                                      "hãy thử lại hoặc báo quản trị hệ thống.")


def import_job_confirm(*, job: Job) -> bool:
    """Move a previewed job without errors to its commit phase. False if it is not in that state."""
    result = job.result or {}
    if job.status != JobStatus.SUCCEEDED or result.get("phase") != "preview" or not result.get("ok"):
        return False
    totals = result.get("totals", {})
    if not (totals.get("new") or totals.get("updated")):
        return False
    params = {**job.params, "phase": "commit"}
    updated = Job.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED, result__phase="preview").update(
        status=JobStatus.PENDING, params=params, progress=0, message="Đang chờ ghi", finished_at=None)
    return bool(updated)


def import_job_delete_files(job: Job) -> None:
    shutil.rmtree(job_dir(job), ignore_errors=True)


def source_bytes(job: Job) -> bytes:
    path = job_dir(job) / "source"
    return path.read_bytes() if path.exists() else b""
