"""The plan arrives with `migrate` from programs/data/*.yaml and `load_reference` re-applies it without changes."""
import datetime as dt
import io

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from programs.models import (
    Agency, Duty, FundProgram, Plan, ReportingRequirement, SolutionGroup, SupportPolicy, Target,
)
from programs.reference import DATA_DIR

pytestmark = pytest.mark.django_db


def test_the_plan_itself_is_loaded_with_its_issuer_period_and_documents():
    plan = Plan.objects.get()
    assert plan.issuer == "Ủy ban nhân dân huyện Sơn Dương"
    assert (plan.period_start, plan.period_end, plan.horizon) == (2021, 2025, 2030)
    assert plan.issued_on == dt.date(2022, 8, 1) and plan.issued_on_text == "tháng 8 năm 2022"
    assert set(plan.documents.values_list("number", flat=True)) == {
        "05-CT/TW", "127-KH/TU", "160/NQ-CP", "76-KH/HU", "107/KH-UBND",
    }


def test_six_solution_groups_of_section_three():
    assert list(SolutionGroup.objects.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert SolutionGroup.objects.get(number=4).title.startswith("Huy động và sử dụng hiệu quả nguồn lực")


def test_every_quantified_target_of_section_two_and_the_housing_target():
    targets = {t.code: t for t in Target.objects.filter(parent__isnull=True)}
    assert targets["II.2-poverty-2025"].value == 3 and targets["II.2-poverty-2025"].comparison == "at_least"
    assert targets["II.2-ethnic-minority-2025"].value == 4
    assert targets["II.2-poverty-2030"].comparison == "more_than" and targets["II.2-poverty-2030"].end_year == 2030
    assert targets["II.2-region-iii-2030"].metric == "region_iii_communes" and targets["II.2-region-iii-2030"].value == 0
    assert targets["III.4-temporary-houses-2025"].indicator_codes == {"ND07-2021": "7", "ND351-2025": "7"}
    assert all(t.unit.code == "076" for t in targets.values())


def test_all_thirteen_agencies_have_their_section_four_duties():
    agencies = Agency.objects.order_by("plan_item")
    assert [a.plan_item for a in agencies] == list(range(1, 14))
    for agency in agencies:
        assert Duty.objects.filter(agency=agency).exists(), agency.code
    # Every duty of section IV in the file is a duty, each serving a solution group.
    data = yaml.safe_load((DATA_DIR / "plan.yaml").read_text(encoding="utf-8"))
    assert Duty.objects.count() == len(data["duties"])
    assert Duty.objects.filter(agency__code="UBNDXA").count() == 7
    assert Duty.objects.get(code="IV.2").cooperating.filter(code="LDTBXH").exists()
    review = Duty.objects.get(code="IV.13.4")
    assert (review.due_month, review.due_day) == (12, 14)  # the periodic review closes on 14 December
    assert Duty.objects.get(code="V.1").due_date == dt.date(2025, 9, 15)


def test_the_reporting_regime_of_section_five():
    rules = {r.code: r for r in ReportingRequirement.objects.all()}
    assert (rules["annual"].due_month, rules["annual"].due_day) == (12, 10)
    assert rules["five_year"].due_date == dt.date(2025, 9, 15)
    assert rules["ten_year"].due_date == dt.date(2030, 9, 15)
    assert "Phòng Lao động" in rules["annual"].recipient


def test_support_policies_cover_every_kind_and_belong_to_an_agency():
    kinds = set(SupportPolicy.objects.values_list("kind", flat=True))
    assert kinds == {"credit", "housing", "health_insurance", "nutrition", "education", "vocational", "production",
                     "legal_aid", "information", "social_assistance"}
    assert SupportPolicy.objects.get(code="TD-HONGHEO").agency.code == "NHCSXH"
    assert set(SupportPolicy.objects.get(code="NO-CTMTQG").needs.values_list("code", flat=True)) == {"nhao"}
    assert FundProgram.objects.filter(code="CTMTQG-GNBV").exists()


def test_load_reference_reapplies_without_changes_and_repairs_an_edit():
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "Không có gì thay đổi." in out.getvalue()
    Target.objects.filter(code="II.2-poverty-2025").update(value=5)
    Duty.objects.get(code="IV.10").cooperating.add(Agency.objects.get(code="YTE"))
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "target.updated: 1" in out.getvalue() and "duty.cooperating_set: 1" in out.getvalue()
    assert Target.objects.get(code="II.2-poverty-2025").value == 3


def test_the_plan_page_lists_the_agencies_duties_and_reporting(client, province_viewer):
    client.force_login(province_viewer)
    html = client.get(reverse("programs:plan")).content.decode()
    assert "13 cơ quan, đơn vị" in html
    assert "Phòng Giao dịch Ngân hàng Chính sách xã hội" in html and "IV.13.4" in html
    assert "trước ngày 10/12 hằng năm" in html and "trước ngày 15/09/2025" in html
