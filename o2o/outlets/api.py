"""Retailer and brand endpoints: outlets, stock, applications, figures."""

import django_filters
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from o2o.core.api_views import AUTHENTICATION, IsBrandStaff, IsRetailer, Pages
from o2o.core.filters import StrictFilterSet, TextFilter
from o2o.core.tenancy import tenancy_of
from o2o.inventory.models import StockLevel

from .models import Outlet, OutletApplication
from .selectors import applications_visible_to, outlets_visible_to


class OutletSerializer(serializers.ModelSerializer):
    retailer = serializers.CharField(source="retailer.name")

    class Meta:
        model = Outlet
        fields = [
            "code",
            "name",
            "retailer",
            "address",
            "city",
            "postcode",
            "country",
            "latitude",
            "longitude",
            "phone",
            "status",
            "delivery_radius_km",
            "stock_as_of",
            "stock_synced_at",
        ]


class ApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutletApplication
        fields = [
            "id",
            "outlet_name",
            "business_name",
            "city",
            "country",
            "status",
            "duplicate_reasons",
            "created_at",
            "decided_at",
            "decision_note",
        ]


class StockSerializer(serializers.Serializer):
    outlet = serializers.CharField(source="outlet.code")
    sku = serializers.CharField(source="variant.sku")
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
    synced_at = serializers.DateTimeField(allow_null=True)


class RetailerOutletList(generics.ListAPIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsRetailer]
    serializer_class = OutletSerializer
    pagination_class = Pages

    def get_queryset(self):
        tenancy = tenancy_of(self.request.user)
        outlets = outlets_visible_to(self.request.user).select_related("retailer")
        return (
            outlets
            if tenancy.is_superuser
            else outlets.filter(retailer_id__in=tenancy.retailer_ids)
        )


class StockFilter(StrictFilterSet):
    outlet = TextFilter(field_name="outlet__code")
    sku = TextFilter(field_name="variant__sku")
    out_of_stock = django_filters.BooleanFilter(method="filter_out_of_stock")

    class Meta:
        model = StockLevel
        fields = ["outlet", "sku", "out_of_stock"]

    def filter_out_of_stock(self, queryset, name, value):
        empty = Q(on_hand__lte=F("reserved"))
        return queryset.filter(empty) if value else queryset.exclude(empty)


class RetailerStockList(generics.ListAPIView):
    """The retailer's stock; `outlet`, `sku` and `out_of_stock` filter it."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsRetailer]
    serializer_class = StockSerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]
    filterset_class = StockFilter

    def get_queryset(self):
        from o2o.inventory.selectors import stock_visible_to

        tenancy = tenancy_of(self.request.user)
        levels = stock_visible_to(self.request.user).select_related("outlet", "variant")
        if not tenancy.is_superuser:
            levels = levels.filter(outlet__retailer_id__in=tenancy.retailer_ids)
        return levels


class BrandOutletList(generics.ListAPIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsBrandStaff]
    serializer_class = OutletSerializer
    pagination_class = Pages

    def get_queryset(self):
        tenancy = tenancy_of(self.request.user)
        outlets = Outlet.objects.select_related("retailer")
        if tenancy.is_superuser:
            return outlets
        return outlets.filter(
            authorizations__brand_id__in=tenancy.brand_ids, authorizations__is_active=True
        ).distinct()


class BrandApplicationList(generics.ListAPIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsBrandStaff]
    serializer_class = ApplicationSerializer
    pagination_class = Pages

    def get_queryset(self):
        return applications_visible_to(self.request.user)


class FiguresSerializer(serializers.Serializer):
    since = serializers.DateField()
    today = serializers.DateField()
    totals = serializers.DictField()
    conversion = serializers.DictField()
    stock_outs = serializers.IntegerField()
    outlets_active = serializers.IntegerField()


class BrandFiguresView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsBrandStaff]

    @extend_schema(responses={200: FiguresSerializer}, summary="A brand's last 30 days")
    def get(self, request, brand):
        from o2o.brands.selectors import brands_visible_to
        from o2o.dashboard.selectors import dashboard

        found = get_object_or_404(brands_visible_to(request.user), slug=brand)
        figures = dashboard(brand=found)
        return Response(FiguresSerializer(figures).data)
