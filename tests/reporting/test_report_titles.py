"""A report's short title names its kind and period once: "Báo cáo năm 2026", not "Báo cáo năm năm 2026"."""
import pytest

from reporting.models import GeneratedReport, ReportKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("short_name", "year", "title"), [
    ("Báo cáo năm", 2026, "Báo cáo năm 2026"),
    ("Sơ kết 5 năm", 2025, "Sơ kết 5 năm giai đoạn 2021–2025"),
    ("Tổng kết 10 năm", 2030, "Tổng kết 10 năm giai đoạn 2021–2030"),
])
def test_the_short_title_does_not_repeat_the_period_word(short_name, year, title):
    kind = ReportKind.objects.get(short_name=short_name)
    assert GeneratedReport(kind=kind, year=year).short_title == title
