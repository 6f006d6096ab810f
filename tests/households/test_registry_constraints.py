"""The registry's rules live in the database: citizen IDs, unique codes, one household per member, NFC text."""
import datetime as dt
import unicodedata

import pytest
from django.db import DataError, IntegrityError, transaction

from households.models import Household, Member
from tests.conftest import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_citizen_id_must_be_exactly_12_digits():
    hh = HouseholdFactory()
    # PostgreSQL refuses the 13-digit value by the column length (DataError), SQLite by the check constraint.
    for bad in ("12345678901", "1234567890123", "00808500123a"):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            Member.objects.create(household=hh, full_name="Thử", sex="male", citizen_id=bad)
    Member.objects.create(household=hh, full_name="Thử", sex="male", citizen_id="008085001234")


def test_citizen_id_is_unique_when_given_and_may_be_missing_many_times():
    hh = HouseholdFactory()
    Member.objects.create(household=hh, full_name="A", sex="male", citizen_id="008085001234")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=HouseholdFactory(), full_name="B", sex="male", citizen_id="008085001234")
    Member.objects.create(household=hh, full_name="C", sex="male", citizen_id=None)
    Member.objects.create(household=hh, full_name="D", sex="male", citizen_id="")
    assert Member.objects.filter(citizen_id__isnull=True).count() == 2


def test_household_code_is_unique():
    HouseholdFactory(code="02545-01-000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdFactory(code="02545-01-000001")


def test_a_member_belongs_to_exactly_one_household():
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=None, full_name="Không hộ", sex="male")


def test_name_typed_in_nfd_is_stored_in_nfc():
    member = MemberFactory(full_name=nfd("Nguyễn Thị Hường"))
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Thị Hường"
    assert unicodedata.is_normalized("NFC", member.full_name)


def test_nfd_and_nfc_spellings_find_the_same_person():
    MemberFactory(full_name="Đặng Văn Tuấn")
    assert Member.objects.filter(full_name=nfd("Đặng Văn Tuấn")).count() == 1
    assert Member.objects.filter(full_name__contains=nfd("Tuấn")).count() == 1


def test_bulk_inserted_names_are_normalised_too():
    hh = HouseholdFactory()
    Member.objects.bulk_create([Member(household=hh, full_name=nfd("Lường Thị Ước"), sex="female")])
    assert Member.objects.get(household=hh).full_name == "Lường Thị Ước"


def test_household_address_and_head_are_normalised():
    hh = HouseholdFactory(head_name=nfd("Triệu  Văn   Hùng"), address=nfd("Thôn Đồng Bừa"))
    hh.refresh_from_db()
    assert hh.head_name == "Triệu Văn Hùng"
    assert hh.address == "Thôn Đồng Bừa"


def test_changes_to_households_and_members_keep_history():
    hh = HouseholdFactory(address="Thôn A")
    hh.address = "Thôn B"
    hh.save()
    member = MemberFactory(household=hh, full_name="Lý Thị Ngọc")
    member.full_name = "Lý Thị Ngọc Anh"
    member.save()
    assert [h.address for h in hh.history.order_by("history_date")] == ["Thôn A", "Thôn B"]
    assert member.history.count() == 2


def test_age_on_a_date():
    member = MemberFactory(birth_date=dt.date(2010, 9, 1))
    assert member.age_on(dt.date(2026, 8, 31)) == 15
    assert member.age_on(dt.date(2026, 9, 1)) == 16


def test_deleting_a_household_is_not_how_households_leave(django_assert_num_queries):
    # Households leave the registry through their status (moved out, split, dissolved), keeping their history.
    hh = HouseholdFactory()
    hh.status = "moved_out"
    hh.save()
    assert Household.objects.get(pk=hh.pk).get_status_display() == "Chuyển đi"
