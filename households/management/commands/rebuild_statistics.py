"""`manage.py rebuild_statistics [--if-empty] [--check]`: rebuild the year rows the figures are computed from
(`households.household_years`): derived data, rebuilt from the registry, the reviews and the household events."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from households.household_years import household_years_check, household_years_rebuild
from households.models import Household, HouseholdYear, StatusCount


class Command(BaseCommand):
    help = "Tính lại số liệu hộ theo năm (hộ dân cư, nhân khẩu, tình trạng nghèo, cận nghèo) từ sổ hộ và kết quả rà soát."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Chỉ tính khi chưa có số liệu (sau khi nâng cấp).")
        parser.add_argument("--check", action="store_true", help="Chỉ so sánh số liệu đã lưu với số liệu tính lại, không ghi.")

    def handle(self, *args, if_empty: bool, check: bool, **options):
        started = time.perf_counter()
        if check:
            problems = household_years_check()
            for line in problems[:50]:
                self.stdout.write(line)
            self.stdout.write(f"{len(problems)} dòng lệch ({time.perf_counter() - started:.1f} giây).")
            return
        if if_empty and ((HouseholdYear.objects.exists() and StatusCount.objects.exists()) or not Household.objects.exists()):
            self.stdout.write("Đã có số liệu hộ theo năm: bỏ qua.")
            return
        with transaction.atomic():
            rows = household_years_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại {rows} dòng số liệu hộ theo năm ({time.perf_counter() - started:.1f} giây)."))
