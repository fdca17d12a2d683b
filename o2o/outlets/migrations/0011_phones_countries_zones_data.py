"""Phones to E.164 (read in the shop's own country), countries to ISO codes, unknown time zones
to the country's: before the columns become PhoneNumberField, CountryField, TimeZoneField
(0012). What cannot be converted is reported by `migrate` and kept as written."""

from django.db import migrations

from o2o.core.conversions import convert_rows, to_country, to_e164, to_zone

COUNTRY_ZONES = {"IN": "Asia/Kolkata", "CN": "Asia/Shanghai", "LK": "Asia/Colombo"}


def _outlet(row):
    country, problem = to_country(row.country)
    return {
        "country": (country, problem),
        "phone": to_e164(row.phone, country),
        "timezone": to_zone(row.timezone, COUNTRY_ZONES.get(country, "UTC")),
    }


def _application(row):
    country, problem = to_country(row.country)
    return {"country": (country, problem), "phone": to_e164(row.phone, country)}


def convert(apps, schema_editor):
    convert_rows(apps, "outlets.Outlet", _outlet)
    convert_rows(apps, "outlets.OutletApplication", _application)


class Migration(migrations.Migration):
    dependencies = [("outlets", "0010_import_language")]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop, elidable=False)]
