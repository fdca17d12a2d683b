from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from o2o.brands.models import Brand
from o2o.core.models import TimeStampedModel

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


class Product(TimeStampedModel):
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
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "slug"], name="unique_product_slug")
        ]
        indexes = [models.Index(fields=["brand", "is_published", "name"])]

    def __str__(self):
        return self.name


class Variant(TimeStampedModel):
    """The SKU: one colour and storage of a product, with its price."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True, null=True)
    colour = models.CharField(_("colour"), max_length=40)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"))
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["product", "storage_gb", "colour"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "sku"], name="unique_variant_sku"),
            models.UniqueConstraint(fields=["brand", "gtin"], name="unique_variant_gtin"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="variant_price_gte_0"),
        ]

    def __str__(self):
        return f"{self.product.name} {self.storage_gb} GB {self.colour}"

    def save(self, *args, **kwargs):
        if not self.brand_id and self.product_id:
            self.brand_id = self.product.brand_id
        super().save(*args, **kwargs)


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
