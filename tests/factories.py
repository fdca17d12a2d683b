"""factory-boy factories and a small ready-made world for tests."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from o2o.brands.models import Brand
from o2o.catalogue.models import Attribute, Category, Product, Variant
from o2o.inventory.models import StockLevel
from o2o.outlets.models import Outlet, OutletAuthorization, Retailer

PUNE = (18.5196, 73.8553)


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    currency = "INR"
    max_units_per_reservation = 5


PHONE_ATTRIBUTES = [
    ("storage", "Storage", {"hi": "स्टोरेज", "zh-hans": "存储"}, "GB"),
    ("colour", "Colour", {"hi": "रंग", "zh-hans": "颜色"}, ""),
]


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        skip_postgeneration_save = True

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")

    @factory.post_generation
    def with_attributes(self, create, extracted, **kwargs):
        """A phone category's attributes unless told: storage (GB), then colour."""
        if not create:
            return
        specs = PHONE_ATTRIBUTES if extracted is None else extracted
        Attribute.objects.bulk_create(
            Attribute(category=self, code=code, label=label, labels=labels, unit=unit, position=i)
            for i, (code, label, labels, unit) in enumerate(specs, start=1)
        )


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    brand = factory.SubFactory(BrandFactory)
    category = factory.SubFactory(CategoryFactory, brand=factory.SelfAttribute("..brand"))
    name = factory.Sequence(lambda n: f"Phone {n}")
    slug = factory.Sequence(lambda n: f"phone-{n}")
    status = "published"


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    brand = factory.SelfAttribute("product.brand")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    gtin = factory.Sequence(lambda n: f"890{n:010d}")
    attributes = factory.LazyAttribute(lambda o: {"storage": str(o.storage_gb), "colour": o.colour})
    price = Decimal("19999.00")

    class Params:
        colour = "Black"
        storage_gb = 128


class RetailerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Retailer

    name = factory.Sequence(lambda n: f"Retailer {n}")
    slug = factory.Sequence(lambda n: f"retailer-{n}")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    retailer = factory.SubFactory(RetailerFactory)
    code = factory.Sequence(lambda n: f"outlet-{n}")
    name = factory.Sequence(lambda n: f"Shop {n}")
    address = "1 MG Road"
    city = "Pune"
    country = "IN"
    latitude = PUNE[0]
    longitude = PUNE[1]


def authorise(outlet, brand):
    return OutletAuthorization.objects.create(outlet=outlet, brand=brand)


def stock(outlet, variant, on_hand, reserved=0):
    return StockLevel.objects.create(
        outlet=outlet, variant=variant, on_hand=on_hand, reserved=reserved
    )


@dataclass
class World:
    brand: Brand
    product: Product
    variant: Variant
    other_variant: Variant
    outlet: Outlet
    level: StockLevel


def make_world(on_hand=5):
    """One brand, one product with two variants, one authorised outlet in Pune with stock."""
    brand = BrandFactory(name="Aurora", slug="aurora")
    product = ProductFactory(brand=brand, name="Aurora 12", slug="aurora-12")
    variant = VariantFactory(product=product, sku="AUR-12-128-BLK", colour="Black")
    other = VariantFactory(product=product, sku="AUR-12-256-BLU", colour="Blue", storage_gb=256)
    outlet = OutletFactory(code="pune-1", name="Pune Mobiles")
    authorise(outlet, brand)
    level = stock(outlet, variant, on_hand)
    return World(brand, product, variant, other, outlet, level)


def minutes_ago(minutes=0):
    """An ISO 8601 timestamp `minutes` ago, as a POS would send it."""
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


def page_reservation(**changes):
    """The form a shopper posts on the storefront's reserve page (collect, one unit)."""
    return {
        "quantity": 1,
        "shopper_name": "Ravi",
        "shopper_email": "ravi@example.com",
        "shopper_phone": "+91 9000000001",
        "fulfilment": "collect",
        **changes,
    }


def api_reservation(world, **changes):
    """The body of a shopper's POST /api/v1/reservations/ for the world's shop and item."""
    return {
        "brand": world.brand.slug,
        "sku": world.variant.sku,
        "outlet": "pune-1",
        "quantity": 1,
        "shopper_name": "Asha",
        "shopper_email": "asha@example.com",
        "shopper_phone": "+91 9000000000",
        **changes,
    }


def launch_on_sale(world, units):
    """The world's product launched a minute ago, its queue open for an hour, `units[outlet]`
    put aside at each outlet."""
    from o2o.catalogue import services as catalogue
    from o2o.launches import queue
    from o2o.launches.models import Launch

    now = timezone.now()
    launch = Launch.objects.create(
        brand=world.brand,
        product=world.product,
        starts_at=now - timedelta(minutes=1),
        queue_closes_at=now + timedelta(hours=1),
        status=Launch.Status.OPEN,
    )
    catalogue.set_queue(product_id=world.product.pk, until=launch.queue_closes_at)
    return queue.set_allocations(
        launch=launch, units={outlet.pk: count for outlet, count in units.items()}
    )


def announce_what_setup_made():
    """Mark the reservation changes a test's set-up made as announced, as their commits'
    nudges would have (inside a test's transaction no commit runs them): the set-up's
    reservations are not mailed by the test's first announcing run."""
    from o2o.reservations.models import ReservationEvent

    ReservationEvent.objects.filter(announced_at__isnull=True).update(announced_at=timezone.now())
