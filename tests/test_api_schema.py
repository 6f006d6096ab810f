"""The OpenAPI schema generates with no warnings; Swagger UI is served offline from drf-spectacular-sidecar."""
import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out, stderr=out)


def test_swagger_ui_uses_no_cdn(client, district_officer):
    client.force_login(district_officer)
    html = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower() and "jsdelivr" not in html.lower()


def test_no_page_loads_anything_from_outside(client, district_officer):
    client.force_login(district_officer)
    for url in ("/", "/households/", "/login/"):
        html = client.get(url).content.decode()
        assert "http://" not in html.replace("http://testserver", "") and "https://" not in html, url
