"""The household form as a browser submits it: an untouched edit saves, and every error shows in one round, listed
at the top with a link to its field."""
import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from households.models import Household

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """What a browser would send for each POST form of a page (`forms`): text-like inputs, checked boxes, the
    selected (or first) option of each select, textareas; not the submit buttons."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.values: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form, self.values = True, []
            self.forms.append(self.values)
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "reset"):
                self.values.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = [v for v, s in self._options if s] or [v for v, _ in self._options[:1]]
            if chosen:
                self.values.append((self._select, chosen[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False


def browser_post(html: str) -> dict[str, str]:
    """The values of the page's largest POST form (the header's log-out form is one too)."""
    parser = FormValues()
    parser.feed(html)
    return dict(max(parser.forms, key=len))


def test_saving_an_untouched_edit_form_saves(client, tantrao_officer, tantrao_household):
    client.force_login(tantrao_officer)
    url = reverse("households:household_edit", args=[tantrao_household.code])
    data = browser_post(client.get(url).content.decode())
    assert data["members-TOTAL_FORMS"] == str(tantrao_household.members.count())
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Household.objects.get(pk=tantrao_household.pk).members.count() == int(data["members-TOTAL_FORMS"])


def test_every_error_of_the_form_shows_in_one_round(client, tantrao_officer, tantrao_household):
    client.force_login(tantrao_officer)
    url = reverse("households:household_edit", args=[tantrao_household.code])
    data = browser_post(client.get(url).content.decode())
    future = dt.date.today() + dt.timedelta(days=400)
    data.update({"members-0-citizen_id": "12345678901", "members-0-birth_date": f"{future:%d/%m/%Y}"})
    html = client.post(url, data).content.decode()
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in html
    assert "Ngày sinh không được sau ngày hôm nay." in html
    summary = html[html.index('class="msg msg-error error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert "2 lỗi cần sửa" in summary
    assert 'href="#id_members-0-citizen_id"' in summary and 'href="#id_members-0-birth_date"' in summary
    assert Household.objects.get(pk=tantrao_household.pk).members.get(pk=data["members-0-id"]).citizen_id != "12345678901"
