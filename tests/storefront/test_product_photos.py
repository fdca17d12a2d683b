"""Brands upload product photos in the admin; shoppers get thumbnails made once, sized,
lazy-loaded, of the colour they chose; bad files are refused; only photos are public."""

import io
import re

import pytest
from django.test import Client
from PIL import Image

from o2o.catalogue.models import ProductImage
from tests.admin.tenancy_world import PASSWORD, build


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(db):
    return build()


def png(size=(1200, 1600), colour=(10, 90, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def manager(world):
    client = Client()
    assert client.login(username=world.users["x_manager"].username, password=PASSWORD)
    return client


def upload(client, product, photo, colour=""):
    variants = list(product.variants.all())
    listings = [
        {"id": listing.pk, "product": product.pk, "eshop": listing.eshop_id, "url": listing.url}
        for listing in product.listings.all()
    ]
    data = {
        "brand": product.brand_id,
        "category": product.category_id,
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "specs": "{}",
        "channels": product.channels,
        "variants-TOTAL_FORMS": str(len(variants)),
        "variants-INITIAL_FORMS": str(len(variants)),
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": photo,
        "images-0-colour": colour,
        "images-0-alt_text": "Front view",
        "images-0-position": "0",
        **{
            f"listings-{n}-{key}": value
            for n, listing in enumerate(listings)
            for key, value in listing.items()
        },
        "listings-TOTAL_FORMS": str(len(listings)),
        "listings-INITIAL_FORMS": str(len(listings)),
    }
    for n, v in enumerate(variants):
        data.update(
            {
                f"variants-{n}-id": v.pk,
                f"variants-{n}-product": product.pk,
                f"variants-{n}-sku": v.sku,
                f"variants-{n}-gtin": v.gtin,
                f"variants-{n}-attr_colour": v.value("colour"),
                f"variants-{n}-attr_storage": v.value("storage"),
                f"variants-{n}-price": v.price,
                f"variants-{n}-is_active": "on",
            }
        )
    return client.post(f"/admin/catalogue/product/{product.pk}/change/", data)


def x_product(world):
    return world.sides[0][3].product


def test_an_uploaded_photo_is_thumbnailed_once_and_shown_sized_and_lazy(world):
    product = x_product(world)
    variant = product.variants.get()
    response = upload(manager(world), product, png(), colour=variant.value("colour"))
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = ProductImage.objects.get(product=product)
    assert (photo.width, photo.height) == (1200, 1600)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (360, 480)
    thumb_name = photo.thumbnail.name
    photo.alt_text = "Back"
    photo.save()
    photo.refresh_from_db()
    assert photo.thumbnail.name == thumb_name  # made once, not on every save
    page = Client().get(f"/{product.brand.slug}/{product.slug}/").content.decode()
    tag = re.search(r'<div class="gallery"[^>]*>(.*?)</div>', page, re.S)[1]
    assert f'src="/media/{thumb_name}"' in tag
    assert 'width="360" height="480"' in tag
    assert 'alt="Back"' in tag
    served = Client().get(f"/media/{thumb_name}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as image:
        assert image.format == "WEBP"
        assert image.size == (360, 480)
    again = Client().get(
        f"/media/{thumb_name}", headers={"If-Modified-Since": served["Last-Modified"]}
    )
    assert again.status_code == 304  # a browser revalidating its copy, not a 404
    catalogue = Client().get(f"/{product.brand.slug}/").content.decode()
    assert f'src="/media/{thumb_name}"' in catalogue
    assert 'loading="lazy"' in catalogue


def test_the_chosen_colour_comes_first(world):
    product = x_product(world)
    variant = product.variants.get()
    client = manager(world)
    upload(client, product, png(colour=(200, 200, 200)), colour="Some Other Colour")
    upload(client, product, png(colour=(0, 0, 0)), colour=variant.value("colour"))
    own = ProductImage.objects.get(product=product, colour=variant.value("colour"))
    page = Client().get(f"/{product.brand.slug}/{product.slug}/").content.decode()
    gallery = re.search(r'<div class="gallery"[^>]*>(.*?)</div>', page, re.S)[1]
    assert gallery.index(own.thumbnail.name) == min(
        gallery.index(p.thumbnail.name)
        for p in ProductImage.objects.filter(product=product)
        if p.thumbnail.name in gallery
    )


def bomb():
    """A PNG header claiming 100,000 x 100,000 pixels."""
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    raw = bytearray(buffer.getvalue())
    raw[16:24] = (100_000).to_bytes(4, "big") * 2
    return raw


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"GIF89a" + b"\x00" * 32,
        bytes(bomb()),
    ],
    ids=["empty", "html", "broken-png", "gif", "bomb"],
)
def test_bad_files_are_refused_with_a_form_error(world, content):
    product = x_product(world)
    upload_file = io.BytesIO(content)
    upload_file.name = "photo.png"
    response = upload(manager(world), product, upload_file)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ProductImage.objects.exists()


def test_only_product_photos_are_public(world, settings, tmp_path):
    secret = tmp_path / "media" / "outlet-imports"
    secret.mkdir(parents=True)
    (secret / "shops.csv").write_text("tax ids")
    assert Client().get("/media/outlet-imports/shops.csv").status_code == 404
    assert Client().get("/media/products/../outlet-imports/shops.csv").status_code in (400, 404)
    assert Client().get("/media/products/%2e%2e/outlet-imports/shops.csv").status_code in (400, 404)


def test_another_brand_cannot_add_photos_to_my_product(world):
    theirs = world.sides[1][3].product
    response = upload(manager(world), theirs, png())
    assert response.status_code in (302, 403, 404)
    assert not ProductImage.objects.filter(product=theirs).exists()
