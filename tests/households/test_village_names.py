"""Villages of one commune that share a name are told apart by their former commune (households.village_names).

Since 1 Jul 2025 the villages of several former communes sit in one commune; "Thôn Cả" of Trung Yên and "Thôn Cả" of
Tân Trào are both villages of Tân Trào. Every page, export and the API show them as "Thôn Cả (xã Trung Yên cũ)" and
"Thôn Cả (xã Tân Trào cũ)"; a name no other village of the commune has is shown as it is.
"""
import datetime as dt
import random
from collections import Counter

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households.models import AdministrativeUnit, Area, Level
from households.village_names import VillageNames, commune_year_day, former_commune_text, village_label, village_labels
from tests.conftest import HouseholdFactory, MemberFactory, unit

pytestmark = pytest.mark.django_db

LAST_OLD_DAY = dt.date(2025, 6, 30)
REFORM = dt.date(2025, 7, 1)


def commune(code: str, name: str, *, valid_from=dt.date(1991, 10, 1), valid_to=None, area=Area.RURAL) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(code=code, name=name, level=Level.COMMUNE, valid_from=valid_from, valid_to=valid_to, area=area)


def village(parent: AdministrativeUnit, name: str, code: str, **extra) -> AdministrativeUnit:
    return AdministrativeUnit.objects.create(code=code, name=name, level=Level.VILLAGE, parent=parent, area=parent.area,
                                             valid_from=extra.pop("valid_from", dt.date(2000, 1, 1)), **extra)


@pytest.fixture
def merged(db):
    """Trung Yên, Tân Trào and the town (test codes 991xx) each had their villages; from 1 Jul 2025 they are one new
    Tân Trào. Both former communes had a "Thôn Cả"; the town and Tân Trào each had a "Tổ dân phố 1"."""
    trung_yen = commune("99101", "Xã Trung Yên", valid_to=LAST_OLD_DAY)
    tan_trao = commune("99102", "Xã Tân Trào", valid_to=LAST_OLD_DAY)
    town = commune("99103", "Thị trấn Sơn Dương", valid_to=LAST_OLD_DAY, area=Area.URBAN)
    new = commune("99102", "Xã Tân Trào", valid_from=REFORM)
    for old in (trung_yen, tan_trao, town):
        old.successors.add(new)
    units = {
        "new": new, "trung_yen": trung_yen, "tan_trao": tan_trao, "town": town,
        "ca_trung_yen": village(trung_yen, "Thôn Cả", "99101-01"),
        "dong_giang": village(trung_yen, "Thôn Đồng Giang", "99101-02"),
        "ca_tan_trao": village(tan_trao, "Thôn Cả", "99102-01"),
        "tdp_town": village(town, "Tổ dân phố 1", "99103-01"),
        "tdp_tan_trao": village(tan_trao, "Tổ dân phố 1", "99102-02"),
    }
    return units


def ids(units, *keys):
    return [units[k].pk for k in keys]


def test_villages_keep_their_plain_names_before_the_merger(merged):
    labels = village_labels(ids(merged, "ca_trung_yen", "ca_tan_trao", "dong_giang", "tdp_town"), on=LAST_OLD_DAY)
    assert labels == {
        merged["ca_trung_yen"].pk: "Thôn Cả", merged["ca_tan_trao"].pk: "Thôn Cả",
        merged["dong_giang"].pk: "Thôn Đồng Giang", merged["tdp_town"].pk: "Tổ dân phố 1",
    }


def test_after_the_merger_namesakes_are_shown_with_their_former_commune(merged):
    labels = village_labels(ids(merged, "ca_trung_yen", "ca_tan_trao", "dong_giang", "tdp_town", "tdp_tan_trao"), on=REFORM)
    assert labels[merged["ca_trung_yen"].pk] == "Thôn Cả (xã Trung Yên cũ)"
    assert labels[merged["ca_tan_trao"].pk] == "Thôn Cả (xã Tân Trào cũ)"
    assert labels[merged["tdp_town"].pk] == "Tổ dân phố 1 (thị trấn Sơn Dương cũ)"
    assert labels[merged["tdp_tan_trao"].pk] == "Tổ dân phố 1 (xã Tân Trào cũ)"
    assert labels[merged["dong_giang"].pk] == "Thôn Đồng Giang"


def test_labels_are_unique_within_the_commune_after_the_merger(merged):
    labels = village_labels(on=dt.date(2026, 1, 1))
    mine = [labels[v.pk] for v in AdministrativeUnit.objects.filter(level=Level.VILLAGE, code__startswith="991")]
    assert len(mine) == 5 and len(set(mine)) == 5


def test_a_village_asked_for_alone_gets_the_label_it_has_among_all(merged):
    assert village_label(merged["ca_trung_yen"], on=REFORM) == "Thôn Cả (xã Trung Yên cũ)"
    assert village_labels([merged["ca_tan_trao"].pk], on=REFORM) == {merged["ca_tan_trao"].pk: "Thôn Cả (xã Tân Trào cũ)"}
    assert village_label(merged["dong_giang"], on=REFORM) == "Thôn Đồng Giang"
    assert village_label(None) == ""
    # A queryset (a form's choices) is read as a subquery.
    qs = AdministrativeUnit.objects.filter(pk__in=ids(merged, "ca_trung_yen", "dong_giang"))
    assert village_labels(qs, on=REFORM) == {merged["ca_trung_yen"].pk: "Thôn Cả (xã Trung Yên cũ)",
                                             merged["dong_giang"].pk: "Thôn Đồng Giang"}


def test_today_is_the_default_date(merged):
    assert village_label(merged["ca_trung_yen"]) == "Thôn Cả (xã Trung Yên cũ)"


def test_names_that_differ_only_in_case_are_the_same_name(merged):
    other = village(merged["town"], "thôn cả", "99103-02")
    labels = village_labels(ids(merged, "ca_trung_yen") + [other.pk], on=REFORM)
    assert labels[other.pk] == "thôn cả (thị trấn Sơn Dương cũ)"
    # Diacritics count: "Thôn Ca" is another name.
    ca = village(merged["town"], "Thôn Ca", "99103-03")
    assert village_label(ca, on=REFORM) == "Thôn Ca"


def test_a_village_made_under_the_new_commune_names_the_commune_of_the_village_it_continues(merged):
    old = merged["ca_trung_yen"]
    old.valid_to = LAST_OLD_DAY
    old.save()
    continued = village(merged["new"], "Thôn Cả", "99102-11", valid_from=REFORM)
    old.successors.add(continued)
    labels = village_labels(ids(merged, "ca_tan_trao") + [continued.pk, old.pk], on=REFORM)
    assert labels[continued.pk] == "Thôn Cả (xã Trung Yên cũ)"
    assert labels[merged["ca_tan_trao"].pk] == "Thôn Cả (xã Tân Trào cũ)"
    # The ended village, asked about after its end, is labelled against those in force; it renames none of them.
    assert labels[old.pk] == "Thôn Cả (xã Trung Yên cũ, mã 99101-01)"
    assert labels[continued.pk] != labels[old.pk]


def test_a_village_of_the_commune_s_own_keeps_its_name_beside_a_namesake_from_a_former_commune(merged):
    own = village(merged["new"], "Thôn Đồng Giang", "99102-12", valid_from=REFORM)
    labels = village_labels([own.pk, merged["dong_giang"].pk], on=REFORM)
    assert labels == {own.pk: "Thôn Đồng Giang", merged["dong_giang"].pk: "Thôn Đồng Giang (xã Trung Yên cũ)"}


def test_namesakes_of_one_former_commune_are_told_apart_by_their_code(merged):
    twin = village(merged["trung_yen"], "Thôn Cả", "99101-09")
    labels = village_labels(on=REFORM)
    assert labels[twin.pk] == "Thôn Cả (xã Trung Yên cũ, mã 99101-09)"
    assert labels[merged["ca_trung_yen"].pk] == "Thôn Cả (xã Trung Yên cũ, mã 99101-01)"
    assert labels[merged["ca_tan_trao"].pk] == "Thôn Cả (xã Tân Trào cũ)"
    # Before the merger they were already namesakes in Trung Yên, with no former commune to name.
    before = village_labels([twin.pk, merged["ca_trung_yen"].pk], on=LAST_OLD_DAY)
    assert before == {twin.pk: "Thôn Cả (mã 99101-09)", merged["ca_trung_yen"].pk: "Thôn Cả (mã 99101-01)"}


def test_one_read_answers_for_any_date_and_knows_each_village_s_commune(merged):
    names = VillageNames(ids(merged, "ca_trung_yen"))
    assert names.label(merged["ca_trung_yen"].pk, on=LAST_OLD_DAY) == "Thôn Cả"
    assert names.label(merged["ca_trung_yen"].pk, on=REFORM) == "Thôn Cả (xã Trung Yên cũ)"
    assert names.commune_id(merged["ca_trung_yen"].pk, on=LAST_OLD_DAY) == merged["trung_yen"].pk
    assert names.commune_name(merged["ca_trung_yen"].pk, on=REFORM) == "Xã Tân Trào"
    assert names.label(None, default="—") == "—"
    assert names.knows(merged["ca_trung_yen"].pk) and not names.knows(merged["ca_tan_trao"].pk)


def test_labels_take_one_query_whatever_the_number_of_villages(merged, django_assert_num_queries):
    for n in range(60):
        village(merged["tan_trao"], f"Thôn Mới {n % 30}", f"99102-{n + 20:02d}")
    with django_assert_num_queries(1):
        labels = village_labels(on=REFORM)
    with django_assert_num_queries(1):
        names = VillageNames(ids(merged, "ca_trung_yen", "ca_tan_trao"))
        names.labels(on=REFORM)
    with django_assert_num_queries(0):
        for day in (LAST_OLD_DAY, REFORM, dt.date(2026, 5, 1)):
            names.labels(on=day)
    # An empty page costs what a full one does, so that lists keep a constant number of queries.
    with django_assert_num_queries(1):
        assert village_labels([], on=REFORM) == {}
    assert labels[merged["ca_trung_yen"].pk] == "Thôn Cả (xã Trung Yên cũ)"


def test_the_former_commune_s_type_is_written_in_lower_case():
    assert former_commune_text("Xã Trung Yên") == "xã Trung Yên"
    assert former_commune_text("Thị trấn Sơn Dương") == "thị trấn Sơn Dương"
    assert former_commune_text("Phường Phan Thiết") == "phường Phan Thiết"
    assert former_commune_text("Trung Yên") == "Trung Yên"


def test_the_day_of_a_commune_s_year_stays_inside_the_commune_s_validity(merged):
    today = dt.date(2026, 3, 2)
    assert commune_year_day(merged["trung_yen"], 2024, today=today) == dt.date(2024, 12, 31)
    assert commune_year_day(merged["trung_yen"], 2025, today=today) == LAST_OLD_DAY
    assert commune_year_day(merged["new"], 2025, today=today) == dt.date(2025, 12, 31)
    assert commune_year_day(merged["new"], 2026, today=today) == today
    assert commune_year_day(merged["new"], 2024, today=today) == REFORM


# --- the demo's villages on the reference units ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [2026, 7])
def test_demo_villages_have_unique_labels_in_every_commune_after_the_reform(seed):
    from households.demo import STRUCTURE_DAY, demo_villages

    communes = list(AdministrativeUnit.objects.in_force(STRUCTURE_DAY).filter(level=Level.COMMUNE).order_by("code"))
    demo_villages(rng=random.Random(f"villages-{seed}"), communes=communes)
    for day in (dt.date(2024, 9, 1), REFORM, dt.date(2026, 12, 31)):
        names = VillageNames()
        labels = names.labels(on=day)
        in_force = list(AdministrativeUnit.objects.in_force(day).filter(level=Level.VILLAGE).values_list("pk", "name"))
        plain = Counter((names.commune_id(pk, on=day), name) for pk, name in in_force)
        shown = Counter((names.commune_id(pk, on=day), labels[pk]) for pk, _ in in_force)
        assert all(n == 1 for n in shown.values()), [k for k, n in shown.items() if n > 1]
        if day >= REFORM:
            assert any(n > 1 for n in plain.values())  # the demo has namesakes: the check checks something
            assert all(names.commune_id(pk, on=day) in {c.pk for c in AdministrativeUnit.objects.in_force(day).communes()}
                       for pk, _ in in_force[:20])
    # And the example of the brief, wherever the demo has it.
    tan_trao = unit("02545", REFORM)
    cas = [pk for pk, name in in_force if name == "Thôn Cả" and names.commune_id(pk, on=REFORM) == tan_trao.pk]
    if len(cas) == 2:
        assert {labels[pk] for pk in cas} == {"Thôn Cả (xã Trung Yên cũ)", "Thôn Cả (xã Tân Trào cũ)"}


# --- pages, exports, the API and the import, on the reference units ------------------------------------------------


@pytest.fixture
def namesakes(db):
    """Tân Trào (from 1 Jul 2025) took in Trung Yên: each of the old communes had a "Thôn Cả"."""
    trung_yen, old_tan_trao = unit("02539", LAST_OLD_DAY), unit("02545", LAST_OLD_DAY)
    ca_ty = village(trung_yen, "Thôn Cả", "02539-91")
    ca_tt = village(old_tan_trao, "Thôn Cả", "02545-91")
    household = HouseholdFactory(commune=unit("02545"), village=ca_ty, head_name="Ma Văn Cả", code="02539-91-000001")
    MemberFactory(household=household, full_name="Ma Văn Cả", relation="head", sex="male")
    return {"ca_ty": ca_ty, "ca_tt": ca_tt, "household": household}


def test_the_household_list_shows_the_village_with_its_former_commune(client, tantrao_officer, namesakes):
    client.force_login(tantrao_officer)
    html = client.get(reverse("households:household_list")).content.decode()
    assert "<td>Thôn Cả (xã Trung Yên cũ)</td>" in html
    assert '<option value="02539-91">Thôn Cả (xã Trung Yên cũ)</option>' in html
    assert '<option value="02545-91">Thôn Cả (xã Tân Trào cũ)</option>' in html
    detail = client.get(reverse("households:household_detail", args=[namesakes["household"].code])).content.decode()
    assert "Thôn Cả (xã Trung Yên cũ)" in detail


def test_the_household_form_offers_the_namesakes_told_apart(client, tantrao_officer, district_officer, namesakes):
    client.force_login(tantrao_officer)
    html = client.get(reverse("households:household_create")).content.decode()
    assert f'<option value="{namesakes["ca_ty"].pk}">Thôn Cả (xã Trung Yên cũ)</option>' in html
    assert f'<option value="{namesakes["ca_tt"].pk}">Thôn Cả (xã Tân Trào cũ)</option>' in html
    # The district's list spans every commune: each choice also names its commune today.
    village(unit("02554"), "Thôn Khuôn Lăn", "02554-91")
    client.force_login(district_officer)
    html = client.get(reverse("households:household_create")).content.decode()
    assert f'<option value="{namesakes["ca_ty"].pk}">Thôn Cả (xã Trung Yên cũ) – Xã Tân Trào</option>' in html
    assert ">Thôn Khuôn Lăn – Xã Minh Thanh</option>" in html


def test_the_export_and_the_api_name_the_village_with_its_former_commune(client, tantrao_officer, namesakes):
    from tests.io.conftest import read

    client.force_login(tantrao_officer)
    response = client.get(reverse("households:export_households"))
    rows = [[c.value for c in row] for row in read(b"".join(response.streaming_content)).worksheets[0].iter_rows(min_row=5)]
    assert [r[2] for r in rows if r[0] == namesakes["household"].code] == ["Thôn Cả (xã Trung Yên cũ)"]

    api = APIClient()
    api.force_authenticate(tantrao_officer)
    one = api.get(f"/api/v1/households/{namesakes['household'].code}/").json()
    assert one["village"] == "02539-91" and one["village_label"] == "Thôn Cả (xã Trung Yên cũ)"
    listed = api.get("/api/v1/households/").json()["results"]
    assert [h["village_label"] for h in listed if h["code"] == namesakes["household"].code] == ["Thôn Cả (xã Trung Yên cũ)"]


def test_the_import_reads_the_labels_back_and_asks_which_village_a_shared_name_means(tantrao_officer, namesakes):
    from households.imports import households_import_plan
    from tests.io.conftest import household_rows, workbook

    tan_trao = unit("02545")
    rows = household_rows("TT-91", village="Thôn Cả (xã Tân Trào cũ)") + household_rows(
        "TT-92", village="Thôn Cả", ids=("008078009991", "008180009992"))
    plan = households_import_plan(data=workbook(rows), filename="xa.xlsx", user=tantrao_officer, commune=tan_trao)
    assert {(p.row, p.column): p.message for p in plan.problems} == {
        (5, "Thôn, tổ dân phố"): "Xã Tân Trào có 2 thôn, tổ dân phố tên “Thôn Cả”: ghi rõ “Thôn Cả (xã Trung Yên cũ)” "
                                 "hoặc “Thôn Cả (xã Tân Trào cũ)”.",
    }


def test_the_review_board_and_the_review_form_tell_the_namesakes_apart(client, tantrao_officer, namesakes):
    from households import services
    from households.models import ReviewState
    from tests.households.review_fixtures import make_household, save

    other = make_household(old_commune="02545", new_commune="02545", village=namesakes["ca_tt"], head="Hà Văn Cả")
    for hh in (namesakes["household"], other):
        review = save(hh, 2025, day=dt.date(2025, 10, 2))
        services.review_transition(review=review, to_state=ReviewState.REVIEWED, user=tantrao_officer)
    client.force_login(tantrao_officer)
    board = client.get(reverse("households:review_board") + f"?year=2025&commune={unit('02545').pk}").content.decode()
    assert board.count("Thôn Cả (xã Trung Yên cũ)") >= 3  # progress table, village filter, meeting choices, rows
    assert board.count("Thôn Cả (xã Tân Trào cũ)") >= 3
    assert ">Thôn Cả<" not in board
    form = client.get(reverse("households:review_form", args=[other.code, 2025])).content.decode()
    assert "Thôn Cả (xã Tân Trào cũ)" in form
    # The year before the merger, the boards of the two old communes each had their one "Thôn Cả".
    assert commune_year_day(unit("02539", LAST_OLD_DAY), 2024) == dt.date(2024, 12, 31)
    assert village_label(namesakes["ca_ty"], on=dt.date(2024, 12, 31)) == "Thôn Cả"


def test_choosing_a_commune_narrows_the_villages_to_its_own(client, district_officer, tantrao_officer):
    """The village drop-down after a commune is chosen: only that commune's villages, namesakes told apart, none of
    another commune; a commune officer never gets another commune's villages."""
    from django.urls import reverse

    from tests.conftest import make_village, unit

    tantrao, minhthanh = unit("02545"), unit("02554")
    own = make_village(tantrao, "Thôn Khuôn Thống")
    other = make_village(minhthanh, "Thôn Khuôn Thống")
    url = reverse("households:village_choices")
    client.force_login(district_officer)
    html = client.get(url, {"commune": tantrao.pk, "village": own.pk}).content.decode()
    assert f'<option value="{own.pk}" selected>' in html and f'value="{other.pk}"' not in html
    everyone = client.get(url).content.decode()
    assert "Thôn Khuôn Thống – Xã Minh Thanh" in everyone and "Thôn Khuôn Thống – Xã Tân Trào" in everyone
    codes = client.get(url, {"commune": minhthanh.code, "value": "code", "village": other.code}).content.decode()
    assert f'<option value="{other.code}" selected>' in codes and f'value="{own.code}"' not in codes
    client.force_login(tantrao_officer)
    assert f'value="{other.pk}"' not in client.get(url, {"commune": minhthanh.pk}).content.decode()
