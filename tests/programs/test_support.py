"""Support delivered: who records it under which policy, amounts, the household page, needs met and unmet, roll-ups."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from households.models import SupportNeed
from programs import selectors, services
from programs.models import FundingSource, SupportPolicy, SupportRecord
from tests.conftest import HouseholdFactory, make_village, unit

from .conftest import add_reviews

pytestmark = pytest.mark.django_db

LOAN = "TD-HONGHEO"
CARD = "YT-BHYT-NGHEO"


def policy(code: str) -> SupportPolicy:
    return SupportPolicy.objects.get(code=code)


def record(user, household, code=LOAN, amount=50_000_000, day=dt.date(2026, 3, 2), source=FundingSource.POLICY_BANK):
    return services.support_record_create(
        user=user, household=household, policy=policy(code), date=day, amount=amount, funding_source=source
    )


def test_bank_officer_records_a_loan_to_a_household(bank_officer, tantrao_household):
    rec = record(bank_officer, tantrao_household)
    assert rec.amount == 50_000_000 and rec.commune == unit("02545") and rec.recorded_by == bank_officer


def test_agency_officer_cannot_record_support_under_another_agencys_policy(bank_officer, health_officer, tantrao_household, client):
    with pytest.raises(ValidationError) as exc:
        record(bank_officer, tantrao_household, code=CARD, amount=1_263_600, source=FundingSource.CENTRAL)
    assert "policy" in exc.value.message_dict and "Phòng Y tế" in exc.value.message_dict["policy"][0]
    # Through the page: the other agency's policy is not offered and a forged post is refused.
    client.force_login(bank_officer)
    html = client.get(reverse("programs:support_create")).content.decode()
    assert "Cấp thẻ bảo hiểm y tế" not in html and "Cho vay hộ nghèo" in html
    response = client.post(reverse("programs:support_create"), {
        "household": tantrao_household.code, "policy": policy(CARD).pk, "date": "02/03/2026", "amount": "1.263.600",
        "funding_source": "central",
    })
    assert response.status_code == 200 and not SupportRecord.objects.exists()
    # Through the API: 400 with the reason on `policy`.
    response = client.post("/api/v1/support-records/", {
        "household": tantrao_household.code, "policy": CARD, "date": "2026-03-02", "amount": 1263600,
        "funding_source": "central",
    }, content_type="application/json")
    assert response.status_code == 400 and "policy" in response.json()
    assert not SupportRecord.objects.exists()
    # The health office may.
    assert record(health_officer, tantrao_household, code=CARD, amount=1_263_600, source=FundingSource.CENTRAL)


def test_district_office_records_under_any_policy_and_communes_only_read(district_officer, tantrao_officer, tantrao_household):
    assert record(district_officer, tantrao_household, code=CARD, amount=2_527_200, source=FundingSource.CENTRAL)
    with pytest.raises(PermissionDenied):
        record(tantrao_officer, tantrao_household)


@pytest.mark.parametrize("amount", [0, -5_000_000, 1500.5, "1.500.000,5", "một triệu", None, "", True, 3_000_000_000])
def test_amounts_must_be_positive_whole_dong(bank_officer, tantrao_household, amount):
    with pytest.raises(ValidationError) as exc:
        record(bank_officer, tantrao_household, amount=amount)
    assert "amount" in exc.value.message_dict


@pytest.mark.parametrize(("typed", "stored"), [("1.500.000", 1_500_000), ("1500000", 1_500_000), (Decimal("2000000"), 2_000_000), (7, 7)])
def test_amounts_typed_with_dots_or_as_numbers_are_vnd_integers(bank_officer, tantrao_household, typed, stored):
    assert record(bank_officer, tantrao_household, amount=typed).amount == stored


def test_support_dates_cannot_be_in_the_future(bank_officer, tantrao_household):
    with pytest.raises(ValidationError) as exc:
        record(bank_officer, tantrao_household, day=dt.date.today() + dt.timedelta(days=2))
    assert "date" in exc.value.message_dict


def test_the_api_refuses_non_integer_and_non_positive_amounts(client, bank_officer, tantrao_household):
    client.force_login(bank_officer)
    for amount in (0, -1, 10.5, "abc"):
        response = client.post("/api/v1/support-records/", {
            "household": tantrao_household.code, "policy": LOAN, "date": "2026-03-02", "amount": amount,
            "funding_source": "policy_bank",
        }, content_type="application/json")
        assert response.status_code == 400 and "amount" in response.json(), amount
    ok = client.post("/api/v1/support-records/", {
        "household": tantrao_household.code, "policy": LOAN, "date": "2026-03-02", "amount": 30000000,
        "funding_source": "policy_bank",
    }, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["agency"] == "NHCSXH" and ok.json()["commune"] == "02545"


def test_who_sees_which_support_records(client, bank_officer, health_officer, tantrao_officer, minhthanh_officer,
                                       province_viewer, tantrao_household, minhthanh_household):
    loan = record(bank_officer, tantrao_household)
    card = record(health_officer, minhthanh_household, code=CARD, amount=804_600, source=FundingSource.CENTRAL)
    seen = {}
    for user in (bank_officer, health_officer, tantrao_officer, minhthanh_officer):
        client.force_login(user)
        seen[user.username] = {r["id"] for r in client.get("/api/v1/support-records/").json()["results"]}
    assert seen == {
        "canbo_nhcsxh": {loan.pk}, "canbo_yte": {card.pk}, "canbo_tantrao": {loan.pk}, "canbo_minhthanh": {card.pk},
    }
    client.force_login(tantrao_officer)
    assert client.get(f"/api/v1/support-records/{card.pk}/").status_code == 404
    client.force_login(province_viewer)
    assert client.get("/api/v1/support-records/").status_code == 403


def test_household_page_loads_support_received_and_unmet_needs(client, bank_officer, health_officer, district_officer, tantrao_household):
    [hh] = add_reviews(unit("02545"), 2025, households=1, poor=1, existing=[tantrao_household])
    review = hh.reviews.get(year=2025)
    review.needs.set(SupportNeed.objects.filter(code__in=["vayvon", "bhyt", "nhao"]))
    record(bank_officer, tantrao_household, day=dt.date(2026, 2, 1))
    record(health_officer, tantrao_household, code=CARD, amount=2_527_200, source=FundingSource.CENTRAL, day=dt.date(2024, 1, 5))
    client.force_login(district_officer)
    detail = client.get(reverse("households:household_detail", args=[tantrao_household.code])).content.decode()
    assert reverse("programs:household_support", args=[tantrao_household.code]) in detail
    html = client.get(reverse("programs:household_support", args=[tantrao_household.code])).content.decode()
    assert "Cho vay hộ nghèo" in html and "50.000.000 đ" in html and "2.527.200 đ" in html
    data = selectors.household_support(household=tantrao_household, visible=SupportRecord.objects.all())
    # The loan answers "vayvon"; the card was given before the 2025 review; nothing answered housing.
    assert {n["need"].code: n["met"] for n in data.needs} == {"vayvon": True, "bhyt": False, "nhao": False}
    assert "chưa được đáp ứng" in html
    # The bank sees its own records on the page, and which needs are still open.
    client.force_login(bank_officer)
    html = client.get(reverse("programs:household_support", args=[tantrao_household.code])).content.decode()
    assert "Cho vay hộ nghèo" in html and "Cấp thẻ bảo hiểm y tế" not in html


def test_household_fragment_is_scoped(client, tantrao_officer, minhthanh_household, province_viewer):
    client.force_login(tantrao_officer)
    assert client.get(reverse("programs:household_support", args=[minhthanh_household.code])).status_code == 404
    client.force_login(province_viewer)
    assert client.get(reverse("programs:household_support", args=[minhthanh_household.code])).status_code == 403


def test_support_rolls_up_by_source_year_and_todays_commune(bank_officer, health_officer, district_officer):
    trung_yen = unit("02539", dt.date(2024, 1, 1))
    village = make_village(trung_yen, "Thôn Thử Trung Yên")
    hh = HouseholdFactory(commune=unit("02545"), village=village)
    record(bank_officer, hh, day=dt.date(2024, 5, 2), amount=40_000_000)  # in Trung Yên, before the merger
    record(bank_officer, hh, day=dt.date(2026, 5, 2), amount=60_000_000)  # in Tân Trào
    record(health_officer, hh, code=CARD, amount=1_000_000, source=FundingSource.CENTRAL, day=dt.date(2026, 1, 5))
    assert SupportRecord.objects.get(date=dt.date(2024, 5, 2)).commune == trung_yen
    rollup = selectors.support_rollup(qs=SupportRecord.objects.all())
    assert rollup["total"] == {"records": 3, "households": 1, "amount": 101_000_000}
    assert {r["funding_source"]: r["amount"] for r in rollup["by_source"]} == {"policy_bank": 100_000_000, "central": 1_000_000}
    assert {r["date__year"]: r["amount"] for r in rollup["by_year"]} == {2024: 40_000_000, 2026: 61_000_000}
    assert [(r["commune"].code, r["amount"]) for r in rollup["by_commune"]] == [("02545", 101_000_000)]
    # Filtering by today's commune finds the records of the units it took in.
    assert selectors.support_list(qs=SupportRecord.objects.all(), commune="02545").count() == 3


def test_unmet_needs_summary_counts_needs_stated_and_answered(bank_officer):
    hhs = add_reviews(unit("02545"), 2025, households=3, poor=3)
    loan_need = SupportNeed.objects.get(code="vayvon")
    for hh in hhs:
        hh.reviews.get(year=2025).needs.add(loan_need)
    record(bank_officer, hhs[0], day=dt.date(2026, 1, 20))
    [row] = selectors.unmet_needs_summary(year=2025)
    assert (row["need"], row["stated"], row["met"], row["unmet"]) == (loan_need, 3, 1, 2)


def test_support_page_shows_roll_ups_within_scope(client, bank_officer, health_officer, tantrao_officer, tantrao_household,
                                                  minhthanh_household, django_assert_max_num_queries):
    record(bank_officer, tantrao_household)
    record(health_officer, minhthanh_household, code=CARD, amount=804_600, source=FundingSource.CENTRAL)
    client.force_login(tantrao_officer)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("programs:support_list"), {"year": 2026}).content.decode()
    assert tantrao_household.code in html and minhthanh_household.code not in html
    assert "50.000.000 đ" in html and "804.600 đ" not in html


def test_support_form_records_and_returns_to_the_list(client, bank_officer, tantrao_household):
    client.force_login(bank_officer)
    response = client.post(reverse("programs:support_create"), {
        "household": tantrao_household.code, "policy": policy(LOAN).pk, "date": "15/03/2026", "amount": "80.000.000",
        "funding_source": "policy_bank", "note": "Vay chăn nuôi bò",
    })
    assert response.status_code == 302
    rec = SupportRecord.objects.get()
    assert (rec.amount, rec.date, rec.note) == (80_000_000, dt.date(2026, 3, 15), "Vay chăn nuôi bò")
    response = client.post(reverse("programs:support_create"), {
        "household": "KHONG-CO", "policy": policy(LOAN).pk, "date": "15/03/2026", "amount": "1.000", "funding_source": "policy_bank",
    })
    assert "Không tìm thấy hộ" in response.content.decode()


def test_the_support_form_finds_households_by_name_and_defaults_to_the_agencys_usual_source(client, bank_officer, tantrao_household, minhthanh_household):
    client.force_login(bank_officer)
    form = client.get(reverse("programs:support_create")).context["form"]
    assert form["funding_source"].value() == "policy_bank"
    head = tantrao_household.head_name
    options = client.get(reverse("households:household_suggest"), {"q": head.split()[-1].lower()}).content.decode()
    assert f'<option value="{tantrao_household.code}">{head} – ' in options
    # The agency sees the registry masked: no search by a full citizen ID.
    member = tantrao_household.members.first()
    member.citizen_id = "008095001234"
    member.save()
    assert tantrao_household.code not in client.get(reverse("households:household_suggest"), {"q": "008095001234"}).content.decode()
