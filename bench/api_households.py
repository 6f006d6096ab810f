"""Benchmark: the API households list, a page of 100 with nested members, as a district officer with a token.

    python bench/api_households.py [--households 20000] [--runs 30] [--database-url postgres://...]

In-process (Django's test client through the whole middleware and DRF stack) on a fresh database seeded with
the demo registry. Goal (issue 7): under 100 ms a page, with the same number of queries for 10 or 100 rows.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-api-")
    os.environ.update(DEBUG="0", SECRET_KEY="bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
                      DATA_DIR=tmp, LOG_LEVEL="ERROR", DJANGO_SETTINGS_MODULE="sondương.settings",
                      ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0", API_THROTTLE_USER="100000/minute")
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_reference", verbosity=0)  # the flush took the reference data the migrations loaded
    from accounts.models import Role, User
    from households.demo import build_registry
    from households.models import AdministrativeUnit

    build_registry(households=args.households, seed=2026, today=dt.date.today())
    user = User.objects.create(username="bench-api", role=Role.DISTRICT_OFFICER,
                               unit=AdministrativeUnit.objects.filter(code="076").first())
    token = Token.objects.create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    def page(size: int, number: int) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get("/api/v1/households/", {"page_size": size, "page": number})
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, len(ctx)

    page(100, 1)  # warm up
    times = [page(100, 1 + n % 50)[0] for n in range(args.runs)]
    _, queries_10 = page(10, 3)
    _, queries_100 = page(100, 3)
    backend = "postgresql" if args.database_url else "sqlite"
    print(f"{args.households} households on {backend}; GET /api/v1/households/?page_size=100 over {args.runs} runs: "
          f"median {statistics.median(times):.1f} ms, p90 {sorted(times)[int(len(times) * 0.9) - 1]:.1f} ms, "
          f"max {max(times):.1f} ms (goal < 100 ms)")
    print(f"queries: {queries_10} for a page of 10, {queries_100} for a page of 100 (goal: the same)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
