"""The brand's figures over the API (the same selector as the dashboard page)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from o2o.brands.selectors import brands_visible_to
from o2o.core.api_views import IsBrandStaff

from .selectors import dashboard


class FiguresSerializer(serializers.Serializer):
    since = serializers.DateField()
    today = serializers.DateField()
    totals = serializers.DictField()
    conversion = serializers.DictField()
    stock_outs = serializers.IntegerField()
    outlets_active = serializers.IntegerField()


class BrandFiguresView(APIView):
    permission_classes = [IsBrandStaff]

    @extend_schema(responses={200: FiguresSerializer}, summary="A brand's last 30 days")
    def get(self, request, brand):
        found = get_object_or_404(brands_visible_to(request.user), slug=brand)
        figures = dashboard(brand=found)
        return Response(FiguresSerializer(figures).data)
