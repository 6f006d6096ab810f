"""Real-world review workbooks: the header below a merged title, blank rows after the data, numbers typed as
text, legacy Vietnamese encodings, the year of another template, and files that are not readable workbooks."""
import io
import zipfile

import pytest

from households.imports_reviews import parse_money, reviews_import_plan
from tests.conftest import make_village
from tests.io.conftest import household_rows, workbook
from tests.io.test_import_files import _encrypted_office_file, _tcvn3, _vni
from tests.io.test_review_import_fixtures import COL, YEAR, headers, make_family, review_row, review_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(tantrao):
    village = make_village(tantrao, "Thôn Tân Lập")
    return [make_family(tantrao, village, f"TT-{n}") for n in range(1, 3)]


def plan_of(user, data, name="ra-soat.xlsx", year=YEAR):
    return reviews_import_plan(data=data, filename=name, user=user, year=year)


def messages(plan):
    return [(p.row, p.column, p.message) for p in plan.problems]


def test_header_below_a_merged_title_with_blank_rows_after_the_data(tantrao_officer, families):
    rows = [review_row("TT-1", month=1_200_000, deprived=("1", "2", "3")), review_row("TT-2", month=900_000)]
    plan = plan_of(tantrao_officer, review_workbook(rows, title_rows=3, merged_title=True, trailing_blank=30))
    assert plan.ok, (plan.fatal, messages(plan))
    assert plan.header_row == 4 and plan.rows_read == 2
    assert [r.result["classification"] for r in plan.rows] == ["poor", "near_poor"]


@pytest.mark.parametrize(("cell", "amount"), [
    ("57.600.000", 57_600_000), ("57,600,000", 57_600_000), ("57 600 000", 57_600_000), ("57.600.000 đ", 57_600_000),
    ("57600000", 57_600_000), (57600000.0, 57_600_000), ("'57600000", 57_600_000), ("57.600.000 đồng", 57_600_000),
])
def test_amounts_typed_as_text_or_numbers(cell, amount):
    assert parse_money(cell, noun="Tổng thu nhập") == amount


def test_numbers_stored_as_text_are_read(tantrao_officer, families):
    row = review_row("TT-1", members="4", total="57.600.000", deprived=("1", "2", "3"))
    row[COL["code"]] = "TT-1 "
    plan = plan_of(tantrao_officer, review_workbook([row]))
    assert plan.ok, messages(plan)
    assert plan.rows[0].result["income_per_capita_month"] == 1_200_000 and plan.rows[0].result["member_count"] == 4


def test_ticks_written_as_x_and_blank(tantrao_officer, families):
    row = review_row("TT-1", month=1_000_000)
    row[6:18] = ["x", "X", "có", None, "", "Không", "0", "-", None, None, None, None]
    plan = plan_of(tantrao_officer, review_workbook([row]))
    assert plan.ok, messages(plan)
    assert plan.rows[0].result["deprivations"] == ["1", "2", "3"]


@pytest.mark.parametrize("encode", [_tcvn3, _vni])
def test_a_workbook_typed_in_a_legacy_font_imports_in_unicode(tantrao_officer, families, encode):
    row = review_row("TT-1", month=1_200_000, deprived=("1", "2", "3"), cause=encode("Thiếu đất canh tác"),
                     need=encode("Hỗ trợ nhà ở"), notes=encode("Hộ ở nhờ nhà người thân"))
    row[6:18] = [encode(t) for t in row[6:18]]  # typed in the same font as the rest ("Cã" is TCVN3 for "Có")
    head = [encode(h) for h in headers()]
    plan = plan_of(tantrao_officer, review_workbook([row], header=head))
    assert plan.ok, (plan.fatal, messages(plan))
    result = plan.rows[0].result
    assert (result["causes"], result["needs"], result["notes"]) == (["dat"], ["nhao"], "Hộ ở nhờ nhà người thân")
    assert any("sang Unicode" in note for note in plan.notes)


def test_a_template_of_another_year_is_refused(tantrao_officer, families):
    data = review_workbook([review_row("TT-1", month=1_000_000)], title_rows=2,
                           title="KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024 – XÃ TÂN TRÀO")
    plan = plan_of(tantrao_officer, data)
    assert plan.fatal.startswith("Tệp này là mẫu kết quả rà soát năm 2024, nhưng bạn chọn năm 2025.")


def test_a_household_workbook_is_not_taken_for_reviews(tantrao_officer, families):
    plan = plan_of(tantrao_officer, workbook(household_rows("TT-1")))
    assert "cột thu nhập hoặc các chỉ số thiếu hụt" in plan.fatal


@pytest.mark.parametrize(("data", "words"), [
    (_encrypted_office_file(), "mật khẩu"),
    (b"PK\x03\x04 this zip is cut short", "hỏng"),
    (b"%PDF-1.7", "PDF"),
    (b"", "rỗng"),
])
def test_files_that_are_not_readable_workbooks(tantrao_officer, data, words):
    plan = plan_of(tantrao_officer, data)
    assert words in plan.fatal and not plan.ok


def test_a_damaged_workbook_gets_a_message_not_a_crash(tantrao_officer, families):
    good = review_workbook([review_row("TT-1", month=1_000_000)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            dst.writestr(item, content[: len(content) // 3] if item.filename.endswith("sheet1.xml") else content)
    assert "hỏng" in plan_of(tantrao_officer, out.getvalue()).fatal


def test_a_year_without_a_standard_or_in_the_future_is_refused(tantrao_officer, families):
    assert "không hợp lệ" in plan_of(tantrao_officer, review_workbook([]), year=2099).fatal
    assert plan_of(tantrao_officer, review_workbook([])).fatal == "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."
