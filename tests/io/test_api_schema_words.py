"""The OpenAPI schema describes every field and every parameter in Vietnamese."""
import io
import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

VIETNAMESE = re.compile(r"[^\x00-\x7f]")  # every Vietnamese sentence has a letter with a diacritic


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_every_field_has_a_vietnamese_description(schema):
    undescribed = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, spec in (component.get("properties") or {}).items()
        if not VIETNAMESE.search(spec.get("description", ""))
    ]
    assert not undescribed, undescribed


def test_every_parameter_has_a_vietnamese_description(schema):
    undescribed = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not VIETNAMESE.search(parameter.get("description", ""))
    ]
    assert not undescribed, undescribed


def test_the_list_envelope_and_the_token_request_are_described(schema):
    households = schema["components"]["schemas"]["PaginatedHouseholdList"]["properties"]
    assert households["count"]["description"] == "Tổng số bản ghi phù hợp."
    token = schema["components"]["schemas"]["TokenRequestRequest"]["properties"]
    assert token["username"]["description"] == "Tên đăng nhập của cán bộ."
