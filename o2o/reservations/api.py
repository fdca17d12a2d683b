"""Reservations over the API: shoppers create, read and cancel; retailers handle them."""

import hmac

import django_filters
from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from o2o.core.api import NO_NUL, PRINTABLE
from o2o.core.api_views import IsRetailer, Pages, ShopperThrottle
from o2o.core.clientip import client_ip
from o2o.core.filters import StrictFilterSet, TextFilter, TimestampFilter
from o2o.core.serializers import FieldsOnceSerializer
from o2o.core.tenancy import tenancy_of
from o2o.core.text import EMAIL_LENGTH

from . import services
from .errors import ReservationNotAllowed
from .models import Reservation
from .selectors import (
    reservation_detail,
    reservation_receipt,
    reservations_handled_by,
    reservations_visible_to,
    variant_and_outlet,
)


class LineSerializer(FieldsOnceSerializer):
    sku = serializers.CharField(source="variant.sku")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)


class ReservationSerializer(FieldsOnceSerializer):
    """A reservation as its shopper and shop read it. Fields are declared, not read from the
    model: a ModelSerializer builds them again for every answer (half a millisecond)."""

    code = serializers.CharField()
    status = serializers.ChoiceField(choices=Reservation.Status.choices)
    fulfilment = serializers.ChoiceField(choices=Reservation.Fulfilment.choices)
    outlet = serializers.CharField(source="outlet.code")
    expires_at = serializers.DateTimeField()
    held_until = serializers.SerializerMethodField(
        help_text="expires_at in the shop's own time zone (its UTC offset given)."
    )
    outlet_timezone = serializers.CharField(source="outlet.timezone")
    created_at = serializers.DateTimeField()
    stock_shortfall = serializers.BooleanField(
        help_text="A stock count came in below the held units; this hold was dropped."
    )
    decline_reason = serializers.CharField()
    lines = LineSerializer(many=True)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_held_until(self, reservation) -> str:
        return reservation.expires_at.astimezone(reservation.outlet.tz).isoformat()


class ReservationRequest(FieldsOnceSerializer):
    brand = serializers.SlugField()
    sku = serializers.RegexField(PRINTABLE, max_length=64)
    outlet = serializers.SlugField()
    quantity = serializers.IntegerField(min_value=1)
    shopper_name = serializers.RegexField(PRINTABLE, max_length=120)
    shopper_email = serializers.EmailField(max_length=EMAIL_LENGTH)
    shopper_phone = serializers.RegexField(
        PRINTABLE,
        max_length=32,
        help_text="As the shop's country writes it, or with + and the country code; "
        "checked against that country's numbering plan.",
    )
    fulfilment = serializers.ChoiceField(
        choices=Reservation.Fulfilment.choices, default=Reservation.Fulfilment.COLLECT
    )
    delivery_address = serializers.RegexField(
        NO_NUL, max_length=255, required=False, default="", allow_blank=True
    )
    lat = serializers.FloatField(
        min_value=-90, max_value=90, required=False, help_text="Where to deliver (latitude)."
    )
    lng = serializers.FloatField(
        min_value=-180, max_value=180, required=False, help_text="Where to deliver (longitude)."
    )

    def validate(self, data):
        if ("lat" in data) != ("lng" in data):  # a rule, not a malformed body
            missing = "lng" if "lat" in data else "lat"
            raise ReservationNotAllowed(
                _("Give both lat and lng of the delivery address, or neither."),
                **{missing: ["missing"]},
            )
        data["delivery_point"] = (data["lat"], data["lng"]) if "lat" in data else None
        return data


class ShopperAPIView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ShopperThrottle]


class ReservationCreateView(ShopperAPIView):
    # a reservation counts its own attempts, per IP and per e-mail (services.
    # check_reservation_rate, far stricter than the shopper rate), before anything is
    # looked up: one round trip to the counters, not two
    throttle_classes = []

    @extend_schema(
        request=ReservationRequest,
        responses={201: ReservationSerializer},
        summary="Reserve units of a SKU at an outlet (collect or delivery)",
    )
    def post(self, request):
        body = ReservationRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.check_reservation_rate(ip=client_ip(request), email=data["shopper_email"])
        variant, outlet = variant_and_outlet(
            brand_slug=data["brand"], sku=data["sku"], outlet_code=data["outlet"]
        )
        if variant is None or outlet is None:
            raise Http404
        reservation = services.reserve(
            outlet=outlet,
            variant=variant,
            quantity=data["quantity"],
            shopper_name=data["shopper_name"],
            shopper_email=data["shopper_email"],
            shopper_phone=data["shopper_phone"],
            fulfilment=data["fulfilment"],
            delivery_address=data["delivery_address"],
            delivery_point=data["delivery_point"],
            shopper=request.user if getattr(request.user, "pk", None) else None,
            language=get_language() or settings.LANGUAGE_CODE,
        )
        receipt = reservation_receipt(reservation=reservation)
        return Response(ReservationSerializer(receipt).data, status=status.HTTP_201_CREATED)


def _is_its_shopper(request, reservation, email):
    """The shopper proves it with the e-mail (compared in constant time) or their account."""
    user = request.user
    if getattr(user, "pk", None) and reservation.shopper_id == user.pk:
        return True
    return bool(email) and hmac.compare_digest(
        email.strip().lower().encode(), reservation.shopper_email.lower().encode()
    )


def _reservation_for(request, code, email, *, scope=reservations_visible_to):
    """The reservation for its shopper, or for staff within `scope` (who may see it, or
    who may act on it); a wrong code and a wrong e-mail get the same 404."""
    reservation = reservation_detail(code=code.upper())
    if reservation is None:
        raise Http404
    if _is_its_shopper(request, reservation, email):
        return reservation
    tenancy = tenancy_of(request.user)
    if (tenancy.roles or tenancy.is_superuser) and scope(request.user).filter(
        pk=reservation.pk
    ).exists():
        return reservation
    raise Http404


class EmailBody(serializers.Serializer):
    email = serializers.EmailField(required=False, max_length=EMAIL_LENGTH)


class ReservationDetailView(ShopperAPIView):
    @extend_schema(
        parameters=[EmailBody],
        responses={200: ReservationSerializer},
        summary="A reservation, for the shopper (code + e-mail, or account)",
    )
    def get(self, request, code):
        reservation = _reservation_for(request, code, request.query_params.get("email", ""))
        return Response(ReservationSerializer(reservation).data)


class ReservationCancelView(ShopperAPIView):
    @extend_schema(
        request=EmailBody,
        responses={200: ReservationSerializer},
        summary="Cancel a reservation that is not collected yet",
    )
    def post(self, request, code):
        body = EmailBody(data=request.data)
        body.is_valid(raise_exception=True)
        reservation = _reservation_for(
            request, code, body.validated_data.get("email", ""), scope=reservations_handled_by
        )
        services.cancel(reservation_id=reservation.pk)
        return Response(ReservationSerializer(reservation_detail(code=reservation.code)).data)


class ReservationFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=Reservation.Status.choices)
    outlet = TextFilter(field_name="outlet__code")
    created_after = TimestampFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Reservation
        fields = ["status", "outlet", "created_after"]


class RetailerReservationList(generics.ListAPIView):
    """The retailer's reservations, newest first; `status`, `outlet`, `created_after`."""

    permission_classes = [IsRetailer]
    serializer_class = ReservationSerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReservationFilter

    def get_queryset(self):
        return (
            reservations_handled_by(self.request.user)
            .select_related("outlet")
            .prefetch_related("lines__variant")
        )


ACTIONS = {
    "confirm": services.confirm,
    "ready": services.mark_ready,
    "collect": services.collect,
    "cancel": services.cancel,
    "decline": services.decline,
}


class RetailerReservationTransition(APIView):
    permission_classes = [IsRetailer]

    @extend_schema(
        request=None,
        responses={200: ReservationSerializer},
        summary="Move a reservation: confirm, ready, collect, decline, cancel",
    )
    def post(self, request, code, action):
        if action not in ACTIONS:
            raise Http404
        reservation = get_object_or_404(reservations_handled_by(request.user), code=code.upper())
        ACTIONS[action](reservation_id=reservation.pk)
        return Response(ReservationSerializer(reservation_detail(code=reservation.code)).data)
