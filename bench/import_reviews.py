"""Benchmark: import the annual review results of 10,000 households (one commune, one year) from one workbook,
end to end: the template of the commune, the dry run (read, clean, check, classify, preview) and the commit
(check again, then services.reviews_save_many: review_save's rules for every row, written in bulk with
history and workflow events).

    python bench/import_reviews.py [--households 10000] [--year 2025] [--database-url postgres://...]

Runs on a fresh SQLite file in a temporary folder unless a database URL is given (its tables are flushed).
"""
from __future__ import annotations

import argparse
import datetime as dt
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


def build_registry(households: int, commune, seed: int = 7) -> list[tuple[str, str, int]]:
    """Households with their members, written in bulk (the registry is not what is measured)."""
    from households.models import AdministrativeUnit, EthnicGroup, Household, Level, Member, Relation, Sex

    rng = random.Random(seed)
    villages = [AdministrativeUnit.objects.create(code=f"{commune.code}-B{i:02d}", name=f"Thôn Bench {i}",
                                                  level=Level.VILLAGE, parent=commune, area=commune.area)
                for i in range(1, 13)]
    groups = list(EthnicGroup.objects.filter(code__in=["01", "02", "09", "15"]))
    made = []
    objs = []
    for n in range(households):
        code = f"BR-{n:06d}"
        head = f"Ma Văn Bench {n}"
        objs.append(Household(code=code, commune=commune, village=rng.choice(villages), head_name=head,
                              address="Xã Tân Trào", search_key=code.lower()))
        made.append((code, head, rng.choice([1, 2, 3, 4, 4, 4, 5, 5, 6])))
    Household.objects.bulk_create(objs, batch_size=2000)
    ids = dict(Household.objects.filter(code__startswith="BR-").values_list("code", "id"))
    members = []
    for code, head, size in made:
        group = rng.choice(groups)
        for i in range(size):
            members.append(Member(household_id=ids[code], full_name=head if i == 0 else f"Ma Thị Bench {i}",
                                  sex=Sex.MALE if i == 0 else Sex.FEMALE,
                                  relation=Relation.HEAD if i == 0 else Relation.CHILD, order=i,
                                  birth_date=dt.date(rng.randint(1945, 2020), rng.randint(1, 12), rng.randint(1, 28)),
                                  ethnic_group=group))
    Member.objects.bulk_create(members, batch_size=5000)
    return made


def build_workbook(rows: list[tuple[str, str, int]], indicators: dict[str, str], year: int, seed: int = 11) -> bytes:
    """The workbook a commune sends back: the template's columns, every household filled in."""
    import xlsxwriter

    rng = random.Random(seed)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet("Kết quả rà soát")
    ws.write(0, 0, f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year} – XÃ TÂN TRÀO")
    headers = (["Mã hộ *", "Chủ hộ (để đối chiếu)", "Ngày rà soát", "Số nhân khẩu", "Tổng thu nhập 12 tháng (đồng)"]
               + [f"{c}. {n}" for c, n in indicators.items()]
               + ["Nguyên nhân nghèo (1)", "Nhu cầu hỗ trợ (1)", "Hộ không có khả năng lao động", "Ghi chú"])
    for c, h in enumerate(headers):
        ws.write(3, c, h)
    causes = ["Thiếu vốn sản xuất, kinh doanh", "Thiếu đất canh tác", "Thiếu lao động", ""]
    needs = ["Vay vốn ưu đãi", "Dạy nghề", "Hỗ trợ nhà ở", ""]
    for r, (code, head, size) in enumerate(rows, start=4):
        month = rng.choice([700_000, 1_100_000, 1_400_000, 1_600_000, 2_000_000, 3_000_000])
        deprived = set(rng.sample(list(indicators), rng.choice([0, 1, 2, 3, 4, 5])))
        values = [code, head, f"{rng.randint(1, 28):02d}/10/{year}", size, month * size * 12]
        values += ["Có" if c in deprived else "Không" for c in indicators]
        values += [rng.choice(causes), rng.choice(needs), "Không", ""]
        for c, v in enumerate(values):
            if isinstance(v, int):
                ws.write_number(r, c, v)
            elif v:
                ws.write_string(r, c, v)
    wb.close()
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-import-reviews-")
    # DEBUG off as in production (DEBUG on makes Django keep every query's text).
    os.environ.update(DEBUG="0", SECRET_KEY="bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
                      DATA_DIR=tmp, LOG_LEVEL="ERROR", DJANGO_SETTINGS_MODULE="sondương.settings")
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = Path(tmp) / "media"
    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_reference", verbosity=0)  # the flush took the reference data the migrations loaded
    from accounts.models import Role, User
    from households import exports
    from households.imports import import_job_confirm, import_job_run
    from households.imports_reviews import review_job_create, reviews_import_plan
    from households.models import AdministrativeUnit, AnnualReview, Job, PovertyStandard

    commune = AdministrativeUnit.objects.by_code("02545")
    started = time.perf_counter()
    rows = build_registry(args.households, commune)
    print(f"registry: {args.households} households built in {time.perf_counter() - started:.1f} s")
    user = User.objects.create(username="bench", role=Role.COMMUNE_OFFICER, unit=commune, full_name="Bench")
    indicators = dict(PovertyStandard.objects.for_year(args.year).to_rules().indicators)

    started = time.perf_counter()
    path = exports.reviews_template(commune=commune, year=args.year)
    template_s = time.perf_counter() - started
    size = path.stat().st_size
    path.unlink()
    data = build_workbook(rows, indicators, args.year)
    print(f"workbook: {len(rows)} rows, {len(data) / 1024 / 1024:.1f} MB")

    # Through the job the pages use: keep the file, dry run (preview saved for the page), confirm, commit.
    cpu = time.process_time()
    started = time.perf_counter()
    job = review_job_create(user=user, filename="bench.xlsx", data=data, year=args.year, commune=commune)
    import_job_run(job_id=job.pk)
    job = Job.objects.get(pk=job.pk)
    dry = time.perf_counter() - started
    assert job.result.get("ok"), (job.result, job.error)
    assert job.result["totals"]["new"] == len(rows), job.result["totals"]
    started = time.perf_counter()
    assert import_job_confirm(job=job)
    import_job_run(job_id=job.pk)
    commit = time.perf_counter() - started
    cpu = time.process_time() - cpu
    job = Job.objects.get(pk=job.pk)
    assert job.result["phase"] == "committed", (job.result, job.error)
    assert AnnualReview.objects.filter(year=args.year).count() == len(rows)
    started = time.perf_counter()
    again = reviews_import_plan(data=data, filename="bench.xlsx", user=user, year=args.year, commune=commune)
    rerun = time.perf_counter() - started
    assert again.totals()["unchanged"] == len(rows), again.totals()
    total = dry + commit
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = "postgresql" if args.database_url else "sqlite"
    classes = job.result["totals"]["classes"]
    print(f"template of the commune ({args.households} households pre-filled): {template_s:.2f} s, "
          f"{size / 1024 / 1024:.1f} MB")
    print(f"dry run (read, clean, check, classify, preview page data): {dry:.2f} s = {len(rows) / dry:,.0f} rows/s")
    print(f"commit (check again, reviews_save_many with history and events): {commit:.2f} s = "
          f"{len(rows) / commit:,.0f} rows/s")
    print(f"end to end on {backend}: {total:.2f} s = {len(rows) / total:,.0f} rows/s; CPU time {cpu:.2f} s")
    print(f"re-import of the same file (all unchanged, dry run): {rerun:.2f} s; peak RSS {peak:.0f} MB")
    print(f"classified: {classes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
