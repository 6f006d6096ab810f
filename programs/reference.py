"""The plan's reference data from `programs/data/*.yaml`, applied by migrations and `load_reference`."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from households.reference import read, upsert

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_agencies(Agency: type, stats: Counter | None = None) -> Counter:
    stats = stats if stats is not None else Counter()
    for row in read(DATA_DIR / "agencies.yaml")["agencies"]:
        upsert(
            Agency,
            {"code": row["code"]},
            {
                "name": row["name"],
                "short_name": row.get("short_name", ""),
                "kind": row.get("kind", "office"),
                "plan_item": row.get("plan_item"),
                "description": row.get("description", ""),
            },
            stats,
        )
    return stats


def apply(stats: Counter) -> Counter:
    """Apply every plan file with the current models (used by `manage.py load_reference`)."""
    from .models import Agency

    load_agencies(Agency, stats)
    return stats
