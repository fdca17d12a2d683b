"""The catalogue by spreadsheet (issue 17, part 1): export, edit, import again through the
admin; checked row by row before anything is written, applied by Celery, idempotent by SKU,
photos from a ZIP matched by file name; an export re-imports unchanged."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from o2o.catalogue.models import CatalogueChange, CatalogueImport, Product, Variant
from tests.admin.tenancy_world import build, login


@pytest.fixture
def tenancy(db):
    return build()


def brand_of(tenancy):
    return tenancy.sides[0][1]


def export(client, brand, kind="csv"):
    response = client.get(f"/admin/catalogue/catalogueimport/export/{brand.slug}.{kind}")
    assert response.status_code == 200
    return response.content


def rows_of(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def sheet(rows):
    buffer = io.StringIO()
    columns = list(dict.fromkeys(column for row in rows for column in row))
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def png(colour=(20, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 96), colour).save(buffer, "PNG")
    return buffer.getvalue()


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(client, brand, content, name="catalogue.csv", images=None):
    data = {"brand": brand.pk, "file": SimpleUploadedFile(name, content)}
    if images is not None:
        data["images"] = SimpleUploadedFile("photos.zip", images)
    response = client.post("/admin/catalogue/catalogueimport/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return CatalogueImport.objects.latest("pk"), response["Location"]


def apply(client, location, capture):
    with capture(execute=True):
        client.post(location, {"start": "1"})


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(tenancy, django_capture_on_commit_callbacks, kind):
    staff = login(tenancy, "x_manager")
    brand = brand_of(tenancy)
    changes = CatalogueChange.objects.count()
    import_, location = upload(staff, brand, export(staff, brand, kind), name=f"c.{kind}")
    assert (import_.rows_total, import_.rows_rejected) == (1, 0)
    apply(staff, location, django_capture_on_commit_callbacks)
    import_.refresh_from_db()
    assert import_.status == "done"
    assert (import_.created, import_.updated, import_.unchanged) == (0, 0, 1)
    assert CatalogueChange.objects.count() == changes  # nothing written, nothing audited


def test_a_sheet_adds_a_product_with_its_photo_and_changes_a_price(
    tenancy, django_capture_on_commit_callbacks, client
):
    staff = login(tenancy, "x_manager")
    brand = brand_of(tenancy)
    rows = rows_of(export(staff, brand))
    existing = rows[0]
    existing["price"] = "12345.00"
    new = {
        **dict.fromkeys(existing, ""),
        "product": "Tab 11",
        "category": "Tablets",
        "description": "An 11-inch tablet.",
        "specs": "Display: 11-inch LCD; Battery: 8000 mAh",
        "status": "published",
        "channels": "shops",
        "sku": "TAB-11-128-GRY",
        "gtin": "8901234500017",
        "attribute:storage": "128",
        "attribute:colour": "Grey",
        "price": "25999",
        "sale_price": "23999",
        "sale_starts": "2026-01-01T00:00+05:30",
        "sale_ends": "2099-01-01T00:00+05:30",
        "active": "yes",
        "images": "tab11-grey.png",
    }
    photos = zipped({"photos/tab11-grey.png": png(), "__MACOSX/._tab11-grey.png": b"junk"})
    import_, location = upload(staff, brand, sheet([existing, new]), images=photos)
    assert import_.rows_rejected == 0
    assert not Variant.objects.filter(sku="TAB-11-128-GRY").exists()  # a preview writes nothing
    apply(staff, location, django_capture_on_commit_callbacks)
    import_.refresh_from_db()
    assert (import_.created, import_.updated, import_.unchanged) == (1, 1, 0)
    tab = Product.objects.get(brand=brand, slug="tab-11")
    assert (tab.status, tab.category.name) == ("published", "Tablets")
    assert tab.specs == {"Display": "11-inch LCD", "Battery": "8000 mAh"}
    variant = tab.variants.get()
    assert variant.current_price() == 23999
    # a new category takes the sheet's attributes, in the sheet's order
    assert [a.code for a in tab.category.attribute_list()] == ["storage", "colour"]
    assert (variant.attributes, str(variant)) == (
        {"storage": "128", "colour": "Grey"},
        "Tab 11 128 · Grey",
    )
    image = tab.images.get()
    assert (image.source_name, image.colour, image.thumbnail_width > 0) == (
        "tab11-grey.png",
        "Grey",
        True,
    )
    assert Variant.objects.get(sku=existing["sku"]).price == 12345
    audit = CatalogueChange.objects.filter(variant__sku=existing["sku"], action="variant:edited")
    assert audit.get().after == {"price": "12345.00"}
    assert audit.get().user.username == "x-manager"
    page = client.get(f"/{brand.slug}/tab-11/").content.decode()
    assert "Tab 11" in page
    assert 'data-testid="sale-price"' in page
    # the same sheet and photos again: nothing changes, the photo is not added twice
    again, location = upload(staff, brand, sheet([existing, new]), images=photos)
    apply(staff, location, django_capture_on_commit_callbacks)
    again.refresh_from_db()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert tab.images.count() == 1


def test_every_bad_row_is_reported_with_its_line_and_the_good_ones_applied(
    tenancy, django_capture_on_commit_callbacks
):
    staff = login(tenancy, "x_manager")
    brand = brand_of(tenancy)
    base = rows_of(export(staff, brand))[0]
    other_gtin = tenancy.sides[0][3].gtin

    def row(sku, **changes):
        return {
            **base,
            "product": "Phone Z",
            "product_slug": "phone-z",
            "status": "draft",
            "sku": sku,
            "gtin": "",
            "images": "",
            **changes,
        }

    bad = [
        row("Z-1", price=""),
        row("Z-2", price="lots"),
        row("Z-3", price="100", sale_price="150"),
        row("Z-4", status="later"),
        row("Z-5", status="scheduled", publish_at="2020-01-01T10:00"),
        row("Z-6", gtin=other_gtin),
        row("Z-7", images="missing.png"),
        row("Z-8", **{"attribute:ram": "8"}),  # the phones' category has no RAM
        row("Z-8"),  # the same SKU twice
        row("Z-9", description="Another text"),  # the product's columns disagree
    ]
    good = row("Z-10", **{"attribute:colour": "Red"})
    import_, location = upload(staff, brand, sheet([good, *bad]), images=zipped({"a.png": png()}))
    messages = {error["line"]: error["message"] for error in import_.errors}
    assert messages[2 + 1] == "price is missing; price: a number such as 19999.00"
    assert messages[2 + 2] == "price: a number such as 19999.00"
    assert "sale_price: below the price" in messages[2 + 3]
    assert "status: one of draft, scheduled, published, discontinued" in messages[2 + 4]
    assert "a time in the future" in messages[2 + 5]
    assert "gtin is SKU" in messages[2 + 6]
    assert "images not in the ZIP: missing.png" in messages[2 + 7]
    assert "has no attribute ram: add it to the category" in messages[2 + 8]
    assert "sku Z-8 is already on line" in messages[2 + 9]
    assert "differ from line 2" in messages[2 + 10]
    assert import_.rows_rejected == 10
    assert not Product.objects.filter(slug="phone-z").exists()
    apply(staff, location, django_capture_on_commit_callbacks)
    import_.refresh_from_db()
    assert (import_.status, import_.created, import_.rows_rejected) == ("done", 1, 10)
    assert list(Variant.objects.filter(sku__startswith="Z-").values_list("sku", flat=True)) == [
        "Z-10"
    ]
    page = staff.get(location).content.decode()
    assert "images not in the ZIP: missing.png" in page


@pytest.mark.parametrize(
    ("name", "content", "images", "says"),
    [
        ("c.xlsx", b"PK\x03\x04 not a workbook", None, "not a readable XLSX"),
        ("c.csv", b"name,price\nx,1\n", None, "Missing columns: product, category, sku"),
        ("c.csv", b"\xff\xfe\x00garbage\x00", None, "Missing columns"),
        ("c.csv", None, b"not a zip", "not a readable ZIP"),
    ],
)
def test_a_file_that_cannot_be_read_fails_with_the_reason(tenancy, name, content, images, says):
    staff = login(tenancy, "x_manager")
    brand = brand_of(tenancy)
    content = content if content is not None else export(staff, brand)
    import_, location = upload(staff, brand, content, name=name, images=images)
    assert import_.status == "failed"
    assert says in import_.message
    assert says in staff.get(location).content.decode()


def test_staff_import_only_into_their_own_brand(tenancy):
    staff = login(tenancy, "x_manager")
    theirs = tenancy.sides[1][1]
    imports = CatalogueImport.objects.count()
    form = staff.get("/admin/catalogue/catalogueimport/add/").content.decode()
    assert "X Phones" in form
    assert "Y Phones" not in form
    downloads = form[form.index('data-testid="exports"') :].split("</div>")[0]
    own = f"/admin/catalogue/catalogueimport/export/{tenancy.sides[0][1].slug}.xlsx"
    assert own in downloads
    assert staff.get(own).status_code == 200
    assert theirs.slug not in downloads
    refused = staff.post(
        "/admin/catalogue/catalogueimport/add/",
        {"brand": theirs.pk, "file": SimpleUploadedFile("c.csv", b"product\n")},
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert CatalogueImport.objects.count() == imports
    export_theirs = f"/admin/catalogue/catalogueimport/export/{theirs.slug}.csv"
    assert staff.get(export_theirs).status_code == 404
    analyst = login(tenancy, "y_analyst")  # brand Y's analyst: looks, never imports
    assert analyst.get("/admin/catalogue/catalogueimport/add/").status_code == 403


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_text_that_looks_like_a_formula_is_exported_inert_and_imported_as_it_was(
    tenancy, django_capture_on_commit_callbacks, kind
):
    from openpyxl import load_workbook

    staff = login(tenancy, "x_manager")
    brand = brand_of(tenancy)
    product = tenancy.sides[0][3].product
    evil = '=HYPERLINK("https://evil.example","click")'
    Product.objects.filter(pk=product.pk).update(name=evil, description="@SUM(1)")
    content = export(staff, brand, kind)
    if kind == "csv":
        row = rows_of(content)[0]
        assert (row["product"], row["description"]) == ("'" + evil, "'@SUM(1)")
    else:
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        cell = sheet["A2"]
        assert (cell.data_type, cell.value) == ("s", "'" + evil)  # text, never a formula
    import_, location = upload(staff, brand, content, name=f"c.{kind}")
    apply(staff, location, django_capture_on_commit_callbacks)
    import_.refresh_from_db()
    assert (import_.rows_rejected, import_.unchanged) == (0, 1)
    assert Product.objects.get(pk=product.pk).name == evil
