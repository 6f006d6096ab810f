"""Every page a user can reach renders: for each demo role, start at the home page (and the background-job pages a
district officer lands on after a run), follow every local link of every page reached, and ask each page once.
No page may answer 5xx; a page outside the role answers 403 or 404, never an error page."""
from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)"')
# Files, actions and the admin (Django's own, tested upstream) are not pages to crawl.
SKIP = re.compile(r"^/(static/|media/|admin/|api/|logout|i18n/)|/(export|download|template|errors\.xlsx)|\.(xlsx|docx|csv|pdf)$")
LIMIT = 250  # pages per role: the demo's pages of every kind, not every household


def _crawl(client, start: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(start)
    kinds: set[str] = set()
    while queue and len(seen) < LIMIT:
        url = urldefrag(queue.popleft())[0].replace("&amp;", "&")
        if url in seen or SKIP.search(urlsplit(url).path):
            continue
        # One page of each shape (a household's page stands for every household's).
        shape = re.sub(r"\d+", "N", urlsplit(url).path) + ("?" if urlsplit(url).query else "")
        if shape in kinds and shape.count("N") and url not in start:
            continue
        kinds.add(shape)
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue.extend(HREF.findall(response.content.decode()))
    return seen


@pytest.mark.parametrize("username", ["quantri", "phongldtbxh", "xatantrao", "nhcsxh", "tinhtuyenquang"])
def test_every_reachable_page_renders_for_every_role(client, seeded, username):
    from households.models import Job, JobStatus

    user = seeded[username]
    job = Job.objects.create(kind="reviews_reclassify", status=JobStatus.SUCCEEDED, progress=100, message="Phân loại lại kết quả rà soát",
                             created_by=user)
    client.force_login(user)
    pages = _crawl(client, ["/", "/dashboard/", f"/reviews/jobs/{job.pk}/"])
    broken = {url: status for url, status in pages.items() if status >= 500}
    assert not broken, broken
    assert len(pages) > 10, pages  # the crawl reached the menu's pages
    assert set(pages.values()) <= {200, 302, 403, 404}, {u: s for u, s in pages.items() if s not in (200, 302, 403, 404)}
