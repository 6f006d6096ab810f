"""Every text the narrative report shows that is not a figure, and the Vietnamese way of writing figures, in one
place (like `reporting/excel/headers.py` for the workbook, whose texts the annex tables reuse).

Numbers are written the Vietnamese way: a dot between thousands, a comma before decimals (1.234; 12,35), dates
dd/mm/yyyy. Rates and points always carry two decimals, as in the workbook's number formats.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# --- figures ----------------------------------------------------------------------------------------------------


def number(value: Any) -> str:
    """1234567 → "1.234.567"; None → ""."""
    if value is None or value == "":
        return ""
    n = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = f"{abs(n):,}".replace(",", ".")
    return f"-{text}" if n < 0 else text


def decimal2(value: Any) -> str:
    """12.3456 → "12,35"; -6.67 → "-6,67"; None → ""."""
    if value is None or value == "":
        return ""
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, frac = f"{abs(d):.2f}".split(".")
    return f"{sign}{number(int(whole))},{frac}"


def percent(value: Any) -> str:
    """A rate in sentences: "40,00%"; None → "chưa có số liệu"."""
    return f"{decimal2(value)}%" if value is not None else NO_FIGURE


def money(value: Any) -> str:
    """An amount in sentences: "1.500.000 đồng"."""
    return f"{number(value or 0)} đồng"


def date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def cell(value: Any, fmt: str) -> str:
    """A table cell by the workbook column's format (`reporting.excel.spec.Column.fmt`)."""
    if value is None or value == "":
        return ""
    if fmt in ("pct", "points"):
        return decimal2(value)
    if fmt in ("int", "money"):
        return number(value) if isinstance(value, (int, float, Decimal)) else str(value)
    if fmt == "date":
        return date(value) if isinstance(value, (dt.date, dt.datetime)) else str(value)
    if fmt == "center" and isinstance(value, (int, float)):
        return str(int(value))
    return str(value)


def lower_first(text: str) -> str:
    return f"{text[:1].lower()}{text[1:]}" if text else text


def upper_first(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}" if text else text


NO_FIGURE = "chưa có số liệu"

# --- the document -------------------------------------------------------------------------------------------------

CREATOR = "Hệ thống quản lý Chương trình giảm nghèo bền vững huyện Sơn Dương"
NUMBER_SUFFIX = "BC-UBND"
TITLE = "BÁO CÁO"
SUBJECTS = {
    "annual": "Kết quả thực hiện Kế hoạch giảm nghèo bền vững năm {year}",
    "five_year": "Sơ kết 05 năm thực hiện Kế hoạch giảm nghèo bền vững {period}",
    "ten_year": "Tổng kết 10 năm thực hiện Kế hoạch giảm nghèo bền vững {period}",
}
SUBJECT_OTHER = "Kết quả thực hiện Kế hoạch giảm nghèo bền vững {period}"
KEYWORDS = "giảm nghèo bền vững; hộ nghèo; hộ cận nghèo; báo cáo"

BASIS = (
    "Thực hiện {plan}; căn cứ kết quả rà soát hộ nghèo, hộ cận nghèo năm {year} theo Quyết định số 24/2021/QĐ-TTg "
    "ngày 16/7/2021 của Thủ tướng Chính phủ và số liệu của các cơ quan, đơn vị, {issuer} báo cáo {subject} như sau:"
)
PLAN_FALLBACK = (
    "Kế hoạch của Ủy ban nhân dân huyện Sơn Dương thực hiện Chỉ thị số 05-CT/TW ngày 23/6/2021 của Ban Bí thư Trung "
    "ương Đảng về tăng cường sự lãnh đạo của Đảng đối với công tác giảm nghèo bền vững đến năm 2030"
)
CLOSING = "Trên đây là báo cáo {subject} của {issuer}./."

H1 = "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"
H1_1 = "1. Kết quả rà soát hộ nghèo, hộ cận nghèo"
H1_2 = "2. Thực hiện các chỉ tiêu của Kế hoạch"
H2 = "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA CÁC CƠ QUAN, ĐƠN VỊ"
H3 = "III. KẾT QUẢ HỖ TRỢ VÀ NGUỒN VỐN"
H3_1 = "1. Hỗ trợ hộ nghèo, hộ cận nghèo"
H3_2 = "2. Nguồn vốn được giao và giải ngân"
H4 = "IV. KẾT QUẢ RÀ SOÁT VÀ KIỂM TRA"
H4_1 = "1. Tiến độ, kết quả rà soát"
H4_2 = "2. Kết quả kiểm tra số liệu"
H4_3 = "3. Chấp hành chế độ báo cáo"
H5 = "V. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"
H6_YEAR = "VI. NHIỆM VỤ, GIẢI PHÁP NĂM {year}"
H6_PERIOD = "VI. NHIỆM VỤ, GIẢI PHÁP GIAI ĐOẠN TIẾP THEO"

PLACEHOLDER_V = (
    "[Phần này do cơ quan tổng hợp viết: nêu những tồn tại, hạn chế trong thực hiện Kế hoạch và nguyên nhân (khách "
    "quan, chủ quan). Các số liệu dưới đây là những điểm cần phân tích.]"
)
PLACEHOLDER_VI = (
    "[Phần này do cơ quan tổng hợp viết: nhiệm vụ, giải pháp trọng tâm {when}, gắn với các chỉ tiêu chưa đạt và các "
    "nhiệm vụ còn dở dang dưới đây.]"
)
NOTHING_TO_FLAG = "- Không có số liệu nào cần lưu ý."
OPEN_TASKS_LEAD = "Các nhiệm vụ năm {year} chưa hoàn thành, cần tiếp tục thực hiện:"
NO_OPEN_TASKS = "Các nhiệm vụ được giao năm {year} đã hoàn thành."

MOVES_TABLE_CAPTION = "Bảng 1. Kết quả rà soát, biến động hộ nghèo, hộ cận nghèo năm {year}"
MOVES_TABLE_HEAD = ("STT", "Chỉ tiêu", "Số hộ", "Số nhân khẩu")
MOVES_SECTIONS = {"poor": ("A", "HỘ NGHÈO"), "near_poor": ("B", "HỘ CẬN NGHÈO")}
RATE_ROW = "Tỷ lệ cuối năm (%)"
TARGETS_TABLE_CAPTION = "Bảng 2. Thực hiện các chỉ tiêu giảm nghèo của Kế hoạch"
YEARS_TABLE_CAPTION = "Bảng 3. Tỷ lệ hộ nghèo qua các năm so với lộ trình của Kế hoạch"
TASKS_TABLE_CAPTION = "Bảng 4. Tình hình thực hiện nhiệm vụ theo cơ quan, đơn vị"
FUNDS_TABLE_CAPTION = "Bảng 5. Nguồn vốn được giao và giải ngân theo nguồn"

COMPARISON = {"at_least": "từ {v} trở lên", "more_than": "trên {v}", "at_most": "không quá {v}"}

RECIPIENTS_LABEL = "Nơi nhận:"
RECIPIENTS_DEFAULT = ("Như trên",)
ARCHIVE = "Lưu: VT."

ANNEX_TITLE = "PHỤ LỤC"
ANNEX_SUBTITLE = "CÁC BIỂU TỔNG HỢP SỐ LIỆU"
ANNEX_NOTE = "(Kèm theo Báo cáo số      /{suffix} ngày      tháng      năm {year} của {issuer})"
