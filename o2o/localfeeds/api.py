"""A brand's Google feeds over the API, for a brand token (Merchant Center fetches them)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from o2o.brands.selectors import brands_visible_to
from o2o.core.api_views import IsBrandStaff

from .models import LocalFeed
from .responses import feed_response
from .selectors import feeds_of


class LocalFeedSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = LocalFeed
        fields = ["kind", "rows", "bytes", "generated_at", "url"]

    def get_url(self, feed) -> str:
        return f"/api/v1/brand/{feed.brand.slug}/google/{feed.kind}.tsv"


class LocalFeedList(APIView):
    permission_classes = [IsBrandStaff]

    @extend_schema(
        responses={200: LocalFeedSerializer(many=True)},
        summary="A brand's Google local inventory feeds: rows and freshness",
    )
    def get(self, request, brand):
        found = get_object_or_404(brands_visible_to(request.user), slug=brand)
        feeds = sorted(feeds_of(brand=found).values(), key=lambda feed: feed.kind)
        for feed in feeds:
            feed.brand = found
        return Response(LocalFeedSerializer(feeds, many=True).data)


class LocalFeedFile(APIView):
    permission_classes = [IsBrandStaff]

    @extend_schema(
        responses={(200, "text/tab-separated-values"): OpenApiTypes.BINARY},
        summary="A brand's Google feed file (tab-separated, UTF-8)",
    )
    def get(self, request, brand, kind):
        found = get_object_or_404(brands_visible_to(request.user), slug=brand)
        feed = feeds_of(brand=found).get(kind)
        if feed is None:
            raise Http404("No such feed yet.")
        feed.brand = found
        return feed_response(feed)
