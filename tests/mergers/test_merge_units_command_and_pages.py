"""The management command `merge_units` and the administrator's merger pages."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from households.models import AdministrativeUnit, Household, HouseholdPlacement, UnitMerger

from .conftest import BEFORE_REFORM, REFORM, household_in, unit_on

pytestmark = pytest.mark.django_db


def test_a_dry_run_prints_the_preview_and_changes_nothing():
    household_in(unit_on("02539", BEFORE_REFORM))
    out = io.StringIO()
    call_command("merge_units", "02545", "02539", "--date", "2025-07-01", "--into", "02545", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Xã Tân Trào, Xã Trung Yên → Xã Tân Trào (02545), từ 01/07/2025" in text
    assert "Tổng: 1 hộ" in text and "--dry-run" in text
    assert not UnitMerger.objects.exists() and not HouseholdPlacement.objects.exists()


def test_the_command_resolves_source_codes_the_day_before_and_the_target_code_on_the_date():
    binh_yen = unit_on("02554", BEFORE_REFORM)
    hh = household_in(binh_yen)
    out = io.StringIO()
    call_command("merge_units", "02542", "02554", "02557", "--date", "2025-07-01", "--into", "02554", stdout=out)
    hh.refresh_from_db()
    assert hh.commune.name == "Xã Minh Thanh" and hh.commune.valid_from == REFORM
    merger = UnitMerger.objects.get()
    assert {s.name for s in merger.sources.all()} == {"Xã Minh Thanh", "Xã Bình Yên", "Xã Lương Thiện"}
    assert "Đã sáp nhập" in out.getvalue()


def test_the_recorded_reform_runs_in_one_transaction():
    for code in ("02539", "02536", "02608"):
        household_in(unit_on(code, BEFORE_REFORM))
    call_command("merge_units", "--date", "2025-07-01", "--recorded", "--legal-basis", "Nghị quyết 1684/NQ-UBTVQH15", stdout=io.StringIO())
    assert UnitMerger.objects.count() == 10
    assert set(UnitMerger.objects.values_list("legal_basis", flat=True)) == {"Nghị quyết 1684/NQ-UBTVQH15"}
    today = set(AdministrativeUnit.objects.in_force().values_list("pk", flat=True))
    assert set(Household.objects.values_list("commune_id", flat=True)) <= today


def test_the_command_refuses_and_says_why():
    with pytest.raises(CommandError, match="Không thực hiện"):
        call_command("merge_units", "02539", "--date", "2025-07-01", "--into", "02608", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Không có đơn vị mã 99999"):
        call_command("merge_units", "99999", "--date", "2025-07-01", "--into", "02545", stdout=io.StringIO())


# --- pages ---------------------------------------------------------------------------------------------------


def _form(**extra):
    data = {
        "effective_date": "01/07/2025",
        "sources": [unit_on("02539", BEFORE_REFORM).pk, unit_on("02545", BEFORE_REFORM).pk],
        "mode": "existing",
        "target": unit_on("02545", REFORM).pk,
        "new_area": "rural",
        "legal_basis": "Nghị quyết 1684/NQ-UBTVQH15",
    }
    data.update(extra)
    return data


def test_the_administrator_previews_then_confirms_a_merger(client, administrator):
    hh = household_in(unit_on("02539", BEFORE_REFORM))
    client.force_login(administrator)
    assert client.get(reverse("households:merger_list")).status_code == 200
    page = client.post(reverse("households:merger_new"), _form(action="preview"))
    html = page.content.decode()
    assert page.status_code == 200 and "Xem trước:" in html and 'value="confirm"' in html
    assert "Xã Trung Yên" in html and not UnitMerger.objects.exists()
    done = client.post(reverse("households:merger_new"), _form(action="confirm"), follow=True)
    merger = UnitMerger.objects.get()
    assert done.redirect_chain[-1][0] == reverse("households:merger_detail", args=[merger.pk])
    assert merger.performed_by == administrator and merger.legal_basis == "Nghị quyết 1684/NQ-UBTVQH15"
    hh.refresh_from_db()
    assert hh.commune == unit_on("02545", REFORM)
    html = done.content.decode()
    assert "Đã sáp nhập 2 đơn vị vào Xã Tân Trào từ ngày 01/07/2025: 1 hộ đã chuyển." in html
    listing = client.get(reverse("households:merger_list")).content.decode()
    assert "01/07/2025" in listing and "Quản trị" in listing


def test_a_refused_merger_shows_the_reason_and_no_confirm_button(client, administrator):
    household_in(unit_on("02539", BEFORE_REFORM))
    client.force_login(administrator)
    html = client.post(reverse("households:merger_new"), _form(action="preview", target=unit_on("02608", dt.date(2023, 1, 1)).pk)).content.decode()
    assert "không thuộc đơn vị hành chính nào" in html and 'value="confirm"' not in html
    client.post(reverse("households:merger_new"), _form(action="confirm", target=unit_on("02608", dt.date(2023, 1, 1)).pk))
    assert not UnitMerger.objects.exists()


def test_a_new_unit_needs_a_code_and_a_name(client, administrator):
    client.force_login(administrator)
    html = client.post(reverse("households:merger_new"), _form(action="preview", mode="new", target="")).content.decode()
    assert "Đơn vị mới cần mã và tên." in html


@pytest.mark.parametrize("persona", ["commune_officer", "district_officer", "agency_officer", "province_viewer"])
def test_only_the_administrator_may_merge_units(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("households:merger_list")).status_code == 403
    assert client.post(reverse("households:merger_new"), _form(action="confirm")).status_code == 403
    assert not UnitMerger.objects.exists()


def test_the_merger_list_reads_a_fixed_number_of_queries(client, administrator, django_assert_max_num_queries):
    from households.mergers import mergers_apply, reform_requests

    mergers_apply(requests=reform_requests(REFORM))
    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("households:merger_list")).status_code == 200
