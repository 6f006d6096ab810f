"""Demo registry for Sơn Dương: villages, households and members that look like a northern mountain district.

Deterministic for a seed; built with bulk inserts so 50,000 households take seconds. Villages are demo
villages (the official lists are not in the reference data yet) and are created under the communes of the
2024–2025 structure; households live today in the commune that succeeded their village's commune.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .models import AdministrativeUnit, EthnicGroup, Household, Level, Member, Relation, Sex
from .selectors import unit_current_successor
from .bulk import insert_rows as _insert_rows
from .text import fold

# Demo villages are made under the communes in force at the start of the plan's period (1 January 2021), so
# each village's commune on any later date follows the real mergers (Hồng Lạc, Vân Sơn → Hồng Sơn in 2024;
# thirty units → ten communes on 1 July 2025).
STRUCTURE_DAY = dt.date(2021, 1, 1)

# Ethnic mix of Sơn Dương (approximate shares): Kinh, Tày, Dao, Sán Chay (Cao Lan), Sán Dìu, Nùng, Hoa, Mông.
ETHNIC_MIX = [("01", 58), ("02", 15), ("09", 9), ("15", 8), ("18", 6), ("07", 2), ("04", 1), ("08", 1)]
# The extremely difficult communes are mostly ethnic-minority communes.
ETHNIC_MIX_DIFFICULT = [("01", 25), ("02", 30), ("09", 20), ("15", 15), ("18", 6), ("07", 2), ("08", 2)]

SURNAMES = {
    "01": ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Vũ", "Đặng", "Bùi", "Ngô", "Đinh", "Dương", "Lưu", "Phùng"],
    "02": ["Ma", "Hoàng", "Nông", "Hà", "Lương", "Quan", "Nguyễn", "Lộc", "Âu", "Triệu"],
    "09": ["Bàn", "Triệu", "Đặng", "Lý", "Phùng", "Chu", "Bàn"],
    "15": ["Lâm", "Trần", "Hoàng", "Diệp", "La", "Lưu", "Hà"],
    "18": ["Trương", "Lục", "Tạ", "Bạch", "Ninh", "Diệp"],
    "07": ["Nông", "Hoàng", "Lục", "Mã", "Vi"],
    "04": ["Trương", "Lý", "Lưu", "Mạc"],
    "08": ["Giàng", "Vàng", "Sùng", "Lù", "Thào"],
}
MIDDLE = {Sex.MALE: ["Văn", "Đức", "Minh", "Xuân", "Quang", "Hữu", "Tiến", "Ngọc"], Sex.FEMALE: ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim"]}
GIVEN = {
    Sex.MALE: ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nam", "Phúc",
               "Quân", "Sơn", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Lợi", "Chiến", "Hưng", "Tài"],
    Sex.FEMALE: ["Anh", "Bích", "Chi", "Dung", "Hà", "Hằng", "Hiền", "Hoa", "Hương", "Lan", "Liên", "Linh", "Loan",
                 "Mai", "Nga", "Nhung", "Phương", "Quỳnh", "Thảo", "Thơm", "Thúy", "Trang", "Uyên", "Yến", "Xuân"],
}
VILLAGE_NAMES = [
    "Đồng Giang", "Cầu Trâu", "Tân Lập", "Đồng Bừa", "Khuôn Lăn", "Lõng Khu", "Gia Kết", "Cả", "Đồng Đài",
    "Mỏ Ché", "Thia", "Vĩnh Tân", "An Thịnh", "Đồng Chùa", "Làng Chanh", "Cao Đá", "Đèo Tế", "Trung Thành",
    "Hợp Thịnh", "Đồng Tâm", "Bình Thể", "Khổng", "Ninh Phú", "Thanh Sơn", "Xuân Trường", "Hưng Thịnh",
    "Lập Thành", "Quang Thẩm", "Tân Thượng", "Đồng Lý", "Phúc Lợi", "Đá Bàn", "Cầu Xi", "Hòa Bình", "Nhữ Khê",
]


@dataclass
class RegistrySummary:
    villages: int = 0
    households: int = 0
    members: int = 0
    by_commune: dict[str, int] = field(default_factory=dict)


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    codes, weights = zip(*table)
    return rng.choices(codes, weights=weights)[0]


def _citizen_id(birth: dt.date, sex: str, serial: int) -> str:
    """A well-formed (not real) citizen ID: province 008, century/sex digit, year, 6-digit serial."""
    century = 0 if birth.year < 2000 else 2
    return f"008{century + (1 if sex == Sex.FEMALE else 0)}{birth.year % 100:02d}{serial % 1_000_000:06d}"


def _birth(rng: random.Random, today: dt.date, age: int) -> dt.date:
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def demo_villages(*, rng: random.Random, communes: list[AdministrativeUnit]) -> list[AdministrativeUnit]:
    """Seven to fourteen villages per commune (residential groups for the town), created once."""
    existing = list(AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent__in=communes))
    if existing:
        return existing
    new = []
    for commune in communes:
        count = rng.randint(7, 14)
        names = rng.sample(VILLAGE_NAMES, count)
        for i, name in enumerate(names, start=1):
            label = f"Tổ dân phố {name}" if commune.is_urban else f"Thôn {name}"
            new.append(
                AdministrativeUnit(
                    code=f"{commune.code}-{i:02d}", name=label, short_name=name, level=Level.VILLAGE,
                    parent=commune, area=commune.area, confirmed=False,
                    note="Thôn mẫu của dữ liệu demo.", valid_from=dt.date(2000, 1, 1),
                )
            )
    return AdministrativeUnit.objects.bulk_create(new, batch_size=1000)


@transaction.atomic
def build_registry(*, households: int, seed: int, today: dt.date) -> RegistrySummary:
    communes = list(AdministrativeUnit.objects.in_force(STRUCTURE_DAY).filter(level=Level.COMMUNE).order_by("code"))
    # Villages draw from their own stream: the households come out the same whether the villages exist already.
    villages = sorted(demo_villages(rng=random.Random(f"villages-{seed}"), communes=communes), key=lambda v: v.code)
    rng = random.Random(seed)
    by_commune: dict[int, list[AdministrativeUnit]] = {}
    for v in villages:
        by_commune.setdefault(v.parent_id, []).append(v)
    current = {c.pk: unit_current_successor(unit=c, on=today) for c in communes}
    groups = {g.code: g for g in EthnicGroup.objects.all()}
    # Households per commune in proportion to a rough population weight (the town and large communes more).
    weights = [3.0 if c.is_urban else (0.8 if c.extremely_difficult else 1.0) * rng.uniform(0.7, 1.4) for c in communes]
    summary = RegistrySummary(villages=len(villages))
    serial = Member.objects.count() + 1
    start = Household.objects.count()
    hh_rows: list[Household] = []
    member_plan: list[list[dict]] = []
    for n in range(households):
        commune = rng.choices(communes, weights=weights)[0]
        village = rng.choice(by_commune[commune.pk])
        mix = ETHNIC_MIX_DIFFICULT if commune.extremely_difficult else ETHNIC_MIX
        ethnic = _weighted(rng, mix)
        surnames = SURNAMES.get(ethnic, SURNAMES["01"])
        family = rng.choice(surnames)
        members = _household_members(rng, today, family, ethnic)
        head = members[0]
        code = f"{village.code}-{start + n + 1:06d}"
        address = f"{village.name}, {commune.name}"
        hh_rows.append(
            Household(
                code=code, commune=current[commune.pk], village=village, address=address,
                head_name=head["full_name"], search_key=fold(f"{code} {head['full_name']} {address}")[:255],
                livelihood=_livelihood(rng, commune),
            )
        )
        member_plan.append(members)
        summary.by_commune[current[commune.pk].code] = summary.by_commune.get(current[commune.pk].code, 0) + 1
    # Plain multi-row inserts: the ORM's bulk_create is held to 999 parameters a statement on SQLite.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    before = Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _insert_rows(
        Household._meta.db_table,
        ["code", "commune_id", "village_id", "address", "head_name", "search_key", "phone", "livelihood", "status", "created_at",
         "updated_at", "version"],
        [(h.code, h.commune_id, h.village_id, h.address, h.head_name, h.search_key, "", h.livelihood, "active", now, now, 1) for h in hh_rows],
    )
    created = list(Household.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
    member_rows: list[tuple] = []
    day = connection.ops.adapt_datefield_value
    columns = ["household_id", "full_name", "search_key", "sex", "birth_date", "birth_year_only", "citizen_id", "ethnic_group_id", "relation", "order",
               "joined_reason", "left_reason"]
    for hh_pk, members in zip(created, member_plan):
        for order, m in enumerate(members):
            cid = None
            if rng.random() < 0.92:
                cid = _citizen_id(m["birth_date"], m["sex"], serial)
                serial += 1
            member_rows.append((
                hh_pk, m["full_name"], fold(m["full_name"])[:120], m["sex"], day(m["birth_date"]), False, cid,
                groups[m["ethnic"]].pk, m["relation"], order, "", "",
            ))
        if len(member_rows) >= 20000:
            _insert_rows(Member._meta.db_table, columns, member_rows)
            summary.members += len(member_rows)
            member_rows = []
    _insert_rows(Member._meta.db_table, columns, member_rows)
    summary.members += len(member_rows)
    summary.households = len(created)
    return summary


# Main livelihoods (Household.livelihood): the town mostly trades and works for wages; the rural communes farm,
# the hill communes also live from the forest; a few households raise fish in the Lô river and the ponds.
LIVELIHOODS = {
    "urban": [("agriculture", 25), ("other", 75)],
    "rural": [("agriculture", 70), ("forestry", 10), ("fishery", 3), ("other", 17)],
    "difficult": [("agriculture", 72), ("forestry", 20), ("other", 8)],
}


def _livelihood(rng: random.Random, commune: AdministrativeUnit) -> str:
    group = "urban" if commune.is_urban else ("difficult" if commune.extremely_difficult else "rural")
    return _weighted(rng, LIVELIHOODS[group])


def _person(rng: random.Random, today: dt.date, family: str, sex: str, age: int, ethnic: str, relation: str) -> dict:
    name = f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    return {"full_name": name, "sex": sex, "birth_date": _birth(rng, today, age), "ethnic": ethnic, "relation": relation}


def _household_members(rng: random.Random, today: dt.date, family: str, ethnic: str) -> list[dict]:
    """A head, usually a spouse, children, sometimes an elderly parent or grandchildren."""
    head_sex = Sex.MALE if rng.random() < 0.82 else Sex.FEMALE
    head_age = rng.randint(22, 82)
    people = [_person(rng, today, family, head_sex, head_age, ethnic, Relation.HEAD)]
    alone = head_age > 70 and rng.random() < 0.35
    if not alone and rng.random() < 0.85:
        other = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
        spouse_family = rng.choice(SURNAMES.get(ethnic, SURNAMES["01"]))
        people.append(_person(rng, today, spouse_family, other, max(18, head_age + rng.randint(-6, 4)), ethnic, Relation.SPOUSE))
    if not alone and head_age < 65:
        for _ in range(rng.choices([0, 1, 2, 3, 4], weights=[10, 25, 40, 18, 7])[0]):
            age = max(0, min(head_age - 18, rng.randint(0, max(0, head_age - 19))))
            sex = Sex.MALE if rng.random() < 0.52 else Sex.FEMALE
            people.append(_person(rng, today, family, sex, age, ethnic, Relation.CHILD))
    if head_age < 55 and rng.random() < 0.22:
        sex = Sex.FEMALE if rng.random() < 0.6 else Sex.MALE
        people.append(_person(rng, today, family, sex, min(95, head_age + rng.randint(22, 32)), ethnic, Relation.PARENT))
    if head_age > 55 and rng.random() < 0.3:
        for _ in range(rng.randint(1, 2)):
            sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
            people.append(_person(rng, today, family, sex, rng.randint(0, 14), ethnic, Relation.GRANDCHILD))
    return people


# --- The review history: 2021–2025 recognised and confirmed, the current year in progress ----------------------


@dataclass
class ReviewSummary:
    reviews: int = 0
    by_year: dict[int, dict[str, int]] = field(default_factory=dict)
    rounds: int = 0
    meetings: int = 0
    postings: int = 0
    applications: int = 0
    events: "EventSummary" = field(default_factory=lambda: EventSummary())


# Poor and near-poor rates at the 2021 baseline (Decree 07 standard) and the yearly fall, by group (docs/domain.md §7:
# the midland and mountain region had 14.2 % poor and 7.7 % near-poor in 2022; higher in the extremely difficult
# communes and among ethnic minorities; a fall of 2–4 points a year).
BASE_POOR = {"urban": 0.035, "rural": 0.11, "difficult": 0.24}
FALL_POOR = {"urban": 0.007, "rural": 0.022, "difficult": 0.038}
BASE_NEAR = {"urban": 0.045, "rural": 0.085, "difficult": 0.11}
FALL_NEAR = {"urban": 0.004, "rural": 0.008, "difficult": 0.010}
MINORITY_FACTOR = 1.45
FLOOR_POOR = 0.006
# Deprivations that are common among poor households of the area (weights by indicator code, Decree 07 order).
INDICATOR_WEIGHTS = {"1": 9, "2": 8, "3": 4, "4": 2, "5": 9, "6": 3, "7": 7, "8": 5, "9": 8, "10": 10, "11": 9, "12": 2}


def _round_to(value: float, step: int = 10_000) -> int:
    return max(step, int(round(value / step)) * step)


def _priority(rng: random.Random) -> list[str]:
    """A household's own order of deprivations: the first k are the ones it has when it has k."""
    codes = list(INDICATOR_WEIGHTS)
    keys = {c: rng.random() ** (1.0 / INDICATOR_WEIGHTS[c]) for c in codes}
    return sorted(codes, key=lambda c: -keys[c])


@transaction.atomic
def build_reviews(*, seed: int, today: dt.date, first_year: int = 2021) -> ReviewSummary:
    """Six years of the district's reviews and registry events, then the year rows of the figures (built once)."""
    from .household_years import household_years_deferred, household_years_rebuild
    from .models import HouseholdYear

    with household_years_deferred() as pending:
        summary = _build_reviews(seed=seed, today=today, first_year=first_year)
        pending.clear()  # every household is rebuilt below
    household_years_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {HouseholdYear._meta.db_table}")
    return summary


def _build_reviews(*, seed: int, today: dt.date, first_year: int = 2021) -> ReviewSummary:
    """The review history as the district makes it, in bulk (no history rows for seeded data): the general review
    of 2021 covers every household; from 2022 the households on last year's lists, those that fell into hardship
    and applied, and a few the committee checks (Decision 24/2021/QĐ-TTg Art. 4); each year's registry events
    (`build_events`) come before its review.

    One review per household and year; each filed under the unit in force on its date (`households_place_on`):
    the old communes up to 2024, the new ones from the 2025 review. Years before `today`'s are recognised by the
    commune (decision of mid-December) and confirmed by the district; the current year is in progress, commune by
    commune and village by village, as on a day inside the 1 September – 14 December window.
    """
    from . import poverty
    from .models import (
        AnnualReview,
        ApplicationRequest,
        ApplicationStatus,
        Change,
        Classification,
        MeetingOutcome,
        PovertyCause,
        PovertyStandard,
        PublicPosting,
        ReviewApplication,
        ReviewKind,
        ReviewRound,
        ReviewState,
        SupportNeed,
        VillageMeeting,
    )
    from .selectors import households_place_on
    from .services import add_working_days

    rng = random.Random(f"reviews-{seed}")
    summary = ReviewSummary()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day_value = connection.ops.adapt_datefield_value
    last_year = today.year
    years = list(range(first_year, last_year + 1))
    units = {u.pk: u for u in AdministrativeUnit.objects.filter(level=Level.COMMUNE)}
    rows = list(Household.objects.order_by("pk").values_list("pk", "village__parent_id", "village_id", "livelihood"))
    if not rows:
        return summary
    heads = dict(
        Member.objects.filter(relation=Relation.HEAD).values_list("household_id", "ethnic_group__minority")
    )
    sizes: dict[int, int] = {}
    for hh_id in Member.objects.values_list("household_id", flat=True).iterator(chunk_size=20000):
        sizes[hh_id] = sizes.get(hh_id, 0) + 1
    cause_ids = list(PovertyCause.objects.filter(active=True).values_list("pk", flat=True))
    need_ids = list(SupportNeed.objects.filter(active=True).values_list("pk", flat=True))
    standards = {y: PovertyStandard.objects.for_year(y) for y in years}
    rules = {y: standards[y].to_rules() for y in years}

    # Each household: a fixed position u (lower is poorer), its group, its own order of deprivations, and a
    # yearly shock with some memory (so a few fall back and a few rotate).
    people = []
    for hh_id, old_commune_id, village_id, livelihood in rows:
        old = units.get(old_commune_id)
        group = "urban" if old is not None and old.is_urban else ("difficult" if old is not None and old.extremely_difficult else "rural")
        people.append({
            "id": hh_id, "group": group, "minority": bool(heads.get(hh_id)), "u": rng.random(), "shock": 0.0,
            "order": _priority(rng), "count": 0, "history": {}, "income": 0, "mask": 0,
            "size": max(1, sizes.get(hh_id, 1)), "since": None, "resident": True, "village": village_id,
            "status": "", "inherited": {}, "livelihood": livelihood,
        })
    villages = list(AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent__level=Level.COMMUNE).select_related("parent"))
    villages = [v for v in villages if v.parent.valid_from <= STRUCTURE_DAY]
    event_rng = random.Random(f"events-{seed}")
    next_no = [Household.objects.count() + 1]

    # Rounds, meetings and postings per commune/village and year.
    round_ids: dict[tuple[int, int], int] = {}
    review_class = AnnualReview
    through_causes = AnnualReview.causes.through
    through_needs = AnnualReview.needs.through
    stage_of_commune: dict[int, float] = {}
    for year in years:
        current = year == last_year
        place_day = dt.date(year, 10, 1)
        if year > first_year:
            # The year's splits, mergers, moves, arrivals and departures, births and deaths, before its review.
            people.extend(build_events(rng=event_rng, year=year, today=today, people=people, villages=villages,
                                       next_no=next_no, summary=summary.events))
        places = households_place_on(on=place_day)
        rule = rules[year]
        codes = list(rule.indicators)
        standard = standards[year]
        communes_this_year = sorted({c for c, _ in places.values()})
        # The round of each commune: decision in mid-December, the district's confirmation before the year ends.
        new_rounds = []
        for commune_id in communes_this_year:
            if (commune_id, year) in round_ids:
                continue
            done = not current
            decision_day = dt.date(year, 12, rng.randint(8, 14))
            new_rounds.append(ReviewRound(
                commune_id=commune_id, year=year, started_on=dt.date(year, 9, 1),
                decision_number=f"{rng.randint(90, 260)}/QĐ-UBND" if done else "",
                decision_date=decision_day if done else None,
                recognised_at=dt.datetime.combine(decision_day, dt.time(9), tzinfo=dt.timezone.utc) if done else None,
                confirmed_at=dt.datetime(year, 12, rng.randint(20, 28), 9, tzinfo=dt.timezone.utc) if done else None,
                confirmation_note="Đã đối chiếu số liệu (dữ liệu mẫu)." if done else "",
            ))
        existing = {(r.commune_id, r.year): r.pk for r in ReviewRound.objects.filter(year=year)}
        round_ids.update(existing)
        for r in ReviewRound.objects.bulk_create([r for r in new_rounds if (r.commune_id, r.year) not in existing]):
            round_ids[(r.commune_id, r.year)] = r.pk
            summary.rounds += 1
        decisions = {(r.commune_id, r.year): (r.decision_number, r.decision_date) for r in ReviewRound.objects.filter(year=year)}

        # The current year: how far each commune and each village has got.
        village_stage: dict[int, str] = {}
        if current:
            for commune_id in communes_this_year:
                stage_of_commune[commune_id] = rng.choice([0.15, 0.35, 0.55, 0.7, 0.85, 0.95])

        reviews: list = []
        meetings: dict[int, VillageMeeting] = {}
        postings: dict[int, PublicPosting] = {}
        reason_cache: dict[tuple, list] = {}
        deprived_cache: dict[frozenset, tuple[str, ...]] = {}
        stored_cache: dict[tuple[str, ...], tuple[str, int]] = {}
        yi = year - first_year
        lists_made = year > first_year
        for p in people:
            if not p["resident"] or (p["since"] is not None and p["since"] > place_day):
                continue
            commune_id, village_id = places[p["id"]]
            group = p["group"]
            commune = units.get(commune_id)
            area = commune.area if commune is not None else "rural"
            factor = MINORITY_FACTOR if p["minority"] else 1.0
            poor_rate = max(FLOOR_POOR, (BASE_POOR[group] - FALL_POOR[group] * yi) * factor)
            near_rate = max(0.015, (BASE_NEAR[group] - FALL_NEAR[group] * yi) * (1.15 if p["minority"] else 1.0))
            p["shock"] = 0.45 * p["shock"] + rng.gauss(0, 0.035)
            if rng.random() < 0.012:
                p["shock"] -= 0.2  # illness, accident, a failed harvest: newly poor or back into poverty
            score = p["u"] + p["shock"]
            # Who is reviewed (Decision 24/2021/QĐ-TTg Art. 4): everyone in the general review of 2021; from 2022 the
            # households on last year's lists, those that fell into hardship and applied, and a few the commune
            # committee checks; every other resident household keeps its status without a review.
            listed = p["status"] in (Classification.POOR, Classification.NEAR_POOR)
            struggling = score < poor_rate + near_rate
            arrived = p["since"] is not None and p["since"].year == year
            if year > first_year and not arrived:
                if listed:
                    if rng.random() < (0.06 if current else 0.004):
                        continue  # not re-reviewed (a gap the district's checks list)
                elif not (struggling and rng.random() < 0.85) and rng.random() >= 0.03:
                    continue
            elif arrived and not struggling and rng.random() < 0.4:
                continue  # a new household that is not struggling is not reviewed in its first year
            elif current and not listed and not struggling and rng.random() < 0.13:
                continue  # not reviewed yet this year (households off the lists come last)
            line = rule.poor_line[area]
            prev = p["history"].get(year - 1)
            if score < poor_rate:
                target = Classification.POOR
            elif score < poor_rate + near_rate:
                target = Classification.NEAR_POOR
            else:
                target = Classification.OTHER
            # Income and deprivations consistent with the target, changing gradually from last year.
            if target == Classification.POOR:
                count = max(3, min(8, (p["count"] if prev == Classification.POOR else rng.choice([3, 3, 4, 4, 5, 6])) + rng.choice([-1, 0, 0, 0, 1])))
                income = _round_to(line * rng.uniform(0.5, 0.98))
            elif target == Classification.NEAR_POOR:
                count = min(2, max(0, p["count"] - rng.choice([1, 1, 2])) if prev == Classification.POOR else rng.choice([0, 1, 1, 2, 2]))
                income = _round_to(line * rng.uniform(0.72, 0.99))
            else:
                if prev == Classification.POOR and rng.random() < 0.1:
                    count = p["count"]  # a suspicious escape: same deprivations, income jumps
                    income = _round_to(max(line * 1.05, p["income"] * rng.uniform(1.6, 2.2)))
                elif prev in (Classification.POOR, Classification.NEAR_POOR):
                    count = max(0, min(p["count"], 3) - rng.choice([1, 1, 2]))
                    income = _round_to(line * rng.uniform(1.03, 1.4))
                else:
                    count = rng.choice([0, 0, 0, 1, 1, 2])
                    income = _round_to(line * rng.uniform(1.05, 3.2))
            chosen = frozenset(p["order"][:count])
            deprived = deprived_cache.get(chosen)
            if deprived is None:
                deprived = deprived_cache[chosen] = tuple(c for c in codes if c in chosen)
            if income <= line and target == Classification.OTHER:
                income = line + 10_000
            key = (area, income, deprived)
            reasons = reason_cache.get(key)
            if reasons is None:
                result = poverty.classify(rule, area=area, income_per_capita_month=income, deprivations=deprived)
                reasons = reason_cache[key] = [result.category, json.dumps(list(result.reasons), ensure_ascii=False)]
            category = reasons[0]
            earlier = dict(p["history"])
            existed = lists_made and (p["since"] is None or p["since"] <= dt.date(year - 1, 12, 31))
            change = poverty.change(category, earlier, year=year, existed=existed, inherited=p["inherited"])
            p["history"][year] = category
            p["status"] = category if category in (Classification.POOR, Classification.NEAR_POOR) else ""
            p["count"], p["income"] = count, income
            # Where the review is in the workflow.
            if not current:
                state = ReviewState.CONFIRMED
            else:
                if village_id not in village_stage:
                    progress = stage_of_commune.get(commune_id, 0.5)
                    roll = rng.random()
                    village_stage[village_id] = (
                        ReviewState.POSTED if roll < progress * 0.45 else ReviewState.AGREED if roll < progress * 0.75
                        else ReviewState.REVIEWED if roll < progress else ReviewState.DRAFT
                    )
                state = village_stage[village_id]
                if state != ReviewState.DRAFT and rng.random() < 0.04:
                    state = ReviewState.DRAFT  # a few re-surveys lag behind their village
            day_span = 55 if not current else max(1, (min(today, dt.date(year, 11, 20)) - dt.date(year, 9, 15)).days)
            review_date = (dt.date(year, 10, 1) if not current else dt.date(year, 9, 15)) + dt.timedelta(days=rng.randint(0, day_span - 1))
            stored = stored_cache.get(deprived)
            if stored is None:
                indicators = {c: {"deprived": True, "source": "entered", "derived": None, "reason": ""} for c in deprived}
                stored = stored_cache[deprived] = (json.dumps(indicators), poverty.deprivation_mask(rule, deprived))
            indicators_json, mask = stored
            decision_number, decision_date = decisions.get((commune_id, year), ("", None))
            reviews.append({
                "household_id": p["id"], "year": year, "kind": str(ReviewKind.PERIODIC), "review_date": day_value(review_date), "standard_id": standard.pk,
                "commune_id": commune_id, "village_id": village_id, "area": area, "ethnic_minority": p["minority"],
                "member_count": p["size"], "income_total_12m": income * p["size"] * 12, "income_per_capita_month": income,
                "facts": "{}", "indicators": indicators_json, "deprivation_mask": mask, "deprivation_count": len(deprived),
                "classification": category, "previous_classification": earlier[max(earlier)] if earlier else "", "change": change,
                "reasons": reasons[1], "no_working_capacity": category == Classification.POOR and rng.random() < 0.09,
                "person_of_merit": rng.random() < 0.02, "livelihood": p["livelihood"], "state": state, "round_id": round_ids[(commune_id, year)],
                "decision_number": decision_number if state in (ReviewState.RECOGNISED, ReviewState.CONFIRMED) else "",
                "decision_date": day_value(decision_date) if state in (ReviewState.RECOGNISED, ReviewState.CONFIRMED) else None,
                "notes": "", "meeting_id": None, "posting_id": None, "version": 1, "created_at": now, "updated_at": now,
                "created_by_id": None, "updated_by_id": None,
            })
            p["mask"] = mask
        # Meetings and postings for the villages that reached them.
        stage_rank = {ReviewState.DRAFT: 0, ReviewState.REVIEWED: 1, ReviewState.AGREED: 2, ReviewState.POSTED: 3,
                      ReviewState.RECOGNISED: 4, ReviewState.CONFIRMED: 5}
        village_max: dict[int, tuple[int, int]] = {}
        village_count: dict[int, int] = {}
        for r in reviews:
            village_max[r["village_id"]] = (r["commune_id"], max(stage_rank[r["state"]], village_max.get(r["village_id"], (0, 0))[1]))
            village_count[r["village_id"]] = village_count.get(r["village_id"], 0) + 1
        new_meetings, new_postings = [], []
        for village_id, (commune_id, rank) in village_max.items():
            if rank < 2 or village_id is None:
                continue
            held = dt.date(year, 11, rng.randint(10, 24)) if not current else today - dt.timedelta(days=rng.randint(6, 12))
            attendance = rng.randint(35, 140)
            new_meetings.append(VillageMeeting(
                round_id=round_ids[(commune_id, year)], village_id=village_id, held_on=held, chaired_by="Trưởng thôn",
                attendance=attendance, agreeing=int(attendance * rng.uniform(0.68, 0.97)), outcome=MeetingOutcome.AGREED,
                review_count=village_count[village_id],
            ))
            if rank >= 3:
                start = held + dt.timedelta(days=rng.randint(1, 3))
                if current:
                    start = min(start, today - dt.timedelta(days=1))
                new_postings.append(PublicPosting(
                    round_id=round_ids[(commune_id, year)], village_id=village_id, posted_from=start,
                    posted_until=add_working_days(start, 3), review_count=village_count[village_id],
                ))
        for m in VillageMeeting.objects.bulk_create(new_meetings, batch_size=2000):
            meetings[m.village_id] = m
        for ps in PublicPosting.objects.bulk_create(new_postings, batch_size=2000):
            postings[ps.village_id] = ps
        summary.meetings += len(new_meetings)
        summary.postings += len(new_postings)
        if current and village_max:
            # One village meeting this year did not reach 50 %: its reviews went back to the survey.
            redo_village = rng.choice(sorted(v for v, (c, rank) in village_max.items() if v is not None))
            VillageMeeting.objects.create(
                round_id=round_ids[(village_max[redo_village][0], year)], village_id=redo_village,
                held_on=today - dt.timedelta(days=18), chaired_by="Trưởng thôn", attendance=64, agreeing=29,
                outcome=MeetingOutcome.REDO, review_count=village_count[redo_village],
                minutes_note="Chỉ 29/64 người đồng ý: rà soát lại (dữ liệu mẫu).",
            )
        for r in reviews:
            if stage_rank[r["state"]] >= 2 and r["village_id"] in meetings:
                r["meeting_id"] = meetings[r["village_id"]].pk
            if stage_rank[r["state"]] >= 3 and r["village_id"] in postings:
                r["posting_id"] = postings[r["village_id"]].pk
        # A few data-entry errors of the kind the district's checks look for (income above the line, typed poor).
        if year == last_year - 1:
            above = [r for r in reviews if r["classification"] in (Classification.AVERAGE, Classification.OTHER)
                     and r["deprivation_count"] >= 3 and r["income_per_capita_month"] < rule.poor_line[r["area"]] * 1.3]
            above = above or [r for r in reviews if r["classification"] == Classification.AVERAGE]
            for r in rng.sample(above, min(4, len(above))):
                r["change"] = Change.STAYED if r["previous_classification"] == Classification.POOR else Change.NEWLY_POOR
                r["classification"], r["notes"] = Classification.POOR, "Nhập từ danh sách giấy cũ (dữ liệu mẫu)."
        columns = list(reviews[0]) if reviews else []
        _insert_rows(review_class._meta.db_table, columns, [tuple(r[c] for c in columns) for r in reviews])
        ids = dict(review_class.objects.filter(year=year).values_list("household_id", "pk"))
        cause_rows, need_rows = [], []
        for r in reviews:
            if r["classification"] in (Classification.POOR, Classification.NEAR_POOR):
                pk = ids[r["household_id"]]
                for cid in rng.sample(cause_ids, rng.choice([1, 1, 2, 2, 3])):
                    cause_rows.append((pk, cid))
                for nid in rng.sample(need_ids, rng.choice([1, 2, 2, 3])):
                    need_rows.append((pk, nid))
        _insert_rows(through_causes._meta.db_table, ["annualreview_id", "povertycause_id"], cause_rows)
        _insert_rows(through_needs._meta.db_table, ["annualreview_id", "supportneed_id"], need_rows)
        counts: dict[str, int] = {}
        for r in reviews:
            counts[r["classification"]] = counts.get(r["classification"], 0) + 1
        counts["total"] = len(reviews)
        summary.by_year[year] = counts
        summary.reviews += len(reviews)

    # Applications of the regular review this year: a few decided during the year, some waiting.
    apps = []
    living = [p for p in people if p["resident"]]
    sample = rng.sample(living, min(len(living), max(3, len(living) // 400)))
    for i, p in enumerate(sample):
        received = dt.date(last_year, rng.randint(1, max(1, min(10, today.month - 1))), rng.randint(1, 28))
        if i % 3 == 2:
            received = today - dt.timedelta(days=rng.randint(2, 20))
        if received > today:
            received = today
        handle = received.replace(day=15) if received.day <= 15 else (received.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
        commune_id, _ = households_place_on(household_ids=[p["id"]], on=received)[p["id"]]
        decided = i % 3 != 2 and handle + dt.timedelta(days=10) < today
        refused = decided and i % 5 == 0
        apps.append(ReviewApplication(
            household_id=p["id"], commune_id=commune_id, year=last_year,
            request=rng.choice([ApplicationRequest.POOR, ApplicationRequest.NEAR_POOR, ApplicationRequest.ESCAPE_POVERTY]),
            received_on=received, applicant="Chủ hộ", reason="Đơn đề nghị (dữ liệu mẫu).", handle_from=handle,
            decide_by=handle + dt.timedelta(days=15),
            status=(ApplicationStatus.REFUSED if refused else ApplicationStatus.APPROVED if decided else ApplicationStatus.RECEIVED),
            decided_on=handle + dt.timedelta(days=rng.randint(3, 14)) if decided else None,
            decision_number=f"{rng.randint(10, 80)}/QĐ-UBND" if decided and not refused else "",
            refusal_reason="Thu nhập bình quân trên chuẩn nghèo." if refused else "",
        ))
    ReviewApplication.objects.bulk_create(apps)
    summary.applications = len(apps)

    # Two people recorded in a second household (the duplicate check finds them).
    doubles = list(Member.objects.filter(relation=Relation.CHILD, birth_date__isnull=False).order_by("pk")[:2000:997])
    targets = list(Household.objects.order_by("-pk")[:2])
    Member.objects.bulk_create([
        Member(household=t, full_name=m.full_name, search_key=m.search_key, sex=m.sex, birth_date=m.birth_date,
               ethnic_group_id=m.ethnic_group_id, relation=Relation.OTHER, order=20)
        for m, t in zip(doubles, targets) if m.household_id != t.pk
    ])
    if connection.vendor == "postgresql":
        # Fresh planner statistics: the board's queries are planned for hundreds of thousands of rows, not none.
        with connection.cursor() as cur:
            for model in (Household, Member, AnnualReview, ReviewApplication, ReviewRound):
                cur.execute(f"ANALYZE {model._meta.db_table}")
    return summary


# --- Registry events: splits, mergers, moves, arrivals, departures, births and deaths --------------------------

# Yearly shares of resident households (docs/domain.md §3: registry events make the other increases and decreases; about
# 1–2 % of households a year in a rural district): a grown child setting up house, an elderly widow(er) moving in
# with a child's household, moves between villages and communes, arrivals and departures, households that end.
EVENT_RATES = {"split": 0.005, "merge": 0.0012, "move": 0.004, "move_out": 0.0025, "move_in": 0.003, "dissolve": 0.0015}
BIRTH_RATE, DEATH_RATE = 0.012, 0.004


@dataclass
class EventSummary:
    by_kind: dict[str, int] = field(default_factory=dict)
    births: int = 0
    deaths: int = 0


def _event_day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    """Mostly before the review (January – August), some after it (November, December); never after today."""
    if rng.random() < 0.85:
        day = dt.date(year, rng.randint(1, 8), rng.randint(1, 28))
    else:
        day = dt.date(year, rng.randint(11, 12), rng.randint(1, 20))
    return min(day, today - dt.timedelta(days=1))


def build_events(*, rng: random.Random, year: int, today: dt.date, people: list[dict], villages: list[AdministrativeUnit],
                 next_no: list[int], summary: EventSummary) -> list[dict]:
    """One year of registry events, written by `households.events.household_events_apply` (the rows an officer's
    entry writes, in one batch a year), and births and deaths written in bulk. Returns the new households (split
    off, moved in) as the review builder's people."""
    from . import events
    from .models import EventKind, Household as H, MemberChange

    resident = [p for p in people if p["resident"] and (p["since"] is None or p["since"] < dt.date(year, 1, 1))]
    if not resident:
        return []
    by_village: dict[int, list[dict]] = {}
    for p in resident:
        by_village.setdefault(p["village"], []).append(p)
    villages_by_parent: dict[int, list[AdministrativeUnit]] = {}
    for v in villages:
        villages_by_parent.setdefault(v.parent_id, []).append(v)
    # Who can take part in each kind of event (from the members on 1 January of the year).
    jan = dt.date(year, 1, 1)
    ids = {p["id"] for p in resident}
    rows = [row for row in Member.objects.order_by().values_list(*MEMBER_ROW).iterator(chunk_size=20000) if row[1] in ids]
    info: dict[int, list[tuple[str, dt.date | None]]] = {}
    for _id, hid, relation, birth, *_rest in rows:
        info.setdefault(hid, []).append((relation, birth))

    def age(birth: dt.date | None) -> int:
        return (jan - birth).days // 365 if birth else 0

    def head_age(members: list[tuple[str, dt.date | None]]) -> int:
        return next((age(b) for r, b in members if r == Relation.HEAD), 0)

    pools = {
        "split": [p for p in resident if len(info.get(p["id"], [])) >= 3 and any(r == Relation.CHILD and age(b) >= 20 for r, b in info[p["id"]])],
        "merge": [p for p in resident if 1 <= len(info.get(p["id"], [])) <= 2 and head_age(info[p["id"]]) >= 60],
        "dissolve": [p for p in resident if len(info.get(p["id"], [])) == 1 and head_age(info[p["id"]]) >= 65],
    }
    planned: list[tuple[dt.date, str, dict]] = []
    taken: set[int] = set()
    for kind, share in EVENT_RATES.items():
        # At least one of each kind a year in a small demo, so every list and table has something to show.
        count = max(1 if len(resident) >= 30 else 0, int(round(len(resident) * share * rng.uniform(0.7, 1.3))))
        pool = pools.get(kind, resident) if kind != "move_in" else [None] * count
        for p in rng.sample(pool, min(count, len(pool))):
            if p is not None and p["id"] in taken:
                continue
            if p is not None:
                taken.add(p["id"])
            planned.append((_event_day(rng, year, today), kind, p))
    planned.sort(key=lambda t: (t[0], t[1], t[2]["id"] if t[2] else 0))
    planned = [t for t in planned if t[0].year == year]
    # Merge partners: an other household of the same village, itself free of events this year.
    partner: dict[int, dict] = {}
    for _day, kind, p in planned:
        if kind == "merge":
            others = [o for o in by_village.get(p["village"], []) if o["id"] != p["id"] and o["id"] not in taken]
            if others:
                partner[p["id"]] = rng.choice(others)
                taken.add(partner[p["id"]]["id"])
    loaded = H.objects.select_related("commune", "village").in_bulk(
        [p["id"] for _d, _k, p in planned if p is not None] + [o["id"] for o in partner.values()]
    )
    split_ids = [p["id"] for _d, kind, p in planned if kind == "split"]
    members_of: dict[int, list[Member]] = {}
    for m in Member.objects.filter(household_id__in=split_ids).order_by("household_id", "order", "id"):
        members_of.setdefault(m.household_id, []).append(m)
    arrivals = _arrivals(rng=rng, year=year, today=today, villages=villages, next_no=next_no,
                         days=[day for day, kind, _p in planned if kind == "move_in"])

    plans: list[events.EventPlan] = []
    new_people: list[dict] = []
    for day, kind, p in planned:
        if kind == "move_in":
            hh, village, minority, size = arrivals.pop(0)
            plans.append(events.EventPlan(EventKind.MOVE_IN, hh, day, "Chuyển đến từ huyện khác (dữ liệu mẫu)."))
            new_people.append(_new_person(rng, hh.pk, village, since=day, minority=minority, size=size, livelihood=hh.livelihood))
            continue
        hh = loaded[p["id"]]
        if kind == "split":
            members = members_of.get(hh.pk, [])
            adults = [m for m in members if m.relation == Relation.CHILD and m.birth_date and (day - m.birth_date).days > 19 * 365]
            if len(members) < 3 or not adults:
                continue
            leaving = adults[:1] + [m for m in members if m.relation == Relation.CHILD and m not in adults][:rng.choice([0, 0, 1])]
            code = f"{hh.village.code if hh.village else hh.commune.code}-{next_no[0]:06d}"
            next_no[0] += 1
            plans.append(events.EventPlan(EventKind.SPLIT, hh, day, "Con trai lập gia đình, ra ở riêng (dữ liệu mẫu).", code=code,
                                          members=leaving))
            new_people.append(_new_person(rng, None, hh.village, since=day, minority=p["minority"], size=len(leaving), parent=p, year=year))
            p["size"] = max(1, p["size"] - len(leaving))
        elif kind == "merge":
            into = partner.get(p["id"])
            if into is None:
                continue
            plans.append(events.EventPlan(EventKind.MERGE, hh, day, "Người già neo đơn về ở với gia đình con (dữ liệu mẫu).",
                                          into=loaded[into["id"]]))
            into["size"] += len(info.get(p["id"], []))
            p["resident"] = False
        elif kind == "move":
            same = villages_by_parent.get(hh.village.parent_id, []) if hh.village else []
            choices = [v for v in (same if rng.random() < 0.6 and len(same) > 1 else villages) if v.pk != hh.village_id]
            village = rng.choice(choices)
            plans.append(events.EventPlan(EventKind.MOVE, hh, day, "Chuyển nơi ở (dữ liệu mẫu).", village=village))
            p["village"] = village.pk
        elif kind == "move_out":
            plans.append(events.EventPlan(EventKind.MOVE_OUT, hh, day, "Chuyển đi làm ăn, sinh sống ở tỉnh khác (dữ liệu mẫu)."))
            p["resident"] = False
        elif kind == "dissolve":
            if len(info.get(p["id"], [])) != 1:
                continue
            plans.append(events.EventPlan(EventKind.DISSOLVE, hh, day, "Chủ hộ sống một mình đã mất (dữ liệu mẫu).",
                                          member_reason=MemberChange.DEATH))
            p["resident"] = False
        summary.by_kind[kind] = summary.by_kind.get(kind, 0) + 1
    written = events.household_events_apply(plans, history=False)  # seeded data keeps no history rows
    # The split-off households got their ids in the batch: the new people take them in order.
    children = iter(e.other_household_id for e in written if e.kind == EventKind.SPLIT)
    for person in new_people:
        if person["id"] is None:
            person["id"] = next(children)
    summary.by_kind["move_in"] = summary.by_kind.get("move_in", 0) + sum(1 for p in new_people if p.get("parent") is None)
    # Births and deaths in the households the year's events left alone (their members on 1 January stand).
    touched = {e.household_id for e in written} | {e.other_household_id for e in written if e.kind == EventKind.MERGE}
    _births_and_deaths(rng=rng, year=year, today=today, people=[p for p in resident if p["resident"]],
                       rows=[row for row in rows if row[1] not in touched], summary=summary)
    return new_people


def _arrivals(*, rng: random.Random, year: int, today: dt.date, villages: list[AdministrativeUnit], next_no: list[int],
              days: list[dt.date]) -> list[tuple[Household, AdministrativeUnit, bool, int]]:
    """The households that move in from outside the district this year, written to the registry (their event
    follows in the year's batch): (household, village, minority, size) for each day."""
    groups = {g.code: g for g in EthnicGroup.objects.all()}
    out: list[tuple[Household, AdministrativeUnit, bool, list[dict]]] = []
    current: dict[int, AdministrativeUnit | None] = {}  # each old commune's unit today
    for day in days:
        village = rng.choice(villages)
        commune = village.commune_on(day) or village.parent
        if village.parent_id not in current:
            current[village.parent_id] = village.commune_on(today)
        ethnic = _weighted(rng, ETHNIC_MIX_DIFFICULT if village.parent.extremely_difficult else ETHNIC_MIX)
        members = _household_members(rng, day, rng.choice(SURNAMES.get(ethnic, SURNAMES["01"])), ethnic)
        hh = Household(code=f"{village.code}-{next_no[0]:06d}", commune=current[village.parent_id] or commune, village=village,
                       address=f"{village.name}, {commune.name}", head_name=members[0]["full_name"],
                       livelihood=_livelihood(rng, village.parent))
        next_no[0] += 1
        hh.fill_search_key()
        out.append((hh, village, groups[ethnic].minority, members))
    Household.objects.bulk_create([hh for hh, *_ in out], batch_size=500)
    rows = []
    for hh, _village, _minority, members in out:
        for order, m in enumerate(members):
            row = Member(household=hh, full_name=m["full_name"], sex=m["sex"], birth_date=m["birth_date"], relation=m["relation"],
                         order=order, ethnic_group=groups[m["ethnic"]])
            row.fill_search_key()
            rows.append(row)
    Member.objects.bulk_create(rows, batch_size=500)
    return [(hh, village, minority, len(members)) for hh, village, minority, members in out]


def _new_person(rng: random.Random, hh_id: int | None, village: AdministrativeUnit | None, *, since: dt.date, minority: bool, size: int,
                parent: dict | None = None, year: int | None = None, livelihood: str = "") -> dict:
    commune = village.parent if village is not None else None
    group = "urban" if commune is not None and commune.is_urban else ("difficult" if commune is not None and commune.extremely_difficult else "rural")
    u = min(1.0, max(0.0, parent["u"] + rng.gauss(0.04, 0.06))) if parent else rng.random()
    return {
        "id": hh_id, "group": group, "minority": minority, "u": u, "shock": 0.0, "order": _priority(rng), "count": 0,
        "history": {}, "income": 0, "mask": 0, "size": max(1, size), "since": since, "resident": True,
        "village": village.pk if village is not None else None, "status": "",
        "inherited": {y: c for y, c in parent["history"].items() if y < year} if parent else {},
        "livelihood": parent["livelihood"] if parent else livelihood,
    }


MEMBER_ROW = ("id", "household_id", "relation", "birth_date", "sex", "full_name", "ethnic_group_id", "joined_on")


def _births_and_deaths(*, rng: random.Random, year: int, today: dt.date, people: list[dict], rows: list[tuple],
                       summary: EventSummary) -> None:
    """Babies born into young families and old people who died, as member dates (the persons of the year), from
    the members' `rows` (`MEMBER_ROW`)."""
    from .models import MemberChange
    heads = {hid: (name, eg) for _i, hid, rel, _b, _s, name, eg, _j in rows if rel == Relation.HEAD}
    young = sorted({hid for _i, hid, rel, b, _s, _n, _e, _j in rows if rel == Relation.SPOUSE and b and 20 <= year - b.year <= 40})
    size = {p["id"]: p for p in people}
    born = []
    for hid in rng.sample(young, min(len(young), int(len(people) * BIRTH_RATE))):
        day = min(dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), today - dt.timedelta(days=1))
        family = heads.get(hid, ("Nguyễn", None))[0].split(" ")[0]
        sex = Sex.MALE if rng.random() < 0.52 else Sex.FEMALE
        name = f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        born.append(Member(household_id=hid, full_name=name, search_key=fold(name)[:120], sex=sex, birth_date=day,
                           ethnic_group_id=heads.get(hid, (None, None))[1], relation=Relation.CHILD, order=9,
                           joined_on=day, joined_reason=MemberChange.BIRTH))
        size[hid]["size"] += 1
    Member.objects.bulk_create(born, batch_size=500)
    old = [(i, hid, joined) for i, hid, rel, b, _s, _n, _e, joined in rows if rel not in (Relation.HEAD,) and b and year - b.year >= 75]
    died = rng.sample(old, min(len(old), int(len(people) * DEATH_RATE)))
    for member_id, hid, joined in died:
        day = min(dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), today - dt.timedelta(days=1))
        if joined is not None and day <= joined:
            continue  # came to the household later in the year
        Member.objects.filter(pk=member_id).update(left_on=day, left_reason=MemberChange.DEATH)
        size[hid]["size"] = max(1, size[hid]["size"] - 1)
    summary.births += len(born)
    summary.deaths += len(died)
