import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from o2o.brands.models import Brand
from o2o.catalogue.models import Product, Variant
from o2o.inventory.models import StockLevel
from o2o.outlets.models import Outlet, OutletApplication, Retailer
from o2o.reservations.models import Reservation


@pytest.mark.django_db
def test_load_demo_builds_a_realistic_world(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "aurora-manager" in out
    assert "shop-owner" in out
    assert "POS token" in out
    assert Brand.objects.count() >= 3
    for brand in Brand.objects.all():
        assert Product.objects.filter(brand=brand).count() >= 20
    assert Outlet.objects.count() >= 300
    assert Retailer.objects.count() >= 40
    assert set(Outlet.objects.values_list("country", flat=True)) >= {"IN", "CN"}
    assert StockLevel.objects.filter(on_hand=0).exists()
    assert OutletApplication.objects.filter(status="submitted").count() == 1
    assert Reservation.objects.values("status").distinct().count() >= 4
    assert len({v.value("colour") for v in Variant.objects.all()} - {""}) >= 3
    televisions = Variant.objects.filter(product__category__slug="televisions")
    assert televisions.exists()  # a second product type, with its own attributes
    assert all(set(v.attributes) == {"screen", "panel"} for v in televisions)
    call_command("load_demo")  # second run: nothing to do, no duplicates
    assert "already loaded" in capsys.readouterr().out


def test_deploy_checks_pass_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-secret-key-0123456789abcdefghijkl",
        "DJANGO_ALLOWED_HOSTS": "o2o.example",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # never set in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_api_schema_and_docs_are_served(admin_client):
    assert admin_client.get("/api/schema/").status_code == 200
    assert admin_client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_demo_logins_open_their_workspaces(client):
    from o2o.workspace.demo import DEMO_PASSWORD

    call_command("load_demo")
    assert client.login(username="shop-owner", password=DEMO_PASSWORD)
    home = client.get("/admin/").content.decode()
    assert "Open reservations" in home
    assert "Low stock items" in home
    outlets = client.get("/admin/outlets/outlet/").context["cl"].result_list
    owner_retailers = {o.retailer_id for o in outlets}
    assert len(owner_retailers) == 1
    client.logout()
    assert client.login(username="aurora-manager", password=DEMO_PASSWORD)
    assert "Applications to review" in client.get("/admin/").content.decode()
    products = client.get("/admin/catalogue/product/").context["cl"].result_list
    assert {p.brand.slug for p in products} == {"aurora"}


def test_static_files_collect_with_hashed_names_in_production(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 20 + "production-secret-key-0123456789abcdefghijkl",
        "DJANGO_ALLOWED_HOSTS": "o2o.example",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/htmx.min.js" in manifest
    assert "vendor/leaflet/leaflet.js" in manifest


def test_demo_shops_have_streets_of_their_own_country(db):
    from django.core.management import call_command

    from o2o.outlets.models import Outlet
    from o2o.workspace.demo import STREETS

    call_command("load_demo")
    for country, others in (("IN", STREETS["CN"]), ("CN", STREETS["IN"])):
        addresses = Outlet.objects.filter(country=country).values_list("address", flat=True)
        assert addresses
        assert not any(street in a for a in addresses for street in others)


@pytest.mark.django_db
def test_the_readme_tour_finds_shops(client):
    """README: Aurora Mobile → a phone → "Available near you" with the places it names
    (one demo load for all of them: it takes seconds)."""
    call_command("load_demo")
    for place in ["Pune", "411001", "Mumbai", "400001", "Delhi", "Shanghai", "上海", "200000"]:
        brand = "nimbus" if place in ("Shanghai", "上海", "200000") else "aurora"
        products = Product.objects.listed().filter(brand__slug=brand).order_by("pk")
        found = 0
        for product in products[:6]:
            page = client.get(f"/{brand}/{product.slug}/", {"city": place}).content.decode()
            assert "We could not find a city or postcode" not in page, place
            found += 'class="outlet"' in page
        assert found >= 4, f"{place}: only {found} of 6 phones have a shop nearby"
