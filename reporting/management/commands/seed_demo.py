"""`manage.py seed_demo --households N --seed S`: a realistic Sơn Dương for demos and benchmarks.

It lives in `reporting`, the one app allowed to depend on all others, and runs each app's demo builder in
dependency order. Deterministic for a given seed.
"""
from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, build_accounts
from households import demo as households_demo
from households.models import Household
from programs import demo as programs_demo
from reporting import demo as reporting_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu cho huyện Sơn Dương (hộ, nhân khẩu, tài khoản mẫu cho từng vai trò)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=3000, help="Số hộ cần tạo (mặc định 3.000).")
        parser.add_argument("--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên (cùng hạt giống → cùng dữ liệu).")
        parser.add_argument("--if-empty", action="store_true", help="Bỏ qua nếu đã có hộ gia đình.")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="Ngày hiện tại giả định (YYYY-MM-DD).")

    def handle(self, *args, households: int, seed: int, if_empty: bool, today: dt.date | None, **options):
        if households < 0:
            raise CommandError("Số hộ phải là số không âm.")
        today = today or timezone.localdate()
        if Household.objects.exists():
            if if_empty:
                self.stdout.write("Đã có dữ liệu hộ gia đình: bỏ qua tạo dữ liệu mẫu.")
                self._accounts()
                return
            raise CommandError("Cơ sở dữ liệu đã có hộ gia đình. Dùng cơ sở dữ liệu trống, hoặc thêm --if-empty.")
        started = time.perf_counter()
        with transaction.atomic():
            summary = households_demo.build_registry(households=households, seed=seed, today=today)
            self.stdout.write(
                f"Sổ hộ: {summary.households} hộ, {summary.members} nhân khẩu, {summary.villages} thôn "
                f"({time.perf_counter() - started:.1f} giây)."
            )
        step = time.perf_counter()
        reviews = households_demo.build_reviews(seed=seed, today=today)
        self.stdout.write(
            f"Rà soát: {reviews.reviews} kết quả {min(reviews.by_year, default='')}–{max(reviews.by_year, default='')}, "
            f"{reviews.meetings} cuộc họp thôn, {reviews.applications} đơn đề nghị ({time.perf_counter() - step:.1f} giây)."
        )
        step = time.perf_counter()
        plan = programs_demo.build_programs(seed=seed, today=today)
        self.stdout.write(
            f"Kế hoạch: {plan.tasks} nhiệm vụ, {plan.updates} báo cáo tiến độ, {plan.support_records} lượt hỗ trợ "
            f"cho {plan.supported_households} hộ"
            f"{'' if plan.from_reviews else ' (chưa có kết quả rà soát: chọn mẫu hộ)'}, {plan.fund_rows} dòng vốn "
            f"({time.perf_counter() - step:.1f} giây)."
        )
        self._accounts()
        # Last: submissions are pre-filled from the reviews, support and tasks above; the annual reports read them all.
        step = time.perf_counter()
        rep = reporting_demo.build_reporting(seed=seed, today=today)
        self.stdout.write(
            f"Báo cáo định kỳ: {rep.obligations} nghĩa vụ báo cáo 2021–{today.year}, {rep.submitted} đã nộp "
            f"({rep.late} muộn, {rep.returned} bị trả lại); báo cáo tổng hợp: {', '.join(rep.reports) or 'chưa có'} "
            f"({time.perf_counter() - step:.1f} giây)."
        )
        self.stdout.write(self.style.SUCCESS(f"Xong sau {time.perf_counter() - started:.1f} giây."))

    def _accounts(self) -> None:
        accounts = build_accounts()
        self.stdout.write("")
        self.stdout.write("Tài khoản mẫu (mật khẩu chung: %s):" % DEMO_PASSWORD)
        for acc, user in accounts:
            scope = user.unit.name if user.unit else (user.agency.name if user.agency else "")
            self.stdout.write(f"  {acc.username:<16} {user.get_role_display():<40} {scope}")
