"""Benchmark: the targets page (and `GET /api/v1/targets/`) at district scale.

    python bench/targets.py [--households 50000] [--runs 5] [--database-url postgres://...] [--data-dir DIR]

Builds a fresh database (a temporary SQLite file, or the given database, which is flushed), seeds the demo with
`seed_demo --households N`, and — when the demo has no official annual reviews yet — adds a review history of its
own (2021 to last year, one review per household and year, poverty falling 2–4 points a year, higher in the
extremely difficult communes and among ethnic minorities, ~15 % of poor households in temporary houses). Then it
requests the targets page as the district officer and prints the number of SQL queries and the time per request
(first request and the median of the next runs). A PostgreSQL database given with `--database-url` is emptied
(its schema dropped) first. With `--data-dir` the SQLite database is kept there and reused by
the next run (no new seeding while it has households).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _synthesize_reviews(seed: int) -> int:
    import datetime as dt

    from django.db import transaction

    from households.models import (
        AdministrativeUnit, AnnualReview, Change, Classification, Household, Indicator, Level, Member,
        PovertyStandard, Relation, ReviewState,
    )

    rng = random.Random(seed)
    last = dt.date.today().year - 1
    standards = {y: PovertyStandard.objects.for_year(y) for y in range(2021, last + 1)}
    housing = {s.pk: Indicator.objects.get(standard=s, code="7").bit for s in set(standards.values())}
    other_bits = {s.pk: [i.bit for i in s.indicators.exclude(code="7")] for s in set(standards.values())}
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(level=Level.COMMUNE).prefetch_related("successors")}

    def commune_on(unit_id: int, day: dt.date) -> int:
        unit = units[unit_id]
        while unit.valid_to and day > unit.valid_to:
            nxt = [s for s in unit.successors.all() if s.level == Level.COMMUNE]
            if not nxt:
                break
            unit = units[nxt[0].pk]
        return unit.pk

    minority_heads = set(
        Member.objects.filter(relation=Relation.HEAD, ethnic_group__minority=True).values_list("household_id", flat=True)
    )
    rows = Household.objects.order_by("id").values_list("id", "village__parent_id", "commune_id")
    created = 0
    batch: list[AnnualReview] = []
    with transaction.atomic():
        for hh, village_commune, commune in rows.iterator(chunk_size=10000):
            origin = village_commune or commune
            difficult = units[origin].extremely_difficult
            minority = hh in minority_heads
            level = rng.random()
            previous = ""
            for year in range(2021, last + 1):
                day = dt.date(year, 11, 15)
                poor_p = max(0.01, (0.24 if difficult else 0.10) + (0.08 if minority else 0) - 0.028 * (year - 2021))
                near_p = poor_p * 0.7
                cls = (Classification.POOR if level < poor_p else Classification.NEAR_POOR if level < poor_p + near_p
                       else Classification.AVERAGE)
                level = min(1.0, max(0.0, level + rng.uniform(-0.02, 0.05)))
                std = standards[year]
                mask = 0
                if cls == Classification.POOR:
                    for bit in rng.sample(other_bits[std.pk], 3):
                        mask |= bit
                    if rng.random() < max(0.0, 0.3 - 0.07 * (year - 2021)):
                        mask |= housing[std.pk]
                change = Change.FIRST_REVIEW if not previous else Change.STAYED
                commune_id = commune_on(origin, day)
                batch.append(AnnualReview(
                    household_id=hh, year=year, review_date=day, standard=std, commune_id=commune_id,
                    area=units[commune_id].area, ethnic_minority=minority, member_count=4,
                    income_per_capita_month=1_200_000 if cls != Classification.AVERAGE else 2_400_000,
                    deprivation_mask=mask, deprivation_count=bin(mask).count("1"), classification=cls,
                    previous_classification=previous, change=change, state=ReviewState.CONFIRMED,
                ))
                previous = cls
            if len(batch) >= 20000:
                AnnualReview.objects.bulk_create(batch, batch_size=5000)
                created += len(batch)
                batch = []
        AnnualReview.objects.bulk_create(batch, batch_size=5000)
        created += len(batch)
    return created


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", default="", help="keep (and reuse) the SQLite database in this folder")
    parser.add_argument("--reuse", action="store_true", help="reuse the given database if it has households")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    data_dir = args.data_dir or tmp.name
    os.environ.update(DEBUG="1", DATA_DIR=data_dir, LOG_LEVEL="ERROR", DJANGO_SETTINGS_MODULE="sondương.settings")
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from households.models import AnnualReview, Household, OFFICIAL_STATES

    def seeded() -> bool:
        try:
            return Household.objects.exists()
        except Exception:  # no tables yet
            connection.close()
            return False

    reuse = (bool(args.data_dir) or args.reuse) and seeded()
    if args.database_url and connection.vendor == "postgresql" and not reuse:
        # A fresh schema: `flush` would also empty the reference data the migrations loaded.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)
    if not reuse:
        started = time.perf_counter()
        call_command("seed_demo", households=args.households, seed=args.seed, stdout=open(os.devnull, "w"))
        print(f"seed_demo --households {args.households}: {time.perf_counter() - started:.1f} s")
    households = Household.objects.count()
    if not AnnualReview.objects.filter(state__in=OFFICIAL_STATES).exists():
        started = time.perf_counter()
        made = _synthesize_reviews(args.seed)
        print(f"no official reviews in the demo: added {made:,} synthetic reviews ({time.perf_counter() - started:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum (or SQLite's optimizer) would have them
    reviews = AnnualReview.objects.filter(state__in=OFFICIAL_STATES).count()
    year = AnnualReview.objects.filter(state__in=OFFICIAL_STATES).order_by("-year").values_list("year", flat=True).first()
    user = User.objects.filter(role=Role.DISTRICT_OFFICER).first()
    client = Client()
    client.force_login(user)
    backend = connection.vendor
    for label, url in (("targets page", f"/targets/?year={year}"), ("API targets/", f"/api/v1/targets/?year={year}")):
        times, queries = [], 0
        for run in range(args.runs + 1):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url, HTTP_HOST="127.0.0.1")
                times.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
            queries = len(ctx.captured_queries)
        print(
            f"{label} ({backend}, {households:,} households, {reviews:,} official reviews, year {year}): "
            f"{queries} queries, first {times[0] * 1000:.0f} ms, median {statistics.median(times[1:]) * 1000:.0f} ms"
        )
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
