"""Benchmark: the district's annual report workbook at 50,000 households with five years of reviews.

    python bench/annual_report.py [--households 50000] [--year 2025] [--database-url postgres://...] [--keep DIR]

Seeds a fresh database (SQLite in a temporary folder, or the given PostgreSQL database, flushed first) with the
demo registry, the demo review history 2021–2026 and the plan's demo data, then makes the report in fresh child
processes, each timed and measured on its own:
- the summary sheets alone (edition "summary": 10 sheets and the chart) — goal under 3 s;
- the full edition with the list of poor and near-poor households (personal data) — goal under 15 s, 300 MB;
- the Word draft of the annual report, and the five-year review (workbook and Word draft), on the same goals.
Peak memory is the child process's peak resident set size (Python, Django and the database driver included).
Prints numbers; it is not a test.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SEED = """
import datetime as dt, os, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sondương.settings")
django.setup()
from django.db import transaction
from households import demo as households_demo
households, seed = int(sys.argv[1]), 2026
today = dt.date(2026, 11, 26)
started = time.perf_counter()
with transaction.atomic():
    households_demo.build_registry(households=households, seed=seed, today=today)
reviews = households_demo.build_reviews(seed=seed, today=today)
try:
    from programs import demo as programs_demo
    programs_demo.build_programs(seed=seed, today=today)
except ImportError:
    pass
print(f"seeded {households} households, {reviews.reviews} reviews in {time.perf_counter() - started:.1f} s", flush=True)
"""

MAKE = """
import os, resource, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sondương.settings")
django.setup()
from django.db import connection
from households.structure import program_area
from reporting import services
from reporting.models import ReportKind
edition, year, code, fmt = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
kind = ReportKind.objects.get(code=code)
report = services.report_request(kind=kind, year=year, unit=program_area(), edition=edition, format=fmt)
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
report = services.report_generate(report_id=report.pk)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rows = 0
if fmt == "xlsx":
    from openpyxl import load_workbook
    wb = load_workbook(report.file.path, read_only=True)
    name = "11. Danh sách hộ"
    rows = sum(1 for _ in wb[name].iter_rows()) if name in wb.sheetnames else 0
print(f"RESULT {edition} {elapsed:.2f} {peak:.0f} {rss_before:.0f} {report.size} {rows} {connection.vendor}", flush=True)
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="reuse (or create) this data folder, skip seeding if it has data")
    args = parser.parse_args()
    tmp = None
    if args.keep:
        data_dir = Path(args.keep)
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory()
        data_dir = Path(tmp.name)
    env = dict(os.environ, DEBUG="1", DATA_DIR=str(data_dir), LOG_LEVEL="ERROR")
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    py = sys.executable
    marker = data_dir / ".seeded"
    if not (args.keep and marker.exists()):
        subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        if args.database_url:  # an existing database: empty it, then put the reference data back
            subprocess.run([py, "manage.py", "flush", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            subprocess.run([py, "manage.py", "load_reference"], cwd=ROOT, env=env, check=True, capture_output=True)
        out = subprocess.run([py, "-c", SEED, str(args.households)], cwd=ROOT, env=env, capture_output=True, text=True)
        if out.returncode:
            print(out.stdout, out.stderr[-3000:])
            return 1
        print(out.stdout.strip())
        marker.write_text("ok")
    results = {}
    runs = [("summary", args.year, "annual", "xlsx"), ("full", args.year, "annual", "xlsx"), ("summary", args.year, "annual", "docx"),
            ("summary", 2025, "five_year", "xlsx"), ("summary", 2025, "five_year", "docx")]
    for edition, year, code, fmt in runs:
        out = subprocess.run([py, "-c", MAKE, edition, str(year), code, fmt], cwd=ROOT, env=env, capture_output=True, text=True)
        line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT")), None)
        if line is None:
            print(out.stdout, out.stderr)
            return 1
        _, ed, secs, peak, before, size, rows, vendor = line.split()
        results[(ed, code, fmt)] = (float(secs), float(peak))
        label = {"summary": "summary sheets alone", "full": "with the household list"}[ed] if fmt == "xlsx" else "Word draft"
        extra = f", household list sheet {int(rows)} rows" if ed == "full" else ""
        title = "annual report" if code == "annual" else code.replace("_", "-") + " review"
        print(
            f"{title} {year}, {args.households} households, {vendor}: {label}: {float(secs):.2f} s, "
            f"peak RSS {float(peak):.0f} MB (process before the build {float(before):.0f} MB), file {int(size) / 1e6:.1f} MB{extra}"
        )
    s, f = results[("summary", "annual", "xlsx")], results[("full", "annual", "xlsx")]
    slowest = max(v[0] for v in results.values())
    print(
        f"goals: summary < 3 s: {'met' if s[0] < 3 else 'MISSED'}; full < 15 s: {'met' if f[0] < 15 else 'MISSED'}; "
        f"every report < 15 s: {'met' if slowest < 15 else 'MISSED'}; "
        f"< 300 MB: {'met' if max(v[1] for v in results.values()) < 300 else 'MISSED'}"
    )
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
