"""Variant attributes per category: the fixed colour and storage columns become the first two
attributes of every existing category ("storage" in GB, then "colour", with their Hindi and
Chinese labels), their values moved into `Variant.attributes`, in batches. Backwards, the
columns come back from the attributes; a storage that is not a number is printed (and
logged to `o2o.migrations`) and kept as 0."""

import logging

import django.db.models.deletion
from django.db import migrations, models

import o2o.catalogue.models

logger = logging.getLogger("o2o.migrations")
BATCH = 2000
FIRST_ATTRIBUTES = {
    "storage": {"label": "Storage", "labels": {"hi": "स्टोरेज", "zh-hans": "存储"}, "unit": "GB",
                "position": 1},
    "colour": {"label": "Colour", "labels": {"hi": "रंग", "zh-hans": "颜色"}, "unit": "",
               "position": 2},
}


def _save(Variant, batch, fields):
    Variant.objects.bulk_update(batch, fields)
    batch.clear()


def columns_to_attributes(apps, schema_editor):
    Category = apps.get_model("catalogue", "Category")
    Attribute = apps.get_model("catalogue", "Attribute")
    Variant = apps.get_model("catalogue", "Variant")
    for category in Category.objects.all().iterator():
        for code, defaults in FIRST_ATTRIBUTES.items():
            Attribute.objects.get_or_create(category=category, code=code, defaults=defaults)
    batch = []
    variants = Variant.objects.only("pk", "colour", "storage_gb", "attributes", "version")
    for variant in variants.order_by("pk").iterator(chunk_size=BATCH):
        variant.attributes = {"storage": str(variant.storage_gb), "colour": variant.colour}
        variant.version = f"{variant.storage_gb} GB · {variant.colour}"[:200]
        batch.append(variant)
        if len(batch) >= BATCH:
            _save(Variant, batch, ["attributes", "version"])
    _save(Variant, batch, ["attributes", "version"])


def attributes_to_columns(apps, schema_editor):
    Variant = apps.get_model("catalogue", "Variant")
    batch = []
    variants = Variant.objects.only("pk", "sku", "attributes")
    for variant in variants.order_by("pk").iterator(chunk_size=BATCH):
        values = variant.attributes or {}
        variant.colour = str(values.get("colour", ""))[:40]
        storage = str(values.get("storage", "")).strip()
        if storage.isascii() and storage.isdigit():
            variant.storage_gb = int(storage)
        else:
            variant.storage_gb = 0
            message = f"variant {variant.sku}: storage {storage!r} is not a number; 0 kept"
            print(message)  # noqa: T201 (the migration's output is where it is read)
            logger.warning(message)
        batch.append(variant)
        if len(batch) >= BATCH:
            _save(Variant, batch, ["colour", "storage_gb"])
    _save(Variant, batch, ["colour", "storage_gb"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0007_product_queue_until"),
    ]

    operations = [
        migrations.AddField(
            model_name="variant",
            name="version",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Its attribute values in its category's order, e.g. 128 GB · Black.",
                max_length=200,
                verbose_name="version",
            ),
        ),
        migrations.AddField(
            model_name="variant",
            name="attributes",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='By the category\'s attribute codes, e.g. {"storage": "128"}.',
                verbose_name="attributes",
            ),
        ),
        migrations.CreateModel(
            name="Attribute",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(help_text="As in filter links and spreadsheet columns, e.g. storage.", max_length=40, validators=[o2o.catalogue.models.check_attribute_code], verbose_name="code")),
                ("label", models.CharField(help_text="In English.", max_length=60, verbose_name="label")),
                ("labels", models.JSONField(blank=True, default=dict, help_text='By language code, e.g. {"hi": "स्टोरेज", "zh-hans": "存储"}.', verbose_name="translated labels")),
                ("unit", models.CharField(blank=True, help_text="e.g. GB, inch", max_length=12, verbose_name="unit")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("category", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="attributes", to="catalogue.category")),
            ],
            options={
                "ordering": ["category", "position", "pk"],
                "constraints": [models.UniqueConstraint(fields=("category", "code"), name="unique_attribute_code")],
            },
        ),
        # defaults, so that the columns can come back over existing rows when reversed
        migrations.AlterField(
            model_name="variant",
            name="colour",
            field=models.CharField(default="", max_length=40, verbose_name="colour"),
        ),
        migrations.AlterField(
            model_name="variant",
            name="storage_gb",
            field=models.PositiveIntegerField(default=0, verbose_name="storage (GB)"),
        ),
        migrations.RunPython(columns_to_attributes, attributes_to_columns),
        migrations.RemoveField(model_name="variant", name="colour"),
        migrations.RemoveField(model_name="variant", name="storage_gb"),
        migrations.AlterModelOptions(
            name="variant",
            options={"ordering": ["product", "price", "sku"]},
        ),
    ]
