"""Benchmark: the review board page of the largest commune (goal: a constant number of queries, under 300 ms).

    python bench/review_board.py [--households 50000] [--runs 15] [--data-dir DIR | --database-url URL]

Without --data-dir/--database-url it migrates and seeds a fresh SQLite database in a temporary folder first.
It renders the board of the current review year for the commune with the most households, as its commune
officer, through Django's test client (the full view: scoping, the aggregates by village and step, the first
page of households, the forms), and prints the query count and timings; then the same for the smallest commune,
a village filter and a later page, to show the query count does not grow with the data.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, prepare  # noqa: E402


def measure(runs: int) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sondương.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role, User
    from households.models import AnnualReview, Household

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    year = timezone.localdate().year
    sizes = list(Household.objects.values("commune_id", "commune__name").annotate(n=Count("id")).order_by("-n"))
    largest, smallest = sizes[0], sizes[-1]
    users = {}
    for row in (largest, smallest):
        users[row["commune_id"]], _ = User.objects.get_or_create(
            username=f"bench_board_{row['commune_id']}", defaults={"role": Role.COMMUNE_OFFICER, "unit_id": row["commune_id"]}
        )
    url = reverse("households:review_board")

    def run(row, extra: str = "", label: str = "") -> None:
        client = Client()
        client.force_login(users[row["commune_id"]])
        target = f"{url}?year={year}&commune={row['commune_id']}{extra}"
        client.get(target)  # warm up
        times, queries = [], set()
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(target)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            queries.add(len(ctx))
        reviews = AnnualReview.objects.filter(year=year, commune_id=row["commune_id"]).count()
        print(f"  {label or row['commune__name']:<38} {row['n']:>6} households, {reviews:>6} reviews of {year}: "
              f"queries {sorted(queries)}, median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")

    print(f"{connection.vendor}: review board, {runs} runs each (goal: constant queries, < 300 ms)")
    run(largest)
    village = AnnualReview.objects.filter(year=year, commune_id=largest["commune_id"]).values_list("village_id", flat=True).first()
    run(largest, f"&village={village}", "  … one village")
    run(largest, "&page=20", "  … page 20 of the list")
    run(largest, "&todo=1&state=draft", "  … to review, still in draft")
    run(smallest)
    User.objects.filter(username__startswith="bench_board_").delete()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        measure(args.runs)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(args, tmp)
        subprocess.run([sys.executable, __file__, "--measure-only", "--runs", str(args.runs)], cwd=ROOT, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
