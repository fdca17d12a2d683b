"""schemathesis against the live OpenAPI schema, in-process over WSGI: as an anonymous
shopper, a retailer's POS token and a brand's token. No 5xx; documented bodies conform."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from o2o.inventory.services import create_integration
from tests.admin.tenancy_world import build

EXAMPLES = 20


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


def test_no_server_errors_and_conforming_bodies(api_schema, credentials):
    """Every operation, a bounded number of generated requests, three identities each."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            for headers in credentials:
                response = case.call(headers=headers)
                case.validate_response(
                    response, checks=(not_a_server_error, response_schema_conformance)
                )

        check()
