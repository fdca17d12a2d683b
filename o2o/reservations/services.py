"""The reservation state machine: holds are taken at creation and released exactly once."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.catalogue.models import Variant
from o2o.core import metrics
from o2o.core.db import atomic_with_retry, keep_prefetched
from o2o.core.geo import haversine_km
from o2o.core.phones import phone_in
from o2o.core.ratelimit import hit_each
from o2o.core.statements import insert_together
from o2o.inventory import stock
from o2o.inventory.locks import lock_outlet
from o2o.outlets.models import Outlet

from .errors import (
    IllegalTransition,
    InsufficientStock,
    InvalidPhone,
    OutsideDeliveryRadius,
    ReservationNotAllowed,
)
from .models import Reservation, ReservationEvent, ReservationLine

if TYPE_CHECKING:
    import datetime

    from django.db.models import QuerySet
    from phonenumber_field.phonenumber import PhoneNumber


Status = Reservation.Status

# target status -> statuses it may be reached from
ALLOWED_FROM: dict[str, set[str]] = {
    Status.CONFIRMED: {Status.PENDING},
    Status.READY: {Status.PENDING, Status.CONFIRMED},
    Status.COLLECTED: {Status.CONFIRMED, Status.READY},
    Status.CANCELLED: {Status.PENDING, Status.CONFIRMED, Status.READY},
    Status.DECLINED: {Status.PENDING, Status.CONFIRMED, Status.READY},
    Status.EXPIRED: {Status.PENDING, Status.CONFIRMED, Status.READY},
}
ACTION_TARGETS = {
    "confirm": Status.CONFIRMED,
    "mark_ready": Status.READY,
    "collect": Status.COLLECTED,
    "cancel": Status.CANCELLED,
    "decline": Status.DECLINED,
}
CLOSING = {Status.COLLECTED, Status.CANCELLED, Status.DECLINED, Status.EXPIRED}
TIMESTAMP_FIELD: dict[str, str] = {Status.CONFIRMED: "confirmed_at", Status.READY: "ready_at"}


def max_units_per_reservation(variant: Variant) -> int:
    """The most units of `variant` one reservation may hold (site-wide and brand limits)."""
    return min(settings.O2O_MAX_UNITS_PER_RESERVATION, variant.brand.max_units_per_reservation)


def _check_reservable(
    *, outlet: Outlet, variant: Variant, quantity: int, queued: bool = False
) -> None:
    """The reservation's rules that need no lock (the outlet's are `_check_outlet_sells`)."""
    limit = max_units_per_reservation(variant)
    if not 1 <= quantity <= limit:
        raise ReservationNotAllowed(
            _("You can reserve from 1 to %(limit)d units of this item.") % {"limit": limit},
        )
    if not (variant.is_active and variant.product.is_published):
        raise ReservationNotAllowed(_("This item is not available."))
    if not variant.product.in_shops:
        raise ReservationNotAllowed(_("This item is sold online only, by our partner e-shops."))
    if variant.product.queued_at(timezone.now()) and not queued:
        raise ReservationNotAllowed(
            _("This product is being launched: reserve it through the launch's queue."),
            queue=["required"],
        )


def _check_outlet_sells(sale: stock.SaleHold) -> None:
    """The outlet's status and authorisation, as read under its lock by the hold."""
    if sale.outlet_status != Outlet.Status.ACTIVE:
        raise ReservationNotAllowed(_("This shop is not taking reservations."))
    if not sale.sells_brand:
        raise ReservationNotAllowed(_("This shop does not sell this brand."))


def _check_delivery(
    *,
    outlet: Outlet,
    fulfilment: str,
    delivery_address: str,
    delivery_point: tuple[float, float] | None,
) -> None:
    if fulfilment != Reservation.Fulfilment.DELIVERY:
        if not outlet.offers_pickup:
            raise ReservationNotAllowed(_("This shop only delivers."))
        return
    if not outlet.delivery_radius_km:
        raise OutsideDeliveryRadius(_("This shop does not deliver."))
    if not delivery_address.strip():
        raise ReservationNotAllowed(_("Enter the delivery address."), delivery_address=["missing"])
    if delivery_point is None:
        raise OutsideDeliveryRadius(
            _(
                "Tell us where to deliver (the address's postcode, a pin on the map or "
                "your device's location) so we can check the shop delivers there."
            )
        )
    distance = haversine_km(outlet.latitude, outlet.longitude, *delivery_point)
    if distance > outlet.delivery_radius_km:
        raise OutsideDeliveryRadius(
            _(
                "This shop delivers within %(radius)d km; the delivery address is "
                "%(distance).1f km away."
            )
            % {"radius": outlet.delivery_radius_km, "distance": distance}
        )


def check_reservation_rate(*, ip: str | None, email: str | None) -> None:
    """Shoppers' reservations are throttled per IP and per e-mail (cache counters; no
    e-mail for a launch queue's ticket, which is good for one reservation anyway)."""
    attempts = []
    if ip:
        attempts.append(("reserve-ip", ip, settings.O2O_RESERVATIONS_PER_IP))
    if email is not None:
        attempts.append(("reserve-email", email, settings.O2O_RESERVATIONS_PER_EMAIL))
    if attempts:
        hit_each(attempts, window=settings.O2O_RESERVATION_THROTTLE_SECONDS)


def _count_hold(sale: stock.SaleHold) -> None:
    """Count the hold's outcome; no units held is the shopper's last refusal."""
    if not sale.held:
        metrics.RESERVATIONS.labels(outcome="insufficient_stock").inc()
        raise InsufficientStock()
    metrics.RESERVATIONS.labels(outcome="held").inc()


@atomic_with_retry
def reserve(
    *,
    outlet: Outlet,
    variant: Variant,
    quantity: int,
    shopper_name: str,
    shopper_email: str,
    shopper_phone: str | PhoneNumber,
    fulfilment: str = Reservation.Fulfilment.COLLECT,
    delivery_address: str = "",
    delivery_point: tuple[float, float] | None = None,
    shopper: Any = None,
    language: str = "en",
    user: Any = None,
    queued: bool = False,
) -> Reservation:
    """Create a pending reservation holding `quantity` units of `variant` at `outlet`.
    While the product is launched through a queue, only the queue (`queued`) may.

    For delivery, `delivery_point` (lat, lng) is where the parcel goes (never where the
    shopper searched from); it must lie within the shop's delivery radius."""
    phone = _shopper_phone(shopper_phone, outlet=outlet)
    if not (Variant.product.is_cached(variant) and Variant.brand.is_cached(variant)):
        variant = Variant.objects.select_related("product", "brand").get(pk=variant.pk)
    _check_reservable(outlet=outlet, variant=variant, quantity=quantity, queued=queued)
    reservation = Reservation(
        outlet=outlet,
        brand=variant.brand,
        shopper_name=shopper_name,
        shopper_email=shopper_email,
        shopper_phone=phone,
        fulfilment=fulfilment,
        delivery_address=delivery_address.strip()[:255],
        delivery_latitude=delivery_point[0]
        if delivery_point and fulfilment == "delivery"
        else None,
        delivery_longitude=delivery_point[1]
        if delivery_point and fulfilment == "delivery"
        else None,
        language=language,
        shopper=shopper if shopper is not None and shopper.is_authenticated else None,
        expires_at=outlet.after_open_time(
            timezone.now(), timedelta(minutes=variant.brand.hold_minutes)
        ),
    )
    # one statement locks the outlet, reads its status and authorisation and holds; the
    # refusals keep their order (the shop, its delivery, the stock), and one raised after
    # the units are held rolls them back with this transaction
    sale = stock.hold_for_sale(
        outlet_id=outlet.pk,
        variant_id=variant.pk,
        brand_id=variant.brand_id,
        quantity=quantity,
        reference=reservation.code,
        user=user,
    )
    _check_outlet_sells(sale)
    _check_delivery(
        outlet=outlet,
        fulfilment=fulfilment,
        delivery_address=delivery_address,
        delivery_point=delivery_point,
    )
    _count_hold(sale)
    line = ReservationLine(
        reservation=reservation,
        variant=variant,
        quantity=quantity,
        unit_price=variant.current_price(),
    )
    event = ReservationEvent(reservation=reservation, to_status=Status.PENDING, user=user)
    insert_together(reservation, [line, event])  # one statement on PostgreSQL
    _notify_on_commit(reservation.pk)
    keep_prefetched(reservation, "lines", [line])  # its receipt reads nothing back
    return reservation


def _release_lines(reservation: Reservation, *, to_status: str, user: Any = None) -> None:
    sold = to_status == Status.COLLECTED
    reason = None
    if reservation.stock_shortfall and to_status == Status.DECLINED:
        reason = stock.Reason.SHORTFALL
    for line in reservation.lines.all():
        stock.release(
            outlet_id=reservation.outlet_id,
            variant_id=line.variant_id,
            quantity=line.quantity,
            reference=reservation.code,
            user=user,
            sold=sold,
            reason=reason,
        )


@atomic_with_retry
def transition(
    *,
    reservation_id: int,
    to_status: str,
    user: Any = None,
    shortfall: bool = False,
    note: str = "",
) -> Reservation:
    """Move a reservation to `to_status` by compare-and-set, releasing holds exactly once."""
    allowed = ALLOWED_FROM.get(to_status)
    if allowed is None:
        raise IllegalTransition(f"Unknown target status {to_status!r}.")
    now = timezone.now()
    changes = {"status": to_status, "updated_at": now}
    if to_status in TIMESTAMP_FIELD:
        changes[TIMESTAMP_FIELD[to_status]] = now
    if to_status in CLOSING:
        changes["closed_at"] = now
    if shortfall:
        changes["stock_shortfall"] = True
        note = note or "The shop's stock count came in below the held units."
    if to_status == Status.DECLINED and note:
        changes["decline_reason"] = note[:255]
    current = Reservation.objects.filter(pk=reservation_id).values_list("status", "outlet_id")
    before, outlet_id = current.first() or ("", None)
    if outlet_id is not None:
        lock_outlet(outlet_id)  # the lock order of inventory/locks.py: outlet first
    moved = Reservation.objects.filter(pk=reservation_id, status__in=allowed).update(**changes)
    reservation = Reservation.objects.get(pk=reservation_id)
    if not moved:
        raise IllegalTransition(
            f"A {reservation.get_status_display().lower()} reservation cannot become "
            f"{Status(to_status).label.lower()}.",
            current=reservation.status,
            requested=str(to_status),
        )
    if to_status in CLOSING:
        _release_lines(reservation, to_status=to_status, user=user)
        from .signals import reservation_closed

        reservation_closed.send(sender=Reservation, reservation_id=reservation.pk, status=to_status)
    metrics.TRANSITIONS.labels(status=str(to_status)).inc()
    ReservationEvent.objects.create(
        reservation=reservation,
        from_status=before or "",
        to_status=to_status,
        user=user,
        note=note[:255],
    )
    _notify_on_commit(reservation.pk)
    return reservation


def confirm(*, reservation_id: int, user: Any = None) -> Reservation:
    return transition(reservation_id=reservation_id, to_status=Status.CONFIRMED, user=user)


def mark_ready(*, reservation_id: int, user: Any = None) -> Reservation:
    return transition(reservation_id=reservation_id, to_status=Status.READY, user=user)


def collect(*, reservation_id: int, user: Any = None) -> Reservation:
    return transition(reservation_id=reservation_id, to_status=Status.COLLECTED, user=user)


def cancel(*, reservation_id: int, user: Any = None) -> Reservation:
    return transition(reservation_id=reservation_id, to_status=Status.CANCELLED, user=user)


def decline(*, reservation_id: int, user: Any = None, reason: str = "") -> Reservation:
    return transition(
        reservation_id=reservation_id, to_status=Status.DECLINED, user=user, note=reason
    )


def collect_by_code(*, code: str, reservations: QuerySet, user: Any = None) -> Reservation:
    """Collect the reservation with this pickup code among `reservations` (the user's)."""
    found = reservations.filter(code=code.strip().upper()).first()
    if found is None:
        raise ReservationNotAllowed("No reservation with this pickup code at your shops.")
    return collect(reservation_id=found.pk, user=user)


def expire_overdue(*, now: datetime.datetime | None = None) -> int:
    """Expire every open reservation past its hold; returns how many expired."""
    now = now or timezone.now()
    overdue = Reservation.objects.filter(
        status__in=Reservation.OPEN_STATUSES, expires_at__lte=now
    ).values_list("pk", flat=True)
    expired = 0
    for pk in list(overdue):
        try:
            transition(reservation_id=pk, to_status=Status.EXPIRED)
        except IllegalTransition:
            continue  # moved on meanwhile (collected, cancelled...): nothing to do
        expired += 1
    return expired


def drop_holds_for_shortfall(*, outlet_id: int, variant_id: int, units: int) -> int:
    """A count came in below the held units: decline the newest holds until `units` are freed.

    Runs inside the caller's transaction (the stock sync), so the invariant
    reserved <= on_hand holds when it commits. Returns the number of holds dropped.
    """
    open_ids = (
        Reservation.objects.filter(
            outlet_id=outlet_id,
            status__in=Reservation.OPEN_STATUSES,
            lines__variant_id=variant_id,
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    dropped = freed = 0
    for pk in list(open_ids):
        if freed >= units:
            break
        held = ReservationLine.objects.filter(reservation_id=pk, variant_id=variant_id)
        quantity = sum(held.values_list("quantity", flat=True))
        transition(reservation_id=pk, to_status=Status.DECLINED, shortfall=True)
        freed += quantity
        dropped += 1
    return dropped


def claim_unannounced_changes(*, limit: int = 500) -> list[int]:
    """The reservations with status changes not yet announced (the oldest `limit` changes),
    those changes marked announced. Call it inside the transaction that passes them on: if
    that fails, the rollback leaves them for the next call. Concurrent callers claim
    different changes (PostgreSQL skips the rows another holds)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_unannounced_changes runs inside the caller's transaction")
    pending = list(
        ReservationEvent.objects.filter(announced_at__isnull=True)
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", "reservation_id")[:limit]
    )
    ReservationEvent.objects.filter(pk__in=[pk for pk, _reservation in pending]).update(
        announced_at=timezone.now()
    )
    return list(dict.fromkeys(reservation_id for _event, reservation_id in pending))


def _notify_on_commit(reservation_id: int) -> None:
    """Announce the new status once the transaction commits (notifications subscribes and
    passes on every change `claim_unannounced_changes` finds)."""
    from .signals import reservation_status_changed

    transaction.on_commit(
        lambda: reservation_status_changed.send(sender=Reservation, reservation_id=reservation_id)
    )


def _shopper_phone(raw: str | PhoneNumber, *, outlet: Outlet) -> PhoneNumber:
    """The shopper's phone read in the shop's country (a number with + keeps its own)."""
    try:
        return phone_in(raw, country=str(outlet.country))
    except ValidationError as exc:
        raise InvalidPhone(exc.messages[0], shopper_phone=exc.messages) from exc


ANONYMISED = {"shopper_name": "", "shopper_phone": "", "delivery_address": ""}


def anonymise_old_reservations(*, now: datetime.datetime | None = None) -> int:
    """Erase shoppers' personal data O2O_PERSONAL_DATA_DAYS after a reservation ended.

    The reservation, its lines and figures stay (for the brand's and shop's books)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.O2O_PERSONAL_DATA_DAYS)
    old = Reservation.objects.filter(closed_at__lt=cutoff).exclude(
        shopper_email__endswith="@anonymised.invalid"
    )
    return old.update(
        shopper_email=Concat(
            Value("reservation-"), Cast("pk", CharField()), Value("@anonymised.invalid")
        ),
        shopper=None,
        **ANONYMISED,
    )
