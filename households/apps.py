from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _build_statistics(sender, **kwargs) -> None:
    """After `migrate`: a database upgraded to the year rows of the figures gets them built once."""
    from django.db import transaction

    from .household_years import household_years_rebuild
    from .models import Household, HouseholdYear, StatusCount

    try:
        if Household.objects.exists() and not (HouseholdYear.objects.exists() and StatusCount.objects.exists()):
            with transaction.atomic():
                household_years_rebuild()
    except Exception:  # noqa: BLE001 - a database not yet migrated to the end (migrating to an earlier state)
        return


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = "Hộ gia đình và đơn vị hành chính"

    def ready(self) -> None:
        post_migrate.connect(_build_statistics, sender=self, dispatch_uid="households.build_statistics")
