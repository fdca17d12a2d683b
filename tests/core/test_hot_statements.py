"""The hot paths' statements (a reservation's, a launch queue's) are planned once per
connection on PostgreSQL (PREPARE, then EXECUTE, which the server runs on a generic plan),
stay prepared across a rollback, are prepared again on a new connection, take any value a
shopper types, and are plain statements when O2O_DB_PREPARE_HOT_STATEMENTS is off."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from o2o.core.statements import execute_hot
from o2o.inventory.models import StockLevel
from o2o.outlets.models import Outlet
from o2o.reservations.models import Reservation
from tests.factories import api_reservation, make_world

RESERVE = "/api/v1/reservations/"
FAR_AWAY = {"fulfilment": "delivery", "delivery_address": "1 Far Road", "lat": 28.6, "lng": 77.2}

pytestmark = pytest.mark.postgres


def reserve(client, world, n=0, **changes):
    body = api_reservation(world, shopper_email=f"shopper{n}@example.com", **changes)
    return client.post(RESERVE, body, content_type="application/json")


def prepared_here():
    """What this connection has prepared: {name: (statement, generic plans run)}."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, statement, generic_plans FROM pg_prepared_statements "
            "WHERE name LIKE 'o2o\\_%%'"
        )
        return {name: (statement, plans) for name, statement, plans in cursor.fetchall()}


def executed(queries):
    """The prepared statements' names that `queries` (captured) ran with EXECUTE."""
    return {q["sql"].split()[1] for q in queries if q["sql"].startswith("EXECUTE o2o_")}


@pytest.mark.django_db
def test_a_reservations_statements_are_planned_once_then_run_on_a_generic_plan(client):
    world = make_world(on_hand=50)
    with CaptureQueriesContext(connection) as ran:
        for n in range(8):
            answer = reserve(client, world, n)
            assert answer.status_code == 201, answer.content
    names = executed(ran.captured_queries)
    prepared = prepared_here()
    statements = [prepared[name][0] for name in names]
    # the variant and outlet read together, the hold, the reservation with its line and event
    for text in ("LEFT JOIN (SELECT", "FOR SHARE OF o", 'INSERT INTO "reservations_reservation"'):
        assert sum(text in statement for statement in statements) == 1, (text, statements)
    assert len(names) == 3
    for name in names:
        assert prepared[name][1] >= 1  # the server no longer plans it on each call
    assert StockLevel.objects.get(pk=world.level.pk).reserved == 8


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_them_again(client):
    world = make_world(on_hand=5)
    assert reserve(client, world, 1).status_code == 201
    connection.close()  # as CONN_MAX_AGE or a lost server ends it
    answer = reserve(client, world, 2)
    assert answer.status_code == 201, answer.content
    assert any("FOR SHARE OF o" in statement for statement, _plans in prepared_here().values())
    assert StockLevel.objects.get(pk=world.level.pk).reserved == 2


@pytest.mark.django_db(transaction=True)
def test_a_statement_first_prepared_in_a_rolled_back_reservation_stays_usable(client):
    """The hold is prepared inside the reservation's transaction; a refusal after it rolls
    the transaction back, and the next reservation on the same connection still runs it."""
    world = make_world(on_hand=5)
    Outlet.objects.filter(pk=world.outlet.pk).update(delivery_radius_km=5)
    connection.close()
    refused = reserve(client, world, 1, **FAR_AWAY)
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "outside_delivery_radius"
    answer = reserve(client, world, 2)
    assert answer.status_code == 201, answer.content
    assert StockLevel.objects.get(pk=world.level.pk).reserved == 1


@pytest.mark.django_db(transaction=True)
def test_turned_off_nothing_is_prepared(client, settings):
    settings.O2O_DB_PREPARE_HOT_STATEMENTS = False
    world = make_world(on_hand=5)
    connection.close()
    answer = reserve(client, world, 1)
    assert answer.status_code == 201, answer.content
    assert prepared_here() == {}
    assert StockLevel.objects.get(pk=world.level.pk).reserved == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "O'Brien \\ '); DROP TABLE reservations_reservation; --",
        "$1 %s %(x)s %% ::text",
        "Zoë 𝔘 नमस्ते",
    ],
)
def test_values_that_look_like_sql_or_marks_are_kept_as_typed(client, name):
    world = make_world(on_hand=5)
    answer = reserve(client, world, shopper_name=name, delivery_address=name)
    assert answer.status_code == 201, answer.content
    stored = Reservation.objects.get(code=answer.json()["code"])
    assert (stored.shopper_name, stored.delivery_address) == (name, name)


@pytest.mark.django_db
def test_a_sku_that_looks_like_a_mark_is_simply_not_found(client):
    world = make_world(on_hand=5)
    for changes in ({"sku": "$1"}, {"sku": "%s"}, {"sku": "x%(brand)s"}, {"sku": "%%"}):
        answer = reserve(client, world, **changes)
        assert answer.status_code == 404, (changes, answer.content)
    assert StockLevel.objects.get(pk=world.level.pk).reserved == 0


@pytest.mark.django_db
def test_a_mark_used_twice_takes_one_value_and_a_percent_sign_stays_one():
    with connection.cursor() as cursor:
        execute_hot(cursor, "SELECT %(a)s::int + %(a)s::int, '100%%'", {"a": 2})
        assert cursor.fetchone() == (4, "100%")
        execute_hot(cursor, "SELECT %s::int * %s::int", [3, 7])
        assert cursor.fetchone() == (21,)


@pytest.mark.django_db
def test_marks_of_both_kinds_in_one_statement_are_refused():
    with connection.cursor() as cursor, pytest.raises(ValueError, match="all %s or all"):
        execute_hot(cursor, "SELECT %s::int + %(a)s::int", {"a": 1})
