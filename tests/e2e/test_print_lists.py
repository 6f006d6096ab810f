"""The printed village meeting list comes out on landscape A4, its codes and names on one line."""
import datetime as dt
import re

import pytest

from households import services
from households.models import ReviewState
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.households.review_fixtures import save, trungyen_household  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_meeting_list_prints_landscape(page, tantrao_officer, trungyen_household):
    review = save(trungyen_household, 2025, day=dt.date(2025, 10, 1))
    services.review_transition(review=review, to_state=ReviewState.REVIEWED, user=tantrao_officer)
    login(page, "canbo_tantrao", PASSWORD)
    page.goto(f"{page.base_url}/reviews/print/meeting/?year=2025&commune={review.commune_id}&village={review.village_id}")
    page.emulate_media(media="print")
    code_cell = page.locator("td.code").first
    assert code_cell.inner_text() == trungyen_household.code
    box = code_cell.bounding_box()
    line = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('td.code')).lineHeight) || 20"))
    assert box["height"] < 2.5 * line  # one line of text (and its padding), not three
    pdf = page.pdf(prefer_css_page_size=True)
    width, height = map(float, re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf).groups())
    assert width > height, (width, height)
