"""The dashboards of the district labour office and of the communes (issue 6).

One page, `/dashboard/`, with its filters in the URL (`?year=2025&unit=02539&em=1&area=rural&basis=official&
structure=current`) so a view can be bookmarked and shared. Without `unit` it shows the user's own scope: the whole
program area for the district office (rows by commune), one commune for a commune officer (rows by village).
A URL filter never widens a commune officer's scope: a unit outside it answers 404.

Every figure comes from `reporting.selectors` (the same functions as the API and the Excel reports); this module
only lays them out: headline figures, charts (`reporting.charts`, server-rendered SVG) each with its table, and an
Excel export of each table (`/dashboard/export/<table>.xlsx` with the same filters).
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from accounts.models import Role
from accounts.permissions import REGISTRY_READERS, has_role, role_required
from households.datatext import translate_data
from households.models import Area, Change, Classification
from households.village_names import VillageNames, commune_year_day

from . import charts, selectors
from .selectors import CURRENT, OFFICIAL

ALL_ROLES = (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER, Role.AGENCY_OFFICER, Role.PROVINCE_VIEWER, Role.ADMIN)
NEITHER = gettext_noop("Không nghèo, không cận nghèo")


class DashboardFilters(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Năm"), required=False, min_value=2000, max_value=2100)
    unit = forms.CharField(label=gettext_lazy("Đơn vị"), required=False, max_length=16)
    em = forms.BooleanField(label=gettext_lazy("Chỉ hộ dân tộc thiểu số"), required=False)
    area = forms.ChoiceField(label=gettext_lazy("Khu vực"), required=False, choices=[("", gettext_lazy("Thành thị và nông thôn")), *Area.choices])
    basis = forms.ChoiceField(label=gettext_lazy("Số liệu"), required=False, choices=[(k, gettext_lazy(v)) for k, v in selectors.BASES.items()])
    structure = forms.ChoiceField(label=gettext_lazy("Đơn vị hành chính"), required=False, choices=[(k, gettext_lazy(v)) for k, v in selectors.STRUCTURES.items()])


# --- tables: one structure for the page, the print and the Excel export ------------------------------------------


@dataclass
class Cell:
    value: Any  # the raw value (for Excel)
    text: str  # as shown
    href: str = ""
    css: str = ""


@dataclass
class Column:
    label: str
    kind: str = "text"  # text | year | int | pct | pts | vnd | date

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "year")


def cell(value: Any, kind: str = "text", *, href: str = "", css: str = "") -> Cell:
    if value is None:
        text = "—"
    elif kind == "year":
        text = str(value)
    elif kind == "int":
        text = charts.number(value)
    elif kind == "pct":
        text = charts.number(value, 2)
    elif kind == "pts":
        text = ("+" if value > 0 else "") + charts.number(value, 2)
    elif kind == "vnd":
        text = charts.number(value)
    elif kind == "date":
        text = f"{value:%d/%m/%Y}"
    else:
        text = str(value)
    return Cell(value, text, href, css)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None
    note: str = ""
    export_url: str = ""
    link_col: int = 0  # the column a row's link goes on (the name)

    @property
    def numeric_indexes(self) -> set[int]:
        return {i for i, c in enumerate(self.columns) if c.numeric}

    def add(self, *values: Any, href: str = "", css: str = "") -> None:
        """A row from raw values, formatted by the columns; `href` links the cell of `link_col`."""
        row = [v if isinstance(v, Cell) else cell(v, col.kind) for v, col in zip(values, self.columns)]
        if href and row:
            row[self.link_col].href = href
        if css:
            for c in row:
                c.css = c.css or css
        self.rows.append(row)

    def set_total(self, *values: Any) -> None:
        self.total = [v if isinstance(v, Cell) else cell(v, col.kind) for v, col in zip(values, self.columns)]


@dataclass
class Section:
    key: str
    title: str
    chart: SafeString | None = None
    tables: list[Table] = field(default_factory=list)
    note: str = ""
    gap: str = ""  # why the section has nothing to show yet (the data source does not exist)
    wide: bool = False  # spans the page width
    link: str = ""  # the page that manages what the section shows


def _arrow(change: float | None) -> str:
    if change is None:
        return ""
    if change < 0:
        return f"▼{charts.number(-change, 2)}"
    if change > 0:
        return f"▲{charts.number(change, 2)}"
    return "="


# --- the page ----------------------------------------------------------------------------------------------------


class Dashboard:
    """Everything the page shows, computed from the selectors in a fixed number of queries."""

    def __init__(self, request) -> None:
        self.request, self.user = request, request.user
        self.today = timezone.localdate()
        self.errors: list[str] = []
        form = DashboardFilters(request.GET or None)
        data: dict[str, Any] = {}
        if form.is_bound:
            if form.is_valid():
                data = form.cleaned_data
            else:
                for name, errs in form.errors.items():
                    self.errors.extend(f"{form.fields[name].label}: {e}" for e in errs)
                data = {k: v for k, v in form.cleaned_data.items()}
        self.structure: str = data.get("structure") or CURRENT
        self.basis: str = data.get("basis") or OFFICIAL
        self.em: bool = bool(data.get("em"))
        self.area: str = data.get("area") or ""
        own = selectors.statistics_scope(user=self.user, unit_code=None, year=self.today.year, structure=self.structure)
        self.years_info = selectors.years_with_reviews(unit_ids=own.unit_ids, user=self.user)
        self.units = selectors.unit_index()
        # A year's figures count only once its review is complete (docs/figures.md): by default the page shows the
        # last complete year of the user's scope, not a year in progress whose official figures are partial.
        own_years: dict[int, Any] = {}
        self.year: int = data.get("year") or 0
        if not self.year:
            own_years = selectors.completeness_by_year(years=self.years_info["years"], unit_ids=own.unit_ids, user=self.user,
                                                       structure=self.structure, units=self.units)
            self.year = (selectors.latest_complete_year(own_years) or self.years_info["latest_official"]()
                         or self.years_info["latest"] or self.today.year)
        self.unit_code: str = (data.get("unit") or "").strip()
        try:
            self.scope = selectors.statistics_scope(
                user=self.user, unit_code=self.unit_code, year=self.year, structure=self.structure
            )
        except ValidationError as exc:
            self.errors.extend(exc.messages)
            self.scope, self.unit_code = own, ""
        self._own_completeness = own_years if self.scope.unit_ids == own.unit_ids else None
        self.by = "village" if self.scope.is_commune else "commune"
        if self.by == "village" and self.scope.unit_ids is not None:
            self.units.load_villages(commune_ids=self.scope.unit_ids)
        # The review in progress, the reports and tasks now due: the latest review year (this year's review).
        self.activity_year: int = self.years_info["latest"] or self.today.year
        # The filters every selector gets (`_filters` for the cubes, which keep every state; `common` adds the basis).
        self._filters = {
            "unit_ids": self.scope.unit_ids,
            "ethnic_minority_only": self.em,
            "area": self.area or None,
            "user": self.user,
        }
        self.common = {**self._filters, "basis": self.basis}
        self.links_to_registry = has_role(self.user, *REGISTRY_READERS)

    # URLs ---------------------------------------------------------------------------------------------------

    def params(self, **overrides: Any) -> dict[str, Any]:
        p = {
            "year": self.year,
            "unit": self.unit_code,
            "em": "1" if self.em else "",
            "area": self.area,
            "basis": self.basis if self.basis != OFFICIAL else "",
            "structure": self.structure if self.structure != CURRENT else "",
        }
        p.update(overrides)
        return {k: v for k, v in p.items() if v not in ("", None)}

    def url(self, **overrides: Any) -> str:
        return reverse("reporting:dashboard") + "?" + urlencode(self.params(**overrides))

    @property
    def up_url(self) -> str:
        """From a commune's dashboard back to the whole area, keeping the other filters."""
        return self.url(unit="")

    def export_url(self, key: str) -> str:
        return reverse("reporting:dashboard_export", args=[key]) + "?" + urlencode(self.params())

    def commune_url(self, unit: dict[str, Any]) -> str:
        """Drill-down from a commune bar or row to that commune's dashboard."""
        return self.url(unit=unit["code"]) if unit.get("code") else ""

    def registry_url(self, *, village: dict[str, Any] | None = None) -> str:
        """Drill-down to the household list (filtered to a village, or to the commune shown)."""
        if not self.links_to_registry:
            return ""
        try:
            base = reverse("households:household_list")
        except NoReverseMatch:  # pragma: no cover
            return ""
        if village is not None:
            return f"{base}?village={village['code']}" if village.get("code") else ""
        if self.scope.is_commune and self.scope.unit is not None and self.scope.unit.in_force_on(self.today):
            return f"{base}?commune={self.scope.unit.code}"
        return base

    def category_url(self, *, classification: str = "", change: str = "", village: dict[str, Any] | None = None) -> str:
        """Drill-down from a category (poor, newly poor, …) or a village to the list of the households counted in it,
        with the page's filters."""
        if not self.links_to_registry:
            return ""
        extra = {"classification": classification, "change": change}
        if village is not None:
            if not village.get("id"):
                return ""
            extra["village"] = village["id"]
        return reverse("reporting:dashboard_households") + "?" + urlencode(self.params(**extra))

    # Labels -------------------------------------------------------------------------------------------------

    def village_labels(self, ids, *, on: dt.date | None = None) -> dict[int, str]:
        """Display names of villages of the commune shown (households.village_names): namesakes from the units it took
        in carry their former commune. On `on`, else today's structure, or the year's for a unit that has ended.
        The units are read once per page, whichever tables ask."""
        if getattr(self, "_village_names", None) is None:
            self._village_names = self.units.village_names or VillageNames()
        if on is None:
            unit = self.scope.unit
            on = self.today if unit is None or unit.in_force_on(self.today) else commune_year_day(unit, self.year, today=self.today)
        return self._village_names.labels([i for i in ids if i], on=on)

    @property
    def title(self) -> str:
        if self.scope.is_commune and self.scope.unit is not None:
            return gettext("Tổng quan %(name)s") % {"name": self.scope.unit.name}
        return gettext("Tổng quan toàn địa bàn huyện Sơn Dương")

    @property
    def filter_summary(self) -> str:
        parts = [gettext("Năm %(year)s") % {"year": self.year}, gettext(selectors.BASES[self.basis]), gettext(selectors.STRUCTURES[self.structure])]
        if self.em:
            parts.append(gettext("chỉ hộ dân tộc thiểu số"))
        if self.area:
            parts.append(dict(Area.choices)[self.area].lower())
        return " · ".join(parts)

    def unit_choices(self) -> list[dict[str, Any]]:
        """Communes the user may pick: today's communes (current structure) or those of the year (historical), within
        the user's own scope."""
        if self.structure == CURRENT:
            communes = self.units.in_force()
        else:
            ref = selectors.reference_date(self.year)
            communes = sorted(
                (self.units.info(uid) for uid, u in self.units.units.items()
                 if u["valid_from"] <= ref and (u["valid_to"] is None or ref <= u["valid_to"])),
                key=lambda u: u["name"],
            )
        own = selectors.statistics_scope(user=self.user, unit_code=None, year=self.year, structure=self.structure)
        if own.unit_ids is not None:
            communes = [c for c in communes if c["id"] in own.unit_ids]
        return communes

    @property
    def whole_area_user(self) -> bool:
        from accounts.scoping import commune_ids

        return commune_ids(self.user) is None

    # Sections -----------------------------------------------------------------------------------------------

    def build(self, only: str | None = None) -> dict[str, Any]:
        """The page's context; `only`: just what the table `only` needs (the Excel export)."""
        # The trend since the baseline of the plan's period (2021), or the last five years before it.
        first = selectors.BASELINE_YEAR if self.year >= selectors.BASELINE_YEAR else self.year - 4
        self.trend_years = list(range(first, self.year + 1))
        makers: dict[str, Callable[[], Section]] = {
            "units": self.section_units,
            "registry": self.section_registry,
            "trend": self.section_trend,
            "movements": self.section_movements,
            "deprivations": self.section_deprivations,
            "causes": self.section_causes,
            "progress": self.section_progress,
            "deadlines": self.section_deadlines,
            "tasks": self.section_tasks,
            "support": self.section_support,
            "funds": self.section_funds,
        }
        # One scan of the household-year rows of the trend's years gives the summary, the rates by unit, the
        # movements and the trend.
        needs_trend = only is None or only in ("units", "trend")
        cube_years = self.trend_years if needs_trend else [self.year]
        known = self._own_completeness or {}
        missing = [y for y in cube_years if y not in known]
        self.completeness_by_year = {y: known[y] for y in cube_years if y in known}
        if missing:
            self.completeness_by_year.update(selectors.completeness_by_year(
                years=missing, unit_ids=self.scope.unit_ids, user=self.user, structure=self.structure, units=self.units))
        self.completeness = self.completeness_by_year[self.year]
        self.units.prepare(cube_years)
        self.cube = selectors.status_cube(years=cube_years, by=self.by, units=self.units, **self.common)
        if needs_trend:
            self.trend = selectors.poverty_trend(years=self.trend_years, rows=self.cube, units=self.units, **self.common)
            self.current = self.trend[-1]
            self.previous = self.trend[-2] if len(self.trend) > 1 and self.trend[-2]["has_data"] else None
            self.targets = selectors.reduction_targets(unit=self.scope.unit if self.scope.is_commune else None)
            self.target_now = {
                m: next((t for t in self.targets if t["metric"] == m and t["baseline_year"] < self.year <= t["end_year"]), None)
                for m in ("poverty_rate_reduction", "ethnic_minority_poverty_rate_reduction")
            }
        if only is not None:
            if only not in makers:
                raise Http404(gettext("Không có bảng số liệu này."))
            return {"section": makers[only]()}
        if not self.scope.is_commune:
            del makers["registry"]
        sections = [maker() for maker in makers.values()]
        for section in sections:
            for table in section.tables:
                table.export_url = self.export_url(table.key)
        return {
            "dash": self,
            "completeness": self.completeness_note(),
            "headline": self.headline(),
            "sections": sections,
            "form_values": self.params(),
            "years": sorted(set(self.years_info["years"]) | {self.year}, reverse=True),
            "unit_choices": self.unit_choices(),
            "area_choices": [("", gettext("Thành thị và nông thôn")), *Area.choices],
            "basis_choices": [(k, gettext(v)) for k, v in selectors.BASES.items()],
            "structure_choices": [(k, gettext(v)) for k, v in selectors.STRUCTURES.items()],
        }

    def _target_value(self, metric: str) -> float | None:
        t = self.target_now.get(metric)
        return t["value"] if t else None

    def _delta(self, change: float | None) -> dict[str, str]:
        prev = self.previous["year"] if self.previous else self.year - 1
        if change is None:
            return {"text": gettext("Chưa có số liệu năm %(prev)s để so sánh") % {"prev": prev}, "css": "muted"}
        if change < 0:
            return {"text": gettext("▼ giảm %(number)s điểm %% so với năm %(prev)s") % {"number": charts.number(-change, 2), "prev": prev}, "css": "delta-good"}
        if change > 0:
            return {"text": gettext("▲ tăng %(number)s điểm %% so với năm %(prev)s") % {"number": charts.number(change, 2), "prev": prev}, "css": "delta-bad"}
        return {"text": gettext("không đổi so với năm %(prev)s") % {"prev": prev}, "css": "muted"}

    def completeness_note(self) -> dict[str, Any]:
        """How complete the year shown is, for the banner above its figures."""
        c = self.completeness
        counts = gettext("%(recognised)s/%(expected)s hộ đã công nhận · %(done)s/%(total)s xã đã xong") % {
            "recognised": charts.number(c.recognised), "expected": charts.number(c.expected),
            "done": c.communes_done, "total": c.communes_total}
        if c.complete:
            text = gettext("Năm %(year)s đã rà soát xong: %(counts)s.") % {"year": self.year, "counts": counts}
        else:
            text = gettext("Năm %(year)s chưa rà soát xong: %(counts)s. Số liệu của năm chưa đầy đủ, chỉ tiêu chưa được đánh giá.") % {
                "year": self.year, "counts": counts}
        if c.gaps:
            text += " " + gettext("%(gaps)s hộ thuộc danh sách năm trước chưa có phiếu rà soát.") % {"gaps": charts.number(c.gaps)}
        return {"complete": c.complete, "text": text, "share": c.share, **c.as_dict()}

    def _status(self, metric: str) -> dict[str, str] | None:
        target = self.target_now.get(metric)
        if target is None:
            return None
        if not self.completeness.complete:
            # A target is judged on a complete year only: partial figures would read as a fall or a rise.
            c = self.completeness
            return {"text": gettext("Chưa đánh giá"), "css": "badge-muted", "status": "",
                    "detail": gettext("năm %(year)s chưa rà soát xong (%(recognised)s/%(expected)s hộ đã công nhận)") % {
                        "year": self.year, "recognised": charts.number(c.recognised), "expected": charts.number(c.expected)}}
        st = selectors.target_status(trend=self.trend, target=target, year=self.year)
        css = {"met": "badge-ok", "on_track": "badge-ok", "at_risk": "badge-warn", "missed": "badge-bad"}.get(st["status"] or "", "")
        detail = gettext("chỉ tiêu giảm %(number)s điểm/năm") % {"number": charts.number(target['value'], 0)}
        if st["actual"] is not None:
            detail += (gettext("; bình quân đã giảm %(number)s điểm/năm từ %(baseline_year)s") % {"number": charts.number(st['actual'], 2), "baseline_year": target['baseline_year']})
        return {"text": st["label"], "css": css, "detail": detail, "status": st["status"] or ""}

    def headline(self) -> list[dict[str, Any]]:
        """The cards at the top: counts, rates, change from last year, and where the plan's targets stand."""
        cur = self.current
        em = cur["ethnic_minority"]

        def rate_text(value: float | None) -> str:
            return f"{charts.number(value, 2)} %" if value is not None else "—"

        cards = [
            {"key": "poor", "label": gettext("Hộ nghèo"), "value": charts.number(cur["poor"]), "href": self.category_url(classification="poor"),
             "small": gettext("hộ · tỷ lệ %(rate_text)s") % {"rate_text": rate_text(cur['poor_rate'])}, "delta": self._delta(cur["poor_rate_change"]),
             "badge": self._status("poverty_rate_reduction")},
            {"key": "near_poor", "label": gettext("Hộ cận nghèo"), "value": charts.number(cur["near_poor"]),
             "href": self.category_url(classification="near_poor"), "small": gettext("hộ · tỷ lệ %(rate_text)s") % {"rate_text": rate_text(cur['near_poor_rate'])},
             "delta": self._delta(cur["near_poor_rate_change"])},
        ]
        if not self.em:
            cards.append({"key": "em_poor", "label": gettext("Hộ nghèo dân tộc thiểu số"), "value": charts.number(em["poor"]),
                          "small": gettext("hộ · %(rate_text)s số hộ DTTS") % {"rate_text": rate_text(em['poor_rate'])}, "delta": self._delta(em.get("poor_rate_change")),
                          "badge": self._status("ethnic_minority_poverty_rate_reduction")})
        cards.append({
            "key": "moves", "label": gettext("Biến động trong năm"),
            "parts": [
                (charts.number(cur["escaped_poverty"]), gettext("thoát nghèo"), self.category_url(change=Change.ESCAPED_POVERTY)),
                (charts.number(cur["newly_poor"]), gettext("phát sinh"), self.category_url(change=Change.NEWLY_POOR)),
                (charts.number(cur["fell_back_poor"]), gettext("tái nghèo"), self.category_url(change=Change.FELL_BACK_POOR)),
            ],
        })
        cards.append({"key": "households", "label": gettext("Số hộ dân cư"), "value": charts.number(cur["households"]),
                      "small": gettext("hộ · %(persons)s nhân khẩu") % {"persons": charts.number(cur["persons"])},
                      "delta": {"text": gettext("%(reviewed)s hộ được rà soát trong năm · %(basis)s") % {
                          "reviewed": charts.number(cur["reviewed_households"]), "basis": gettext(selectors.BASES[self.basis])}, "css": "muted"}})
        lag = getattr(self, "lagging", None)
        if lag and lag["target"] is not None and lag["of"]:
            cards.append({"key": "lagging", "label": gettext("%(capitalize)s giảm chưa đạt %(number)s điểm") % {"capitalize": lag['noun'].capitalize(), "number": charts.number(lag['target'], 0)},
                          "value": charts.number(lag["count"]), "small": f"/ {lag['of']}", "css": "delta-bad" if lag["count"] else "",
                          "delta": {"text": gettext("so với năm %(value)s") % {"value": self.year - 1}, "css": "muted"}})
        return cards

    def section_units(self) -> Section:
        by_village = self.by == "village"
        rows = selectors.poverty_by_unit(year=self.year, by=self.by, structure=self.structure, units=self.units, rows=self.cube,
                                         **self.common)
        rows.sort(key=lambda r: (-(r["poor_rate"] or 0), r["unit"]["name"]))
        # No commune is judged against the yearly target on a year still under review.
        judged = self.completeness.complete
        target = self._target_value("poverty_rate_reduction") if judged else None
        em_target = self._target_value("ethnic_minority_poverty_rate_reduction") if judged else None
        lagging = 0
        noun = gettext("thôn, tổ dân phố") if by_village else gettext("xã")
        table = Table(
            "units",
            gettext("Tỷ lệ hộ nghèo theo %(noun)s, năm %(year)s") % {"noun": noun, "year": self.year},
            [Column(gettext("Mã")), Column(gettext("Thôn, tổ dân phố") if by_village else gettext("Xã, thị trấn")), Column(gettext("Số hộ"), "int"),
             Column(gettext("Hộ nghèo"), "int"), Column(gettext("Tỷ lệ hộ nghèo (%)"), "pct"), Column(gettext("Thay đổi so với %(value)s (điểm %%)") % {"value": self.year - 1}, "pts"),
             Column(gettext("Hộ cận nghèo"), "int"), Column(gettext("Tỷ lệ cận nghèo (%)"), "pct"),
             Column(gettext("Hộ nghèo DTTS"), "int"), Column(gettext("Tỷ lệ nghèo DTTS (%)"), "pct"),
             Column(gettext("Đã công nhận / cần rà soát")), Column(gettext("Ghi chú"))],
            link_col=1,
        )
        done_by_unit = self.completeness.by_unit
        chart_rows = []
        labels = self.village_labels(r["unit"].get("id") for r in rows) if by_village else {}
        for r in rows:
            u = r["unit"]
            change = r["poor_rate_change"]
            lag = target is not None and change is not None and -change < target
            em_lag = em_target is not None and r["em_poor_rate_change"] is not None and -r["em_poor_rate_change"] < em_target
            lagging += 1 if lag else 0
            href = self.category_url(village=u) if by_village else self.commune_url(u)
            name = labels.get(u.get("id"), u["name"]) if by_village else u["name"]
            verdict = []
            if lag:
                verdict.append(gettext("Giảm chưa đạt %(number)s điểm") % {"number": charts.number(target, 0)})
            if em_lag:
                verdict.append(gettext("DTTS giảm chưa đạt %(number)s điểm") % {"number": charts.number(em_target, 0)})
            if u.get("difficult_parts"):
                verdict.insert(0, gettext("Gồm xã ĐBKK ") + ", ".join(u["difficult_parts"]))
            elif u.get("extremely_difficult"):
                verdict.insert(0, gettext("Xã ĐBKK"))
            done = done_by_unit.get(u.get("id")) if not by_village else None
            if done is not None and not done["done"]:
                verdict.append(gettext("Chưa rà soát xong"))
            table.add(
                u.get("code", ""), name, r["households"], r["poor"], r["poor_rate"], change, r["near_poor"], r["near_poor_rate"],
                r["ethnic_minority"]["poor"], r["ethnic_minority"]["poor_rate"],
                f"{charts.number(done['recognised'])}/{charts.number(done['expected'])}" if done is not None else "",
                "; ".join(verdict), href=href, css="lagging" if lag else "",
            )
            label = u["short_name"] if not by_village else name
            chart_rows.append({
                "label": label, "value": r["poor_rate"], "href": href,
                "marked": bool(u.get("extremely_difficult")), "note": _arrow(change),
            })
        cur = getattr(self, "current", None)
        if cur is not None:
            table.set_total("", gettext("Toàn địa bàn") if not by_village else gettext("Toàn xã"), cur["households"], cur["poor"], cur["poor_rate"],
                            cur["poor_rate_change"], cur["near_poor"], cur["near_poor_rate"],
                            cur["ethnic_minority"]["poor"], cur["ethnic_minority"]["poor_rate"],
                            f"{charts.number(self.completeness.recognised)}/{charts.number(self.completeness.expected)}", "")
        self.lagging = {"count": lagging, "of": len(rows), "target": target, "noun": noun}
        reference = (cur["poor_rate"], f"Chung {charts.number(cur['poor_rate'], 2)} %") if cur and cur["poor_rate"] is not None else None
        legend = [(gettext("Xã đặc biệt khó khăn (Kế hoạch, mục III.3)"), charts.POOR, "hatch")] if not by_village else None
        chart = charts.bar_chart(
            chart_rows, cid="units", title=table.title, reference=reference, legend=legend,
            desc=gettext("Sắp xếp từ cao xuống thấp; ▼▲: thay đổi so với năm %(value)s (điểm %%).") % {"value": self.year - 1},
        )
        note = (
            gettext("Bấm vào một xã để xem tổng quan của xã. ") if not by_village else
            (gettext("Bấm vào một thôn để xem các hộ được tính của thôn. ") if self.links_to_registry else "")
        ) + (gettext(selectors.STRUCTURES[self.structure]) + "." if not by_village else "")
        return Section("units", table.title, chart, [table], note=note, wide=True)

    def section_registry(self) -> Section:
        rows = selectors.registry_by_village(unit_ids=self.scope.unit_ids, user=self.user, units=self.units)
        # The registry as it is today: villages named on today's structure.
        labels = self.village_labels((r["unit"].get("id") for r in rows), on=self.today)
        for r in rows:
            r["label"] = labels.get(r["unit"].get("id"), r["unit"]["name"])
        rows.sort(key=lambda r: (r["unit"].get("id") is None, r["label"]))
        title = gettext("Hộ gia đình theo thôn (sổ hộ hiện nay)")
        table = Table("registry", title, [Column(gettext("Mã")), Column(gettext("Thôn, tổ dân phố")), Column(gettext("Số hộ"), "int")], link_col=1)
        for r in rows:
            table.add(r["unit"]["code"], r["label"], r["households"], href=self.registry_url(village=r["unit"]))
        table.set_total("", gettext("Tổng"), sum(r["households"] for r in rows))
        chart = charts.bar_chart([{"label": r["label"], "value": r["households"], "href": self.registry_url(village=r["unit"])} for r in rows],
                                 cid="registry", title=title, digits=0, suffix=gettext(" hộ"), color=charts.NEUTRAL)
        note = gettext("Bấm vào một thôn để mở danh sách hộ của thôn.") if self.links_to_registry else ""
        return Section("registry", title, chart, [table], note=note)

    def section_trend(self) -> Section:
        path = selectors.target_path(trend=self.trend, targets=self.targets)
        em_path = selectors.target_path(trend=self.trend, metric="ethnic_minority_poverty_rate_reduction", targets=self.targets)
        years = [r["year"] for r in self.trend]
        target_by_year = {p["year"]: p["target"] for p in path}
        em_target_by_year = {p["year"]: p["target"] for p in em_path}
        series = [
            {"name": gettext("Tỷ lệ hộ nghèo"), "values": {r["year"]: r["poor_rate"] for r in self.trend}, "color": charts.POOR, "labels": True},
            {"name": gettext("Lộ trình theo chỉ tiêu"), "values": target_by_year, "color": charts.TARGET, "dashed": True},
            {"name": gettext("Tỷ lệ hộ cận nghèo"), "values": {r["year"]: r["near_poor_rate"] for r in self.trend}, "color": charts.NEAR_POOR},
        ]
        if not self.em:
            series += [
                {"name": gettext("Tỷ lệ hộ nghèo DTTS"), "values": {r["year"]: r["ethnic_minority"]["poor_rate"] for r in self.trend}, "color": charts.ETHNIC},
                {"name": gettext("Lộ trình DTTS"), "values": em_target_by_year, "color": charts.ETHNIC, "dashed": True},
            ]
        title = gettext("Tỷ lệ hộ nghèo từ năm %(years)s đến %(years2)s và lộ trình chỉ tiêu") % {"years": years[0], "years2": years[-1]}
        chart = charts.line_chart(cid="trend", title=title, years=years, series=series)
        table = Table("trend", title, [
            Column(gettext("Năm"), "year"), Column(gettext("Số hộ"), "int"), Column(gettext("Hộ nghèo"), "int"), Column(gettext("Tỷ lệ hộ nghèo (%)"), "pct"),
            Column(gettext("Thay đổi (điểm %)"), "pts"), Column(gettext("Lộ trình chỉ tiêu (%)"), "pct"), Column(gettext("Hộ cận nghèo"), "int"),
            Column(gettext("Tỷ lệ cận nghèo (%)"), "pct"), Column(gettext("Tỷ lệ nghèo DTTS (%)"), "pct"), Column(gettext("Lộ trình DTTS (%)"), "pct"),
            Column(gettext("Đã công nhận / cần rà soát")),
        ])
        for r in self.trend:
            c = self.completeness_by_year.get(r["year"])
            done = "" if c is None else f"{charts.number(c.recognised)}/{charts.number(c.expected)}" + ("" if c.complete else " " + gettext("(chưa xong)"))
            table.add(r["year"], r["households"], r["poor"], r["poor_rate"], r["poor_rate_change"], target_by_year.get(r["year"]),
                      r["near_poor"], r["near_poor_rate"], r["ethnic_minority"]["poor_rate"], em_target_by_year.get(r["year"]), done,
                      css="" if c is None or c.complete else "partial")
        note = " ".join(
            (gettext("%(title)s (năm gốc %(baseline_year)s%(value)s).") % {"title": t['title'], "baseline_year": t['baseline_year'], "value": '' if t['source'] == 'programs' else gettext(', theo Kế hoạch')})
            for t in self.targets if t["baseline_year"] < self.year
        )
        if self.em or self.area:
            note += gettext(" Đang lọc một nhóm hộ: lộ trình tính từ tỷ lệ của nhóm này, chỉ để tham khảo.")
        return Section("trend", title, chart, [table], note=note)

    def section_movements(self) -> Section:
        m = selectors.movements(year=self.year, rows=self.cube, units=self.units, **self.common)
        c, p, n = m["changes"], m["poor"], m["near_poor"]
        pp, np_ = m["persons"]["poor"], m["persons"]["near_poor"]
        title = gettext("Biến động hộ nghèo, hộ cận nghèo năm %(year)s") % {"year": self.year}
        kinds = [
            (Change.ESCAPED_POVERTY, gettext("Thoát nghèo"), charts.TARGET, p["escaped_to_near_poor"] + p["escaped_above_near_poor"]),
            (Change.ESCAPED_NEAR_POVERTY, gettext("Thoát cận nghèo"), "#4f9a5f", n["escaped"]),
            (Change.NEWLY_POOR, gettext("Hộ nghèo phát sinh"), charts.POOR, p["newly_poor"]),
            (Change.FELL_BACK_POOR, gettext("Tái nghèo"), "#7a1a12", p["fell_back"]),
            (Change.NEAR_POOR_TO_POOR, gettext("Cận nghèo thành nghèo"), "#d0574f", p["near_poor_to_poor"]),
            (Change.NEWLY_NEAR_POOR, gettext("Cận nghèo phát sinh"), charts.NEAR_POOR, n["newly_near_poor"]),
            (Change.FELL_BACK_NEAR_POOR, gettext("Tái cận nghèo"), "#9a6200", n["fell_back"]),
        ]
        chart_rows = [{"label": label, "value": value, "color": color, "href": self.category_url(change=code)} for code, label, color, value in kinds]
        chart = charts.bar_chart(chart_rows, cid="movements", title=title, digits=0, suffix=gettext(" hộ"))
        table = Table("movements", title, [
            Column(gettext("Cột")), Column(gettext("Biến động")), Column(gettext("Hộ nghèo"), "int"), Column(gettext("Nhân khẩu hộ nghèo"), "int"),
            Column(gettext("Hộ cận nghèo"), "int"), Column(gettext("Nhân khẩu hộ cận nghèo"), "int"),
        ])
        for col, label, key_p, key_n in [
            ("1", gettext("Đầu năm (cuối năm %(value)s)") % {"value": self.year - 1}, "start", "start"),
            ("2", gettext("Giảm: hộ nghèo thành hộ cận nghèo / hộ cận nghèo thành hộ nghèo"), "escaped_to_near_poor", "to_poor"),
            ("3", gettext("Giảm: thoát nghèo trên chuẩn cận nghèo / thoát cận nghèo"), "escaped_above_near_poor", "escaped"),
            ("4", gettext("Giảm khác (chuyển đi, nhập hộ, không còn hộ; nhân khẩu chết, chuyển đi)"), "other_decrease", "other_decrease"),
            ("5", gettext("Tăng: hộ cận nghèo thành hộ nghèo / hộ nghèo thành hộ cận nghèo"), "near_poor_to_poor", "from_poor"),
            ("6", gettext("Tăng: tái nghèo / tái cận nghèo"), "fell_back", "fell_back"),
            ("7", gettext("Tăng: phát sinh mới"), "newly_poor", "newly_near_poor"),
            ("8", gettext("Tăng khác (chuyển đến, tách hộ; nhân khẩu sinh, chuyển đến)"), "other_increase", "other_increase"),
        ]:
            table.add(col, label, p[key_p], pp[key_p], n[key_n], np_[key_n])
        table.set_total("9", gettext("Cuối năm %(year)s = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8") % {"year": self.year}, p["end"], pp["end"], n["end"], np_["end"])
        note = (gettext("Ra vào lại (tái nghèo, tái cận nghèo): %(number)s hộ — Kế hoạch mục IV.13 yêu cầu phát hiện hộ ra vào để hưởng chính sách.") % {"number": charts.number(m['rotating'])})
        if m["line_change"]:
            note += " " + gettext("Cột 4 và 8 gồm %(number)s hộ đổi phân loại chỉ vì nơi ở chuyển từ chuẩn thành thị sang chuẩn nông thôn (không tính là thoát nghèo hay phát sinh).") % {"number": charts.number(m["line_change"])}
        return Section("movements", title, chart, [table], note=note)

    def section_deprivations(self) -> Section:
        d = selectors.deprivations(year=self.year, **self.common)
        self.poor_counted = d["households"]
        title = gettext("Hộ nghèo thiếu hụt theo chỉ số, năm %(year)s") % {"year": self.year}
        rows = [{"label": f"{i['code']}. {translate_data(i['name'])}", "value": i["percent"]} for i in d["indicators"]]
        chart = charts.bar_chart(rows, cid="deprivations", title=title, color=charts.BLUE, max_value=100,
                                 desc=gettext("Phần trăm trong %(number)s hộ nghèo.") % {"number": charts.number(d['households'])})
        table = Table("deprivations", title, [Column(gettext("Mã")), Column(gettext("Chỉ số")), Column(gettext("Chiều thiếu hụt")),
                                              Column(gettext("Số hộ nghèo thiếu hụt"), "int"), Column(gettext("Tỷ lệ (%)"), "pct")])
        for i in d["indicators"]:
            table.add(i["code"], translate_data(i["name"]), translate_data(i["dimension_name"]), i["households"], i["percent"])
        table.set_total("", gettext("Hộ nghèo"), gettext("%(number)s lượt thiếu hụt") % {"number": charts.number(d['total_deprivations'])}, d["households"], None)
        return Section("deprivations", title, chart, [table], note=gettext("Chuẩn nghèo đa chiều áp dụng cho năm rà soát (Nghị định 07/2021/NĐ-CP)."))

    def section_causes(self) -> Section:
        c = selectors.causes(year=self.year, households=getattr(self, "poor_counted", None), **self.common)
        title = gettext("Nguyên nhân nghèo, năm %(year)s") % {"year": self.year}
        items = sorted(c["causes"], key=lambda x: -x["households"])
        chart = charts.bar_chart([{"label": translate_data(x["name"]), "value": x["percent"]} for x in items], cid="causes", title=title,
                                 color=charts.NEUTRAL, max_value=100, desc=gettext("Phần trăm trong %(number)s hộ nghèo; một hộ có thể nêu nhiều nguyên nhân.") % {"number": charts.number(c['households'])})
        table = Table("causes", title, [Column(gettext("Nguyên nhân")), Column(gettext("Số hộ nghèo"), "int"), Column(gettext("Tỷ lệ (%)"), "pct")])
        for x in items:
            table.add(translate_data(x["name"]), x["households"], x["percent"])
        table.set_total(gettext("Tổng số hộ nghèo"), c["households"], None)
        return Section("causes", title, chart, [table], note=gettext("Một hộ có thể nêu nhiều nguyên nhân."))

    def section_progress(self) -> Section:
        p = selectors.review_progress(
            year=self.activity_year, unit_ids=self.scope.unit_ids, ethnic_minority_only=self.em, area=self.area or None,
            by=self.by, structure=CURRENT, user=self.user, units=self.units,
        )
        title = gettext("Tiến độ rà soát năm %(activity_year)s") % {"activity_year": self.activity_year}
        steps = [("confirmed", gettext("Huyện đã xác nhận"), "#185c28"), ("recognised", gettext("Xã đã công nhận"), "#4f9a5f"),
                 ("in_village", gettext("Họp thôn, niêm yết"), charts.BLUE), ("surveying", gettext("Đang rà soát"), charts.NEAR_POOR)]
        rows = sorted(p["rows"], key=lambda r: (r["percent_official"] or 0, r["unit"]["name"]))
        chart_rows = [{
            "label": r["unit"]["short_name"] if self.by == "commune" else r["unit"]["name"],
            "values": {k: r[k] for k, _, _ in steps},
            "total": r["expected"] or r["reviews"],
            "note": f"{charts.number(r['percent_official'], 0)} %" if r["percent_official"] is not None else "—",
            "href": self.commune_url(r["unit"]) if self.by == "commune" else "",
        } for r in rows]
        chart = charts.stacked_chart(chart_rows, cid="progress", title=title, segments=steps, rest=gettext("Chưa có phiếu"),
                                     desc=gettext("Tỷ lệ: số hộ đã được xã công nhận hoặc huyện xác nhận trên số hộ trong sổ hộ."))
        table = Table("progress", title, [
            Column(gettext("Mã")), Column(gettext("Xã, thị trấn") if self.by == "commune" else gettext("Thôn, tổ dân phố")), Column(gettext("Hộ trong sổ"), "int"),
            Column(gettext("Đã có phiếu"), "int"), Column(gettext("Đang rà soát"), "int"), Column(gettext("Họp thôn, niêm yết"), "int"),
            Column(gettext("Xã đã công nhận"), "int"), Column(gettext("Huyện đã xác nhận"), "int"), Column(gettext("Đã công nhận (%)"), "pct"),
        ], link_col=1)
        for r in rows:
            table.add(r["unit"].get("code", ""), r["unit"]["name"], r["expected"], r["reviews"], r["surveying"], r["in_village"],
                      r["recognised"], r["confirmed"], r["percent_official"],
                      href=self.commune_url(r["unit"]) if self.by == "commune" else "")
        t = p["total"]
        table.set_total("", gettext("Tổng"), t["expected"], t["reviews"], t["surveying"], t["in_village"], t["recognised"], t["confirmed"], t["percent_official"])
        note = gettext("Các bước theo Quyết định 24/2021/QĐ-TTg, Điều 4: rà soát, họp thôn, niêm yết, xã công nhận, huyện xác nhận.")
        if self.em or self.area:
            note += gettext(" Khi lọc một nhóm hộ, tỷ lệ tính trên số phiếu của nhóm (không có số hộ trong sổ).")
        return Section("progress", title, chart, [table], note=note)

    def section_deadlines(self) -> Section:
        title = gettext("Báo cáo định kỳ năm %(activity_year)s: ai chậm, ai đúng hạn") % {"activity_year": self.activity_year}
        d = selectors.deadline_compliance(year=self.activity_year, unit_ids=self.scope.unit_ids, user=self.user)
        if d is None:
            return Section("deadlines", title, gap=gettext("Chưa có dữ liệu hạn nộp báo cáo (phân hệ báo cáo định kỳ chưa cài đặt)."))
        not_due = max(d["open"] - d["overdue"], 0)
        chart = charts.bar_chart([
            {"label": gettext("Nộp đúng hạn"), "value": d["on_time"], "color": charts.TARGET},
            {"label": gettext("Nộp muộn"), "value": d["late"], "color": charts.NEAR_POOR},
            {"label": gettext("Quá hạn, chưa nộp"), "value": d["overdue"], "color": charts.POOR},
            {"label": gettext("Chưa nộp, chưa đến hạn"), "value": not_due, "color": charts.NEUTRAL},
        ], cid="deadlines", title=title, digits=0, suffix="")
        table = Table("deadlines", gettext("Báo cáo nộp muộn hoặc quá hạn"), [
            Column(gettext("Đơn vị")), Column(gettext("Báo cáo")), Column(gettext("Hạn nộp"), "date"), Column(gettext("Tình trạng")),
        ])
        for r in d["rows"]:
            state = gettext("Quá hạn, chưa nộp") if r["overdue"] else (gettext("Nộp muộn") if r["on_time"] is False else r["state_label"])
            table.add(r["owner"], r["kind"], r["due_date"], state, css="lagging" if r["overdue"] else "")
        try:
            link = reverse("reporting:obligations")
        except NoReverseMatch:  # pragma: no cover
            link = ""
        note = gettext("%(number)s nghĩa vụ báo cáo; %(number2)s đã nộp.") % {"number": charts.number(d['total']), "number2": charts.number(d['submitted'])}
        if link:
            note += gettext(" Chi tiết ở trang Báo cáo định kỳ.")
        return Section("deadlines", title, chart, [table], note=note, link=link)

    def section_tasks(self) -> Section:
        title = gettext("Nhiệm vụ theo Kế hoạch năm %(activity_year)s") % {"activity_year": self.activity_year}
        t = selectors.tasks_behind(year=self.activity_year, unit_ids=self.scope.unit_ids, user=self.user, units=self.units)
        if t is None:
            return Section("tasks", title, gap=gettext("Chưa có dữ liệu nhiệm vụ (phân hệ kế hoạch chưa cài đặt)."))
        segments = [("completed", gettext("Hoàn thành"), charts.TARGET), ("overdue", gettext("Quá hạn"), charts.POOR), ("open", gettext("Đang thực hiện"), charts.BLUE)]
        rows = t["by_agency"] if not self.scope.is_commune else t["by_commune"]
        chart_rows = [{
            "label": r["name"] if "name" in r else r["unit"]["short_name"],
            "values": {"completed": r["completed"], "overdue": r["overdue"], "open": r["total"] - r["completed"] - r["overdue"]},
            "total": r["total"],
            "note": (gettext("%(number)s quá hạn") % {"number": charts.number(r['overdue'])}) if r["overdue"] else "",
        } for r in rows]
        chart = charts.stacked_chart(chart_rows, cid="tasks", title=title, segments=segments)
        agencies = Table("tasks", gettext("Nhiệm vụ theo cơ quan chủ trì, năm %(activity_year)s") % {"activity_year": self.activity_year}, [
            Column(gettext("Cơ quan, đơn vị")), Column(gettext("Nhiệm vụ"), "int"), Column(gettext("Hoàn thành"), "int"), Column(gettext("Quá hạn"), "int"),
            Column(gettext("Vướng mắc"), "int"), Column(gettext("Tiến độ bình quân (%)"), "int"),
        ])
        for r in t["by_agency"]:
            agencies.add(r["name"], r["total"], r["completed"], r["overdue"], r["stalled"], r["progress"], css="lagging" if r["overdue"] else "")
        agencies.set_total(gettext("Tổng"), t["total"], t["completed"], t["overdue"], None, None)
        communes = Table("tasks_communes", gettext("Nhiệm vụ giao cho các xã, năm %(activity_year)s") % {"activity_year": self.activity_year}, [
            Column(gettext("Xã")), Column(gettext("Nhiệm vụ"), "int"), Column(gettext("Hoàn thành"), "int"), Column(gettext("Quá hạn"), "int"), Column(gettext("Tiến độ bình quân (%)"), "int"),
        ])
        for r in t["by_commune"]:
            communes.add(r["unit"]["name"], r["total"], r["completed"], r["overdue"], r["progress"], css="lagging" if r["overdue"] else "")
        tables = [agencies] + ([communes] if t["by_commune"] else [])
        return Section("tasks", title, chart, tables, note=gettext("Quá hạn: đã qua hạn hoàn thành mà chưa hoàn thành."))

    def section_support(self) -> Section:
        title = gettext("Hỗ trợ đã đến với hộ dân năm %(year)s, theo xã và nguồn kinh phí") % {"year": self.year}
        s = selectors.support_by_commune(year=self.year, unit_ids=self.scope.unit_ids, structure=self.structure if self.by == "commune" else CURRENT,
                                         user=self.user, units=self.units)
        if s is None:
            return Section("support", title, gap=gettext("Chưa có dữ liệu hỗ trợ (phân hệ kế hoạch chưa cài đặt)."))
        chart = charts.bar_chart(
            [{"label": r["unit"]["short_name"], "value": r["amount"] / 1_000_000, "href": self.commune_url(r["unit"]) if not self.scope.is_commune else ""} for r in s["rows"]],
            cid="support", title=title, digits=1, suffix=gettext(" tr đ"), color=charts.TARGET,
        )
        sources = s["sources"]
        table = Table("support", title, [Column(gettext("Xã")), Column(gettext("Lượt hỗ trợ"), "int"), Column(gettext("Tổng số tiền (đ)"), "vnd")]
                      + [Column(gettext("%(label)s (đ)") % {"label": label}, "vnd") for _, label in sources])
        for r in s["rows"]:
            table.add(r["unit"]["name"], r["records"], r["amount"], *[r["by_source"].get(code, 0) for code, _ in sources])
        table.set_total(gettext("Tổng"), s["total"]["records"], s["total"]["amount"], *[s["by_source"].get(code, 0) for code, _ in sources])
        return Section("support", title, chart, [table], note=gettext("Xã của hộ vào ngày được hỗ trợ; số tiền, giá trị tính bằng đồng."))

    def section_funds(self) -> Section:
        title = gettext("Kinh phí phân bổ và giải ngân năm %(year)s") % {"year": self.year}
        f = selectors.funds_by_commune(year=self.year, unit_ids=self.scope.unit_ids, user=self.user, units=self.units)
        if f is None:
            return Section("funds", title, gap=gettext("Chưa có dữ liệu kinh phí (phân hệ kế hoạch chưa cài đặt)."))
        chart = charts.stacked_chart([{
            "label": r["unit"]["short_name"] if r["unit"] else gettext("Cấp huyện quản lý"),
            "values": {"disbursed": r["disbursed"]}, "total": r["allocated"],
            "note": f"{charts.number(r['rate'], 0)} %" if r["rate"] is not None else "—",
        } for r in f["rows"]], cid="funds", title=title, segments=[("disbursed", gettext("Đã giải ngân"), charts.TARGET)], rest=gettext("Chưa giải ngân"))
        table = Table("funds", title, [Column(gettext("Xã")), Column(gettext("Phân bổ (đ)"), "vnd"), Column(gettext("Đã giải ngân (đ)"), "vnd"), Column(gettext("Tỷ lệ giải ngân (%)"), "pct")])
        for r in f["rows"]:
            table.add(r["unit"]["name"] if r["unit"] else gettext("Cấp huyện quản lý"), r["allocated"], r["disbursed"], r["rate"])
        table.set_total(gettext("Tổng"), f["total"]["allocated"], f["total"]["disbursed"], f["total"]["rate"])
        by_source = Table("funds_sources", gettext("Kinh phí theo nguồn, năm %(year)s") % {"year": self.year}, [
            Column(gettext("Nguồn kinh phí")), Column(gettext("Phân bổ (đ)"), "vnd"), Column(gettext("Đã giải ngân (đ)"), "vnd"), Column(gettext("Tỷ lệ giải ngân (%)"), "pct")])
        for r in f["by_source"]:
            by_source.add(r["label"], r["allocated"], r["disbursed"], r["rate"])
        return Section("funds", title, chart, [table, by_source])


# --- views --------------------------------------------------------------------------------------------------


@role_required(*ALL_ROLES)
def dashboard(request):
    """The district dashboard (rows by commune) or a commune's (rows by village), per the filters in the URL."""
    dash = Dashboard(request)
    context = dash.build()
    context["landing"] = request.path == reverse("accounts:home")
    return render(request, "reporting/dashboard.html", context)


@role_required(*ALL_ROLES)
def dashboard_export(request, key: str):
    """One table of the dashboard as an Excel workbook, with the same filters (and so the same figures)."""
    with translation.override("vi"):  # the workbook stays Vietnamese whatever the language of the screens
        dash = Dashboard(request)
        section: Section = dash.build(only=key.split("_")[0])["section"]
        subtitle = f"{dash.title} · {dash.filter_summary}"
    table = next((t for t in section.tables if t.key == key), None)
    if table is None:
        raise Http404(gettext("Không có bảng số liệu này."))
    content = workbook(table, subtitle=subtitle)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tong-quan-{key}-{dash.year}.xlsx"'
    return response


class HouseholdFilters(forms.Form):
    classification = forms.ChoiceField(required=False, choices=[("", ""), *Classification.choices])
    change = forms.ChoiceField(required=False, choices=[("", ""), *Change.choices])
    village = forms.IntegerField(required=False, min_value=1)


@role_required(*REGISTRY_READERS)
def dashboard_households(request):
    """The households behind a figure of the dashboard (a category, a change, a village), with the dashboard's
    filters: the resident households the figure counted at the end of the year, in the user's scope, 50 a page."""
    from django.core.paginator import Paginator

    dash = Dashboard(request)
    form = HouseholdFilters(request.GET)
    wanted = form.cleaned_data if form.is_valid() else {}
    suffix = "o" if dash.basis == OFFICIAL else "w"
    qs = selectors.listed(year=dash.year, unit_ids=dash.scope.unit_ids, basis=dash.basis, ethnic_minority_only=dash.em,
                          area=dash.area or None, classification=None, user=dash.user)
    labels = []
    if wanted.get("classification"):
        qs = qs.filter(**{f"status_{suffix}": wanted["classification"] if wanted["classification"] in (Classification.POOR, Classification.NEAR_POOR) else ""})
        labels.append(gettext(Classification(wanted["classification"]).label))
    if wanted.get("change"):
        qs = qs.filter(**{f"change_{suffix}": wanted["change"]})
        labels.append(gettext(Change(wanted["change"]).label))
    if wanted.get("village"):
        qs = qs.filter(village_id=wanted["village"])
    qs = qs.select_related("household", "village", "commune", f"source_{suffix}").order_by("commune__name", "village__name", "household__code")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    statuses = {"poor": Classification.POOR.label, "near_poor": Classification.NEAR_POOR.label}
    for r in page.object_list:
        r.status_label = gettext(statuses.get(getattr(r, f"status_{suffix}"), NEITHER))
        change = getattr(r, f"change_{suffix}")
        r.change_label = gettext(Change(change).label) if change else ""
        r.source = getattr(r, f"source_{suffix}")
    # The rows are the households at the end of the year, beside that day's commune: their villages as named then.
    names = dash.village_labels({r.village_id for r in page.object_list}, on=min(dt.date(dash.year, 12, 31), dash.today))
    for r in page.object_list:
        r.village_label = names.get(r.village_id, "")
    village = page.object_list[0].village if wanted.get("village") and page.object_list else None
    if village is not None:
        labels.append(names.get(village.pk, village.name))
    return render(request, "reporting/dashboard_households.html", {
        "dash": dash, "page": page, "what": ", ".join(labels) or gettext("Tất cả các hộ được tính"),
    })


EXCEL_FORMATS = {"int": "#,##0", "vnd": "#,##0", "pct": "0.00", "pts": "+0.00;-0.00;0.00", "date": "dd/mm/yyyy"}


def workbook(table: Table, *, subtitle: str = "") -> bytes:
    """A small workbook of one table: title, filters, header, rows, total; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from households.xlsx import keep_text

    wb = Workbook()
    ws = wb.active
    ws.title = table.key[:31]
    ws.append([table.title])
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    ws.append([subtitle])
    ws["A2"].font = Font(name="Times New Roman", italic=True)
    ws.append([])
    ws.append([c.label for c in table.columns])
    for col in range(1, len(table.columns) + 1):
        h = ws.cell(row=4, column=col)
        h.font = Font(name="Times New Roman", bold=True)
        h.fill = PatternFill("solid", fgColor="EEEEEE")
        h.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row, bold in [(r, False) for r in table.rows] + ([(table.total, True)] if table.total else []):
        ws.append([c.value for c in row])
        r = ws.max_row
        for col, (c, column) in enumerate(zip(row, table.columns), start=1):
            xc = ws.cell(row=r, column=col)
            xc.font = Font(name="Times New Roman", bold=bold)
            if column.kind in EXCEL_FORMATS and c.value is not None:
                xc.number_format = EXCEL_FORMATS[column.kind]
    for col, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = 14 if column.numeric else 34
    ws.freeze_panes = "A5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    if table.note:
        ws.append([])
        ws.append([table.note])
    out = io.BytesIO()
    keep_text(wb)  # a unit or task name typed as "=…" stays text
    wb.save(out)
    return out.getvalue()
