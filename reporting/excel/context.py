"""What a report is about (kind, period, scope, structure, edition) and the rows it lists, resolved once for all
its sheets. The figures themselves come from `reporting.selectors` (the dashboards' selectors), sheet by sheet."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from households.models import AdministrativeUnit, Level
from households.selectors import unit_lineage_ids
from households.village_names import village_labels
from households.structure import Structure, communes_on, program_area, program_area_commune_ids, structure_note

from .. import selectors
from ..chain import Chain, chain_for
from ..models import Recurrence
from ..period import latest_recognised_year
from . import headers as H

Progress = Callable[[int, str], None]


def _quiet(pct: int, message: str = "") -> None:
    return None


@dataclass
class ReportContext:
    report_id: int | None
    kind: Any
    year: int
    first_year: int
    last_year: int
    unit: AdministrativeUnit
    is_area: bool
    variant: str
    edition: str
    structure: str
    due_date: dt.date
    unit_ids: frozenset[int] | None
    by: str
    issuer: tuple[str, str]
    signer: tuple[str, str, str] = H.SIGNER
    chain: Chain | None = None
    basis: str = selectors.OFFICIAL
    progress: Progress = _quiet
    rows_units: list[dict[str, Any]] = field(default_factory=list)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    # --- the selectors' figures, each asked once per report (several sheets share them) -------------------

    @staticmethod
    def _key(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        return (fn.__name__, tuple(sorted((k, tuple(v) if isinstance(v, (list, range, set, frozenset)) else v) for k, v in kwargs.items())))

    def memo(self, fn: Callable[..., Any], **kwargs: Any) -> Any:
        key = self._key(fn, kwargs)
        if key not in self._memo:
            self._memo[key] = fn(**kwargs)
        return self._memo[key]

    def _calls(self) -> dict[str, tuple[Callable[..., Any], dict[str, Any]]]:
        common = {"year": self.year, "unit_ids": self.unit_ids, "basis": self.basis}
        grouped = {**common, "by": self.by, "structure": self.structure}
        first = min(self.kind.first_year, self.first_year)
        return {
            "by_unit": (selectors.poverty_by_unit, grouped),
            "moves_by_unit": (selectors.movements_by_unit, grouped),
            "moves": (selectors.movements, common),
            "trend": (selectors.poverty_trend, {"years": range(first, self.last_year + 1), "unit_ids": self.unit_ids, "basis": self.basis}),
        }

    def by_unit(self) -> list[dict[str, Any]]:
        fn, kwargs = self._calls()["by_unit"]
        return self.memo(fn, **kwargs)

    def moves_by_unit(self) -> list[dict[str, Any]]:
        fn, kwargs = self._calls()["moves_by_unit"]
        return self.memo(fn, **kwargs)

    def moves(self) -> dict[str, Any]:
        fn, kwargs = self._calls()["moves"]
        return self.memo(fn, **kwargs)

    def trend(self, first: int | None = None) -> list[dict[str, Any]]:
        """`poverty_trend` from the plan's first year (2021) to the period's last year, asked once."""
        fn, kwargs = self._calls()["trend"]
        return self.memo(fn, **kwargs)

    def year_row(self, year: int) -> dict[str, Any]:
        """One year's summary row (counts, rates, groups, the ethnic-minority block) from the trend."""
        row = next((r for r in self.trend() if r["year"] == year), None)
        if row is None:
            row = self.memo(selectors.poverty_trend, years=[year], unit_ids=self.unit_ids, basis=self.basis)[0]
        return row

    @property
    def is_period(self) -> bool:
        """A five-year or ten-year review: the baseline against the latest recognised year."""
        return self.kind.recurrence == Recurrence.ONCE

    @property
    def is_draft(self) -> bool:
        return self.variant == "draft"

    @property
    def completeness(self) -> selectors.Completeness:
        """How complete the report's year is in its scope (asked once)."""
        return self.memo(selectors.completeness, year=self.year, unit_ids=self.unit_ids, structure=self.structure)

    @property
    def incomplete_note(self) -> str:
        """On a draft of a year whose review is not complete: says so, with how far it has gone (docs/figures.md)."""
        if not self.is_draft or self.completeness.complete:
            return ""
        c = self.completeness

        def n(v: int) -> str:
            return f"{v:,}".replace(",", ".")

        return (f"Dự thảo của năm {self.year} chưa rà soát xong: {n(c.recognised)}/{n(c.expected)} hộ đã công nhận, "
                f"{c.communes_done}/{c.communes_total} xã đã xong; số liệu chính thức của năm chưa đầy đủ.")

    @property
    def personal_data(self) -> bool:
        return self.edition == "full"

    @property
    def period_label(self) -> str:
        return self.kind.period_label(self.year)

    @property
    def scope_label(self) -> str:
        name = self.unit.name
        if not self.is_area:
            return name
        label = self.chain.area_label if self.chain else name
        return f"địa bàn {name[:1].lower()}{name[1:]}" if label == name else label

    @property
    def basis_note(self) -> str:
        """How the official figures were recognised, as the chain in force says (no district confirmation from
        1 July 2025), and what the rates are over."""
        if not (self.chain and self.chain.basis_note):
            return H.BASIS_NOTE
        return f"{self.chain.basis_note} {H.RATE_NOTE}"

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.chain.recipients if self.chain else ()

    @property
    def place(self) -> str:
        """The place on the date line: the issuer's (the chain's, e.g. Tuyên Quang for the provincial department),
        else the reporting unit's."""
        return (self.chain.place if self.chain else "") or self.unit.short_name or self.unit.name

    @property
    def signing_year(self) -> int:
        return self.due_date.year

    @property
    def structure_note(self) -> str:
        return structure_note(self.structure, self.year)

    @property
    def document_time(self) -> dt.datetime:
        """The fixed time written in the document properties: the due date, 00:00 (so bytes never depend on when
        the report was made)."""
        return dt.datetime.combine(self.due_date, dt.time(0, 0))


def default_structure(year: int, *, today: dt.date | None = None) -> str:
    """The structure a report of `year` is shown on by default: today's units when they are the units that made
    that year's review (so last year's households are re-aggregated onto them and the start-of-year column is
    whole), else the units of the time (2021–2024, before the 2025 reform)."""
    today = today or timezone.localdate()
    then = set(communes_on(selectors.reference_date(year)).values_list("pk", flat=True))
    now = set(communes_on(today).values_list("pk", flat=True))
    return Structure.CURRENT if then and then <= now else Structure.HISTORICAL


def report_context(*, report: Any, progress: Progress = _quiet) -> ReportContext:
    kind, year, unit = report.kind, report.year, report.unit
    first, last = kind.covers(year)
    due = kind.due_on(year) or dt.date(year, 12, 31)
    area = program_area()
    is_area = unit.pk == area.pk
    if is_area:
        unit_ids = None
        by = "commune"
    else:
        unit_ids = frozenset(unit_lineage_ids(unit=unit)) if report.structure == Structure.CURRENT else frozenset({unit.pk})
        by = "village"
    if kind.recurrence == Recurrence.ONCE:
        # A period report (five-year, ten-year review): the figures of the latest year officially recognised before
        # the due date (the 2024 results for a review due on 15/9/2025), against the baseline.
        year = last = latest_recognised_year(first=first, last=last, due=due, unit_ids=unit_ids)
    chain = chain_for(unit=unit, is_area=is_area, on=due)
    ctx = ReportContext(
        report_id=report.pk, kind=kind, year=year, first_year=first, last_year=last, unit=unit, is_area=is_area,
        variant=report.variant, edition=report.edition, structure=report.structure,
        due_date=due, unit_ids=unit_ids, by=by, issuer=chain.issuer, signer=chain.signer, chain=chain,
        progress=progress,
    )
    ctx.rows_units = row_units(ctx)
    return ctx


def row_units(ctx: ReportContext) -> list[dict[str, Any]]:
    """The rows of the by-unit tables: every commune of the structure (or every village of the commune), with or
    without reviews — a commune that reviewed nobody still has its row, with zeros."""
    if ctx.by == "commune":
        on = timezone.localdate() if ctx.structure == Structure.CURRENT else selectors.reference_date(ctx.year)
        units = communes_on(on).values("id", "code", "name", "short_name", "area", "extremely_difficult")
    else:
        ids = ctx.unit_ids or frozenset({ctx.unit.pk})
        units = (
            AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent_id__in=ids)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(ctx.year, 1, 1)))
            .values("id", "code", "name", "short_name", "area", "extremely_difficult")
        )
        # Two villages of one commune may share a name (villages of the communes it took in): each is shown with
        # its former commune, as on every page, on the structure of the year's end (or today's).
        on = timezone.localdate() if ctx.structure == Structure.CURRENT else selectors.reference_date(ctx.year)
        units = list(units)
        labels = village_labels([u["id"] for u in units], on=on)
        return [{**u, "name": labels.get(u["id"], u["name"])} for u in units]
    return [dict(u) for u in units]


def merge_units(ctx: ReportContext, rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Pair the table's units with the selector's rows (keyed by `row["unit"]["id"]`); units the selector found
    beyond the list (a unit that ended during the year) are added. Ordered by code (communes) or name (villages)."""
    by_id = {r["unit"]["id"]: r for r in rows}
    units = {u["id"]: u for u in ctx.rows_units}
    for r in rows:
        units.setdefault(r["unit"]["id"], r["unit"])
    key = (lambda u: (u.get("code") or "", u.get("name") or "")) if ctx.by == "commune" else (lambda u: (u.get("name") or "",))
    return [(u, by_id.get(uid)) for uid, u in sorted(units.items(), key=lambda kv: key(kv[1]))]


def area_ids_all() -> frozenset[int]:
    return program_area_commune_ids()
