"""Helpers of the review import tests (no tests here): households of Tân Trào and workbooks of review results
built with openpyxl, imported by the other tests/io/test_review_import_*.py modules."""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

from households import services
from households.models import EthnicGroup, PovertyStandard, Relation, Sex
from tests.conftest import HouseholdFactory, MemberFactory

YEAR = 2025
DAY = "02/10/2025"


def indicator_headers(year: int = YEAR) -> list[str]:
    rules = PovertyStandard.objects.for_year(year).to_rules()
    return [f"{code}. {name}" for code, name in rules.indicators.items()]


def headers(year: int = YEAR) -> list[str]:
    return (["Mã hộ", "Chủ hộ (để đối chiếu)", "Ngày rà soát", "Số nhân khẩu", "Tổng thu nhập 12 tháng (đồng)",
             "Thu nhập bình quân (đồng/người/tháng)"] + indicator_headers(year) +
            ["Nguyên nhân nghèo (1)", "Nhu cầu hỗ trợ (1)", "Hộ không có khả năng lao động", "Ghi chú"])


# Column positions in `headers()` (0-based): code, head, date, members, total, month, indicators 1–12 at 6–17,
# cause 18, need 19, no working capacity 20, notes 21.
COL = {"code": 0, "head": 1, "date": 2, "members": 3, "total": 4, "month": 5, "cause": 18, "need": 19, "nwc": 20,
       "notes": 21}


def review_row(code: str, *, head: str = "", day: Any = DAY, members: Any = 4, total: Any = None, month: Any = None,
               deprived=(), cause: Any = None, need: Any = None, nwc: Any = None, notes: Any = None) -> list[Any]:
    ticks = ["Có" if str(c) in {str(d) for d in deprived} else "Không" for c in range(1, 13)]
    return [code, head, day, members, total, month, *ticks, cause, need, nwc, notes]


def review_workbook(rows: list[list[Any]], *, header: list[str] | None = None, title_rows: int = 0,
                    merged_title: bool = False, trailing_blank: int = 0, title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả rà soát"
    header = header or headers()
    for i in range(title_rows):
        ws.append([(title or f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {YEAR}") if i == 0 else None])
    if merged_title and title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    for _ in range(trailing_blank):
        ws.append([None] * len(header))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_family(commune, village, code: str, head: str = "Ma Văn Thắng", *, size: int = 4):
    """A household of `size` members (head, spouse, children), Tày."""
    hh = HouseholdFactory(code=code, commune=commune, village=village, head_name=head)
    tay = EthnicGroup.objects.get(code="02")
    MemberFactory(household=hh, full_name=head, sex=Sex.MALE, relation=Relation.HEAD, birth_date=dt.date(1980, 3, 1),
                  ethnic_group=tay, citizen_id=None)
    for i in range(size - 1):
        MemberFactory(household=hh, full_name=f"Ma Thị Con {i}", sex=Sex.FEMALE,
                      relation=Relation.SPOUSE if i == 0 else Relation.CHILD,
                      birth_date=dt.date(1983 + 10 * i, 6, 9), ethnic_group=tay, citizen_id=None)
    return hh


def save_review(household, *, income: int = 1_200_000, deprived=("1", "2", "3"), day: dt.date = dt.date(2025, 10, 2),
                user=None, **kwargs):
    return services.review_save(household=household, year=YEAR, user=user, review_date=day, member_count=4,
                                income_per_capita_month=income, deprivations=list(deprived), **kwargs)
