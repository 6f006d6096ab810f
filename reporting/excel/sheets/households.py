"""11. The list of poor and near-poor households at the end of the year with their members then (form 9 of the
working layout): every household on the lists, a household not reviewed again this year with its last result; its
figures are those of the review its status comes from. Personal data, written only into the `full` edition, which
only roles that see personal data may download.

Streams: the year rows are read with a server-side iterator, members and support fetched per chunk of 2,000
households, rows written to a write-only sheet — memory stays flat at district scale.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import datetime as dt

from django.db.models import Q

from households.models import Classification, Member, Relation, Sex
from households.village_names import village_labels

from ... import selectors
from .. import headers as H
from ..context import ReportContext
from ..layout import FormSheet

CHUNK = 2000
RELATIONS = dict(Relation.choices)
CLASSES = {Classification.POOR: "Hộ nghèo", Classification.NEAR_POOR: "Hộ cận nghèo"}
def reviews(ctx: ReportContext):
    """The households on the lists at the end of the year (poor, then near-poor within each village)."""
    b = "o" if ctx.basis == selectors.OFFICIAL else "w"
    fields = (
        "household_id", "household__code", "household__head_name", "village_id", "commune__name", f"status_{b}",
        f"change_{b}", f"source_{b}__income_per_capita_month", f"source_{b}__deprivation_count", "minority",
        f"no_working_capacity_{b}", f"person_of_merit_{b}",
    )
    return (
        selectors.listed(year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis, classification=None)
        .filter(**{f"status_{b}__in": [Classification.POOR, Classification.NEAR_POOR]})
        .order_by("commune__code", "village__name", "household__code")
        .values_list(*fields)
    )


def _support(ids: list[int], year: int) -> dict[int, list[str]]:
    try:
        from programs.models import SupportRecord  # type: ignore[attr-defined]
    except ImportError:
        return {}
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        SupportRecord.objects.filter(household_id__in=ids, date__year=year)
        .values_list("household_id", "policy__name").distinct().order_by("household_id", "policy__name")
    )
    for hid, name in rows:
        out[hid].append(name)
    return out


def _members(ids: list[int], year: int) -> dict[int, list[tuple]]:
    """The members of these households on 31 December of the year (born, joined and not yet left)."""
    on = dt.date(year, 12, 31)
    out: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        Member.all_objects.filter(household_id__in=ids)
        .filter(Q(birth_date__isnull=True) | Q(birth_date__lte=on), Q(joined_on__isnull=True) | Q(joined_on__lte=on),
                Q(left_on__isnull=True) | Q(left_on__gt=on))
        .order_by("household_id", "order", "id")
        .values_list("household_id", "full_name", "sex", "birth_date", "relation", "ethnic_group__name", "citizen_id")
    )
    for r in rows:
        out[r[0]].append(r[1:])
    return out


def rows(ctx: ReportContext, *, total: int = 0) -> Iterator[dict[str, Any]]:
    chunk: list[tuple] = []
    stt = 0
    # Villages by the name every page gives them (namesakes of a merged commune carry their former commune).
    villages = village_labels(on=selectors.reference_date(ctx.year))

    def flush() -> Iterator[dict[str, Any]]:
        nonlocal stt
        ids = [r[0] for r in chunk]
        members, support = _members(ids, ctx.year), _support(ids, ctx.year)
        for (hid, code, head, village, commune, cls, change, income, ndep, em, no_labour, merit) in chunk:
            stt += 1
            people = members.get(hid) or [(head, "", None, Relation.HEAD, "", None)]
            for n, (name, sex, birth, relation, ethnic, cid) in enumerate(people):
                year = birth.year if birth else None
                row: dict[str, Any] = {
                    "person": name, "male": year if sex == Sex.MALE else None, "female": year if sex == Sex.FEMALE else None,
                    "relation": RELATIONS.get(relation, relation), "ethnic": ethnic or "", "citizen_id": cid or "",
                }
                if n == 0:
                    row.update(
                        {
                            "stt": stt, "code": code, "village": villages.get(village, "") if village else "", "commune": commune, "classification": CLASSES.get(cls, cls),
                            "change": H.CHANGE_WORDS.get(change, change), "income": income, "deprivations": ndep,
                            "em": H.MARK if em else "", "no_labour": H.MARK if no_labour else "", "merit": H.MARK if merit else "",
                            "support": "; ".join(support.get(hid, [])),
                        }
                    )
                yield row
        if total:
            ctx.progress(55 + int(40 * stt / total), f"Danh sách hộ: {stt}/{total} hộ")

    for review in reviews(ctx).iterator(chunk_size=CHUNK):
        chunk.append(review)
        if len(chunk) >= CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def build(wb, ctx: ReportContext) -> None:
    spec = H.households_spec()
    total = reviews(ctx).count()
    sheet = FormSheet(wb, spec, ctx)
    sheet.title_block(title=H.title(spec.title, ctx), subtitle=H.period_line(ctx), note=H.HOUSEHOLDS_NOTE)
    sheet.header()
    sheet.rows(rows(ctx, total=total))
    sheet.signature()
    sheet.finish()
