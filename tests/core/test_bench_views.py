"""The benchmarks' reference views answer exactly what the availability API answers, so the
ratios bench/http.py prints compare the same work."""

import pytest
from rest_framework.test import APIClient

from tests.factories import OutletFactory, authorise, stock


@pytest.mark.postgres  # the raw SQL is PostgreSQL's (LATERAL)
def test_raw_and_values_views_answer_like_the_api(world, settings):
    settings.ROOT_URLCONF = "bench.site.urls"
    for index in range(12):
        outlet = OutletFactory(latitude=18.52 + 0.01 * index, longitude=73.86)
        authorise(outlet, world.brand)
        stock(outlet, world.variant, index + 1, reserved=index % 2)
    query = {"sku": world.variant.sku, "brand": world.brand.slug, "lat": 18.5196, "lng": 73.8553}
    client = APIClient()
    answers = [
        client.get(path, query).json()
        for path in (
            "/api/v1/availability/",
            "/bench/availability-values/",
            "/bench/availability-raw/",
        )
    ]
    api, values, raw = ([(row["outlet"], row["available"]) for row in answer] for answer in answers)
    assert len(api) == 10
    assert api == values == raw
    assert [row["distance_km"] for row in answers[0]] == pytest.approx(
        [row["distance_km"] for row in answers[2]]
    )


def test_bare_views_answer(db, settings):
    settings.ROOT_URLCONF = "bench.site.urls"
    client = APIClient()
    assert len(client.get("/bench/bare-json/").json()["results"]) == 10
    assert client.get("/bench/bare-page/").status_code == 200


def _written(world):
    from o2o.inventory.models import StockMovement
    from o2o.reservations.models import Reservation, ReservationEvent, ReservationLine

    world.level.refresh_from_db()
    return {
        "reserved": world.level.reserved,
        "reservations": Reservation.objects.filter(status="pending").count(),
        "lines": ReservationLine.objects.filter(quantity=2, variant=world.variant).count(),
        "movements": StockMovement.objects.filter(reason="hold", reserved_delta=2).count(),
        "events": ReservationEvent.objects.filter(to_status="pending").count(),
    }


@pytest.mark.postgres  # make_interval is PostgreSQL's
@pytest.mark.parametrize(
    "twin_path", ["/bench/reservation-raw/", "/bench/reservation-raw-prepared/"]
)
def test_the_raw_reservation_twin_writes_what_the_endpoint_writes(world, settings, twin_path):
    """T5b compares the endpoint with this twin (its statements prepared or not): the same
    rows must come out of both."""
    from tests.factories import api_reservation

    settings.ROOT_URLCONF = "bench.site.urls"
    client = APIClient()
    body = api_reservation(world, quantity=2)
    made = client.post("/api/v1/reservations/", body, format="json")
    assert made.status_code == 201
    after_endpoint = _written(world)
    twin = client.post(twin_path, body, format="json")
    assert twin.status_code == 201
    after_twin = _written(world)
    assert after_endpoint == {
        "reserved": 2,
        **dict.fromkeys(after_endpoint.keys() - {"reserved"}, 1),
    }
    assert after_twin == {key: 2 * value for key, value in after_endpoint.items()}
    assert set(twin.json()) <= set(made.json())
    assert twin.json()["outlet"] == made.json()["outlet"] == "pune-1"
    refused = client.post(twin_path, body, format="json")  # 1 unit left
    assert refused.status_code == 409
    assert _written(world) == after_twin


def test_the_results_table_keeps_the_latest_figure_of_each_target():
    from bench.results import with_latest

    document = "# Benchmark results\n\nIntro.\n\n## T1 ingest, old\n\nfigures\n"
    once = with_latest(
        document, {"T5b endpoint / twin": ("23%", "misses")}, "2026-12-06 10:00 UTC", "make a"
    )
    twice = with_latest(
        once,
        {"T1 re-sync": ("108%", "holds"), "T5b endpoint / twin": ("51%", "holds")},
        "2026-12-06 11:00 UTC",
        "make b",
    )
    assert twice.startswith("# Benchmark results\n\nIntro.\n")
    assert twice.endswith("## T1 ingest, old\n\nfigures\n")  # the history stays as it was
    table = [line for line in twice.splitlines() if line.startswith("| T")]
    assert table == [
        "| T1 re-sync | 108% | **holds** | 2026-12-06 11:00 UTC | `make b` |",
        "| T5b endpoint / twin | 51% | **holds** | 2026-12-06 11:00 UTC | `make b` |",
    ]
