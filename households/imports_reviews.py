"""Import of a commune's annual review results (kết quả rà soát hộ nghèo, hộ cận nghèo) from its workbook:
one row per household for one year, a dry run that shows every row's outcome and classification, then a commit
of all rows or none — the same machinery and pages as the household import (`households.imports`).

Where the rules live:
- Writing: every new or changed review goes through `services.reviews_save_many`, the rules of `review_save`
  applied to every row first and then written in bulk (history, workflow event, round, applications, later
  years' changes) inside one transaction; any refusal there writes nothing and is reported on its row.
- The dry run: the same rules, checked for the whole file at once from a few bulk queries so that every error
  of a file is listed (and ten thousand rows are checked in seconds): the checks of `review_save` with its words
  (year of the date, not after today, members, income, derived indicators needing a reason), classification by
  `households.poverty.classify` and the change by `poverty.change` — tests/io/test_review_import_rules.py checks
  that `review_save` refuses the same data with the same words and classifies the same way.
- Scope: the household must be in the user's communes (`accounts.scoping.commune_ids`), also on the review date.
- The workflow: only reviews still being surveyed (Đang rà soát) or not yet made are written; a review already
  sent to the village meeting, agreed, posted, recognised or confirmed is refused on its row with the reason.
- Optimistic locking: the preview keeps each review's version; a review saved by someone else since then refuses
  the confirm, naming who and when (`services.stale_version_error`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.scoping import commune_ids

from . import poverty, services
from .errors import StaleVersion
from .excel_io import TextCleaner, WorkbookError, as_text, clean_grid, find_header, is_blank, load_sheets, parse_birth
from .imports import (
    FilePlan, ImportRefused, Problem, _chunks, _is_column_numbers, _without_gc, job_dir, run_job_phase, source_bytes, text_notes,
)
from .models import (
    AdministrativeUnit, AnnualReview, Household, Job, Level, Member, PovertyCause, PovertyStandard,
    ReviewState, SupportNeed,
)
from .resources import review_columns, review_header_synonyms, yes_no
from .selectors import review_change_contexts
from .text import fold, nfc_line

logger = logging.getLogger(__name__)

JOB_KIND = "reviews_import"
FIRST_YEAR = 2016  # the first review year the registry holds (households.views.FIRST_REVIEW_YEAR)
NEW, UPDATED, UNCHANGED, SKIPPED, ERROR = "new", "updated", "unchanged", "skipped", "error"
OUTCOME_LABELS = {NEW: "Thêm mới", UPDATED: "Cập nhật", UNCHANGED: "Không đổi", SKIPPED: "Bỏ qua (chưa nhập)",
                  ERROR: "Có lỗi"}
# Income per person per month given next to the 12-month total may be rounded by the officer.
INCOME_TOLERANCE = 1000
MAX_MEMBERS = 99
MAX_MONEY = 2_147_483_647  # income_per_capita_month is a PositiveIntegerField
REVIEW_DATA_KEYS = ("review_date", "income_total", "income_month", "no_working_capacity", "person_of_merit", "notes")

Progress = Callable[[int, str], None]


def _vnd(amount: int | None) -> str:
    return "(trống)" if amount is None else poverty.vnd(int(amount))


@dataclass
class ReviewRow:
    row: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)  # what the cells say (None: blank)
    household: dict[str, Any] | None = None
    existing: dict[str, Any] | None = None
    outcome: str = NEW
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)  # what review_save is to be called with, and the outcome
    filled: bool = True


@dataclass
class ReviewImportPlan(FilePlan):
    year: int = 0
    rows: list[ReviewRow] = field(default_factory=list)
    standard: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # column key → the file's header text

    def totals(self) -> dict[str, Any]:
        outcomes = Counter(r.outcome for r in self.rows)
        classes = Counter(r.result.get("classification") for r in self.rows
                          if r.outcome in (NEW, UPDATED, UNCHANGED) and r.result.get("classification"))
        return {
            "rows": self.rows_read, "households": len(self.rows), "new": outcomes[NEW], "updated": outcomes[UPDATED],
            "unchanged": outcomes[UNCHANGED], "skipped": outcomes[SKIPPED], "error": outcomes[ERROR],
            "problems": len(self.problems),
            "classes": {poverty.CATEGORY_LABELS[c]: classes[c] for c in poverty.CATEGORY_LABELS if classes[c]},
        }

    def versions(self) -> dict[str, int | None]:
        """Every household row's review version as the preview saw it (None: no review yet)."""
        return {r.code: (r.existing["version"] if r.existing else None) for r in self.rows if r.household}

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": JOB_KIND, "year": self.year, "standard": self.standard, "filename": self.filename,
            "sheet": self.sheet, "header_row": self.header_row, "columns": self.columns, "ignored": self.ignored,
            "text": self.text, "notes": self.notes, "fatal": self.fatal, "sha256": self.sha256,
            "totals": self.totals(), "versions": self.versions(),
            "problems": [asdict(p) for p in self.problems],
            "rows": [[r.row, r.code, (r.household or {}).get("head_name", ""), r.outcome,
                      ([r.result["summary"]] if r.result.get("summary") else []) + r.changes] for r in self.rows],
        }


# --- reading the workbook -----------------------------------------------------------------------------------

_MONEY_WORDS = re.compile(r"(vnd|vnđ|dong|đồng|đ)\.?$", re.IGNORECASE)
_THOUSANDS = re.compile(r"^-?\d{1,3}([.,\s]\d{3})+$")
_DECIMAL = re.compile(r"^-?\d+[.,]\d{1,2}$")
_YEAR_MARK = re.compile(r"ra soat\D{0,60}?nam\D{0,3}(\d{4})|nam ra soat\D{0,3}(\d{4})")


def parse_money(value: Any, *, noun: str) -> int | None:
    """An amount in đồng: a number, or text with dots, commas or spaces between thousands ("18.000.000 đ")."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{noun} “{as_text(value)}” không phải số tiền.")
    if isinstance(value, (int, float)):
        return int(round(value))
    text = str(value).strip().lstrip("'")
    bare = _MONEY_WORDS.sub("", text).strip()
    if _THOUSANDS.match(bare):
        return int(re.sub(r"[.,\s]", "", bare))
    if re.fullmatch(r"-?\d+", bare):
        return int(bare)
    if _DECIMAL.match(bare):
        return int(round(float(bare.replace(",", "."))))
    raise ValueError(f"{noun} “{text}” không phải số tiền (ghi số đồng, ví dụ 18.000.000).")


def parse_count(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    text = as_text(value)
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise ValueError(f"Số nhân khẩu “{text}” phải là một số nguyên.")


def parse_day(value: Any, *, today: dt.date) -> dt.date | None:
    if is_blank(value):
        return None
    try:
        day, year_only = parse_birth(value, today=today)
    except ValueError as exc:
        if "không có thật" in str(exc):
            raise
        raise ValueError(f"“{as_text(value)}” không phải ngày (ghi ngày/tháng/năm, ví dụ 02/10/2025).") from None
    if year_only:
        raise ValueError(f"“{as_text(value)}”: ghi đủ ngày/tháng/năm rà soát, ví dụ 02/10/2025.")
    return day


class _ListLookup:
    """A configured list (causes, needs) by name or code, as the template's drop-downs write it."""

    def __init__(self, model, noun: str):
        self.noun = noun
        self.by_key: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for code, name in model.objects.values_list("code", "name"):
            self.by_key.setdefault(fold(name), code)
            self.by_key.setdefault(fold(code), code)
            self.names[code] = name

    def codes(self, value: Any) -> list[str]:
        if is_blank(value):
            return []
        found = []
        for part in re.split(r"[;\n]+", as_text(value)):
            part = part.strip(" .")
            if not part:
                continue
            code = self.by_key.get(fold(part))
            if code is None:
                raise ValueError(f"{self.noun} “{part}” không có trong danh sách (trang “Danh mục” của tệp mẫu).")
            found.append(code)
        return found


def _state_refusal(existing: dict[str, Any], *, code: str, year: int) -> str:
    """Why an import may not write over this review ("" when it may)."""
    state = existing["state"]
    label = ReviewState(state).label
    noun = f"Kết quả rà soát năm {year} của hộ {code}"
    if state == ReviewState.DRAFT:
        return ""
    if state == ReviewState.REVIEWED:
        return (f"{noun} đã gửi họp thôn (trạng thái “{label}”): không nhập đè từ Excel. Muốn sửa, trả về bước "
                "“Đang rà soát” trên bảng rà soát rồi nhập lại.")
    if state in (ReviewState.AGREED, ReviewState.POSTED):
        return (f"{noun} đã được họp thôn thống nhất (trạng thái “{label}”): không nhập đè từ Excel; chỉ sửa từng hộ "
                "khi phúc tra khiếu nại, phản ánh.")
    # Recognised or confirmed: the service's own words.
    review = AnnualReview(state=state, decision_number=existing.get("decision_number") or "", year=year,
                          household=Household(code=code))
    try:
        services._check_editable(review)
    except ValidationError as exc:
        return exc.messages[0]
    return f"{noun} đang ở trạng thái “{label}”: không nhập đè từ Excel."


# --- the plan -----------------------------------------------------------------------------------------------


def _allowed(user) -> frozenset[int] | None:
    return commune_ids(user)


def _standard(year: int) -> PovertyStandard:
    return services.review_standard(year=year)


def _column_header(plan: ReviewImportPlan, key: str) -> str:
    return plan.headers.get(key, "")


@_without_gc
def reviews_import_plan(
    *,
    data: bytes,
    filename: str,
    user,
    year: int,
    commune: AdministrativeUnit | None = None,
    progress: Progress | None = None,
    lock: bool = False,
) -> ReviewImportPlan:
    """Read the workbook and decide, for every row, what the import would do and how the household would be
    classified. Writes nothing. With `lock`, the year's reviews of the file's households are locked
    (select_for_update) for the commit that follows in the same transaction."""
    report = progress or (lambda pct, msg: None)
    plan = ReviewImportPlan(year=year, filename=filename, sha256=hashlib.sha256(data).hexdigest())
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        plan.fatal = f"Năm rà soát {year} không hợp lệ: chọn từ {FIRST_YEAR} đến {today.year}."
        return plan
    try:
        standard = _standard(year)
    except ValidationError as exc:
        plan.fatal = exc.messages[0]
        return plan
    rules = standard.to_rules()
    plan.standard = standard.name
    allowed = _allowed(user)
    if commune is not None and allowed is not None and commune.pk not in allowed:
        plan.fatal = f"Bạn không được nhập dữ liệu cho {commune.name}."
        return plan
    columns = review_columns(dict(rules.indicators))
    by_key = {c.key: c for c in columns}

    # 1. The sheet and its header row.
    try:
        sheets = load_sheets(data, filename)
    except WorkbookError as exc:
        plan.fatal = str(exc)
        return plan
    synonyms = review_header_synonyms(columns)
    match = None
    cleaner = TextCleaner()
    rows: list[list[Any]] = []
    for sheet in sheets:
        head_clean, _ = clean_grid([list(r) for r in sheet.rows[:30]], TextCleaner())
        found = find_header(head_clean, synonyms, required=("code",))
        if found and any(k in found.columns for k in ("income_total", "income_month")) | any(
                k.startswith("ind:") for k in found.columns):
            match = found
            rows, cleaner = clean_grid(sheet.rows, cleaner)
            plan.sheet = sheet.name
            break
    if match is None:
        plan.fatal = ("Không tìm thấy dòng tiêu đề có cột “Mã hộ” và cột thu nhập hoặc các chỉ số thiếu hụt trong 30 "
                      "dòng đầu của các trang tính. Hãy dùng tệp mẫu kết quả rà soát của hệ thống (tệp danh sách hộ "
                      "và nhân khẩu nhập ở trang Nhập hộ gia đình).")
        return plan
    header_cells = rows[match.row_index]
    plan.header_row = match.row_index + 1
    cols = {k: i for k, i in match.columns.items() if k in by_key}
    plan.headers = {k: str(header_cells[i]).rstrip(" *").strip() for k, i in cols.items()}
    plan.columns = [plan.headers[c.key] for c in columns if c.key in cols]
    plan.ignored = [h for h in match.ignored if h]
    plan.text = cleaner.report.as_dict()
    for above in rows[:match.row_index]:
        for cell in above:
            if isinstance(cell, str):
                mark = _YEAR_MARK.search(fold(cell))
                if mark:
                    marked = int(mark.group(1) or mark.group(2))
                    if marked != year:
                        plan.fatal = (f"Tệp này là mẫu kết quả rà soát năm {marked}, nhưng bạn chọn năm {year}. Hãy chọn "
                                      f"đúng năm rà soát, hoặc tải tệp mẫu năm {year}.")
                        return plan
    if not any(k in cols for k in ("income_total", "income_month")):
        plan.notes.append("Tệp không có cột thu nhập: hộ đã có kết quả giữ thu nhập đã ghi; hộ chưa có kết quả sẽ báo lỗi.")

    # 2. Rows → one per household, every cell parsed.
    causes = _ListLookup(PovertyCause, "Nguyên nhân nghèo")
    needs = _ListLookup(SupportNeed, "Nhu cầu hỗ trợ")
    indicator_keys = [k for k in cols if k.startswith("ind:")]
    cause_keys = [k for k in cols if k.startswith("cause")]
    need_keys = [k for k in cols if k.startswith("need")]
    width = max(cols.values()) + 1
    data_rows = rows[match.row_index + 1:]
    total = max(1, len(data_rows))
    first_row_of: dict[str, int] = {}
    head_col = match.columns.get("ref:head_name")
    for offset, raw in enumerate(data_rows):
        row_no = match.row_index + 2 + offset
        if offset % 2000 == 0:
            report(int(40 * offset / total), f"Đang đọc dòng {row_no}")
        if len(raw) < width:
            raw = list(raw) + [""] * (width - len(raw))
        cells = {k: raw[i] for k, i in cols.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        if offset < 3 and _is_column_numbers(cells):
            continue
        plan.rows_read += 1
        code = as_text(cells.get("code"))
        r = ReviewRow(row=row_no, code=code)
        plan.rows.append(r)
        if not code:
            r.problems.append(Problem(row_no, plan.headers["code"], "Chưa nhập mã hộ."))
            continue
        if code in first_row_of:
            r.problems.append(Problem(row_no, plan.headers["code"],
                                      f"Hộ {code} đã có ở dòng {first_row_of[code]} của tệp: mỗi hộ chỉ ghi một dòng."))
            continue
        first_row_of[code] = row_no
        v = r.values
        if head_col is not None and head_col < len(raw) and not is_blank(raw[head_col]):
            v["_head"] = as_text(raw[head_col])
        for key, parse in (("review_date", lambda x: parse_day(x, today=today)), ("member_count", parse_count),
                           ("income_total", lambda x: parse_money(x, noun="Tổng thu nhập")),
                           ("income_month", lambda x: parse_money(x, noun="Thu nhập bình quân")),
                           ("no_working_capacity", lambda x: yes_no(x, noun="Hộ không có khả năng lao động")),
                           ("person_of_merit", lambda x: yes_no(x, noun="Hộ có người có công"))):
            if key not in cols:
                continue
            try:
                v[key] = parse(cells[key])
            except ValueError as exc:
                r.problems.append(Problem(row_no, plan.headers[key], str(exc)))
                v["_bad_" + key] = True
        if "notes" in cols:
            note = cells["notes"]
            v["notes"] = "" if is_blank(note) else (str(note).strip() if "\n" in str(note) else nfc_line(as_text(note)))
        if indicator_keys:
            ticks: dict[str, bool | None] = {}
            for key in indicator_keys:
                code_ = key[4:]
                try:
                    ticks[code_] = yes_no(cells[key], noun=f"Chỉ số {code_}")
                except ValueError as exc:
                    r.problems.append(Problem(row_no, plan.headers[key], str(exc)))
                    ticks[code_] = None
            v["indicators"] = ticks
        for keys, lookup, name in ((cause_keys, causes, "causes"), (need_keys, needs, "needs")):
            if not keys:
                continue
            chosen: list[str] = []
            for key in keys:
                try:
                    chosen += [c for c in lookup.codes(cells[key]) if c not in chosen]
                except ValueError as exc:
                    r.problems.append(Problem(row_no, plan.headers[key], str(exc)))
            v[name] = chosen
        r.filled = any(v.get(k) not in (None, "") for k in REVIEW_DATA_KEYS) or any(
            t is not None for t in (v.get("indicators") or {}).values()) or bool(v.get("causes") or v.get("needs")) or any(
            k.startswith("_bad_") for k in v) or bool(r.problems)
    if not plan.rows:
        plan.fatal = "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."
        return plan
    report(45, "Đang đối chiếu với sổ hộ")

    # 3. The registry as it is: households, their members, the year's reviews, earlier classifications, places.
    households: dict[str, dict[str, Any]] = {}
    for part in _chunks(list(first_row_of)):
        for h in Household.objects.filter(code__in=part).values("id", "code", "commune_id", "commune__name",
                                                                  "village_id", "head_name", "status"):
            households[h["code"]] = h
    ids = [h["id"] for h in households.values()]
    member_counts: dict[int, int] = {}
    existing: dict[int, dict[str, Any]] = {}
    for part in _chunks(ids):
        member_counts.update(Member.objects.filter(household_id__in=part).values("household_id")
                             .annotate(n=Count("id")).values_list("household_id", "n"))
        qs = AnnualReview.objects.filter(household_id__in=part, year=year)
        if lock:
            qs = qs.select_for_update()
        for rv in qs.values("id", "household_id", "version", "state", "decision_number", "review_date", "member_count",
                            "income_total_12m", "income_per_capita_month", "indicators", "facts",
                            "no_working_capacity", "person_of_merit", "notes", "classification", "change", "commune_id"):
            rv["causes"], rv["needs"] = [], []
            existing[rv["household_id"]] = rv
    history = review_change_contexts(household_ids=ids, year=year)
    by_review = {rv["id"]: rv for rv in existing.values()}
    review_ids = list(by_review)
    for part in _chunks(review_ids):
        for rid, code_ in AnnualReview.causes.through.objects.filter(annualreview_id__in=part).values_list(
                "annualreview_id", "povertycause__code"):
            by_review[rid]["causes"].append(code_)
        for rid, code_ in AnnualReview.needs.through.objects.filter(annualreview_id__in=part).values_list(
                "annualreview_id", "supportneed__code"):
            by_review[rid]["needs"].append(code_)
    report(60, "Đang kiểm tra từng dòng")

    # 4. The review date of each row, and the household's commune on that date.
    default_day = today if today.year == year else dt.date(year, 12, 1)
    for r in plan.rows:
        h = households.get(r.code)
        if h is None:
            continue
        old = existing.get(h["id"])
        r.result["review_date"] = r.values.get("review_date") or (old["review_date"] if old else default_day)
    by_day: dict[dt.date, list[int]] = {}
    for r in plan.rows:
        if r.code in households and "review_date" in r.result:
            by_day.setdefault(r.result["review_date"], []).append(households[r.code]["id"])
    from .selectors import households_place_on

    places: dict[tuple[int, dt.date], int] = {}
    for day, hids in by_day.items():
        for part in _chunks(hids):
            for hid, (commune_id, _village) in households_place_on(household_ids=part, on=day).items():
                places[(hid, day)] = commune_id
    units = AdministrativeUnit.objects.in_bulk(set(places.values()) | ({commune.pk} if commune else set()))
    allowed_names = None
    if allowed is not None:
        allowed_names = ", ".join(AdministrativeUnit.objects.filter(pk__in=allowed, level=Level.COMMUNE)
                                  .in_force(today).order_by("name").values_list("name", flat=True)) or "xã của bạn"

    # 5. Every row: the rules of review_save, the classification, the outcome.
    for index, r in enumerate(plan.rows):
        if index % 2000 == 0:
            report(60 + int(30 * index / max(1, len(plan.rows))), f"Đang kiểm tra dòng {r.row}")
        if not r.code or r.code not in first_row_of or first_row_of[r.code] != r.row:
            r.outcome = ERROR
            continue
        _check_row(plan, r, households=households, existing=existing, history=history, member_counts=member_counts,
                   places=places, units=units, allowed=allowed, allowed_names=allowed_names, commune=commune,
                   rules=rules, today=today)
    plan.problems = sorted((p for r in plan.rows for p in r.problems), key=lambda p: (p.row, p.column))
    plan.notes += text_notes(plan.text, [])
    if plan.ignored:
        plan.notes.append("Các cột không dùng khi nhập: " + ", ".join(f"“{h}”" for h in plan.ignored) + ".")
    report(90, "Đã kiểm tra xong")
    return plan


def _check_row(plan: ReviewImportPlan, r: ReviewRow, *, households, existing, history, member_counts, places, units,
               allowed, allowed_names, commune, rules: poverty.Standard, today: dt.date) -> None:
    year = plan.year
    h = households.get(r.code)
    col = lambda key: _column_header(plan, key)  # noqa: E731
    if h is None:
        r.problems.append(Problem(r.row, col("code"), f"Không có hộ mã {r.code} trong sổ hộ."))
        r.outcome = ERROR
        return
    if allowed is not None and h["commune_id"] not in allowed:
        r.problems.append(Problem(r.row, col("code"), f"Hộ {r.code} không thuộc phạm vi của bạn: chỉ nhập kết quả "
                                                       f"rà soát cho hộ của {allowed_names}."))
        r.outcome = ERROR
        return
    if commune is not None and h["commune_id"] != commune.pk:
        r.problems.append(Problem(r.row, col("code"), f"Hộ {r.code} thuộc {h['commune__name']}, không thuộc "
                                                       f"{commune.name} đã chọn khi tải tệp lên."))
        r.outcome = ERROR
        return
    r.household = h
    old = existing.get(h["id"])
    r.existing = old
    v = r.values
    if not r.filled:
        r.outcome = SKIPPED if not r.problems else ERROR
        r.changes = ["Dòng chưa nhập kết quả rà soát: bỏ qua."] if old is None else [
            "Dòng để trống: giữ nguyên kết quả đã ghi."]
        return

    day = r.result["review_date"]
    if v.get("review_date") is not None:
        if day.year != year:
            r.problems.append(Problem(r.row, col("review_date"), f"Ngày rà soát phải thuộc năm {year}."))
        elif day > today:
            r.problems.append(Problem(r.row, col("review_date"), "Ngày rà soát không được sau ngày hôm nay."))
    place = units.get(places.get((h["id"], day)))
    if place is None:
        place = units.get(h["commune_id"]) or AdministrativeUnit.objects.get(pk=h["commune_id"])
    if allowed is not None and place.pk not in allowed:
        r.problems.append(Problem(r.row, col("review_date") or col("code"),
                                  f"Ngày rà soát {day:%d/%m/%Y} hộ thuộc {place.name}, ngoài phạm vi của bạn."))

    # Members (review_save: the count given, else the facts' members, else the review's, else the registry's).
    facts = (old or {}).get("facts") or {}
    members = v.get("member_count")
    if members is None and not v.get("_bad_member_count"):
        members = len(facts.get("members") or []) or (old or {}).get("member_count") or member_counts.get(h["id"], 0)
    if members is not None and members < 1:
        r.problems.append(Problem(r.row, col("member_count") or col("code"), "Hộ phải có ít nhất một nhân khẩu."))
    elif members is not None and members > MAX_MEMBERS:
        r.problems.append(Problem(r.row, col("member_count"), f"Số nhân khẩu {members} không hợp lý (quá {MAX_MEMBERS} người)."))

    # Income (Decision 24: the 12-month total ÷ members ÷ 12, or the per-person figure directly).
    total, month = v.get("income_total"), v.get("income_month")
    income_total = income_month = None
    bad_income = v.get("_bad_income_total") or v.get("_bad_income_month")
    if total is not None:
        if total < 0:
            r.problems.append(Problem(r.row, col("income_total"), "Tổng thu nhập không được âm."))
        elif members and members >= 1:
            income_total = total
            income_month = poverty.income_per_capita_month(total, members)
            if month is not None and abs(month - income_month) > INCOME_TOLERANCE:
                r.problems.append(Problem(r.row, col("income_month"), (
                    f"Thu nhập bình quân {_vnd(month)} khác với tổng thu nhập ÷ số nhân khẩu ÷ 12 tháng = "
                    f"{_vnd(income_month)}. Sửa một trong hai ô, hoặc để trống ô thu nhập bình quân.")))
    elif month is not None:
        if month < 0:
            r.problems.append(Problem(r.row, col("income_month"), "Thu nhập bình quân không được âm."))
        else:
            income_month = month
    elif old is not None and not bad_income:
        if old["income_total_12m"] is not None and members and members >= 1:
            income_total = old["income_total_12m"]
            income_month = poverty.income_per_capita_month(income_total, members)
        else:
            income_month = old["income_per_capita_month"]
    elif not bad_income:
        r.problems.append(Problem(r.row, col("income_total") or col("income_month") or col("code"),
                                  "Chưa nhập thu nhập của hộ."))
    if income_month is not None and income_month > MAX_MONEY:
        r.problems.append(Problem(r.row, col("income_month") or col("income_total"), "Thu nhập bình quân quá lớn."))

    # Indicators: the ticks of the file (blank is Không), the review's own for columns the file lacks; an
    # indicator the review's facts derive may differ only with the reason already recorded (review_save's rule).
    old_indicators = (old or {}).get("indicators") or {}
    ticks = v.get("indicators")
    if ticks is not None:
        deprived = {c for c in rules.indicators if (ticks.get(c) if c in ticks else
                                                    (old_indicators.get(c) or {}).get("deprived"))}
    else:
        deprived = {c for c in rules.indicators if (old_indicators.get(c) or {}).get("deprived")}
    derived = poverty.derive_indicators(rules, facts=facts, on=day) if facts else {}
    reasons = {c: (x or {}).get("reason", "") for c, x in old_indicators.items()}
    values, missing = poverty.resolve_indicators(rules, derived, {c: c in deprived for c in rules.indicators}, reasons)
    for code in missing:
        d = derived[code]
        r.problems.append(Problem(r.row, col(f"ind:{code}") or col("code"), (
            f"Chỉ số {code} ({rules.indicators[code]}): theo thông tin hộ là "
            f"«{'thiếu hụt' if d.deprived else 'không thiếu hụt'}» ({d.explanation}) "
            "Muốn ghi khác phải nêu lý do.")))
    deprived_codes = [c for c in rules.indicators if values[c].deprived]

    # The rest of the form.
    nwc = v.get("no_working_capacity")
    if nwc is None:
        derived_nwc = poverty.no_working_capacity(facts, day) if facts else None
        nwc = derived_nwc if derived_nwc is not None else bool((old or {}).get("no_working_capacity"))
    merit = v.get("person_of_merit")
    if merit is None:
        merit = bool((old or {}).get("person_of_merit"))
    notes = v["notes"] if "notes" in v else (old or {}).get("notes", "")
    causes = v.get("causes") if "causes" in v else (old or {}).get("causes", [])
    needs = v.get("needs") if "needs" in v else (old or {}).get("needs", [])

    if r.problems or income_month is None or not members:
        r.outcome = ERROR
        return
    area = place.area
    result = poverty.classify(rules, area=area, income_per_capita_month=income_month, deprivations=deprived_codes)
    change = poverty.change(result.category, year=year, **history[h["id"]])
    count = result.deprivation_count
    listed = f": {', '.join(result.deprived)}" if result.deprived else ""
    r.result.update({
        "member_count": members, "income_total_12m": income_total, "income_per_capita_month": income_month,
        "deprivations": deprived_codes, "causes": causes, "needs": needs, "no_working_capacity": nwc,
        "person_of_merit": merit, "notes": notes, "classification": result.category, "change": change,
        "summary": (f"{result.label} (thiếu hụt {count} chỉ số{listed}; thu nhập {_vnd(income_month)}/người/tháng, "
                    f"chuẩn {poverty.AREA_LABELS[area]} {_vnd(result.line)}) – {poverty.CHANGE_LABELS[change]}"),
    })
    if v.get("_head") and fold(v["_head"]) != fold(h["head_name"]):
        r.changes.append(f"Lưu ý: chủ hộ trong tệp “{v['_head']}” khác sổ hộ “{h['head_name']}”: kiểm tra lại mã hộ.")
    if old is None:
        r.outcome = NEW
        r.changes.insert(0, f"Thêm kết quả rà soát năm {year}")
    else:
        differences = _differences(old, r, rules)
        r.outcome = UPDATED if differences else UNCHANGED
        if differences and old["classification"] != result.category:
            differences.append(f"Phân loại: {poverty.CATEGORY_LABELS[old['classification']]} → {result.label}")
        r.changes = differences + r.changes
    if r.outcome in (NEW, UPDATED) and old is not None:
        refusal = _state_refusal(old, code=r.code, year=year)
        if refusal:
            r.problems.append(Problem(r.row, col("code"), refusal))
            r.outcome = ERROR


def _codes_text(codes) -> str:
    return ", ".join(codes) if codes else "không có"


def _differences(old: dict[str, Any], r: ReviewRow, rules: poverty.Standard) -> list[str]:
    new = r.result
    out = []
    if r.values.get("review_date") is not None and r.result["review_date"] != old["review_date"]:
        out.append(f"Ngày rà soát {old['review_date']:%d/%m/%Y} → {r.result['review_date']:%d/%m/%Y}")
    if new["member_count"] != old["member_count"]:
        out.append(f"Số nhân khẩu {old['member_count']} → {new['member_count']}")
    if new["income_total_12m"] is not None and new["income_total_12m"] != old["income_total_12m"]:
        out.append(f"Tổng thu nhập 12 tháng {_vnd(old['income_total_12m'])} → {_vnd(new['income_total_12m'])}")
    if new["income_per_capita_month"] != old["income_per_capita_month"] or (
            new["income_total_12m"] is None and old["income_total_12m"] is not None):
        out.append(f"Thu nhập bình quân {_vnd(old['income_per_capita_month'])} → "
                   f"{_vnd(new['income_per_capita_month'])}/người/tháng")
    before = {c for c, x in (old["indicators"] or {}).items() if (x or {}).get("deprived")}
    after = set(new["deprivations"])
    if before != after:
        added = [c for c in rules.indicators if c in after - before]
        removed = [c for c in rules.indicators if c in before - after]
        parts = ([f"thêm {', '.join(added)}"] if added else []) + ([f"bỏ {', '.join(removed)}"] if removed else [])
        out.append("Chỉ số thiếu hụt: " + "; ".join(parts))
    for key, label in (("causes", "Nguyên nhân nghèo"), ("needs", "Nhu cầu hỗ trợ")):
        if set(new[key]) != set(old[key]):
            out.append(f"{label}: {_codes_text(sorted(old[key]))} → {_codes_text(new[key])}")
    if bool(new["no_working_capacity"]) != bool(old["no_working_capacity"]):
        out.append(f"Hộ không có khả năng lao động: {'có' if new['no_working_capacity'] else 'không'}")
    if bool(new["person_of_merit"]) != bool(old["person_of_merit"]):
        out.append(f"Hộ có người có công: {'có' if new['person_of_merit'] else 'không'}")
    if (new["notes"] or "") != (old["notes"] or ""):
        out.append(f"Ghi chú “{old['notes']}” → “{new['notes']}”")
    return out


# --- committing ---------------------------------------------------------------------------------------------

_FIELD_COLUMNS = {
    "review_date": "review_date", "member_count": "member_count", "income_total_12m": "income_total",
    "income_per_capita_month": "income_month", "causes": "cause1", "needs": "need1",
}


def _problem_from(plan: ReviewImportPlan, r: ReviewRow, exc: ValidationError) -> list[Problem]:
    if hasattr(exc, "error_dict"):
        found = []
        for name, messages in exc.message_dict.items():
            key = f"ind:{name.split('.', 1)[1]}" if name.startswith("indicators.") else _FIELD_COLUMNS.get(name, "")
            column = _column_header(plan, key) if key else ""
            found += [Problem(r.row, column or _column_header(plan, "code"), m) for m in messages]
        return found
    return [Problem(r.row, _column_header(plan, "code"), m) for m in exc.messages]


@_without_gc
def reviews_import_commit(
    *,
    data: bytes,
    filename: str,
    user,
    year: int,
    commune: AdministrativeUnit | None = None,
    expected_versions: dict[str, int | None] | None = None,
    progress: Progress | None = None,
) -> ReviewImportPlan:
    """Check the file again and save every new or changed review through `services.reviews_save_many` (the rules
    of `review_save`, written in bulk), or nothing
    (ImportRefused with the errors by row). `expected_versions` are the versions the preview showed: a review
    saved (or created) by someone else since then refuses the whole file, naming who and when."""
    report = progress or (lambda pct, msg: None)
    with transaction.atomic():
        plan = reviews_import_plan(data=data, filename=filename, user=user, year=year, commune=commune,
                                   progress=lambda p, m: report(int(p * 0.3), m), lock=True)
        if plan.fatal:
            raise ImportRefused(plan)
        if expected_versions is not None:
            stale = [r for r in plan.rows if r.household and expected_versions.get(r.code) != (
                r.existing["version"] if r.existing else None)]
            for r in stale:
                if r.existing is not None:
                    review = AnnualReview.objects.select_related("household").get(pk=r.existing["id"])
                    message = services.stale_version_error(obj=review, noun=f"Kết quả rà soát năm {year} của hộ {r.code}").messages[0]
                    message = message.replace("sau khi bạn mở", "sau khi bạn xem trước tệp")
                else:
                    message = f"Kết quả rà soát năm {year} của hộ {r.code} vừa bị xóa sau khi bạn xem trước tệp."
                r.problems.append(Problem(r.row, _column_header(plan, "code"), message + " Hãy xem trước lại tệp."))
                r.outcome = ERROR
            plan.problems = sorted((p for r in plan.rows for p in r.problems), key=lambda p: (p.row, p.column))
        if plan.problems:
            raise ImportRefused(plan)
        to_write = [r for r in plan.rows if r.outcome in (NEW, UPDATED)]
        report(30, "Đang ghi kết quả rà soát")
        households = Household.objects.in_bulk([r.household["id"] for r in to_write])
        items = []
        for r in to_write:
            res = r.result
            old = r.existing or {}
            # Lists the file leaves as they are are not set again.
            causes = None if r.existing and set(res["causes"]) == set(old["causes"]) else res["causes"]
            needs = None if r.existing and set(res["needs"]) == set(old["needs"]) else res["needs"]
            items.append(dict(
                household=households[r.household["id"]], review_date=res["review_date"],
                income_total_12m=res["income_total_12m"],
                income_per_capita_month=None if res["income_total_12m"] is not None else res["income_per_capita_month"],
                member_count=res["member_count"], deprivations=res["deprivations"], causes=causes,
                needs=needs, no_working_capacity=res["no_working_capacity"],
                person_of_merit=res["person_of_merit"], notes=res["notes"],
                version=r.existing["version"] if r.existing else None,
            ))
        try:
            services.reviews_save_many(
                year=year, items=items, user=user,
                progress=lambda done, total: report(30 + int(68 * done / max(1, total)), f"Đang ghi kết quả rà soát ({done}/{total})"),
            )
        except services.ReviewsRefused as refused:  # review_save's rules have the last word; nothing is kept
            for index, exc in refused.errors.items():
                r = to_write[index]
                r.problems += _problem_from(plan, r, exc)
                r.outcome = ERROR
        except StaleVersion as exc:  # a review created by someone else a moment ago
            plan.fatal = str(exc.messages[0]) if hasattr(exc, "messages") else str(exc)
            raise ImportRefused(plan) from exc
        if any(r.problems for r in to_write):
            plan.problems = sorted((p for r in plan.rows for p in r.problems), key=lambda p: (p.row, p.column))
            raise ImportRefused(plan)
        report(98, "Đã ghi xong")
    return plan


# --- the job: preview and confirm through households.models.Job (households.imports does the rest) ----------


def review_job_create(*, user, filename: str, data: bytes, year: int, commune: AdministrativeUnit | None) -> Job:
    from .imports import import_job_create

    return import_job_create(user=user, filename=filename, data=data, commune=commune, kind=JOB_KIND,
                             params={"year": year})


def review_job_run(*, job: Job) -> None:
    """Run the job's current phase (preview or commit); called by `imports.import_job_run` for this kind."""
    commune = AdministrativeUnit.objects.filter(pk=job.params.get("commune_id")).first()
    data = source_bytes(job)
    year = int(job.params.get("year") or 0)
    filename = job.params.get("filename", "")
    user = job.created_by
    run_job_phase(
        job,
        check=lambda progress: reviews_import_plan(data=data, filename=filename, user=user, year=year, commune=commune,
                                                   progress=progress),
        write=lambda versions, progress: reviews_import_commit(
            data=data, filename=filename, user=user, year=year, commune=commune, expected_versions=versions,
            progress=progress),
        written="Đã ghi kết quả rà soát",
    )


__all__ = ["JOB_KIND", "OUTCOME_LABELS", "ReviewImportPlan", "reviews_import_commit", "reviews_import_plan",
           "review_job_create", "review_job_run", "job_dir"]
