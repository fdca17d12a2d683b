"""Retailer and brand endpoints: outlets and applications."""

from django_countries.serializers import CountryFieldMixin
from rest_framework import generics, serializers
from timezone_field.rest_framework import TimeZoneSerializerField

from o2o.core.api_views import IsBrandStaff, IsRetailer, Pages

from .models import Outlet, OutletApplication
from .selectors import (
    applications_visible_to,
    outlets_of_brands_of,
    outlets_visible_to,
    retailers_acted_for,
)


class OutletSerializer(CountryFieldMixin, serializers.ModelSerializer):
    retailer = serializers.CharField(source="retailer.name")
    phone = serializers.CharField(help_text="E.164, e.g. +912026123456")
    timezone = TimeZoneSerializerField(use_pytz=False, help_text="IANA time zone name")
    opening_hours = serializers.SerializerMethodField()

    def get_opening_hours(self, outlet) -> str:
        return outlet.hours.describe()

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
            "timezone",
            "opening_hours",
            "weekly_hours",
            "status",
            "delivery_radius_km",
            "stock_as_of",
            "stock_synced_at",
        ]


class ApplicationSerializer(CountryFieldMixin, serializers.ModelSerializer):
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


class RetailerOutletList(generics.ListAPIView):
    permission_classes = [IsRetailer]
    serializer_class = OutletSerializer
    pagination_class = Pages

    def get_queryset(self):
        return (
            outlets_visible_to(self.request.user)
            .filter(retailer_id__in=retailers_acted_for(self.request.user))
            .select_related("retailer")
        )


class BrandOutletList(generics.ListAPIView):
    permission_classes = [IsBrandStaff]
    serializer_class = OutletSerializer
    pagination_class = Pages

    def get_queryset(self):
        return outlets_of_brands_of(self.request.user).select_related("retailer")


class BrandApplicationList(generics.ListAPIView):
    permission_classes = [IsBrandStaff]
    serializer_class = ApplicationSerializer
    pagination_class = Pages

    def get_queryset(self):
        return applications_visible_to(self.request.user)
