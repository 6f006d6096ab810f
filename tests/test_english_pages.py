"""English mode reads English on the pages full of data: the import and export pages, an import's preview (its
problems, changes and notes), the background jobs, the checks' findings, the review form's indicators, the periodic
reports (kinds, figures), the generated reports. Only the data people typed and proper names (of people, places,
agencies, files) keep their Vietnamese: templates mark quoted Vietnamese with lang="vi", and the names seeded here
are taken out before the check.

The printed lists are official forms: they are wholly Vietnamese whatever the user reads (no mix); only the
screen's controls around them follow the language.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from households import checks, imports
from households.models import (AdministrativeUnit, AnnualReview, Change, CheckFlag, Classification, Household, Job, Member,
                               ReviewState)
from tests.conftest import HouseholdFactory, MemberFactory
from tests.io.conftest import household_rows, workbook
from tests.io.test_review_import_fixtures import review_row, review_workbook

pytestmark = pytest.mark.django_db

# A Vietnamese letter: đ, or a letter carrying a Vietnamese diacritic (breve, circumflex, horn, tone marks).
_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0306", "\u0302", "\u031b"}


def is_vietnamese_word(word: str) -> bool:
    if "đ" in word.lower():
        return True
    return any(ch in _MARKS for ch in unicodedata.normalize("NFD", word))


class _MainText(HTMLParser):
    """The text of <main> (and the attributes a user reads), without what is marked lang="vi", scripts and styles."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self.in_main = False
        self.parts: list[str] = []

    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        hide = self.hidden() or tag in ("script", "style") or attrs.get("lang", "").startswith("vi")
        if self.in_main and not hide:
            for name in ("placeholder", "aria-label", "title", "alt"):
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, hide))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.in_main and not self.hidden():
            self.parts.append(data)


def main_text(html: str) -> str:
    parser = _MainText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def names_in_the_data() -> list[str]:
    """Proper names and typed data of the test world (people, places, agencies): they stay as written."""
    names = set()
    names |= set(AdministrativeUnit.objects.values_list("name", flat=True))
    names |= set(AdministrativeUnit.objects.exclude(short_name="").values_list("short_name", flat=True))
    names |= {n.upper() for n in names}
    names |= set(Household.objects.values_list("head_name", flat=True))
    names |= set(Household.objects.values_list("address", flat=True))
    names |= set(Member.objects.values_list("full_name", flat=True))
    names |= set(User.objects.values_list("full_name", flat=True))
    from programs.models import Agency

    names |= set(Agency.objects.values_list("name", flat=True))
    return sorted((n for n in names if n), key=len, reverse=True)


# Numbers of legal documents keep their letters ("Quyết định số 24/2021/QĐ-TTg" → "Decision 24/2021/QĐ-TTg"); the
# symbol of the đồng after an amount is the currency's sign in both languages ("1.500.000 đ", tests/test_i18n.py).
LEGAL_NUMBER = re.compile(r"\b\d+(?:/\d{4})?/[A-ZĐa-z]+(?:-[A-ZĐa-z]+)*|\b[A-ZĐ]+-(?:TTg|CP|TW|BLĐTBXH|UBND)\b"
                          r"|(?<=\d) đ(?=/|\b|$)")


def vietnamese_left(html: str, extra_names: tuple[str, ...] = ()) -> list[str]:
    """The runs of Vietnamese words in the page's main content once proper names, typed data and the numbers of
    legal documents are taken out."""
    text = LEGAL_NUMBER.sub(" ", main_text(html))
    for name in (*extra_names, *names_in_the_data()):
        text = text.replace(name, " ")
    words = text.split()
    runs: list[list[int]] = []
    for i, w in enumerate(words):
        if is_vietnamese_word(w):
            if runs and i - runs[-1][1] <= 3:
                runs[-1][1] = i
            else:
                runs.append([i, i])
    return [" ".join(words[a:b + 1]) for a, b in runs]


def english_client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def get(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_english(html: str, url: str, *extra_names: str) -> None:
    left = vietnamese_left(html, extra_names)
    if os.environ.get("ENGLISH_PAGES_DUMP"):  # to see them all while translating
        with open(os.environ["ENGLISH_PAGES_DUMP"], "a", encoding="utf-8") as fh:
            fh.write(f"=== {url}\n" + "".join(f"  {run}\n" for run in left))
            if os.environ.get("ENGLISH_PAGES_TEXT"):
                fh.write(main_text(html) + "\n")
        return
    assert left == [], {"page": url, "Vietnamese left": left[:40], "count": len(left)}


# --- the world: households, reviews, findings, jobs, a report, an obligation ----------------------------------------


def review(household, year, classification, change, *, income, state=ReviewState.CONFIRMED, previous="", mask=0, count=0):
    from households.household_years import household_years_refresh
    from households.models import PovertyStandard

    r = AnnualReview.objects.create(
        household=household, year=year, review_date=dt.date(year, 10, 15), standard=PovertyStandard.objects.for_year(year),
        commune=household.commune, village=household.village, area=household.commune.area, member_count=4,
        income_per_capita_month=income, deprivation_mask=mask, deprivation_count=count, classification=classification,
        previous_classification=previous, change=change, state=state,
    )
    household_years_refresh(household_ids=[household.pk])
    return r


@pytest.fixture
def world(tantrao, tantrao_household, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    village = tantrao_household.village
    P, N, O = Classification.POOR, Classification.NEAR_POOR, Classification.OTHER
    # Recorded poor with an income above the line (a finding), on the village's lists.
    review(tantrao_household, 2024, P, Change.NEWLY_POOR, income=1_000_000, mask=0b111, count=3)
    review(tantrao_household, 2025, P, Change.STAYED, income=3_100_000, previous=P, mask=0b111, count=3,
           state=ReviewState.RECOGNISED)
    # Rotating in and out of poverty, then escaped with the same deprivations and a jump in income.
    rotating = HouseholdFactory(commune=tantrao, village=village, head_name="Lò Văn Dũng")
    MemberFactory(household=rotating, full_name="Lò Văn Dũng")
    MemberFactory(household=rotating, full_name="Hoàng Thị Mai")  # same name and birth date as in the first household
    review(rotating, 2021, P, Change.NEWLY_POOR, income=900_000, mask=0b1011, count=3)
    review(rotating, 2022, O, Change.ESCAPED_POVERTY, income=2_500_000, previous=P, mask=0b1011, count=3)
    review(rotating, 2023, P, Change.FELL_BACK_POOR, income=1_000_000, previous=O, mask=0b1011, count=3)
    review(rotating, 2024, P, Change.STAYED, income=1_100_000, previous=P, mask=0b1011, count=3)
    review(rotating, 2025, O, Change.ESCAPED_POVERTY, income=2_900_000, previous=P, mask=0b1011, count=3,
           state=ReviewState.AGREED)
    # Near-poor last year, not reviewed this year.
    missing = HouseholdFactory(commune=tantrao, village=village, head_name="Hà Thị Sen")
    MemberFactory(household=missing, full_name="Hà Thị Sen")
    review(missing, 2024, N, Change.NEWLY_NEAR_POOR, income=1_400_000, mask=0b1, count=1)
    checks.check_flags_run(year=2025)
    return {"village": village, "households": [tantrao_household, rotating, missing]}


def import_households(client, rows, name="danh-sach-ho.xlsx") -> Job:
    response = client.post(reverse("households:import_start"), {"file": SimpleUploadedFile(name, workbook(rows, title_rows=2))})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.filter(kind=imports.JOB_KIND).order_by("-pk").first()


# --- the commune officer ---------------------------------------------------------------------------------------


def test_commune_officer_import_and_export_pages_read_english(tantrao_officer, world, django_capture_on_commit_callbacks):
    client = english_client(tantrao_officer)
    for url in ("/households/import/", "/households/import/reviews/", "/households/export/"):
        assert_english(get(client, url), url)
    # A file with errors: every problem, note and label of the preview in English.
    rows = household_rows("TT-1", village="Thôn Không Có") + household_rows("TT-2", ids=("123", "008180005679"))
    rows[1][4] = "Nữa"
    bad = import_households(client, rows)
    url = reverse("households:import_job", args=[bad.pk])
    assert_english(get(client, url), url, "Thôn Không Có", "Nữa", "Ma Văn Hùng")
    # A good file, previewed then written: the changes of each row, the written message.
    good = import_households(client, household_rows("TT-3") + [[world["households"][0].code, world["village"].name,
                                                                   "Thôn Tân Lập, xã Tân Trào", "Ma Văn Thắng", "Nam",
                                                                   "12/03/1978", "008085001234", "Tày", "Chủ hộ"]])
    url = reverse("households:import_job", args=[good.pk])
    assert_english(get(client, url), url, "Tày", "Ma Văn Hùng", "Thôn Tân Lập, xã Tân Trào")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("households:import_confirm", args=[good.pk]))
    assert_english(get(client, url), url, "Tày", "Ma Văn Hùng", "Thôn Tân Lập, xã Tân Trào")
    assert_english(get(client, "/households/import/"), "/households/import/ (recent)", "danh-sach-ho.xlsx")
    # The review results' import, with an error.
    code = world["households"][0].code
    data = review_workbook([review_row(code, total=20_000_000, deprived=("1", "4")), review_row("KHONG-CO", total="nhiều")])
    response = client.post(reverse("households:review_import_start"), {"file": SimpleUploadedFile("ra-soat.xlsx", data), "year": 2025})
    assert response.status_code == 302
    url = response["Location"]
    assert_english(get(client, url), url, "ra-soat.xlsx", "nhiều")


def test_commune_officer_review_form_reads_english(tantrao_officer, world):
    client = english_client(tantrao_officer)
    for household in world["households"]:
        url = f"/households/{household.code}/reviews/2025/"
        html = get(client, url)
        assert "Employment" in html or "Health insurance" in html
        assert_english(html, url)


def annual_obligations(year: int):
    from reporting import services
    from reporting.models import ReportKind

    deadline = services.deadline_ensure(kind=ReportKind.objects.get(code="annual"), year=year)
    services.obligations_ensure(deadline=deadline)
    return deadline


def test_commune_officer_reports_and_notifications_read_english(tantrao_officer, district_officer, world):
    from reporting import services

    obligation = annual_obligations(2025).obligations.get(commune=tantrao_officer.unit)
    services.submission_save(obligation=obligation, user=tantrao_officer, narrative="Kết quả năm 2025 của xã.")
    client = english_client(tantrao_officer)
    # The officer submits in English: the notification is still stored in Vietnamese, and read in English.
    client.post(f"/obligations/{obligation.pk}/", {"narrative": "Kết quả năm 2025 của xã.", "submit": "1",
                                                   "version": obligation.submission.version})
    obligation.refresh_from_db()
    assert obligation.state == "submitted"
    services.obligation_return(obligation=obligation, user=district_officer, reason="Thiếu số liệu hỗ trợ.")
    services.reminders_send()
    for url in ("/obligations/", f"/obligations/{obligation.pk}/", "/notifications/"):
        assert_english(get(client, url), url, "Kết quả năm 2025 của xã.", "Thiếu số liệu hỗ trợ.")
    assert_english(get(english_client(district_officer), "/notifications/"), "/notifications/ (district)")
    from reporting.models import Notification

    assert Notification.objects.filter(title__contains="đã nộp").exists()  # stored in Vietnamese


def test_print_lists_are_wholly_vietnamese_and_their_controls_english(tantrao_officer, world):
    """Rule: a printed list is an official form, so the whole document is Vietnamese (its legal titles, headings,
    classification labels) whatever language the screens read; only the print and back buttons follow it."""
    client = english_client(tantrao_officer)
    village, commune = world["village"], tantrao_officer.unit
    for kind, query in (("meeting", f"village={village.pk}&"), ("posting", f"village={village.pk}&"), ("certificates", "")):
        html = get(client, f"/reviews/print/{kind}/?{query}commune={commune.pk}&year=2025")
        assert '<div lang="vi" class="print-doc' in html
        doc = html[html.index('class="print-doc'):html.index("</main>")]
        english = [w for w in ("Poor household", "Near-poor", "Escaped", "Stayed", "Household", "household", "Commune",
                               "Village", "Recognised") if w in doc]
        assert english == [], (kind, english)
        assert "Hộ nghèo" in doc and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in doc
        controls = html[html.index('<div class="actions no-print">'):html.index('class="print-doc')]
        assert "Print list" in controls and "In danh sách" not in controls, controls


# --- the district ------------------------------------------------------------------------------------------------


def test_district_officer_checks_jobs_and_reports_read_english(district_officer, world, settings,
                                                               django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client = english_client(district_officer)
    assert set(CheckFlag.objects.filter(year=2025).values_list("kind", flat=True)) == {
        "rotation", "escape_jump", "reduction", "above_line", "duplicate", "missing"}
    html = get(client, "/checks/?year=2025&status=")
    assert "recorded as a poor household but its income of 3.100.000 VND" in html
    assert_english(html, "/checks/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/checks/run/", {"year": 2025})
    url = response["Location"]
    assert_english(get(client, url), url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reviews/reclassify/", {"year": 2025})
    job = Job.objects.filter(kind="reviews_reclassify").first()
    assert job is not None and job.message.startswith("Xong:")  # stored in Vietnamese
    assert_english(get(client, f"/reviews/jobs/{job.pk}/"), "reclassify job")

    from households.structure import program_area
    from reporting import services
    from reporting.models import ReportKind

    report = services.report_request(kind=ReportKind.objects.get(code="annual"), year=2025, unit=program_area(),
                                     variant="draft", edition="summary", user=district_officer)
    services.report_generate(report_id=report.pk)
    annual_obligations(2025)
    for url in ("/reports/", "/reports/new/", f"/reports/{report.pk}/", "/obligations/", "/households/export/",
                "/notifications/"):
        assert_english(get(client, url), url)


def test_agency_province_and_administrator_pages_read_english(bank_officer, province_viewer, administrator, world):
    deadline = annual_obligations(2025)
    client = english_client(bank_officer)
    obligation = deadline.obligations.get(agency=bank_officer.agency)
    for url in ("/obligations/", f"/obligations/{obligation.pk}/"):
        assert_english(get(client, url), url)
    client = english_client(province_viewer)
    assert_english(get(client, "/reports/"), "/reports/")
    client = english_client(administrator)
    for url in ("/checks/?year=2025&status=", "/households/import/", "/households/export/", "/obligations/",
                f"/households/{world['households'][1].code}/reviews/2025/"):
        assert_english(get(client, url), url)


# --- Vietnamese stays the source ---------------------------------------------------------------------------------


def test_the_same_pages_stay_vietnamese_without_the_cookie(tantrao_officer, district_officer, world):
    client = Client()
    client.force_login(district_officer)
    html = get(client, "/checks/?year=2025&status=")
    assert "ghi là hộ nghèo nhưng thu nhập 3.100.000 đồng trên chuẩn 1.500.000 đồng" in html and "recorded as" not in html
    client.force_login(tantrao_officer)
    html = get(client, f"/households/{world['households'][0].code}/reviews/2025/")
    assert "Bảo hiểm y tế" in html and "Hộ có ít nhất một người từ đủ 6 tuổi trở lên hiện không có bảo hiểm y tế." in html
    assert "Health insurance" not in html and "Kết quả: Hộ không nghèo." in html


def test_stored_texts_are_vietnamese_and_old_rows_translate_too(world):
    """The database (and so the API and the workbooks) keeps the Vietnamese words; a row written before this
    mechanism, with the same words, reads in English as well."""
    from django.utils import translation

    from households.datatext import translate_data

    flag = CheckFlag.objects.get(kind="above_line")
    assert flag.title.startswith("Hộ ") and "ghi là hộ nghèo" in flag.title
    old = CheckFlag.objects.create(kind="missing", year=2019, key="missing:old:2019", title="Hộ HH-CU-1 (hộ cận nghèo năm 2018) chưa có phiếu rà soát năm 2019",
                                   detail="Rà soát hộ, hoặc ghi biến động nếu hộ đã chuyển đi, nhập hộ, không còn.")
    with translation.override("en"):
        assert translate_data(old.title) == "Household HH-CU-1 (near-poor household in 2018) has no review form for 2019"
        assert translate_data(old.detail).startswith("Review the household, or record the change")
        assert translate_data("Nguyễn Văn An") == "Nguyễn Văn An"  # a name stays as written
        assert translate_data("") == "" and translate_data(None) is None
    with translation.override("vi"):
        assert translate_data(flag.title) == flag.title


def test_every_pattern_reads_back_its_own_text():
    """Each registered pattern, written with sample parts, is recognised and put into its translation."""
    import re as regex

    from django.utils import translation

    from households.datatext import _PLACEHOLDER, patterns, translate_data

    samples = ["12", "2025", "HH-000001", "01/07/2025", "nông thôn", "năm 2026", "Lò Văn A"]
    problems = []
    for p in patterns():
        shapes = dict(p.shapes)
        names = {m.group(1) for m in _PLACEHOLDER.finditer(p.msgid) if m.group(1)}
        values = {name: next((v for v in samples if regex.fullmatch(shapes.get(name, "Lò Văn A"), v)), "Lò Văn A")
                  for name in names}
        text = p.msgid % values
        with translation.override("en"):
            translated = translate_data(text)
            expected = translation.gettext(p.msgid) % {
                k: (translate_data(v) if k in p.translate or k in dict(p.lists) else v) for k, v in values.items()}
        if translated != expected:
            problems.append((p.msgid, text, translated, expected))
    assert problems == []


def test_reference_catalogue_is_in_step_with_the_yaml_files():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    run = subprocess.run([sys.executable, "tools/datatext_reference.py", "--check"], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
