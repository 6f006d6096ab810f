"""Workbooks built by the tests themselves with openpyxl (no binary fixtures), and helpers to read answers."""
from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import make_village

HEADERS = ["Mã hộ", "Thôn, tổ dân phố", "Địa chỉ", "Họ và tên", "Giới tính", "Ngày sinh", "Số định danh cá nhân",
           "Dân tộc", "Quan hệ với chủ hộ"]


def workbook(rows: list[list[Any]], *, headers: list[str] | None = None, title_rows: int = 0, merged_title: bool = False,
             trailing_blank: int = 0, sheet: str = "Nhân khẩu", font: str | None = None) -> bytes:
    """A workbook with `title_rows` lines above the header (the first a merged title when asked)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    headers = headers or HEADERS
    for i in range(title_rows):
        ws.append([f"Dòng tiêu đề {i + 1}" if i == 0 else None])
    if merged_title and title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(row)
    if font:
        from openpyxl.styles import Font

        for row in ws.iter_rows():
            for cell in row:
                cell.font = Font(name=font)
    for _ in range(trailing_blank):
        ws.append([None] * len(headers))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def household_rows(code: str, village: str = "Thôn Tân Lập", *, ids: tuple[str, str] = ("008078001234", "008180005678")):
    return [
        [code, village, "Thôn Tân Lập, xã Tân Trào", "Ma Văn Thắng", "Nam", "12/03/1978", ids[0], "Tày", "Chủ hộ"],
        [None, None, None, "Hoàng Thị Mai", "Nữ", "1980", ids[1], "Tày", "Vợ/chồng"],
        [None, None, None, "Ma Văn Hùng", "Nam", "05/09/2010", None, "Tày", "Con"],
    ]


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.fixture
def tan_lap(tantrao):
    return make_village(tantrao, "Thôn Tân Lập")


@pytest.fixture
def cau_tram(tantrao):
    return make_village(tantrao, "Thôn Cầu Trâm")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """A small Sơn Dương built by every app's demo builder, once per module, rolled back at its end (each test
    runs in a savepoint inside). Returns the demo accounts by username."""
    import datetime as dt

    from django.db import transaction

    from accounts.demo import build_accounts
    from households import demo as households_demo
    from programs import demo as programs_demo
    from reporting import demo as reporting_demo

    today = dt.date(2026, 3, 2)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            households_demo.build_registry(households=40, seed=11, today=today)
            households_demo.build_reviews(seed=11, today=today)
            programs_demo.build_programs(seed=11, today=today)
            accounts = {acc.username: user for acc, user in build_accounts()}
            reporting_demo.build_obligations(seed=11, today=today)
            from households.models import AdministrativeUnit
            from reporting.models import GeneratedReport, ReportKind

            district = AdministrativeUnit.objects.filter(code="076").first()
            for year in range(2021, 2026):  # report rows without generating workbooks (that is reporting's to test)
                GeneratedReport.objects.create(kind=ReportKind.objects.order_by("pk").first(), year=year, unit=district)
            yield accounts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def api_endpoints():
    """Every collection of the API router: (prefix, viewset)."""
    from sondương.api_urls import router

    return [(prefix, viewset) for prefix, viewset, _ in router.registry]
