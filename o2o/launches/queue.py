"""The launch queue's services: a fair first-come waiting room in front of the units the
outlets put aside.

A shopper joins once per launch (by e-mail) and gets the next number under the launch
row's lock, so numbers follow arrival (one statement on PostgreSQL: the number and the
ticket); the turns then due are started in a transaction of their own. Tickets are
admitted strictly in number order while units are free (free = put aside - reserved -
held for admitted tickets); an admitted ticket holds up to the per-shopper limit for
`admission_minutes`, is used once for one reservation (made by the reservations service,
the only way to reserve while the queue lasts), or expires and passes its units to the
next number. A unit whose reservation is cancelled, declined or expires comes back to the
queue.

Lock order: ticket, then the reservation's outlet and stock (reservations.reserve), then
the allocation, then the launch; joining takes only the launch."""

from __future__ import annotations

import datetime
import math
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.catalogue.models import Variant
from o2o.core.db import atomic_with_retry
from o2o.core.errors import DomainError
from o2o.core.ratelimit import hit
from o2o.core.statements import PreparedLookup, execute_hot
from o2o.outlets.models import Outlet
from o2o.reservations import services as reservations
from o2o.reservations.models import Reservation

from .models import Launch, LaunchAllocation, QueueSample, QueueTicket
from .selectors import launch_for_shopper
from .services import open_launch

TICKET_SALT = "o2o.launches.ticket"


class QueueError(DomainError):
    code = "queue_error"
    status = 409


class TicketInvalid(DomainError):
    code = "ticket_invalid"
    status = 403
    default_message = "This queue ticket is not valid."


@dataclass(frozen=True)
class Place:
    """Where a ticket stands: `state` is waiting, admitted, used, expired, sold_out or
    closed; `position` counts the tickets before it still waiting (waiting only)."""

    ticket: QueueTicket
    state: str
    position: int
    retry_after: int


def sign(ticket: QueueTicket) -> str:
    """The token handed to the shopper: it names the ticket and its number and cannot be
    forged."""
    return signing.dumps(
        {"l": ticket.launch_id, "t": ticket.pk, "n": ticket.number}, salt=TICKET_SALT
    )


def ticket_from(token: str, *, launch: Launch, read: bool = True) -> QueueTicket:
    """The ticket a token names. One still waiting by `launch`'s counters (its number not
    yet admitted) is not read: numbers are admitted in order, so until then its row holds
    nothing a shopper sees (place() reads it once its turn starts). Nor is any when not
    `read` (reserve() locks and reads it)."""
    try:
        data = signing.loads(token, salt=TICKET_SALT)
    except signing.BadSignature as exc:
        raise TicketInvalid(_("This queue ticket is not valid.")) from exc
    if not isinstance(data, dict) or data.get("l") != launch.pk:
        raise TicketInvalid(_("This queue ticket is not valid."))
    number, pk = data.get("n"), data.get("t")
    waiting = isinstance(number, int) and number > launch.admitted_through
    if isinstance(pk, int) and isinstance(number, int) and (waiting or not read):
        ticket = QueueTicket(pk=pk, launch_id=launch.pk, number=number)
    else:
        ticket = QueueTicket.objects.filter(pk=pk, launch=launch).order_by().first()
        if ticket is None:
            raise TicketInvalid(_("This queue ticket is not valid."))
    ticket.launch = launch  # as the caller just read it: `place(fresh=True)` reads no more
    return ticket


def _reread(ticket: QueueTicket) -> None:
    try:
        ticket.refresh_from_db()
    except QueueTicket.DoesNotExist as exc:
        raise TicketInvalid(_("This queue ticket is not valid.")) from exc


def _admit(launch: Launch, *, now: datetime.datetime) -> list[tuple[int, int, int]]:
    """Admit the next numbers while units are free, at most as many as the launch's
    outflow rate allows now; `launch` is locked and saved by the caller, its counters moved
    on. Returns the admitted ranges: (first number, count, units held each)."""
    free = launch.units_total - launch.units_reserved - launch.units_held
    waiting = launch.tickets_issued - launch.admitted_through
    limit = launch.per_shopper_limit
    tokens = _tokens(launch, now)
    turns = min(waiting, int(tokens) if tokens != math.inf else waiting)
    if turns <= 0:
        return []
    whole = min(free // limit, turns)
    batches = [(whole, limit)]
    if whole < turns and free - whole * limit > 0:
        batches.append((1, free - whole * limit))
    admitted = []
    for count, held in batches:
        if count <= 0:
            continue
        first = launch.admitted_through + 1
        QueueTicket.objects.filter(
            launch=launch, number__gte=first, number__lt=first + count
        ).update(admitted_at=now, expires_at=_turn_ends(launch, now), held=held)
        _count_turns(launch, now=now, turns=count, held=held)
        admitted.append((first, count, held))
    return admitted


def _count_turns(launch: Launch, *, now: datetime.datetime, turns: int, held: int) -> None:
    """`turns` more numbers admitted, each holding `held` units, out of the bucket."""
    tokens = _tokens(launch, now)
    launch.admitted_through += turns
    launch.units_held += turns * held
    if launch.admit_per_second:
        launch.admit_tokens, launch.tokens_at = tokens - turns, now.timestamp()


def _tokens(launch: Launch, now: datetime.datetime) -> float:
    """How many turns may start now: a bucket refilled at `admit_per_second`, holding at
    most one second's worth (infinite without a limit)."""
    rate = launch.admit_per_second
    if not rate:
        return math.inf
    if launch.tokens_at is None:
        return float(rate)
    elapsed = max(0.0, now.timestamp() - launch.tokens_at)
    return min(float(rate), launch.admit_tokens + rate * elapsed)


BATCHES_PER_SECOND = 4


def _turns_due(launch: Launch, now: datetime.datetime) -> bool:
    """Whether a join or a poll should start turns: units are free and the outflow rate
    allows a batch of a quarter of a second's turns (one at a time below 4 a second), so
    at 50 a second turns start in 4 short transactions, not 50: fewer transactions on the
    launch's row, and fewer requests finding it held by one, while nobody waits more
    than a quarter of a second longer for their turn."""
    free = launch.units_total - launch.units_reserved - launch.units_held
    batch = max(1, launch.admit_per_second // BATCHES_PER_SECOND)
    return free > 0 and _tokens(launch, now) >= batch


def _turn_ends(launch: Launch, now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(minutes=launch.admission_minutes)


COUNTERS = [
    "tickets_issued",
    "admitted_through",
    "units_total",
    "units_held",
    "units_reserved",
    "admit_tokens",
    "tokens_at",
]
TAKEN = [*COUNTERS, "per_shopper_limit", "admission_minutes", "admit_per_second"]


def _gone() -> QueueError:
    """A launch deleted while a shopper was joining or reserving: its queue is closed."""
    return QueueError(_("This launch's queue has closed."), queue=["closed"])


_LOCKED = PreparedLookup(
    lambda *, pk: Launch.objects.select_for_update().filter(pk=pk), numbers=("pk",)
)


def _locked(launch_id: int) -> Launch:
    """The launch under its row lock (a lookup compiled once); DoesNotExist if gone."""
    locked = _LOCKED.first(pk=launch_id)
    if locked is None:
        raise Launch.DoesNotExist(f"launch {launch_id}")
    return locked


def join(
    *,
    launch: Launch,
    email: str,
    language: str,
    ip: str | None,
    now: datetime.datetime | None = None,
) -> tuple[QueueTicket, bool]:
    """The shopper's ticket and whether it is new: a new number, or the one this e-mail
    already has (nobody holds two places). A join also starts the turns the outflow rate
    allows now."""
    now = now or timezone.now()
    if ip:
        hit("launch-join-ip", ip, limit=settings.O2O_LAUNCH_JOINS_PER_IP, window=600)
    return _join(launch, email=email.strip().lower(), language=language, now=now)


_launch_ids: dict[tuple[str, str], int] = {}  # (brand slug, product slug): this process's
KNOWN_LAUNCHES = 1000


def join_by_slugs(
    *,
    brand_slug: str,
    product_slug: str,
    email: str,
    language: str,
    ip: str | None,
    now: datetime.datetime | None = None,
) -> tuple[QueueTicket, bool] | None:
    """`join` for the launch of an active brand's product named by its slugs; None if there
    is none. On PostgreSQL the launch a process has joined shoppers to before is not looked
    up again: one statement checks that it is still that product's launch, open, of an
    active brand, and takes the next number (every arrival of a launch day saves a round
    trip); anything else takes the whole path."""
    now = now or timezone.now()
    if ip:
        hit("launch-join-ip", ip, limit=settings.O2O_LAUNCH_JOINS_PER_IP, window=600)
    email = email.strip().lower()
    known = _launch_ids.get((brand_slug, product_slug))
    if known is not None and connection.vendor == "postgresql":
        try:
            issued = _issue_if_open(
                known, slugs=(brand_slug, product_slug), email=email, language=language, now=now
            )
        except IntegrityError:  # joined before: the whole path finds that place
            issued = None
        if issued is not None:
            return _started(*issued, now=now), True
    launch = launch_for_shopper(brand_slug=brand_slug, product_slug=product_slug, lean=True)
    if launch is None:
        return None
    if len(_launch_ids) >= KNOWN_LAUNCHES:
        _launch_ids.clear()
    _launch_ids[brand_slug, product_slug] = launch.pk
    return _join(launch, email=email, language=language, now=now)


def _join(
    launch: Launch, *, email: str, language: str, now: datetime.datetime
) -> tuple[QueueTicket, bool]:
    if now < launch.starts_at:
        raise QueueError(_("The queue opens when the launch starts."), queue=["not_open"])
    if launch.queue_closes_at and now >= launch.queue_closes_at:
        raise QueueError(_("This launch's queue has closed."), queue=["closed"])
    if launch.status == Launch.Status.SCHEDULED:
        open_launch(launch_id=launch.pk, now=now)
    try:
        ticket = _issue(launch, email=email, language=language, now=now)
    except IntegrityError:  # this shopper joined before (perhaps a moment ago)
        return QueueTicket.objects.get(launch=launch, email=email), False
    return _started(launch, ticket, now=now), True


def _started(launch: Launch, ticket: QueueTicket, *, now: datetime.datetime) -> QueueTicket:
    """`ticket`, just issued, once the turns due now are started (this join starts them)."""
    if _turns_due(launch, now):
        locked, admitted = _start_turns(launch.pk, now=now, unless_busy=True)
        launch = locked or launch
        for first, count, held in admitted:
            if first <= ticket.number < first + count:
                ticket.admitted_at, ticket.held = now, held
                ticket.expires_at = _turn_ends(launch, now)
    ticket.launch = launch  # its counters as this join left them
    return ticket


TICKET_COLUMNS = ["launch_id", "number", "email", "language", "joined_at", "held", "units"]


def _issue(launch: Launch, *, email: str, language: str, now: datetime.datetime) -> QueueTicket:
    """The next number, on a new ticket: one statement on PostgreSQL, so the launch's row is
    locked only while the database runs it; `launch` gets the counters as they were then.
    Raises IntegrityError (and issues nothing) if the e-mail has a ticket already."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            _count(launch, tickets_issued=1)
            return QueueTicket.objects.create(
                launch_id=launch.pk,
                number=launch.tickets_issued,
                email=email,
                language=language,
                joined_at=now,
            )
    row = _take_number(
        f"UPDATE {Launch._meta.db_table} SET tickets_issued = tickets_issued + 1 "  # noqa: S608 (the model's own table)
        f"WHERE id = %s RETURNING id, {', '.join(TAKEN)}",
        [launch.pk],
        email=email,
        language=language,
        now=now,
    )
    if row is None:
        raise _gone()
    for name, value in zip(TAKEN, row[2:], strict=True):
        setattr(launch, name, value)
    return _new_ticket(row[0], launch, email=email, language=language, now=now)


# what a join reads of its launch when it takes the number in one statement (the rest of
# the row is left deferred: nothing on the join's path reads it)
OPEN_LAUNCH = ["id", "brand_id", "product_id", "status", "starts_at", "queue_closes_at", *TAKEN]


def _issue_if_open(
    launch_id: int,
    *,
    slugs: tuple[str, str],
    email: str,
    language: str,
    now: datetime.datetime,
) -> tuple[Launch, QueueTicket] | None:
    """The next number of launch `launch_id` on a new ticket, if it is still the open launch
    of the product and active brand `slugs` name, its queue open at `now` (PostgreSQL, one
    statement; None, and nothing issued, otherwise). IntegrityError as `_issue`."""
    from o2o.brands.models import Brand
    from o2o.catalogue.models import Product

    returned = ", ".join(f"l.{column}" for column in OPEN_LAUNCH)
    row = _take_number(
        f"UPDATE {Launch._meta.db_table} l SET tickets_issued = l.tickets_issued + 1 "  # noqa: S608 (the models' own tables and columns)
        f"FROM {Brand._meta.db_table} b, {Product._meta.db_table} p "
        "WHERE l.id = %s AND b.id = l.brand_id AND p.id = l.product_id "
        "AND b.slug = %s AND b.is_active AND p.slug = %s "
        "AND l.status = %s AND l.starts_at <= %s "
        "AND (l.queue_closes_at IS NULL OR l.queue_closes_at > %s) "
        f"RETURNING {returned}",
        [launch_id, *slugs, Launch.Status.OPEN.value, now, now],
        email=email,
        language=language,
        now=now,
    )
    if row is None:
        return None
    read = dict(zip(OPEN_LAUNCH, row[1:], strict=True))
    names = [f.attname for f in Launch._meta.concrete_fields if f.attname in read]
    launch = Launch.from_db(connection.alias, names, [read[name] for name in names])
    return launch, _new_ticket(row[0], launch, email=email, language=language, now=now)


def _take_number(update: str, params: list, *, email: str, language: str, now) -> tuple | None:
    """Run `update` (of a launch's row, RETURNING its id first, then its tickets_issued
    among others) with the new ticket's INSERT, in one statement: (the ticket's id, what
    `update` returned), or None when it updated no row."""
    tickets = QueueTicket._meta.db_table
    # the ticket's values are cast: in a SELECT list a prepared statement cannot infer types
    sql = (
        f"WITH taken AS ({update}), "  # noqa: S608 (the models' own tables, our own UPDATE)
        f"ticket AS (INSERT INTO {tickets} ({', '.join(TICKET_COLUMNS)}) "
        f"SELECT id, tickets_issued, %s::text, %s::text, %s::timestamptz, 0, 0 FROM taken "
        "RETURNING id) "
        f"SELECT ticket.id, taken.* FROM ticket, taken"
    )
    # a savepoint inside a caller's transaction (a refused e-mail must not break it)
    savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with savepoint, connection.cursor() as cursor:
        execute_hot(cursor, sql, [*params, email, language, now])
        return cursor.fetchone()


def _new_ticket(
    pk: int, launch: Launch, *, email: str, language: str, now: datetime.datetime
) -> QueueTicket:
    return QueueTicket(
        id=pk,
        launch_id=launch.pk,
        number=launch.tickets_issued,
        email=email,
        language=language,
        joined_at=now,
    )


def _count(launch: Launch, **deltas: int) -> None:
    """Move the launch's counters by `deltas` in one statement that locks its row (until
    commit), and set them and the rest of TAKEN on `launch` as they are then."""
    if not set(deltas) <= set(COUNTERS):  # column names, never data
        raise ValueError(f"not a counter: {sorted(set(deltas) - set(COUNTERS))}")
    moves = ", ".join(f"{name} = {name} + %s" for name in deltas)
    with connection.cursor() as cursor:
        execute_hot(
            cursor,
            f"UPDATE {Launch._meta.db_table} SET {moves} "  # noqa: S608 (the model's own table and columns)
            f"WHERE id = %s RETURNING {', '.join(TAKEN)}",
            [*deltas.values(), launch.pk],
        )
        row = cursor.fetchone()
        if row is None:
            raise _gone()
        for name, value in zip(TAKEN, row, strict=True):
            setattr(launch, name, value)


def place(
    *,
    ticket: QueueTicket,
    now: datetime.datetime | None = None,
    fresh: bool = False,
    may_start: bool = True,
) -> Place:
    """The ticket as its shopper sees it, from one read of the launch's counters (none if
    `fresh`: the ticket's launch was just read, as join leaves it)."""
    now = now or timezone.now()
    launch = ticket.launch if fresh else Launch.objects.get(pk=ticket.launch_id)
    if not ticket.admitted_at and ticket.number <= launch.admitted_through:
        _reread(ticket)  # admitted since it was read (by another's join or poll)
    ticket.launch = launch
    if ticket.used_at:
        return Place(ticket, "used", 0, 0)
    if ticket.admitted_at:
        if ticket.expired_at or ticket.expires_at <= now:
            return Place(ticket, "expired", 0, 0)
        return Place(ticket, "admitted", 0, 0)
    if launch.queue_closes_at and now >= launch.queue_closes_at:
        return Place(ticket, "closed", 0, 0)
    if launch.units_total - launch.units_reserved <= 0:  # unless a reservation is cancelled
        return Place(ticket, "sold_out", 0, SOLD_OUT_RETRY)
    if may_start and _turns_due(launch, now):  # a poll starts them
        locked, _admitted = _start_turns(launch.pk, now=now, unless_busy=True)
        if locked is not None:
            _reread(ticket)  # (which forgets its launch)
            ticket.launch = locked
            return place(ticket=ticket, now=now, fresh=True, may_start=False)
    position = ticket.number - launch.admitted_through
    return Place(ticket, "waiting", position, retry_after(position))


def start_turns(*, launch_id: int, now: datetime.datetime | None = None) -> int:
    """Start the turns that are due (units free, the outflow rate allowing); how many."""
    _locked_launch, admitted = _start_turns(launch_id, now=now or timezone.now())
    return sum(count for _first, count, _held in admitted)


# the class id of the advisory lock an admission holds on its launch (any int4 nobody else
# uses): one request at a time starts a launch's turns, while the launch's row lock, taken
# after it, still guards the counters
ADMITTING = 20_241_207


def _claim_admission(launch_id: int) -> bool:
    """Whether this transaction may start the launch's turns now: False while another
    request's transaction is starting them (it admits what is due). SQLite serialises
    writers, so there is nobody to wait for."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [ADMITTING, launch_id])
        return bool(cursor.fetchone()[0])


def _start_turns(
    launch_id: int, *, now: datetime.datetime, unless_busy: bool = False
) -> tuple[Launch | None, list[tuple[int, int, int]]]:
    """Admit the turns due under the launch's lock. A join or a poll (`unless_busy`) does
    not queue behind another request that is starting the launch's turns: that one admits
    what is due, and the next join or poll starts what is left (no line of requests
    waiting on one row to find nothing to do); then, or if the launch is gone, (None, [])."""
    with transaction.atomic():
        if unless_busy:
            if not _claim_admission(launch_id):
                return None, []
            locked = _LOCKED.first(pk=launch_id)  # waits only for a statement's row lock
            if locked is None:
                return None, []
        else:
            locked = _locked(launch_id)
        admitted = _admit(locked, now=now)
        if admitted:
            locked.save(update_fields=COUNTERS)
    return locked, admitted


SOLD_OUT_RETRY = 120


def retry_after(position: int) -> int:
    """Seconds before a waiting shopper asks again: soon near the front, rarely far back
    (2 s for the first 20, then a second per 10 places, two minutes at most), so thousands
    waiting cost the site a few requests a second."""
    return max(2, min(120, position // 10))


@atomic_with_retry
def reserve(
    *,
    ticket: QueueTicket,
    outlet: Outlet,
    variant: Variant,
    quantity: int,
    shopper_name: str,
    shopper_phone: str,
    fulfilment: str = Reservation.Fulfilment.COLLECT,
    delivery_address: str = "",
    delivery_point: tuple[float, float] | None = None,
    shopper: Any = None,
    now: datetime.datetime | None = None,
) -> Reservation:
    """Use an admitted ticket for one reservation of the launch's product, within the
    units the outlet put aside and the ticket holds."""
    now = now or timezone.now()
    # the launch's own fields (its product) as the caller read them, else with the ticket;
    # never its counters: those are moved under its lock below
    callers = QueueTicket.launch.is_cached(ticket) and ticket.launch
    lookup = _TICKET if callers else _TICKET_WITH_LAUNCH
    ticket = lookup.first(pk=ticket.pk, launch=ticket.launch_id)
    if ticket is None:
        raise TicketInvalid(_("This queue ticket is not valid."))
    if ticket.used_at:
        raise QueueError(_("This ticket has been used for a reservation."), ticket=["used"])
    if not ticket.admitted_at:
        raise QueueError(_("Your turn has not come yet."), ticket=["waiting"])
    if ticket.expired_at or ticket.expires_at <= now:
        raise QueueError(_("Your turn to reserve has passed."), ticket=["expired"])
    launch = callers or ticket.launch
    if variant.product_id != launch.product_id:
        raise QueueError(_("This ticket is for another product."), variant=["other_product"])
    if not 1 <= quantity <= ticket.held:
        raise QueueError(
            _("You can reserve from 1 to %(limit)d units in this launch.") % {"limit": ticket.held},
            quantity=["over_limit"],
        )
    reservation = reservations.reserve(
        outlet=outlet,
        variant=variant,
        quantity=quantity,
        shopper_name=shopper_name,
        shopper_email=ticket.email,
        shopper_phone=shopper_phone,
        fulfilment=fulfilment,
        delivery_address=delivery_address,
        delivery_point=delivery_point,
        shopper=shopper,
        language=ticket.language,
        queued=True,
    )
    if not _use(ticket, reservation=reservation, outlet=outlet, quantity=quantity, now=now):
        raise QueueError(
            _("This shop has no launch units left: choose another shop."), outlet=["no_units"]
        )
    _count(launch, units_held=-ticket.held, units_reserved=quantity)
    if _turns_due(launch, now) and _admit(launch, now=now):
        launch.save(update_fields=COUNTERS)
    return reservation


_TICKETS = QueueTicket.objects.select_for_update(of=("self",))
# the ticket under its lock (step 1 of a launch reservation), compiled once
_TICKET = PreparedLookup(
    lambda *, pk, launch: _TICKETS.filter(pk=pk, launch_id=launch), numbers=("pk", "launch")
)
_TICKET_WITH_LAUNCH = PreparedLookup(
    lambda *, pk, launch: _TICKETS.select_related("launch").filter(pk=pk, launch_id=launch),
    numbers=("pk", "launch"),
)
USE_SQL = (
    f"WITH taken AS (UPDATE {LaunchAllocation._meta.db_table} SET taken = taken + %(quantity)s "  # noqa: S608 (the models' own tables)
    "WHERE launch_id = %(launch)s AND outlet_id = %(outlet)s AND taken <= units - %(quantity)s "
    f"RETURNING 1) UPDATE {QueueTicket._meta.db_table} "
    "SET used_at = %(now)s, reservation_id = %(reservation)s, units = %(quantity)s "
    "WHERE id = %(ticket)s AND EXISTS (SELECT 1 FROM taken)"
)


def _use(
    ticket: QueueTicket,
    *,
    reservation: Reservation,
    outlet: Outlet,
    quantity: int,
    now: datetime.datetime,
) -> bool:
    """Take `quantity` of the units `outlet` put aside, and mark the ticket used for
    `reservation`: one statement on PostgreSQL (the ticket is locked already, the
    allocation is locked here); False, and nothing written, when the units are gone."""
    if connection.vendor == "postgresql":
        params = {
            "quantity": quantity,
            "launch": ticket.launch_id,
            "outlet": outlet.pk,
            "now": now,
            "reservation": reservation.pk,
            "ticket": ticket.pk,
        }
        with connection.cursor() as cursor:
            execute_hot(cursor, USE_SQL, params)
            return cursor.rowcount == 1
    taken = LaunchAllocation.objects.filter(
        launch_id=ticket.launch_id, outlet=outlet, taken__lte=F("units") - quantity
    ).update(taken=F("taken") + quantity)
    if taken:
        QueueTicket.objects.filter(pk=ticket.pk).update(
            used_at=now, reservation=reservation, units=quantity
        )
    return bool(taken)


def expire_admissions(*, now: datetime.datetime | None = None) -> int:
    """Beat: admitted tickets not used in time pass their units to the next numbers."""
    now = now or timezone.now()
    expired = 0
    launch_ids = (
        QueueTicket.objects.filter(
            used_at=None, expired_at=None, admitted_at__isnull=False, expires_at__lte=now
        )
        .values_list("launch_id", flat=True)
        .distinct()
    )
    for launch_id in list(launch_ids):
        with transaction.atomic():
            due = list(
                QueueTicket.objects.select_for_update(skip_locked=True).filter(
                    launch_id=launch_id,
                    used_at=None,
                    expired_at=None,
                    admitted_at__isnull=False,
                    expires_at__lte=now,
                )
            )
            if not due:
                continue
            QueueTicket.objects.filter(pk__in=[t.pk for t in due]).update(expired_at=now)
            locked = _locked(launch_id)
            locked.units_held -= sum(t.held for t in due)
            _admit(locked, now=now)
            locked.save(update_fields=COUNTERS)
            expired += len(due)
    return expired


GONE = (Reservation.Status.CANCELLED, Reservation.Status.DECLINED, Reservation.Status.EXPIRED)


def return_units(*, reservation_id: int, now: datetime.datetime | None = None) -> int:
    """A launch reservation that ended without a sale gives its units back to the queue
    (once); the units returned."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = (
            QueueTicket.objects.select_for_update(of=("self",))
            .filter(reservation_id=reservation_id, returned_at=None, reservation__status__in=GONE)
            .select_related("reservation")
            .first()
        )
        if ticket is None:
            return 0
        ticket.returned_at = now
        ticket.save(update_fields=["returned_at"])
        LaunchAllocation.objects.filter(
            launch_id=ticket.launch_id, outlet_id=ticket.reservation.outlet_id
        ).update(taken=F("taken") - ticket.units)
        locked = _locked(ticket.launch_id)
        locked.units_reserved -= ticket.units
        _admit(locked, now=now)
        locked.save(update_fields=COUNTERS)
        return ticket.units


def allocation_problem(*, units: int, taken: int) -> str | None:
    """Why an outlet cannot put aside `units` when `taken` are reserved there, or None
    (the admin's form shows it beside the field; set_allocations refuses with it)."""
    if units < taken:
        return _("%(taken)d units are reserved here already: put aside at least that many.") % {
            "taken": taken
        }
    return None


@transaction.atomic
def set_allocations(*, launch: Launch, units: dict[int, int]) -> Launch:
    """Put `units[outlet_id]` aside at each outlet (0 removes it); never below what is
    already reserved there. Outlets must sell the launch's brand."""
    from o2o.outlets.models import OutletAuthorization

    authorised = set(
        OutletAuthorization.objects.filter(
            brand_id=launch.brand_id, is_active=True, outlet_id__in=units
        ).values_list("outlet_id", flat=True)
    )
    strangers = sorted(set(units) - authorised)
    if strangers:
        raise QueueError(_("These shops do not sell this brand."), outlets=strangers)
    current = {
        row.outlet_id: row
        for row in LaunchAllocation.objects.select_for_update().filter(launch=launch)
    }
    for outlet_id, count in units.items():
        row = current.get(outlet_id)
        problem = allocation_problem(units=count, taken=row.taken if row else 0)
        if problem:
            raise QueueError(problem, outlets=[outlet_id])
        if row is None and count:
            LaunchAllocation.objects.create(launch=launch, outlet_id=outlet_id, units=count)
        elif row is not None and count != row.units:
            if count or row.taken:
                LaunchAllocation.objects.filter(pk=row.pk).update(units=count)
            else:
                row.delete()
    return recount(launch_id=launch.pk)


def recount(*, launch_id: int, now: datetime.datetime | None = None) -> Launch:
    """Set the launch's units from its allocations and admit whom they now allow."""
    from django.db.models import Sum

    with transaction.atomic():
        locked = _locked(launch_id)
        total = LaunchAllocation.objects.filter(launch_id=launch_id).aggregate(n=Sum("units"))["n"]
        locked.units_total = max(total or 0, locked.units_held + locked.units_reserved)
        if locked.status == Launch.Status.OPEN:
            _admit(locked, now=now or timezone.now())
        locked.save(update_fields=COUNTERS)
        return locked


def sample_queues(*, now: datetime.datetime | None = None) -> int:
    """Record each open queue's waiting and admitted tickets and reserved units at this
    minute (once a minute: a second call in the same minute changes nothing)."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    open_launches = Launch.objects.filter(status=Launch.Status.OPEN, starts_at__lte=now).filter(
        Q(queue_closes_at__isnull=True) | Q(queue_closes_at__gt=now - datetime.timedelta(minutes=1))
    )
    samples = [
        QueueSample(
            launch=launch,
            at=now,
            waiting=launch.tickets_issued - launch.admitted_through,
            admitted=launch.admitted_through,
            reserved=launch.units_reserved,
        )
        for launch in open_launches
    ]
    QueueSample.objects.bulk_create(samples, ignore_conflicts=True)
    return len(samples)
