"""When communes merge, what the dissolved commune still owes moves to its successor (through the merger's
`units_merged` signal: households never imports reporting); what it already sent stays as history."""
from __future__ import annotations

import datetime as dt

import pytest

from households.mergers import merger_apply, merger_preview
from households.models import AdministrativeUnit
from reporting import services
from reporting.models import Obligation, ObligationState, ReportKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def binh_ca():
    return AdministrativeUnit.objects.by_code("02548", dt.date(2026, 11, 1))


def test_open_obligations_of_a_dissolved_commune_move_to_its_successor(deadline_2026, tantrao, binh_ca, tantrao_officer):
    annual = ReportKind.objects.get(code="annual")
    old = services.deadline_ensure(kind=annual, year=2025)
    services.obligations_ensure(deadline=old)
    sent = old.obligations.get(commune=binh_ca)
    Obligation.objects.filter(pk=sent.pk).update(state=ObligationState.ACCEPTED)
    preview = merger_preview(sources=[binh_ca], effective_date=dt.date(2026, 11, 1), target=tantrao)
    assert any(item.label.startswith("Báo cáo định kỳ") and item.count == 1 for item in preview.extra)
    # Bình Ca had begun its draft; Tân Trào had not.
    owed = deadline_2026.obligations.get(commune=binh_ca)
    admin_like = tantrao_officer
    Obligation.objects.filter(pk=owed.pk).update(state=ObligationState.DRAFT)
    from reporting.models import Submission

    Submission.objects.create(obligation=owed, narrative="Bình Ca: kết quả 11 tháng.", created_by=admin_like)
    merger = merger_apply(sources=[binh_ca], effective_date=dt.date(2026, 11, 1), target=tantrao)
    assert merger.summary["hooks"]["reporting.receivers.obligations_follow"] == {"obligations_moved": 1}
    assert not deadline_2026.obligations.filter(commune=binh_ca).exists()
    tt = deadline_2026.obligations.get(commune=tantrao)
    assert tt.state == ObligationState.DRAFT and "Bình Ca: kết quả 11 tháng." in tt.submission.narrative
    sent.refresh_from_db()
    assert sent.commune == binh_ca and sent.state == ObligationState.ACCEPTED  # history stays


def test_an_obligation_moves_whole_when_the_successor_had_none(annual, tantrao, binh_ca):
    deadline = services.deadline_ensure(kind=annual, year=2026)
    services.obligations_ensure(deadline=deadline)
    deadline.obligations.filter(commune=tantrao).delete()
    moved = services.obligations_follow_merger(sources=[binh_ca], target=tantrao, effective_date=dt.date(2026, 11, 1))
    ob = deadline.obligations.get(commune=tantrao)
    assert moved == 1 and ob.moved_from == binh_ca
