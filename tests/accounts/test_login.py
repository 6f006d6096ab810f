"""Vietnamese login and logout, a home page fitted to the role, throttling against password guessing."""
import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_in_vietnamese(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    assert 'lang="vi"' in html


def test_login_with_right_password_lands_on_home(client, tantrao_officer):
    response = client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    home = client.get(reverse("accounts:home")).content.decode()
    assert "Xã Tân Trào" in home and "Cán bộ xã" in home


def test_wrong_password_gets_a_vietnamese_error(client, tantrao_officer):
    html = client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": "sai"}).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html


def test_repeated_failures_lock_the_username_even_with_the_right_password(client, tantrao_officer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": "sai"})
    html = client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": PASSWORD}).content.decode()
    assert "Đăng nhập sai quá nhiều lần" in html
    assert "_auth_user_id" not in client.session


def test_a_success_resets_the_failure_count(client, tantrao_officer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": "sai"})
    assert client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": PASSWORD}).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": "sai"})
    assert client.post(reverse("accounts:login"), {"username": "canbo_tantrao", "password": PASSWORD}).status_code == 302


def test_logout_is_a_post_and_says_so(client, tantrao_officer):
    client.force_login(tantrao_officer)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "Bạn đã đăng xuất." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "role,expected",
    [
        ("commune_officer", "Hộ gia đình theo thôn"),
        ("district_officer", "Hộ gia đình theo xã"),
        ("province_viewer", "Hộ gia đình theo xã"),
        ("agency_officer", "Phòng Giao dịch Ngân hàng Chính sách xã hội"),
    ],
)
def test_home_fits_the_role(client, personas, tantrao_household, role, expected):
    client.force_login(personas[role])
    assert expected in client.get(reverse("accounts:home")).content.decode()
