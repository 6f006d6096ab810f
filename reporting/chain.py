"""The reporting chain in force on a date (`ReportingChain`, data with validity dates): who issues a report (the
header block), who signs it, where it goes, and whether the communes make their own reports.

Until 30 June 2025 a commune reported to the district's people's committee through the labour office, and the
district to the province (the plan, section V). From 1 July 2025 the district level is gone: each commune's people's
committee reports to the province itself, and the summary of the former district's territory is compiled by the
office that now holds the district office's role (to confirm: the provincial Department of Agriculture and
Environment, which took the poverty portfolio). A report follows the chain in force on its due date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from .models import ChainScope, ReportingChain


@dataclass(frozen=True)
class Chain:
    code: str
    issuer: tuple[str, str]
    signer: tuple[str, str, str]
    area_label: str
    number_line: str
    recipients: tuple[str, ...]
    compiler: str
    communes_report_themselves: bool
    basis_note: str
    note: str
    place: str = ""  # the place on the date line ("Tuyên Quang, ngày …"); empty: the reporting unit's name


SIGN_NOTE = "(Ký tên, đóng dấu)"


def _unit_caps(unit) -> str:
    return (unit.name or "").upper()


def chain_for(*, unit, is_area: bool, on: dt.date) -> Chain:
    """The chain in force on `on` for a report of `unit` (the program area when `is_area`, else a commune)."""
    scope = ChainScope.AREA if is_area else ChainScope.COMMUNE
    row = (
        ReportingChain.objects.filter(scope=scope)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )
    if row is None:  # no data (an empty database): the committee of the unit itself, as the paper forms are
        name = _unit_caps(unit)
        return Chain(
            code="", issuer=("ỦY BAN NHÂN DÂN", name), signer=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", SIGN_NOTE),
            area_label=unit.name, number_line="Số:      /BC-UBND", recipients=(), compiler="",
            communes_report_themselves=False, basis_note="", note="",
        )
    caps = _unit_caps(unit)
    return Chain(
        code=row.code,
        issuer=(row.issuer_top.replace("{unit}", caps), row.issuer_name.replace("{unit}", caps)),
        signer=(row.signer_for, row.signer_title, SIGN_NOTE),
        area_label=row.area_label.replace("{unit}", unit.name),
        number_line=f"Số:      /{row.number_suffix}",
        recipients=tuple(r.strip() for r in row.recipients.split(";") if r.strip()),
        compiler=row.compiler,
        communes_report_themselves=row.communes_report_themselves,
        basis_note=row.basis_note,
        note=row.note,
        place=row.place,
    )


def communes_report_themselves(*, on: dt.date) -> bool:
    """Whether, on that date, a commune's people's committee makes its own reports (from 1 July 2025)."""
    return ReportingChain.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        scope=ChainScope.COMMUNE, communes_report_themselves=True,
    ).exists()
