"""The availability API answering plain dicts (the selector's SQL through a cursor, as
`values()` would) instead of model instances through a serializer: T4's reference, mounted
only when O2O_BENCH_VIEWS is set. Same parameters, lookups, caching, SQL and widening."""

from django.conf import settings
from django.db import connection
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from o2o.core.api_views import AUTHENTICATION, ShopperThrottle
from o2o.locator.api import AvailabilityQuery, searched_variant
from o2o.locator.freshness import remembered
from o2o.locator.selectors import stock_within_sql

FIELDS = {
    "outlet": "code",
    "name": "name",
    "address": "address",
    "city": "city",
    "latitude": "latitude",
    "longitude": "longitude",
    "distance_km": "distance_km",
    "available": "available",
    "synced_at": "stock_synced_at",
}


class AvailabilityValuesView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [AllowAny]
    throttle_classes = [ShopperThrottle]

    def get(self, request):
        query = AvailabilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        limit = settings.O2O_LOCATOR_RESULTS

        def answer(variant):
            for radius in (
                settings.O2O_LOCATOR_START_RADIUS_KM,
                settings.O2O_LOCATOR_MAX_RADIUS_KM,
            ):
                sql, params = stock_within_sql(variant, data["lat"], data["lng"], radius, limit)
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    columns = [column.name for column in cursor.description]
                    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
                if len(rows) >= limit:
                    break
            return [{name: row[column] for name, column in FIELDS.items()} for row in rows]

        key = f"values:{data['brand']}:{data['sku']}:{data['lat']!r}:{data['lng']!r}"
        return Response(
            remembered(
                key,
                variant_of=lambda: searched_variant(brand_slug=data["brand"], sku=data["sku"]),
                answer=answer,
            )
        )
