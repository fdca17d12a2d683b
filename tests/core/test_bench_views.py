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
