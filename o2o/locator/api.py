"""Availability near a point: the API twin of the storefront's "Available near you"."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from o2o.brands.models import Brand
from o2o.core.api import PRINTABLE
from o2o.core.api_views import CountedWithFirstRead, ShopperReadView
from o2o.core.generations import remembered
from o2o.core.serializers import FieldsOnceSerializer

from .selectors import (
    find_searched_variant,
    outlets_near,
    searched_variant,
    stock_near_rows,
    variant_fact,
)


class AvailabilityQuery(FieldsOnceSerializer):
    sku = serializers.RegexField(PRINTABLE, max_length=64)
    brand = serializers.SlugField()
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    radius_km = serializers.FloatField(
        min_value=0.1, required=False, max_value=settings.O2O_LOCATOR_MAX_RADIUS_KM
    )
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False)


class OutletPlaceSerializer(FieldsOnceSerializer):
    """An outlet as a shopper needs it on a map or a list, with its distance."""

    outlet = serializers.CharField(source="code")
    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    distance_km = serializers.FloatField()


class AvailableOutletSerializer(OutletPlaceSerializer):
    available = serializers.IntegerField()
    synced_at = serializers.DateTimeField(source="stock_synced_at", allow_null=True)


def searched_variant_or_404(query):
    variant = searched_variant(brand_slug=query["brand"], sku=query["sku"])
    if variant is None:
        raise NotFound(_("No such product."))
    return variant


class AvailabilityView(CountedWithFirstRead, ShopperReadView, APIView):
    @extend_schema(
        parameters=[AvailabilityQuery],
        responses={200: AvailableOutletSerializer(many=True)},
        summary="Nearest outlets with units of a SKU available",
    )
    def get(self, request):
        query = AvailabilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        limit, radius = data.get("limit"), data.get("radius_km")

        def answer(variant):
            if variant is None:
                raise NotFound(_("No such product."))
            hits = stock_near_rows(
                variant=variant, lat=data["lat"], lng=data["lng"], limit=limit, max_radius_km=radius
            )
            return AvailableOutletSerializer(hits, many=True).data

        named = {"brand_slug": data["brand"], "sku": data["sku"]}
        key = f"api:{data['brand']}:{data['sku']}:{data['lat']!r}:{data['lng']!r}:{limit}:{radius}"
        return Response(
            remembered(
                key,
                fact=variant_fact(**named),
                variant_of=lambda: find_searched_variant(**named),
                answer=answer,
                attempt=self.attempt,
            )
        )


class NearbyQuery(FieldsOnceSerializer):
    brand = serializers.SlugField()
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False)


class NearbyOutletSerializer(OutletPlaceSerializer):
    phone = serializers.CharField()


class NearbyOutletsView(ShopperReadView, APIView):
    @extend_schema(
        parameters=[NearbyQuery],
        responses={200: NearbyOutletSerializer(many=True)},
        summary="Nearest active outlets of a brand (with or without stock)",
    )
    def get(self, request):
        query = NearbyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        brand = get_object_or_404(Brand, slug=data["brand"], is_active=True)
        hits = outlets_near(brand=brand, lat=data["lat"], lng=data["lng"], limit=data.get("limit"))
        outlets = [hit.outlet for hit in hits]  # each annotated with its distance_km
        return Response(NearbyOutletSerializer(outlets, many=True).data)
