"""`manage.py merge_units`: merge commune-level units into one from a date, with a preview (households.mergers).

    # Trung Yên into Tân Trào (the commune of 1 Jul 2025, already in the reference data)
    manage.py merge_units --date 2025-07-01 --into 02545 02545 02539

    # Into a new unit (the code may be one of the old codes)
    manage.py merge_units --date 2024-09-01 --new-code 02608 --new-name "Xã Hồng Sơn" --parent 076 02608 02638

    # Every merger the reference data records for a date (the 2025 reform: thirty units into ten), one transaction
    manage.py merge_units --date 2025-07-01 --recorded

Source codes name the units in force the day before the date; `--into` names the unit in force on the date.
`--dry-run` prints the preview and changes nothing.
"""
from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from households.mergers import MergerPreview, MergerRequest, NewUnit, merger_preview, mergers_apply, reform_requests
from households.models import AdministrativeUnit


def _unit(code: str, on: dt.date, what: str) -> AdministrativeUnit:
    try:
        return AdministrativeUnit.objects.by_code(code, on)
    except AdministrativeUnit.DoesNotExist:
        raise CommandError(f"Không có {what} mã {code} có hiệu lực ngày {on:%d/%m/%Y}.") from None
    except AdministrativeUnit.MultipleObjectsReturned:
        raise CommandError(f"Có nhiều đơn vị mã {code} cùng có hiệu lực ngày {on:%d/%m/%Y}.") from None


class Command(BaseCommand):
    help = "Sáp nhập các đơn vị hành chính cấp xã vào một đơn vị (có sẵn hoặc mới) từ một ngày, có xem trước."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help="Mã các đơn vị được sáp nhập (có hiệu lực ngày trước ngày sáp nhập).")
        parser.add_argument("--date", required=True, type=dt.date.fromisoformat, help="Ngày hiệu lực (YYYY-MM-DD).")
        parser.add_argument("--into", help="Mã đơn vị có sẵn sau sáp nhập (có hiệu lực vào ngày sáp nhập).")
        parser.add_argument("--new-code", help="Mã đơn vị mới (có thể dùng lại mã của một đơn vị cũ).")
        parser.add_argument("--new-name", help="Tên đơn vị mới, ví dụ \"Xã Hồng Sơn\".")
        parser.add_argument("--short-name", default="")
        parser.add_argument("--area", default="rural", choices=["rural", "urban"], help="Khu vực của đơn vị mới.")
        parser.add_argument("--parent", help="Mã đơn vị cấp trên của đơn vị mới (huyện, hoặc tỉnh sau 01/7/2025).")
        parser.add_argument("--recorded", action="store_true", help="Thực hiện mọi việc sáp nhập mà dữ liệu danh mục ghi cho ngày này.")
        parser.add_argument("--legal-basis", default="", help="Căn cứ, ví dụ \"Nghị quyết 1684/NQ-UBTVQH15\".")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ xem trước, không thay đổi dữ liệu.")

    def handle(self, *args, sources, date, into, new_code, new_name, short_name, area, parent, recorded, legal_basis, dry_run, **options):
        if recorded:
            if sources or into or new_code:
                raise CommandError("--recorded không đi cùng mã đơn vị, --into hay --new-code.")
            requests = reform_requests(date, legal_basis=legal_basis)
            if not requests:
                raise CommandError(f"Dữ liệu danh mục không ghi việc sáp nhập nào có hiệu lực ngày {date:%d/%m/%Y}.")
        else:
            if not sources:
                raise CommandError("Cần ít nhất một mã đơn vị được sáp nhập.")
            if bool(into) == bool(new_code):
                raise CommandError("Dùng --into (đơn vị có sẵn) hoặc --new-code với --new-name (đơn vị mới).")
            day_before = date - dt.timedelta(days=1)
            units = tuple(_unit(code, day_before, "đơn vị") for code in sources)
            target = _unit(into, date, "đơn vị sau sáp nhập") if into else None
            new = None
            if new_code:
                if not new_name:
                    raise CommandError("Đơn vị mới cần --new-name.")
                new = NewUnit(code=new_code, name=new_name, short_name=short_name, area=area, parent_code=parent)
            requests = [MergerRequest(sources=units, effective_date=date, target=target, new_target=new, legal_basis=legal_basis)]

        ok = True
        for r in requests:
            preview = merger_preview(sources=list(r.sources), effective_date=r.effective_date, target=r.target, new_target=r.new_target)
            self._print(preview)
            ok = ok and preview.ok
        if not ok:
            raise CommandError("Không thực hiện sáp nhập: xem các lỗi ở trên.")
        if dry_run:
            self.stdout.write(self.style.WARNING("Chạy thử (--dry-run): chưa thay đổi dữ liệu."))
            return
        started = time.perf_counter()
        try:
            with transaction.atomic():
                done = mergers_apply(requests=requests)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        moved = sum(m.summary.get("households", 0) for m in done)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sáp nhập: {len(done)} đơn vị sau sáp nhập, {moved} hộ chuyển ({time.perf_counter() - started:.1f} giây)."
            )
        )

    def _print(self, p: MergerPreview) -> None:
        w = self.stdout.write
        w("")
        w(f"{', '.join(s.unit.name for s in p.sources)} → {p.target_name} ({p.target_code}), từ {p.effective_date:%d/%m/%Y}")
        for s in p.sources:
            w(
                f"  {s.unit.name:<24} {s.households:>7} hộ, {len(s.villages):>3} thôn, {s.reviews_moving} phiếu rà soát chuyển, "
                f"{len(s.officers)} tài khoản"
            )
        w(f"  Tổng: {p.households} hộ, {p.villages} thôn, {p.reviews_moving} phiếu rà soát từ ngày sáp nhập "
          f"({p.open_reviews_moving} chưa công nhận), {len(p.officers)} tài khoản cán bộ chuyển phạm vi.")
        for item in p.extra:
            w(f"  {item.label}: {item.count}" + (f" ({item.detail})" if item.detail else ""))
        for warning in p.warnings:
            w(self.style.WARNING(f"  Lưu ý: {warning}"))
        for problem in p.problems:
            w(self.style.ERROR(f"  Lỗi: {problem}"))
