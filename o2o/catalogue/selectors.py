"""What shoppers may see of a brand's catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Exists, F, Min, OuterRef, Prefetch, Q, When
from django.utils import timezone

from o2o.brands.models import Brand
from o2o.core.statements import BoundLookup, PreparedLookup

from .models import (
    Attribute,
    CatalogueChange,
    CatalogueImport,
    Category,
    EShop,
    EShopListing,
    Product,
    ProductImage,
    Variant,
    as_number,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from django.db.models import QuerySet


SORTS = {
    "name": ("name",),
    "price": ("price_from", "name"),
    "-price": ("-price_from", "name"),
    "new": ("-created_at", "name"),
}


def active_brands() -> QuerySet:
    return Brand.objects.filter(is_active=True)


def categories_of(brand: Brand) -> QuerySet:
    """The brand's categories that have something published."""
    return Category.objects.filter(
        brand=brand, products__status=Product.Status.PUBLISHED
    ).distinct()


def shoppable_variants() -> QuerySet:
    """Variants shoppers may see: active, of a published product."""
    return Variant.objects.filter(is_active=True, product__status=Product.Status.PUBLISHED)


@dataclass(frozen=True)
class Facet:
    """An attribute shoppers filter by, and the values the brand's variants offer."""

    attribute: Attribute
    values: list[str]


_VARIANT_BY_SKU = PreparedLookup(
    lambda *, brand, sku: Variant.objects.select_related("product", "brand").filter(
        brand__slug=brand, sku=sku
    )
)
_VARIANT_OF_PRODUCT = PreparedLookup(
    lambda *, brand, product, sku: Variant.objects.select_related("product", "brand").filter(
        brand__slug=brand, product__slug=product, sku=sku
    )
)


def variant_by_sku(*, brand_slug: str, sku: str, product_slug: str | None = None) -> Any:
    """The variant `sku` of the brand (of its product `product_slug` if given), with its
    product and brand, whatever their state (the caller checks what it needs), or None.
    One statement compiled once: it runs on every reservation."""
    return variant_lookup(brand_slug=brand_slug, sku=sku, product_slug=product_slug).first()


def variant_lookup(*, brand_slug: str, sku: str, product_slug: str | None = None) -> BoundLookup:
    """`variant_by_sku`'s lookup, to be read with other lookups in one statement
    (core.statements.first_of_each)."""
    if product_slug is None:
        return _VARIANT_BY_SKU.bind(brand=brand_slug, sku=sku)
    return _VARIANT_OF_PRODUCT.bind(brand=brand_slug, product=product_slug, sku=sku)


def attribute_codes(*, brand: Brand) -> set[str]:
    """The attribute codes of the brand's categories (the catalogue's filter names)."""
    return set(Attribute.objects.filter(category__brand=brand).values_list("code", flat=True))


def _in_order(values: set[str]) -> list[str]:
    numbers = all(as_number(value) is not None for value in values)
    if numbers:
        return sorted(values, key=lambda value: as_number(value) or 0.0)
    return sorted(values, key=str.casefold)


def variant_facets(brand: Brand, *, category: str | None = None) -> list[Facet]:
    """The attributes of the brand's categories (of `category` only, when chosen) in their
    order, one per code, each with the values its shoppable variants offer. Two queries."""
    attributes = Attribute.objects.filter(
        category__brand=brand, category__products__status=Product.Status.PUBLISHED
    ).distinct()
    variants = shoppable_variants().filter(brand=brand)
    if category:
        attributes = attributes.filter(category__slug=category)
        variants = variants.filter(product__category__slug=category)
    by_code: dict[str, Attribute] = {}
    for attribute in attributes.order_by("position", "pk"):
        by_code.setdefault(attribute.code, attribute)
    offered: dict[str, set[str]] = {code: set() for code in by_code}
    for values in variants.values_list("attributes", flat=True):
        for code, value in (values or {}).items():
            if code in offered and value not in (None, ""):
                offered[code].add(str(value))
    return [Facet(by_code[code], _in_order(offered[code])) for code in by_code if offered[code]]


def current_price(prefix: str = "", *, now: Any = None) -> Case:
    """SQL for what a shopper pays now (Variant.current_price): the sale price while its
    sale runs, else the price; `prefix` reaches the variant ("variants__")."""
    now = now or timezone.now()
    running = (
        Q(**{f"{prefix}sale_price__isnull": False})
        & (
            Q(**{f"{prefix}sale_starts_at__isnull": True})
            | Q(**{f"{prefix}sale_starts_at__lte": now})
        )
        & (Q(**{f"{prefix}sale_ends_at__isnull": True}) | Q(**{f"{prefix}sale_ends_at__gt": now}))
    )
    return Case(When(running, then=F(f"{prefix}sale_price")), default=F(f"{prefix}price"))


def published_products(
    *,
    brand: Brand,
    query: str = "",
    category: str | None = None,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    attributes: dict[str, str] | None = None,
    sort: str = "name",
) -> QuerySet:
    """A brand's published products with their lowest price, filtered (by the variants'
    `attributes`, e.g. {"storage": "128"}) and sorted (the locator adds "in stock near
    me": `locator.selectors.products_in_stock_near`)."""
    variants = Variant.objects.filter(product=OuterRef("pk"), is_active=True).annotate(
        paid=current_price()
    )
    for code, value in (attributes or {}).items():
        variants = variants.filter(**{f"attributes__{code}__iexact": str(value)})
    if price_min is not None:
        variants = variants.filter(paid__gte=price_min)
    if price_max is not None:
        variants = variants.filter(paid__lte=price_max)
    products = (
        Product.objects.listed()
        .filter(brand=brand)
        .filter(Exists(variants))
        .select_related("category")
        .annotate(price_from=Min(current_price("variants__"), filter=Q(variants__is_active=True)))
        .prefetch_related(Prefetch("images", queryset=ProductImage.objects.all(), to_attr="photos"))
    )
    if category:
        products = products.filter(category__slug=category)
    if query:
        in_values = Q()
        for code in attribute_codes(brand=brand):
            in_values |= Q(**{f"attributes__{code}__icontains": query})
        matches = Variant.objects.filter(product=OuterRef("pk")).filter(
            Q(sku__iexact=query) | in_values
        )
        products = products.filter(
            Q(name__icontains=query) | Q(category__name__icontains=query) | Q(Exists(matches))
        )
    return products.order_by(*SORTS.get(sort, SORTS["name"]))


def photos_for(product: Any, variant: Any) -> list:
    """The product's photos for one variant: those of its colour first, then the rest."""
    photos = getattr(product, "photos", None)
    photos = list(product.images.all()) if photos is None else photos
    colour = variant.value("colour").casefold()
    own = [p for p in photos if p.colour and p.colour.casefold() == colour]
    general = [p for p in photos if not p.colour]
    return own + general or photos[:1]


def product_for_shopper(*, brand: Brand, slug: str) -> Any:
    """The product, its active variants in its category's attribute order (the picker's),
    photos, e-shop listings and attributes."""
    variants = Variant.objects.filter(is_active=True).order_by("price", "sku")
    listings = EShopListing.objects.filter(eshop__is_active=True).select_related("eshop")
    product = (
        Product.objects.reachable()
        .filter(brand=brand, slug=slug)
        .select_related("category", "brand")
        .prefetch_related(
            Prefetch("variants", queryset=variants, to_attr="active_variants"),
            Prefetch("images", queryset=ProductImage.objects.all(), to_attr="photos"),
            Prefetch("listings", queryset=listings, to_attr="eshop_listings"),
            "category__attributes",
        )
        .first()
    )
    if product is not None:
        product.active_variants.sort(key=Variant.sort_key)
    return product


def listing_for_shopper(*, listing_id: int) -> EShopListing | None:
    """An e-shop listing a shopper may be sent to: an active e-shop, a product of an active
    brand that is reachable and sold online."""
    return (
        EShopListing.objects.select_related("eshop", "product")
        .filter(
            pk=listing_id,
            eshop__is_active=True,
            product__brand__is_active=True,
            product__status__in=[Product.Status.PUBLISHED, Product.Status.DISCONTINUED],
        )
        .exclude(product__channels=Product.Channels.SHOPS)
        .first()
    )


def eshops_visible_to(user: Any, eshops: QuerySet | None = None) -> QuerySet:
    return _brand_scoped(user, EShop.objects.all() if eshops is None else eshops)


def _brand_scoped(user: Any, queryset: QuerySet) -> QuerySet:
    from o2o.core.tenancy import visible_to

    return visible_to(user, queryset, lambda tenancy: Q(brand_id__in=tenancy.brand_ids))


def categories_visible_to(user: Any, categories: QuerySet | None = None) -> QuerySet:
    return _brand_scoped(user, Category.objects.all() if categories is None else categories)


def products_visible_to(user: Any, products: QuerySet | None = None) -> QuerySet:
    return _brand_scoped(user, Product.objects.all() if products is None else products)


def variants_visible_to(user: Any, variants: QuerySet | None = None) -> QuerySet:
    return _brand_scoped(user, Variant.objects.all() if variants is None else variants)


def changes_visible_to(user: Any, changes: QuerySet | None = None) -> QuerySet:
    return _brand_scoped(user, CatalogueChange.objects.all() if changes is None else changes)


def imports_visible_to(user: Any, imports: QuerySet | None = None) -> QuerySet:
    return _brand_scoped(user, CatalogueImport.objects.all() if imports is None else imports)
