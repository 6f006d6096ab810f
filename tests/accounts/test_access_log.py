"""The personal-data access log: household pages, review forms, lists and API reads are recorded with who, what,
how many and whether IDs were masked; the district office and the administrator read it; it keeps its retention."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import access_log_purge
from accounts.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


def test_a_household_page_is_recorded_with_its_people_and_the_masking(client, district_officer, bank_officer, tantrao_household):
    members = tantrao_household.members.count()
    for user, masked in ((district_officer, False), (bank_officer, True)):
        client.force_login(user)
        assert client.get(reverse("households:household_detail", args=[tantrao_household.code])).status_code == 200
        entry = PersonalDataAccess.objects.filter(user=user).get()
        assert (entry.channel, entry.records, entry.masked, entry.commune) == ("page", members, masked, tantrao_household.commune)
        assert tantrao_household.code in entry.what and entry.address == "127.0.0.1"


def test_a_list_and_an_api_read_count_their_rows(client, tantrao_officer, tantrao_household):
    client.force_login(tantrao_officer)
    client.get(reverse("households:household_list"), {"q": "ma van"})
    listed = PersonalDataAccess.objects.get()
    assert listed.records == 1 and "«ma van»" in listed.what
    api = APIClient()
    api.force_authenticate(tantrao_officer)
    body = api.get("/api/v1/households/").json()
    entry = PersonalDataAccess.objects.filter(channel="api").get()
    assert entry.records == len(body["results"]) >= 1 and entry.masked is False


def test_nothing_is_recorded_for_an_empty_read(client, tantrao_officer, tantrao_household):
    client.force_login(tantrao_officer)
    client.get(reverse("households:household_list"), {"q": "khong co ai ten nay"})
    assert not PersonalDataAccess.objects.exists()


def test_the_log_page_is_for_the_district_office_and_filters(client, district_officer, tantrao_officer, tantrao_household):
    client.force_login(tantrao_officer)
    client.get(reverse("households:household_detail", args=[tantrao_household.code]))
    assert client.get(reverse("accounts:access_log")).status_code == 403
    client.force_login(district_officer)
    html = client.get(reverse("accounts:access_log"), {"channel": "page", "user": tantrao_officer.pk}).content.decode()
    assert tantrao_household.code in html and tantrao_officer.display_name in html
    assert tantrao_household.code not in client.get(reverse("accounts:access_log"), {"channel": "api"}).content.decode()


def test_the_log_keeps_its_retention(settings, tantrao_officer):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    old = PersonalDataAccess.objects.create(user=tantrao_officer, channel="page", what="Hộ cũ", records=1)
    PersonalDataAccess.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=31))
    PersonalDataAccess.objects.create(user=tantrao_officer, channel="page", what="Hộ mới", records=1)
    assert access_log_purge() == 1
    assert list(PersonalDataAccess.objects.values_list("what", flat=True)) == ["Hộ mới"]
