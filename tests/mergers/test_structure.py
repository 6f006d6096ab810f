"""Comparable statistics (households.structure): figures of 2021–2024 re-aggregated onto today's communes, and the
program area before and after the reform."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Q

from households import structure
from households.models import AdministrativeUnit, AnnualReview, Classification, Level
from tests.households.test_reference_data import REFORM as REFORM_TABLE

from .conftest import BEFORE_REFORM, REFORM, household_in, make_review, unit_on

pytestmark = pytest.mark.django_db


def test_every_old_unit_maps_onto_the_commune_of_today_that_took_it_in():
    images = structure.successor_map()
    names = {u.pk: u.name for u in AdministrativeUnit.objects.all()}
    for (code, new_name), origins in REFORM_TABLE.items():
        new = unit_on(code, REFORM)
        assert new.name == new_name
        mapped = {names[uid] for uid, target in images.items() if target == new.pk}
        assert origins | {new_name} <= mapped, new_name
    # Earlier mergers follow through: Hồng Lạc → Hồng Sơn (2024) → Hồng Sơn (2025); Thanh Phát → Tân Thanh → Tân Thanh.
    assert images[unit_on("02608", dt.date(2023, 1, 1)).pk] == unit_on("02608", REFORM).pk
    assert images[AdministrativeUnit.objects.get(name="Xã Thanh Phát").pk] == unit_on("02578", REFORM).pk
    assert set(images.values()) == set(structure.communes_on().values_list("pk", flat=True))


def test_on_a_date_before_a_merger_each_unit_is_its_own_image():
    images = structure.successor_map(dt.date(2023, 6, 1))
    trung_yen = unit_on("02539", BEFORE_REFORM)
    assert images[trung_yen.pk] == trung_yen.pk
    assert unit_on("02545", REFORM).pk not in images  # a commune of 2025 has no image in 2023


def test_figures_of_2023_reaggregated_onto_todays_communes_equal_the_sum_of_the_old_units():
    on = dt.date(2023, 10, 1)
    trung_yen, tan_trao_old, minh_thanh_old = unit_on("02539", on), unit_on("02545", on), unit_on("02542", on)
    plan = {trung_yen: (3, 1, 2), tan_trao_old: (2, 2, 4), minh_thanh_old: (1, 0, 5)}  # poor, near-poor, other
    for commune, (poor, near, other) in plan.items():
        for income, deprived, n in ((1_000_000, ["1", "2", "3"], poor), (1_000_000, ["1"], near), (3_000_000, [], other)):
            for _ in range(n):
                make_review(household_in(commune), year=2023, review_date=on, commune=commune, income=income, deprivations=deprived)
    counts = {"poor": Count("id", filter=Q(classification=Classification.POOR))}
    historical = {
        row["commune_id"]: row
        for row in AnnualReview.objects.filter(year=2023).values("commune_id").annotate(total=Count("id"), poor=counts["poor"])
    }
    current = {
        row["unit_id"]: row
        for row in AnnualReview.objects.filter(year=2023)
        .annotate(unit_id=structure.unit_on_structure("commune"))
        .values("unit_id")
        .annotate(total=Count("id"), poor=counts["poor"])
    }
    tan_trao = unit_on("02545", REFORM)
    assert current[tan_trao.pk]["poor"] == historical[trung_yen.pk]["poor"] + historical[tan_trao_old.pk]["poor"] == 5
    assert current[tan_trao.pk]["total"] == historical[trung_yen.pk]["total"] + historical[tan_trao_old.pk]["total"] == 14
    assert current[unit_on("02554", REFORM).pk]["total"] == historical[minh_thanh_old.pk]["total"] == 6
    # The same with plain dictionaries (reaggregate), and nothing is lost overall.
    again = structure.reaggregate({uid: {"poor": r["poor"], "total": r["total"]} for uid, r in historical.items()})
    assert again[tan_trao.pk] == {"poor": 5, "total": 14}
    assert sum(v["total"] for v in again.values()) == sum(r["total"] for r in historical.values()) == 20


def test_a_unit_with_no_successor_on_the_date_is_not_silently_dropped():
    new = unit_on("02545", REFORM)
    with pytest.raises(ValueError, match="không có đơn vị kế thừa"):
        structure.reaggregate({new.pk: {"poor": 1}}, on=dt.date(2023, 6, 1))


def test_absorbed_units_of_tan_trao_are_trung_yen_and_the_old_tan_trao():
    tan_trao = unit_on("02545", REFORM)
    names = set(AdministrativeUnit.objects.filter(pk__in=structure.absorbed_ids(tan_trao.pk)).values_list("name", "valid_from"))
    assert names == {("Xã Trung Yên", dt.date(1991, 10, 1)), ("Xã Tân Trào", dt.date(1991, 10, 1)), ("Xã Tân Trào", REFORM)}


def test_the_program_area_is_the_former_district_before_and_after_the_reform():
    before = structure.program_area_commune_ids(BEFORE_REFORM)
    after = structure.program_area_commune_ids(REFORM)
    assert structure.program_area().code == "076"
    assert len(before) == 30 and len(after) == 10
    assert set(AdministrativeUnit.objects.filter(pk__in=after).values_list("parent__code", flat=True)) == {"08"}
    assert len(structure.program_area_commune_ids(dt.date(2023, 1, 1))) == 31  # Hồng Lạc and Vân Sơn, not Hồng Sơn
    everything = structure.program_area_commune_ids()
    assert before | after <= everything
    assert AdministrativeUnit.objects.get(name="Xã Lâm Xuyên").pk in everything


def test_a_commune_of_another_district_is_outside_the_program_area():
    province = AdministrativeUnit.objects.get(code="08")
    other = AdministrativeUnit.objects.create(code="077", name="Huyện Khác", level=Level.DISTRICT, parent=province, valid_to=BEFORE_REFORM)
    outside = AdministrativeUnit.objects.create(code="02700", name="Xã Ngoài", level=Level.COMMUNE, parent=other, valid_to=BEFORE_REFORM)
    assert outside.pk not in structure.program_area_commune_ids()
    assert outside.pk in structure.program_area_commune_ids(root=province)


def test_the_note_says_which_structure_a_table_shows():
    assert "tại thời điểm rà soát năm 2023" in structure.structure_note(structure.Structure.HISTORICAL, year=2023)
    assert "01/07/2025" in structure.structure_note(structure.Structure.CURRENT, on=REFORM)
