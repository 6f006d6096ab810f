"""Real-world workbooks: headers below titles, merged cells, blank lines, numbers as text, dates in every shape,
legacy Vietnamese encodings, NFD names, and files that are not workbooks at all."""
import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook

from households.excel_io import TextCleaner, WorkbookError, parse_birth, sniff
from households.imports import households_import_commit, households_import_plan
from households.models import Household, Member
from tests.io.conftest import HEADERS, household_rows, workbook

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 1)


def plan_of(user, commune, data, name="xa.xlsx"):
    return households_import_plan(data=data, filename=name, user=user, commune=commune)


def messages(plan):
    return [(p.row, p.column, p.message) for p in plan.problems]


def test_header_below_a_merged_title_with_blank_rows_after_the_data(tantrao_officer, tantrao, tan_lap):
    data = workbook(household_rows("TT-1"), title_rows=3, merged_title=True, trailing_blank=20)
    plan = plan_of(tantrao_officer, tantrao, data)
    assert plan.ok, messages(plan)
    assert plan.header_row == 4
    assert plan.totals()["households"] == 1 and plan.totals()["members"] == 3 and plan.totals()["rows"] == 3


def test_household_code_in_a_merged_cell_spans_its_members(tantrao_officer, tantrao, tan_lap):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in household_rows("TT-7"):
        ws.append(row)
    ws.merge_cells("A2:A4")
    out = io.BytesIO()
    wb.save(out)
    plan = plan_of(tantrao_officer, tantrao, out.getvalue())
    assert plan.ok and [len(h.members) for h in plan.households] == [3]


def test_column_numbers_row_under_an_official_header_is_skipped(tantrao_officer, tantrao, tan_lap):
    rows = [[f"({i})" for i in range(1, 10)]] + household_rows("TT-1")
    plan = plan_of(tantrao_officer, tantrao, workbook(rows, title_rows=1))
    assert plan.ok, messages(plan)
    assert plan.totals()["members"] == 3


def test_numbers_stored_as_text_and_ids_typed_as_numbers_keep_their_leading_zeros(tantrao_officer, tantrao, tan_lap):
    rows = household_rows("TT-2")
    rows[0][6] = 8078001234  # Excel dropped the leading zeros of 008078001234
    rows[1][6] = "008 180 005 678"
    rows[0][0] = 12345  # a numeric household code
    plan = plan_of(tantrao_officer, tantrao, workbook(rows))
    assert plan.ok, messages(plan)
    household = plan.households[0]
    assert household.code == "12345"
    assert [m.values.get("citizen_id") for m in household.members] == ["008078001234", "008180005678", None]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("17/05/1985", (dt.date(1985, 5, 17), False)),
        ("7.5.1985", (dt.date(1985, 5, 7), False)),
        ("17-05-1985", (dt.date(1985, 5, 17), False)),
        ("1985-05-17", (dt.date(1985, 5, 17), False)),
        (31184, (dt.date(1985, 5, 17), False)),  # an Excel serial
        (31184.0, (dt.date(1985, 5, 17), False)),
        (dt.datetime(1985, 5, 17), (dt.date(1985, 5, 17), False)),
        (1985, (dt.date(1985, 1, 1), True)),  # a year alone
        ("1985", (dt.date(1985, 1, 1), True)),
        ("'1985", (dt.date(1985, 1, 1), True)),
        ("", (None, False)),
    ],
)
def test_birth_dates_in_every_shape(cell, expected):
    assert parse_birth(cell, today=TODAY) == expected


@pytest.mark.parametrize("cell", ["31/02/1985", "17/13/1985", "không rõ", "1985/99"])
def test_impossible_birth_dates_are_refused_in_vietnamese(cell):
    with pytest.raises(ValueError) as exc:
        parse_birth(cell, today=TODAY)
    assert "ngày" in str(exc.value).lower()


def test_dates_typed_three_ways_import_into_the_same_fields(tantrao_officer, tantrao, tan_lap):
    rows = household_rows("TT-3")
    rows[0][5] = dt.datetime(1978, 3, 12)
    rows[1][5] = 1980
    rows[2][5] = 40426  # 05/09/2010 as an Excel serial
    plan = households_import_commit(data=workbook(rows), filename="x.xlsx", user=tantrao_officer, commune=tantrao)
    assert plan.ok
    members = list(Member.objects.filter(household__code="TT-3").order_by("order"))
    assert [(m.birth_date, m.birth_year_only) for m in members] == [
        (dt.date(1978, 3, 12), False), (dt.date(1980, 1, 1), True), (dt.date(2010, 9, 5), False)]


def _tcvn3(text: str) -> str:
    from viparse.normalize.tcvn3 import TCVN3

    inverse = {u: legacy for legacy, u in TCVN3.pairs}
    return "".join(inverse.get(ch) or (inverse.get(ch.lower()) if ch.isupper() else None) or ch for ch in text)


def _vni(text: str) -> str:
    from households.excel_io import VNI

    inverse = {u: legacy for legacy, u in VNI.pairs}
    return "".join(inverse.get(ch, ch) for ch in text)


def test_the_domain_examples_of_tcvn3_are_read_as_unicode():
    cleaner = TextCleaner()
    assert cleaner.clean("NguyÔn") == "Nguyễn"
    assert cleaner.clean("S¬n D\xad¬ng") == "Sơn Dương"
    assert cleaner.clean("NGUYÔN V¡N AN") == "NGUYỄN VĂN AN"  # typed in capitals with .VnTimeH
    assert cleaner.report.converted["tcvn3"] == 3


def test_unicode_text_is_never_converted():
    cleaner = TextCleaner()
    for text in ("Tô Hoài", "Hoàng Thị Mai", "HMông", "Nguyễn Văn Đức", "Ê-đê", "Dao"):
        assert cleaner.clean(text) == text
    assert not cleaner.report.converted


def test_a_workbook_typed_with_vntime_imports_in_unicode(tantrao_officer, tantrao, tan_lap):
    rows = [
        ["TT-5", _tcvn3("Thôn Tân Lập"), _tcvn3("Xã Tân Trào"), _tcvn3("Nguyễn Văn Đức"), "Nam", "12/03/1978", None,
         _tcvn3("Tày"), _tcvn3("Chủ hộ")],
        [None, None, None, _tcvn3("Lò Thị Vũ"), _tcvn3("Nữ"), "1980", None, "Kinh", _tcvn3("Vợ/chồng")],
        [None, None, None, _tcvn3("Nguyễn Thị Thúy"), _tcvn3("Nữ"), "2012", None, "Kinh", "Con"],
    ]
    headers = [_tcvn3(h) for h in HEADERS]
    plan = households_import_commit(data=workbook(rows, headers=headers, title_rows=1, font=".VnTime"),
                                    filename="tcvn3.xlsx", user=tantrao_officer, commune=tantrao)
    assert plan.ok, messages(plan)
    household = Household.objects.get(code="TT-5")
    assert household.head_name == "Nguyễn Văn Đức" and household.address == "Xã Tân Trào"
    assert list(household.members.values_list("full_name", flat=True)) == [
        "Nguyễn Văn Đức", "Lò Thị Vũ", "Nguyễn Thị Thúy"]
    assert any("TCVN3" in note for note in plan.notes)


def test_a_workbook_typed_with_vni_imports_in_unicode(tantrao_officer, tantrao, tan_lap):
    rows = [
        ["TT-6", "Thôn Tân Lập", None, _vni("Hoàng Văn Thắng"), "Nam", "1970", None, _vni("Sán Chay"), _vni("Chủ hộ")],
        [None, None, None, _vni("Lâm Thị Thơm"), _vni("Nữ"), "1972", None, _vni("Sán Chay"), _vni("Vợ/chồng")],
    ]
    plan = households_import_commit(data=workbook(rows), filename="vni.xlsx", user=tantrao_officer, commune=tantrao)
    assert plan.ok, messages(plan)
    assert list(Member.objects.filter(household__code="TT-6").values_list("full_name", flat=True)) == [
        "Hoàng Văn Thắng", "Lâm Thị Thơm"]
    assert any("VNI" in note for note in plan.notes)


def test_names_typed_on_a_mac_in_nfd_are_stored_in_nfc(tantrao_officer, tantrao, tan_lap):
    rows = household_rows("TT-8")
    rows[0][3] = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    plan = households_import_commit(data=workbook(rows), filename="mac.xlsx", user=tantrao_officer, commune=tantrao)
    assert plan.ok
    head = Member.objects.get(household__code="TT-8", relation="head")
    assert head.full_name == "Nguyễn Văn Đức" and unicodedata.is_normalized("NFC", head.full_name)
    # The same person typed either way is the same name: importing the NFC file again changes nothing.
    rows[0][3] = "Nguyễn Văn Đức"
    assert plan_of(tantrao_officer, tantrao, workbook(rows)).totals()["unchanged"] == 1


def _encrypted_office_file() -> bytes:
    # The start of an OLE compound file as Excel writes it for a password-protected workbook.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "a.xlsx", "rỗng"),
        (b"%PDF-1.7 ...", "a.pdf", "PDF"),
        (b"Ma ho;Ho va ten\n1;A\n", "a.csv", "CSV"),
        (_docx(), "a.docx", "Word"),
        (_encrypted_office_file(), "a.xlsx", "mật khẩu"),
        (b"PK\x03\x04 this zip is cut short", "a.xlsx", "hỏng"),
        (b"\x00\x01\x02 random bytes", "a.xlsx", "không phải bảng tính"),
    ],
)
def test_files_that_are_not_readable_workbooks_get_a_clear_message(data, name, words):
    with pytest.raises(WorkbookError) as exc:
        sniff(data, name)
    assert words.lower() in str(exc.value).lower()


def test_a_damaged_workbook_gets_a_message_not_a_crash(tantrao_officer, tantrao):
    good = workbook(household_rows("TT-1"))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            dst.writestr(item, content[: len(content) // 3] if item.filename.endswith("sheet1.xml") else content)
    plan = plan_of(tantrao_officer, tantrao, out.getvalue())
    assert "hỏng" in plan.fatal and not plan.ok


def test_a_sheet_without_the_needed_headers_says_which_are_missing(tantrao_officer, tantrao):
    plan = plan_of(tantrao_officer, tantrao, workbook([["x", "y"]], headers=["Cột A", "Cột B"]))
    assert "Mã hộ" in plan.fatal and "Họ và tên" in plan.fatal


def test_old_header_spellings_and_extra_columns_are_accepted(tantrao_officer, tantrao, tan_lap):
    headers = ["STT", "Mã số hộ", "Thôn", "Họ tên", "Giới tính", "Năm sinh", "Số CCCD", "Dân tộc", "Quan hệ", "Ghi chú"]
    rows = [[i + 1, *r, "ghi chú"] for i, r in enumerate(household_rows("TT-9"))]
    for r in rows:
        del r[3]  # no address column in this workbook
    plan = plan_of(tantrao_officer, tantrao, workbook(rows, headers=headers))
    assert plan.ok, messages(plan)
    assert any("Ghi chú" in note for note in plan.notes)
