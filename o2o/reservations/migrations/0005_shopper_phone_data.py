"""Shoppers' phones to E.164, read in the country of the shop reserved at, before the column
becomes a PhoneNumberField (0006). What cannot be converted is reported by `migrate` and kept
as written (an anonymised reservation's empty phone stays empty)."""

from django.db import migrations

from o2o.core.conversions import convert_rows, to_e164


def convert(apps, schema_editor):
    countries = dict(apps.get_model("outlets", "Outlet").objects.values_list("pk", "country"))
    convert_rows(
        apps,
        "reservations.Reservation",
        lambda row: {"shopper_phone": to_e164(row.shopper_phone, countries.get(row.outlet_id))},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reservations", "0004_delivery_point"),
        ("outlets", "0011_phones_countries_zones_data"),
    ]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop, elidable=False)]
