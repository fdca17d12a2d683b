"""Any product type (issue 17, part 2): variant attributes are defined per category, with their
order, unit and translated labels; the catalogue's filters, the product page's picker, the
API, the admin and the spreadsheet follow the category's attributes. Phones (storage,
colour) and televisions (screen size, panel) side by side; the stored colours and storages
migrate to attributes and back."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from rest_framework.test import APIClient

from o2o.catalogue.models import Attribute, CatalogueChange, Product, Variant
from tests.admin.tenancy_world import build, login
from tests.factories import CategoryFactory, ProductFactory, VariantFactory, stock

TV_ATTRIBUTES = [
    ("screen", "Screen size", {"hi": "स्क्रीन का आकार", "zh-hans": "屏幕尺寸"}, "inch"),
    ("panel", "Panel", {"hi": "पैनल", "zh-hans": "面板"}, ""),
]


@pytest.fixture
def televisions(world):
    """Two TVs beside the world's phone: Vision (43 and 55 inch, LED) and Cinema (65 QLED)."""
    category = CategoryFactory(
        brand=world.brand, name="Televisions", slug="televisions", with_attributes=TV_ATTRIBUTES
    )
    vision = ProductFactory(brand=world.brand, category=category, name="Vision", slug="vision")
    cinema = ProductFactory(brand=world.brand, category=category, name="Cinema", slug="cinema")
    made = {}
    for product, screen, panel in ((vision, 55, "LED"), (vision, 43, "LED"), (cinema, 65, "QLED")):
        made[screen] = VariantFactory(
            product=product,
            sku=f"TV-{screen}",
            attributes={"screen": str(screen), "panel": panel},
            price=Decimal(30000 + screen * 1000),
        )
        stock(world.outlet, made[screen], 2)
    return made


def names(page):
    return re.findall(r'<li class="card"><a href="/aurora/([^/]+)/"', page)


def select(page, name):
    """The options of a filter select: {value: text}."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert found, f"no {name} filter"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found[1]))


def test_the_catalogue_filters_by_the_attributes_of_each_product_type(client, world, televisions):
    everything = client.get("/aurora/").content.decode()
    assert sorted(names(everything)) == ["aurora-12", "cinema", "vision"]
    # the brand's categories' attributes, in their order, values with units
    assert select(everything, "storage") == {"": "Any", "128": "128 GB", "256": "256 GB"}
    assert select(everything, "screen") == {
        "": "Any",
        "43": "43 inch",
        "55": "55 inch",
        "65": "65 inch",
    }
    tvs = client.get("/aurora/?category=televisions").content.decode()
    assert 'name="storage"' not in tvs  # a TV has no storage
    assert select(tvs, "panel") == {"": "Any", "LED": "LED", "QLED": "QLED"}
    assert names(client.get("/aurora/?screen=55").content.decode()) == ["vision"]
    assert names(client.get("/aurora/?panel=QLED").content.decode()) == ["cinema"]
    assert names(client.get("/aurora/?storage=256").content.decode()) == ["aurora-12"]
    assert names(client.get("/aurora/?q=qled").content.decode()) == ["cinema"]
    refused = client.get("/aurora/?screen=99").content.decode()
    assert "Select a valid choice" in refused  # a value no TV has: the form says so
    hindi = client.get("/aurora/?category=televisions", headers={"Accept-Language": "hi"})
    assert '<label for="id_screen">स्क्रीन का आकार</label>' in hindi.content.decode()
    # with HTMX, choosing a category brings its own filters with the results
    swapped = client.get(
        "/aurora/?category=televisions", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalogue-body"
    ).content.decode()
    assert swapped.lstrip().startswith('<div id="catalogue-body">')
    assert 'name="screen"' in swapped
    assert 'name="storage"' not in swapped


def test_the_picker_and_the_api_follow_the_category(client, world, televisions):
    page = client.get("/aurora/vision/").content.decode()
    assert "<legend>Choose: Screen size · Panel</legend>" in page
    picker = re.findall(r'name="variant" value="\d+"[^>]*>\s*([^<]+)</label>', page)
    assert [text.strip() for text in picker] == ["43 inch · LED", "55 inch · LED"]
    json_ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert json_ld["additionalProperty"][0] == {
        "@type": "PropertyValue",
        "name": "Screen size",
        "value": "43 inch",
    }
    assert "color" not in json_ld
    phone = client.get("/aurora/aurora-12/").content.decode()
    assert "<legend>Choose: Storage · Colour</legend>" in phone

    api = APIClient()
    detail = api.get("/api/v1/brands/aurora/products/vision/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = detail.json()
    assert body["attributes"] == [
        {"code": "screen", "label": "屏幕尺寸", "unit": "inch"},
        {"code": "panel", "label": "面板", "unit": ""},
    ]
    assert [(v["attributes"], v["version"]) for v in body["variants"]] == [
        ({"screen": "43", "panel": "LED"}, "43 inch · LED"),
        ({"screen": "55", "panel": "LED"}, "55 inch · LED"),
    ]
    listed = api.get("/api/v1/brands/aurora/products/?screen=65").json()
    assert [p["slug"] for p in listed["results"]] == ["cinema"]
    categories = api.get("/api/v1/brands/aurora/categories/").json()
    codes = {c["slug"]: [a["code"] for a in c["attributes"]] for c in categories}
    assert codes["televisions"] == ["screen", "panel"]


def test_the_filters_cost_the_same_queries_for_any_number_of_types(
    client, world, televisions, django_assert_max_num_queries
):
    client.get("/aurora/")
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(12) as few:
        client.get("/aurora/?screen=55")
    for index in range(4):  # four more product types, each with its own attributes
        category = CategoryFactory(
            brand=world.brand, with_attributes=[(f"a{index}", f"A{index}", {}, "")]
        )
        product = ProductFactory(brand=world.brand, category=category)
        VariantFactory(product=product, attributes={f"a{index}": "x"})
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/aurora/?screen=55")


def test_brand_staff_edit_a_categorys_attributes_and_a_variants_values(db):
    tenancy = build()
    staff = login(tenancy, "x_manager")
    variant = tenancy.sides[0][3]
    category = variant.product.category
    theirs = tenancy.sides[1][3].product.category
    page = staff.get(f"/admin/catalogue/category/{category.pk}/change/").content.decode()
    assert 'name="attributes-0-code" value="storage"' in page
    assert staff.get(f"/admin/catalogue/category/{theirs.pk}/change/").status_code == 404
    change = f"/admin/catalogue/variant/{variant.pk}/change/"
    form = staff.get(change).content.decode()
    assert 'name="attr_storage"' in form
    assert 'name="attr_colour"' in form
    data = {
        "product": variant.product.pk,
        "sku": variant.sku,
        "gtin": variant.gtin,
        "attr_storage": "256",
        "attr_colour": "  Blue ",
        "price": "19999.00",
        "is_active": "on",
    }
    assert staff.post(change, data).status_code == 302
    variant.refresh_from_db()
    assert variant.attributes == {"storage": "256", "colour": "Blue"}
    entry = CatalogueChange.objects.filter(variant=variant).latest("pk")
    assert "256" in entry.after["attributes"]
    # a code the catalogue's filters use already is refused with the reason
    add = staff.post(
        f"/admin/catalogue/category/{category.pk}/change/",
        {
            "brand": category.brand_id,
            "name": category.name,
            "slug": category.slug,
            "attributes-TOTAL_FORMS": "3",
            "attributes-INITIAL_FORMS": "2",
            "attributes-MIN_NUM_FORMS": "0",
            "attributes-MAX_NUM_FORMS": "1000",
            **{
                f"attributes-{i}-{field}": value
                for i, a in enumerate(category.attribute_list())
                for field, value in (
                    ("id", a.pk),
                    ("category", category.pk),
                    ("code", a.code),
                    ("label", a.label),
                    ("labels", json.dumps(a.labels)),
                    ("unit", a.unit),
                    ("position", a.position),
                )
            },
            "attributes-2-category": category.pk,
            "attributes-2-code": "sort",
            "attributes-2-label": "Sort",
            "attributes-2-labels": "{}",
            "attributes-2-position": "3",
        },
    )
    assert add.status_code == 200
    assert "names a filter of the catalogue already" in add.content.decode()
    assert not Attribute.objects.filter(code="sort").exists()
    for labels in ('["स्टोरेज"]', '{"hi": 5}', '"x"'):  # not labels by language: a form error
        listed = staff.post(
            f"/admin/catalogue/category/{category.pk}/change/",
            {
                **dict(add.wsgi_request.POST.items()),
                "attributes-TOTAL_FORMS": "2",
                "attributes-0-labels": labels,
            },
        )
        assert listed.status_code == 200, labels
        assert "Give labels by language code" in listed.content.decode()
    assert Attribute.objects.get(category=category, code="storage").labels["hi"] == "स्टोरेज"


def test_a_sheet_carries_each_types_attributes_both_ways(
    world, televisions, django_user_model, django_capture_on_commit_callbacks
):
    from o2o.brands.models import BrandMembership
    from tests.catalogue.test_sheets import apply, rows_of, sheet, upload

    staff_user = django_user_model.objects.create_user("m", password="a-long-password")
    staff_user.is_staff = True
    staff_user.save()
    BrandMembership.objects.create(user=staff_user, brand=world.brand, role="owner")
    staff = Client()
    staff.force_login(staff_user)
    exported = staff.get(f"/admin/catalogue/catalogueimport/export/{world.brand.slug}.csv")
    rows = rows_of(exported.content)
    header = list(rows[0])
    assert header[10:14] == [  # after the GTIN, by position, then code
        "attribute:screen",
        "attribute:storage",
        "attribute:colour",
        "attribute:panel",
    ]
    tv = next(row for row in rows if row["sku"] == "TV-65")
    assert (tv["attribute:screen"], tv["attribute:panel"], tv["attribute:storage"]) == (
        "65",
        "QLED",
        "",
    )
    tv["attribute:panel"] = "OLED"
    new = {**tv, "sku": "TV-75", "gtin": "", "attribute:screen": "75", "price": "99000.00"}
    import_, location = upload(staff, world.brand, sheet([*rows, new]))
    assert import_.rows_rejected == 0, import_.errors
    apply(staff, location, django_capture_on_commit_callbacks)
    import_.refresh_from_db()
    assert (import_.created, import_.updated) == (1, 1)
    assert Variant.objects.get(sku="TV-65").attributes == {"screen": "65", "panel": "OLED"}
    assert str(Variant.objects.get(sku="TV-75")) == "Cinema 75 inch · OLED"
    assert Product.objects.get(slug="cinema").variants.count() == 2


BEFORE = [("catalogue", "0007_product_queue_until")]


@pytest.mark.django_db(transaction=True)
def test_stored_colours_and_storages_become_attributes_and_back(capsys):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    brand = old.get_model("brands", "Brand").objects.create(name="B", slug="b", currency="INR")
    category = old.get_model("catalogue", "Category").objects.create(
        brand=brand, name="Phones", slug="phones"
    )
    product = old.get_model("catalogue", "Product").objects.create(
        brand=brand, category=category, name="P1", slug="p1"
    )
    old_variant = old.get_model("catalogue", "Variant")
    for sku, storage, colour in (("P1-64-R", 64, "Red"), ("P1-256-B", 256, "Blue")):
        old_variant.objects.create(
            product=product, brand=brand, sku=sku, colour=colour, storage_gb=storage, price=10
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    moved = {v.sku: v for v in Variant.objects.all()}
    assert moved["P1-64-R"].attributes == {"storage": "64", "colour": "Red"}
    attributes = list(Attribute.objects.filter(category_id=category.pk))
    assert [(a.code, a.unit, a.labels["hi"]) for a in attributes] == [
        ("storage", "GB", "स्टोरेज"),
        ("colour", "", "रंग"),
    ]
    assert str(moved["P1-256-B"]) == "P1 256 GB · Blue"
    Variant.objects.filter(sku="P1-64-R").update(attributes={"storage": "lots", "colour": "Red"})

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("catalogue", "Variant")
    restored = {v.sku: (v.storage_gb, v.colour) for v in back.objects.all()}
    assert restored == {"P1-64-R": (0, "Red"), "P1-256-B": (256, "Blue")}
    assert "variant P1-64-R: storage 'lots' is not a number; 0 kept" in capsys.readouterr().out
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_values_that_only_look_like_numbers_are_shown_as_text(client, world, televisions):
    # "²" passes str.isdigit but float() refuses it: the pages once sorted it as a number
    VariantFactory(
        product=televisions[65].product, sku="TV-X", attributes={"screen": "²", "panel": "LED"}
    )
    VariantFactory(
        product=televisions[65].product, sku="TV-Y", attributes={"screen": "١٢٨", "panel": "LED"}
    )
    page = client.get("/aurora/?category=televisions")
    assert page.status_code == 200
    assert select(page.content.decode(), "screen")["²"] == "² inch"
    product = client.get("/aurora/cinema/")
    assert product.status_code == 200
    assert "65 inch · QLED" in product.content.decode()
