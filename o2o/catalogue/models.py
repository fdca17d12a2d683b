import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from o2o.brands.models import Brand
from o2o.core.models import PreviewedImport, TimeStampedModel

from . import images


class Category(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"))

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["brand", "slug"], name="unique_category_slug")
        ]

    def __str__(self):
        return f"{self.brand} / {self.name}"

    def attribute_list(self) -> list["Attribute"]:
        """Its variant attributes in their order (prefetched `attributes` if there)."""
        if not hasattr(self, "_attribute_list"):
            self._attribute_list = list(self.attributes.all())
        return self._attribute_list


RESERVED_CODES = {
    "q",
    "category",
    "page",
    "near",
    "sort",
    "variant",
    "city",
    "lat",
    "lng",
    "price_min",
    "price_max",
}


def check_attribute_code(code: str) -> None:
    if code in RESERVED_CODES:
        raise ValidationError(
            _("“%(code)s” names a filter of the catalogue already: choose another code.")
            % {"code": code}
        )


def as_number(value: str) -> float | None:
    """An attribute value read as a number ("128", "6.5"), or None: ASCII digits only, so
    "²" or "١٢٨" stay text (str.isdigit takes "²", which float() refuses)."""
    digits = value.replace(".", "", 1)
    return float(value) if digits and digits.isascii() and digits.isdigit() else None


class Attribute(models.Model):
    """A variant attribute of a category's products (storage, colour and RAM for phones;
    screen size for TVs…), in its order, its label translated, with its unit."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(
        _("code"),
        max_length=40,
        validators=[check_attribute_code],
        help_text=_("As in filter links and spreadsheet columns, e.g. storage."),
    )
    label = models.CharField(_("label"), max_length=60, help_text=_("In English."))
    labels = models.JSONField(
        _("translated labels"),
        default=dict,
        blank=True,
        help_text=_('By language code, e.g. {"hi": "स्टोरेज", "zh-hans": "存储"}.'),
    )
    unit = models.CharField(_("unit"), max_length=12, blank=True, help_text=_("e.g. GB, inch"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["category", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="unique_attribute_code")
        ]

    def __str__(self):
        return self.label

    def clean(self):
        labels = self.labels
        if not isinstance(labels, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in labels.items()
        ):
            raise ValidationError(
                {"labels": _('Give labels by language code, e.g. {"hi": "स्टोरेज"}.')}
            )

    def label_in(self, language: str | None = None) -> str:
        """The label in `language` (the active one unless told), else in English."""
        from django.utils.translation import get_language

        language = (language or get_language() or "en").lower()
        return self.labels.get(language) or self.labels.get(language.split("-")[0]) or self.label

    def show(self, value: Any) -> str:
        return f"{value} {self.unit}" if self.unit else str(value)


class ProductQuerySet(models.QuerySet):
    def listed(self):
        """Shown in the catalogue and reservable: published."""
        return self.filter(status=Product.Status.PUBLISHED)

    def reachable(self):
        """Reachable by their URL: published, or discontinued (shown as such)."""
        return self.filter(status__in=[Product.Status.PUBLISHED, Product.Status.DISCONTINUED])


class Product(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        DISCONTINUED = "discontinued", _("Discontinued")

    class Channels(models.TextChoices):
        SHOPS = "shops", _("Partner shops")
        ONLINE = "online", _("Partner e-shops only")
        BOTH = "both", _("Partner shops and e-shops")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=180)
    description = models.TextField(_("description"), blank=True)
    specs = models.JSONField(
        _("specifications"),
        default=dict,
        blank=True,
        help_text=_('e.g. {"Display": "6.5-inch AMOLED", "Battery": "5000 mAh"}'),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, editable=False, help_text=_("When scheduled.")
    )
    channels = models.CharField(
        _("sold through"), max_length=8, choices=Channels.choices, default=Channels.SHOPS
    )
    queue_until = models.DateTimeField(
        _("reserved through a queue until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by its launch: until then reservations come only from its queue."),
    )

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "slug"], name="unique_product_slug"),
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(publish_at__isnull=False),
                name="product_scheduled_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["brand", "status", "name"])]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_discontinued(self) -> bool:
        return self.status == self.Status.DISCONTINUED

    @property
    def in_shops(self) -> bool:
        return self.channels != self.Channels.ONLINE

    def queued_at(self, now) -> bool:
        """Whether reservations of this product must come through its launch's queue."""
        return self.queue_until is not None and now < self.queue_until

    @property
    def online(self) -> bool:
        return self.channels != self.Channels.SHOPS


class Variant(TimeStampedModel):
    """The SKU: one version of a product (its values of the category's attributes, e.g.
    128 GB and Black), with its price."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True, null=True)
    attributes = models.JSONField(
        _("attributes"),
        default=dict,
        blank=True,
        help_text=_('By the category\'s attribute codes, e.g. {"storage": "128"}.'),
    )
    version = models.CharField(
        _("version"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("Its attribute values in its category's order, e.g. 128 GB · Black."),
    )
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    sale_price = models.DecimalField(
        _("sale price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    sale_starts_at = models.DateTimeField(_("sale starts"), null=True, blank=True)
    sale_ends_at = models.DateTimeField(_("sale ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["product", "price", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "sku"], name="unique_variant_sku"),
            models.UniqueConstraint(fields=["brand", "gtin"], name="unique_variant_gtin"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="variant_price_gte_0"),
            models.CheckConstraint(
                condition=models.Q(sale_price__isnull=True)
                | models.Q(sale_price__gte=0, sale_price__lt=models.F("price")),
                name="variant_sale_below_price",
            ),
            models.CheckConstraint(
                condition=models.Q(sale_starts_at__isnull=True)
                | models.Q(sale_ends_at__isnull=True)
                | models.Q(sale_ends_at__gt=models.F("sale_starts_at")),
                name="variant_sale_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.product.name} {self.version}".strip()

    def describe(self, attributes: list[Attribute] | None = None) -> str:
        """Its attribute values in its category's order, with units: "128 GB · Black" (what
        `version` keeps, so that lists never read the category to name a variant)."""
        if attributes is None:
            attributes = self.product.category.attribute_list()
        values = {k: v for k, v in (self.attributes or {}).items() if v not in (None, "")}
        parts = [a.show(values[a.code]) for a in attributes if a.code in values]
        known = {a.code for a in attributes}
        parts += [str(v) for k, v in sorted(values.items()) if k not in known]
        return " · ".join(parts)

    def value(self, code: str) -> str:
        return str((self.attributes or {}).get(code, ""))

    def sort_key(self) -> tuple:
        """In the category's attribute order, numbers by value: 64 GB before 128 GB."""
        key: list[tuple] = []
        for attribute in self.product.category.attribute_list():
            value = self.value(attribute.code)
            number = as_number(value)
            key.append((0, number, "") if number is not None else (1, 0.0, value.casefold()))
        return (*key, self.sku)

    def save(self, *args, **kwargs):
        if not self.brand_id and self.product_id:
            self.brand_id = self.product.brand_id
        if self.product_id:
            self.version = self.describe()[:200]
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.sale_price is not None and self.price is not None and self.sale_price >= self.price:
            errors["sale_price"] = _("A sale price is below the price.")
        if self.sale_starts_at and self.sale_ends_at and self.sale_ends_at <= self.sale_starts_at:
            errors["sale_ends_at"] = _("A sale ends after it starts.")
        if errors:
            raise ValidationError(errors)

    def on_sale(self, now: datetime.datetime | None = None) -> bool:
        """Whether the sale price applies at `now` (from its start, until before its end)."""
        if self.sale_price is None:
            return False
        now = now or timezone.now()
        started = self.sale_starts_at is None or self.sale_starts_at <= now
        return started and (self.sale_ends_at is None or now < self.sale_ends_at)

    def current_price(self, now: datetime.datetime | None = None) -> Decimal:
        """What a shopper pays at `now`: the sale price while the sale runs, else the price."""
        return self.sale_price if self.on_sale(now) else self.price  # type: ignore[return-value]


class CatalogueChange(models.Model):
    """The audit trail of a brand's catalogue: who changed what, from what, to what."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="changes", null=True, blank=True
    )
    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="changes", null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["brand", "-created_at"])]

    def __str__(self):
        return f"{self.action} {self.product or self.variant} by {self.user or 'beat'}"


class ProductImage(TimeStampedModel):
    """A photo of a product, or of its variants of one colour; its thumbnail is made once,
    when the photo is saved (catalogue/images.py)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    colour = models.CharField(
        _("colour"),
        max_length=40,
        blank=True,
        help_text=_("The variants' colour this photo shows; empty for every colour."),
    )
    image = models.ImageField(
        _("photo"),
        upload_to="products/%Y/%m/",
        validators=[images.validate_photo],
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    thumbnail = models.ImageField(upload_to="products/%Y/%m/", editable=False, blank=True)
    thumbnail_width = models.PositiveIntegerField(editable=False, default=0)
    thumbnail_height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(_("description for screen readers"), max_length=160, blank=True)
    source_name = models.CharField(
        _("file name it was imported from"), max_length=160, blank=True, editable=False
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["product", "position"])]

    def __str__(self):
        return self.alt_text or f"{self.product} {self.colour}".strip()

    def save(self, *args, **kwargs):
        if self.image and not self.thumbnail:
            thumb, self.thumbnail_width, self.thumbnail_height, size = images.thumbnail(
                self.image, self.image.name
            )
            self.width, self.height = size
            self.thumbnail.save(thumb.name, thumb, save=False)
        super().save(*args, **kwargs)


class EShop(TimeStampedModel):
    """A brand's partner e-shop (a marketplace or retailer's web shop)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="eshops")
    name = models.CharField(_("name"), max_length=80)
    logo = models.ImageField(
        _("logo"), upload_to="eshops/", blank=True, validators=[images.validate_photo]
    )
    tracking = models.CharField(
        _("tracking parameters"),
        max_length=255,
        blank=True,
        help_text=_("Added to every link, e.g. utm_source=o2o&utm_medium=referral"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner e-shop")
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="unique_eshop_name")]

    def __str__(self):
        return self.name


class EShopListing(models.Model):
    """Where a product is sold on one of its brand's partner e-shops."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="listings")
    eshop = models.ForeignKey(EShop, on_delete=models.CASCADE, related_name="listings")
    url = models.URLField(_("listing URL"), max_length=500)

    class Meta:
        ordering = ["eshop__name"]
        verbose_name = _("e-shop listing")
        constraints = [
            models.UniqueConstraint(fields=["product", "eshop"], name="unique_eshop_listing")
        ]

    def __str__(self):
        return f"{self.product} on {self.eshop}"

    def clean(self):
        super().clean()
        if self.eshop_id and self.product_id and self.eshop.brand_id != self.product.brand_id:
            raise ValidationError({"eshop": _("This e-shop is another brand's partner.")})


class EShopClicks(models.Model):
    """Shoppers sent to an e-shop listing, per day (the dashboard's "e-shop clicks")."""

    listing = models.ForeignKey(EShopListing, on_delete=models.CASCADE, related_name="clicks")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    clicks = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["listing", "day"], name="unique_listing_day")
        ]
        indexes = [models.Index(fields=["brand", "day"])]

    def __str__(self):
        return f"{self.listing} {self.day}: {self.clicks}"


class CatalogueImport(PreviewedImport):
    """A brand's catalogue sheet (CSV or XLSX) and optional ZIP of photos: checked row by row
    first (nothing written), then applied by Celery with progress (catalogue/sheets.py)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="catalogue_imports")
    file = models.FileField(_("sheet"), upload_to="catalogue-imports/")
    images = models.FileField(_("photos (ZIP)"), upload_to="catalogue-imports/", blank=True)
    created = models.PositiveIntegerField(_("SKUs created"), default=0)
    updated = models.PositiveIntegerField(_("SKUs changed"), default=0)
    unchanged = models.PositiveIntegerField(_("SKUs unchanged"), default=0)

    def __str__(self):
        return f"Catalogue import #{self.pk} ({self.status})"
