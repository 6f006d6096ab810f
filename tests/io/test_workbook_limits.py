"""A workbook that would make the reader allocate what no district file needs is refused before any parser runs,
with a Vietnamese message that names the limit: one cell at XFD1048576 (python-calamine asks for 512 GiB and
aborts the process), one at A1048576 (600 MB), more rows than the limit, a zip that unpacks past its cap."""
import io

import pytest
from openpyxl import Workbook

from households.excel_io import Limits, WorkbookError, check_limits, load_sheets


def xlsx(cells: dict[str, object]) -> bytes:
    wb = Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("ref", "words"), [
    ("XFD1048576", "dòng 1.048.576, vượt giới hạn 250.000 dòng"),
    ("A1048576", "dòng 1.048.576, vượt giới hạn 250.000 dòng"),
    ("XFD1", "cột thứ 16.384, vượt giới hạn 200 cột"),
])
def test_a_far_away_cell_is_refused_before_the_reader_allocates(ref, words):
    data = xlsx({"A1": "Mã hộ", ref: "x"})
    assert len(data) < 10_000  # a few KB
    with pytest.raises(WorkbookError) as caught:
        load_sheets(data, "xa.xlsx")  # would abort the test process if the reader ran
    assert words in str(caught.value)


def test_rows_and_cells_and_the_unpacked_size_have_their_limits():
    data = xlsx({f"A{r}": f"Hộ {r}" for r in range(1, 301)} | {"C300": 1})
    check_limits(data, "xlsx", Limits())  # within the defaults
    with pytest.raises(WorkbookError, match="vượt giới hạn 200 dòng"):
        check_limits(data, "xlsx", Limits(rows=200))
    with pytest.raises(WorkbookError, match=r"\(300 dòng × 3 cột\) vượt giới hạn 800 ô"):
        check_limits(data, "xlsx", Limits(cells=800))
    big = xlsx({f"A{r}": "x" * 2000 for r in range(1, 700)})  # about 1.4 MB of text, compressed to a few KB
    with pytest.raises(WorkbookError, match="khi giải nén lớn 1 MB, vượt giới hạn 1 MB|vượt giới hạn 1 MB"):
        check_limits(big, "xlsx", Limits(uncompressed_mb=1))


def test_a_district_sized_file_passes(settings):
    rows = {f"{col}{r}": "Nguyễn Văn An" for r in range(1, 2001) for col in "ABCDEFGHIJKL"}
    assert load_sheets(xlsx(rows), "huyen.xlsx")[0].rows[1999][11] == "Nguyễn Văn An"
