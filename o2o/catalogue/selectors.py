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


def _brand_scoped(user, queryset, field="brand_id"):
    from o2o.core.tenancy import tenancy_of

    tenancy = tenancy_of(user)
    if tenancy.is_superuser:
        return queryset
    return queryset.filter(**{f"{field}__in": tenancy.brand_ids})


def categories_visible_to(user, categories=None):
    from .models import Category

    return _brand_scoped(user, Category.objects.all() if categories is None else categories)


def products_visible_to(user, products=None):
    return _brand_scoped(user, Product.objects.all() if products is None else products)


def variants_visible_to(user, variants=None):
    return _brand_scoped(user, Variant.objects.all() if variants is None else variants)
