"""Funds: yearly allocation and disbursement by program, source and commune, entered by the finance–planning office."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from programs import selectors, services
from programs.models import FundAllocation, FundingSource, FundProgram
from tests.conftest import unit

pytestmark = pytest.mark.django_db


def program(code="CTMTQG-GNBV"):
    return FundProgram.objects.get(code=code)


def enter(user, *, year=2026, code="CTMTQG-GNBV", source=FundingSource.CENTRAL, commune=None, allocated=1_000_000_000, disbursed=0):
    return services.fund_allocation_save(
        user=user, year=year, program=program(code), source=source, commune=commune, allocated=allocated, disbursed=disbursed,
    )


def test_finance_office_enters_allocations_others_cannot(finance_officer, bank_officer, district_officer):
    row = enter(finance_officer, commune=unit("02545"), allocated="1.200.000.000", disbursed="300.000.000")
    assert (row.allocated, row.disbursed, row.updated_by) == (1_200_000_000, 300_000_000, finance_officer)
    for user in (bank_officer, district_officer):
        with pytest.raises(PermissionDenied):
            enter(user)


@pytest.mark.parametrize(
    ("allocated", "disbursed", "field"),
    [(0, 0, "allocated"), (-1, 0, "allocated"), (100, 200, "disbursed"), (100, -1, "disbursed"), ("1,5", 0, "allocated")],
)
def test_allocations_are_validated(finance_officer, allocated, disbursed, field):
    with pytest.raises(ValidationError) as exc:
        enter(finance_officer, allocated=allocated, disbursed=disbursed)
    assert field in exc.value.message_dict


def test_one_row_per_year_program_source_and_place(finance_officer):
    enter(finance_officer)
    with pytest.raises(ValidationError):
        enter(finance_officer)
    with pytest.raises(ValidationError):
        enter(finance_officer, year=2035)
    with pytest.raises(ValidationError):
        # Trung Yên did not exist in 2026.
        enter(finance_officer, commune=unit("02539", dt.date(2024, 1, 1)))


def test_funds_roll_up_to_the_district_by_source_commune_and_year(finance_officer):
    tantrao, minhthanh = unit("02545"), unit("02554")
    enter(finance_officer, commune=tantrao, allocated=600_000_000, disbursed=300_000_000)
    enter(finance_officer, commune=minhthanh, allocated=400_000_000, disbursed=400_000_000)
    enter(finance_officer, source=FundingSource.PROVINCE, allocated=100_000_000, disbursed=50_000_000)
    enter(finance_officer, year=2025, commune=unit("02554", dt.date(2025, 3, 1)), allocated=10_000_000)
    rollup = selectors.funds_rollup(qs=FundAllocation.objects.all(), year=2026)
    assert rollup["total"]["allocated"] == 1_100_000_000 and rollup["total"]["disbursed"] == 750_000_000
    assert {r["source"]: r["allocated"] for r in rollup["by_source"]} == {"central": 1_000_000_000, "province": 100_000_000}
    assert {r["commune__name"]: r["allocated"] for r in rollup["by_commune"]} == {
        None: 100_000_000, "Xã Minh Thanh": 400_000_000, "Xã Tân Trào": 600_000_000,
    }
    every = selectors.funds_rollup(qs=FundAllocation.objects.all(), year=None)
    assert {r["year"]: r["allocated"] for r in every["by_year"]} == {2025: 10_000_000, 2026: 1_100_000_000}


def test_funds_page_for_each_role(client, finance_officer, tantrao_officer, district_officer, province_viewer, bank_officer):
    enter(finance_officer, commune=unit("02545"), allocated=600_000_000)
    enter(finance_officer, commune=unit("02554"), allocated=400_000_000)
    client.force_login(tantrao_officer)
    html = client.get(reverse("programs:funds"), {"year": 2026}).content.decode()
    assert "600.000.000 đ" in html and "400.000.000 đ" not in html
    for user in (district_officer, province_viewer, bank_officer):
        client.force_login(user)
        html = client.get(reverse("programs:funds"), {"year": 2026}).content.decode()
        assert "1.000.000.000 đ" in html and "Nhập phân bổ vốn" not in html
        assert client.get(reverse("programs:fund_create")).status_code == 403
    client.force_login(finance_officer)
    assert "Nhập phân bổ vốn" in client.get(reverse("programs:funds")).content.decode()
    response = client.post(reverse("programs:fund_create"), {
        "year": 2026, "program": program("QVNN").pk, "source": "fund_for_the_poor", "commune": "",
        "allocated": "250.000.000", "disbursed": "100.000.000", "note": "Quỹ vì người nghèo huyện",
    })
    assert response.status_code == 302
    row = FundAllocation.objects.get(program__code="QVNN")
    assert row.commune is None and row.allocated == 250_000_000
    response = client.post(reverse("programs:fund_edit", args=[row.pk]), {
        "year": 2026, "program": row.program_id, "source": row.source, "allocated": "250.000.000", "disbursed": "300.000.000",
    })
    assert response.status_code == 200 and "không được lớn hơn" in response.content.decode()
