"""A commune officer goes from the review board to the review import, downloads the commune's template for the
year, fills two households' income and indicators, uploads it, sees the computed classification in the preview,
confirms, and finds the results on the review board."""

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD, make_village
from tests.e2e.conftest import login, screenshot
from tests.io.test_review_import_fixtures import YEAR, make_family

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FILLED = {
    # code: (income per person per month, deprived indicators)
    "TT-R1": (1_000_000, {"1", "2", "3"}),  # under the rural poverty line, three deprivations: poor
    "TT-R2": (3_000_000, set()),  # above the average-living-standard line: not poor
}


def test_commune_officer_imports_review_results_from_the_template(page, tantrao_officer, tantrao, tmp_path):
    village = make_village(tantrao, "Thôn Tân Lập")
    make_family(tantrao, village, "TT-R1", head="Ma Văn Lực")
    make_family(tantrao, village, "TT-R2", head="Hoàng Thị Én")
    login(page, "canbo_tantrao", PASSWORD)
    page.goto(page.base_url + f"/reviews/?year={YEAR}")
    page.get_by_role("link", name="Nhập kết quả rà soát từ Excel").click()
    page.wait_for_url("**/import/reviews/**")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải tệp mẫu kết quả rà soát (.xlsx)").click()
    template = download_info.value
    path = tmp_path / template.suggested_filename
    template.save_as(path)

    wb = load_workbook(path)
    sheet = wb["Kết quả rà soát"]
    header = [c.value for c in sheet[4]]
    income_col = header.index("Thu nhập bình quân (đồng/người/tháng)") + 1
    first_indicator = header.index("1. Việc làm") + 1
    filled_rows = 0
    for row in sheet.iter_rows(min_row=5):
        code = row[0].value
        if code not in FILLED:
            continue
        income, deprived = FILLED[code]
        sheet.cell(row=row[0].row, column=income_col, value=income)
        for i in range(12):
            sheet.cell(row=row[0].row, column=first_indicator + i, value="Có" if str(i + 1) in deprived else "Không")
        filled_rows += 1
    assert filled_rows == 2
    filled = tmp_path / "ket-qua-ra-soat-tan-trao.xlsx"
    wb.save(filled)

    page.get_by_label("Tệp Excel (.xlsx, .xls)").set_input_files(str(filled))
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    page.wait_for_url("**/households/import/*/")
    assert page.locator("[data-outcome=new]").inner_text() == "2"
    assert page.locator("[data-outcome=error]").inner_text() == "0"
    content = page.content()
    assert "Hộ nghèo" in content and "Hộ không nghèo" in content
    screenshot(page, "review-import-preview")
    page.get_by_role("button", name="Xác nhận ghi 2 kết quả rà soát").click()
    page.wait_for_selector("text=Đã ghi 2 kết quả mới")
    page.get_by_role("link", name="Về bảng rà soát").click()
    page.wait_for_url("**/reviews/**")
    board = page.content()
    assert "TT-R1" in board and "TT-R2" in board
    screenshot(page, "review-import-board")
