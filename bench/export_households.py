"""Benchmark: export 50,000 households (and their members) to Excel as a district officer, through the same
code as the download view (scoped queryset → XlsxWriter constant-memory file).

    python bench/export_households.py [--households 50000] [--database-url postgres://...]

Seeds a fresh database with `seed_demo` (a child process), then exports in another child process so its
peak memory is the export's own. Goal (issue 7): under 10 s and under 300 MB.
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


def export_child() -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from accounts.models import Role, User
    from accounts.scoping import scope
    from households import exports, selectors
    from households.models import AdministrativeUnit, Household

    user = User.objects.filter(username="bench-district").first() or User.objects.create(
        username="bench-district", role=Role.DISTRICT_OFFICER, unit=AdministrativeUnit.objects.filter(code="076").first())
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for kind, build in (("households", exports.households_export), ("members", exports.members_export)):
        qs = selectors.households_list(qs=scope(user, Household.objects.all()))
        started, cpu = time.perf_counter(), time.process_time()
        path = build(user=user, qs=qs)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = path.stat().st_size / 1024 / 1024
        path.unlink()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"export {kind}: {elapsed:.2f} s (CPU {cpu:.2f} s), file {size:.1f} MB, peak RSS {peak:.0f} MB "
              f"(process before exporting: {baseline:.0f} MB)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return export_child()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DEBUG="0", SECRET_KEY="bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
                   DATA_DIR=tmp, LOG_LEVEL="ERROR", DJANGO_SETTINGS_MODULE="sondương.settings")
        env.pop("DATABASE_URL", None)
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        py = sys.executable
        subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        if args.database_url:
            subprocess.run([py, "manage.py", "flush", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            # The flush took the reference data the migrations loaded.
            subprocess.run([py, "manage.py", "load_reference", "-v0"], cwd=ROOT, env=env, check=True)
        seeded = subprocess.run([py, "manage.py", "seed_demo", "--households", str(args.households)], cwd=ROOT,
                                env=env, check=True, capture_output=True, text=True)
        print(seeded.stdout.strip().splitlines()[0] if seeded.stdout.strip() else f"seeded {args.households} households")
        subprocess.run([py, str(Path(__file__).resolve()), "--child"], cwd=ROOT, env=env, check=True)
    print("goal: households export under 10 s and under 300 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
