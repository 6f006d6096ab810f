"""Vietnamese is the default language: the messages of DRF, Django and the other packages reach users in Vietnamese.

DRF's own Vietnamese catalog is mostly empty, and django-filter, django-import-export, django-celery-beat,
django-celery-results, django-simple-history and drf-spectacular ship none: locale/vi fills the gaps
(tools/build_locale.py, `make messages`). These tests go through the real API and pages where a user meets the
message, and check the catalog itself: placeholders kept, .mo compiled from the .po, in step with the packages.
"""
from __future__ import annotations

import gettext
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework import exceptions
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale" / "vi" / "LC_MESSAGES"
DOMAINS = ["django", "djangojs"]


def _load_tool():
    spec = importlib.util.spec_from_file_location("build_locale", ROOT / "tools" / "build_locale.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_locale", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


build_locale = _load_tool()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def officer_api(api, tantrao_officer):
    api.force_authenticate(tantrao_officer)
    return api


def post_household(api, **payload):
    return api.post("/api/v1/households/", payload, format="json")


# --- through the API, in the default language ------------------------------------------------------


def test_default_language_is_vietnamese_and_local_catalog_comes_first():
    assert settings.LANGUAGE_CODE == "vi"
    assert Path(settings.LOCALE_PATHS[0]).resolve() == (ROOT / "locale").resolve()


@pytest.mark.django_db
def test_missing_required_fields_are_reported_in_vietnamese(officer_api):
    response = post_household(officer_api)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == ["Trường này là bắt buộc."]
    assert body["commune"] == ["Trường này là bắt buộc."]


@pytest.mark.django_db
def test_not_an_integer_is_reported_in_vietnamese(officer_api):
    response = post_household(officer_api, code="HH-I18N-1", commune="02545", version="một")
    assert response.status_code == 400
    assert response.json()["version"] == ["Giá trị phải là một số nguyên hợp lệ."]


@pytest.mark.django_db
def test_invalid_choice_is_reported_in_vietnamese_with_the_value_sent(officer_api):
    member = {"full_name": "Ma Văn Thắng", "sex": "nam", "relation": "head"}
    response = post_household(officer_api, code="HH-I18N-2", commune="02545", members=[member])
    assert response.status_code == 400
    assert response.json()["members"]["0"]["sex"] == ["“nam” không phải là lựa chọn hợp lệ."]


@pytest.mark.django_db
def test_unknown_commune_code_is_reported_in_vietnamese(officer_api):
    response = post_household(officer_api, code="HH-I18N-3", commune="99999")
    assert response.status_code == 400
    assert response.json()["commune"] == ["Không tồn tại đối tượng có code=99999."]


@pytest.mark.django_db
def test_blank_and_too_long_values_are_reported_in_vietnamese(officer_api):
    blank = post_household(officer_api, code="", commune="02545")
    assert blank.json()["code"] == ["Trường này không được để trống."]
    too_long = post_household(officer_api, code="H" * 40, commune="02545")
    assert too_long.json()["code"] == ["Trường này không được dài quá 32 ký tự."]


@pytest.mark.django_db
def test_wrong_date_format_is_reported_in_vietnamese(officer_api):
    member = {"full_name": "Ma Văn Thắng", "sex": "male", "relation": "head", "birth_date": "2020-13-45"}
    response = post_household(officer_api, code="HH-I18N-4", commune="02545", members=[member])
    assert response.status_code == 400
    [message] = response.json()["members"]["0"]["birth_date"]
    assert message.startswith("Ngày không đúng định dạng. Hãy dùng một trong các định dạng sau: ")


@pytest.mark.django_db
def test_members_that_are_not_a_list_are_reported_in_vietnamese(officer_api):
    response = post_household(officer_api, code="HH-I18N-5", commune="02545", members="Ma Văn Thắng")
    assert response.status_code == 400
    assert response.json()["members"] == {"non_field_errors": ["Cần một danh sách nhưng nhận được kiểu “str”."]}


@pytest.mark.django_db
def test_filter_with_a_bad_date_is_reported_in_vietnamese(officer_api):
    response = officer_api.get("/api/v1/units/", {"valid_on": "hôm qua"})
    assert response.status_code == 400
    assert response.json()["valid_on"] == ["Nhập một ngày hợp lệ."]


@pytest.mark.django_db
def test_request_without_credentials_is_told_in_vietnamese(api):
    response = api.get("/api/v1/households/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Chưa cung cấp thông tin xác thực."


@pytest.mark.django_db
def test_bad_token_is_told_in_vietnamese(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = api.get("/api/v1/households/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Token không hợp lệ."


@pytest.mark.django_db
def test_token_header_with_spaces_is_told_in_vietnamese(api):
    api.credentials(HTTP_AUTHORIZATION="Token abc def")
    response = api.get("/api/v1/households/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Tiêu đề token không hợp lệ. Chuỗi token không được chứa dấu cách."


@pytest.mark.django_db
def test_throttled_token_requests_are_told_in_vietnamese_with_the_wait(api, tantrao_officer, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], token="1/minute")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    credentials = {"username": "canbo_tantrao", "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", credentials).status_code == 200
    response = api.post("/api/v1/auth/token/", credentials)
    assert response.status_code == 429
    detail = response.json()["detail"]
    assert re.fullmatch(r"Yêu cầu bị tạm từ chối do gửi quá nhiều lần\. Vui lòng thử lại sau \d+ giây\.", detail)


@pytest.mark.django_db
def test_object_outside_scope_is_not_found_in_vietnamese(officer_api, minhthanh_household):
    response = officer_api.get(f"/api/v1/households/{minhthanh_household.code}/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy hoặc bạn không có quyền xem đối tượng này."


@pytest.mark.django_db
def test_permission_denied_is_told_in_vietnamese(api, province_viewer):
    api.force_authenticate(province_viewer)
    response = post_household(api, code="HH-I18N-6", commune="02545")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."


@pytest.mark.django_db
def test_method_not_allowed_and_unsupported_media_type_are_told_in_vietnamese(officer_api, tantrao_household):
    deleted = officer_api.delete(f"/api/v1/households/{tantrao_household.code}/")
    assert deleted.status_code == 405
    assert deleted.json()["detail"] == "Phương thức “DELETE” không được phép."
    plain = officer_api.post("/api/v1/households/", "code=HH", content_type="text/plain")
    assert plain.status_code == 415
    assert plain.json()["detail"] == "Kiểu dữ liệu “text/plain” của yêu cầu không được hỗ trợ."


@pytest.mark.parametrize(
    "exception, vietnamese",
    [
        (exceptions.NotFound, "Không tìm thấy."),
        (exceptions.PermissionDenied, "Bạn không có quyền thực hiện thao tác này."),
        (exceptions.NotAuthenticated, "Chưa cung cấp thông tin xác thực."),
        (exceptions.AuthenticationFailed, "Thông tin xác thực không đúng."),
        (exceptions.ParseError, "Yêu cầu sai cấu trúc."),
        (exceptions.ValidationError, "Dữ liệu nhập không hợp lệ."),
        (exceptions.APIException, "Đã xảy ra lỗi máy chủ."),
    ],
)
def test_drf_default_error_details_are_vietnamese(exception, vietnamese):
    with translation.override(settings.LANGUAGE_CODE):
        detail = exception().detail
        text = detail[0] if isinstance(detail, list) else detail
        assert str(text) == vietnamese


# --- Django's own messages and the admin ----------------------------------------------------------


def test_django_form_and_validator_messages_are_vietnamese():
    from django import forms
    from django.contrib.auth.password_validation import MinimumLengthValidator
    from django.core.exceptions import ValidationError

    def error_of(call) -> str:
        with pytest.raises(ValidationError) as caught:
            call()
        return caught.value.messages[0]

    with translation.override(settings.LANGUAGE_CODE):
        assert error_of(lambda: forms.IntegerField().clean("mười")) == "Nhập một số nguyên."
        assert error_of(lambda: forms.EmailField().clean("xa@")) == "Nhập một địa chỉ email hợp lệ."
        assert error_of(lambda: forms.UUIDField().clean("x")) == "Nhập một UUID hợp lệ."
        assert error_of(lambda: forms.CharField(max_length=3).clean("Tân Trào")) == (
            "Giá trị không được dài quá 3 ký tự (hiện có 8 ký tự)."
        )
        assert error_of(lambda: forms.IntegerField(min_value=1).clean("0")) == "Giá trị phải lớn hơn hoặc bằng 1."
        assert error_of(lambda: MinimumLengthValidator(8).validate("abc")) == (
            "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 8 ký tự."
        )


@pytest.mark.django_db
def test_admin_pages_and_their_javascript_catalog_are_vietnamese(client, administrator):
    client.force_login(administrator)
    index = client.get("/admin/").content.decode()
    assert "Thao tác gần đây" in index and "Đăng xuất" in index
    script = client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["Monday"] == "Thứ Hai"
    assert catalog["%(sel)s of %(cnt)s selected"] == ["Đã chọn %(sel)s trên %(cnt)s"]


def test_third_party_admin_and_filter_strings_are_vietnamese():
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("Periodic Tasks") == "Tác vụ định kỳ"  # django-celery-beat
        assert translation.gettext("Confirm import") == "Xác nhận nhập dữ liệu"  # django-import-export
        assert translation.gettext("Multiple values may be separated by commas.") == (
            "Có thể nhập nhiều giá trị, cách nhau bằng dấu phẩy."  # django-filter
        )
        assert translation.gettext("Change reason") == "Lý do thay đổi"  # django-simple-history


# --- the catalog itself -----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{[^{}]*\}")


def _entries(domain: str):
    return build_locale.read_po(LOCALE / f"{domain}.po")[1]


def _placeholders(text: str) -> Counter:
    return Counter(_PLACEHOLDER.findall(text))


def _dropped(entry) -> Counter:
    """Placeholders a translator comment declares dropped on purpose (an English plural suffix)."""
    return Counter(p for c in entry.comments if c.startswith("placeholders dropped:") for p in re.findall(r"\{\d*\}", c))


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_translation_keeps_the_placeholders_of_its_msgid(domain):
    mismatches = []
    for entry in _entries(domain):
        wanted = [_placeholders(entry.msgid) - _dropped(entry)]
        if entry.msgid_plural is not None:
            wanted.append(_placeholders(entry.msgid_plural) - _dropped(entry))
        for msgstr in entry.msgstr:
            if _placeholders(msgstr) not in wanted:
                mismatches.append((entry.msgid, msgstr))
    assert mismatches == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_entry_is_translated_with_one_plural_form(domain):
    header = build_locale.read_po(LOCALE / f"{domain}.po")[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header
    entries = _entries(domain)
    assert entries
    assert [e.msgid for e in entries if not e.translated or len(e.msgstr) != 1] == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_committed_mo_is_compiled_from_the_po(domain, tmp_path):
    header, entries = build_locale.read_po(LOCALE / f"{domain}.po")
    fresh = tmp_path / f"{domain}.mo"
    fresh.write_bytes(build_locale.compile_mo(header, entries))
    with fresh.open("rb") as a, (LOCALE / f"{domain}.mo").open("rb") as b:
        compiled, committed = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    # the same content (byte equality would also hold, unless someone ran msgfmt/compilemessages instead)
    assert committed._catalog == compiled._catalog and committed.info() == compiled.info()
    # and it holds exactly the .po's translations
    catalog = committed._catalog
    expected = {}
    for e in entries:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        expected[key if e.msgid_plural is None else (key, 0)] = e.msgstr[0]
    assert {k: v for k, v in catalog.items() if k != ""} == expected


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext is not installed")
@pytest.mark.parametrize("domain", DOMAINS)
def test_msgfmt_accepts_the_po_and_compiles_the_same_catalog(domain, tmp_path):
    out = tmp_path / f"{domain}.mo"
    run = subprocess.run(
        ["msgfmt", "--check-format", "--check-domain", "-o", str(out), str(LOCALE / f"{domain}.po")],
        capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    with out.open("rb") as a, (LOCALE / f"{domain}.mo").open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalog_is_in_step_with_the_installed_packages(domain):
    """A package upgrade that adds or drops msgids shows here: run `make messages` and translate what it adds."""
    po = LOCALE / f"{domain}.po"
    plan = build_locale.plan(_entries(domain), domain)
    assert [e.msgid for e in plan.untranslated] == []
    assert [e.msgid for e in plan.dropped] == []
    assert [e.msgid for e in plan.redundant] == []
    assert build_locale.render_po(plan.sections) == po.read_text(encoding="utf-8")


def test_every_installed_app_that_ships_translations_is_covered():
    from django.apps import apps

    covered = {build_locale.module_dir(module).resolve() for module in
               (m for sources in build_locale.SOURCES.values() for _, m in sources)}
    installed = [Path(app.path).resolve() for app in apps.get_app_configs()]
    shipping = {
        path for path in installed
        if (path / "locale").is_dir() and {"site-packages", "dist-packages"} & set(path.parts)
    }
    assert shipping  # Django's contrib apps at least
    assert shipping - covered == set()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_years_print_without_a_thousands_separator_and_amounts_with_dots(language):
    from django.template import Context, Template

    with translation.override(language):
        html = Template("{% load vn %}{{ year }}|{{ amount|vnd }}|{{ count|number_vn }}|{{ rate }}").render(
            Context({"year": 2025, "amount": 1500000, "count": 12345, "rate": 12.5}))
    assert html.split("|")[:3] == ["2025", "1.500.000 đ", "12.345"]


@pytest.mark.django_db
def test_the_year_filters_of_the_pages_carry_plain_years(client, tantrao_officer):
    client.force_login(tantrao_officer)
    html = client.get("/reviews/?year=2025").content.decode()
    assert "?year=2025" in html and "2.025" not in html
