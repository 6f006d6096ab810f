"""Workbooks the registry hands out: the import template, the errors of an import to fix, and exports of the
lists a user may see (households, members) streamed through XlsxWriter's constant-memory mode.

Every export takes a queryset already filtered by `accounts.scoping.scope`; citizen IDs are masked for roles
that do not work with personal data (`User.sees_personal_data`, Decree 13/2023/NĐ-CP) and each export is
logged as a `Job` row (who, when, which filters, how many rows, masked or not).
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from .excel_io import TextCleaner, clean_grid, load_sheets
from .models import AdministrativeUnit, EthnicGroup, Household, HouseholdStatus, Job, JobStatus, Level, Livelihood, Member, Relation, Sex
from .resources import COLUMNS, ERROR_HEADER, livelihood_labels, relation_labels, sex_labels
from .village_names import VillageNames, commune_year_day, village_labels
from .xlsx import new_workbook

TITLE = "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU"
HEADER_ROW = 4  # the template's header row (1-based): a title and a note above it, as in the communes' files
TEMPLATE_ROWS = 3000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def mask_citizen_id(value: str | None) -> str:
    """Only the last four digits, for roles that need no ID numbers."""
    if not value:
        return ""
    return "*" * (len(value) - 4) + value[-4:]


def _villages_of(commune: AdministrativeUnit) -> list[str]:
    """The labels of the commune's villages today, for the template's drop-down: namesakes are told apart by their
    former commune ("Thôn Cả (xã Trung Yên cũ)"), and the import reads these labels back."""
    from .imports import _village_lookup

    unique = {v.pk for v in _village_lookup(commune, timezone.localdate()).values()}
    return sorted(village_labels(unique).values())


# --- the template -----------------------------------------------------------------------------------------


def households_template(*, communes: list[AdministrativeUnit]) -> bytes:
    """The workbook a commune fills in: Vietnamese headers, drop-down lists, an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    one_commune = len(communes) == 1
    columns = [c for c in COLUMNS if not (one_commune and c.key == "commune")]
    wb = Workbook()
    ws = wb.active
    ws.title = "Nhân khẩu"
    thin = Side(style="thin", color="999999")
    last = get_column_letter(len(columns))
    ws["A1"] = TITLE + (f" – {communes[0].name.upper()}" if one_commune else "")
    ws["A1"].font = Font(name="Times New Roman", size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = ("Mỗi dòng là một nhân khẩu; các nhân khẩu của một hộ ghi liền nhau, cùng mã hộ. "
                "Cột có dấu * là bắt buộc. Xem trang “Hướng dẫn”.")
    ws["A2"].font = Font(name="Times New Roman", italic=True, size=11)
    ws.merge_cells(f"A2:{last}2")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index, value=column.header + (" *" if column.required else ""))
        cell.font = Font(name="Times New Roman", bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        cell.comment = Comment(column.help, "Hệ thống giảm nghèo") if column.help else None
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.text_format:
            for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + TEMPLATE_ROWS):
                ws.cell(row=row, column=index).number_format = "@"
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)

    lists = wb.create_sheet("Danh mục")
    groups = list(EthnicGroup.objects.order_by("code").values_list("name", flat=True))
    villages = _villages_of(communes[0]) if one_commune else []
    columns_of_lists = {
        "ethnic_group": ("Dân tộc", groups),
        "relation": ("Quan hệ với chủ hộ", relation_labels()),
        "sex": ("Giới tính", sex_labels()),
        "village": ("Thôn, tổ dân phố", villages),
        "commune": ("Xã", [c.name for c in communes]),
        "livelihood": ("Nghề nghiệp chính", livelihood_labels()),
    }
    for col, (key, (title, values)) in enumerate(columns_of_lists.items(), start=1):
        lists.cell(row=1, column=col, value=title).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=col, value=value)
        lists.column_dimensions[get_column_letter(col)].width = 24
        if not values:
            continue
        target = next((i for i, c in enumerate(columns, start=1) if c.key == key), None)
        if target is None:
            continue
        letter = get_column_letter(col)
        validation = DataValidation(
            type="list", formula1=f"='Danh mục'!${letter}$2:${letter}${len(values) + 1}", allow_blank=True,
            showErrorMessage=key != "village", errorTitle="Giá trị không có trong danh sách",
            error=f"Hãy chọn {title.lower()} trong danh sách.",
        )
        column_letter = get_column_letter(target)
        validation.add(f"{column_letter}{HEADER_ROW + 1}:{column_letter}{HEADER_ROW + TEMPLATE_ROWS}")
        ws.add_data_validation(validation)

    guide = wb.create_sheet("Hướng dẫn", 1)
    guide.column_dimensions["A"].width = 110
    lines = [
        ("HƯỚNG DẪN ĐIỀN DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU", True),
        ("", False),
        ("1. Mỗi dòng của trang “Nhân khẩu” là một người. Các thành viên của một hộ ghi liền nhau, cùng một mã hộ "
         "(dòng để trống mã hộ thuộc hộ ở dòng trên, như khi gộp ô).", False),
        ("2. Thông tin của hộ (thôn, địa chỉ, điện thoại, nghề nghiệp chính) ghi ở dòng đầu của hộ; các dòng sau có thể để trống.", False),
        ("3. Mỗi hộ có đúng một người là “Chủ hộ” ở cột Quan hệ với chủ hộ.", False),
        ("4. Ngày sinh ghi ngày/tháng/năm, ví dụ 17/05/1985; chỉ biết năm sinh thì ghi năm, ví dụ 1985.", False),
        ("5. Số định danh cá nhân (căn cước công dân) gồm đúng 12 chữ số; ô đã định dạng Văn bản để giữ số 0 ở đầu.", False),
        ("6. Dân tộc, quan hệ, giới tính, nghề nghiệp chính, thôn: chọn trong danh sách thả xuống (trang “Danh mục”).", False),
        ("7. Chữ gõ bằng phông cũ (.VnTime – TCVN3, VNI-Times) được hệ thống tự chuyển sang Unicode.", False),
        ("8. Tải tệp lên ở trang Nhập từ Excel: hệ thống kiểm tra và cho xem trước từng dòng (thêm mới, cập nhật, "
         "không đổi, có lỗi). Tệp còn lỗi thì chưa ghi dòng nào; tải tệp lỗi về, sửa các ô tô đỏ rồi tải lên lại.", False),
        ("9. Hộ đã có trong sổ (cùng mã hộ) được cập nhật theo tệp: nhân khẩu không còn trong tệp sẽ bị bỏ khỏi hộ. "
         "Nhập lại cùng một tệp không thay đổi gì.", False),
        ("", False),
        ("Ví dụ một hộ ba người:", True),
        ("Mã hộ | Thôn | Họ và tên | Giới tính | Ngày sinh | Số định danh | Dân tộc | Quan hệ", False),
        ("TT-0001 | Thôn Tân Lập | Ma Văn Thắng | Nam | 12/03/1978 | 008078001234 | Tày | Chủ hộ", False),
        ("(để trống) | | Hoàng Thị Mai | Nữ | 1980 | 008180005678 | Tày | Vợ/chồng", False),
        ("(để trống) | | Ma Văn Hùng | Nam | 05/09/2010 | | Tày | Con", False),
        ("", False),
        ("Các cột:", True),
    ] + [(f"• {c.header}: {c.help}", False) for c in columns]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = guide.cell(row=row, column=1, value=text)
        cell.font = Font(name="Times New Roman", size=12, bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the errors of an import, to fix and upload again -----------------------------------------------------


def errors_workbook(*, data: bytes, filename: str, preview: dict[str, Any]) -> bytes:
    """The uploaded sheet as it was read (legacy text already in Unicode), with the cells in error in red,
    each error in a comment and in a last column "Lỗi cần sửa", and a sheet listing every error."""
    sheets = load_sheets(data, filename)
    sheet = next((s for s in sheets if s.name == preview.get("sheet")), sheets[0])
    rows, _ = clean_grid(sheet.rows, TextCleaner())
    header_index = max(0, int(preview.get("header_row", 1)) - 1)
    header = [str(v) for v in rows[header_index]] if rows else []
    by_row: dict[int, list[dict]] = {}
    for problem in preview.get("problems", []):
        by_row.setdefault(problem["row"], []).append(problem)
    out = io.BytesIO()
    wb = new_workbook(out, in_memory=True)
    ws = wb.add_worksheet(sheet.name[:31] or "Nhân khẩu")
    bad = wb.add_format({"bg_color": "#F8CBAD", "border": 1, "border_color": "#C00000"})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    wrap = wb.add_format({"text_wrap": True, "font_color": "#C00000"})
    text = wb.add_format({"num_format": "@"})
    width = max((len(r) for r in rows), default=0)
    width = max(width, len(header))
    error_col = len(header) if header and header[-1] != ERROR_HEADER else max(0, len(header) - 1)
    for r, values in enumerate(rows):
        number = r + 1
        problems = by_row.get(number, [])
        bad_columns = {p["column"] for p in problems}
        for c in range(min(width, error_col)):
            value = values[c] if c < len(values) else ""
            column_name = header[c].rstrip(" *") if c < len(header) else ""
            fmt = bad if column_name in bad_columns and r > header_index else text
            if hasattr(value, "strftime"):
                value = f"{value:%d/%m/%Y}"
            ws.write(r, c, value if value != "" else None, fmt)
            if fmt is bad:
                message = "; ".join(p["message"] for p in problems if p["column"] == column_name)
                ws.write_comment(r, c, message, {"x_scale": 2, "y_scale": 1.5})
        if r == header_index:
            ws.write(r, error_col, ERROR_HEADER, bold)
        elif problems:
            ws.write(r, error_col, "\n".join(
                (f"{p['column']}: " if p["column"] else "") + p["message"] for p in problems), wrap)
    ws.set_column(error_col, error_col, 60)
    ws.freeze_panes(header_index + 1, 0)
    listing = wb.add_worksheet("Danh sách lỗi")
    for c, title in enumerate(("Dòng", "Cột", "Lỗi")):
        listing.write(0, c, title, bold)
    for i, problem in enumerate(preview.get("problems", []), start=1):
        listing.write(i, 0, problem["row"] or "")
        listing.write(i, 1, problem["column"])
        listing.write(i, 2, problem["message"])
    listing.set_column(2, 2, 100)
    wb.close()
    return out.getvalue()


# --- exports ----------------------------------------------------------------------------------------------


def _export_path() -> Path:
    folder = Path(settings.DATA_DIR) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="export-", suffix=".xlsx", dir=folder)
    os.close(handle)
    return Path(name)


def _writer(path: Path, title: str, headers: list[str], widths: list[int], subtitle: str):
    wb = new_workbook(str(path), constant_memory=True, tmpdir=str(path.parent))
    ws = wb.add_worksheet("Danh sách")
    ws.write(0, 0, title, wb.add_format({"bold": True, "font_size": 14, "font_name": "Times New Roman"}))
    ws.write(1, 0, subtitle, wb.add_format({"italic": True}))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    for c, (header, width) in enumerate(zip(headers, widths)):
        ws.set_column(c, c, width)
    for c, header in enumerate(headers):
        ws.write(HEADER_ROW - 1, c, header, head)
    ws.freeze_panes(HEADER_ROW, 0)
    return wb, ws


def _log_export(*, user, kind: str, rows: int, filters: dict[str, str], masked: bool) -> None:
    """Who exported which list, when, how many rows, with or without ID numbers (docs/domain.md §6)."""
    now = timezone.now()
    Job.objects.create(
        kind=kind, status=JobStatus.SUCCEEDED, progress=100, created_by=user,
        commune=user.unit if getattr(user, "is_commune_officer", False) and user.unit_id else None,
        params={"filters": filters, "masked": masked}, result={"rows": rows},
        message=f"Xuất {rows} dòng", started_at=now, finished_at=now,
    )


def _subtitle(user, count_label: str) -> str:
    return (f"Xuất lúc {timezone.localtime():%H:%M ngày %d/%m/%Y} bởi {user.display_name}; {count_label}. "
            "Thông tin cá nhân chỉ dùng cho công tác giảm nghèo (Nghị định 13/2023/NĐ-CP).")


def households_export(*, user, qs: QuerySet[Household], filters: dict[str, str] | None = None) -> Path:
    """The households of a scoped queryset, one row each, to a temporary .xlsx (constant memory)."""
    path = _export_path()
    headers = ["Mã hộ", "Xã", "Thôn, tổ dân phố", "Địa chỉ", "Chủ hộ", "Số nhân khẩu", "Điện thoại", "Nghề nghiệp chính", "Tình trạng"]
    widths = [16, 18, 22, 30, 26, 10, 14, 18, 16]
    livelihoods = dict(Livelihood.choices)
    statuses = dict(HouseholdStatus.choices)
    if "member_count" not in qs.query.annotations:  # the list selector has counted already
        from .selectors import current_member_count

        qs = qs.annotate(member_count=current_member_count())
    rows = qs.order_by("commune__name", "village__name", "code").values_list(
        "code", "commune__name", "village_id", "address", "head_name", "member_count", "phone", "livelihood", "status")
    wb, ws = _writer(path, "DANH SÁCH HỘ GIA ĐÌNH", headers, widths, _subtitle(user, "danh sách hộ"))
    villages, today = VillageNames().read(), timezone.localdate()  # every village's label today, read once
    r = HEADER_ROW
    for code, commune, village_id, address, head, n, phone, livelihood, status in rows.iterator(chunk_size=5000):
        ws.write_string(r, 0, code)
        ws.write_string(r, 1, commune or "")
        ws.write_string(r, 2, villages.label(village_id, on=today))
        ws.write_string(r, 3, address or "")
        ws.write_string(r, 4, head or "")
        ws.write_number(r, 5, n)
        ws.write_string(r, 6, phone or "")
        ws.write_string(r, 7, livelihoods.get(livelihood, ""))
        ws.write_string(r, 8, statuses.get(status, status))
        r += 1
    wb.close()
    _log_export(user=user, kind="export_households", rows=r - HEADER_ROW, filters=filters or {}, masked=False)
    return path


def members_export(*, user, qs: QuerySet[Household], filters: dict[str, str] | None = None) -> Path:
    """The members of the households of a scoped queryset, in the import template's columns (so the file can
    be edited and imported back), with citizen IDs masked for roles that do not see personal data."""
    path = _export_path()
    masked = not user.sees_personal_data
    columns = list(COLUMNS)
    headers = [c.header for c in columns]
    widths = [c.width for c in columns]
    sexes, relations, livelihoods = dict(Sex.choices), dict(Relation.choices), dict(Livelihood.choices)
    at = {c.key: i for i, c in enumerate(columns)}
    members = (
        Member.objects.filter(household__in=qs.order_by().values("pk"))
        .order_by("household__commune__name", "household__village__name", "household__code", "order", "id")
        .values_list(
            "household__code", "household__commune__name", "household__village_id", "household__address",
            "household__phone", "household__livelihood", "full_name", "sex", "birth_date", "birth_year_only", "citizen_id",
            "ethnic_group__name", "relation",
        )
    )
    wb, ws = _writer(path, TITLE, headers, widths, _subtitle(user, "mỗi dòng một nhân khẩu" +
                                                               ("; số định danh đã che" if masked else "")))
    # The village as the import reads it back: its label today ("Thôn Cả (xã Trung Yên cũ)" beside a namesake).
    villages, today = VillageNames().read(), timezone.localdate()
    r = HEADER_ROW
    for (code, commune, village_id, address, phone, livelihood, name, sex, birth, year_only, cid, ethnic,
         relation) in members.iterator(chunk_size=5000):
        values = {
            "code": code, "commune": commune or "", "village": villages.label(village_id, on=today), "address": address or "",
            "phone": phone or "", "livelihood": livelihoods.get(livelihood, ""), "full_name": name, "sex": sexes.get(sex, ""),
            "birth": (f"{birth.year}" if year_only else f"{birth:%d/%m/%Y}") if birth else "",
            "citizen_id": (mask_citizen_id(cid) if masked else cid) or "", "ethnic_group": ethnic or "",
            "relation": relations.get(relation, ""),
        }
        for key, value in values.items():
            ws.write_string(r, at[key], value)
        r += 1
    wb.close()
    _log_export(user=user, kind="export_members", rows=r - HEADER_ROW, filters=filters or {}, masked=masked)
    return path


def communes_for_import(user) -> list[AdministrativeUnit]:
    from accounts.scoping import commune_ids

    qs = AdministrativeUnit.objects.in_force(timezone.localdate()).filter(level=Level.COMMUNE).order_by("name")
    ids = commune_ids(user)
    return list(qs if ids is None else qs.filter(pk__in=ids))



def reviews_export(*, user, qs: QuerySet, filters: dict[str, str] | None = None) -> Path:
    """The annual reviews of a scoped queryset, one row each; income left out for roles that do not see
    personal data (income is confidential, docs/domain.md §6)."""
    from .models import Change, Classification, ReviewState

    path = _export_path()
    income = user.sees_personal_data
    headers = ["Mã hộ", "Năm", "Xã (khi rà soát)", "Thôn", "Chủ hộ", "Phân loại", "Biến động", "Số chỉ số thiếu hụt",
               "Thu nhập bình quân (đồng/người/tháng)", "Dân tộc thiểu số", "Trạng thái"]
    widths = [16, 7, 18, 22, 26, 22, 24, 10, 16, 10, 26]
    classes, changes, states = dict(Classification.choices), dict(Change.choices), dict(ReviewState.choices)
    rows = qs.order_by("-year", "commune__name", "household__code").values_list(
        "household__code", "year", "commune__name", "village_id", "review_date", "household__head_name", "classification",
        "change", "deprivation_count", "income_per_capita_month", "ethnic_minority", "state")
    wb, ws = _writer(path, "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO", headers, widths,
                     _subtitle(user, "mỗi dòng một hộ trong một năm" + ("" if income else "; không có thu nhập")))
    villages = VillageNames().read()  # the village as named on the review's date, beside the commune of that date
    r = HEADER_ROW
    for code, year, commune, village_id, day, head, cls, change, count, money, minority, state in rows.iterator(chunk_size=5000):
        ws.write_string(r, 0, code)
        ws.write_number(r, 1, year)
        ws.write_string(r, 2, commune or "")
        ws.write_string(r, 3, villages.label(village_id, on=day))
        ws.write_string(r, 4, head or "")
        ws.write_string(r, 5, classes.get(cls, cls))
        ws.write_string(r, 6, changes.get(change, change))
        ws.write_number(r, 7, count)
        if income and money is not None:
            ws.write_number(r, 8, money)
        ws.write_string(r, 9, "Có" if minority else "")
        ws.write_string(r, 10, states.get(state, state))
        r += 1
    wb.close()
    _log_export(user=user, kind="export_reviews", rows=r - HEADER_ROW, filters=filters or {}, masked=not income)
    return path


# --- the annual review template ---------------------------------------------------------------------------

REVIEW_TITLE = "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}"
REVIEW_EXTRA_ROWS = 200  # blank rows with the drop-downs below the commune's households


def reviews_template(*, commune: AdministrativeUnit, year: int) -> Path:
    """The workbook a commune fills in with its review results of `year`: one row per household of the commune
    (code, head's name and village for reference, the current values where a review exists), Vietnamese headers,
    drop-downs (Có/Không for each indicator of the year's standard, causes and needs from their configured lists),
    an instructions sheet. Written in constant memory to a temporary file (a commune may have 10,000 households)."""
    from . import poverty
    from .models import AnnualReview, Indicator, PovertyCause, ReviewState, SupportNeed
    from .resources import (
        REVIEW_CAUSE_SLOTS, REVIEW_NEED_SLOTS, REVIEW_REFERENCE_HEADERS, YES_NO, review_columns,
    )
    from .services import review_standard

    standard = review_standard(year=year)
    rules = standard.to_rules()
    imported = review_columns(dict(rules.indicators))
    layout: list[tuple[str, str, int, str]] = []  # (key, header, width, help)
    for c in imported:
        layout.append((c.key, c.header + (" *" if c.required else ""), c.width, c.help))
        if c.key == "code":
            layout.append(("ref:head_name", REVIEW_REFERENCE_HEADERS["head_name"], 24,
                           "Để đối chiếu, không nhập vào hệ thống. Họ tên chủ hộ theo sổ hộ."))
            layout.append(("ref:village", REVIEW_REFERENCE_HEADERS["village"], 18, "Để đối chiếu, không nhập vào hệ thống."))
    layout.append(("ref:current", REVIEW_REFERENCE_HEADERS["current"], 22,
                   "Để đối chiếu: kết quả đang ghi trong hệ thống. Phân loại mới do hệ thống tính khi nhập."))
    layout.append(("ref:state", REVIEW_REFERENCE_HEADERS["state"], 22,
                   "Để đối chiếu. Chỉ nhập được kết quả “Đang rà soát” hoặc hộ chưa có kết quả."))
    col_of = {key: i for i, (key, *_rest) in enumerate(layout)}

    households = list(
        Household.objects.filter(commune=commune, status=HouseholdStatus.ACTIVE)
        .annotate(member_total=Count("members"))
        .order_by("village__name", "code")
        .values_list("id", "code", "head_name", "village_id", "member_total")
    )
    village_names, village_day = VillageNames({h[3] for h in households if h[3]}), commune_year_day(commune, year)
    reviews: dict[int, dict[str, Any]] = {}
    ids = [h[0] for h in households]
    for i in range(0, len(ids), 900):
        part = ids[i:i + 900]
        for rv in AnnualReview.objects.filter(household_id__in=part, year=year).values(
                "id", "household_id", "review_date", "member_count", "income_total_12m", "income_per_capita_month",
                "indicators", "no_working_capacity", "person_of_merit", "notes", "classification", "state"):
            rv["causes"], rv["needs"] = [], []
            reviews[rv["household_id"]] = rv
    by_id = {rv["id"]: rv for rv in reviews.values()}
    review_ids = list(by_id)
    for i in range(0, len(review_ids), 900):
        part = review_ids[i:i + 900]
        for rid, name in AnnualReview.causes.through.objects.filter(annualreview_id__in=part).order_by(
                "povertycause__order", "povertycause__code").values_list("annualreview_id", "povertycause__name"):
            by_id[rid]["causes"].append(name)
        for rid, name in AnnualReview.needs.through.objects.filter(annualreview_id__in=part).order_by(
                "supportneed__order", "supportneed__code").values_list("annualreview_id", "supportneed__name"):
            by_id[rid]["needs"].append(name)

    path = _export_path()
    wb = new_workbook(str(path), constant_memory=True, tmpdir=str(path.parent))
    ws = wb.add_worksheet("Kết quả rà soát")
    guide = wb.add_worksheet("Hướng dẫn")
    lists = wb.add_worksheet("Danh mục")
    font = {"font_name": "Times New Roman"}
    title_fmt = wb.add_format({**font, "bold": True, "font_size": 14, "align": "center"})
    note_fmt = wb.add_format({**font, "italic": True})
    head_fmt = wb.add_format({**font, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                              "align": "center", "valign": "vcenter"})
    ref_head_fmt = wb.add_format({**font, "bold": True, "bg_color": "#EDEDED", "border": 1, "text_wrap": True,
                                  "align": "center", "valign": "vcenter", "font_color": "#555555"})
    text_fmt = wb.add_format({**font, "num_format": "@"})
    plain = wb.add_format(font)
    ref_fmt = wb.add_format({**font, "font_color": "#555555"})
    money_fmt = wb.add_format({**font, "num_format": "#,##0"})
    last = len(layout) - 1
    area_lines = (f"chuẩn nghèo nông thôn {poverty.vnd(standard.rural_poor_line)}, thành thị "
                  f"{poverty.vnd(standard.urban_poor_line)}/người/tháng")
    ws.merge_range(0, 0, 0, last, REVIEW_TITLE.format(year=year) + f" – {commune.name.upper()}", title_fmt)
    ws.merge_range(1, 0, 1, last, f"Năm rà soát: {year}. {standard.name} ({area_lines}). Mỗi dòng một hộ; "
                                  "cột có dấu * là bắt buộc; xem trang “Hướng dẫn”.", note_fmt)
    ws.merge_range(2, 0, 2, last, "Chỉ số thiếu hụt: chọn Có (thiếu hụt) hoặc Không. Phân loại hộ do hệ thống tính "
                                  "từ thu nhập và số chỉ số thiếu hụt, không nhập tay. Cột “để đối chiếu” không được "
                                  "nhập vào hệ thống.", note_fmt)
    header_row = HEADER_ROW - 1
    for c, (key, header, width, help_text) in enumerate(layout):
        ws.set_column(c, c, width)
        ws.write_string(header_row, c, header, ref_head_fmt if key.startswith("ref:") else head_fmt)
        if help_text:
            ws.write_comment(header_row, c, help_text, {"author": "Hệ thống giảm nghèo", "x_scale": 2, "y_scale": 1.6})
    ws.set_row(header_row, 48)
    ws.freeze_panes(HEADER_ROW, 2)

    labels = dict(poverty.CATEGORY_LABELS)
    states = dict(ReviewState.choices)
    yes_no = lambda value: YES_NO[0] if value else YES_NO[1]  # noqa: E731
    r = HEADER_ROW
    for hid, code, head, village_id, member_total in households:
        rv = reviews.get(hid)
        values: dict[str, Any] = {"code": code, "ref:head_name": head, "ref:village": village_names.label(village_id, on=village_day)}
        values["member_count"] = (rv["member_count"] if rv else member_total) or None
        if rv:
            values["review_date"] = f"{rv['review_date']:%d/%m/%Y}"
            if rv["income_total_12m"] is not None:
                values["income_total"] = rv["income_total_12m"]
            else:
                values["income_month"] = rv["income_per_capita_month"]
            for code_ in rules.indicators:
                values[f"ind:{code_}"] = yes_no(((rv["indicators"] or {}).get(code_) or {}).get("deprived"))
            for kind, slots in (("cause", REVIEW_CAUSE_SLOTS), ("need", REVIEW_NEED_SLOTS)):
                names = rv["causes" if kind == "cause" else "needs"]
                for i in range(slots):
                    chunk = names[i:i + 1] if i < slots - 1 else names[i:]
                    if chunk:
                        values[f"{kind}{i + 1}"] = "; ".join(chunk)
            values["no_working_capacity"] = yes_no(rv["no_working_capacity"])
            values["person_of_merit"] = yes_no(rv["person_of_merit"])
            values["notes"] = rv["notes"]
            values["ref:current"] = labels.get(rv["classification"], rv["classification"])
            values["ref:state"] = states.get(rv["state"], rv["state"])
        else:
            values["ref:state"] = "Chưa rà soát"
        for c, (key, *_rest) in enumerate(layout):
            value = values.get(key)
            if key in ("code", "review_date"):
                ws.write_string(r, c, value or "", text_fmt) if value else ws.write_blank(r, c, None, text_fmt)
            elif key in ("income_total", "income_month"):
                ws.write_number(r, c, value, money_fmt) if value is not None else ws.write_blank(r, c, None, money_fmt)
            elif key == "member_count":
                ws.write_number(r, c, value, plain) if value is not None else ws.write_blank(r, c, None, plain)
            elif value not in (None, ""):
                ws.write_string(r, c, str(value), ref_fmt if key.startswith("ref:") else plain)
        r += 1
    for extra in range(REVIEW_EXTRA_ROWS):  # formats for rows the officer adds
        ws.write_blank(r + extra, col_of["code"], None, text_fmt)
        ws.write_blank(r + extra, col_of["review_date"], None, text_fmt)
    last_row = r + REVIEW_EXTRA_ROWS - 1

    # Drop-downs and checks.
    first = HEADER_ROW
    yes_no_list = {"validate": "list", "source": list(YES_NO), "error_title": "Giá trị không hợp lệ",
                   "error_message": "Chọn Có hoặc Không (hoặc để trống)."}
    for key in [k for k in col_of if k.startswith("ind:")] + ["no_working_capacity", "person_of_merit"]:
        ws.data_validation(first, col_of[key], last_row, col_of[key], yes_no_list)
    causes = list(PovertyCause.objects.filter(active=True).order_by("order", "code").values_list("name", flat=True))
    needs = list(SupportNeed.objects.filter(active=True).order_by("order", "code").values_list("name", flat=True))
    for letter, prefix, names, noun in (("A", "cause", causes, "nguyên nhân nghèo"), ("B", "need", needs, "nhu cầu hỗ trợ")):
        if not names:
            continue
        for key in [k for k in col_of if k.startswith(prefix)]:
            ws.data_validation(first, col_of[key], last_row, col_of[key], {
                "validate": "list", "source": f"='Danh mục'!${letter}$2:${letter}${len(names) + 1}",
                "error_type": "warning", "error_title": "Không có trong danh sách",
                "error_message": f"Chọn {noun} trong danh sách (trang “Danh mục”)."})
    for key in ("income_total", "income_month"):
        ws.data_validation(first, col_of[key], last_row, col_of[key], {
            "validate": "decimal", "criteria": ">=", "value": 0, "error_title": "Số tiền không hợp lệ",
            "error_message": "Ghi số đồng, không âm (ví dụ 18000000)."})
    ws.data_validation(first, col_of["member_count"], last_row, col_of["member_count"], {
        "validate": "integer", "criteria": "between", "minimum": 1, "maximum": 99,
        "error_title": "Số nhân khẩu không hợp lệ", "error_message": "Ghi số người trong hộ, từ 1 đến 99."})

    # The lists.
    bold = wb.add_format({**font, "bold": True})
    lists.set_column(0, 1, 44)
    for c, (title, names) in enumerate((("Nguyên nhân nghèo", causes), ("Nhu cầu hỗ trợ", needs),
                                        ("Có/Không", list(YES_NO)))):
        lists.write_string(0, c, title, bold)
    for i in range(max(len(causes), len(needs), len(YES_NO))):
        for c, names in enumerate((causes, needs, list(YES_NO))):
            if i < len(names):
                lists.write_string(i + 1, c, names[i], plain)

    # The instructions.
    conditions = dict(Indicator.objects.filter(standard=standard).values_list("code", "condition"))
    wrap = wb.add_format({**font, "font_size": 12, "text_wrap": True, "valign": "top"})
    wrap_bold = wb.add_format({**font, "font_size": 12, "bold": True, "text_wrap": True, "valign": "top"})
    guide.set_column(0, 0, 120)
    min_dep = standard.min_deprivations
    lines: list[tuple[str, bool]] = [
        (f"HƯỚNG DẪN ĐIỀN KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year} – {commune.name.upper()}", True),
        ("", False),
        (f"Chuẩn áp dụng: {standard.name} ({standard.legal_basis}).", False),
        (f"Chuẩn thu nhập: {area_lines}.", False),
        (f"Phân loại do hệ thống tính (không nhập tay): thu nhập bình quân không vượt chuẩn và thiếu hụt từ {min_dep} "
         f"chỉ số trở lên → hộ nghèo; không vượt chuẩn và thiếu hụt dưới {min_dep} chỉ số → hộ cận nghèo; thu nhập "
         "trên chuẩn → không phải hộ nghèo, hộ cận nghèo dù thiếu hụt bao nhiêu chỉ số.", False),
        ("", False),
        ("Các bước:", True),
        ("1. Trang “Kết quả rà soát” đã có sẵn các hộ của xã (mã hộ, chủ hộ, thôn) và kết quả đang ghi trong hệ thống "
         "nếu có. Mỗi dòng một hộ; không đổi mã hộ, không ghi một hộ hai lần.", False),
        ("2. Ghi thu nhập: tổng thu nhập 12 tháng (hệ thống tính bình quân = tổng ÷ số nhân khẩu ÷ 12), hoặc chỉ ghi "
         "thu nhập bình quân đầu người một tháng. Ghi số đồng, ví dụ 18000000 hoặc 18.000.000.", False),
        ("3. Mỗi chỉ số thiếu hụt chọn Có (hộ thiếu hụt) hoặc Không; để trống là Không. Có thể ghi x thay cho Có.", False),
        ("4. Nguyên nhân nghèo, nhu cầu hỗ trợ: chọn trong danh sách thả xuống (trang “Danh mục”); nhiều hơn ba thì "
         "ghi thêm vào ô cuối, cách nhau bởi dấu “;”.", False),
        ("5. Dòng của hộ chưa rà soát mà để trống thu nhập và các chỉ số thì được bỏ qua.", False),
        ("6. Tải tệp lên ở trang “Nhập kết quả rà soát”: hệ thống kiểm tra, tính phân loại và cho xem trước từng dòng "
         "(thêm mới, cập nhật, không đổi, có lỗi). Tệp còn lỗi thì chưa ghi dòng nào; tải tệp lỗi về, sửa các ô tô đỏ "
         "rồi tải lên lại. Nhập lại cùng một tệp không thay đổi gì.", False),
        ("7. Chỉ nhập được kết quả đang ở bước “Đang rà soát” (hoặc hộ chưa có kết quả). Kết quả đã gửi họp thôn, đã "
         "thống nhất, niêm yết hay đã được công nhận thì không nhập đè từ Excel.", False),
        ("8. Chỉ số đã được xác định tự động từ thông tin nhân khẩu, nhà ở (trên phiếu rà soát của từng hộ) muốn ghi "
         "khác phải sửa trên phiếu của hộ và nêu lý do.", False),
        ("9. Chữ gõ bằng phông cũ (.VnTime – TCVN3, VNI-Times) được hệ thống tự chuyển sang Unicode.", False),
        ("", False),
        ("Các chỉ số thiếu hụt:", True),
    ] + [(f"• {code}. {name}: thiếu hụt khi {conditions.get(code, '').rstrip('.')[:1].lower()}"
          f"{conditions.get(code, '').rstrip('.')[1:]}." if conditions.get(code) else f"• {code}. {name}.", False)
         for code, name in rules.indicators.items()] + [
        ("", False),
        ("Các cột:", True),
    ] + [(f"• {c.header}: {c.help}", False) for c in imported
         if not c.key.startswith("ind:") and c.key not in ("cause2", "cause3", "need2", "need3")] + [
        ("• Các cột “để đối chiếu” (chủ hộ, thôn, phân loại hiện tại, trạng thái) giúp đối chiếu, không được nhập.", False),
    ]
    for row, (text, is_bold) in enumerate(lines):
        guide.write_string(row, 0, text, wrap_bold if is_bold else wrap)
    wb.close()
    return path
