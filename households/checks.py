"""The district's checks against rotating households and inflated results (the plan, section IV.13: catch
households that rotate in and out of poverty to keep benefits, and make sure reported results are real).

Each check is a read in the database (grouped queries, never a loop over households) that yields findings;
`check_flags_run` records them as `CheckFlag` rows keyed so that a rerun refreshes a finding and never reopens
one the district already resolved. Thresholds live in `ReviewSettings` (editable in the admin).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from . import poverty
from .models import (
    AdministrativeUnit,
    AnnualReview,
    Area,
    Change,
    CheckFlag,
    CheckRun,
    CheckKind,
    Classification,
    FlagStatus,
    HouseholdStatus,
    HouseholdYear,
    Level,
    Member,
    ReviewSettings,
)

EXPLANATIONS = {
    CheckKind.ROTATION: gettext_noop("Hộ thoát nghèo hoặc vào diện nghèo (phát sinh, tái nghèo, cận nghèo thành nghèo) từ {rotation_min_times} lần "
                        "trở lên trong {rotation_years} năm gần nhất: có thể ra vào để giữ chính sách."),
    # xgettext:no-python-format
    CheckKind.ESCAPE_WITHOUT_CHANGE: gettext_noop("Hộ thoát nghèo trong năm mà các chỉ số thiếu hụt không thay đổi, còn thu nhập bình quân tăng "
                                     "trên {income_jump_pct} % so với năm trước: cần xác minh thu nhập."),
    # xgettext:no-python-format
    CheckKind.REDUCTION_OUTLIER: gettext_noop("Xã có tỷ lệ hộ nghèo giảm trong năm vượt quá xu hướng các năm trước và chỉ tiêu "
                                 "({reduction_target_points} điểm %/năm) hơn {reduction_excess_points} điểm %: cần kiểm tra kết quả."),
    CheckKind.POOR_ABOVE_LINE: gettext_noop("Hộ được ghi là nghèo hoặc cận nghèo nhưng thu nhập bình quân trên chuẩn: sai sót khi nhập liệu "
                               "hoặc chuẩn đã được sửa mà chưa phân loại lại."),
    CheckKind.DUPLICATE_PERSON: gettext_noop("Một người có mặt trong nhiều hộ (trùng số định danh, hoặc trùng họ tên và ngày sinh)."),
    CheckKind.MISSING_REVIEW: gettext_noop("Hộ có tên trong danh sách hộ nghèo, hộ cận nghèo năm trước, còn cư trú tại địa bàn, nhưng chưa có phiếu "
                              "rà soát năm nay (Quyết định 24/2021/QĐ-TTg, Điều 4: rà soát mọi hộ trong danh sách). Số liệu vẫn tính "
                              "hộ theo kết quả năm trước cho đến khi được rà soát."),
}

ENTER_POVERTY = (Change.NEWLY_POOR, Change.FELL_BACK_POOR, Change.NEAR_POOR_TO_POOR)
LABELS = dict(Classification.choices)


@dataclass
class Finding:
    key: str
    title: str
    detail: str = ""
    commune_id: int | None = None
    household_id: int | None = None
    refs: dict[str, Any] = field(default_factory=dict)


def _pct(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def find_rotation(*, year: int, settings: ReviewSettings) -> list[Finding]:
    """Households that left or entered poverty at least `rotation_min_times` times in the last `rotation_years`."""
    years = list(range(year - settings.rotation_years + 1, year + 1))
    flagged = list(
        AnnualReview.objects.filter(year__in=years).order_by().values("household_id").annotate(
            outs=Count("id", filter=Q(change=Change.ESCAPED_POVERTY)),
            ins=Count("id", filter=Q(change__in=ENTER_POVERTY)),
        ).filter(Q(outs__gte=settings.rotation_min_times) | Q(ins__gte=settings.rotation_min_times))
    )
    ids = [r["household_id"] for r in flagged]
    paths: dict[int, list[tuple]] = defaultdict(list)
    for hh, y, c, pk, commune_id, code in AnnualReview.objects.filter(household_id__in=ids, year__in=years).order_by("household_id", "year").values_list(
        "household_id", "year", "classification", "pk", "commune_id", "household__code"
    ):
        paths[hh].append((y, c, pk, commune_id, code))
    findings = []
    for r in flagged:
        path = paths[r["household_id"]]
        code = path[-1][4]
        trail = " → ".join(f"{y}: {LABELS[c].replace('Hộ ', '').lower()}" for y, c, *_ in path)
        findings.append(Finding(
            key=f"rotation:{r['household_id']}:{year}",
            title=f"Hộ {code}: {r['outs']} lần thoát nghèo, {r['ins']} lần vào diện nghèo trong {settings.rotation_years} năm",
            detail=trail, commune_id=path[-1][3], household_id=r["household_id"],
            refs={"households": [code], "reviews": [[y, pk] for y, _, pk, _, _ in path]},
        ))
    return findings


def find_escape_without_change(*, year: int, settings: ReviewSettings) -> list[Finding]:
    """Escaped poverty this year with the same deprivations as last year and income up by more than the share."""
    previous = AnnualReview.objects.filter(household=OuterRef("household"), year=year - 1)
    share_pct = int(round(float(settings.income_jump_share) * 100))
    qs = (
        AnnualReview.objects.filter(year=year, change=Change.ESCAPED_POVERTY)
        .annotate(
            prev_mask=Subquery(previous.values("deprivation_mask")[:1]),
            prev_income=Subquery(previous.values("income_per_capita_month")[:1]),
            prev_id=Subquery(previous.values("pk")[:1]),
        )
        .filter(prev_mask=F("deprivation_mask"), prev_income__gt=0)
        .filter(income_per_capita_month__gt=F("prev_income") * (100 + share_pct) / 100.0)
        .values_list("pk", "household_id", "household__code", "commune_id", "income_per_capita_month", "prev_income", "prev_id", "deprivation_count")
    )
    findings = []
    for pk, hh, code, commune_id, income, prev_income, prev_id, count in qs:
        rise = 100.0 * (income - prev_income) / prev_income
        findings.append(Finding(
            key=f"escape_jump:{hh}:{year}",
            title=f"Hộ {code} thoát nghèo: thu nhập tăng {_pct(rise)} %, chỉ số thiếu hụt không đổi ({count} chỉ số)",
            detail=f"Thu nhập bình quân {poverty.vnd(prev_income)} ({year - 1}) → {poverty.vnd(income)} ({year}).",
            commune_id=commune_id, household_id=hh, refs={"households": [code], "reviews": [[year - 1, prev_id], [year, pk]]},
        ))
    return findings


def _predecessors() -> dict[int, set[int]]:
    through = AdministrativeUnit.successors.through
    edges: dict[int, set[int]] = defaultdict(set)
    for pred, succ in through.objects.filter(
        from_administrativeunit__level=Level.COMMUNE, to_administrativeunit__level=Level.COMMUNE
    ).values_list("from_administrativeunit_id", "to_administrativeunit_id"):
        edges[succ].add(pred)
    return edges


def _lineage(unit_id: int, edges: dict[int, set[int]]) -> set[int]:
    found, todo = {unit_id}, [unit_id]
    while todo:
        for pred in edges.get(todo.pop(), ()):
            if pred not in found:
                found.add(pred)
                todo.append(pred)
    return found


def commune_poor_rates(*, year: int, years: int = 5) -> dict[int, dict[int, float]]:
    """For each commune in force at the end of `year`: its poor-household rate (% of its resident households, every
    review counted — the check looks at results before they are recognised) in that year and the earlier ones, over its lineage (the units it took over), so rates stay
    comparable across a merger."""
    counts: dict[tuple[int, int], tuple[int, int]] = {}
    for commune_id, y, total, poor in HouseholdYear.objects.filter(year__gt=year - years, year__lte=year, commune__isnull=False).order_by().values(
        "commune_id", "year"
    ).annotate(total=Count("id"), poor=Count("id", filter=Q(status_w=Classification.POOR))).values_list("commune_id", "year", "total", "poor"):
        counts[(commune_id, y)] = (total, poor)
    edges = _predecessors()
    # Years whose lists were made (some review in the unit): a year nobody was reviewed has no rate.
    reviewed = set(AnnualReview.objects.filter(year__gt=year - years, year__lte=year).order_by().values_list("commune_id", "year").distinct())
    current = {c for c, y in counts if y == year and (c, year) in reviewed}
    rates: dict[int, dict[int, float]] = {}
    for commune_id in current:
        lineage = _lineage(commune_id, edges)
        per_year = {}
        for y in range(year - years + 1, year + 1):
            total = sum(counts.get((u, y), (0, 0))[0] for u in lineage)
            poor = sum(counts.get((u, y), (0, 0))[1] for u in lineage)
            if total and any((u, y) in reviewed for u in lineage):
                per_year[y] = 100.0 * poor / total
        rates[commune_id] = per_year
    return rates


def find_reduction_outliers(*, year: int, settings: ReviewSettings) -> list[Finding]:
    """Communes whose poor rate fell this year by more than their trend or the target, plus the margin."""
    target, excess = float(settings.reduction_target_points), float(settings.reduction_excess_points)
    names = {}
    findings = []
    for commune_id, per_year in commune_poor_rates(year=year).items():
        if year not in per_year or year - 1 not in per_year:
            continue
        reduction = per_year[year - 1] - per_year[year]
        earlier = [per_year[y - 1] - per_year[y] for y in sorted(per_year) if y < year and y - 1 in per_year]
        trend = sum(earlier) / len(earlier) if earlier else None
        bar = max(target, trend if trend is not None else target) + excess
        if reduction <= bar:
            continue
        if not names:
            names = dict(AdministrativeUnit.objects.filter(level=Level.COMMUNE).values_list("pk", "name"))
        trend_text = f"xu hướng {_pct(trend)} điểm/năm" if trend is not None else "chưa có xu hướng"
        findings.append(Finding(
            key=f"reduction:{commune_id}:{year}",
            title=f"{names.get(commune_id, '')}: tỷ lệ hộ nghèo giảm {_pct(reduction)} điểm % trong năm {year}",
            detail=(f"Tỷ lệ hộ nghèo {_pct(per_year[year - 1])} % ({year - 1}) → {_pct(per_year[year])} % ({year}); {trend_text}; "
                    f"chỉ tiêu {_pct(target)} điểm/năm."),
            commune_id=commune_id, refs={"communes": [commune_id], "rates": {str(y): round(r, 2) for y, r in sorted(per_year.items())}},
        ))
    return findings


def find_poor_above_line(*, year: int, settings: ReviewSettings) -> list[Finding]:
    """Reviews recorded poor or near-poor with income above the poor line of their standard and area."""
    qs = AnnualReview.objects.filter(year=year, classification__in=(Classification.POOR, Classification.NEAR_POOR)).filter(
        Q(area=Area.RURAL, income_per_capita_month__gt=F("standard__rural_poor_line"))
        | Q(area=Area.URBAN, income_per_capita_month__gt=F("standard__urban_poor_line"))
    ).values_list("pk", "household_id", "household__code", "commune_id", "classification", "income_per_capita_month", "area",
                  "standard__rural_poor_line", "standard__urban_poor_line")
    findings = []
    for pk, hh, code, commune_id, c, income, area, rural, urban in qs:
        line = rural if area == Area.RURAL else urban
        findings.append(Finding(
            key=f"above_line:{pk}",
            title=f"Hộ {code} ghi là {LABELS[c].lower()} nhưng thu nhập {poverty.vnd(income)} trên chuẩn {poverty.vnd(line)}",
            detail="Kiểm tra lại thu nhập đã nhập, hoặc phân loại lại năm này nếu chuẩn đã được sửa.",
            commune_id=commune_id, household_id=hh, refs={"households": [code], "reviews": [[year, pk]]},
        ))
    return findings


def find_duplicate_people(*, year: int, settings: ReviewSettings) -> list[Finding]:
    """The same person in more than one living household: same citizen ID, or same normalised name and birth date."""
    active = Member.objects.filter(household__status=HouseholdStatus.ACTIVE)
    by_id = list(active.exclude(citizen_id__isnull=True).exclude(citizen_id="").order_by().values("citizen_id").annotate(
        n=Count("household_id", distinct=True)).filter(n__gt=1).values_list("citizen_id", flat=True))
    by_name = list(active.filter(birth_date__isnull=False).exclude(search_key="").order_by().values("search_key", "birth_date").annotate(
        n=Count("household_id", distinct=True)).filter(n__gt=1).values_list("search_key", "birth_date"))
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    if by_id:
        for row in active.filter(citizen_id__in=by_id).values_list("pk", "full_name", "birth_date", "citizen_id", "household_id", "household__code", "household__commune_id", "search_key"):
            groups[("id", row[3])].append(row)
    if by_name:
        keys = {k for k, _ in by_name}
        wanted = set(by_name)
        for row in active.filter(search_key__in=keys, birth_date__in={d for _, d in by_name}).values_list(
            "pk", "full_name", "birth_date", "citizen_id", "household_id", "household__code", "household__commune_id", "search_key"
        ):
            if (row[7], row[2]) in wanted:
                groups[("name", row[7], row[2])].append(row)
    findings = []
    for key, rows in groups.items():
        households = sorted({r[5] for r in rows})
        if len(households) < 2:
            continue
        first = rows[0]
        born = first[2].strftime("%d/%m/%Y") if first[2] else "—"
        if key[0] == "id":
            title = f"Số định danh {key[1]} có trong {len(households)} hộ: {', '.join(households)}"
            flag_key = f"duplicate:id:{key[1]}"
        else:
            title = f"{first[1]} (sinh {born}) có trong {len(households)} hộ: {', '.join(households)}"
            flag_key = f"duplicate:name:{key[1]}:{key[2].isoformat()}"
        findings.append(Finding(
            key=flag_key[:120], title=title[:255], detail="; ".join(f"{r[1]} – hộ {r[5]}" for r in rows),
            commune_id=first[6], household_id=first[4], refs={"households": households, "members": [r[0] for r in rows]},
        ))
    return findings


def find_missing_reviews(*, year: int, settings: ReviewSettings) -> list[Finding]:
    """Households on last year's poor or near-poor list, still living in the area, with no review this year: the
    figures keep their last status (a gap to close, not an escape)."""
    qs = HouseholdYear.objects.filter(
        year=year, commune__isnull=False, reviewed=False, prev_w__in=(Classification.POOR, Classification.NEAR_POOR)
    ).values_list("household_id", "household__code", "commune_id", "prev_w")
    findings = []
    for hh, code, commune_id, prev in qs:
        findings.append(Finding(
            key=f"missing:{hh}:{year}",
            title=f"Hộ {code} ({LABELS[prev].lower()} năm {year - 1}) chưa có phiếu rà soát năm {year}",
            detail="Rà soát hộ, hoặc ghi biến động nếu hộ đã chuyển đi, nhập hộ, không còn.",
            commune_id=commune_id, household_id=hh, refs={"households": [code]},
        ))
    return findings


CHECKS: dict[str, Callable[..., list[Finding]]] = {
    CheckKind.ROTATION: find_rotation,
    CheckKind.ESCAPE_WITHOUT_CHANGE: find_escape_without_change,
    CheckKind.REDUCTION_OUTLIER: find_reduction_outliers,
    CheckKind.POOR_ABOVE_LINE: find_poor_above_line,
    CheckKind.DUPLICATE_PERSON: find_duplicate_people,
    CheckKind.MISSING_REVIEW: find_missing_reviews,
}


def explanations(settings: ReviewSettings) -> dict[str, str]:
    values = {
        "rotation_min_times": settings.rotation_min_times, "rotation_years": settings.rotation_years,
        "income_jump_pct": int(round(float(settings.income_jump_share) * 100)),
        "reduction_target_points": _pct(float(settings.reduction_target_points)),
        "reduction_excess_points": _pct(float(settings.reduction_excess_points)),
    }
    return {k: gettext(v).format(**values) for k, v in EXPLANATIONS.items()}


def check_flags_run(*, year: int, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Run every check for `year` and record the findings. Idempotent: a finding already recorded is refreshed
    (and stays resolved if it was); one no longer found is marked as not present. Returns counts per kind."""
    settings = ReviewSettings.current()
    now = timezone.now()
    counts: dict[str, int] = {}
    for step, (kind, check) in enumerate(CHECKS.items(), start=1):
        findings = check(year=year, settings=settings)
        keys = {f.key for f in findings}
        # Keys embed the year (the duplicate check's do not: a person is duplicated whatever the year).
        mine = CheckFlag.objects.filter(kind=kind) if kind == CheckKind.DUPLICATE_PERSON else CheckFlag.objects.filter(kind=kind, year=year)
        existing = {f.key: f for f in mine}
        new, changed = [], []
        for f in findings:
            flag = existing.get(f.key)
            if flag is None:
                new.append(CheckFlag(kind=kind, year=year, key=f.key, commune_id=f.commune_id, household_id=f.household_id,
                                     title=f.title, detail=f.detail, refs=f.refs, last_seen_at=now, present=True))
            else:
                flag.title, flag.detail, flag.refs, flag.last_seen_at, flag.present = f.title, f.detail, f.refs, now, True
                flag.commune_id, flag.household_id, flag.year = f.commune_id, f.household_id, year
                changed.append(flag)
        with transaction.atomic():  # each check's findings are written together; progress shows between checks
            CheckFlag.objects.bulk_create(new, batch_size=1000)
            CheckFlag.objects.bulk_update(changed, ["title", "detail", "refs", "last_seen_at", "present", "commune", "household", "year"], batch_size=1000)
            stale = [f.pk for key, f in existing.items() if key not in keys and f.present]
            for start in range(0, len(stale), 500):
                CheckFlag.objects.filter(pk__in=stale[start:start + 500]).update(present=False)
        counts[kind] = len(findings)
        if progress:
            progress(int(100 * step / len(CHECKS)))
    CheckRun.objects.update_or_create(year=year, defaults={"ran_at": now, "counts": counts})
    return counts


@transaction.atomic
def check_flag_resolve(*, flag: CheckFlag, note: str, user: Any) -> CheckFlag:
    """Resolve a finding with a note saying what was checked and done."""
    flag = CheckFlag.objects.select_for_update().get(pk=flag.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Phải ghi kết quả kiểm tra, xử lý."})
    if flag.status == FlagStatus.RESOLVED:
        raise ValidationError("Cảnh báo này đã được xử lý.")
    flag.status, flag.resolution_note = FlagStatus.RESOLVED, note
    flag.resolved_by = user if getattr(user, "pk", None) else None
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["status", "resolution_note", "resolved_by", "resolved_at"])
    return flag


def latest_review_year() -> int | None:
    return AnnualReview.objects.order_by("-year").values_list("year", flat=True).first()

