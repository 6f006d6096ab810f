"""A commune officer downloads the import template, fills it, uploads it, sees the preview, confirms, and finds
the households in the registry."""

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD, make_village
from tests.e2e.conftest import login, menu_link, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = [
    # code, village, address, phone, name, sex, birth, citizen ID, ethnic group, relation
    ("TT-E2E-1", "Thôn Cầu Trâu", "Thôn Cầu Trâu", "0912345678", "Lâm Văn Hải", "Nam", "03/02/1980", "008080123456", "Sán Chay", "Chủ hộ"),
    (None, None, None, None, "Lâm Thị Thơm", "Nữ", "1982", "008182123457", "Sán Chay", "Vợ/chồng"),
    (None, None, None, None, "Lâm Văn Tú", "Nam", "09/07/2012", None, "Sán Chay", "Con"),
    ("TT-E2E-2", "Thôn Cầu Trâu", "Thôn Cầu Trâu", None, "Ma Thị Hoa", "Nữ", "12/12/1961", "008161123458", "Tày", "Chủ hộ"),
]


def test_commune_officer_imports_households_from_the_template(page, tantrao_officer, tantrao, tmp_path):
    make_village(tantrao, "Thôn Cầu Trâu")
    login(page, "canbo_tantrao", PASSWORD)
    menu_link(page, "Nhập Excel").click()
    page.wait_for_url("**/households/import/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").click()
    template = download_info.value
    path = tmp_path / template.suggested_filename
    template.save_as(path)

    wb = load_workbook(path)
    sheet = wb["Nhân khẩu"]
    for r, person in enumerate(PEOPLE, start=5):
        for c, value in enumerate(person, start=1):
            sheet.cell(row=r, column=c, value=value)
    filled = tmp_path / "danh-sach-tan-trao.xlsx"
    wb.save(filled)

    page.get_by_label("Tệp Excel (.xlsx, .xls)").set_input_files(str(filled))
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    page.wait_for_url("**/households/import/*/")
    assert page.locator("[data-outcome=new]").inner_text() == "2"
    rows = page.locator("#rows").inner_text()
    assert "Lâm Văn Hải" in rows and "Thêm mới" in rows and "Có lỗi" not in rows
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Xác nhận ghi 2 hộ vào sổ").click()
    page.wait_for_selector("text=Đã ghi 2 hộ mới")
    page.get_by_role("link", name="Xem danh sách hộ").click()
    page.wait_for_url("**/households/")
    body = page.locator("#rows").inner_text()
    assert "TT-E2E-1" in body and "Lâm Văn Hải" in body and "TT-E2E-2" in body
    page.get_by_role("link", name="TT-E2E-1").click()
    assert "Nhân khẩu (3)" in page.content()
    screenshot(page, "import-done")
