"""Shopper reads on a real PostgreSQL streaming replica (.ci/replica starts one): reads go
there, writes never do, a lagging replica never puts an old answer in the cache, and the
site keeps answering when the replica is gone."""

import socket
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from o2o.core import replicas
from o2o.outlets.models import Outlet
from tests.factories import api_reservation, page_reservation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

PUNE = {"lat": 18.5196, "lng": 73.8553}
LSN = "- '0/0'::pg_lsn"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.O2O_SHOPPER_CACHE_SECONDS = 60
    replicas._down_until.clear()
    yield
    replicas._down_until.clear()


def replica():
    return settings.O2O_READ_REPLICAS[0]


def scalar(alias, sql, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_for_replay():
    """Until the replica has replayed everything the primary has written so far."""
    target = scalar("default", f"SELECT pg_current_wal_lsn() {LSN}")
    deadline = time.monotonic() + 20
    while scalar(replica(), f"SELECT pg_last_wal_replay_lsn() {LSN}") < target:
        assert time.monotonic() < deadline, "the replica did not catch up in 20 s"
        time.sleep(0.02)


@pytest.fixture
def paused_replica():
    """The replica stops replaying the primary's WAL (it keeps answering reads)."""
    wait_for_replay()
    scalar(replica(), "SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + 10
    while scalar(replica(), "SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    try:
        yield
    finally:
        scalar(replica(), "SELECT pg_wal_replay_resume()::text")
        wait_for_replay()


class Reads:
    """The statements each database ran meanwhile."""

    def __enter__(self):
        self._contexts = {
            alias: CaptureQueriesContext(connections[alias]) for alias in ("default", replica())
        }
        for context in self._contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self._contexts.values():
            context.__exit__(*exc)

    def on(self, alias):
        return [query["sql"] for query in self._contexts[alias].captured_queries]

    def of_stock(self, alias):
        return [sql for sql in self.on(alias) if "inventory_stocklevel" in sql]


def available(world, **point):
    response = APIClient().get(
        "/api/v1/availability/",
        {"sku": world.variant.sku, "brand": world.brand.slug, **(point or PUNE)},
    )
    assert response.status_code == 200, response.content
    return {row["outlet"]: row["available"] for row in response.json()}


def test_a_shoppers_search_is_read_on_the_replica(world):
    wait_for_replay()
    with Reads() as reads:
        assert available(world) == {"pune-1": 5}
    assert reads.of_stock(replica()), "the nearest-stock query ran on the replica"
    assert not reads.of_stock("default")


def test_product_and_catalogue_pages_are_read_on_the_replica(client, world):
    wait_for_replay()
    with Reads() as reads:
        page = client.get("/aurora/aurora-12/", {"city": "Pune"})
        catalogue = client.get("/aurora/")
    assert page.status_code == 200
    assert "Pune Mobiles" in page.text
    assert catalogue.status_code == 200
    assert "Aurora 12" in catalogue.text
    on_replica = " ".join(reads.on(replica()))
    for table in ("catalogue_product", "catalogue_variant", "inventory_stocklevel"):
        assert table in on_replica
    assert not reads.of_stock("default")
    written = [sql for sql in reads.on("default") if sql.startswith("INSERT")]
    assert any("locator_demandsignal" in sql for sql in written)  # the search is recorded


def test_writes_and_the_reservation_path_never_touch_the_replica(client, world):
    wait_for_replay()
    with Reads() as reads:
        made = APIClient().post(
            "/api/v1/reservations/", api_reservation(world, quantity=2), format="json"
        )
        page = client.post(f"/reserve/pune-1/{world.variant.pk}/", page_reservation())
    assert made.status_code == 201, made.content
    assert page.status_code == 302, page.content
    assert reads.on(replica()) == []
    world.level.refresh_from_db()
    assert world.level.reserved == 3


def test_an_object_read_on_the_replica_is_saved_on_the_primary(world):
    wait_for_replay()
    outlet = replicas.read_on_replica(
        lambda: Outlet.objects.get(code="pune-1"), floor=scalar("default", "SELECT 0")
    )
    assert outlet._state.db == replica()
    assert router.db_for_write(Outlet, instance=outlet) == "default"
    outlet.name = "Pune Mobiles & More"
    outlet.save()
    assert Outlet.objects.get(pk=outlet.pk).name == "Pune Mobiles & More"


def test_reads_inside_a_write_transaction_stay_on_the_primary(world):
    wait_for_replay()

    def read_then_write():
        with transaction.atomic():
            outlet = Outlet.objects.select_for_update().get(code="pune-1")
            return list(Outlet.objects.filter(pk=outlet.pk)), outlet

    with Reads() as reads:
        replicas.read_on_replica(read_then_write, floor=0)
    assert reads.on(replica()) == []


def test_a_lagging_replica_never_produces_a_stale_cached_answer(world, paused_replica):
    assert available(world) == {"pune-1": 5}  # cached, read before the pause was needed
    made = APIClient().post(
        "/api/v1/reservations/", api_reservation(world, quantity=2), format="json"
    )
    assert made.status_code == 201
    stale = scalar(
        replica(),
        "SELECT on_hand - reserved FROM inventory_stocklevel WHERE id = %s",
        [world.level.pk],
    )
    assert stale == 5, "the replica has not replayed the reservation"
    with Reads() as reads:
        assert available(world) == {"pune-1": 3}
        assert available(world) == {"pune-1": 3}  # and it is the answer now cached
    assert reads.of_stock("default")
    assert not reads.of_stock(replica())


def test_a_replica_that_caught_up_answers_again(world, paused_replica):
    APIClient().post("/api/v1/reservations/", api_reservation(world), format="json")
    with Reads() as reads:
        assert available(world) == {"pune-1": 4}
    assert not reads.of_stock(replica())
    scalar(replica(), "SELECT pg_wal_replay_resume()::text")
    wait_for_replay()
    with Reads() as reads:
        assert available(world, lat=18.52, lng=73.86) == {"pune-1": 4}  # a new search
    assert reads.of_stock(replica())
    assert not reads.of_stock("default")


def _nothing_listens():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_site_keeps_answering_when_the_replica_is_down(client, world):
    wait_for_replay()
    link = connections[replica()]
    port = link.settings_dict["PORT"]
    link.close()
    link.settings_dict["PORT"] = _nothing_listens()
    try:
        with CaptureQueriesContext(connections["default"]) as on_primary:
            assert available(world) == {"pune-1": 5}
            page = client.get("/aurora/aurora-12/", {"city": "Pune"})
            assert page.status_code == 200
            assert "Pune Mobiles" in page.text
            assert client.get("/aurora/").status_code == 200
            products = APIClient().get("/api/v1/brands/aurora/products/")
            assert products.status_code == 200
            assert products.json()["results"]
        assert any("inventory_stocklevel" in query["sql"] for query in on_primary)
    finally:
        link.close()
        link.settings_dict["PORT"] = port


def test_the_configured_replicas_pass_the_system_checks(db):
    from django.core.checks import run_checks

    assert [m.id for m in run_checks() if m.id.startswith("o2o.")] == []


def test_readiness_tells_how_far_each_replica_is(client, db):
    wait_for_replay()
    answer = client.get("/health/ready/").json()
    assert answer["replicas"][replica()].startswith("ok, ")
    assert answer["replicas"][replica()].endswith(" bytes behind")
    link = connections[replica()]
    port = link.settings_dict["PORT"]
    link.close()
    link.settings_dict["PORT"] = _nothing_listens()
    try:
        down = client.get("/health/ready/").json()  # the site still answers from the primary
    finally:
        link.close()
        link.settings_dict["PORT"] = port
    assert down["replicas"][replica()].startswith("down: ")
    assert down["checks"]["database"] == "ok"


def test_a_replica_that_fails_mid_read_is_left_for_the_primary(world):
    """The replica's connection is killed between two reads of one answer: the answer is
    read again, whole, on the primary."""
    wait_for_replay()
    attempts = []

    def answer():
        attempts.append(router.db_for_read(Outlet))
        first = Outlet.objects.get(code="pune-1")
        if len(attempts) == 1:
            pid = scalar(replica(), "SELECT pg_backend_pid()")
            params = connections[replica()].get_connection_params()
            with psycopg.connect(**params, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
        return first.name, Outlet.objects.filter(status="active").count()

    assert replicas.read_on_replica(answer, floor=0) == ("Pune Mobiles", 1)
    assert attempts == [replica(), "default"]


def test_an_error_of_the_primary_is_not_blamed_on_the_replica(world):
    """A statement cancelled on the primary during a replica read is raised as it is: the
    answer is not read twice and the replica stays in use."""
    from django.db import OperationalError

    wait_for_replay()
    attempts = []

    def answer():
        attempts.append(Outlet.objects.get(code="pune-1").name)  # on the replica
        with connections["default"].cursor() as cursor:
            cursor.execute("SET statement_timeout = 10")
            try:
                cursor.execute("SELECT pg_sleep(1)")
            finally:
                cursor.execute("SET statement_timeout = 0")

    with pytest.raises(OperationalError):
        replicas.read_on_replica(answer, floor=0)
    assert attempts == ["Pune Mobiles"]
    assert replica() not in replicas._down_until
