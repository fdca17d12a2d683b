"""Leave room in stock pages so count updates stay HOT (PostgreSQL only)."""

from django.db import migrations


def set_fillfactor(apps, schema_editor, value):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE inventory_stocklevel SET (fillfactor = {value})")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: set_fillfactor(apps, editor, 70),
            lambda apps, editor: set_fillfactor(apps, editor, 100),
        )
    ]
