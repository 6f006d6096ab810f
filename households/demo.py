"""Demo registry for Sơn Dương: villages, households and members that look like a northern mountain district.

Deterministic for a seed; built with bulk inserts so 50,000 households take seconds. Villages are demo
villages (the official lists are not in the reference data yet) and are created under the communes of the
2024–2025 structure; households live today in the commune that succeeded their village's commune.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from .models import AdministrativeUnit, EthnicGroup, Household, Level, Member, Relation, Sex
from .selectors import unit_current_successor
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
            )
        )
        member_plan.append(members)
        summary.by_commune[current[commune.pk].code] = summary.by_commune.get(current[commune.pk].code, 0) + 1
    created = Household.objects.bulk_create(hh_rows, batch_size=2000)
    if not created or created[0].pk is None:  # backends that do not return ids
        created = list(Household.objects.order_by("-id")[: len(hh_rows)])[::-1]
    member_rows: list[Member] = []
    for hh, members in zip(created, member_plan):
        for order, m in enumerate(members):
            cid = None
            if rng.random() < 0.92:
                cid = _citizen_id(m["birth_date"], m["sex"], serial)
                serial += 1
            member_rows.append(
                Member(
                    household_id=hh.pk, full_name=m["full_name"], search_key=fold(m["full_name"])[:120], sex=m["sex"],
                    birth_date=m["birth_date"], citizen_id=cid, ethnic_group=groups[m["ethnic"]],
                    relation=m["relation"], order=order,
                )
            )
        if len(member_rows) >= 10000:
            Member.objects.bulk_create(member_rows, batch_size=5000)
            summary.members += len(member_rows)
            member_rows = []
    Member.objects.bulk_create(member_rows, batch_size=5000)
    summary.members += len(member_rows)
    summary.households = len(created)
    return summary


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
