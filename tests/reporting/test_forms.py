"""Every summary form of the annual workbook, read back with openpyxl and checked cell by cell against figures worked
out by hand below: the urban and rural sections of the by-unit sheets, the persons columns of form 01, the households
by ethnic group of their head (02a), the children's deprivations (03a), the paper size, and on every sheet that every
total row is the sum of its unit rows.

The district in 2025 (today's ten communes; Sơn Dương marked urban for the test, every other commune rural):

  Sơn Dương (urban)          head     members on 31/12/2025                    official status, deprived on
    U1                       Kinh     head, spouse, children born 2015, 2012   poor: 3, 4, 6
                                      (a child born 2014 left on 1/5/2025)
    U2                       Tày      head, spouse (Kinh), child born 2010     near-poor: 6
    U3 (never reviewed)      Kinh     head, spouse                            neither
  Tân Trào (rural), villages Cầu Trâu (R1, R2) and Đồng Giang (R3, R4)
    R1                       Dao      head, spouse, children born 2009, 2020   poor: 3, 7, 9  (the 2009 child is 16)
    R2                       Tày      head, child born 2018, member with no    poor: 4, 7, 11
                                      birth date
    R3                       Kinh     head (Kinh; the former head, Tày, left   near-poor: none
                                      on 1/6/2025), spouse
    R4 (no member recorded)  —        the review counted 4 persons            neither
  Minh Thanh (rural)
    M1                       Dao      head, child born 2016                    near-poor: 3, 6
    M2                       Tày      head                                     poor, only posted: neither
"""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from households.household_years import household_years_refresh
from households.models import (
    AdministrativeUnit, AnnualReview, Area, Change, Classification, EthnicGroup, Livelihood, Member, MemberChange, Relation, ReviewState, Sex,
)
from households.structure import program_area
from reporting import selectors, services
from reporting.excel import headers as H
from reporting.models import Edition, ReportKind
from tests.conftest import HouseholdFactory, make_village, unit

from .conftest import add_member, make_review

pytestmark = pytest.mark.django_db
P, N, O = Classification.POOR, Classification.NEAR_POOR, Classification.OTHER
M, F = Sex.MALE, Sex.FEMALE
HEAD, SPOUSE, CHILD = Relation.HEAD, Relation.SPOUSE, Relation.CHILD
RURAL_ORDER = ["Xã Tân Trào", "Xã Bình Ca", "Xã Minh Thanh", "Xã Đông Thọ", "Xã Tân Thanh", "Xã Hồng Sơn", "Xã Phú Lương",
               "Xã Sơn Thủy", "Xã Trường Sinh"]


def member(household, name: str, *, born: dt.date | None, ethnic: str | None, relation: str = Relation.OTHER, sex: str = F, **extra) -> Member:
    """A member written directly (a birth date unknown, a member who left), without refreshing the year rows."""
    return Member.objects.create(
        household=household, full_name=name, sex=sex, birth_date=born, relation=relation,
        ethnic_group=EthnicGroup.objects.get(code=ethnic) if ethnic else None, order=Member.all_objects.filter(household=household).count(),
        **extra,
    )


@pytest.fixture
def district(db):
    sd, tt, mt = unit("02536"), unit("02545"), unit("02554")
    AdministrativeUnit.objects.filter(pk=sd.pk).update(area=Area.URBAN)
    sd.refresh_from_db()
    cau_trau, dong_giang = make_village(tt, "Thôn Cầu Trâu"), make_village(tt, "Thôn Đồng Giang")
    h = {}

    def review(key, commune, cls, *, village=None, deprived=(), minority=False, state=ReviewState.CONFIRMED):
        change = {P: Change.NEWLY_POOR, N: Change.NEWLY_NEAR_POOR}.get(cls, Change.STAYED)
        h[key] = make_review(commune=commune, village=village, classification=cls, previous=O, change=change, deprived=deprived,
                             ethnic_minority=minority, state=state).household
        return h[key]

    u1 = review("U1", sd, P, deprived=("3", "4", "6"))
    add_member(u1, "Nguyễn Văn Hùng", sex=M, born=1980, relation=HEAD, ethnic="01")
    add_member(u1, "Trần Thị Lan", born=1982, relation=SPOUSE, ethnic="01")
    add_member(u1, "Nguyễn Văn Nam", sex=M, born=2015, relation=CHILD, ethnic="01")
    add_member(u1, "Nguyễn Thị Hoa", born=2012, relation=CHILD, ethnic="01")
    member(u1, "Nguyễn Văn Bình", born=dt.date(2014, 3, 1), ethnic="01", relation=CHILD, sex=M,
           left_on=dt.date(2025, 5, 1), left_reason=MemberChange.MOVED)
    u2 = review("U2", sd, N, deprived=("6",), minority=True)
    add_member(u2, "Ma Văn Toàn", sex=M, born=1985, relation=HEAD, ethnic="02")
    add_member(u2, "Lê Thị Thu", born=1987, relation=SPOUSE, ethnic="01")
    add_member(u2, "Ma Thị Hà", born=2010, relation=CHILD, ethnic="02")
    h["U3"] = HouseholdFactory(code="BC-U30001", commune=sd)
    add_member(h["U3"], "Phạm Văn Sơn", sex=M, born=1960, relation=HEAD, ethnic="01")
    add_member(h["U3"], "Đỗ Thị Mơ", born=1962, relation=SPOUSE, ethnic="01")

    r1 = review("R1", tt, P, village=cau_trau, deprived=("3", "7", "9"), minority=True)
    add_member(r1, "Bàn Văn Tiến", sex=M, born=1983, relation=HEAD, ethnic="09")
    add_member(r1, "Triệu Thị Mai", born=1985, relation=SPOUSE, ethnic="09")
    add_member(r1, "Bàn Văn Phúc", sex=M, born=2009, relation=CHILD, ethnic="09")  # 16 on 31/12/2025: not a child
    add_member(r1, "Bàn Thị Xuân", born=2020, relation=CHILD, ethnic="09")
    r2 = review("R2", tt, P, village=cau_trau, deprived=("4", "7", "11"), minority=True)
    add_member(r2, "Hà Văn Quý", sex=M, born=1990, relation=HEAD, ethnic="02")
    add_member(r2, "Hà Văn An", sex=M, born=2018, relation=CHILD, ethnic="02")
    member(r2, "Hà Thị Nga", born=None, ethnic="02")  # a person, but not known to be a child
    r3 = review("R3", tt, N, village=dong_giang)
    member(r3, "Hoàng Văn Lự", born=dt.date(1950, 3, 1), ethnic="02", relation=HEAD, sex=M,
           left_on=dt.date(2025, 6, 1), left_reason=MemberChange.DEATH)
    add_member(r3, "Vũ Văn Đông", sex=M, born=1978, relation=HEAD, ethnic="01")  # the head on 31/12/2025
    add_member(r3, "Vũ Thị Hằng", born=1980, relation=SPOUSE, ethnic="01")
    review("R4", tt, O, village=dong_giang)

    m1 = review("M1", mt, N, deprived=("3", "6"), minority=True)
    add_member(m1, "Triệu Thị Liên", born=1995, relation=HEAD, ethnic="09")
    add_member(m1, "Triệu Văn Khoa", sex=M, born=2016, relation=CHILD, ethnic="09")
    m2 = review("M2", mt, P, deprived=("4", "7", "9"), minority=True, state=ReviewState.POSTED)
    add_member(m2, "Lý Văn Hải", sex=M, born=1970, relation=HEAD, ethnic="02")
    household_years_refresh(household_ids=[hh.pk for hh in h.values()])
    return {"households": h, "sd": sd, "tt": tt, "mt": mt, "villages": (cau_trau, dong_giang)}


# --- reading the workbook ------------------------------------------------------------------------------------


def make_report(*, unit=None, year: int = 2025):
    kind = ReportKind.objects.get(code="annual")
    report = services.report_request(kind=kind, year=year, unit=unit or program_area(), edition=Edition.SUMMARY)
    return load_workbook(services.report_generate(report_id=report.pk).file.path)


class Table:
    """One table of a sheet: its column labels ("group / sub-column"), column-number row and rows of values
    (by column number, from 1), from the header row whose first cell is "STT" to the first row that is not data."""

    def __init__(self, ws, header: int):
        self.ws, self.header = ws, header
        self.columns: dict[str, int] = {}
        group = None
        self.width = 0
        for c in range(1, ws.max_column + 1):
            if ws.cell(header + 2, c).value is None:
                break
            self.width = c
            if ws.cell(header, c).value:
                group = ws.cell(header, c).value
            label = ws.cell(header + 1, c).value
            self.columns[f"{group} / {label}" if label else group] = c
        self.numbers = [ws.cell(header + 2, c).value for c in range(1, self.width + 1)]
        self.rows: list[dict[int, object]] = []
        self.formats: list[dict[int, str]] = []
        r = header + 3
        while r <= ws.max_row and self._is_data(r):
            self.rows.append({c: ws.cell(r, c).value for c in range(1, self.width + 1)})
            self.formats.append({c: ws.cell(r, c).number_format for c in range(1, self.width + 1)})
            r += 1
        self.end = r  # the first row after the data (a rate row, a note, a blank)

    def _is_data(self, r: int) -> bool:
        a, b, c = (self.ws.cell(r, k).value for k in (1, 2, 3))
        if b in (H.TOTAL, H.URBAN, H.RURAL) or isinstance(a, int):
            return True
        return a is None and b is None and c == H.PERSONS_ROW  # the persons line of a movement table

    def row(self, name: str) -> dict[int, object]:
        return next(r for r in self.rows if r[2] == name)

    def names(self) -> list[str]:
        return [r[2] for r in self.rows if r[2] is not None]

    def __getitem__(self, label: str) -> int:
        return self.columns[label]


def tables(ws) -> list[Table]:
    found, r = [], 1
    while r <= ws.max_row:
        if ws.cell(r, 1).value == "STT":
            t = Table(ws, r)
            found.append(t)
            r = t.end
        else:
            r += 1
    return found


def assert_totals_add_up(ws, t: Table) -> int:
    """The total row is the sum of the unit rows, and each urban or rural subtotal the sum of its own, in every count
    column (rates are computed from the sums, not added). A unit of a movement table is two lines, households and
    persons. Returns the number of unit rows checked."""
    records: list[tuple[str, list[dict[int, object]], list[dict[int, str]]]] = []
    for values, formats in zip(t.rows, t.formats):
        if values[2] is None and values[3] == H.PERSONS_ROW:
            records[-1][1].append(values)
            records[-1][2].append(formats)
        else:
            kind = "total" if values[2] == H.TOTAL else "subtotal" if values[2] in (H.URBAN, H.RURAL) else "unit"
            records.append((kind, [values], [formats]))
    if not records or records[0][0] != "total":
        return 0
    total = records[0]
    sections: list[tuple[tuple, list]] = []
    units: list[tuple] = []
    for rec in records[1:]:
        if rec[0] == "subtotal":
            sections.append((rec, []))
        else:
            units.append(rec)
            if sections:
                sections[-1][1].append(rec)
    if not units:
        return 0
    counts = [c for c, fmt in total[2][0].items() if c > 2 and fmt == "#,##0"]
    assert counts, f"{ws.title}: no count column"
    for line in range(len(total[1])):
        for c in counts:
            assert total[1][line][c] == sum(u[1][line][c] or 0 for u in units), (ws.title, t.header, "total", line, c)
            for sub, members in sections:
                assert sub[1][line][c] == sum(u[1][line][c] or 0 for u in members), (ws.title, t.header, sub[1][0][2], line, c)
    if sections:  # the sections cover every unit: their subtotals add up to the total as well
        assert sum(len(m) for _, m in sections) == len(units), ws.title
    return len(units)


def by_unit_tables(wb) -> dict[str, list[Table]]:
    return {ws.title: [t for t in tables(ws) if t.rows and t.rows[0][2] == H.TOTAL] for ws in wb.worksheets}


# --- urban and rural sections ----------------------------------------------------------------------------------


BY_UNIT_SHEETS = ("01. Kết quả rà soát", "01a. Biến động hộ nghèo", "01b. Biến động hộ cận nghèo", "02. Hộ DTTS",
                  "02a. Theo dân tộc", "03. Thiếu hụt", "03a. Thiếu hụt của trẻ em", "04. Không có KNLĐ", "05. Nguyên nhân nghèo")


def test_every_by_unit_sheet_has_the_total_then_the_urban_then_the_rural_communes(district):
    wb = make_report()
    sd = district["sd"].name
    expected = [H.TOTAL, H.URBAN, sd, H.RURAL, *RURAL_ORDER]
    found = by_unit_tables(wb)
    for name in BY_UNIT_SHEETS:
        assert found[name], name
        for t in found[name]:
            assert t.names()[: len(expected)] == expected, (name, t.names())
            stt = [r[1] for r in t.rows if r[2] in expected]
            assert stt == [None, "I", 1, "II", *range(1, 10)], (name, stt)
    moves = found["01a. Biến động hộ nghèo"][0]
    assert [r[3] for r in moves.rows[:4]] == [H.HOUSEHOLDS_ROW, H.PERSONS_ROW] * 2  # the urban subtotal has both lines


def test_every_total_row_is_the_sum_of_its_unit_rows_on_every_sheet(district):
    wb = make_report()
    checked = {}
    for name, found in by_unit_tables(wb).items():
        for t in found:
            checked[name] = checked.get(name, 0) + assert_totals_add_up(wb[name], t)
    for name in BY_UNIT_SHEETS:
        assert checked.get(name, 0) >= 10, (name, checked)  # every table of every by-unit sheet, ten communes each


def test_a_communes_report_lists_its_villages_under_the_total_without_sections(district):
    wb = make_report(unit=district["tt"])
    for name, found in by_unit_tables(wb).items():
        for t in found:
            assert H.URBAN not in t.names() and H.RURAL not in t.names(), name
            assert assert_totals_add_up(wb[name], t) == 2, name
    results = tables(wb["01. Kết quả rà soát"])[0]
    assert results.names() == [H.TOTAL, "Thôn Cầu Trâu", "Thôn Đồng Giang"]
    cau_trau = results.row("Thôn Cầu Trâu")
    assert (cau_trau[results["Tổng số hộ dân cư"]], cau_trau[results["Tổng số nhân khẩu"]]) == (2, 7)  # R1 4 + R2 3
    assert cau_trau[results["Hộ nghèo / Nhân khẩu cuối năm"]] == 7


def test_the_support_sheet_is_split_too(district):
    from programs.models import FundingSource, SupportPolicy, SupportRecord

    policy = SupportPolicy.objects.order_by("order", "code").first()
    h = district["households"]
    for hh, commune, amount, source in ((h["U1"], district["sd"], 1_000_000, FundingSource.CENTRAL),
                                        (h["R1"], district["tt"], 2_500_000, FundingSource.CENTRAL),
                                        (h["M1"], district["mt"], 400_000, FundingSource.PROVINCE)):
        SupportRecord.objects.create(household=hh, policy=policy, date=dt.date(2025, 8, 1), amount=amount, funding_source=source,
                                     commune=commune)
    ws = make_report()["07. Hỗ trợ, nguồn vốn"]
    t = tables(ws)[0]
    assert t.names() == [H.TOTAL, H.URBAN, district["sd"].name, H.RURAL, "Xã Tân Trào", "Xã Minh Thanh"]
    amount = t["Tổng kinh phí (đồng)"]
    assert [r[amount] for r in t.rows] == [3_900_000, 1_000_000, 1_000_000, 2_900_000, 2_500_000, 400_000]
    assert assert_totals_add_up(ws, t) == 3


# --- 01 with persons -------------------------------------------------------------------------------------------


def test_official_results_count_households_and_persons(district):
    t = tables(make_report()["01. Kết quả rà soát"])[0]
    assert t.columns["Tổng số hộ dân cư"] == 3  # column C: households (others read it)
    h, p = "Tổng số hộ dân cư", "Tổng số nhân khẩu"
    pe, pr, ne, nr = "Hộ nghèo / Nhân khẩu cuối năm", "Hộ nghèo / Tỷ lệ nhân khẩu (%)", "Hộ cận nghèo / Nhân khẩu cuối năm", "Hộ cận nghèo / Tỷ lệ nhân khẩu (%)"
    expected = {
        # name: households, persons, poor, poor rate, poor persons, their rate, near-poor, rate, persons, their rate
        H.TOTAL: (9, 25, 3, 33.33, 11, 44.0, 3, 33.33, 7, 28.0),
        H.URBAN: (3, 9, 1, 33.33, 4, 44.44, 1, 33.33, 3, 33.33),
        district["sd"].name: (3, 9, 1, 33.33, 4, 44.44, 1, 33.33, 3, 33.33),  # U1 4 (not the child who left), U2 3, U3 2
        H.RURAL: (6, 16, 2, 33.33, 7, 43.75, 2, 33.33, 4, 25.0),  # rates from the sums: 7/16, not the communes' average
        "Xã Tân Trào": (4, 13, 2, 50.0, 7, 53.85, 1, 25.0, 2, 15.38),  # R1 4, R2 3, R3 2 (the former head left), R4 4
        "Xã Minh Thanh": (2, 3, 0, 0.0, 0, 0.0, 1, 50.0, 2, 66.67),  # M2 only posted: neither poor nor near-poor yet
        "Xã Bình Ca": (0, 0, 0, None, 0, None, 0, None, 0, None),
    }
    for name, values in expected.items():
        row = t.row(name)
        got = tuple(row[t[k]] for k in (h, p, "Hộ nghèo / Cuối năm", "Hộ nghèo / Tỷ lệ cuối năm (%)", pe, pr,
                                        "Hộ cận nghèo / Cuối năm", "Hộ cận nghèo / Tỷ lệ cuối năm (%)", ne, nr))
        assert got == values, name
    total, rural = t.row(H.TOTAL), t.row(H.RURAL)
    assert total[t["Hộ nghèo / Phát sinh mới"]] == 3 and total[t["Hộ nghèo / Đầu năm"]] == 0
    assert total[t["Hộ nghèo / Giảm so với năm trước (điểm %)"]] == -33.33  # 0/9 at the end of 2024 → 3/9
    assert rural[t["Hộ nghèo / Giảm so với năm trước (điểm %)"]] == -33.33  # 0/6 → 2/6, from the section's sums
    assert t.numbers[:4] == ["A", "B", "1", "2"]
    assert t.numbers[t["Hộ nghèo / Tỷ lệ nhân khẩu (%)"] - 1] == "11 = 10/2 × 100"
    assert t.numbers[t["Hộ cận nghèo / Tỷ lệ nhân khẩu (%)"] - 1] == "19 = 18/2 × 100"


def test_the_movement_tables_count_persons_on_their_second_line(district):
    t = tables(make_report()["01a. Biến động hộ nghèo"])[0]
    rows = {(r[2], r[3]): r for r in t.rows}
    urban = t.rows[2:4]  # the urban subtotal: households, then persons
    assert urban[0][2] == H.URBAN and urban[1][3] == H.PERSONS_ROW
    newly, end = t["Tăng trong năm / (7) Phát sinh mới"], t["(9) Cuối năm"]
    assert (urban[0][newly], urban[0][end], urban[1][newly], urban[1][end]) == (1, 1, 4, 4)  # U1 and its four persons
    assert (rows[(H.TOTAL, H.HOUSEHOLDS_ROW)][end]) == 3
    total_persons = t.rows[1]
    assert total_persons[3] == H.PERSONS_ROW and total_persons[end] == 11


# --- 02a by ethnic group -----------------------------------------------------------------------------------------


def test_households_by_the_ethnic_group_of_their_head(district):
    ws = make_report()["02a. Theo dân tộc"]
    a, b, c = tables(ws)
    g, m = "Chia theo dân tộc của chủ hộ", "Trong đó, dân tộc thiểu số"
    keys = ("Tổng số", f"{g} / Kinh", f"{g} / Dân tộc thiểu số", f"{g} / {H.UNKNOWN_ETHNIC}", f"{m} / Tày", f"{m} / Dao")
    assert [label for label in a.columns if label not in ("STT", "Xã, thị trấn")] == list(keys)  # groups present, by code
    sd = district["sd"].name
    expected = {
        # table: {row: (total, Kinh, minorities, no head recorded, Tày, Dao)}
        a: {H.TOTAL: (9, 3, 5, 1, 3, 2), H.URBAN: (3, 2, 1, 0, 1, 0), sd: (3, 2, 1, 0, 1, 0), H.RURAL: (6, 1, 4, 1, 2, 2),
            # R3's head on 31/12 is the Kinh one, not the Tày head who left; R4 records no member
            "Xã Tân Trào": (4, 1, 2, 1, 1, 1), "Xã Minh Thanh": (2, 0, 2, 0, 1, 1), "Xã Bình Ca": (0, 0, 0, 0, 0, 0)},
        b: {H.TOTAL: (3, 1, 2, 0, 1, 1), H.URBAN: (1, 1, 0, 0, 0, 0), H.RURAL: (2, 0, 2, 0, 1, 1),
            "Xã Tân Trào": (2, 0, 2, 0, 1, 1), "Xã Minh Thanh": (0, 0, 0, 0, 0, 0)},  # M2 is not official yet
        c: {H.TOTAL: (3, 1, 2, 0, 1, 1), sd: (1, 0, 1, 0, 1, 0), H.RURAL: (2, 1, 1, 0, 0, 1),
            "Xã Tân Trào": (1, 1, 0, 0, 0, 0), "Xã Minh Thanh": (1, 0, 1, 0, 0, 1)},
    }
    for t, rows in expected.items():
        for name, values in rows.items():
            row = t.row(name)
            assert tuple(row[t[k]] for k in keys) == values, (t.header, name)
    # Under the poor and the near-poor tables, each group's rate: its poor (near-poor) over its households.
    for t, label in ((b, H.ETHNIC_GROUPS_RATE_ROW["poor"]), (c, H.ETHNIC_GROUPS_RATE_ROW["near_poor"])):
        rate = {col: ws.cell(t.end, col) for col in range(1, t.width + 1)}
        assert rate[2].value == label
        assert tuple(rate[t[k]].value for k in keys) == (33.33, 33.33, 40.0, 0.0, 33.33, 50.0)
        assert rate[t["Tổng số"]].number_format == "0.00"


def test_the_ethnic_group_selector_counts_in_two_queries(district, django_assert_num_queries):
    units = selectors.UnitIndex()
    units.units  # noqa: B018  (read the units before counting)
    with django_assert_num_queries(2):
        found = selectors.poverty_by_ethnic_group(year=2025, units=units)
    assert [g["code"] for g in found["groups"]] == ["01", "02", "09", None]
    assert found["total"]["ethnic_minority"] == {"households": 5, "poor": 2, "near_poor": 2}
    assert found["total"]["by_group"]["09"] == {"households": 2, "poor": 1, "near_poor": 1}


# --- 03a children's deprivations ---------------------------------------------------------------------------------


def test_childrens_deprivations_by_commune(district):
    ws = make_report()["03a. Thiếu hụt của trẻ em"]
    poor, near = tables(ws)
    nutrition, school = "3. Dinh dưỡng (Y tế)", "6. Tình trạng đi học của trẻ em (Giáo dục)"
    keys = ("Tổng số hộ", "Số trẻ em dưới 16 tuổi trong hộ",
            f"{nutrition} / Số hộ thiếu hụt", f"{nutrition} / Tỷ lệ (%)", f"{nutrition} / Số trẻ em dưới 16 tuổi trong các hộ này",
            f"{school} / Số hộ thiếu hụt", f"{school} / Tỷ lệ (%)", f"{school} / Số trẻ em dưới 16 tuổi trong các hộ này")
    sd = district["sd"].name
    expected = {
        # households, children, nutrition: households, %, children; schooling: households, %, children
        poor: {
            H.TOTAL: (3, 4, 2, 66.67, 3, 1, 33.33, 2),
            H.URBAN: (1, 2, 1, 100.0, 2, 1, 100.0, 2),
            sd: (1, 2, 1, 100.0, 2, 1, 100.0, 2),  # U1: the children born 2015 and 2012, not the one who left
            H.RURAL: (2, 2, 1, 50.0, 1, 0, 0.0, 0),
            "Xã Tân Trào": (2, 2, 1, 50.0, 1, 0, 0.0, 0),  # R1: only the child born 2020; R2: the child born 2018
            "Xã Minh Thanh": (0, 0, 0, None, 0, 0, None, 0),
        },
        near: {
            H.TOTAL: (3, 2, 1, 33.33, 1, 2, 66.67, 2),
            sd: (1, 1, 0, 0.0, 0, 1, 100.0, 1),  # U2: the child born 2010 is 15
            H.RURAL: (2, 1, 1, 50.0, 1, 1, 50.0, 1),
            "Xã Tân Trào": (1, 0, 0, 0.0, 0, 0, 0.0, 0),
            "Xã Minh Thanh": (1, 1, 1, 100.0, 1, 1, 100.0, 1),
        },
    }
    for t, rows in expected.items():
        for name, values in rows.items():
            row = t.row(name)
            assert tuple(row[t[k]] for k in keys) == values, (t.header, name)
    assert poor.numbers[poor[f"{nutrition} / Tỷ lệ (%)"] - 1] == "4 = 3/1 × 100"


def test_the_children_selector_counts_in_two_queries(district, django_assert_num_queries):
    units = selectors.UnitIndex()
    units.units  # noqa: B018
    with django_assert_num_queries(2):
        rows = selectors.children_by_unit(year=2025, classification=P, indicator_codes=("3", "6"), units=units)
    by_name = {r["unit"]["name"]: r for r in rows}
    assert by_name["Xã Tân Trào"] == {**by_name["Xã Tân Trào"], "children": 2, "indicators": {"3": 1, "6": 0}}


# --- print layout ------------------------------------------------------------------------------------------------


def test_a3_above_twelve_columns_a4_otherwise(district):
    wb = make_report()
    seen = {}
    for ws in wb.worksheets:
        found = tables(ws)
        if not found:
            continue
        width = found[0].width
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == (8 if width > 12 else 9), (ws.title, width)
        seen[ws.title] = width
    assert seen["01. Kết quả rà soát"] == 25 and seen["03. Thiếu hụt"] == 16  # A3
    assert seen["01a. Biến động hộ nghèo"] == 12 and seen["03a. Thiếu hụt của trẻ em"] == 10  # A4
    assert seen["02a. Theo dân tộc"] == 8


def test_every_new_sheet_keeps_the_header_block_the_three_header_rows_and_the_signature(district):
    wb = make_report()
    for name in ("02a. Theo dân tộc", "03a. Thiếu hụt của trẻ em"):
        ws = wb[name]
        texts = [c.value for r in ws.iter_rows() for c in r if c.value]
        assert H.MOTTO[0] in texts and H.MOTTO[1] in texts and "NGƯỜI LẬP BIỂU" in texts, name
        assert any(str(t).startswith("Biểu số 0") for t in texts), name
        for t in tables(ws):
            assert ws.cell(t.header, 1).value == "STT" and ws.cell(t.header + 2, 1).value == "A"
            assert ws.cell(t.header + 2, 3).font.i is True and ws.cell(t.header, 1).font.name == "Times New Roman"
    deprivation = wb["03. Thiếu hụt"]
    first = tables(deprivation)[0]
    percent = [deprivation.cell(first.end, c) for c in range(1, first.width + 1)]
    assert percent[1].value == H.PERCENT_ROW and percent[2].value is None
    insurance = next(c for label, c in first.columns.items() if label.endswith("4. Bảo hiểm y tế"))
    assert percent[insurance - 1].value == 66.67 and percent[insurance - 1].number_format == "0.00"  # U1, R2 of 3 poor
    assert wb["02a. Theo dân tộc"]["A4"].value == "HỘ DÂN CƯ, HỘ NGHÈO, HỘ CẬN NGHÈO THEO DÂN TỘC NĂM 2025 (DỰ THẢO)"
    assert wb.sheetnames.index("02a. Theo dân tộc") == wb.sheetnames.index("02. Hộ DTTS") + 1
    assert wb.sheetnames.index("03a. Thiếu hụt của trẻ em") == wb.sheetnames.index("03. Thiếu hụt") + 1


def test_the_average_living_farming_households_and_their_persons(district):
    """Form 01's last group: households of average living standard that live from agriculture, forestry, fishery or
    salt-making (the review's livelihood), and their persons, over all resident households and persons."""
    tt, mt = district["tt"], district["mt"]
    village = district["villages"][0]
    added = []

    def average(commune, livelihood, names, state=ReviewState.CONFIRMED):
        review = make_review(commune=commune, village=village if commune == tt else None, classification=Classification.AVERAGE,
                             state=state)
        AnnualReview.objects.filter(pk=review.pk).update(livelihood=livelihood)
        for i, name in enumerate(names):
            add_member(review.household, name, born=1970 + i, relation=HEAD if i == 0 else CHILD, ethnic="01")
        added.append(review.household)

    average(tt, Livelihood.AGRICULTURE, ["Lê Văn Cường", "Lê Thị Hạnh", "Lê Văn Đạt"])  # counts: 1 household, 3 persons
    average(tt, Livelihood.OTHER, ["Phan Văn Tú", "Phan Thị Yến"])  # average, but a trader: not in the column
    average(mt, Livelihood.FORESTRY, ["Lý Thị Lan"], state=ReviewState.POSTED)  # not yet recognised: not official
    AnnualReview.objects.filter(household=district["households"]["R4"]).update(livelihood=Livelihood.AGRICULTURE)  # above the line
    household_years_refresh(household_ids=[hh.pk for hh in added] + [district["households"]["R4"].pk])

    t = tables(make_report()["01. Kết quả rà soát"])[0]
    a = "Hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có mức sống trung bình"
    keys = ("Tổng số hộ dân cư", "Tổng số nhân khẩu", f"{a} / Số hộ", f"{a} / Tỷ lệ (%)", f"{a} / Nhân khẩu", f"{a} / Tỷ lệ nhân khẩu (%)")
    expected = {
        # households, persons, average-living farming households, rate, their persons, rate
        H.TOTAL: (12, 31, 1, 8.33, 3, 9.68),
        H.URBAN: (3, 9, 0, 0.0, 0, 0.0),
        H.RURAL: (9, 22, 1, 11.11, 3, 13.64),
        "Xã Tân Trào": (6, 18, 1, 16.67, 3, 16.67),
        "Xã Minh Thanh": (3, 4, 0, 0.0, 0, 0.0),
    }
    for name, values in expected.items():
        row = t.row(name)
        assert tuple(row[t[k]] for k in keys) == values, name
    assert t.numbers[t[f"{a} / Tỷ lệ (%)"] - 1] == "21 = 20/1 × 100"
    assert t.numbers[t[f"{a} / Tỷ lệ nhân khẩu (%)"] - 1] == "23 = 22/2 × 100"
    # The working figures count the posted household too.
    working = selectors.poverty_summary(year=2025, basis="working")
    assert (working["average_farming"], working["average_farming_persons"]) == (2, 4)
