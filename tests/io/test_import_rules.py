"""The import's rules: every error kind by row, column and reason; all rows or none; the same file twice changes
nothing; updates; and the same refusals as households.services.household_save."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from households import services
from households.imports import ImportRefused, households_import_commit, households_import_plan
from households.models import EthnicGroup, Household, Member, Relation
from tests.conftest import HouseholdFactory, MemberFactory, make_village, unit
from tests.io.conftest import household_rows, workbook

pytestmark = pytest.mark.django_db


def plan_of(user, commune, rows, **kwargs):
    return households_import_plan(data=workbook(rows, **kwargs), filename="xa.xlsx", user=user, commune=commune)


def commit(user, commune, rows, **kwargs):
    return households_import_commit(data=workbook(rows, **kwargs), filename="xa.xlsx", user=user, commune=commune)


def problems(plan):
    return {(p.row, p.column): p.message for p in plan.problems}


ERRORS = [
    # (change to the second household's head row, column, the reason's words)
    (lambda r: r.__setitem__(3, ""), "Họ và tên", "Chưa nhập họ và tên."),
    (lambda r: r.__setitem__(4, "Không rõ"), "Giới tính", "Giới tính “Không rõ” không có trong danh sách (Nam, Nữ)."),
    (lambda r: r.__setitem__(4, ""), "Giới tính", "Giới tính phải là Nam hoặc Nữ."),
    (lambda r: r.__setitem__(5, "31/02/1980"), "Ngày sinh", "không có thật"),
    (lambda r: r.__setitem__(5, "01/01/2099"), "Ngày sinh", "Ngày sinh không được sau ngày hôm nay."),
    (lambda r: r.__setitem__(6, "00807800123"), "Số định danh cá nhân", "Số định danh cá nhân phải gồm đúng 12 chữ số."),
    (lambda r: r.__setitem__(6, "00807800123X"), "Số định danh cá nhân", "Số định danh cá nhân phải gồm đúng 12 chữ số."),
    (lambda r: r.__setitem__(7, "Kinh Tày"), "Dân tộc", "Dân tộc “Kinh Tày” không có trong danh mục 54 dân tộc."),
    (lambda r: r.__setitem__(8, "Hàng xóm"), "Quan hệ với chủ hộ", "Quan hệ “Hàng xóm” không có trong danh sách"),
    (lambda r: r.__setitem__(1, "Thôn Không Có"), "Thôn, tổ dân phố", "Không có thôn, tổ dân phố “Thôn Không Có” ở Xã Tân Trào."),
]


@pytest.mark.parametrize(("change", "column", "words"), ERRORS)
def test_each_error_is_reported_by_row_column_and_reason(tantrao_officer, tantrao, tan_lap, change, column, words):
    rows = household_rows("TT-1") + household_rows("TT-2", ids=("008078009991", "008180009992"))
    change(rows[3])
    plan = plan_of(tantrao_officer, tantrao, rows)
    found = problems(plan)
    assert (5, column) in found, found  # header on row 1, the second household starts on row 5
    assert words in found[(5, column)]
    assert [h.outcome for h in plan.households] == ["new", "error"]


def test_all_errors_of_a_file_are_listed_at_once(tantrao_officer, tantrao, tan_lap):
    rows = household_rows("TT-1")
    rows[0][4] = "x"
    rows[1][5] = "99/99/1999"
    rows[2][7] = "Không biết"
    plan = plan_of(tantrao_officer, tantrao, rows)
    assert sorted(problems(plan)) == [(2, "Giới tính"), (3, "Ngày sinh"), (4, "Dân tộc")]


def test_a_household_code_repeated_in_another_block_is_an_error(tantrao_officer, tantrao, tan_lap):
    rows = household_rows("TT-1") + household_rows("TT-2", ids=("008078009991", "008180009992"))
    rows += [["TT-1", None, None, "Ma Văn Mới", "Nam", "2015", None, "Tày", "Con"]]
    plan = plan_of(tantrao_officer, tantrao, rows)
    assert "Mã hộ TT-1 lặp lại: đã có ở dòng 2" in problems(plan)[(8, "Mã hộ")]


def test_rows_without_a_code_before_any_household_are_refused(tantrao_officer, tantrao, tan_lap):
    rows = [[None, None, None, "Người Không Hộ", "Nam", "1990", None, "Kinh", "Chủ hộ"]] + household_rows("TT-1")
    assert problems(plan_of(tantrao_officer, tantrao, rows))[(2, "Mã hộ")] == "Chưa nhập mã hộ."


def test_two_heads_in_one_household(tantrao_officer, tantrao, tan_lap):
    rows = household_rows("TT-1")
    rows[2][8] = "Chủ hộ"
    assert problems(plan_of(tantrao_officer, tantrao, rows))[(4, "Quan hệ với chủ hộ")] == "Một hộ chỉ có một chủ hộ."


def test_one_citizen_id_twice_in_a_household_and_across_the_file(tantrao_officer, tantrao, tan_lap):
    rows = household_rows("TT-1", ids=("008078001234", "008078001234"))
    rows += household_rows("TT-2", ids=("008180005678", "008180005679"))
    rows[3][6] = "008078001234"
    found = problems(plan_of(tantrao_officer, tantrao, rows))
    assert found[(3, "Số định danh cá nhân")] == "Số định danh 008078001234 bị nhập hai lần trong hộ."
    assert found[(5, "Số định danh cá nhân")] == "Số định danh 008078001234 đã ghi ở dòng 2 (hộ TT-1)."


def test_a_citizen_id_of_a_member_of_another_household_is_refused_with_the_services_words(
    tantrao_officer, tantrao, tan_lap, tantrao_household
):
    rows = household_rows("TT-1", ids=("008085001234", "008180005678"))  # 008085001234 is Ma Văn Thắng's
    found = problems(plan_of(tantrao_officer, tantrao, rows))
    message = found[(2, "Số định danh cá nhân")]
    assert message.startswith("Số định danh 008085001234 đã có trong sổ hộ, là của một nhân khẩu khác.")
    # Neither the household nor the person: they may live in a commune the officer does not see.
    assert tantrao_household.code not in message and "Ma Văn Thắng" not in message


def test_a_village_of_another_commune_is_refused(tantrao_officer, tantrao, tan_lap, minhthanh):
    make_village(minhthanh, "Thôn Khuôn Lăn")
    rows = household_rows("TT-1", village="Thôn Khuôn Lăn")
    assert "Không có thôn, tổ dân phố “Thôn Khuôn Lăn” ở Xã Tân Trào." in problems(
        plan_of(tantrao_officer, tantrao, rows)).values()


def test_a_code_of_another_communes_household_is_refused_without_saying_where_it_is(
    tantrao_officer, tantrao, tan_lap, minhthanh_household
):
    rows = household_rows(minhthanh_household.code)
    found = problems(plan_of(tantrao_officer, tantrao, rows))
    assert found[(2, "Mã hộ")] == f"Mã hộ {minhthanh_household.code} đã có trong hệ thống."


def test_household_columns_that_disagree_inside_one_household(tantrao_officer, tantrao, tan_lap):
    make_village(tantrao, "Thôn Cầu Trâu")
    rows = household_rows("TT-1")
    rows[2][1] = "Thôn Cầu Trâu"
    assert problems(plan_of(tantrao_officer, tantrao, rows))[(4, "Thôn, tổ dân phố")].startswith("Khác với dòng 2")


def test_a_commune_officer_cannot_import_into_another_commune(tantrao_officer, minhthanh):
    plan = plan_of(tantrao_officer, minhthanh, household_rows("TT-1"))
    assert plan.fatal == "Bạn không được nhập dữ liệu cho Xã Minh Thanh."


def test_a_district_workbook_names_the_commune_of_each_household(district_officer, tan_lap, minhthanh):
    khuon_lan = make_village(minhthanh, "Thôn Khuôn Lăn")
    headers = ["Mã hộ", "Xã", "Thôn, tổ dân phố", "Họ và tên", "Giới tính", "Dân tộc", "Quan hệ với chủ hộ"]
    rows = [
        ["TT-1", "Tân Trào", "Tân Lập", "Ma Văn Thắng", "Nam", "Tày", "Chủ hộ"],
        ["MT-1", "02554", khuon_lan.code, "Bàn Văn Lợi", "Nam", "Dao", "Chủ hộ"],
        ["XX-1", "Xã Không Có", None, "Ai Đó", "Nam", "Kinh", "Chủ hộ"],
    ]
    plan = plan_of(district_officer, None, rows, headers=headers)
    assert problems(plan) == {(4, "Xã"): "Không có xã “Xã Không Có” trong các xã bạn được nhập dữ liệu."}
    rows.pop()
    commit(district_officer, None, rows, headers=headers)
    assert Household.objects.get(code="MT-1").village == khuon_lan
    assert Household.objects.get(code="TT-1").commune == unit("02545")


def test_a_file_whose_last_row_is_bad_commits_nothing(tantrao_officer, tantrao, tantrao_household):
    # The household's own "Thôn Tân Lập" is the rows' village (a second one of that name would make it ambiguous).
    before = (Household.objects.count(), Member.objects.count(), Household.history.count(), Member.history.count())
    rows = []
    for n in range(1, 21):
        rows += household_rows(f"TT-{n:02d}", ids=(f"0080780{n:05d}", f"0081800{n:05d}"))
    rows[-1][5] = "32/01/2012"
    with pytest.raises(ImportRefused) as refused:
        commit(tantrao_officer, tantrao, rows)
    assert [(p.row, p.column) for p in refused.value.plan.problems] == [(61, "Ngày sinh")]
    after = (Household.objects.count(), Member.objects.count(), Household.history.count(), Member.history.count())
    assert after == before


def test_importing_the_same_file_again_changes_nothing(tantrao_officer, tantrao, tan_lap):
    rows = household_rows("TT-1") + household_rows("TT-2", ids=("008078009991", "008180009992"))
    commit(tantrao_officer, tantrao, rows)
    history = (Household.history.count(), Member.history.count())
    versions = list(Household.objects.order_by("code").values_list("version", flat=True))
    again = commit(tantrao_officer, tantrao, rows)
    assert again.totals()["unchanged"] == 2 and again.totals()["new"] == again.totals()["updated"] == 0
    assert (Household.history.count(), Member.history.count()) == history
    assert list(Household.objects.order_by("code").values_list("version", flat=True)) == versions == [1, 1]


def test_an_update_shows_what_changes_and_keeps_the_history(tantrao_officer, tantrao, tan_lap):
    commit(tantrao_officer, tantrao, household_rows("TT-1"))
    household = Household.objects.get(code="TT-1")
    rows = household_rows("TT-1")
    rows[0][2] = "Tổ 3, thôn Tân Lập"  # address
    rows[1][5] = "03/04/1980"  # a full birth date now known
    del rows[2]  # Ma Văn Hùng left the household
    rows.append([None, None, None, "Ma Thị Lan", "Nữ", "2024", None, "Tày", "Con"])
    plan = plan_of(tantrao_officer, tantrao, rows)
    assert plan.ok and plan.households[0].outcome == "updated"
    changes = " | ".join(plan.to_json()["households"][0]["changes"])
    assert "địa chỉ “Thôn Tân Lập, xã Tân Trào” → “Tổ 3, thôn Tân Lập”" in changes
    assert "Sửa Hoàng Thị Mai: ngày sinh 01/01/1980 → 03/04/1980; chỉ biết năm sinh có → không" in changes
    assert "Bỏ nhân khẩu Ma Văn Hùng (không còn trong tệp)" in changes and "Thêm nhân khẩu Ma Thị Lan" in changes
    households_import_commit(data=workbook(rows), filename="xa.xlsx", user=tantrao_officer, commune=tantrao,
                             expected_versions=plan.versions())
    household.refresh_from_db()
    assert household.version == 2 and household.address == "Tổ 3, thôn Tân Lập"
    assert list(household.members.values_list("full_name", flat=True)) == ["Ma Văn Thắng", "Hoàng Thị Mai", "Ma Thị Lan"]
    latest = household.history.first()
    assert latest.history_type == "~" and latest.history_user == tantrao_officer
    assert Member.history.filter(full_name="Ma Văn Hùng", history_type="-").exists()


def test_a_change_saved_by_someone_else_after_the_preview_refuses_the_commit(tantrao_officer, tantrao, tan_lap,
                                                                           district_officer):
    commit(tantrao_officer, tantrao, household_rows("TT-1"))
    rows = household_rows("TT-1")
    rows[0][2] = "Địa chỉ mới"
    plan = plan_of(tantrao_officer, tantrao, rows)
    household = Household.objects.get(code="TT-1")
    services.household_save(household=household, data={"address": "Sửa ở trang hộ"}, version=household.version)
    with pytest.raises(ImportRefused) as refused:
        households_import_commit(data=workbook(rows), filename="xa.xlsx", user=tantrao_officer, commune=tantrao,
                                 expected_versions=plan.versions())
    assert "Hộ TT-1 đã được" in refused.value.plan.problems[0].message
    assert Household.objects.get(code="TT-1").address == "Sửa ở trang hộ"


def test_a_member_moving_between_two_households_of_the_file_keeps_their_id(tantrao_officer, tantrao, tan_lap):
    commit(tantrao_officer, tantrao, household_rows("TT-1") + household_rows("TT-2", ids=("008078009991", "008180009992")))
    rows = household_rows("TT-1") + household_rows("TT-2", ids=("008078009991", "008180009992"))
    moved = rows.pop(1)  # Hoàng Thị Mai (008180005678) splits off into TT-2
    rows.append(moved)
    plan = commit(tantrao_officer, tantrao, rows)
    assert plan.ok
    assert Member.objects.get(citizen_id="008180005678").household.code == "TT-2"


# --- the same refusals as household_save ------------------------------------------------------------------

PARITY = [
    ({"full_name": ""}, 3, "Họ và tên"),
    ({"sex": None}, 4, "Giới tính"),
    ({"birth_date": dt.date(2099, 1, 1)}, 5, "Ngày sinh"),
    ({"citizen_id": "12345"}, 6, "Số định danh cá nhân"),
]


@pytest.mark.parametrize(("change", "index", "column"), PARITY)
def test_the_import_and_household_save_refuse_a_member_with_the_same_words(tantrao_officer, tantrao, tan_lap,
                                                                           change, index, column):
    member = {"full_name": "Ma Văn Thắng", "sex": "male", "birth_date": dt.date(1978, 3, 12), "citizen_id": None,
              "ethnic_group": EthnicGroup.objects.get(code="02"), "relation": Relation.HEAD, **change}
    with pytest.raises(ValidationError) as refused:
        services.household_save(household=None, data={"code": "TT-P", "commune": tantrao}, members=[member])
    service_message = next(iter(refused.value.message_dict.values()))[0]
    row = ["TT-P", "Thôn Tân Lập", None, "Ma Văn Thắng", "Nam", "12/03/1978", None, "Tày", "Chủ hộ"]
    cell = {"full_name": "", "sex": None, "birth_date": "01/01/2099", "citizen_id": "12345"}[next(iter(change))]
    row[index] = cell
    assert problems(plan_of(tantrao_officer, tantrao, [row]))[(2, column)] == service_message


def test_the_import_and_household_save_refuse_two_heads_with_the_same_words(tantrao_officer, tantrao, tan_lap):
    head = {"full_name": "A", "sex": "male", "relation": Relation.HEAD}
    with pytest.raises(ValidationError) as refused:
        services.household_save(household=None, data={"code": "TT-P", "commune": tantrao}, members=[head, dict(head, full_name="B")])
    rows = household_rows("TT-P")
    rows[1][8] = "Chủ hộ"
    assert problems(plan_of(tantrao_officer, tantrao, rows))[(3, "Quan hệ với chủ hộ")] == refused.value.messages[0]


def test_imported_households_read_back_like_saved_ones(tantrao_officer, tantrao, tan_lap):
    commit(tantrao_officer, tantrao, household_rows("TT-1"))
    household = Household.objects.get(code="TT-1")
    assert household.search_key == "tt-1 ma van thang thon tan lap, xa tan trao"
    assert list(household.members.values_list("search_key", flat=True)) == ["ma van thang", "hoang thi mai", "ma van hung"]
    assert household.created_at <= timezone.now() and household.history.first().history_type == "+"
    # household_save accepts the imported household as it is (its rules hold for what the import wrote).
    members = [{"id": m.pk, "full_name": m.full_name, "sex": m.sex, "birth_date": m.birth_date,
                "citizen_id": m.citizen_id, "ethnic_group": m.ethnic_group, "relation": m.relation}
               for m in household.members.all()]
    services.household_save(household=household, data={}, members=members, version=household.version)


def test_existing_members_are_matched_by_citizen_id_then_name(tantrao_officer, tantrao, tan_lap):
    household = HouseholdFactory(code="TT-1", commune=tantrao, village=tan_lap, address="Thôn Tân Lập, xã Tân Trào",
                                 head_name="Ma Văn Thắng")
    MemberFactory(household=household, full_name="Ma Văn Thắng", sex="male", relation="head",
                  birth_date=dt.date(1978, 3, 12), citizen_id="008078001234", ethnic_group=EthnicGroup.objects.get(code="02"))
    MemberFactory(household=household, full_name="Hoàng Thị Mai", relation="spouse", birth_date=dt.date(1980, 1, 1),
                  birth_year_only=True, citizen_id=None)
    MemberFactory(household=household, full_name="Ma Văn Hùng", sex="male", relation="child",
                  birth_date=dt.date(2010, 9, 5), citizen_id=None)
    plan = plan_of(tantrao_officer, tantrao, household_rows("TT-1"))
    assert [m.outcome for m in plan.households[0].members] == ["unchanged", "updated", "unchanged"]
    assert plan.households[0].members[1].changes == ["Sửa Hoàng Thị Mai: số định danh (trống) → 008180005678"]


def test_the_main_livelihood_is_a_household_column_read_from_its_label(tantrao_officer, tantrao, tan_lap):
    from households.models import Livelihood
    from tests.io.conftest import HEADERS

    headers = [*HEADERS, "Nghề nghiệp chính"]
    farm = [row + [value] for row, value in zip(household_rows("TT-1"), ["Lâm nghiệp", None, None])]
    shop = [row + [value] for row, value in zip(household_rows("TT-2", ids=("008078009991", "008180009992")),
                                                 ["Phi nông nghiệp", None, None])]
    commit(tantrao_officer, tantrao, farm + shop, headers=headers)
    assert dict(Household.objects.values_list("code", "livelihood")) == {"TT-1": Livelihood.FORESTRY, "TT-2": Livelihood.OTHER}
    # A label not in the list names its row, column and the list; nothing is written.
    wrong = [row + [value] for row, value in zip(household_rows("TT-3", ids=("008078007771", "008180007772")), ["Buôn bán", None, None])]
    plan = plan_of(tantrao_officer, tantrao, farm + wrong, headers=headers)
    assert "“Buôn bán” không có trong danh sách nghề nghiệp chính (Nông nghiệp, Lâm nghiệp" in problems(plan)[(5, "Nghề nghiệp chính")]
    # An update says what changes.
    farm[0][-1] = "Nông nghiệp"
    plan = plan_of(tantrao_officer, tantrao, farm, headers=headers)
    assert "nghề nghiệp chính “Lâm nghiệp” → “Nông nghiệp”" in plan.households[0].changes[0]
