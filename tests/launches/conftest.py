"""The launch every queue test starts from."""

import datetime

import pytest
import time_machine

from o2o.catalogue.models import Product
from o2o.launches import queue, services
from o2o.launches.models import Launch
from tests.factories import OutletFactory, authorise, stock

START = datetime.datetime(2026, 12, 10, 4, 30, tzinfo=datetime.UTC)  # 10:00 in India


@pytest.fixture
def launch(world):
    """The world's product launched at START: 2 units put aside at Pune, 1 at Mumbai,
    one unit per shopper, 10 minutes to reserve."""
    Product.objects.filter(pk=world.product.pk).update(status="draft")
    mumbai = OutletFactory(code="mumbai-1", name="Mumbai Mobiles", city="Mumbai")
    authorise(mumbai, world.brand)
    stock(mumbai, world.variant, 5)
    with time_machine.travel(START - datetime.timedelta(days=1), tick=False):
        found = services.schedule_launch(
            product=Product.objects.get(pk=world.product.pk), starts_at=START
        )
        queue.set_allocations(launch=found, units={world.outlet.pk: 2, mumbai.pk: 1})
    return Launch.objects.get(pk=found.pk)


def url(world, tail=""):
    return f"/api/v1/launches/{world.brand.slug}/{world.product.slug}/{tail}"
