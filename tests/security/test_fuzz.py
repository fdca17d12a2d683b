"""schemathesis against the live OpenAPI schema, in-process over WSGI, with every check it
has (server errors, status codes, content types, headers, response schemas, schema-valid
data accepted, schema-violating data rejected, auth not ignored...), positive and negative
data, as an anonymous shopper, a retailer's POS token and a brand's token.

FUZZ_EXAMPLES sets the examples per operation and mode (25 here, bounded for CI; `make
fuzz` runs 200). One rule is ours: a schema-valid request may still be refused by a
business rule (a count dated 1999, more units than the brand allows): that refusal carries
its domain code. A refusal with the code `invalid` means the serializer refused what the
schema allows, and that is a failure like any other."""

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from o2o.inventory.integrations import create_integration
from tests.admin.tenancy_world import build

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
ACCEPTED = {401, 403, 404, 409, 429}


@schemathesis.check
def schema_valid_data_is_accepted_unless_a_rule_refuses_it(ctx, response, case):
    """schemathesis' positive_data_acceptance, except refusals with a domain error code."""
    generation = getattr(case.meta, "generation", None)
    if generation is None or generation.mode != GenerationMode.POSITIVE:
        return
    if response.status_code < 400 or response.status_code in ACCEPTED:
        return
    body = json.loads(response.content or b"{}")
    assert body.get("code") not in (None, "invalid", "bad_request"), (
        f"a schema-valid request was refused as malformed: {response.status_code} {body}"
    )
    return


@pytest.fixture
def api_schema(db):
    """The schema served by the app itself. Like Django's test client, keep the test's
    database connection open across the in-process requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from o2o.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(db):
    world = build()
    _retailer, retailer_token = create_integration(retailer=world.sides[0][0], name="fuzz")
    _brand, brand_token = create_integration(brand=world.sides[0][1], name="fuzz")
    return [
        {},
        {"Authorization": f"Bearer {retailer_token}"},
        {"Authorization": f"Bearer {brand_token}"},
    ]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_check_on_every_operation(api_schema, credentials, settings_, mode):
    """Every operation, a bounded number of generated requests, three identities each."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        try:
            strategy = operation.as_strategy(generation_mode=mode)
        except Exception:  # noqa: S112 (an operation schemathesis cannot generate for is skipped)
            continue

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case):
            for headers in credentials:
                response = case.call(headers=headers)
                case.validate_response(
                    response, headers=headers, excluded_checks=[positive_data_acceptance]
                )

        try:
            check()
        except Exception as exc:
            if "Unable to satisfy assumptions" in str(exc):
                continue  # nothing schema-violating can be sent (no parameters, no body)
            raise


@pytest.fixture
def settings_(settings):
    """Throttles out of the way: the fuzzer sends many requests from one address."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"shopper": "1000000/min"},
    }
    settings.O2O_RESERVATIONS_PER_IP = settings.O2O_RESERVATIONS_PER_EMAIL = 1_000_000
    return settings
