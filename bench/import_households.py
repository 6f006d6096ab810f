"""Benchmark: import 10,000 households with their members (about 35,000 rows) from one workbook, end to end:
the dry run (read, clean, check, preview) and the commit (check again, write with history).

    python bench/import_households.py [--households 10000] [--database-url postgres://...]

Runs on a fresh SQLite file in a temporary folder unless a database URL is given (its tables are flushed).
Goal (issue 7): at least 1,000 household rows a second end to end, dry run included.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_workbook(households: int, villages: list[str], seed: int = 7) -> tuple[bytes, int]:
    import xlsxwriter

    from households.demo import GIVEN, MIDDLE, SURNAMES

    rng = random.Random(seed)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet("Nhân khẩu")
    ws.write(0, 0, "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU – XÃ TÂN TRÀO")
    headers = ["Mã hộ", "Thôn, tổ dân phố", "Địa chỉ", "Họ và tên", "Giới tính", "Ngày sinh", "Số định danh cá nhân",
               "Dân tộc", "Quan hệ với chủ hộ"]
    for c, h in enumerate(headers):
        ws.write(3, c, h)
    r = 4
    serial = 0
    relations = ["Vợ/chồng", "Con", "Con", "Con", "Bố/mẹ", "Cháu"]
    for n in range(households):
        size = rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6])
        surname = rng.choice(SURNAMES["01"] + SURNAMES["02"])
        ethnic = rng.choice(["Kinh", "Tày", "Dao", "Sán Chay"])
        for i in range(size):
            sex = rng.choice(["male", "female"])
            name = f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
            serial += 1
            year = rng.randint(1940, 2020)
            birth = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}" if rng.random() > 0.1 else str(year)
            ws.write_string(r, 0, f"BENCH-{n:06d}" if i == 0 else "")
            ws.write_string(r, 1, rng.choice(villages) if i == 0 else "")
            ws.write_string(r, 2, "Xã Tân Trào" if i == 0 else "")
            ws.write_string(r, 3, name)
            ws.write_string(r, 4, "Nam" if sex == "male" else "Nữ")
            ws.write_string(r, 5, birth)
            ws.write_string(r, 6, f"0089{serial:08d}")
            ws.write_string(r, 7, ethnic)
            ws.write_string(r, 8, "Chủ hộ" if i == 0 else rng.choice(relations))
            r += 1
    wb.close()
    return out.getvalue(), r - 4


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-import-")
    # DEBUG off as in production (DEBUG on makes Django keep every query's text).
    os.environ.update(DEBUG="0", SECRET_KEY="bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
                      DATA_DIR=tmp, LOG_LEVEL="ERROR", DJANGO_SETTINGS_MODULE="sondương.settings")
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_reference", verbosity=0)  # the flush took the reference data the migrations loaded
    from accounts.models import Role, User
    from households.imports import households_import_plan
    from households.models import AdministrativeUnit, Household, Level, Member

    commune = AdministrativeUnit.objects.by_code("02545")
    villages = [
        AdministrativeUnit.objects.create(code=f"02545-B{i:02d}", name=f"Thôn Bench {i}", level=Level.VILLAGE,
                                          parent=commune, area=commune.area)
        for i in range(1, 13)
    ]
    user = User.objects.create(username="bench", role=Role.COMMUNE_OFFICER, unit=commune)
    data, rows = build_workbook(args.households, [v.name for v in villages])
    print(f"workbook: {args.households} households, {rows} rows, {len(data) / 1024 / 1024:.1f} MB")

    # Through the job the pages use: keep the file, dry run (preview saved for the page), confirm, commit.
    from households.imports import import_job_confirm, import_job_create, import_job_run
    from households.models import Job

    cpu = time.process_time()
    started = time.perf_counter()
    job = import_job_create(user=user, filename="bench.xlsx", data=data, commune=commune)
    import_job_run(job_id=job.pk)
    job = Job.objects.get(pk=job.pk)
    dry = time.perf_counter() - started
    assert job.result.get("ok"), job.result
    started2 = time.perf_counter()
    assert import_job_confirm(job=job)
    import_job_run(job_id=job.pk)
    commit = time.perf_counter() - started2
    cpu = time.process_time() - cpu
    total = dry + commit
    assert Job.objects.get(pk=job.pk).result["phase"] == "committed"
    assert Household.objects.count() == args.households and Member.objects.count() == rows
    started3 = time.perf_counter()
    again = households_import_plan(data=data, filename="bench.xlsx", user=user, commune=commune)
    rerun = time.perf_counter() - started3
    assert again.totals()["unchanged"] == args.households
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = "postgresql" if args.database_url else "sqlite"
    print(f"dry run (read, clean, check, preview page data): {dry:.2f} s")
    print(f"commit (check again, write with history): {commit:.2f} s")
    print(f"end to end on {backend}: {total:.2f} s = {args.households / total:,.0f} households/s, "
          f"{rows / total:,.0f} rows/s (goal ≥ 1,000 household rows/s); CPU time {cpu:.2f} s")
    print(f"re-import of the same file (all unchanged, dry run): {rerun:.2f} s; peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
