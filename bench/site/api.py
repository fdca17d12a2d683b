"""The availability API building its JSON by hand from the selector's rows (as an
endpoint built on `values()` would) instead of through the serializer: T4's reference,
mounted by bench.site.settings only. Same parameters, lookups, caching and SQL."""

from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from o2o.core.api_views import ShopperThrottle
from o2o.core.generations import remembered
from o2o.locator.api import AvailabilityQuery, searched_variant_or_404
from o2o.locator.selectors import stock_near_rows

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
    permission_classes = [AllowAny]
    throttle_classes = [ShopperThrottle]

    def get(self, request):
        query = AvailabilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data

        def answer(variant):
            rows = stock_near_rows(variant=variant, lat=data["lat"], lng=data["lng"])
            return [{name: row[column] for name, column in FIELDS.items()} for row in rows]

        key = f"values:{data['brand']}:{data['sku']}:{data['lat']!r}:{data['lng']!r}"
        return Response(
            remembered(
                key,
                variant_of=lambda: searched_variant_or_404(data),
                answer=answer,
            )
        )
