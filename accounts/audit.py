"""The personal-data access log (`accounts.PersonalDataAccess`): one call where personal data leaves the system,
whichever the door — a page, an API read, an export, a download."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import AccessChannel, PersonalDataAccess
from .throttle import client_address


def personal_data_read(
    request: Any, *, channel: str, what: str, records: int, commune: Any = None, masked: bool | None = None,
) -> PersonalDataAccess | None:
    """Record that `request.user` read `records` records of personal data (nothing for an anonymous request or an
    empty read). `masked`: whether citizen ID numbers were masked; by default, as the user's role shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or records <= 0:
        return None
    if masked is None:
        masked = not getattr(user, "sees_personal_data", False)
    return PersonalDataAccess.objects.create(
        user=user, channel=channel, what=what[:255], path=request.get_full_path()[:300], records=records, masked=masked,
        address=client_address(request) if client_address(request) != "unknown" else None, commune=commune,
    )


def access_log_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the records older than `ACCESS_LOG_RETENTION_DAYS` (nightly, Celery beat). Returns how many."""
    days = int(getattr(settings, "ACCESS_LOG_RETENTION_DAYS", 730))
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = PersonalDataAccess.objects.filter(at__lt=cutoff).delete()
    return deleted


__all__ = ["AccessChannel", "access_log_purge", "personal_data_read"]
