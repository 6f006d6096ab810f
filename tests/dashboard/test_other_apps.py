"""What the dashboard shows from the other apps: reporting deadlines, the plan's tasks, support and funds."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from programs.models import (
    Agency, Duty, FundAllocation, FundProgram, SupportPolicy, SupportRecord, TaskAssignment, TaskStatus,
)
from reporting import selectors
from reporting.models import Obligation, ObligationState, ReportingDeadline, ReportKind
from tests.conftest import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def obligations(district):
    """The annual report of 2025 (due 10/12/2025): Tân Trào sent it on time, Minh Thanh has not sent it, the
    social policy bank sent it late."""
    deadline = ReportingDeadline.objects.create(
        kind=ReportKind.objects.get(code="annual"), year=2025, first_year=2025, last_year=2025, due_date=dt.date(2025, 12, 10)
    )
    sent = timezone.make_aware(dt.datetime(2025, 12, 1, 9, 0))
    late = timezone.make_aware(dt.datetime(2025, 12, 20, 9, 0))
    Obligation.objects.create(deadline=deadline, commune=district["tt"], state=ObligationState.SUBMITTED,
                              first_submitted_at=sent, submitted_at=sent, on_time=True)
    Obligation.objects.create(deadline=deadline, commune=district["mt"])
    Obligation.objects.create(deadline=deadline, agency=Agency.objects.get(code="NHCSXH"), state=ObligationState.SUBMITTED,
                              first_submitted_at=late, submitted_at=late, on_time=False)
    return deadline


def test_deadline_compliance_counts_on_time_late_and_overdue_reports(obligations, tantrao_officer):
    d = selectors.deadline_compliance(year=2025)
    assert (d["total"], d["submitted"], d["on_time"], d["late"], d["overdue"]) == (3, 2, 1, 1, 1)
    assert sorted(r["owner"] for r in d["rows"]) == sorted(["Xã Minh Thanh", str(Agency.objects.get(code="NHCSXH"))])
    own = selectors.deadline_compliance(year=2025, user=tantrao_officer)
    assert (own["total"], own["on_time"], own["overdue"]) == (1, 1, 0)


def test_the_dashboard_names_who_is_late(client, obligations, district_officer):
    client.force_login(district_officer)
    # The reports of the latest review year (2025 in the fixture) are the ones followed.
    response = client.get("/dashboard/?year=2025")
    html = response.content.decode()
    assert "Báo cáo định kỳ năm 2025" in html and "Quá hạn, chưa nộp" in html and "Xã Minh Thanh" in html


@pytest.fixture
def support(district):
    """2025: 10.000.000 đ of credit (bank capital) to a household of Tân Trào; 5.000.000 đ from the central budget
    to a household of Trung Yên before the merger; 2.000.000 đ to one of Minh Thanh. One record of 2024."""
    credit = SupportPolicy.objects.get(code="TD-HONGHEO")
    for commune, day, amount, source in [
        (district["tt"], dt.date(2025, 9, 2), 10_000_000, "policy_bank"),
        (district["ty"], dt.date(2025, 3, 1), 5_000_000, "central"),
        (district["mt"], dt.date(2025, 9, 5), 2_000_000, "policy_bank"),
        (district["tt"], dt.date(2024, 9, 5), 7_000_000, "policy_bank"),
    ]:
        SupportRecord.objects.create(household=HouseholdFactory(commune=commune), policy=credit, date=day, amount=amount,
                                     funding_source=source, commune=commune)


def test_support_by_todays_commune_and_source(support):
    s = selectors.support_by_commune(year=2025)
    rows = {r["unit"]["code"]: r for r in s["rows"]}
    assert rows["02545"]["amount"] == 15_000_000 and rows["02545"]["by_source"] == {"policy_bank": 10_000_000, "central": 5_000_000}
    assert rows["02554"]["records"] == 1 and s["total"] == {"records": 3, "amount": 17_000_000}
    assert [code for code, _ in s["sources"]] == ["policy_bank", "central"]
    historical = {r["unit"]["code"] + r["unit"]["name"]: r["amount"] for r in selectors.support_by_commune(year=2025, structure="historical")["rows"]}
    assert historical["02539Xã Trung Yên"] == 5_000_000


def test_support_shows_on_the_dashboard_and_stays_in_scope(client, support, tantrao_officer):
    client.force_login(tantrao_officer)
    response = client.get("/dashboard/?year=2025")
    rows = [[c.text for c in row] for row in next(s for s in response.context["sections"] if s.key == "support").tables[0].rows]
    assert rows == [["Xã Tân Trào", "2", "15.000.000", "10.000.000", "5.000.000"]]


def test_funds_allocated_and_disbursed_by_commune(district):
    program = FundProgram.objects.get(code="CTMTQG-GNBV")
    FundAllocation.objects.create(year=2025, program=program, source="central", commune=district["tt"], allocated=100_000_000, disbursed=40_000_000)
    FundAllocation.objects.create(year=2025, program=program, source="central", commune=None, allocated=50_000_000, disbursed=50_000_000)
    f = selectors.funds_by_commune(year=2025)
    assert [(r["unit"]["code"] if r["unit"] else None, r["rate"]) for r in f["rows"]] == [("02545", 40.0), (None, 100.0)]
    assert f["total"] == {"allocated": 150_000_000, "disbursed": 90_000_000, "rate": 60.0}
    assert f["by_source"][0]["source"] == "central"


def test_tasks_behind_by_agency_and_commune(district, tantrao_officer):
    duty = Duty.objects.order_by("order").first()
    past, future = timezone.localdate() - dt.timedelta(days=10), timezone.localdate() + dt.timedelta(days=10)
    TaskAssignment.objects.create(duty=duty, year=2026, agency=duty.agency, commune=district["tt"], title="Việc quá hạn", due_date=past,
                                  status=TaskStatus.IN_PROGRESS, progress=40)
    TaskAssignment.objects.create(duty=duty, year=2026, agency=duty.agency, commune=district["mt"], title="Việc xong", due_date=past,
                                  status=TaskStatus.COMPLETED, progress=100)
    TaskAssignment.objects.create(duty=duty, year=2026, agency=duty.agency, commune=None, title="Việc còn hạn", due_date=future)
    t = selectors.tasks_behind(year=2026)
    assert (t["total"], t["completed"], t["overdue"]) == (3, 1, 1)
    assert t["by_agency"][0]["progress"] == round(140 / 3)
    assert [(c["unit"]["code"], c["overdue"]) for c in t["by_commune"]] == [("02545", 1), ("02554", 0)]
    own = selectors.tasks_behind(year=2026, user=tantrao_officer, unit_ids=selectors.statistics_scope(
        user=tantrao_officer, unit_code=None, year=2026).unit_ids)
    assert own["total"] == 1
