"""English is the interface's second language; Vietnamese stays first and the default.

A user switches with the footer's language selector (Django's set_language view, which sets the language cookie);
menus, titles, buttons and messages then read in English (locale/en, built by tools/build_locale.py from the
Vietnamese msgids). The Excel workbooks and the printed forms stay Vietnamese whatever the user reads: the province
requires the standard forms.
"""
from __future__ import annotations

import gettext
import importlib.util
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "locale" / "en" / "LC_MESSAGES"


def _load_tool():
    spec = importlib.util.spec_from_file_location("build_locale", ROOT / "tools" / "build_locale.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_locale", module)
    spec.loader.exec_module(module)
    return module


build_locale = _load_tool()

# Strings of the layout every signed-in page shows.
ENGLISH_LAYOUT = ["Sign out", "Main menu", "Skip the menu", "Sustainable poverty reduction"]
VIETNAMESE_LAYOUT = ["Đăng xuất", "Menu chính", "Bỏ qua menu", "Giảm nghèo bền vững</strong>"]


def english_client(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_english(html: str, english: list[str], vietnamese: list[str]) -> None:
    missing = [s for s in english if s not in html]
    left = [s for s in vietnamese if s in html]
    assert missing == [] and left == [], {"missing English": missing, "Vietnamese left": left}


# --- settings and switching ------------------------------------------------------------------------------------


def test_vietnamese_is_first_and_default_english_second():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    middleware = settings.MIDDLEWARE
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < middleware.index(
        "sondương.locale.CookieLocaleMiddleware") < middleware.index("django.middleware.common.CommonMiddleware")
    assert (ROOT / "locale").resolve() in [Path(p).resolve() for p in settings.LOCALE_PATHS]


@pytest.mark.django_db
def test_login_page_is_vietnamese_without_a_choice():
    html = page(Client(), "/login/")
    assert 'lang="vi"' in html
    assert_english(html, ["Đăng nhập", "Tên đăng nhập", "Mật khẩu", "Quên mật khẩu?"], ["Sign in", "Username", "Password"])


@pytest.mark.django_db
def test_a_browser_set_to_english_still_gets_vietnamese_until_the_user_chooses(tantrao_officer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page(client, "/login/")
    assert 'lang="vi"' in html and "Tên đăng nhập" in html and "Username" not in html
    # The API's errors too: a commune system's HTTP library may send any Accept-Language.
    response = client.get("/api/v1/households/")
    assert response.status_code in (401, 403)
    assert "Username" not in response.content.decode() and "credentials were not provided" not in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Username" in page(client, "/login/")


@pytest.mark.django_db
def test_footer_selector_switches_the_login_page_to_english_and_back():
    client = Client()
    html = page(client, "/login/")
    assert 'action="/i18n/setlang/"' in html and '<option value="en"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = page(client, "/login/")
    assert 'lang="en"' in html
    assert_english(
        html,
        ["Sign in", "Username", "Password", "Forgot your password?",
         "Sustainable Poverty Reduction Program Management System of Sơn Dương District",
         '<option value="en" selected>English</option>'],
        ["Đăng nhập", "Tên đăng nhập", "Mật khẩu", "Quên mật khẩu", "Hệ thống quản lý"],
    )
    client.post("/i18n/setlang/", {"language": "vi", "next": "/login/"})
    assert "Tên đăng nhập" in page(client, "/login/")


@pytest.mark.django_db
def test_wrong_password_is_told_in_english(tantrao_officer):
    client = english_client()
    response = client.post("/login/", {"username": tantrao_officer.username, "password": "sai"})
    html = response.content.decode()
    assert "Incorrect username or password." in html
    assert "Tên đăng nhập hoặc mật khẩu không đúng" not in html


# --- the main pages of each role, in English ---------------------------------------------------------------------


@pytest.mark.django_db
def test_commune_officer_pages_in_english(tantrao_officer, tantrao_household):
    client = english_client(tantrao_officer)
    menu = ["Home", "Overview", "Households", "Annual review", "Targets", "Tasks", "Periodic reports", "Account"]
    not_menu = [">Trang chủ<", ">Tổng quan<", ">Hộ gia đình<", ">Rà soát hằng năm<", ">Tài khoản<"]

    home = page(client, "/")  # a commune officer lands on the commune's dashboard
    assert_english(home, ENGLISH_LAYOUT + menu + ["Overview of Xã Tân Trào", "Commune officer"],
                   VIETNAMESE_LAYOUT + not_menu + ["Tổng quan Xã Tân Trào", "Cán bộ xã"])

    households = page(client, "/households/")
    assert_english(households, ["Household code", "Household head", "Search", "+ Add a household", "Filter"],
                   ["Mã hộ", "Chủ hộ", "Tìm kiếm", "Thêm hộ", ">Lọc<"])

    detail = page(client, f"/households/{tantrao_household.code}/")
    assert_english(detail, ["Edit household details", "Relationship", "Household head", "Male", "Female"],
                   ["Sửa thông tin hộ", "Quan hệ", ">Chủ hộ<", ">Nam<", ">Nữ<"])

    board = page(client, "/reviews/")
    assert_english(board, ["Review of poor and near-poor households", "Review year", "Households to review",
                           "Progress by step"],
                   ["Rà soát hộ nghèo, cận nghèo năm", "Năm rà soát", "Hộ cần rà soát", "Tiến độ theo bước"])

    review = page(client, f"/households/{tantrao_household.code}/reviews/2025/")
    assert_english(review, ["Review date", "Total household income over the past 12 months (VND)",
                            "Classification result (computed automatically)", "Save the review result"],
                   ["Ngày rà soát", "Tổng thu nhập của hộ", "Kết quả phân loại", "Lưu kết quả rà soát"])

    dashboard = page(client, "/dashboard/")
    assert_english(dashboard, ["Overview of Xã Tân Trào", "Poor household", "Near-poor household", "Filter the figures",
                               "Download the table (Excel)"],
                   ["Tổng quan Xã Tân Trào", "Lọc số liệu", "Tải bảng Excel", "Chưa có số liệu<"])

    targets = page(client, "/targets/")
    assert_english(targets, ["Poverty reduction targets – year", "View the plan"],
                   ["Chỉ tiêu giảm nghèo – năm", "Xem Kế hoạch"])

    tasks = page(client, "/tasks/")
    assert_english(tasks, ["Tasks under the plan", "No filter"], ["Nhiệm vụ theo Kế hoạch", "Không lọc"])

    obligations = page(client, "/obligations/")
    assert_english(obligations, ["Periodic reports", "Reporting regime under section V"],
                   ["Báo cáo định kỳ</h1>", "Chế độ báo cáo theo mục V"])

    profile = page(client, "/profile/")
    assert_english(profile, ["Your account", "Username", "Full name", "Role", "API access token", "Create token",
                             "Commune officer"],
                   ["Tài khoản của bạn", "Tên đăng nhập", "Họ và tên", "Vai trò", "Token truy cập API", "Tạo token",
                    "Cán bộ xã"])


@pytest.mark.django_db
def test_district_officer_pages_in_english(district_officer):
    client = english_client(district_officer)
    home = page(client, "/")
    assert_english(home, ENGLISH_LAYOUT + ["Home", "Hello,", "Households in your scope", "Anomaly checks", "Download reports", "Funds",
                                          "District Labour, Invalids and Social Affairs Office officer"],
                   VIETNAMESE_LAYOUT + ["Xin chào", "Hộ gia đình trong phạm vi của bạn", ">Kiểm tra bất thường<", ">Tải báo cáo<",
                                       "Cán bộ Phòng Lao động"])
    board = page(client, "/reviews/")
    assert_english(board, ["Whole district (summary)", "Progress of the communes", "Reclassify"],
                   ["Toàn huyện (tổng hợp)", "Tiến độ các xã", "Phân loại lại năm"])
    dashboard = page(client, "/dashboard/")
    assert_english(dashboard, ["Overview of the whole of Sơn Dương district", "Official figures",
                               "By today&#x27;s administrative units", "Urban and rural"],
                   ["Tổng quan toàn địa bàn", "Số liệu chính thức", "Thành thị và nông thôn"])
    downloads = page(client, "/reports/")
    assert_english(downloads, ["Download reports", "Generate a summary report", "No reports yet."],
                   ["Tải báo cáo</h1>", "Lập báo cáo tổng hợp", "Chưa có báo cáo nào."])
    checks = page(client, "/checks/")
    assert_english(checks, ["Anomaly checks of the review results for", "One person listed in several households"],
                   ["Kiểm tra bất thường kết quả rà soát năm", "Một người có mặt trong nhiều hộ"])
    obligations = page(client, "/obligations/")
    assert "Periodic reports" in obligations and "Báo cáo định kỳ</h1>" not in obligations
    profile = page(client, "/profile/")
    assert "Your account" in profile and "The whole program area" in profile


@pytest.mark.django_db
def test_agency_officer_pages_in_english(bank_officer):
    client = english_client(bank_officer)
    home = page(client, "/")
    assert_english(home, ENGLISH_LAYOUT + ["Support", "Agency officer"], VIETNAMESE_LAYOUT + ["Cán bộ cơ quan, đơn vị"])
    tasks = page(client, "/tasks/")
    assert_english(tasks, ["Tasks under the plan", "Lead agency", "Due"], ["Nhiệm vụ theo Kế hoạch", "Cơ quan chủ trì"])
    support = page(client, "/support/")
    assert_english(support, ["Support provided", "+ Record support"], ["Hỗ trợ đã thực hiện", "Ghi nhận hỗ trợ"])
    households = page(client, "/households/")
    assert "Household code" in households and "Mã hộ" not in households
    assert "Periodic reports" in page(client, "/obligations/")
    assert "Your account" in page(client, "/profile/")


@pytest.mark.django_db
def test_province_viewer_pages_in_english(province_viewer):
    client = english_client(province_viewer)
    home = page(client, "/")
    assert_english(home, ENGLISH_LAYOUT + ["Provincial officer (read only)", "Plan", "Targets"],
                   VIETNAMESE_LAYOUT + ["Cán bộ tỉnh (chỉ xem)"])
    assert "Overview of the whole of Sơn Dương district" in page(client, "/dashboard/")
    targets = page(client, "/targets/")
    assert "Poverty reduction targets – year" in targets and "Chỉ tiêu giảm nghèo" not in targets
    downloads = page(client, "/reports/")
    assert "Download reports" in downloads and "Tải báo cáo</h1>" not in downloads
    assert "Your account" in page(client, "/profile/")


@pytest.mark.django_db
def test_administrator_menu_and_admin_header_in_english(administrator):
    client = english_client(administrator)
    home = page(client, "/")
    assert_english(home, ["Unit mergers", "Administration", "System administrator"], [">Sáp nhập đơn vị<", ">Quản trị</a>"])
    admin = page(client, "/admin/")
    assert "Sơn Dương Poverty Reduction System administration" in admin
    assert "Quản trị hệ thống giảm nghèo Sơn Dương" not in admin


@pytest.mark.django_db
def test_messages_are_english(tantrao_officer):
    client = english_client(tantrao_officer)
    response = client.post("/profile/token/renew/", follow=True)
    html = response.content.decode()
    assert "A new token has been issued." in html and "Đã cấp token mới" not in html


@pytest.mark.django_db
def test_pages_stay_vietnamese_without_a_cookie(tantrao_officer):
    client = Client()
    client.force_login(tantrao_officer)
    home = page(client, "/")
    assert_english(home, VIETNAMESE_LAYOUT + ["Trang chủ", "Xin chào", "Cán bộ xã"], ["Sign out", "Hello,", "Commune officer"])
    board = page(client, "/reviews/")
    assert "Rà soát hộ nghèo, cận nghèo năm" in board and "Review of poor" not in board


# --- what stays Vietnamese ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_household_export_stays_vietnamese_for_an_english_user(tantrao_officer, tantrao_household):
    client = english_client(tantrao_officer)
    response = client.get("/households/export/households.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [str(c.value) for ws in load_workbook(io.BytesIO(content)).worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    text = "\n".join(cells)
    assert "Mã hộ" in text and tantrao_household.code in text
    assert "Household code" not in text and "Poor household" not in text and "Resident" not in text


@pytest.mark.django_db
def test_dashboard_table_export_stays_vietnamese_for_an_english_user(district_officer):
    client = english_client(district_officer)
    html = page(client, "/dashboard/")
    assert "Poverty rate by commune" in html
    response = client.get("/dashboard/export/units.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[4]]
    assert ws["A1"].value.startswith("Tỷ lệ hộ nghèo theo xã")
    assert "Tổng quan toàn địa bàn huyện Sơn Dương" in ws["A2"].value
    assert {"Mã", "Xã, thị trấn", "Số hộ", "Hộ nghèo"} <= set(header)
    assert not {"Code", "Commune, town", "Households", "Poor households"} & set(header)


def test_standard_workbook_is_built_in_vietnamese_whatever_the_language(monkeypatch, tmp_path):
    """The report workbook's builder runs in Vietnamese even when called while English is active."""
    from reporting import excel

    seen = []
    monkeypatch.setattr(excel, "SUMMARY_SHEETS", [])
    monkeypatch.setattr(excel, "open_workbook", lambda path, ctx: type("W", (), {"close": lambda self: None})())

    class Ctx:
        personal_data = False
        is_period = False

        def progress(self, pct, message):
            seen.append(translation.get_language())

    with translation.override("en"):
        excel.build_report_workbook(Ctx(), tmp_path / "x.xlsx", progress=lambda *a: seen.append(translation.get_language()))
        assert translation.get_language() == "en"
    assert seen == ["vi"]


def test_model_labels_shared_with_excel_stay_vietnamese_and_are_translated_on_screen():
    from django.template import Context, Template

    from accounts.models import Role
    from households.models import Classification, Sex

    with translation.override("en"):
        assert str(Role.COMMUNE_OFFICER.label) == "Commune officer"
        assert Classification.POOR.label == "Hộ nghèo"  # the Excel workbooks read this
        assert dict(Sex.choices)["male"] == "Nam"
        rendered = Template("{% load i18n reviews %}{{ 'poor'|classification_label }} / {% translate label %}").render(
            Context({"label": Classification.NEAR_POOR.label}))
        assert rendered == "Poor household / Near-poor household"


# --- the catalog ---------------------------------------------------------------------------------------------------


def test_english_catalog_has_every_entry_translated_and_no_fuzzy():
    header, entries = build_locale.read_po(ENGLISH / "django.po")
    assert "Language: en" in header
    assert len(entries) > 1000
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert [e.msgid for e in entries if not e.translated] == []
    assert build_locale.english_problems(entries) == []
    assert "#~" not in (ENGLISH / "django.po").read_text(encoding="utf-8")


def test_english_mo_is_compiled_from_the_po(tmp_path):
    header, entries = build_locale.read_po(ENGLISH / "django.po")
    with (ENGLISH / "django.mo").open("rb") as fh:
        committed = gettext.GNUTranslations(fh)
    fresh = gettext.GNUTranslations(io.BytesIO(build_locale.compile_mo(header, entries)))
    assert committed._catalog == fresh._catalog
    assert committed._catalog["Hộ nghèo"] == "Poor household"
    assert committed._catalog["Hộ cận nghèo"] == "Near-poor household"
    assert committed._catalog["Rà soát"] == "Review"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
def test_msgfmt_accepts_the_english_catalog(tmp_path):
    run = subprocess.run(["msgfmt", "--check-format", "--check-domain", "-o", str(tmp_path / "django.mo"),
                          str(ENGLISH / "django.po")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_english_translations_of_key_terms():
    with translation.override("en"):
        assert translation.gettext("Hộ nghèo") == "Poor household"
        assert translation.gettext("Hộ cận nghèo") == "Near-poor household"
        assert translation.gettext("Rà soát") == "Review"
        assert translation.gettext("Phòng Lao động - Thương binh và Xã hội huyện") in (
            "Phòng Lao động - Thương binh và Xã hội huyện", "District Labour, Invalids and Social Affairs Office")
        assert "Labour, Invalids and Social Affairs Office" in translation.gettext(
            "Quên mật khẩu? Liên hệ Phòng Lao động - Thương binh và Xã hội huyện để được cấp lại.")


def test_every_template_string_of_the_screens_is_in_the_english_catalog():
    """What `make messages` would extract is all in locale/en: a template's {% translate %} text or a gettext call
    of the code without an entry shows here (run `make messages` and translate it)."""
    _, entries = build_locale.read_po(ENGLISH / "django.po")
    catalog = {e.msgid for e in entries}
    found = set()
    for path in ROOT.glob("*/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        found |= {m.replace("%", "%%") for m in re.findall(r'\{% translate "([^"]+)"', text)}
    for path in (ROOT / "templates").glob("*.html"):
        found |= {m.replace("%", "%%") for m in re.findall(r'\{% translate "([^"]+)"', path.read_text(encoding="utf-8"))}
    assert sorted(found - catalog) == []


@pytest.mark.django_db
def test_model_translations_make_no_migrations():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
