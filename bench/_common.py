"""Shared set-up of the benchmarks: an environment with a seeded database (fresh SQLite by default)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def prepare(args, tmp: str) -> dict:
    """Environment for a child process: the given PostgreSQL database, an existing --data-dir, or a fresh SQLite
    database in `tmp` seeded with `seed_demo --households args.households`."""
    env = dict(os.environ, DEBUG="1", LOG_LEVEL="ERROR")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        env.setdefault("DATA_DIR", tmp)
        return env
    env.pop("DATABASE_URL", None)
    env["DATA_DIR"] = args.data_dir or tmp
    if not args.data_dir:
        py = sys.executable
        subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        started = time.perf_counter()
        subprocess.run([py, "manage.py", "seed_demo", "--households", str(args.households), "--seed", "2026"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        print(f"seeded {args.households} households in {time.perf_counter() - started:.1f} s")
    return env
