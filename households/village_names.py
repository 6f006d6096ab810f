"""The name a village is shown by: its own name, or its name and its former commune where two villages of one
commune share a name.

Since the mergers (Hồng Lạc + Vân Sơn → Hồng Sơn on 1 Sep 2024; thirty units → ten communes on 1 Jul 2025) the
villages of several former communes sit in one commune, and some share a name: Trung Yên's "Thôn Cả" and Tân
Trào's "Thôn Cả" are both villages of Tân Trào from 1 Jul 2025. Villages are not re-parented by a merger
(`households.mergers`): a village keeps the commune it was created under as its `parent` and reaches its commune
on a later date through that commune's successors. So a village's **former commune** is

* its `parent`, when the parent is not the commune the village belongs to on the date (the parent merged), or
* for a village created under the new commune to continue older ones (its `predecessors` at village level), the
  parents of those predecessors that are not the new commune.

The contract (every page, export, the API and the report workbooks use it, so one village has one name):

    village_labels(village_ids=None, *, on=None) -> {village id: label}
    village_label(village, *, on=None) -> label

* `on` (default today in Asia/Ho_Chi_Minh) picks the structure: the villages of a commune are those whose parent
  is, or became by that date, the commune. Give the date the figures are about (a review's date, the last day of a
  report's period, clipped to the commune's validity) — labels of the 2024 lists are those of 2024's communes.
* A label is the village's plain `name` when no other village **in force on `on`** of the same commune has the
  same name (compared after NFC, case and spacing; diacritics count: "Thôn Cả" ≠ "Thôn Ca"); otherwise
  "<name> (<former commune's name, type lower-cased> cũ)": "Thôn Cả (xã Trung Yên cũ)", "Tổ dân phố 1 (thị trấn
  Sơn Dương cũ)". A village with no former commune (the commune's own) keeps its plain name; if labels still
  collide (two villages of one former commune with one name, a data error) the code is added: "Thôn Cả (xã Trung
  Yên cũ, mã 02539-03)", "Thôn Cả (mã 02545-03)". So the labels of a commune's villages in force on `on` are
  unique within it, whichever ids are asked for.
* `village_ids=None`: every village; otherwise those ids (an iterable; None entries are skipped), or a queryset
  of units (a form's choices). Ids that are not villages are left out; a village not in force on `on` still gets a
  label, checked against those in force (it renames none of them). The result is a plain dict: look up with
  `.get(id, fallback)` for rows with no village.
* Cost: one query whatever the number of villages or ids asked for (every unit with its successors; a queryset of
  choices adds one), then Python over a few hundred rows — the same count for an empty page as for a full one. Nothing is cached between calls (a process-level cache would go stale
  in the other web and Celery processes when a unit is edited, and across test rollbacks); for several dates or
  lookups in one request build one `VillageNames` and ask it: it reads once and keeps one answer per structure.
* For the report workbooks: `village_labels(ids, on=period_end)` with `on` inside the commune's validity
  (`commune_year_day(commune, year)` gives it for a commune and a year), or one `VillageNames()` and
  `.label(village_id, on=review_date)` per row; never `village.name` where villages of a commune are listed.

`VillageNames(village_ids)` is the reusable form: `.labels(ids, on=)`, `.label(id, on=)`, `.commune_id(id, on=)`
(the commune a village belongs to on a date), `.commune_name(id, on=)`.
"""
from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import AdministrativeUnit, Level
from .structure import images_from
from .text import nfc_line

# Types of unit a commune-level name starts with, as written in running text after another word ("xã Trung Yên").
UNIT_TYPES = ("Thị trấn", "Thị xã", "Thành phố", "Phường", "Đặc khu", "Xã", "Huyện", "Tỉnh")


def former_commune_text(name: str) -> str:
    """"Xã Trung Yên" → "xã Trung Yên", "Thị trấn Sơn Dương" → "thị trấn Sơn Dương" (a name with no type is kept)."""
    name = nfc_line(name) or ""
    folded = name.casefold()
    for kind in UNIT_TYPES:
        if folded.startswith(kind.casefold() + " "):
            return kind.lower() + name[len(kind):]
    return name


def _key(name: str) -> str:
    return (nfc_line(name) or "").casefold()


def _in_force(row: dict[str, Any], on: dt.date) -> bool:
    return row["valid_from"] <= on and (row["valid_to"] is None or on <= row["valid_to"])


class VillageNames:
    """The labels of villages on any date, from one read of the unit tables (see the module's docstring)."""

    def __init__(self, village_ids: Iterable[int] | QuerySet | None = None):
        # Read on first use (`_load`).
        self._ids = village_ids if village_ids is None or isinstance(village_ids, QuerySet) else [i for i in village_ids if i is not None]
        self._loaded = False
        self._requested: set[int] | None = set()
        self._units: dict[int, dict[str, Any]] = {}
        self._communes: dict[int, dict[str, Any]] = {}
        self._edges: dict[int, list[int]] = defaultdict(list)
        self._villages: dict[int, dict[str, Any]] = {}
        self._pred_parents: dict[int, set[int]] = defaultdict(set)
        self._days: list[dt.date] = []
        self._memo: dict[int, tuple[dict[int, str], dict[int, Any]]] = {}

    def _load(self) -> None:
        """One query, whatever was asked (the same for an empty page as for a full one, so that lists keep a constant
        number of queries): every unit with its successors. The program area has a few dozen communes and a few
        hundred villages; reading them all is cheaper than working out which villages could share a commune."""
        if self._loaded:
            return
        self._loaded = True
        successors: dict[int, set[int]] = defaultdict(set)
        for r in AdministrativeUnit.objects.order_by().values(
            "id", "code", "name", "short_name", "area", "level", "parent_id", "valid_from", "valid_to", "successors"
        ):
            succ = r.pop("successors")
            if succ is not None:
                successors[r["id"]].add(succ)
            if r["level"] == Level.VILLAGE:
                self._villages[r["id"]] = r
            else:
                self._units[r["id"]] = r
        self._communes = {uid: r for uid, r in self._units.items() if r["level"] == Level.COMMUNE}
        for pred, succs in successors.items():
            for succ in succs:
                if pred in self._communes and succ in self._communes:
                    self._edges[pred].append(succ)
                elif pred in self._villages and succ in self._villages and self._villages[pred]["parent_id"] is not None:
                    # A village created to continue older ones: the former communes are their predecessors' parents.
                    self._pred_parents[succ].add(self._villages[pred]["parent_id"])
        if isinstance(self._ids, QuerySet):  # a form's choices
            self._requested = {pk for pk in self._ids.values_list("pk", flat=True) if pk in self._villages}
        elif self._ids is not None:
            self._requested = {int(i) for i in self._ids if int(i) in self._villages}
        else:
            self._requested = None
        # Labels change only where a unit starts or ends: one answer per stretch of dates between such days, so a
        # list of reviews of a hundred different dates costs one computation per structure, not per date.
        days: set[dt.date] = set()
        for row in (*self._communes.values(), *self._villages.values()):
            days.add(row["valid_from"])
            if row["valid_to"] is not None:
                days.add(row["valid_to"] + dt.timedelta(days=1))
        self._days = sorted(days)

    def read(self) -> "VillageNames":
        """Read now (lists call it so that a page with no village costs the same queries as one with villages)."""
        self._load()
        return self

    def villages_under(self, parent_ids: Iterable[int]) -> list[dict[str, Any]]:
        """The villages created under these units (code, name, short_name, area, parent_id, validity), with the name
        of their parent as `parent_name`: what the statistics name a village by (`reporting.selectors.UnitIndex`)."""
        self._load()
        parents = set(parent_ids)
        return [
            {**row, "parent_name": self._units.get(row["parent_id"], {}).get("name", "")}
            for row in self._villages.values() if row["parent_id"] in parents
        ]

    def knows(self, village_id: int) -> bool:
        """Whether this read covers the village (it was asked for, or it was read with every village)."""
        self._load()
        return village_id in self._villages and (self._requested is None or village_id in self._requested)

    def _compute(self, on: dt.date) -> tuple[dict[int, str], dict[int, Any]]:
        self._load()
        stretch = bisect.bisect_right(self._days, on)
        if stretch in self._memo:
            return self._memo[stretch]
        image = images_from(self._communes, self._edges, on)

        def group(row: dict[str, Any]) -> Any:
            parent = row["parent_id"]
            if parent is None:
                return ("village", row["id"])
            return image.get(parent, parent)

        groups = {vid: group(row) for vid, row in self._villages.items()}
        counts = Counter(
            (groups[vid], _key(row["name"])) for vid, row in self._villages.items() if _in_force(row, on)
        )
        labels: dict[int, str] = {}
        formers: dict[int, str] = {}
        for vid, row in self._villages.items():
            others = counts[(groups[vid], _key(row["name"]))] - (1 if _in_force(row, on) else 0)
            if others < 1:
                labels[vid] = row["name"]
                continue
            former = self._former(row, groups[vid])
            formers[vid] = former
            labels[vid] = f"{row['name']} ({former})" if former else row["name"]
        # Still the same (a data error): add the code, so that no two villages of a commune read alike.
        seen = Counter((groups[vid], _key(labels[vid])) for vid, row in self._villages.items() if _in_force(row, on))
        for vid, row in self._villages.items():
            if vid not in formers:
                continue
            mine = 1 if _in_force(row, on) else 0
            if seen[(groups[vid], _key(labels[vid]))] - mine >= 1:
                inner = f"{formers[vid]}, mã {row['code']}" if formers[vid] else f"mã {row['code']}"
                labels[vid] = f"{row['name']} ({inner})"
        self._memo[stretch] = (labels, groups)
        return labels, groups

    def _former(self, row: dict[str, Any], commune: Any) -> str:
        parents = {row["parent_id"]} if row["parent_id"] is not None and row["parent_id"] != commune else set()
        if not parents:
            parents = {p for p in self._pred_parents.get(row["id"], ()) if p != commune}
        names = sorted({former_commune_text(self._units[p]["name"]) for p in parents if p in self._units})
        return f"{', '.join(names)} cũ" if names else ""

    def labels(self, village_ids: Iterable[int] | None = None, *, on: dt.date | None = None) -> dict[int, str]:
        labels, _groups = self._compute(on or timezone.localdate())
        if village_ids is None:
            wanted = self._requested if self._requested is not None else labels.keys()
        else:
            wanted = village_ids
        return {vid: labels[vid] for vid in wanted if vid in labels}

    def label(self, village_id: int | None, *, on: dt.date | None = None, default: str = "") -> str:
        if village_id is None:
            return default
        return self._compute(on or timezone.localdate())[0].get(village_id, default)

    def commune_id(self, village_id: int, *, on: dt.date | None = None) -> int | None:
        """The commune-level unit the village belongs to on the date (its parent, or what the parent became)."""
        found = self._compute(on or timezone.localdate())[1].get(village_id)
        return found if isinstance(found, int) else None

    def commune_name(self, village_id: int, *, on: dt.date | None = None) -> str:
        uid = self.commune_id(village_id, on=on)
        return self._units[uid]["name"] if uid in self._units else ""


def village_labels(village_ids: Iterable[int] | None = None, *, on: dt.date | None = None) -> dict[int, str]:
    """Each village's display name on `on` (today by default): its name, or "<name> (<former commune> cũ)" where
    another village of its commune on that date has the same name. See the module's docstring for the contract.

        village_labels([v.pk for v in villages], on=dt.date(2025, 12, 31))
        → {101: "Thôn Cả (xã Trung Yên cũ)", 102: "Thôn Cả (xã Tân Trào cũ)", 103: "Thôn Đồng Giang"}
    """
    if village_ids is None or isinstance(village_ids, QuerySet):
        return VillageNames(village_ids).labels(on=on)
    ids = [i for i in village_ids if i is not None]
    return VillageNames(ids).labels(ids, on=on)


def village_label(village: AdministrativeUnit | None, *, on: dt.date | None = None) -> str:
    """One village's display name (see `village_labels`); "" for None. For many villages, call `village_labels`."""
    if village is None:
        return ""
    return village_labels([village.pk], on=on).get(village.pk, village.name)


def commune_year_day(commune: AdministrativeUnit, year: int, *, today: dt.date | None = None) -> dt.date:
    """The day whose structure a commune's lists of a year are named on: the year's last day (today, for the year in
    progress), moved inside the commune's validity — Trung Yên's 2025 board is named as on 30/6/2025, Tân Trào
    2025's as on today. Pass it as `on` to `village_labels` for a board, a printout or a report of one commune."""
    today = today or timezone.localdate()
    day = min(dt.date(year, 12, 31), today) if year == today.year else dt.date(year, 12, 31)
    if commune.valid_to is not None and day > commune.valid_to:
        day = commune.valid_to
    return max(day, commune.valid_from)


__all__ = ["VillageNames", "village_labels", "village_label", "former_commune_text", "commune_year_day"]
