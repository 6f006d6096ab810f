"""Benchmark: the 1 July 2025 reform — Sơn Dương's thirty units merged into ten communes — at 50,000 households,
in one transaction (goal: under 30 s).

    python bench/merger.py [--households 50000] [--database-url postgres://...]

Seeds a fresh database with `seed_demo`, puts it back in the state of "the reform not entered yet" (every
household recorded under its old commune, no place history; with --reviews-under-old-units also every review
dated from 1 July 2025 filed under the old communes), then times `households.mergers.mergers_apply` over the ten mergers the reference data records for
1 July 2025 (what `manage.py merge_units --date 2025-07-01 --recorded` does), and checks that no household was lost.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFORM = dt.date(2025, 7, 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reviews-under-old-units", action="store_true",
        help="worst case: the reviews dated from 01/07/2025 were also filed under the old communes and must move",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DEBUG="1", DATA_DIR=tmp, LOG_LEVEL="ERROR")
        env.pop("DATABASE_URL", None)
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        py = sys.executable
        subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        if args.database_url:
            # `flush` empties the reference tables too, and migrations do not run twice: reload them.
            subprocess.run([py, "manage.py", "flush", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            subprocess.run([py, "manage.py", "load_reference"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run(
            [py, "manage.py", "seed_demo", "--households", str(args.households), "--seed", str(args.seed)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )
        print(f"seed_demo --households {args.households}: {time.perf_counter() - started:.1f} s")
        os.environ.update(env)
        return run(backend="postgresql" if args.database_url else "sqlite", reviews_too=args.reviews_under_old_units)


def run(*, backend: str, reviews_too: bool) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sondương.settings")
    import django

    django.setup()
    from django.db import transaction

    from households.mergers import mergers_apply, reform_requests
    from households.models import AnnualReview, Household, HouseholdPlacement, Level
    from households.structure import successor_map

    before_reform = REFORM - dt.timedelta(days=1)
    # "The reform not entered yet": each household under the commune its village belonged to on 30/06/2025.
    images = successor_map(before_reform, level=Level.COMMUNE)
    parents_of: dict[int, list[int]] = {}
    for unit_id, image in images.items():
        parents_of.setdefault(image, []).append(unit_id)
    old_units = [uid for uid in parents_of if uid in images and images[uid] == uid]
    with transaction.atomic():
        HouseholdPlacement.objects.all().delete()
        for old in old_units:
            Household.objects.filter(village__parent_id__in=parents_of[old]).update(commune_id=old)
            if reviews_too:
                AnnualReview.objects.filter(review_date__gte=REFORM, household__village__parent_id__in=parents_of[old]).update(commune_id=old)
    total = Household.objects.count()
    later_reviews = AnnualReview.objects.filter(review_date__gte=REFORM).count() if reviews_too else 0

    requests = reform_requests(REFORM)
    started = time.perf_counter()
    done = mergers_apply(requests=requests)  # one transaction (atomic)
    elapsed = time.perf_counter() - started

    moved = sum(m.summary["households"] for m in done)
    placements = sum(m.summary["placements_created"] for m in done)
    reviews = sum(m.summary["reviews_moved"] for m in done)
    sources = sum(len(r.sources) for r in requests)
    new_ids = {r.target.pk for r in requests}
    in_new = Household.objects.filter(commune_id__in=new_ids).count()
    ok = moved == total == in_new and reviews == later_reviews
    print(
        f"merger of {sources} units into {len(requests)} communes, {moved} households "
        f"({placements} place-history rows written, {reviews} reviews dated from 01/07/2025 moved) on {backend}: "
        f"{elapsed:.1f} s, one transaction; households before {total}, after in the ten communes {in_new}"
        + ("" if ok else "  MISMATCH")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
