"""Benchmark: the district dashboard (and the commune dashboard, the statistics API) at district and province scale.

    python bench/dashboard.py                                   # 50,000 households × 5 review years, SQLite
    python bench/dashboard.py --households 500000               # province scale, SQLite
    python bench/dashboard.py --database-url postgres://postgres@127.0.0.1:5432/dash_bench [--households 500000]
    python bench/dashboard.py --all --database-url postgres://postgres@127.0.0.1:5432/dash_bench   # the four runs

Builds a fresh database (a temporary SQLite file, or the PostgreSQL database named in the URL, dropped and made
again), migrates it, then writes households and their reviews of 2021–2025 with bulk inserts (COPY on PostgreSQL):
a Markov chain per household (poor ↔ near-poor ↔ not poor; higher in the extremely difficult communes and among
ethnic-minority households), the change computed by `households.poverty.change`, deprivations and causes for the
poor, every review confirmed. Then it requests the pages through Django's test client as a signed-in district
officer and prints the queries and the server time (median of 5 after a warm-up). Goals (issue 6): at most 25
queries whatever the size; under 300 ms at 50,000 households and under 1.5 s at 500,000 on PostgreSQL.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2021, 2022, 2023, 2024, 2025)
# Transition probabilities from one year's classification to the next (poor, near-poor, not poor).
TRANSITIONS = {
    "poor": (0.72, 0.16, 0.12),
    "near_poor": (0.06, 0.64, 0.30),
    "other": (0.012, 0.03, 0.958),
}


def _env(args, data_dir: str) -> dict[str, str]:
    env = dict(os.environ, DATA_DIR=data_dir, STATIC_ROOT=str(Path(data_dir) / "static"), DEBUG="0", LOG_LEVEL="ERROR", SECRET_KEY="bench-" + "x" * 50,
               ALLOWED_HOSTS="testserver,localhost", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
               CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0")
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    return env


def _fresh_postgres(url: str) -> None:
    """Drop and make again the benchmark database (never the one the application uses: name it, e.g. dash_bench)."""
    import psycopg2
    from urllib.parse import urlparse

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit("Đặt tên cơ sở dữ liệu riêng cho benchmark, ví dụ …/dash_bench.")
    conn = psycopg2.connect(host=parsed.hostname, port=parsed.port or 5432, user=parsed.username, password=parsed.password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL: a database for the benchmark only (dropped).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--all", action="store_true", help="50,000 and 500,000 households on SQLite, and on PostgreSQL if a URL is given.")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: keep the database if it already holds the data.")
    parser.add_argument("--profile", action="store_true", help="Print each query of the district dashboard with its time.")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.all:
        plans = [(n, url) for url in ([""] + ([args.database_url] if args.database_url else [])) for n in (50_000, 500_000)]
        for n, url in plans:
            cmd = [sys.executable, __file__, "--households", str(n), "--seed", str(args.seed), "--runs", str(args.runs)]
            if url:
                cmd += ["--database-url", url]
            subprocess.run(cmd, check=False)
        return 0
    if not args.in_process:
        with tempfile.TemporaryDirectory() as tmp:
            if args.database_url and not args.reuse:
                _fresh_postgres(args.database_url)
            env = _env(args, tmp)
            cmd = [sys.executable, __file__, "--in-process", "--households", str(args.households), "--seed", str(args.seed), "--runs", str(args.runs)]
            cmd += ["--profile"] if args.profile else []
            if args.database_url:
                cmd += ["--database-url", args.database_url]
            return subprocess.run(cmd, cwd=ROOT, env=env).returncode
    return run(args)


def run(args) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sondương.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    backend = connection.vendor
    started = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG off, as in production: hashed static files
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    from households.models import AnnualReview, Household

    if Household.objects.exists():  # --reuse
        counts = {"reviews": AnnualReview.objects.count(), "causes": AnnualReview.causes.through.objects.count()}
    else:
        counts = generate(households=args.households, seed=args.seed)
    generated = time.perf_counter() - started
    print(f"== dashboard, {backend}: {Household.objects.count():,} households × {len(YEARS)} review years "
          f"({counts['reviews']:,} reviews, {counts['causes']:,} causes); migrate {migrated:.1f} s, data {generated:.1f} s")
    measure(runs=args.runs, profile=args.profile)
    return 0


# --- data ----------------------------------------------------------------------------------------------------


def generate(*, households: int, seed: int) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils import timezone

    from households import poverty
    from households.demo import STRUCTURE_DAY, demo_villages
    from households.models import AdministrativeUnit, AnnualReview, Household, Level, Member, PovertyCause, PovertyStandard

    rng = random.Random(seed)
    communes = list(AdministrativeUnit.objects.in_force(STRUCTURE_DAY).filter(level=Level.COMMUNE).order_by("code"))
    villages = sorted(demo_villages(rng=random.Random(f"villages-{seed}"), communes=communes), key=lambda v: v.code)
    today = timezone.localdate()
    # Each village's commune on each review date (the unit in force that day) and today.
    place: dict[int, dict[int, int]] = {}
    for v in villages:
        place[v.pk] = {y: v.commune_on(dt.date(y, 10, 15)).pk for y in YEARS}
        place[v.pk]["now"] = v.commune_on(today).pk
    difficult = {v.pk: v.parent.extremely_difficult for v in villages}
    standards = {y: PovertyStandard.objects.for_year(y).pk for y in YEARS}
    cause_ids = list(PovertyCause.objects.values_list("pk", flat=True))
    now = timezone.now()
    hh_rows, rv_rows, cause_rows, member_rows = [], [], [], []
    totals = {"households": 0, "reviews": 0, "causes": 0, "members": 0}
    hh_cols = ["id", "code", "commune_id", "village_id", "address", "head_name", "search_key", "phone", "status", "created_at", "updated_at", "version"]
    member_cols = ["household_id", "full_name", "search_key", "sex", "birth_date", "birth_year_only", "relation", "order", "joined_reason", "left_reason"]
    rv_cols = [f.column for f in AnnualReview._meta.concrete_fields]
    through = AnnualReview.causes.through
    through_cols = [through._meta.get_field("annualreview").column, through._meta.get_field("povertycause").column]

    def flush() -> None:
        """Write what was generated so far (bounded memory at province scale)."""
        assert not rv_rows or len(rv_cols) == len(rv_rows[0]), "AnnualReview changed: update the benchmark's columns"
        with transaction.atomic():
            _insert(Household._meta.db_table, hh_cols, hh_rows)
            _insert(Member._meta.db_table, member_cols, member_rows)
            _insert(AnnualReview._meta.db_table, rv_cols, rv_rows)
            _insert(through._meta.db_table, through_cols, cause_rows)
        for key, rows in (("households", hh_rows), ("members", member_rows), ("reviews", rv_rows), ("causes", cause_rows)):
            totals[key] += len(rows)
            rows.clear()
    hh_start = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    rv_id = (AnnualReview.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    labels = ("poor", "near_poor", "other")
    common_deprivations = [3, 6, 8, 9, 10, 1, 0, 4, 2, 7, 5, 11]  # indicator orders, most frequent first
    weights = [10, 9, 8, 8, 7, 6, 5, 4, 3, 3, 2, 2]
    for i in range(households):
        hid = hh_start + i
        village = villages[rng.randrange(len(villages))]
        hard = difficult[village.pk]
        em = rng.random() < (0.7 if hard else 0.35)
        area = village.area
        hh_rows.append((hid, f"BH{hid:07d}", place[village.pk]["now"], village.pk, "", f"Hộ thử {hid}", "", "", "active", now, now, 1))
        p_poor = 0.07 + (0.15 if hard else 0) + (0.05 if em else 0)
        p_near = 0.07 + (0.04 if hard else 0)
        r = rng.random()
        cls = "poor" if r < p_poor else ("near_poor" if r < p_poor + p_near else "other")
        history: dict[int, str] = {}
        members = rng.randint(1, 7)
        for m in range(members):
            member_rows.append((hid, f"Người {m}", "", "male" if m % 2 else "female", dt.date(1950 + rng.randint(0, 70), 1, 1),
                                False, "head" if m == 0 else "child", m, "", ""))
        for year in YEARS:
            if year > YEARS[0]:
                probs = TRANSITIONS[cls]
                if hard and cls == "poor":
                    probs = (0.66, 0.20, 0.14)
                cls = rng.choices(labels, weights=probs)[0]
            change = poverty.change(cls, history, year=year, existed=year > YEARS[0])
            previous = history[max(history)] if history else ""
            history[year] = cls
            if cls == "poor":
                k = rng.randint(3, 6)
            elif cls == "near_poor":
                k = rng.randint(0, 2)
            else:
                k = rng.choice((0, 0, 0, 1))
            bits = set()
            while len(bits) < k:
                bits.add(rng.choices(common_deprivations, weights=weights)[0])
            mask = sum(1 << b for b in bits)
            income = rng.randint(700_000, 1_500_000) if cls != "other" else rng.randint(1_500_001, 5_000_000)
            rv_rows.append((
                rv_id, hid, year, "periodic", dt.date(year, 10, 15), standards[year], place[village.pk][year], village.pk, area, em,
                members, None, income, "{}", "{}", mask, len(bits), cls, previous, change, "[]",
                cls == "poor" and rng.random() < 0.08, rng.random() < 0.03, "", "confirmed", "", None, None, None, "", None, None,
                None, now, now, 1,
            ))
            if cls == "poor":
                for c in rng.sample(cause_ids, rng.choice((1, 1, 2))):
                    cause_rows.append((rv_id, c))
            rv_id += 1
        if len(hh_rows) >= 50_000:
            flush()
    flush()
    # The year rows the figures are computed from (households.household_years), built as the services keep them.
    from households.household_years import household_years_rebuild

    started = time.perf_counter()
    with transaction.atomic():
        household_years_rebuild()
    print(f"household-year rows built in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for model in (Household, AnnualReview):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), (SELECT MAX(id) FROM {model._meta.db_table}))")
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE")
    return totals


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    if not rows:
        return
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor
            for start in range(0, len(rows), 200_000):
                buf = io.StringIO()
                writer = csv.writer(buf)
                for row in rows[start:start + 200_000]:
                    writer.writerow(["\\N" if v is None else ("t" if v is True else "f" if v is False else v) for v in row])
                buf.seek(0)
                cols = ", ".join(f'"{c}"' for c in columns)
                raw.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN WITH (FORMAT csv, NULL \'\\N\')', buf)
        else:
            quoted = ", ".join(f'"{c}"' for c in columns)
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
            raw = cur.cursor
            for start in range(0, len(rows), 50_000):
                raw.executemany(sql, [_sqlite_row(r) for r in rows[start:start + 50_000]])


def _sqlite_row(row: tuple) -> tuple:
    return tuple(v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in row)


# --- measurements ---------------------------------------------------------------------------------------------


def measure(*, runs: int, profile: bool = False) -> None:
    from django.db import connection
    from django.test import Client

    from accounts.models import Role, User
    from households.models import AdministrativeUnit

    User.objects.filter(username__startswith="bench_").delete()
    district = User.objects.create(username="bench_district", role=Role.DISTRICT_OFFICER,
                                   unit=AdministrativeUnit.objects.filter(code="076").first())
    commune = User.objects.create(username="bench_commune", role=Role.COMMUNE_OFFICER,
                                  unit=AdministrativeUnit.objects.in_force().get(code="02545"))
    pages = [
        ("district dashboard", district, "/dashboard/?year=2025"),
        ("district dashboard, historical units", district, "/dashboard/?year=2023&structure=historical"),
        ("district dashboard, ethnic minority, rural", district, "/dashboard/?year=2025&em=1&area=rural"),
        ("commune dashboard (Tân Trào)", commune, "/dashboard/"),
        ("API statistics/poverty/", district, "/api/v1/statistics/poverty/?year=2025"),
        ("Excel export of the commune table", district, "/dashboard/export/units.xlsx?year=2025"),
    ]
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        response = client.get(url)  # warm-up
        if response.status_code != 200:
            print(f"{label:<45} HTTP {response.status_code}")
            continue
        executed: list[str] = []
        timed: list[tuple[float, str]] = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timed.append(((time.perf_counter() - t0) * 1000, sql))

        with connection.execute_wrapper(count):
            client.get(url)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        if profile and label == "district dashboard":
            for ms, sql in timed:
                print(f"    {ms:8.1f} ms  {sql[:150]}")
            print(f"    {sum(ms for ms, _ in timed):8.1f} ms in the database")
        print(f"{label:<45} {len(executed):>3} queries   median {statistics.median(times):7.0f} ms   "
              f"min {min(times):7.0f} ms   max {max(times):7.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
