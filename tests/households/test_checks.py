"""The district's checks (the plan, IV.13): rotation, escapes without change, reduction outliers, poor above the
line, duplicate people; each linked to records, resolvable with a note, idempotent when run again."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from households import checks
from households.models import AnnualReview, CheckFlag, CheckKind, FlagStatus, Job, JobStatus, ReviewSettings
from households.tasks import checks_run_task
from tests.conftest import MemberFactory
from tests.households.review_fixtures import make_household, make_old_village, save, trungyen_household  # noqa: F401

pytestmark = pytest.mark.django_db


def on(year):
    return dt.date(year, 10, 1)


def history(household, items):
    for year, income, deprivations in items:
        save(household, year, day=on(year), income=income, deprivations=deprivations)


POOR = (1_000_000, ["1", "2", "3"])
OUT = (2_000_000, ["1"])


def test_a_household_in_and_out_of_poverty_twice_in_five_years_is_flagged(trungyen_household):
    history(trungyen_household, [(2021, *POOR), (2022, *OUT), (2023, *POOR), (2024, *OUT)])
    findings = checks.find_rotation(year=2024, settings=ReviewSettings.current())
    assert len(findings) == 1
    f = findings[0]
    assert "2 lần thoát nghèo" in f.title and f.household_id == trungyen_household.pk
    assert f.detail.startswith("2021: nghèo → 2022:") and [y for y, _ in f.refs["reviews"]] == [2021, 2022, 2023, 2024]


def test_one_exit_is_not_rotation(trungyen_household):
    history(trungyen_household, [(2021, *POOR), (2022, *POOR), (2023, *OUT), (2024, *OUT)])
    assert checks.find_rotation(year=2024, settings=ReviewSettings.current()) == []


@pytest.mark.parametrize(
    "after,deprivations,flagged",
    [
        (1_500_001, ["1", "2"], True),  # +50,0001 %, same deprivations
        (1_500_000, ["1", "2"], False),  # exactly +50 %: not above the share
        (2_500_000, ["1"], False),  # a deprivation less: a real change
    ],
)
def test_an_escape_with_the_same_deprivations_and_an_income_jump_is_flagged(trungyen_household, after, deprivations, flagged):
    history(trungyen_household, [(2024, 1_000_000, ["1", "2", "3"])])
    AnnualReview.objects.filter(year=2024).update(deprivation_mask=0b11)  # same mask as the escape below, entered earlier
    save(trungyen_household, 2025, day=dt.date(2025, 10, 2), income=after, deprivations=deprivations)
    findings = checks.find_escape_without_change(year=2025, settings=ReviewSettings.current())
    assert bool(findings) is flagged
    if flagged:
        assert "thu nhập tăng 50,00 %" in findings[0].title and "1.000.000 đồng (2024) → 1.500.001 đồng (2025)" in findings[0].detail


def test_a_commune_whose_rate_falls_far_beyond_trend_and_target_is_flagged(db):
    far = make_old_village("02539", "Thôn Xa")
    near = make_old_village("02542", "Thôn Gần")
    for i in range(10):
        a = make_household(old_commune="02539", new_commune="02545", village=far, head=f"A{i}")
        history(a, [(2023, *(POOR if i < 5 else OUT)), (2024, *OUT)])  # 50 % → 0 %
        b = make_household(old_commune="02542", new_commune="02554", village=near, head=f"B{i}")
        history(b, [(2023, *(POOR if i < 2 else OUT)), (2024, *(POOR if i < 2 else OUT))])
    findings = checks.find_reduction_outliers(year=2024, settings=ReviewSettings.current())
    assert [f.title for f in findings] == ["Xã Trung Yên: tỷ lệ hộ nghèo giảm 50,00 điểm % trong năm 2024"]
    assert findings[0].refs["rates"] == {"2023": 50.0, "2024": 0.0}


def test_rates_stay_comparable_across_the_2025_merger(db):
    village = make_old_village("02539", "Thôn Sáp Nhập")
    for i in range(4):
        hh = make_household(old_commune="02539", new_commune="02545", village=village, head=f"C{i}")
        history(hh, [(2024, *(POOR if i < 2 else OUT))])
        save(hh, 2025, day=dt.date(2025, 10, 2), income=OUT[0], deprivations=OUT[1])
    rates = checks.commune_poor_rates(year=2025)
    (commune_id, per_year), = rates.items()
    assert per_year == {2024: 50.0, 2025: 0.0}  # Trung Yên's 2024 counts for Tân Trào


def test_poor_with_income_above_the_line_is_flagged(trungyen_household):
    review = save(trungyen_household, 2024, day=on(2024))
    AnnualReview.objects.filter(pk=review.pk).update(income_per_capita_month=1_500_001)
    findings = checks.find_poor_above_line(year=2024, settings=ReviewSettings.current())
    assert len(findings) == 1 and "1.500.001 đồng trên chuẩn 1.500.000 đồng" in findings[0].title


def test_the_same_person_in_two_households_is_flagged(db):
    a, b = make_household(head="Nông Văn A"), make_household(head="Nông Văn B")
    MemberFactory(household=a, full_name="Triệu Thị Hoa", birth_date=dt.date(1990, 4, 2), citizen_id=None)
    MemberFactory(household=b, full_name="TRIỆU THỊ HOA", birth_date=dt.date(1990, 4, 2), citizen_id=None)
    MemberFactory(household=b, full_name="Triệu Thị Hoa", birth_date=dt.date(1991, 4, 2), citizen_id=None)
    findings = [f for f in checks.find_duplicate_people(year=2025, settings=ReviewSettings.current()) if "Triệu" in f.title]
    assert len(findings) == 1  # the 1991 namesake is another person
    assert sorted(findings[0].refs["households"]) == sorted([a.code, b.code]) and "sinh 02/04/1990" in findings[0].title


def test_running_again_refreshes_findings_and_keeps_resolutions(trungyen_household, district_officer):
    review = save(trungyen_household, 2024, day=on(2024))
    AnnualReview.objects.filter(pk=review.pk).update(income_per_capita_month=1_600_000)
    counts = checks.check_flags_run(year=2024)
    assert counts[CheckKind.POOR_ABOVE_LINE] == 1
    flag = CheckFlag.objects.get(kind=CheckKind.POOR_ABOVE_LINE)
    with pytest.raises(ValidationError):
        checks.check_flag_resolve(flag=flag, note="  ", user=district_officer)
    checks.check_flag_resolve(flag=flag, note="Đã sửa thu nhập trên phiếu giấy", user=district_officer)
    checks.check_flags_run(year=2024)
    assert CheckFlag.objects.filter(kind=CheckKind.POOR_ABOVE_LINE).count() == 1
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED and flag.resolved_by == district_officer and flag.present
    AnnualReview.objects.filter(pk=review.pk).update(income_per_capita_month=1_000_000)
    checks.check_flags_run(year=2024)
    flag.refresh_from_db()
    assert flag.present is False


def test_the_checks_page_links_records_and_resolves_with_a_note(client, district_officer, tantrao_officer, trungyen_household):
    review = save(trungyen_household, 2024, day=on(2024))
    AnnualReview.objects.filter(pk=review.pk).update(income_per_capita_month=1_600_000)
    checks.check_flags_run(year=2024)
    flag = CheckFlag.objects.get()
    client.force_login(tantrao_officer)
    assert client.get(reverse("households:checks")).status_code == 403
    client.force_login(district_officer)
    html = client.get(reverse("households:checks") + "?year=2024").content.decode()
    assert flag.title in html
    assert reverse("households:household_detail", args=[trungyen_household.code]) in html
    assert reverse("households:review_form", args=[trungyen_household.code, 2024]) in html
    client.post(reverse("households:check_resolve", args=[flag.pk]), {"note": "Đã kiểm tra tại hộ"})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED and flag.resolution_note == "Đã kiểm tra tại hộ"


def test_the_checks_job_records_its_progress_and_result(district_officer, trungyen_household):
    review = save(trungyen_household, 2024, day=on(2024))
    AnnualReview.objects.filter(pk=review.pk).update(income_per_capita_month=1_600_000)
    job = Job.objects.create(kind="checks_run", params={"year": 2024}, created_by=district_officer)
    checks_run_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100 and job.result[CheckKind.POOR_ABOVE_LINE] == 1


def test_resolving_a_check_returns_only_to_a_page_of_this_site(client, district_officer, trungyen_household):
    review = save(trungyen_household, 2024, day=on(2024))
    AnnualReview.objects.filter(pk=review.pk).update(income_per_capita_month=1_600_000)
    checks.check_flags_run(year=2024)
    flag = CheckFlag.objects.get()
    client.force_login(district_officer)
    url = reverse("households:check_resolve", args=[flag.pk])
    evil = client.post(url, {"note": "Đã kiểm tra", "next": "https://evil.example/steal"})
    assert evil.status_code == 302 and evil["Location"] == reverse("households:checks") + "?year=2024"
    own = client.post(url, {"note": "Đã kiểm tra", "next": "/checks/?year=2024&kind=rotation"})
    assert own["Location"] == "/checks/?year=2024&kind=rotation"


def test_a_year_never_checked_is_not_shown_as_a_year_without_problems(client, district_officer, trungyen_household):
    client.force_login(district_officer)
    html = client.get(reverse("households:checks"), {"year": 2024}).content.decode()
    assert "Chưa chạy kiểm tra cho năm 2024" in html and "(0)" not in html
    checks.check_flags_run(year=2024)
    html = client.get(reverse("households:checks"), {"year": 2024}).content.decode()
    assert "Chưa chạy kiểm tra cho năm 2024" not in html and "Kiểm tra năm 2024 chạy lần cuối lúc" in html
    assert "(0)" in html  # now a zero means the check ran and found nothing


def test_findings_come_in_pages_of_fifteen(client, district_officer, db):
    from households.models import CheckFlag, CheckKind, CheckRun
    from django.utils import timezone

    CheckRun.objects.create(year=2025, ran_at=timezone.now(), counts={})
    CheckFlag.objects.bulk_create([CheckFlag(kind=CheckKind.ROTATION, year=2025, key=f"t:{i}", title=f"Phát hiện {i}") for i in range(43)])
    client.force_login(district_officer)
    page = client.get(reverse("households:checks"), {"year": 2025}).context["page"]
    assert (len(page.object_list), page.paginator.num_pages) == (15, 3)
