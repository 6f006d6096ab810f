"""API tokens: one per user, shown on the profile page, renewed and revoked there; the token endpoint is
throttled per user and per address, and a forged X-Forwarded-For does not get around it."""
import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def token_rate(monkeypatch):
    rates = dict(SimpleRateThrottle.THROTTLE_RATES, token="3/minute", anon="1000/minute")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def answers(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get("/api/v1/households/").status_code


def test_the_profile_shows_the_users_own_token(client, api, tantrao_officer, district_officer):
    mine = Token.objects.create(user=tantrao_officer)
    Token.objects.create(user=district_officer)
    client.force_login(tantrao_officer)
    response = client.get(reverse("accounts:profile"))
    html = response.content.decode()
    assert mine.key in html and district_officer.auth_token.key not in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert "Xã Tân Trào" in html and "Được xem đầy đủ" in html


def test_renewing_gives_a_new_token_and_stops_the_old_one(client, api, tantrao_officer):
    old = Token.objects.create(user=tantrao_officer).key
    client.force_login(tantrao_officer)
    response = client.post(reverse("accounts:token", args=["renew"]), follow=True)
    new = Token.objects.get(user=tantrao_officer).key
    assert new != old and new in response.content.decode()
    assert answers(api, old) == 401 and answers(api, new) == 200


def test_revoking_leaves_no_token(client, api, tantrao_officer):
    key = Token.objects.create(user=tantrao_officer).key
    client.force_login(tantrao_officer)
    html = client.post(reverse("accounts:token", args=["revoke"]), follow=True).content.decode()
    assert "Đã thu hồi token" in html and "Tạo token" in html
    assert not Token.objects.filter(user=tantrao_officer).exists() and answers(api, key) == 401


def test_token_actions_need_a_signed_in_post(client, tantrao_officer):
    assert client.post(reverse("accounts:token", args=["renew"])).status_code == 302  # to the login page
    client.force_login(tantrao_officer)
    assert client.get(reverse("accounts:token", args=["renew"])).status_code == 405
    assert client.post(reverse("accounts:token", args=["steal"])).status_code == 404
    assert not Token.objects.exists()


def test_an_inactive_users_token_is_refused(api, tantrao_officer):
    key = Token.objects.create(user=tantrao_officer).key
    tantrao_officer.is_active = False
    tantrao_officer.save()
    assert answers(api, key) == 401


def test_the_token_endpoint_is_throttled_per_user_across_addresses(api, tantrao_officer, token_rate):
    statuses = [
        api.post("/api/v1/auth/token/", {"username": "canbo_tantrao", "password": "sai"},
                 REMOTE_ADDR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]


def test_the_token_endpoint_is_throttled_per_address_across_users(api, db, token_rate):
    statuses = [
        api.post("/api/v1/auth/token/", {"username": f"khach{n}", "password": "sai"}, REMOTE_ADDR="10.0.0.9").status_code
        for n in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]


def test_a_forged_forwarded_for_header_does_not_reset_the_address_limit(api, db, token_rate):
    statuses = [
        api.post("/api/v1/auth/token/", {"username": f"khach{n}", "password": "sai"}, REMOTE_ADDR="10.0.0.9",
                 HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert statuses[3:] == [429, 429]


def test_a_throttled_caller_is_told_in_vietnamese_when_to_retry(api, tantrao_officer, token_rate):
    for _ in range(3):
        api.post("/api/v1/auth/token/", {"username": "canbo_tantrao", "password": "sai"})
    response = api.post("/api/v1/auth/token/", {"username": "canbo_tantrao", "password": PASSWORD})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Yêu cầu bị tạm từ chối do gửi quá nhiều lần.")
