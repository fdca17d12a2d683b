"""A launch's queue over the API: join, follow your place, reserve when your turn comes.

The ticket is the signed token `join` answers; it goes back in the `X-Queue-Ticket` header
(never in a URL, where logs would keep it)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from o2o.catalogue.models import Variant
from o2o.core.api import PRINTABLE
from o2o.core.clientip import client_ip
from o2o.core.serializers import FieldsOnceSerializer
from o2o.core.text import EMAIL_LENGTH
from o2o.reservations import services as reservation_services
from o2o.reservations.api import ReservationRequest, ReservationSerializer, ShopperAPIView
from o2o.reservations.selectors import reservation_receipt, variant_and_outlet

from . import queue
from .selectors import launch_for_shopper, launch_shops

TICKET_HEADER = OpenApiParameter(
    "X-Queue-Ticket", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True
)


def _launch(brand, product):
    found = launch_for_shopper(brand_slug=brand, product_slug=product, lean=True)
    if found is None:
        raise Http404
    return found


class PlaceSerializer(FieldsOnceSerializer):
    ticket = serializers.SerializerMethodField()
    number = serializers.IntegerField(source="ticket.number")
    state = serializers.ChoiceField(
        choices=["waiting", "admitted", "used", "expired", "sold_out", "closed"]
    )
    position = serializers.IntegerField(help_text="Tickets before yours still waiting.")
    retry_after = serializers.IntegerField(help_text="Seconds before asking again.")
    units = serializers.IntegerField(
        source="ticket.held", help_text="Units you may reserve once admitted."
    )
    reserve_by = serializers.DateTimeField(source="ticket.expires_at", allow_null=True)
    reservation = serializers.CharField(source="ticket.reservation.code", default=None)

    def get_ticket(self, place) -> str:
        return queue.sign(place.ticket)


class ShopSerializer(serializers.Serializer):
    outlet = serializers.CharField(source="code")
    name = serializers.CharField()
    city = serializers.CharField()
    units_left = serializers.IntegerField(source="left")


class LaunchSerializer(serializers.Serializer):
    product = serializers.CharField()
    status = serializers.CharField(source="launch.status")
    starts_at = serializers.DateTimeField(source="launch.starts_at")
    queue_closes_at = serializers.DateTimeField(source="launch.queue_closes_at")
    per_shopper_limit = serializers.IntegerField(source="launch.per_shopper_limit")
    units_left = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField()
    skus = serializers.ListField(child=serializers.CharField())
    shops = ShopSerializer(many=True)

    def get_units_left(self, data) -> int:
        return data["launch"].units_total - data["launch"].units_reserved

    def get_waiting(self, data) -> int:
        return data["launch"].tickets_issued - data["launch"].admitted_through


class LaunchView(ShopperAPIView):
    @extend_schema(responses={200: LaunchSerializer}, summary="A launch and its shops' units")
    def get(self, request, brand, product):
        launch = _launch(brand, product)
        skus = list(
            Variant.objects.filter(product_id=launch.product_id, is_active=True)
            .order_by("sku")
            .values_list("sku", flat=True)
        )
        data = {
            "launch": launch,
            "product": product,
            "skus": skus,
            "shops": launch_shops(launch=launch),
        }
        return Response(LaunchSerializer(data).data)


class JoinRequest(FieldsOnceSerializer):
    email = serializers.EmailField(max_length=EMAIL_LENGTH)


def _ticket(request, launch, *, read=True):
    token = request.headers.get("X-Queue-Ticket", "")
    return queue.ticket_from(token, launch=launch, read=read)


class QueueView(ShopperAPIView):
    # joining and polling act on nobody's account: no session is read, so no CSRF token
    # is asked of a signed-in shopper either, and the queue's own pool (settings.O2O_POOL)
    # answers them as the site does
    authentication_classes = []

    def get_throttles(self):
        # joining counts its own attempts per IP (queue.join_by_slugs): one counter, not two
        return [] if self.request.method == "POST" else super().get_throttles()

    @extend_schema(
        request=JoinRequest,
        responses={201: PlaceSerializer, 200: PlaceSerializer},
        summary="Join a launch's queue (again: the same place)",
    )
    def post(self, request, brand, product):
        body = JoinRequest(data=request.data)
        body.is_valid(raise_exception=True)
        joined = queue.join_by_slugs(
            brand_slug=brand,
            product_slug=product,
            email=body.validated_data["email"],
            language=request.LANGUAGE_CODE,
            ip=client_ip(request),
        )
        if joined is None:
            raise Http404
        ticket, created = joined
        return Response(
            # a new ticket's place as of its join: the turns due then were started by it
            PlaceSerializer(
                queue.place(ticket=ticket, fresh=created, now=ticket.joined_at if created else None)
            ).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        parameters=[TICKET_HEADER],
        responses={200: PlaceSerializer},
        summary="Your place in the queue",
    )
    def get(self, request, brand, product):
        launch = _launch(brand, product)
        place = queue.place(ticket=_ticket(request, launch), fresh=True)
        response = Response(PlaceSerializer(place).data)
        if place.retry_after:
            response["Retry-After"] = str(place.retry_after)
        return response


class QueueReservationRequest(ReservationRequest):
    brand = None
    shopper_email = None
    sku = serializers.RegexField(PRINTABLE, max_length=64)


class QueueReserveView(ShopperAPIView):
    throttle_classes = []  # counted per IP by check_reservation_rate, as a reservation is

    @extend_schema(
        parameters=[TICKET_HEADER],
        request=QueueReservationRequest,
        responses={201: ReservationSerializer},
        summary="Reserve with an admitted ticket (its e-mail is the reservation's)",
    )
    def post(self, request, brand, product):
        launch = _launch(brand, product)
        ticket = _ticket(request, launch, read=False)  # queue.reserve locks and reads it
        body = QueueReservationRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # per IP only: a ticket makes one reservation, and a shop whose launch units went
        # a moment ago must not cost the shopper their turn
        reservation_services.check_reservation_rate(ip=client_ip(request), email=None)
        variant, outlet = variant_and_outlet(
            brand_slug=brand, product_slug=product, sku=data["sku"], outlet_code=data["outlet"]
        )
        if variant is None or outlet is None:
            raise Http404
        reservation = queue.reserve(
            ticket=ticket,
            outlet=outlet,
            variant=variant,
            quantity=data["quantity"],
            shopper_name=data["shopper_name"],
            shopper_phone=data["shopper_phone"],
            fulfilment=data["fulfilment"],
            delivery_address=data["delivery_address"],
            delivery_point=data["delivery_point"],
            shopper=request.user if getattr(request.user, "pk", None) else None,
        )
        receipt = reservation_receipt(reservation=reservation)
        return Response(ReservationSerializer(receipt).data, status=status.HTTP_201_CREATED)
