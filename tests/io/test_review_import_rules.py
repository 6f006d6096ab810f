"""The review import's rules: every row's outcome and classification, every error kind by row, column and reason,
all rows or none, the same file twice changes nothing, the workflow and the scope, stale versions, and the same
words and the same classification as households.services.review_save."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from households import poverty, services
from households.imports import ImportRefused
from households.imports_reviews import reviews_import_commit, reviews_import_plan
from households.models import AnnualReview, PovertyStandard, ReviewState
from tests.conftest import make_village
from tests.io.test_review_import_fixtures import COL, YEAR, make_family, review_row, review_workbook, save_review

pytestmark = pytest.mark.django_db

CAUSE = "Thiếu vốn sản xuất, kinh doanh"
NEED = "Vay vốn ưu đãi"


@pytest.fixture
def village(tantrao):
    return make_village(tantrao, "Thôn Tân Lập")


@pytest.fixture
def families(tantrao, village):
    return [make_family(tantrao, village, f"TT-{n}", head=f"Ma Văn Thắng {n}") for n in range(1, 4)]


def plan_of(user, rows, commune=None, year=YEAR, **kwargs):
    return reviews_import_plan(data=review_workbook(rows, **kwargs), filename="ra-soat.xlsx", user=user, year=year,
                               commune=commune)


def commit(user, rows, commune=None, **kwargs):
    return reviews_import_commit(data=review_workbook(rows, **kwargs), filename="ra-soat.xlsx", user=user, year=YEAR,
                                 commune=commune)


def problems(plan):
    return {(p.row, p.column): p.message for p in plan.problems}


def good_rows():
    return [
        review_row("TT-1", month=1_200_000, deprived=("1", "2", "3"), cause=CAUSE, need=NEED),
        review_row("TT-2", total=57_600_000, deprived=("4",)),  # 57.600.000 ÷ 4 ÷ 12 = 1.200.000
        review_row("TT-3", month=2_000_000, deprived=("1", "2", "3", "4")),
    ]


def test_every_row_is_classified_in_the_preview_and_nothing_is_written(tantrao_officer, families):
    plan = plan_of(tantrao_officer, good_rows())
    assert plan.ok, (plan.fatal, problems(plan))
    assert [r.outcome for r in plan.rows] == ["new", "new", "new"]
    rows = plan.to_json()["rows"]
    assert rows[0][:4] == [2, "TT-1", "Ma Văn Thắng 1", "new"]
    assert rows[0][4][0] == ("Hộ nghèo (thiếu hụt 3 chỉ số: 1, 2, 3; thu nhập 1.200.000 đồng/người/tháng, chuẩn nông "
                             "thôn 1.500.000 đồng) – Hộ nghèo phát sinh")  # resident, on no list in 2024
    assert rows[1][4][0].startswith("Hộ cận nghèo (thiếu hụt 1 chỉ số: 4; thu nhập 1.200.000 đồng")
    assert rows[2][4][0].startswith("Hộ có mức sống trung bình (thiếu hụt 4 chỉ số")
    assert plan.totals()["classes"] == {"Hộ nghèo": 1, "Hộ cận nghèo": 1, "Hộ có mức sống trung bình": 1}
    assert not AnnualReview.objects.exists()


def test_the_commit_saves_through_review_save(tantrao_officer, families):
    commit(tantrao_officer, good_rows())
    reviews = {r.household.code: r for r in AnnualReview.objects.select_related("household")}
    first = reviews["TT-1"]
    assert (first.classification, first.change, first.deprivation_count) == ("poor", "newly_poor", 3)
    assert [c.code for c in first.causes.all()] == ["von"] and [n.code for n in first.needs.all()] == ["vayvon"]
    assert first.review_date == dt.date(2025, 10, 2) and first.state == ReviewState.DRAFT
    assert first.updated_by == tantrao_officer and first.history.earliest().history_user == tantrao_officer
    assert first.events.get().action == "create"  # the workflow event review_save records
    assert reviews["TT-2"].income_total_12m == 57_600_000 and reviews["TT-2"].income_per_capita_month == 1_200_000
    assert reviews["TT-2"].classification == "near_poor"
    assert reviews["TT-3"].classification == "average"


def test_updated_unchanged_and_skipped_rows(tantrao_officer, families):
    save_review(families[0], income=1_200_000, deprived=("1", "2", "3"))
    save_review(families[1], income=1_200_000, deprived=("4",))
    rows = [
        review_row("TT-1", month=1_600_000, deprived=("1", "2", "3")),  # above the line now
        review_row("TT-2", month=1_200_000, deprived=("4",)),
        review_row("TT-3", day=None, deprived=()),  # nothing filled in
    ]
    rows[2][6:18] = [None] * 12
    plan = plan_of(tantrao_officer, rows)
    assert plan.ok, problems(plan)
    assert [r.outcome for r in plan.rows] == ["updated", "unchanged", "skipped"]
    changes = plan.rows[0].changes
    assert "Thu nhập bình quân 1.200.000 đồng → 1.600.000 đồng/người/tháng" in changes
    assert "Phân loại: Hộ nghèo → Hộ có mức sống trung bình" in changes
    assert plan.rows[0].result["summary"].endswith("– Không thay đổi")  # no earlier year: neither, as the lists had it
    commit(tantrao_officer, rows)
    first = AnnualReview.objects.get(household=families[0])
    assert (first.classification, first.version) == ("average", 2)
    assert AnnualReview.objects.get(household=families[1]).version == 1
    assert not AnnualReview.objects.filter(household=families[2]).exists()


def test_the_change_from_last_year_is_shown(tantrao_officer, families):
    services.review_save(household=families[0], year=2024, review_date=dt.date(2024, 10, 1), member_count=4,
                         income_per_capita_month=1_000_000, deprivations=["1", "2", "3"])
    plan = plan_of(tantrao_officer, [review_row("TT-1", month=1_300_000, deprived=("1",))])
    assert plan.rows[0].result["summary"].endswith("– Thoát nghèo")
    assert plan.rows[0].result["change"] == poverty.ESCAPED_POVERTY


def test_importing_the_same_file_again_changes_nothing(tantrao_officer, families):
    rows = good_rows()
    commit(tantrao_officer, rows)
    before = {r.pk: (r.version, r.history.count(), r.updated_at) for r in AnnualReview.objects.all()}
    plan = plan_of(tantrao_officer, rows)
    assert [r.outcome for r in plan.rows] == ["unchanged"] * 3 and plan.ok
    commit(tantrao_officer, rows)
    after = {r.pk: (r.version, r.history.count(), r.updated_at) for r in AnnualReview.objects.all()}
    assert before == after


ERRORS = [
    # (change to the second row, column, the reason's words)
    (lambda r: r.__setitem__(COL["code"], "TT-999"), "Mã hộ", "Không có hộ mã TT-999 trong sổ hộ."),
    (lambda r: r.__setitem__(COL["code"], "TT-1"), "Mã hộ", "Hộ TT-1 đã có ở dòng 2 của tệp: mỗi hộ chỉ ghi một dòng."),
    (lambda r: r.__setitem__(COL["total"], "mười triệu"), "Tổng thu nhập 12 tháng (đồng)",
     "Tổng thu nhập “mười triệu” không phải số tiền (ghi số đồng, ví dụ 18.000.000)."),
    (lambda r: r.__setitem__(COL["total"], -5), "Tổng thu nhập 12 tháng (đồng)", "Tổng thu nhập không được âm."),
    (lambda r: (r.__setitem__(COL["total"], None), r.__setitem__(COL["month"], -1)),
     "Thu nhập bình quân (đồng/người/tháng)", "Thu nhập bình quân không được âm."),
    (lambda r: (r.__setitem__(COL["total"], None), r.__setitem__(COL["month"], None)),
     "Tổng thu nhập 12 tháng (đồng)", "Chưa nhập thu nhập của hộ."),
    (lambda r: r.__setitem__(COL["month"], 1_500_000), "Thu nhập bình quân (đồng/người/tháng)",
     "Thu nhập bình quân 1.500.000 đồng khác với tổng thu nhập ÷ số nhân khẩu ÷ 12 tháng = 1.200.000 đồng."),
    (lambda r: r.__setitem__(COL["members"], "bốn"), "Số nhân khẩu", "Số nhân khẩu “bốn” phải là một số nguyên."),
    (lambda r: r.__setitem__(COL["members"], 0), "Số nhân khẩu", "Hộ phải có ít nhất một nhân khẩu."),
    (lambda r: r.__setitem__(6, "Có lẽ"), "1. Việc làm",
     "Chỉ số 1: “Có lẽ” không hợp lệ; ghi Có (hoặc x) hoặc Không (hoặc để trống)."),
    (lambda r: r.__setitem__(COL["cause"], "Lười lao động"), "Nguyên nhân nghèo (1)",
     "Nguyên nhân nghèo “Lười lao động” không có trong danh sách (trang “Danh mục” của tệp mẫu)."),
    (lambda r: r.__setitem__(COL["need"], "Xe máy"), "Nhu cầu hỗ trợ (1)",
     "Nhu cầu hỗ trợ “Xe máy” không có trong danh sách"),
    (lambda r: r.__setitem__(COL["nwc"], "có thể"), "Hộ không có khả năng lao động", "“có thể” không hợp lệ"),
    (lambda r: r.__setitem__(COL["date"], "02/10/2024"), "Ngày rà soát", "Ngày rà soát phải thuộc năm 2025."),
    (lambda r: r.__setitem__(COL["date"], "31/02/2025"), "Ngày rà soát", "không có thật"),
    (lambda r: r.__setitem__(COL["date"], "hôm qua"), "Ngày rà soát", "“hôm qua” không phải ngày"),
]


@pytest.mark.parametrize(("change", "column", "words"), ERRORS)
def test_each_error_is_reported_by_row_column_and_reason(tantrao_officer, families, change, column, words):
    rows = good_rows()
    change(rows[1])
    plan = plan_of(tantrao_officer, rows)
    found = problems(plan)
    assert (3, column) in found, found  # header on row 1, the second household on row 3
    assert words in found[(3, column)]
    assert plan.rows[0].outcome == "new" and plan.rows[1].outcome == "error"
    with pytest.raises(ImportRefused):
        commit(tantrao_officer, rows)
    assert not AnnualReview.objects.exists()


def test_all_errors_of_a_file_are_listed_at_once(tantrao_officer, families):
    rows = good_rows()
    rows[0][COL["members"]] = "x"
    rows[1][COL["total"]] = "abc"
    rows[2][7] = "?"
    plan = plan_of(tantrao_officer, rows)
    assert sorted(problems(plan)) == [(2, "Số nhân khẩu"), (3, "Tổng thu nhập 12 tháng (đồng)"),
                                      (4, "2. Người phụ thuộc trong hộ gia đình")]


def test_a_review_date_after_today_is_refused(tantrao_officer, families):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    if tomorrow.year != today.year:
        pytest.skip("the last day of the year has no later day in the same review year")
    plan = plan_of(tantrao_officer, [review_row("TT-1", day=f"{tomorrow:%d/%m/%Y}", month=1_000_000)], year=today.year)
    assert problems(plan)[(2, "Ngày rà soát")] == "Ngày rà soát không được sau ngày hôm nay."


def test_the_last_row_bad_writes_nothing(tantrao_officer, families):
    rows = good_rows()
    rows[2][COL["month"]] = "???"
    plan = plan_of(tantrao_officer, rows)
    assert [r.outcome for r in plan.rows] == ["new", "new", "error"]
    with pytest.raises(ImportRefused) as refused:
        commit(tantrao_officer, rows)
    assert [(p.row, p.column) for p in refused.value.plan.problems] == [(4, "Thu nhập bình quân (đồng/người/tháng)")]
    assert not AnnualReview.objects.exists()


def test_a_refusal_by_the_service_at_the_commit_writes_nothing_and_names_its_row(tantrao_officer, families, monkeypatch):
    # The preview passed, but the service (review_save's rules, applied by reviews_save_many) refuses the third
    # household at the commit: no row of the file is written, and the refusal is shown on its row.
    real = services._review_build
    calls = []

    def third_refused(reads, **kwargs):
        calls.append(kwargs["household"].code)
        if len(calls) == 3:
            raise ValidationError({"member_count": "Hộ phải có ít nhất một nhân khẩu."})
        return real(reads, **kwargs)

    monkeypatch.setattr(services, "_review_build", third_refused)
    with pytest.raises(ImportRefused) as refused:
        commit(tantrao_officer, good_rows())
    assert calls[:3] == ["TT-1", "TT-2", "TT-3"]
    assert [(p.row, p.column, p.message) for p in refused.value.plan.problems] == [
        (4, "Số nhân khẩu", "Hộ phải có ít nhất một nhân khẩu.")]
    assert not AnnualReview.objects.exists() and not AnnualReview.history.exists()


@pytest.mark.parametrize(("state", "words"), [
    (ReviewState.REVIEWED, "đã gửi họp thôn (trạng thái “Đã rà soát, chờ họp thôn”): không nhập đè từ Excel"),
    (ReviewState.AGREED, "đã được họp thôn thống nhất"),
    (ReviewState.POSTED, "đã được họp thôn thống nhất"),
    (ReviewState.RECOGNISED, "đã được Chủ tịch UBND xã công nhận (quyết định số 12/QĐ-UBND)"),
    (ReviewState.CONFIRMED, "đã được Chủ tịch UBND xã công nhận"),
])
def test_a_review_past_the_survey_step_is_refused_for_its_row(tantrao_officer, families, state, words):
    review = save_review(families[0], income=1_200_000, deprived=("1", "2", "3"))
    AnnualReview.objects.filter(pk=review.pk).update(state=state, decision_number="12/QĐ-UBND")
    rows = good_rows()
    rows[0][COL["cause"]] = rows[0][COL["need"]] = None
    plan = plan_of(tantrao_officer, rows)
    assert plan.rows[0].outcome == "unchanged"  # the same values: nothing to write, nothing refused
    rows[0][COL["month"]] = 1_300_000
    plan = plan_of(tantrao_officer, rows)
    assert plan.rows[0].outcome == "error" and words in problems(plan)[(2, "Mã hộ")]
    with pytest.raises(ImportRefused):
        commit(tantrao_officer, rows)
    assert AnnualReview.objects.count() == 1 and AnnualReview.objects.get().income_per_capita_month == 1_200_000


def test_a_commune_officer_cannot_import_another_communes_household(tantrao_officer, minhthanh_household, families):
    rows = good_rows() + [review_row(minhthanh_household.code, month=900_000, deprived=("1", "2", "3"))]
    plan = plan_of(tantrao_officer, rows)
    message = problems(plan)[(5, "Mã hộ")]
    assert message.startswith(f"Hộ {minhthanh_household.code} không thuộc phạm vi của bạn")
    assert "Minh Thanh" not in message
    with pytest.raises(ImportRefused):
        commit(tantrao_officer, rows)
    assert not AnnualReview.objects.exists()


def test_a_district_officer_imports_any_commune_but_not_outside_the_commune_chosen(district_officer, tantrao,
                                                                                   minhthanh_household, families):
    rows = good_rows() + [review_row(minhthanh_household.code, month=900_000, deprived=("1", "2", "3"))]
    assert plan_of(district_officer, rows).ok
    plan = plan_of(district_officer, rows, commune=tantrao)
    assert problems(plan)[(5, "Mã hộ")] == (f"Hộ {minhthanh_household.code} thuộc Xã Minh Thanh, không thuộc "
                                            "Xã Tân Trào đã chọn khi tải tệp lên.")


def test_a_commune_officer_cannot_choose_another_commune(tantrao_officer, minhthanh, families):
    plan = plan_of(tantrao_officer, good_rows(), commune=minhthanh)
    assert plan.fatal == "Bạn không được nhập dữ liệu cho Xã Minh Thanh."


def test_a_review_saved_by_someone_else_after_the_preview_refuses_the_confirm(tantrao_officer, families,
                                                                             district_officer):
    save_review(families[0], income=1_200_000, deprived=("1", "2", "3"))
    rows = good_rows()
    rows[0][COL["month"]] = 1_100_000
    data = review_workbook(rows)
    preview = reviews_import_plan(data=data, filename="a.xlsx", user=tantrao_officer, year=YEAR)
    assert preview.ok and preview.versions() == {"TT-1": 1, "TT-2": None, "TT-3": None}
    save_review(families[0], income=1_250_000, deprived=("1", "2", "3"), user=district_officer)  # someone else
    with pytest.raises(ImportRefused) as refused:
        reviews_import_commit(data=data, filename="a.xlsx", user=tantrao_officer, year=YEAR,
                              expected_versions=preview.versions())
    message = {p.row: p.message for p in refused.value.plan.problems}[2]
    assert "đã được Nguyễn Thị Hạnh sửa lúc" in message and "Hãy xem trước lại tệp." in message
    review = AnnualReview.objects.get(household=families[0])
    assert review.income_per_capita_month == 1_250_000 and review.version == 2
    assert AnnualReview.objects.count() == 1


def test_a_review_created_by_someone_else_after_the_preview_refuses_the_confirm(tantrao_officer, families,
                                                                               district_officer):
    data = review_workbook(good_rows())
    preview = reviews_import_plan(data=data, filename="a.xlsx", user=tantrao_officer, year=YEAR)
    save_review(families[2], user=district_officer)
    with pytest.raises(ImportRefused) as refused:
        reviews_import_commit(data=data, filename="a.xlsx", user=tantrao_officer, year=YEAR,
                              expected_versions=preview.versions())
    assert "Nguyễn Thị Hạnh" in {p.row: p.message for p in refused.value.plan.problems}[4]
    assert AnnualReview.objects.count() == 1


def test_an_indicator_derived_from_the_households_facts_needs_a_reason_to_differ(tantrao_officer, families):
    household = families[0]
    facts = {"members": [{"id": m.pk, "health_insurance": False} for m in household.members.all()]}
    services.review_save(household=household, year=YEAR, review_date=dt.date(2025, 10, 2), member_count=4,
                         income_per_capita_month=1_200_000, facts=facts, deprivations=["1", "4", "5"])
    rows = [review_row("TT-1", month=1_200_000, deprived=("1", "5"))]  # 4: Không, the facts say deprived
    plan = plan_of(tantrao_officer, rows)
    message = problems(plan)[(2, "4. Bảo hiểm y tế")]
    assert message.startswith("Chỉ số 4 (Bảo hiểm y tế): theo thông tin hộ là «thiếu hụt»")
    with pytest.raises(ValidationError) as exc:
        services.review_save(household=household, year=YEAR, income_per_capita_month=1_200_000,
                             deprivations=["1", "5"])
    assert exc.value.message_dict["indicators.4"] == [message]


@pytest.mark.parametrize(("kwargs", "words", "row_change"), [
    ({"income_total_12m": -5}, "Tổng thu nhập không được âm.", lambda r: r.__setitem__(COL["total"], -5)),
    ({"income_per_capita_month": 1_000_000, "member_count": 0}, "Hộ phải có ít nhất một nhân khẩu.",
     lambda r: r.__setitem__(COL["members"], 0)),
    ({"review_date": dt.date(2024, 10, 2), "income_per_capita_month": 1_000_000}, "Ngày rà soát phải thuộc năm 2025.",
     lambda r: r.__setitem__(COL["date"], "02/10/2024")),
    ({}, "Chưa nhập thu nhập của hộ.", lambda r: (r.__setitem__(COL["total"], None), r.__setitem__(COL["month"], None))),
])
def test_the_service_refuses_the_same_data_with_the_same_words(tantrao_officer, families, kwargs, words, row_change):
    with pytest.raises(ValidationError) as exc:
        services.review_save(household=families[1], year=YEAR, **{"review_date": dt.date(2025, 10, 2), **kwargs})
    assert words in exc.value.messages
    rows = good_rows()
    row_change(rows[1])
    assert words in problems(plan_of(tantrao_officer, rows)).values()


def test_the_locked_words_are_the_services(tantrao_officer, families):
    review = save_review(families[0])
    AnnualReview.objects.filter(pk=review.pk).update(state=ReviewState.RECOGNISED, decision_number="")
    with pytest.raises(ValidationError) as exc:
        save_review(families[0], income=1_000_000)
    rows = good_rows()
    rows[0][COL["month"]] = 1_000_000
    assert problems(plan_of(tantrao_officer, rows))[(2, "Mã hộ")] == exc.value.messages[0]


@pytest.mark.parametrize(("total", "deprived", "expected"), [
    (64_800_000, ("1", "2", "3"), "poor"),  # 64.800.000 ÷ 4 ÷ 12 = 1.350.000 ≤ 1.500.000, 3 deprivations
    (64_800_000, ("1", "2"), "near_poor"),  # the same income, 2 deprivations
    (72_000_000, ("1", "2", "3", "4", "5"), "poor"),  # exactly 1.500.000: not above the line
    (72_000_048, ("1", "2", "3", "4", "5"), "average"),  # 1.500.001: above the line, up to 2.250.000
    (108_000_048, (), "other"),  # 2.250.001: above the average-living line
])
def test_the_classification_is_poverty_pys_on_the_domain_examples(tantrao_officer, families, tantrao, total,
                                                                  deprived, expected):
    """docs/domain.md §2 (Decree 07 Art. 3.2): income ≤ the line and ≥ 3 deprivations → poor; ≤ the line and 0–2 →
    near-poor; above the line → neither (average living up to 2.250.000 đ in rural areas)."""
    rows = [review_row("TT-1", total=total, deprived=deprived)]
    plan = plan_of(tantrao_officer, rows)
    rules = PovertyStandard.objects.for_year(YEAR).to_rules()
    income = poverty.income_per_capita_month(total, 4)
    expected_result = poverty.classify(rules, area=tantrao.area, income_per_capita_month=income, deprivations=deprived)
    assert expected_result.category == expected
    assert plan.rows[0].result["classification"] == expected
    assert plan.rows[0].result["summary"].startswith(f"{expected_result.label} (thiếu hụt {len(deprived)} chỉ số")
    commit(tantrao_officer, rows)
    review = AnnualReview.objects.get()
    assert review.classification == expected and review.income_per_capita_month == income
    assert review.reasons == list(expected_result.reasons)


def test_a_different_head_name_in_the_file_is_pointed_out(tantrao_officer, families):
    rows = good_rows()
    rows[0][COL["head"]] = "Hoàng Văn Khác"
    plan = plan_of(tantrao_officer, rows)
    assert plan.ok
    assert "Lưu ý: chủ hộ trong tệp “Hoàng Văn Khác” khác sổ hộ “Ma Văn Thắng 1”: kiểm tra lại mã hộ." in plan.rows[0].changes
