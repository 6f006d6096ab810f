"""11. The list of poor and near-poor households of the year with their members (form 9 of the working layout):
personal data, written only into the `full` edition, which only roles that see personal data may download.

Streams: reviews are read with a server-side iterator, members and support fetched per chunk of 2,000
households, rows written to a write-only sheet — memory stays flat at district scale.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from households.models import Classification, Member, Relation, Sex

from ... import selectors
from .. import headers as H
from ..context import ReportContext
from ..layout import FormSheet

CHUNK = 2000
RELATIONS = dict(Relation.choices)
CLASSES = {Classification.POOR: "Hộ nghèo", Classification.NEAR_POOR: "Hộ cận nghèo"}
REVIEW_FIELDS = (
    "household_id", "household__code", "household__head_name", "village__name", "commune__name", "classification",
    "change", "income_per_capita_month", "deprivation_count", "ethnic_minority", "no_working_capacity", "person_of_merit",
)


def reviews(ctx: ReportContext):
    return (
        selectors.reviews(year=ctx.year, unit_ids=ctx.unit_ids, basis=ctx.basis)
        .filter(classification__in=[Classification.POOR, Classification.NEAR_POOR])
        .order_by("commune__code", "village__name", "household__code")
        .values_list(*REVIEW_FIELDS)
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


def _members(ids: list[int]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        Member.objects.filter(household_id__in=ids)
        .order_by("household_id", "order", "id")
        .values_list("household_id", "full_name", "sex", "birth_date", "relation", "ethnic_group__name", "citizen_id")
    )
    for r in rows:
        out[r[0]].append(r[1:])
    return out


def rows(ctx: ReportContext, *, total: int = 0) -> Iterator[dict[str, Any]]:
    chunk: list[tuple] = []
    stt = 0

    def flush() -> Iterator[dict[str, Any]]:
        nonlocal stt
        ids = [r[0] for r in chunk]
        members, support = _members(ids), _support(ids, ctx.year)
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
                            "stt": stt, "code": code, "village": village or "", "commune": commune, "classification": CLASSES.get(cls, cls),
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
