"""The pages of the review import: the template of a commune and year, upload, preview, confirm, the errors
workbook, a stale confirm, a large file through Celery, who may import, and the links to it."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from households import imports, imports_reviews
from households.models import AnnualReview, Job, JobStatus, ReviewState
from tests.conftest import make_village
from tests.io.test_review_import_fixtures import YEAR, make_family, review_row, review_workbook, save_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(tantrao):
    village = make_village(tantrao, "Thôn Tân Lập")
    return [make_family(tantrao, village, f"TT-{n}", head=f"Ma Văn Thắng {n}") for n in range(1, 4)]


def upload(client, data, name="ra-soat.xlsx", year=YEAR, **extra):
    return client.post(reverse("households:review_import_start"),
                       {"file": SimpleUploadedFile(name, data), "year": year, **extra})


def template(client, **params):
    return client.get(reverse("households:review_import_template"), {"year": YEAR, **params})


def read(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_template_has_vietnamese_headers_drop_downs_prefilled_households_and_instructions(client, tantrao_officer,
                                                                                             families):
    save_review(families[1], income=1_200_000, deprived=("1", "4", "9"), causes=["von", "dat"], needs=["vayvon"])
    client.force_login(tantrao_officer)
    response = template(client)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "mau-ket-qua-ra-soat-2025-02545.xlsx" in response["Content-Disposition"]
    wb = read(response)
    assert wb.sheetnames == ["Kết quả rà soát", "Hướng dẫn", "Danh mục"]
    sheet = wb["Kết quả rà soát"]
    assert sheet["A1"].value == "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025 – XÃ TÂN TRÀO"
    header = [c.value for c in sheet[4]]
    assert header[:7] == ["Mã hộ *", "Chủ hộ (để đối chiếu)", "Thôn, tổ dân phố", "Ngày rà soát", "Số nhân khẩu",
                          "Tổng thu nhập 12 tháng (đồng)", "Thu nhập bình quân (đồng/người/tháng)"]
    assert header[7:19] == ["1. Việc làm", "2. Người phụ thuộc trong hộ gia đình", "3. Dinh dưỡng", "4. Bảo hiểm y tế",
                            "5. Trình độ giáo dục của người lớn", "6. Tình trạng đi học của trẻ em",
                            "7. Chất lượng nhà ở", "8. Diện tích nhà ở bình quân đầu người", "9. Nguồn nước sinh hoạt",
                            "10. Nhà tiêu hợp vệ sinh", "11. Sử dụng dịch vụ viễn thông",
                            "12. Phương tiện phục vụ tiếp cận thông tin"]
    assert header[19:] == ["Nguyên nhân nghèo (1)", "Nguyên nhân nghèo (2)", "Nguyên nhân nghèo (3)",
                           "Nhu cầu hỗ trợ (1)", "Nhu cầu hỗ trợ (2)", "Nhu cầu hỗ trợ (3)",
                           "Hộ không có khả năng lao động", "Hộ có người có công", "Ghi chú",
                           "Phân loại hiện tại (để đối chiếu)", "Trạng thái (để đối chiếu)"]
    # One row per household, the review's values where there is one.
    rows = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=5) if r[0].value}
    assert list(rows) == ["TT-1", "TT-2", "TT-3"]
    assert rows["TT-1"][1:5] == ["Ma Văn Thắng 1", "Thôn Tân Lập", None, 4] and rows["TT-1"][-1] == "Chưa rà soát"
    reviewed = rows["TT-2"]
    assert reviewed[3:7] == ["02/10/2025", 4, None, 1_200_000]
    assert reviewed[7:19] == ["Có", "Không", "Không", "Có"] + ["Không"] * 4 + ["Có"] + ["Không"] * 3
    assert reviewed[19:22] == ["Thiếu vốn sản xuất, kinh doanh", "Thiếu đất canh tác", None]
    assert reviewed[22] == "Vay vốn ưu đãi" and reviewed[-2:] == ["Hộ nghèo", "Đang rà soát"]
    # Drop-downs: Có/Không for every indicator and the two flags, the lists for causes and needs.
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in sheet.data_validations.dataValidation}
    for letter in [*"HIJKLMNOPQRS", "Z", "AA"]:
        assert lists[letter].type == "list" and lists[letter].formula1 == '"Có,Không"', letter
    assert lists["T"].formula1 == "'Danh mục'!$A$2:$A$12" and lists["W"].formula1 == "'Danh mục'!$B$2:$B$14"
    assert lists["E"].type == "whole" and lists["F"].type == "decimal"
    assert wb["Danh mục"]["A2"].value == "Thiếu vốn sản xuất, kinh doanh"
    guide = "\n".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    assert "HƯỚNG DẪN ĐIỀN KẾT QUẢ RÀ SOÁT" in guide and "thiếu hụt từ 3 chỉ số trở lên → hộ nghèo" in guide
    assert "• 4. Bảo hiểm y tế: thiếu hụt khi hộ có ít nhất một người từ đủ 6 tuổi" in guide


def test_the_template_filled_in_goes_through_preview_and_confirm_and_again_changes_nothing(client, tantrao_officer,
                                                                                          families):
    client.force_login(tantrao_officer)
    wb = read(template(client))
    sheet = wb["Kết quả rà soát"]
    for r, (month, ticks) in zip(range(5, 8), [(1_200_000, "xxx"), (900_000, "x"), (None, "")]):
        if month:
            sheet.cell(row=r, column=7, value=month)
        for i, _tick in enumerate(ticks):
            sheet.cell(row=r, column=8 + i, value="Có")
    sheet.cell(row=5, column=20, value="Thiếu vốn sản xuất, kinh doanh")
    out = io.BytesIO()
    wb.save(out)
    response = upload(client, out.getvalue())
    job = Job.objects.get(kind=imports_reviews.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("households:import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Xem trước kết quả rà soát" in page and "Xác nhận ghi 2 kết quả rà soát" in page
    assert "Hộ nghèo (thiếu hụt 3 chỉ số: 1, 2, 3" in page and "Bỏ qua (chưa nhập)" in page
    assert not AnnualReview.objects.exists()
    response = client.post(reverse("households:import_confirm", args=[job.pk]), follow=True)
    assert "Đã ghi kết quả rà soát năm 2025: 2 hộ thêm mới, 0 hộ cập nhật." in response.content.decode()
    assert dict(AnnualReview.objects.values_list("household__code", "classification")) == {
        "TT-1": "poor", "TT-2": "near_poor"}
    # The template downloaded now, uploaded as it is: every row unchanged (or still blank), nothing to confirm.
    again = io.BytesIO(b"".join(template(client).streaming_content))
    response = upload(client, again.getvalue(), name="lan-2.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "Không có gì thay đổi" in page and "Xác nhận ghi" not in page
    assert [r.version for r in AnnualReview.objects.all()] == [1, 1]


def test_errors_are_listed_with_the_errors_workbook_and_no_confirm_button(client, tantrao_officer, families):
    client.force_login(tantrao_officer)
    rows = [review_row("TT-1", month=1_200_000), review_row("TT-2", month="chín trăm nghìn")]
    response = upload(client, review_workbook(rows, title_rows=2))
    job = Job.objects.get(kind=imports_reviews.JOB_KIND)
    page = client.get(response["Location"]).content.decode()
    assert "Tệp còn 1 lỗi: chưa ghi dòng nào." in page and "Xác nhận ghi" not in page
    assert "Thu nhập bình quân “chín trăm nghìn” không phải số tiền" in page
    client.post(reverse("households:import_confirm", args=[job.pk]))
    assert not AnnualReview.objects.exists()
    errors = load_workbook(io.BytesIO(client.get(reverse("households:import_errors", args=[job.pk])).content))
    sheet = errors.worksheets[0]
    assert sheet.cell(row=5, column=6).fill.fgColor.rgb.endswith("F8CBAD")
    assert [c.value for c in errors["Danh sách lỗi"][2]][:2] == [5, "Thu nhập bình quân (đồng/người/tháng)"]


def test_a_review_changed_after_the_preview_refuses_the_confirm_naming_who(client, tantrao_officer, families,
                                                                          district_officer):
    save_review(families[0], income=1_200_000, deprived=("1", "2", "3"))
    client.force_login(tantrao_officer)
    upload(client, review_workbook([review_row("TT-1", month=1_000_000, deprived=("1", "2", "3"))]))
    job = Job.objects.get(kind=imports_reviews.JOB_KIND)
    save_review(families[0], income=1_300_000, deprived=("1", "2", "3"), user=district_officer)
    response = client.post(reverse("households:import_confirm", args=[job.pk]), follow=True)
    page = response.content.decode()
    assert "Chưa ghi dòng nào: dữ liệu đã thay đổi sau khi xem trước." in page
    assert "đã được Nguyễn Thị Hạnh sửa lúc" in page
    assert AnnualReview.objects.get().income_per_capita_month == 1_300_000


def test_a_recognised_review_in_the_file_is_refused_on_the_page(client, tantrao_officer, families):
    review = save_review(families[0])
    AnnualReview.objects.filter(pk=review.pk).update(state=ReviewState.RECOGNISED)
    client.force_login(tantrao_officer)
    response = upload(client, review_workbook([review_row("TT-1", month=1_000_000)]))
    page = client.get(response["Location"]).content.decode()
    assert "đã được Chủ tịch UBND xã công nhận" in page and "Xác nhận ghi" not in page


def test_a_large_file_is_checked_and_written_by_celery_with_a_progress_bar(client, tantrao_officer, families,
                                                                            monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    from households import tasks_io

    queued = []
    monkeypatch.setattr(imports, "SYNC_ROW_LIMIT", 0)
    monkeypatch.setattr(tasks_io.reviews_import_task, "delay", lambda job_id: queued.append(job_id))
    client.force_login(tantrao_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, review_workbook([review_row("TT-1", month=1_000_000)]))
    job = Job.objects.get(kind=imports_reviews.JOB_KIND)
    assert queued == [job.pk] and job.status == JobStatus.PENDING
    page = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in page and 'hx-trigger="every 1s"' in page
    tasks_io.reviews_import_task(job.pk)  # what the worker runs
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Xem kết quả" in partial and "hx-trigger" not in partial
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("households:import_confirm", args=[job.pk]))
    assert queued == [job.pk, job.pk]
    tasks_io.reviews_import_task(job.pk)
    assert AnnualReview.objects.get().classification == "near_poor"
    tasks_io.reviews_import_task(job.pk)  # a redelivered task does nothing more
    assert AnnualReview.history.count() == 1


def test_another_communes_officer_cannot_open_the_review_import(client, tantrao_officer, minhthanh_officer, families):
    client.force_login(tantrao_officer)
    upload(client, review_workbook([review_row("TT-1", month=1_000_000)]))
    job = Job.objects.get(kind=imports_reviews.JOB_KIND)
    client.force_login(minhthanh_officer)
    for name in ("households:import_job", "households:import_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("households:import_confirm", args=[job.pk])).status_code == 404
    tantrao_id = tantrao_officer.unit_id
    assert template(client, commune=tantrao_id).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("commune_officer", 200), ("district_officer", 200), ("admin", 200),
                                              ("agency_officer", 403), ("province_viewer", 403)])
def test_who_may_import_reviews(client, personas, role, status):
    client.force_login(personas[role])
    assert client.get(reverse("households:review_import_start")).status_code == status
    response = template(client)
    assert response.status_code == (status if role == "commune_officer" else {200: 302, 403: 403}[status])


def test_a_district_officer_chooses_the_commune_of_the_template(client, district_officer, tantrao, families):
    client.force_login(district_officer)
    response = template(client)
    assert response.status_code == 302 and reverse("households:review_import_start") in response["Location"]
    wb = read(template(client, commune=tantrao.pk))
    assert "XÃ TÂN TRÀO" in wb.worksheets[0]["A1"].value


def test_the_import_and_export_pages_link_to_the_review_import(client, tantrao_officer):
    client.force_login(tantrao_officer)
    page = client.get(reverse("households:import_start")).content.decode()
    assert "Nhập kết quả rà soát" in page and reverse("households:review_import_start") in page
    assert reverse("households:review_import_template") in page
    page = client.get(reverse("households:review_import_start")).content.decode()
    assert "Tải tệp mẫu kết quả rà soát (.xlsx)" in page and 'name="year"' in page
    assert reverse("households:review_import_start") in client.get(reverse("households:export_page")).content.decode()


def test_the_review_board_links_to_the_review_import_of_its_year(client, tantrao_officer, tantrao):
    client.force_login(tantrao_officer)
    page = client.get(reverse("households:review_board"), {"year": YEAR}).content.decode()
    assert f'{reverse("households:review_import_start")}?year={YEAR}&amp;commune={tantrao.pk}' in page
    page = client.get(reverse("households:review_import_start"), {"year": YEAR, "commune": tantrao.pk}).content.decode()
    assert f'<option value="{YEAR}" selected>' in page
