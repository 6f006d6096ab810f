"""Re-apply the reference data files after an edit. Idempotent: a second run changes nothing."""
import importlib
import importlib.util
from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

# Apps with a `reference.apply(stats)` function, in dependency order.
REFERENCE_APPS = ("households", "programs", "accounts", "reporting")


class Command(BaseCommand):
    help = "Nạp lại dữ liệu danh mục (đơn vị hành chính, dân tộc, cơ quan, kế hoạch...) từ các tệp dữ liệu trong mã nguồn."

    @transaction.atomic
    def handle(self, *args, **options):
        stats: Counter = Counter()
        for app in REFERENCE_APPS:
            if importlib.util.find_spec(f"{app}.reference") is not None:
                importlib.import_module(f"{app}.reference").apply(stats)
        for key in sorted(stats):
            self.stdout.write(f"{key}: {stats[key]}")
        changed = sum(v for k, v in stats.items() if not k.endswith(".unchanged"))
        self.stdout.write(self.style.SUCCESS("Không có gì thay đổi." if not changed else f"Đã cập nhật {changed} mục."))
