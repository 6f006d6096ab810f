"""Reminders 14, 7, 3 and 1 days before the due date and every day once overdue, counted in Asia/Ho_Chi_Minh; none
to those who already submitted; once per obligation and day, however often the job runs."""
from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import Role
from reporting import services, tasks
from reporting.models import Notification, NotificationKind
from tests.conftest import make_user

from .conftest import vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def officer(tantrao_officer):
    tantrao_officer.email = "tantrao@example.vn"
    tantrao_officer.save()
    return tantrao_officer


def reminder_days(user, first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        before = Notification.objects.filter(user=user).count()
        services.reminders_send(now=vn(day.year, day.month, day.day, 7, 0))
        if Notification.objects.filter(user=user).count() > before:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def test_reminders_come_14_7_3_and_1_days_before_10_december_then_every_day(officer, deadline_2026):
    days = reminder_days(officer, dt.date(2026, 11, 1), dt.date(2026, 12, 14))
    assert days == [
        dt.date(2026, 11, 26), dt.date(2026, 12, 3), dt.date(2026, 12, 7), dt.date(2026, 12, 9),
        dt.date(2026, 12, 10), dt.date(2026, 12, 11), dt.date(2026, 12, 12), dt.date(2026, 12, 13), dt.date(2026, 12, 14),
    ]
    titles = list(Notification.objects.filter(user=officer).order_by("created_at", "id").values_list("title", flat=True))
    assert titles[0].startswith("Còn 14 ngày") and titles[3].startswith("Còn 1 ngày") and titles[4].startswith("Quá hạn 1 ngày")
    assert len(mail.outbox) == len(days)


def test_the_day_changes_at_midnight_in_son_duong_not_in_utc(officer, deadline_2026):
    # 23:55 on 25 November in Sơn Dương (16:55 UTC): 15 days before, no reminder.
    services.reminders_send(now=dt.datetime(2026, 11, 25, 16, 55, tzinfo=dt.timezone.utc))
    assert not Notification.objects.filter(user=officer).exists()
    # 00:05 on 26 November in Sơn Dương is still 25 November in UTC: the 14-day reminder is due.
    services.reminders_send(now=dt.datetime(2026, 11, 25, 17, 5, tzinfo=dt.timezone.utc))
    assert Notification.objects.filter(user=officer, kind=NotificationKind.REMINDER).count() == 1


def test_running_the_job_twice_a_day_reminds_once(officer, deadline_2026):
    services.reminders_send(now=vn(2026, 12, 3, 7))
    services.reminders_send(now=vn(2026, 12, 3, 15))
    assert Notification.objects.filter(user=officer).count() == 1
    assert len(mail.outbox) == 1


def test_nobody_is_reminded_of_a_report_already_submitted(officer, deadline_2026, tantrao_obligation, minhthanh):
    other = make_user("canbo_minhthanh_2", Role.COMMUNE_OFFICER, unit_code="02554", email="mt@example.vn")
    services.submission_save(obligation=tantrao_obligation, user=officer, narrative="Đã báo cáo.")
    services.submission_submit(obligation=tantrao_obligation, user=officer, now=vn(2026, 11, 20))
    mail.outbox.clear()
    reminder_days(officer, dt.date(2026, 11, 21), dt.date(2026, 12, 12))
    assert not Notification.objects.filter(user=officer, kind__in=[NotificationKind.REMINDER, NotificationKind.OVERDUE]).exists()
    assert Notification.objects.filter(user=other, kind=NotificationKind.OVERDUE).count() == 3  # 10, 11, 12 December
    assert all(m.to == ["mt@example.vn"] for m in mail.outbox)


def test_agency_officers_are_reminded_of_their_agencys_report_only(bank_officer, deadline_2026):
    bank_officer.email = "nhcsxh@example.vn"
    bank_officer.save()
    services.reminders_send(now=vn(2026, 12, 9, 7))
    notes = Notification.objects.filter(user=bank_officer)
    assert notes.count() == 1 and "Ngân hàng Chính sách xã hội" in notes.get().body


class FlakyBackend(EmailBackend):
    """A mail server that is down the first time it is used."""

    failed = False

    def send_messages(self, messages):
        if not FlakyBackend.failed:
            FlakyBackend.failed = True
            raise smtplib.SMTPServerDisconnected("Máy chủ thư không trả lời")
        return super().send_messages(messages)


def test_a_mail_server_failure_is_retried_and_sends_only_the_missing_mail(officer, deadline_2026, settings):
    settings.EMAIL_BACKEND = "tests.reporting.test_reminders.FlakyBackend"
    FlakyBackend.failed = False
    with pytest.raises(smtplib.SMTPException):
        services.reminders_send(now=vn(2026, 12, 7, 7))
    assert Notification.objects.filter(user=officer, emailed_at__isnull=True).count() == 1
    services.reminders_send(now=vn(2026, 12, 7, 7, 5))
    assert Notification.objects.filter(user=officer).count() == 1
    assert Notification.objects.get(user=officer).emailed_at is not None
    assert len(mail.outbox) == 1


def test_the_reminder_task_retries_a_transient_failure(officer, deadline_2026, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("tạm thời")
        return {"obligations": 0, "notifications": 0, "emails": 0}

    monkeypatch.setattr(services, "reminders_send", flaky)
    result = tasks.send_reminders.apply()
    assert result.successful() and len(calls) == 2


def test_a_reminder_and_the_obligations_page_say_where_the_report_goes_under_the_chain_in_force(officer, deadline_2026, client):
    """The 2026 report is due after the 1 July 2025 reform: the commune reports to the province, not to the
    district's labour office (reporting chain)."""
    services.reminders_send(now=vn(2026, 11, 26, 7, 0))
    body = Notification.objects.filter(user=officer).get().body
    assert "Ủy ban nhân dân tỉnh Tuyên Quang" in body and "huyện" not in body.replace("Đơn vị", "")
    client.force_login(officer)
    page = client.get("/obligations/").content.decode()
    assert "tự lập và gửi báo cáo về tỉnh" in page and "qua Phòng Lao động" not in page
