"""Reporting's answers to other apps' signals. `households` never imports reporting: it sends signals, and this
module (connected in `ReportingConfig.ready`) moves reporting's own rows."""
from __future__ import annotations

from django.dispatch import receiver

from households.mergers import PreviewItem, merger_preview_items, units_merged

from .models import OPEN_STATES, Obligation
from .services import obligations_follow_merger


@receiver(merger_preview_items, dispatch_uid="reporting.obligations_preview")
def obligations_preview(sender, *, sources, target, effective_date, lineage_ids, **kwargs) -> PreviewItem:
    """The merger preview lists the reports the dissolved communes still owe that will move to the successor."""
    ids = [i for i in lineage_ids if target is None or i != target.pk]
    count = Obligation.objects.filter(commune_id__in=ids, state__in=OPEN_STATES, deadline__due_date__gte=effective_date).count()
    return PreviewItem(
        label="Báo cáo định kỳ còn phải nộp, chuyển sang đơn vị sau sáp nhập", count=count,
        detail="Báo cáo đã nộp, đã tiếp nhận giữ nguyên ở đơn vị cũ.",
    )


@receiver(units_merged, dispatch_uid="reporting.obligations_follow_merger")
def obligations_follow(sender, *, merger, sources, target, effective_date, lineage_ids, **kwargs) -> dict:
    from households.models import AdministrativeUnit

    units = list(AdministrativeUnit.objects.filter(pk__in=lineage_ids))
    moved = obligations_follow_merger(sources=units, target=target, effective_date=effective_date)
    return {"obligations_moved": moved}
