"""Users' phones to E.164 before the column becomes a PhoneNumberField (0004); a user has no
country, so a number without + is read in PHONENUMBER_DEFAULT_REGION. What cannot be
converted is reported by `migrate` and kept as written."""

from django.conf import settings
from django.db import migrations

from o2o.core.conversions import convert_rows, to_e164


def convert(apps, schema_editor):
    region = settings.PHONENUMBER_DEFAULT_REGION
    convert_rows(apps, "core.User", lambda row: {"phone": to_e164(row.phone, region)})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_outbox")]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop, elidable=False)]
