"""One failure counter and lock-out for every door that takes a password (web login, admin login, API token), the
password rules on accounts made from the command line, and the officer's own password change."""
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def test_the_admin_login_locks_and_then_refuses_the_right_password(client, administrator, settings):
    settings.LOGIN_MAX_FAILURES = 3
    name = administrator.username
    for _ in range(3):
        client.post("/admin/login/", {"username": name, "password": "sai", "next": "/admin/"})
    response = client.post("/admin/login/", {"username": name, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 200 and "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_at_the_web_login_lock_the_token_endpoint(client, tantrao_officer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": "sai"})
    response = APIClient().post(TOKEN, {"username": "canbo_tantrao", "password": PASSWORD})
    assert response.status_code == 403 and response.json()["detail"].startswith("Đăng nhập sai quá nhiều lần")


def test_failures_at_the_token_endpoint_lock_the_web_and_admin_logins(client, tantrao_officer, administrator, settings):
    settings.LOGIN_MAX_FAILURES = 2
    api = APIClient()
    for _ in range(2):
        assert api.post(TOKEN, {"username": "canbo_tantrao", "password": "sai"}).status_code == 400
    html = client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": PASSWORD}).content.decode()
    assert "Đăng nhập sai quá nhiều lần" in html and "_auth_user_id" not in client.session
    # Another user from the same address is not locked by two failures (the address allows four times as many).
    assert client.post(reverse("accounts:login"), {"username": administrator.username, "password": PASSWORD}).status_code == 302


def test_create_officer_applies_the_password_rules():
    with pytest.raises(CommandError, match="Mật khẩu chưa đạt yêu cầu"):
        call_command("create_officer", "canbo_moi", "--role", "district_officer", "--password", "123")


def test_an_officer_changes_their_own_password(client, tantrao_officer):
    client.force_login(tantrao_officer)
    url = reverse("accounts:password_change")
    wrong = client.post(url, {"old_password": "sai", "new_password1": "Cau-Trau-2026!", "new_password2": "Cau-Trau-2026!"})
    assert wrong.status_code == 400
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400
    ok = client.post(url, {"old_password": PASSWORD, "new_password1": "Cau-Trau-2026!", "new_password2": "Cau-Trau-2026!"})
    assert ok.status_code == 302 and "_auth_user_id" in client.session
    tantrao_officer.refresh_from_db()
    assert tantrao_officer.check_password("Cau-Trau-2026!")
