"""Report kinds and their due-date rules (plan, section V), and the obligations created for every agency and every
commune of each period."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from households.models import AdministrativeUnit, Level
from programs.models import Agency, AgencyKind
from reporting import services
from reporting.models import Obligation, ObligationState, Recurrence, ReportingDeadline, ReportKind

from .conftest import vn

pytestmark = pytest.mark.django_db


def test_the_plans_three_kinds_of_report_are_loaded_with_their_due_dates():
    annual = ReportKind.objects.get(code="annual")
    assert [annual.due_on(y) for y in (2021, 2025, 2030)] == [dt.date(2021, 12, 10), dt.date(2025, 12, 10), dt.date(2030, 12, 10)]
    assert annual.due_on(2031) is None
    five = ReportKind.objects.get(code="five_year")
    assert five.period_years() == [2025] and five.due_on(2025) == dt.date(2025, 9, 15)
    assert five.covers(2025) == (2021, 2025) and five.period_label(2025) == "Giai đoạn 2021–2025"
    ten = ReportKind.objects.get(code="ten_year")
    assert ten.due_on(2030) == dt.date(2030, 9, 15) and ten.due_on(2025) is None


def test_a_new_kind_of_report_is_a_row_not_code():
    kind = ReportKind.objects.create(code="mid_year", name="Báo cáo 6 tháng", recurrence=Recurrence.YEARLY, due_month=6, due_day=20, first_year=2026, last_year=2030)
    deadline = services.deadline_ensure(kind=kind, year=2027)
    assert deadline.due_date == dt.date(2027, 6, 20)
    assert services.obligations_ensure(deadline=deadline) > 0


def test_a_kind_needs_a_due_rule():
    with pytest.raises(Exception):
        ReportKind.objects.create(code="broken", name="Thiếu hạn", recurrence=Recurrence.YEARLY, first_year=2026, last_year=2030)


def test_every_commune_in_force_and_every_agency_but_the_compiler_owes_the_2026_report(annual):
    deadline = services.deadline_ensure(kind=annual, year=2026)
    created = services.obligations_ensure(deadline=deadline)
    communes = set(deadline.obligations.exclude(commune=None).values_list("commune__code", flat=True))
    # Ten communes since the 1 July 2025 reform (docs/domain.md §1).
    assert communes == {"02536", "02545", "02554", "02548", "02578", "02620", "02611", "02623", "02608", "02572"}
    agencies = set(deadline.obligations.exclude(agency=None).values_list("agency__code", flat=True))
    expected = set(Agency.objects.filter(active=True).exclude(code="LDTBXH").exclude(kind=AgencyKind.COMMUNES).values_list("code", flat=True))
    assert agencies == expected and "LDTBXH" not in agencies and "UBNDXA" not in agencies
    assert created == len(communes) + len(agencies)
    assert set(deadline.obligations.values_list("state", flat=True)) == {ObligationState.NOT_STARTED}


def test_creating_obligations_twice_creates_nothing_new(annual):
    deadline = services.deadline_ensure(kind=annual, year=2026)
    first = services.obligations_ensure(deadline=deadline)
    assert services.obligations_ensure(deadline=deadline) == 0
    assert deadline.obligations.count() == first


def test_the_2024_report_is_owed_by_the_thirty_units_of_the_old_district(annual):
    deadline = services.deadline_ensure(kind=annual, year=2024)
    services.obligations_ensure(deadline=deadline)
    communes = deadline.obligations.exclude(commune=None)
    in_force = AdministrativeUnit.objects.in_force(dt.date(2024, 12, 10)).filter(level=Level.COMMUNE).count()
    assert communes.count() == in_force == 30
    assert communes.filter(commune__code="02539").exists()  # Trung Yên still reported for 2024


def test_obligations_open_sixty_days_before_the_due_date_in_local_time():
    # 10 October 2026 is 61 days before 10 December: nothing yet; 11 October opens the annual report of 2026.
    assert not any(d.year == 2026 for d in services.deadlines_open(now=vn(2026, 10, 10, 23, 0)))
    opened = services.deadlines_open(now=vn(2026, 10, 11, 0, 30))
    assert [(d.kind.code, d.year) for d in opened if d.year == 2026] == [("annual", 2026)]
    assert Obligation.objects.filter(deadline__year=2026).count() > 0


def test_an_unknown_period_is_refused(annual):
    with pytest.raises(ValidationError):
        services.deadline_ensure(kind=annual, year=2035)


def test_the_deadline_says_on_time_means_before_the_due_day(annual):
    deadline = services.deadline_ensure(kind=annual, year=2025)
    assert str(deadline) == "Báo cáo kết quả thực hiện giảm nghèo bền vững hằng năm – Năm 2025"
    assert ReportingDeadline.objects.get(pk=deadline.pk).due_date == dt.date(2025, 12, 10)
