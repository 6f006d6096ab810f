"""Benchmark: reclassify every review of one year for a whole district (as after a correction of a standard).

    python bench/reviews_reclassify.py [--households 50000] [--year 2025] [--data-dir DIR | --database-url URL]

Without --data-dir/--database-url it migrates and seeds a fresh SQLite database in a temporary folder first
(`seed_demo --households N`). With --database-url the database must already hold the seeded district. It then
moves the rural poor line of the year's standard by 50.000 đ (so every rural review's reasons change and is
rewritten), times `services.reviews_reclassify`, runs it again with nothing to change, and rolls everything back.
Goal: under 10 s for 50,000 households.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, prepare  # noqa: E402


def measure(year: int) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sondương.settings")
    django.setup()
    from django.db import connection, transaction

    from households import services
    from households.models import AnnualReview, PovertyStandard

    total = AnnualReview.objects.filter(year=year).count()
    households = AnnualReview.objects.filter(year=year).values("household_id").distinct().count()

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            standard = PovertyStandard.objects.for_year(year)
            PovertyStandard.objects.filter(pk=standard.pk).update(
                rural_poor_line=standard.rural_poor_line + 50_000, rural_near_poor_line=standard.rural_near_poor_line + 50_000
            )
            started = time.perf_counter()
            first = services.reviews_reclassify(year=year)
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            second = services.reviews_reclassify(year=year)
            second_s = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    print(f"{connection.vendor}: {total} reviews of {year} ({households} households)")
    print(f"  reclassify after a line correction: {first_s:.2f} s — {first['updated']} rows rewritten, "
          f"{first['reclassified']} changed classification, {first['later_changes']} later changes (goal < 10 s)")
    print(f"  reclassify again, nothing to change: {second_s:.2f} s — {second['updated']} rows rewritten")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        measure(args.year)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(args, tmp)
        subprocess.run([sys.executable, __file__, "--measure-only", "--year", str(args.year)], cwd=ROOT, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
