"""Benchmark: time and peak memory to seed N households (default 50,000) into a fresh database.

    python bench/seed.py [--households 50000] [--database-url postgres://...]

Runs `migrate` and `seed_demo` in a child process on a fresh SQLite file (or the given database) and reports
wall time for the seed alone and the child's peak resident memory.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DEBUG="1", DATA_DIR=tmp, LOG_LEVEL="ERROR")
        env.pop("DATABASE_URL", None)
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        py = sys.executable
        subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        if args.database_url:
            # flush empties the reference tables too; load_reference puts them back.
            subprocess.run([py, "manage.py", "flush", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            subprocess.run([py, "manage.py", "load_reference"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        out = subprocess.run(
            [py, "manage.py", "seed_demo", "--households", str(args.households), "--seed", str(args.seed)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    backend = "postgresql" if args.database_url else "sqlite"
    for line in out.stdout.splitlines()[:3]:  # the stages: registry, reviews, plan
        print(line)
    print(f"seed_demo --households {args.households} on {backend}: {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
