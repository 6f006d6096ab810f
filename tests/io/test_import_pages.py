"""The pages: template download, upload, preview, confirm, the errors workbook, a large file through Celery."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households import imports
from households.models import Household, Job, JobStatus
from tests.io.conftest import HEADERS, household_rows, read, workbook

pytestmark = pytest.mark.django_db


def upload(client, data, name="danh-sach.xlsx", **extra):
    return client.post(reverse("households:import_start"), {"file": SimpleUploadedFile(name, data), **extra})


def test_template_has_vietnamese_headers_drop_downs_and_instructions(client, tantrao_officer, tan_lap, cau_tram):
    client.force_login(tantrao_officer)
    response = client.get(reverse("households:import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = read(response.content)
    assert wb.sheetnames == ["Nhân khẩu", "Hướng dẫn", "Danh mục"]
    sheet = wb["Nhân khẩu"]
    assert "XÃ TÂN TRÀO" in sheet["A1"].value
    assert [c.value for c in sheet[4]] == ["Mã hộ *", "Thôn, tổ dân phố", "Địa chỉ", "Điện thoại", "Họ và tên *",
                                           "Giới tính", "Ngày sinh", "Số định danh cá nhân", "Dân tộc",
                                           "Quan hệ với chủ hộ", "Nghề nghiệp chính"]
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert set(lists) == {"B", "F", "I", "J", "K"}  # village, sex, ethnic group, relation, livelihood
    assert lists["K"] == "='Danh mục'!$F$2:$F$6"
    assert lists["I"] == "='Danh mục'!$A$2:$A$55"
    catalogue = wb["Danh mục"]
    assert len([c for c in catalogue["A"] if c.value]) == 55 and "Sán Chay" in [c.value for c in catalogue["A"]]
    assert {"Thôn Tân Lập", "Thôn Cầu Trâm"} <= {c.value for c in catalogue["D"]}
    assert [c.value for c in catalogue["F"]][1:3] == ["Nông nghiệp", "Lâm nghiệp"]
    assert sheet["H5"].number_format == "@"  # citizen IDs keep their leading zeros
    assert "Chủ hộ" in wb["Hướng dẫn"]["A5"].value


def test_an_officer_fills_the_template_uploads_it_previews_and_confirms(client, tantrao_officer, tan_lap):
    client.force_login(tantrao_officer)
    wb = read(client.get(reverse("households:import_template")).content)
    sheet = wb["Nhân khẩu"]
    for r, row in enumerate(household_rows("TT-1"), start=5):
        code, village, address, name, sex, birth, cid, ethnic, relation = row
        for c, value in enumerate([code, village, address, None, name, sex, birth, cid, ethnic, relation], start=1):
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    response = upload(client, out.getvalue())
    job = Job.objects.get(kind=imports.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("households:import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Xem trước" in page and "Thêm mới" in page and "Xác nhận ghi 1 hộ vào sổ" in page
    assert not Household.objects.exists()
    client.post(reverse("households:import_confirm", args=[job.pk]))
    assert Household.objects.get(code="TT-1").members.count() == 3
    page = client.get(reverse("households:import_job", args=[job.pk])).content.decode()
    assert "Đã ghi vào sổ hộ" in page
    # Confirming twice writes nothing more.
    response = client.post(reverse("households:import_confirm", args=[job.pk]), follow=True)
    assert "không thể ghi" in response.content.decode()


def test_preview_with_errors_offers_the_errors_workbook_and_no_confirm_button(client, tantrao_officer, tan_lap):
    client.force_login(tantrao_officer)
    rows = household_rows("TT-1")
    rows[1][6] = "123"
    response = upload(client, workbook(rows, title_rows=2))
    page = client.get(response["Location"]).content.decode()
    assert "Tệp còn 1 lỗi: chưa ghi dòng nào." in page and "Xác nhận ghi" not in page
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in page
    job = Job.objects.get(kind=imports.JOB_KIND)
    assert client.post(reverse("households:import_confirm", args=[job.pk])).status_code == 302
    assert not Household.objects.exists()
    errors = read(client.get(reverse("households:import_errors", args=[job.pk])).content)
    sheet = errors.worksheets[0]
    assert sheet.cell(row=3, column=10).value == "Lỗi cần sửa"
    assert sheet.cell(row=5, column=7).fill.fgColor.rgb.endswith("F8CBAD")
    assert "12 chữ số" in sheet.cell(row=5, column=7).comment.text
    assert "Số định danh cá nhân: Số định danh cá nhân phải gồm đúng 12 chữ số." == sheet.cell(row=5, column=10).value
    assert [c.value for c in errors["Danh sách lỗi"][2]] == [5, "Số định danh cá nhân", "Số định danh cá nhân phải gồm đúng 12 chữ số."]
    # Fixed in the errors workbook and uploaded again, it goes through (the error column is ignored).
    sheet.cell(row=5, column=7, value="008180005678")
    out = io.BytesIO()
    errors.save(out)
    response = upload(client, out.getvalue(), name="da-sua.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "Xác nhận ghi 1 hộ vào sổ" in page, page[page.find("<main"):][:3000]


@pytest.mark.parametrize(("data", "words"), [(b"%PDF-1.4", "PDF"), (b"PK\x03\x04broken", "hỏng"), (b"", "Tệp rỗng")])
def test_wrong_or_broken_files_get_a_message_on_the_form(client, tantrao_officer, data, words):
    client.force_login(tantrao_officer)
    response = upload(client, data, name="x.xlsx")
    assert response.status_code == 200 and words in response.content.decode()
    assert not Job.objects.exists()


def test_a_large_file_is_checked_by_celery_with_a_progress_bar(client, tantrao_officer, tan_lap, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    from households import tasks_io

    queued = []
    monkeypatch.setattr(imports, "SYNC_ROW_LIMIT", 0)
    monkeypatch.setattr(tasks_io.households_import_task, "delay", lambda job_id: queued.append(job_id))
    client.force_login(tantrao_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, workbook(household_rows("TT-1")))
    job = Job.objects.get(kind=imports.JOB_KIND)
    assert queued == [job.pk] and job.status == JobStatus.PENDING
    page = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in page and 'hx-trigger="every 1s"' in page
    tasks_io.households_import_task(job.pk)  # what the worker runs
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Xem kết quả" in partial and "hx-trigger" not in partial
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("households:import_confirm", args=[job.pk]))
    assert queued == [job.pk, job.pk]
    tasks_io.households_import_task(job.pk)
    assert Household.objects.filter(code="TT-1").exists()
    tasks_io.households_import_task(job.pk)  # a redelivered task does nothing more
    assert Household.history.filter(code="TT-1").count() == 1


def test_another_communes_officer_cannot_open_the_import(client, tantrao_officer, minhthanh_officer, tan_lap):
    client.force_login(tantrao_officer)
    upload(client, workbook(household_rows("TT-1")))
    job = Job.objects.get(kind=imports.JOB_KIND)
    client.force_login(minhthanh_officer)
    for name in ("households:import_job", "households:import_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("households:import_confirm", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("commune_officer", 200), ("district_officer", 200), ("admin", 200),
                                              ("agency_officer", 403), ("province_viewer", 403)])
def test_who_may_import(client, personas, role, status):
    client.force_login(personas[role])
    assert client.get(reverse("households:import_start")).status_code == status
    assert client.get(reverse("households:import_template")).status_code == status


def test_a_district_officer_template_has_a_commune_column(client, district_officer):
    client.force_login(district_officer)
    wb = read(client.get(reverse("households:import_template")).content)
    assert "Xã" in [c.value for c in wb["Nhân khẩu"][4]]
    assert len([c for c in wb["Danh mục"]["E"] if c.value]) == 11  # a title and the ten communes of today


def test_the_menu_offers_import_and_export(client, tantrao_officer, bank_officer):
    client.force_login(tantrao_officer)
    html = client.get("/").content.decode()
    assert "Nhập Excel" in html and "Xuất Excel" in html
    client.force_login(bank_officer)
    html = client.get("/").content.decode()
    assert "Nhập Excel" not in html and "Xuất Excel" in html


def test_headers_of_the_test_workbooks_are_the_templates():
    from households.resources import COLUMN_BY_KEY

    assert all(h in {c.header for c in COLUMN_BY_KEY.values()} for h in HEADERS)


def test_the_commit_reads_back_what_the_preview_parsed_and_survives_a_damaged_copy(client, tantrao_officer, tan_lap):
    client.force_login(tantrao_officer)
    upload(client, workbook(household_rows("TT-1")))
    job = Job.objects.get(kind=imports.JOB_KIND)
    kept = imports.job_dir(job) / "parsed.pickle"
    assert kept.exists()
    kept.write_bytes(b"not a pickle")  # a damaged leftover is parsed again, never trusted
    client.post(reverse("households:import_confirm", args=[job.pk]))
    assert Household.objects.get(code="TT-1").members.count() == 3


def test_a_formula_typed_in_an_upload_comes_back_as_text_in_the_errors_workbook(client, tantrao_officer, tan_lap):
    """A cell typed `=HYPERLINK(...)` is a string in every workbook the system writes, never a live formula."""
    client.force_login(tantrao_officer)
    rows = household_rows("TT-1")
    rows[1][6] = "123"  # an error, so the errors workbook is offered
    book = read(workbook(rows))
    cell = book.worksheets[0].cell(row=2, column=3)
    cell.value, cell.data_type = '=HYPERLINK("http://evil.example/x","Bấm vào đây")', "s"  # typed as text ('=…)
    out = io.BytesIO()
    book.save(out)
    response = upload(client, out.getvalue())
    job = Job.objects.get(kind=imports.JOB_KIND)
    errors = read(client.get(reverse("households:import_errors", args=[job.pk])).content)
    cell = errors.worksheets[0].cell(row=2, column=3)
    assert cell.value == '=HYPERLINK("http://evil.example/x","Bấm vào đây")' and cell.data_type == "s"
    assert not any(c.data_type == "f" for ws in errors.worksheets for row in ws.iter_rows() for c in row)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client, tantrao_officer, monkeypatch):
    from django.core.files.uploadedfile import InMemoryUploadedFile

    from households import views_io

    monkeypatch.setattr(views_io, "MAX_BYTES", 1024 * 1024)

    read = InMemoryUploadedFile.read

    def never_in_the_view(self, *args, **kwargs):
        import inspect

        if any(frame.filename.endswith("households/views_io.py") for frame in inspect.stack()):
            raise AssertionError("the view read the upload into memory")
        return read.fget(self)(*args, **kwargs)  # the test client encoding the request

    monkeypatch.setattr(InMemoryUploadedFile, "read", never_in_the_view)
    client.force_login(tantrao_officer)
    response = upload(client, b"PK\x03\x04" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 200
    assert "Tệp quá lớn (2 MB); giới hạn là 1 MB." in response.content.decode()
    assert not Job.objects.exists()
