"""Two retailers (A, B), two brands (X, Y), their people, and one object of every kind each.

Every object carries the tenant labels that may see it; the matrix test checks the admin
against these labels, not against the code's own querysets."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from o2o.brands.models import BrandMembership
from o2o.catalogue.models import CatalogueChange, CatalogueImport, EShop, EShopListing
from o2o.core.models import User
from o2o.inventory.integrations import create_integration
from o2o.inventory.models import StockFeed, StockMovement, SyncRowError, SyncRun
from o2o.launches.models import Launch
from o2o.locator.models import BackInStockRequest, DemandSignal
from o2o.outlets.models import OutletApplication, RetailerMembership
from o2o.reservations import services as reservations
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    OutletFactory,
    ProductFactory,
    RetailerFactory,
    VariantFactory,
    announce_what_setup_made,
    authorise,
    stock,
)

PASSWORD = "matrix-pass-2026"


@dataclass
class TenancyWorld:
    users: dict
    labels: dict = field(default_factory=dict)  # object -> set of labels that may see it

    def tag(self, obj, *labels):
        self.labels[obj] = set(labels)
        return obj


PERSONA_LABELS = {
    "superuser": None,  # sees everything
    "a_owner": {"A", "A-owner"},
    "a_staff": {"A"},
    "b_owner": {"B", "B-owner"},
    "x_manager": {"X", "X-manager"},
    "y_analyst": {"Y"},
    "shopper": set(),
    "anonymous": set(),
}


def _user(username, **fields):
    return User.objects.create_user(username, f"{username}@example.com", PASSWORD, **fields)


def build():
    users = {
        "superuser": User.objects.create_superuser("root", "root@example.com", PASSWORD),
        "a_owner": _user("a-owner", is_staff=True),
        "a_staff": _user("a-staff", is_staff=True),
        "b_owner": _user("b-owner", is_staff=True),
        "x_manager": _user("x-manager", is_staff=True),
        "y_analyst": _user("y-analyst", is_staff=True),
        "shopper": _user("shopper"),
        "anonymous": None,
    }
    world = TenancyWorld(users)
    brand_x, brand_y = BrandFactory(name="X Phones"), BrandFactory(name="Y Phones")
    world.tag(brand_x, "X")
    world.tag(brand_y, "Y")
    retailer_a, retailer_b = RetailerFactory(name="Shop A"), RetailerFactory(name="Shop B")
    world.tag(retailer_a, "A", "X")
    world.tag(retailer_b, "B", "Y")
    RetailerMembership.objects.create(user=users["a_owner"], retailer=retailer_a, role="owner")
    RetailerMembership.objects.create(user=users["a_staff"], retailer=retailer_a, role="staff")
    RetailerMembership.objects.create(user=users["b_owner"], retailer=retailer_b, role="owner")
    BrandMembership.objects.create(user=users["x_manager"], brand=brand_x, role="owner")
    BrandMembership.objects.create(user=users["y_analyst"], brand=brand_y, role="analyst")

    sides = []
    for retailer, brand, r, b in ((retailer_a, brand_x, "A", "X"), (retailer_b, brand_y, "B", "Y")):
        category = world.tag(CategoryFactory(brand=brand), b)
        product = world.tag(ProductFactory(brand=brand, category=category), b)
        variant = world.tag(VariantFactory(product=product), b)
        eshop = world.tag(EShop.objects.create(brand=brand, name=f"{b} Mart"), b)
        upcoming = world.tag(
            ProductFactory(
                brand=brand,
                category=category,
                status="scheduled",
                publish_at=timezone.now() + timedelta(days=30),
            ),
            b,
        )
        world.tag(
            Launch.objects.create(brand=brand, product=upcoming, starts_at=upcoming.publish_at),
            b,
        )
        world.tag(CatalogueImport.objects.create(brand=brand, file=f"catalogue-imports/{b}.csv"), b)
        world.tag(
            EShopListing.objects.create(product=product, eshop=eshop, url=f"https://{b}.example/p"),
            b,
        )
        world.tag(
            CatalogueChange.objects.create(
                brand=brand, product=product, variant=variant, action="variant:created"
            ),
            b,
        )
        outlet = world.tag(OutletFactory(retailer=retailer), r, b)
        world.tag(authorise(outlet, brand), r, b)
        world.tag(stock(outlet, variant, 10), r, b)
        world.tag(
            OutletApplication.objects.create(
                brand=brand,
                business_name=f"New {b}",
                outlet_name=f"New {b}",
                contact_name="C",
                contact_email="c@example.com",
                address="1 Road",
                city="Pune",
                country="IN",
                latitude=18.5,
                longitude=73.8,
            ),
            b,
        )
        reservation = reservations.reserve(
            outlet=outlet,
            variant=variant,
            quantity=1,
            shopper_name="S",
            shopper_email="s@example.com",
            shopper_phone="+91 9000000000",
        )
        world.tag(reservation, r, b)
        world.tag(StockMovement.objects.filter(reference=reservation.code).get(), r)
        integration, _token = create_integration(retailer=retailer, name=f"POS {r}")
        world.tag(integration, f"{r}-owner")
        world.tag(StockFeed.objects.create(retailer=retailer, url=f"https://{r}.example/s.csv"), r)
        run = world.tag(
            SyncRun.objects.create(
                retailer=retailer,
                outlet=outlet,
                source="push",
                as_of=timezone.now() - timedelta(minutes=5),
            ),
            r,
        )
        SyncRowError.objects.create(sync_run=run, line=1, sku="?", message="unknown")
        world.tag(
            DemandSignal.objects.create(
                brand=brand, variant=variant, cell_lat=18.5, cell_lng=73.85, found=False
            ),
            b,
        )
        world.tag(
            BackInStockRequest.objects.create(
                variant=variant,
                email="s@example.com",
                place="Pune",
                latitude=18.5,
                longitude=73.8,
                radius_km=50,
            )
        )
        sides.append((retailer, brand, outlet, variant, reservation))
    brand_integration, _token = create_integration(brand=brand_x, name="Brand X POS")
    world.tag(brand_integration, "X-manager")
    for user in users.values():
        if user is not None:
            world.tag(user)
    world.tag(Group.objects.create(name="Ops"))
    schedule = world.tag(IntervalSchedule.objects.create(every=10, period="minutes"))
    world.tag(CrontabSchedule.objects.create(minute="0"))
    world.tag(PeriodicTask.objects.create(name="t", task="x", interval=schedule))
    world.sides = sides
    announce_what_setup_made()
    return world


def login(world, persona):
    """A test client signed in as one of the world's personas."""
    from django.test import Client

    client = Client()
    assert client.login(username=world.users[persona].username, password=PASSWORD)
    return client
