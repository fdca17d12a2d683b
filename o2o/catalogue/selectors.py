"""What shoppers may see of a brand's catalogue."""

from django.db.models import Min, Prefetch, Q

from o2o.brands.models import Brand

from .models import Product, Variant


def active_brands():
    return Brand.objects.filter(is_active=True)


def published_products(*, brand, query=""):
    products = (
        Product.objects.filter(brand=brand, is_published=True, variants__is_active=True)
        .select_related("category")
        .annotate(price_from=Min("variants__price"))
    )
    if query:
        products = products.filter(
            Q(name__icontains=query)
            | Q(category__name__icontains=query)
            | Q(variants__sku__iexact=query)
            | Q(variants__colour__icontains=query)
        )
    return products.distinct().order_by("name")


def product_for_shopper(*, brand, slug):
    variants = Variant.objects.filter(is_active=True).order_by("storage_gb", "colour")
    return (
        Product.objects.filter(brand=brand, slug=slug, is_published=True)
        .select_related("category", "brand")
        .prefetch_related(Prefetch("variants", queryset=variants, to_attr="active_variants"))
        .first()
    )
