"""Stock API: point-of-sale sync (snapshots, deltas, files, run reports) and the
retailer's stock list."""

import json

import django_filters
from django.conf import settings
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from o2o.core.api import NO_NUL, SafeCursorPagination, SafeJSONParser
from o2o.core.api_views import IsRetailer, Pages
from o2o.core.filters import StrictFilterSet, TextFilter
from o2o.outlets.selectors import retailers_acted_for

from . import selectors, services
from .authentication import IntegrationTokenAuthentication
from .errors import InvalidSnapshot, UnknownOutlet
from .idempotency import fingerprint, run_once
from .models import StockLevel

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Retries with the same key get the first answer, not a second sync.",
)


class IsIntegration(BasePermission):
    def has_permission(self, request, view):
        return getattr(request, "auth", None) is not None and hasattr(request.user, "integration")


@extend_schema_field(OpenApiTypes.DATETIME)
class CountedAt(serializers.CharField):
    """When a count was taken: parsed and range-checked by the engine (parse_as_of), so an
    impossible or insane date is an `invalid_snapshot` error that says why."""


AS_OF_HELP = (
    "ISO 8601 date-time with a time zone, not before O2O_OLDEST_TIMESTAMP (2000) nor "
    "ahead of the server's clock beyond the allowed skew (then clamped to it)"
)


class SnapshotSerializer(serializers.Serializer):
    """Top-level shape only: the engine checks each row and reports the bad ones."""

    as_of = CountedAt(help_text=AS_OF_HELP)
    items = serializers.ListField(
        child=serializers.JSONField(allow_null=True),
        allow_empty=True,
        max_length=settings.O2O_SNAPSHOT_MAX_ITEMS,
        help_text='[{"sku": "AUR-001-128-MID", "on_hand": 4}] (or "gtin")',
    )


class DeltasSerializer(serializers.Serializer):
    events = serializers.ListField(
        child=serializers.JSONField(allow_null=True),
        allow_empty=False,
        max_length=settings.O2O_SNAPSHOT_MAX_ITEMS,
        help_text='[{"event_id": "sale-991", "sku": "...", "delta": -1, '
        '"occurred_at": "2026-11-26T10:00:00Z", "reason": "sale|receipt|adjustment"}]',
    )


class StockFile(serializers.FileField):
    """A file part; a part sent without a file name still reaches the engine, which says
    that the format cannot be told (rather than a bare "not a file")."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            from django.core.files.uploadedfile import SimpleUploadedFile

            data = SimpleUploadedFile("upload", data.encode("utf-8", "replace"))
        return super().to_internal_value(data)


class FileUploadSerializer(serializers.Serializer):
    file = StockFile(
        help_text="CSV, XLSX or JSON; columns sku (or gtin), "
        "on_hand, and outlet when it covers several outlets"
    )
    as_of = CountedAt(help_text=AS_OF_HELP)
    outlet = serializers.RegexField(
        NO_NUL,
        required=False,
        allow_blank=True,
        help_text="Outlet code, for a one-shop file (empty or absent: an outlet column)",
    )
    column_mapping = serializers.JSONField(
        required=False, help_text='e.g. {"sku": "EAN", "on_hand": "Qty"}'
    )


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    sku = serializers.CharField()
    message = serializers.CharField()


class SyncRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outlet = serializers.CharField(source="outlet.code", default=None, allow_null=True)
    kind = serializers.CharField()
    source = serializers.CharField()
    status = serializers.CharField()
    as_of = serializers.DateTimeField()
    rows_total = serializers.IntegerField()
    rows_applied = serializers.IntegerField()
    rows_rejected = serializers.IntegerField()
    rows_ignored = serializers.IntegerField()
    holds_dropped = serializers.IntegerField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


QUEUED = inline_serializer(
    "SyncRunQueued",
    {
        "sync_run": serializers.IntegerField(),
        "status": serializers.CharField(),
        "url": serializers.CharField(),
    },
)


def _queued(run):
    url = reverse("api-sync-run", kwargs={"pk": run.pk})
    return status.HTTP_202_ACCEPTED, {"sync_run": run.pk, "status": run.status, "url": url}


class IntegrationAPIView(APIView):
    authentication_classes = [IntegrationTokenAuthentication]
    permission_classes = [IsIntegration]

    def outlet(self, code):
        outlet = selectors.outlet_for_integration(integration=self.request.auth, code=code)
        if outlet is None:
            raise UnknownOutlet()
        return outlet

    def once(self, action):
        """Run `action` honouring the Idempotency-Key header."""
        request = self.request
        if not request.content_type.startswith("multipart/"):
            body = request.body
        else:  # the stream is consumed: fingerprint the fields and the files' names and sizes
            fields = {k: str(v) for k, v in request.data.items() if k not in request.FILES}
            body = json.dumps(fields, sort_keys=True).encode() + b"".join(
                f.name.encode() + str(f.size).encode() for f in request.FILES.values()
            )
        code, payload = run_once(
            integration=request.auth,
            key=request.headers.get("Idempotency-Key"),
            request_hash=fingerprint(request.method, request.path, body),
            action=action,
        )
        headers = {"Location": payload["url"]} if "url" in payload else {}
        return Response(payload, status=code, headers=headers)


class OutletStockSnapshotView(IntegrationAPIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=SnapshotSerializer,
        responses={202: QUEUED},
        parameters=[IDEMPOTENCY_HEADER],
        summary="Push a full stock count of one outlet",
    )
    def post(self, request, code):
        outlet = self.outlet(code)
        body = SnapshotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.once(
            lambda: _queued(
                services.queue_snapshot(
                    outlet=outlet,
                    as_of=body.validated_data["as_of"],
                    items=body.validated_data["items"],
                    integration=request.auth,
                )
            )
        )


class OutletStockDeltasView(IntegrationAPIView):
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=DeltasSerializer,
        responses={202: QUEUED},
        parameters=[IDEMPOTENCY_HEADER],
        summary="Push sales and receipts since the last push, each with an event id",
    )
    def post(self, request, code):
        outlet = self.outlet(code)
        body = DeltasSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.once(
            lambda: _queued(
                services.queue_deltas(
                    outlet=outlet,
                    events=body.validated_data["events"],
                    integration=request.auth,
                )
            )
        )


class StockFileUploadView(IntegrationAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer},
        responses={202: QUEUED},
        parameters=[IDEMPOTENCY_HEADER],
        summary="Upload a stock file (CSV/XLSX/JSON) of one or many outlets",
    )
    def post(self, request):
        body = FileUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        outlet = self.outlet(data["outlet"]) if data.get("outlet") else None
        mapping = data.get("column_mapping") or {}
        if not isinstance(mapping, dict):
            raise InvalidSnapshot("column_mapping must be an object.", column_mapping=["type"])
        integration = request.auth
        return self.once(
            lambda: _queued(
                services.queue_file(
                    uploaded=data["file"],
                    as_of=data["as_of"],
                    outlet=outlet,
                    retailer=integration.retailer,
                    integration=integration,
                    column_mapping=mapping,
                )
            )
        )


class SyncRunPagination(SafeCursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


class OutletSyncRunsView(IntegrationAPIView, generics.ListAPIView):
    """An outlet's sync history, newest first: the runs this integration may see."""

    serializer_class = SyncRunSerializer
    pagination_class = SyncRunPagination

    def get_queryset(self):
        return selectors.sync_history(
            outlet=self.outlet(self.kwargs["code"]), integration=self.request.auth
        )

    @extend_schema(summary="An outlet's sync history, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


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
        },
        summary="What became of a sync, with its rejected rows",
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


class StockSerializer(serializers.Serializer):
    outlet = serializers.CharField(source="outlet.code")
    sku = serializers.CharField(source="variant.sku")
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
    synced_at = serializers.DateTimeField(allow_null=True)


class StockFilter(StrictFilterSet):
    outlet = TextFilter(field_name="outlet__code")
    sku = TextFilter(field_name="variant__sku")
    out_of_stock = django_filters.BooleanFilter(method="filter_out_of_stock")

    class Meta:
        model = StockLevel
        fields = ["outlet", "sku", "out_of_stock"]

    def filter_out_of_stock(self, queryset, name, value):
        out = queryset.out()
        return out if value else queryset.exclude(pk__in=out.values("pk"))


class RetailerStockList(generics.ListAPIView):
    """The retailer's stock; `outlet`, `sku` and `out_of_stock` filter it."""

    permission_classes = [IsRetailer]
    serializer_class = StockSerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]
    filterset_class = StockFilter

    def get_queryset(self):
        return (
            selectors.stock_visible_to(self.request.user)
            .filter(outlet__retailer_id__in=retailers_acted_for(self.request.user))
            .select_related("outlet", "variant")
        )
