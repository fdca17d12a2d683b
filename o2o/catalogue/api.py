"""Public catalogue API: brands, products with their variants."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers

from o2o.core.api_views import Pages, ShopperReadView

from .models import Product, Variant
from .selectors import (
    active_brands,
    attribute_codes,
    categories_of,
    product_for_shopper,
    published_products,
)


class BrandSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    currency = serializers.CharField()
    tagline = serializers.CharField()


class AttributeSerializer(serializers.Serializer):
    code = serializers.SlugField()
    label = serializers.SerializerMethodField(help_text="In the reader's language.")
    unit = serializers.CharField()

    def get_label(self, attribute) -> str:
        return attribute.label_in()


class VariantSerializer(serializers.ModelSerializer):
    attributes = serializers.DictField(
        child=serializers.CharField(),
        help_text='Values by the category\'s attribute codes, e.g. {"storage": "128"}.',
    )
    version = serializers.CharField(help_text="The values in the category's order, with units.")
    current_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="What a shopper pays now: the sale price while its sale runs, else the price.",
    )

    class Meta:
        model = Variant
        fields = [
            "sku",
            "gtin",
            "attributes",
            "version",
            "price",
            "current_price",
            "sale_price",
            "sale_starts_at",
            "sale_ends_at",
        ]


class ProductSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name")
    price_from = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Product
        fields = ["slug", "name", "category", "price_from"]


class EShopLinkSerializer(serializers.Serializer):
    name = serializers.CharField(source="eshop.name")
    url = serializers.SerializerMethodField(help_text="o2o's link: counted, then redirected")

    def get_url(self, listing) -> str:
        return f"{settings.O2O_PUBLIC_URL}{reverse('storefront:to-eshop', args=[listing.pk])}"


class ProductDetailSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name")
    attributes = AttributeSerializer(
        many=True, source="category.attribute_list", help_text="The variants' attributes."
    )
    variants = VariantSerializer(many=True, source="active_variants")
    eshops = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "slug",
            "name",
            "category",
            "status",
            "channels",
            "description",
            "specs",
            "attributes",
            "variants",
            "eshops",
        ]

    @extend_schema_field(EShopLinkSerializer(many=True))
    def get_eshops(self, product):
        listings = product.eshop_listings if product.online else []
        return EShopLinkSerializer(listings, many=True).data


class BrandListView(ShopperReadView, generics.ListAPIView):
    serializer_class = BrandSerializer
    pagination_class = None

    def get_queryset(self):
        return active_brands()


class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    attributes = AttributeSerializer(many=True, source="attribute_list")


class CategoryListView(ShopperReadView, generics.ListAPIView):
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        brand = get_object_or_404(active_brands(), slug=self.kwargs["brand"])
        return categories_of(brand).prefetch_related("attributes")


class ProductPages(Pages):
    ordering = ("name", "pk")


class ProductListView(ShopperReadView, generics.ListAPIView):
    """A brand's published products; `q`, `category` and any attribute code of the brand's
    categories (`storage=128`, `colour=black`, `screen=55`) filter them."""

    serializer_class = ProductSerializer
    pagination_class = ProductPages

    def get_queryset(self):
        brand = get_object_or_404(active_brands(), slug=self.kwargs["brand"])
        params = self.request.query_params
        codes = attribute_codes(brand=brand)
        return published_products(
            brand=brand,
            query=params.get("q", "")[:80],
            category=params.get("category"),
            attributes={code: params[code][:60] for code in codes if params.get(code)},
        )


class ProductDetailView(ShopperReadView, generics.RetrieveAPIView):
    serializer_class = ProductDetailSerializer

    def get_object(self):
        brand = get_object_or_404(active_brands(), slug=self.kwargs["brand"])
        product = product_for_shopper(brand=brand, slug=self.kwargs["slug"])
        if product is None:
            from django.http import Http404

            raise Http404
        return product
