"""Stock sync API for point-of-sale systems."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .authentication import IntegrationTokenAuthentication
from .errors import UnknownOutlet


class IsIntegration(BasePermission):
    def has_permission(self, request, view):
        return getattr(request, "auth", None) is not None and hasattr(request.user, "integration")


class SnapshotItemSerializer(serializers.Serializer):
    sku = serializers.CharField(help_text="The brand's SKU or the GTIN")
    on_hand = serializers.IntegerField(min_value=0)


class SnapshotSerializer(serializers.Serializer):
    """Top-level shape only: rows are validated one by one by the engine, bad rows reported."""

    as_of = serializers.CharField(help_text="ISO 8601 date-time with a time zone")
    items = serializers.ListField(
        child=serializers.JSONField(), allow_empty=True, max_length=settings.O2O_SNAPSHOT_MAX_ITEMS
    )


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    sku = serializers.CharField()
    message = serializers.CharField()


class SyncRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outlet = serializers.CharField(source="outlet.code")
    source = serializers.CharField()
    status = serializers.CharField()
    as_of = serializers.DateTimeField()
    rows_total = serializers.IntegerField()
    rows_applied = serializers.IntegerField()
    rows_rejected = serializers.IntegerField()
    holds_dropped = serializers.IntegerField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()


class IntegrationAPIView(APIView):
    authentication_classes = [IntegrationTokenAuthentication]
    permission_classes = [IsIntegration]


class OutletStockSnapshotView(IntegrationAPIView):
    @extend_schema(
        request=SnapshotSerializer,
        responses={
            202: inline_serializer(
                "SyncRunQueued",
                {
                    "sync_run": serializers.IntegerField(),
                    "status": serializers.CharField(),
                    "url": serializers.CharField(),
                },
            )
        },
        summary="Push a full stock count of one outlet",
    )
    def post(self, request, code):
        outlet = selectors.outlet_for_integration(integration=request.auth, code=code)
        if outlet is None:
            raise UnknownOutlet()
        body = SnapshotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.queue_snapshot(
            outlet=outlet,
            as_of=body.validated_data["as_of"],
            items=body.validated_data["items"],
            integration=request.auth,
        )
        url = reverse("api-sync-run", kwargs={"pk": run.pk})
        return Response(
            {"sync_run": run.pk, "status": run.status, "url": url},
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": url},
        )


class SyncRunDetailView(IntegrationAPIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "SyncRunReport",
                {
                    "sync_run": SyncRunSerializer(),
                    "row_errors": RowErrorSerializer(many=True),
                },
            )
        }
    )
    def get(self, request, pk):
        run = selectors.sync_run_for_integration(integration=request.auth, pk=pk)
        if run is None:
            return Response(
                {"code": "not_found", "detail": "No such sync run."},
                status=status.HTTP_404_NOT_FOUND,
            )
        errors = run.row_errors.all()[: settings.O2O_SYNC_REPORT_ERRORS]
        return Response(
            {
                "sync_run": SyncRunSerializer(run).data,
                "row_errors": RowErrorSerializer(errors, many=True).data,
            }
        )
