"""Reference data from the YAML files in `households/data/`, applied by migrations and by `load_reference`.

The loaders take model classes as arguments so that data migrations can pass their historical models;
values for fields a historical model does not have yet are skipped (a later migration re-applies the file).
Applying a file twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from .text import nfc_line

DATA_DIR = Path(__file__).resolve().parent / "data"
EARLIEST = dt.date(1900, 1, 1)


def read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _field_names(model: type) -> set[str]:
    return {f.attname for f in model._meta.concrete_fields} | {f.name for f in model._meta.concrete_fields}


def upsert(model: type, lookup: dict[str, Any], values: dict[str, Any], stats: Counter) -> Any:
    """Create or update one row; only fields the model knows are written; counts created/updated/unchanged."""
    known = _field_names(model)
    values = {k: (nfc_line(v) if isinstance(v, str) else v) for k, v in values.items() if k in known}
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        stats[f"{model._meta.model_name}.created"] += 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        stats[f"{model._meta.model_name}.updated"] += 1
    else:
        stats[f"{model._meta.model_name}.unchanged"] += 1
    return obj


def load_ethnic_groups(EthnicGroup: type, stats: Counter | None = None) -> Counter:
    stats = stats if stats is not None else Counter()
    for row in read(DATA_DIR / "ethnic_groups.yaml")["ethnic_groups"]:
        upsert(
            EthnicGroup,
            {"code": row["code"]},
            {
                "code_2008": row.get("code_2008", ""),
                "name": row["name"],
                "other_names": row.get("other_names", ""),
                "minority": bool(row.get("minority", True)),
            },
            stats,
        )
    return stats


def _unit_values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "short_name": row.get("short_name", ""),
        "level": row["level"],
        "area": row.get("area", "rural"),
        "extremely_difficult": bool(row.get("extremely_difficult", False)),
        "valid_to": row.get("valid_to"),
        "confirmed": bool(row.get("confirmed", True)),
        "note": row.get("note", ""),
    }


def _in_force(Unit: type, code: str, on: dt.date) -> Any:
    from django.db.models import Q

    return (
        Unit._default_manager.filter(code=code, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .get()
    )


def load_units(Unit: type, RegionStatus: type | None = None, stats: Counter | None = None) -> Counter:
    """Units, then parents (the parent in force on the unit's first day), then successors and regions."""
    stats = stats if stats is not None else Counter()
    data = read(DATA_DIR / "units.yaml")
    rows = list(data.get("units", [])) + list(data.get("villages", []))
    for row in rows:
        row.setdefault("valid_from", EARLIEST)
        if row.get("level") is None:
            row["level"] = "village"
        upsert(Unit, {"code": str(row["code"]), "valid_from": row["valid_from"]}, _unit_values(row), stats)
    for row in rows:
        unit = Unit._default_manager.get(code=str(row["code"]), valid_from=row["valid_from"])
        parent = _in_force(Unit, str(row["parent"]), row["valid_from"]) if row.get("parent") else None
        if unit.parent_id != (parent.pk if parent else None):
            unit.parent = parent
            unit.save(update_fields=["parent"])
            stats["unit.parent_set"] += 1
        if row.get("successors"):
            day_after = row["valid_to"] + dt.timedelta(days=1)
            wanted = {_in_force(Unit, str(code), day_after).pk for code in row["successors"]}
            current = set(unit.successors.values_list("pk", flat=True))
            if wanted != current:
                unit.successors.set(wanted)
                stats["unit.successors_set"] += 1
    if RegionStatus is not None:
        for row in data.get("regions", []):
            unit = Unit._default_manager.get(code=str(row["unit"]), valid_from=row.get("unit_valid_from", EARLIEST))
            upsert(
                RegionStatus,
                {"unit": unit, "valid_from": row["valid_from"]},
                {
                    "region": row["region"],
                    "valid_to": row.get("valid_to"),
                    "legal_basis": row.get("legal_basis", ""),
                    "confirmed": bool(row.get("confirmed", True)),
                },
                stats,
            )
    return stats


def load_standards(PovertyStandard: type, Indicator: type, stats: Counter | None = None) -> Counter:
    stats = stats if stats is not None else Counter()
    data = read(DATA_DIR / "standards.yaml")
    dimensions = data.get("dimensions", {})
    for row in data["standards"]:
        values = {k: v for k, v in row.items() if k not in ("code", "indicators")}
        values.setdefault("confirmed", True)
        values.setdefault("note", "")
        standard = upsert(PovertyStandard, {"code": row["code"]}, values, stats)
        for order, ind in enumerate(row.get("indicators", [])):
            upsert(
                Indicator,
                {"standard": standard, "code": str(ind["code"])},
                {
                    "dimension": ind["dimension"],
                    "dimension_name": dimensions.get(ind["dimension"], ind["dimension"]),
                    "name": ind["name"],
                    "condition": ind.get("condition", ""),
                    "key": ind.get("key", ""),
                    "order": order,
                },
                stats,
            )
    return stats


def load_review_lists(PovertyCause: type, SupportNeed: type, stats: Counter | None = None) -> Counter:
    stats = stats if stats is not None else Counter()
    data = read(DATA_DIR / "review_lists.yaml")
    for model, key in ((PovertyCause, "causes"), (SupportNeed, "needs")):
        for order, row in enumerate(data.get(key, [])):
            upsert(model, {"code": row["code"]}, {"name": row["name"], "order": order, "active": row.get("active", True)}, stats)
    return stats


def apply(stats: Counter) -> Counter:
    """Apply every registry file with the current models (used by `manage.py load_reference`)."""
    from .models import AdministrativeUnit, EthnicGroup, Indicator, PovertyCause, PovertyStandard, RegionStatus, SupportNeed

    load_units(AdministrativeUnit, RegionStatus, stats)
    load_ethnic_groups(EthnicGroup, stats)
    load_standards(PovertyStandard, Indicator, stats)
    load_review_lists(PovertyCause, SupportNeed, stats)
    return stats
