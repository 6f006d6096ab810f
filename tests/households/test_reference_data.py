"""Reference data arrives with `migrate` and is complete; re-applying it changes nothing."""
import datetime as dt
import io

import pytest
from django.core.management import call_command

from households.models import AdministrativeUnit, Area, EthnicGroup, Level, RegionStatus
from programs.models import Agency

pytestmark = pytest.mark.django_db

# docs/domain.md §1: the 30 units of Sơn Dương district (since 1 Sep 2024).
DISTRICT_UNITS = {
    "02536": "Thị trấn Sơn Dương", "02539": "Xã Trung Yên", "02542": "Xã Minh Thanh", "02545": "Xã Tân Trào",
    "02548": "Xã Vĩnh Lợi", "02551": "Xã Thượng Ấm", "02554": "Xã Bình Yên", "02557": "Xã Lương Thiện",
    "02560": "Xã Tú Thịnh", "02563": "Xã Cấp Tiến", "02566": "Xã Hợp Thành", "02569": "Xã Phúc Ứng",
    "02572": "Xã Đông Thọ", "02575": "Xã Kháng Nhật", "02578": "Xã Hợp Hòa", "02584": "Xã Quyết Thắng",
    "02587": "Xã Đồng Quý", "02590": "Xã Tân Thanh", "02596": "Xã Văn Phú", "02599": "Xã Chi Thiết",
    "02602": "Xã Đông Lợi", "02605": "Xã Thiện Kế", "02608": "Xã Hồng Sơn", "02611": "Xã Phú Lương",
    "02614": "Xã Ninh Lai", "02617": "Xã Đại Phú", "02620": "Xã Sơn Nam", "02623": "Xã Hào Phú",
    "02626": "Xã Tam Đa", "02632": "Xã Trường Sinh",
}
EXTREMELY_DIFFICULT = {"Xã Trung Yên", "Xã Lương Thiện", "Xã Bình Yên", "Xã Đồng Quý", "Xã Hợp Hòa", "Xã Đông Lợi", "Xã Quyết Thắng"}
# docs/domain.md §1: the ten communes from 1 Jul 2025 and the old units that formed each.
REFORM = {
    ("02536", "Xã Sơn Dương"): {"Thị trấn Sơn Dương", "Xã Hợp Thành", "Xã Phúc Ứng", "Xã Tú Thịnh"},
    ("02545", "Xã Tân Trào"): {"Xã Tân Trào", "Xã Trung Yên"},
    ("02554", "Xã Minh Thanh"): {"Xã Minh Thanh", "Xã Bình Yên", "Xã Lương Thiện"},
    ("02548", "Xã Bình Ca"): {"Xã Vĩnh Lợi", "Xã Cấp Tiến", "Xã Thượng Ấm"},
    ("02578", "Xã Tân Thanh"): {"Xã Tân Thanh", "Xã Hợp Hòa", "Xã Kháng Nhật"},
    ("02620", "Xã Sơn Thủy"): {"Xã Sơn Nam", "Xã Ninh Lai", "Xã Thiện Kế"},
    ("02611", "Xã Phú Lương"): {"Xã Phú Lương", "Xã Đại Phú", "Xã Tam Đa"},
    ("02623", "Xã Trường Sinh"): {"Xã Trường Sinh", "Xã Hào Phú", "Xã Đông Lợi"},
    ("02608", "Xã Hồng Sơn"): {"Xã Hồng Sơn", "Xã Chi Thiết", "Xã Văn Phú"},
    ("02572", "Xã Đông Thọ"): {"Xã Đông Thọ", "Xã Đồng Quý", "Xã Quyết Thắng"},
}
BEFORE_REFORM = dt.date(2025, 6, 30)
AFTER_REFORM = dt.date(2025, 7, 1)


def test_province_and_district_are_loaded():
    province = AdministrativeUnit.objects.get(code="08", level=Level.PROVINCE)
    district = AdministrativeUnit.objects.get(code="076", level=Level.DISTRICT)
    assert province.name == "Tỉnh Tuyên Quang"
    assert district.name == "Huyện Sơn Dương" and district.parent == province
    assert district.valid_to == BEFORE_REFORM


def test_every_unit_of_the_district_is_loaded_with_its_official_code():
    units = AdministrativeUnit.objects.in_force(BEFORE_REFORM).filter(level=Level.COMMUNE, parent__code="076")
    assert {u.code: u.name for u in units} == DISTRICT_UNITS


def test_only_the_town_is_urban():
    units = AdministrativeUnit.objects.in_force(BEFORE_REFORM).filter(level=Level.COMMUNE)
    assert {u.name for u in units if u.area == Area.URBAN} == {"Thị trấn Sơn Dương"}


def test_the_extremely_difficult_communes_of_the_plan_are_flagged():
    units = AdministrativeUnit.objects.in_force(BEFORE_REFORM).filter(level=Level.COMMUNE, extremely_difficult=True)
    assert {u.name for u in units} == EXTREMELY_DIFFICULT
    assert RegionStatus.objects.filter(region="III").count() == len(EXTREMELY_DIFFICULT)


def test_the_ten_communes_of_the_2025_reform_and_their_origins():
    new = AdministrativeUnit.objects.in_force(AFTER_REFORM).filter(level=Level.COMMUNE, parent__code="08")
    assert {(u.code, u.name) for u in new} == set(REFORM)
    for (code, name), origins in REFORM.items():
        commune = new.get(code=code)
        assert commune.area == Area.RURAL
        assert {p.name for p in commune.predecessors.filter(level=Level.COMMUNE)} == origins, name
        assert commune.predecessors.filter(level=Level.DISTRICT, code="076").exists()


def test_a_reused_code_means_the_unit_in_force_on_the_date():
    assert AdministrativeUnit.objects.by_code("02554", dt.date(2023, 6, 1)).name == "Xã Bình Yên"
    assert AdministrativeUnit.objects.by_code("02554", dt.date(2026, 6, 1)).name == "Xã Minh Thanh"


def test_earlier_mergers_are_recorded():
    hong_son_2024 = AdministrativeUnit.objects.by_code("02608", dt.date(2024, 10, 1))
    assert {p.name for p in hong_son_2024.predecessors.all()} == {"Xã Hồng Lạc", "Xã Vân Sơn"}
    tan_thanh = AdministrativeUnit.objects.by_code("02590", dt.date(2021, 1, 1))
    assert {p.name for p in tan_thanh.predecessors.all()} == {"Xã Thanh Phát", "Xã Tuân Lộ"}
    truong_sinh = AdministrativeUnit.objects.by_code("02632", dt.date(2021, 1, 1))
    assert {p.name for p in truong_sinh.predecessors.all()} == {"Xã Lâm Xuyên", "Xã Sầm Dương"}


def test_the_54_ethnic_groups_with_both_code_lists():
    assert EthnicGroup.objects.count() == 54
    assert EthnicGroup.objects.get(code="01").name == "Kinh"
    assert not EthnicGroup.objects.get(code="01").minority
    assert EthnicGroup.objects.filter(minority=True).count() == 53
    assert EthnicGroup.objects.get(code="15").name == "Sán Chay"
    assert EthnicGroup.objects.get(code="06").code_2008 == "04"  # Mường is 06 in 1979, 04 in 2008
    assert len(set(EthnicGroup.objects.values_list("code_2008", flat=True))) == 54


def test_the_thirteen_agencies_of_section_iv():
    assert list(Agency.objects.order_by("plan_item").values_list("plan_item", flat=True)) == list(range(1, 14))
    assert Agency.objects.get(code="NHCSXH").name == "Phòng Giao dịch Ngân hàng Chính sách xã hội"


def _snapshot():
    units = list(AdministrativeUnit.objects.order_by("pk").values())
    successors = list(AdministrativeUnit.successors.through.objects.order_by("pk").values_list("from_administrativeunit_id", "to_administrativeunit_id"))
    return units, successors, list(EthnicGroup.objects.order_by("pk").values()), list(Agency.objects.order_by("pk").values())


def test_reapplying_the_reference_files_changes_nothing():
    before = _snapshot()
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    call_command("load_reference", stdout=out)
    assert _snapshot() == before
    assert "Không có gì thay đổi." in out.getvalue()


def test_reapplying_restores_an_edited_row():
    AdministrativeUnit.objects.filter(code="02539").update(name="Xã Trung Yen", extremely_difficult=False)
    call_command("load_reference", stdout=io.StringIO())
    unit = AdministrativeUnit.objects.get(code="02539")
    assert unit.name == "Xã Trung Yên" and unit.extremely_difficult
