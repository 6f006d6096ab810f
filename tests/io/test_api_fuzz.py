"""Schema-driven fuzzing of the whole API with schemathesis: every operation of the OpenAPI schema gets requests
generated from its schema (valid and edge-case values), sent through the WSGI application as an administrator and
as a commune officer; none may answer with a server error, and every answer must conform to the schema. Bounded and deterministic: a fixed number of
examples per operation, derandomised, no example database."""
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

pytestmark = pytest.mark.django_db

EXAMPLES = 4


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.parametrize("username", ["quantri", "xatantrao"])
def test_no_operation_of_the_api_answers_with_a_server_error(seeded, username, settings_fuzz):
    key = Token.objects.get_or_create(user=seeded[username])[0].key
    headers = {"Authorization": f"Token {key}", "Accept-Encoding": "identity"}  # the WSGI client does not unzip
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=headers)
    failures: list[str] = []
    operations = list(_operations(schema))
    assert len(operations) >= 30, len(operations)

    for operation in operations:

        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def fuzz(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query or ''} → {response.status_code}")
                return
            # The answer is what the schema says it is: its shape, types and nulls, and its content type.
            try:
                case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])
            except BaseException as exc:  # schemathesis raises a FailureGroup (an exception group) naming each violation
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                text = str(exc)
                where = [ln.strip() for ln in text.splitlines() if ln.strip().startswith(("Schema at", "Failed to", "Received", "Undocumented"))]
                failures.append(f"{case.method} {case.operation.path} → {response.status_code}: {' | '.join(where) or text[:200]}")

        fuzz()
    import os
    if os.environ.get("FUZZ_DUMP"):
        open(os.environ["FUZZ_DUMP"], "a").write("\n".join(sorted(set(failures))) + "\n")
    assert not failures, sorted(set(failures))[:20]


@pytest.fixture
def settings_fuzz(settings):
    # The fuzzer sends hundreds of requests in seconds: the API's own throttles are not what is tested here.
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "user": "100000/minute", "anon": "100000/minute"}
    settings.REST_FRAMEWORK = rest
    settings.ALLOWED_HOSTS = ["*"]
    from rest_framework.throttling import SimpleRateThrottle

    previous = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rest["DEFAULT_THROTTLE_RATES"]
    # The WSGI application closes "old" database connections at the end of every request; inside a test's
    # transaction on PostgreSQL that closes the test's own connection. Django's test client turns this off the
    # same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    SimpleRateThrottle.THROTTLE_RATES = previous
