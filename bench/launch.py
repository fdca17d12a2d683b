"""T10, launch day: shoppers arriving within one minute over HTTP for the units 500 outlets
put aside (default 10,000 shoppers, 3,000 units: 6 per outlet), through the launch queue's
API on gunicorn, while wrk reads the catalogue page.

Each shopper is a little state machine run by a pool of client threads: join at its arrival
time (spread evenly at random over the minute), then poll as the server's Retry-After says
until admitted or sold out, then reserve at a random shop (another shop with units left if
that one's are gone). Checked afterwards, from the database: exactly the units put aside are
reserved, no stock row oversold, no allocation exceeded, one reservation per shopper at
most, and no shopper served (reservation created) before someone who arrived more than one
second earlier (arrival = when the shopper's join request was sent). Measured: p95 of
joining, and the catalogue page's throughput during the launch against the same wrk run
before and after it, their mean (all on this 2-core machine, where the client threads
compete too).

  make bench-launch
"""

import argparse
import heapq
import json
import os
import random
import socket
import sys
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from queue import SimpleQueue

from bench.ingest import configure
from bench.results import command_line, record
from bench.server import gunicorn
from bench.wrk import busy_by_kind, cpu_by_process, cpu_times, load_average, run, script

WORKERS = 4
CLIENT_THREADS = 96
RATES = {
    "O2O_SHOPPER_RATE": "100000000/min",
    "O2O_RESERVATIONS_PER_IP": "100000000",
    "O2O_LAUNCH_JOINS_PER_IP": "100000000",
}


@dataclass
class Shopper:
    index: int
    arrival: float  # seconds after the start, as scheduled
    sent: float = 0.0  # when the join request went out (wall clock: the server's too)
    join_ms: float = 0.0
    ticket: str = ""
    state: str = "new"
    polls: int = 0
    tries: int = 0
    outlets: list = field(default_factory=list)


class Client:
    """The shoppers' HTTP client: a heap of (due, shopper, action); one dispatcher thread
    hands each action to the worker threads when it is due (a worker sleeps until it gets
    one, so idle threads cost nothing), and a request is one short socket exchange
    (gunicorn's sync workers close every connection), so the client takes as little of the
    machine it shares with the server as it can."""

    def __init__(self, base, queue_base, launch_path, skus, outlets, seed):
        self.address, self.queue_address = _address(base), _address(queue_base)
        self.path = launch_path
        self.skus, self.outlets = skus, outlets
        self.rng = random.Random(seed)
        self.heap, self.lock = [], threading.Condition()
        self.ready = SimpleQueue()
        self.pending = 0  # scheduled or running
        self.errors = []
        self.counter = 0
        self.sent = []  # (monotonic time, what): every request, to count them in a window

    def schedule(self, due, shopper, action):
        with self.lock:
            self.counter += 1
            heapq.heappush(self.heap, (due, self.counter, shopper, action))
            self.pending += 1
            self.lock.notify()

    def request(self, method, path, body=None, ticket=""):
        self.sent.append((time.monotonic(), KINDS.get((method, path.removeprefix(self.path)))))
        payload = json.dumps(body).encode() if body else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            + (f"X-Queue-Ticket: {ticket}\r\n" if ticket else "")
            + "\r\n"
        )
        address = self.queue_address if path.endswith("/queue/") else self.address
        with socket.create_connection(address, timeout=60) as connection:
            connection.sendall(head.encode() + payload)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        headers, _blank, content = b"".join(chunks).partition(b"\r\n\r\n")
        if b"transfer-encoding: chunked" in headers.lower():
            raise RuntimeError(f"{path} answered in chunks")
        return int(headers.split(b" ", 2)[1]), json.loads(content or b"{}")

    def dispatch(self, workers):
        """Hand each action to a worker when it is due; then tell the workers to stop."""
        while True:
            with self.lock:
                while self.pending and not (self.heap and self.heap[0][0] <= time.monotonic()):
                    self.lock.wait(self.heap[0][0] - time.monotonic() if self.heap else None)
                if not self.pending:
                    break
                item = heapq.heappop(self.heap)
            self.ready.put(item)
        for _worker in range(workers):
            self.ready.put(None)

    def work(self):
        while (item := self.ready.get()) is not None:
            _due, _n, shopper, action = item
            try:
                action(shopper)
            except Exception as exc:  # counted and printed: the run is not clean
                self.errors.append(f"shopper {shopper.index}: {exc!r}")
                if len(self.errors) <= 3:
                    print(self.errors[-1], file=sys.stderr, flush=True)
            with self.lock:
                self.pending -= 1
                if not self.pending:
                    self.lock.notify()

    # the shopper's steps ---------------------------------------------------------------

    def join(self, shopper):
        shopper.sent = time.time()
        began = time.perf_counter()
        status, body = self.request(
            "POST", f"{self.path}queue/", {"email": f"shopper{shopper.index}@example.com"}
        )
        shopper.join_ms = (time.perf_counter() - began) * 1000
        if status not in (200, 201):
            raise RuntimeError(f"join answered {status}: {body}")
        shopper.ticket = body["ticket"]
        self.follow(shopper, body)

    def follow(self, shopper, body):
        shopper.state = body["state"]
        if shopper.state == "admitted":
            self.schedule(time.monotonic(), shopper, self.reserve)
        elif shopper.state == "waiting":
            self.schedule(time.monotonic() + body["retry_after"], shopper, self.poll)

    def poll(self, shopper):
        shopper.polls += 1
        status, body = self.request("GET", f"{self.path}queue/", ticket=shopper.ticket)
        if status != 200:
            raise RuntimeError(f"poll answered {status}: {body}")
        self.follow(shopper, body)

    def reserve(self, shopper):
        if not shopper.outlets:
            shopper.outlets = self.rng.sample(self.outlets, len(self.outlets))
        while shopper.outlets:
            shopper.tries += 1
            status, body = self.request(
                "POST",
                f"{self.path}reserve/",
                {
                    "sku": self.rng.choice(self.skus),
                    "outlet": shopper.outlets.pop(),
                    "quantity": 1,
                    "shopper_name": f"Shopper {shopper.index}",
                    "shopper_phone": "+91 9000000000",
                },
                ticket=shopper.ticket,
            )
            if status == 201:
                shopper.state = "reserved"
                return
            if body.get("fields") != {"outlet": ["no_units"]}:
                raise RuntimeError(f"reserve answered {status}: {body}")
            if shopper.tries == 1 or not shopper.outlets:  # which shops still have units?
                _status, launch = self.request("GET", self.path)
                left = [shop["outlet"] for shop in launch["shops"]]
                shopper.outlets = self.rng.sample(left, len(left))
        shopper.state = "no shop"


def _address(base):
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


KINDS = {
    ("POST", "queue/"): "joins",
    ("GET", "queue/"): "polls",
    ("POST", "reserve/"): "reservations",
    ("GET", ""): "shop lists",
}


def sent_per_second(client, window):
    """The launch's requests of each kind per second that went out within `window`."""
    start, end = window
    counts = dict.fromkeys(KINDS.values(), 0)
    for when, kind in client.sent:
        if start <= when < end and kind in counts:
            counts[kind] += 1
    return ", ".join(f"{kind} {count / (end - start):.0f}/s" for kind, count in counts.items())


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def served_out_of_order(arrivals, served):
    """Shoppers served before someone who arrived more than a second earlier: pairs are
    counted by the later shopper (served: shopper -> the time their reservation was made;
    an arrival not served counts against everyone served who came a second later)."""
    order = sorted(arrivals, key=arrivals.get)
    late = 0
    worst_before = None  # the latest service time (or never) among those a second earlier
    pointer = 0
    for shopper in order:
        while arrivals[order[pointer]] < arrivals[shopper] - 1.0:
            earlier = served.get(order[pointer], float("inf"))
            worst_before = earlier if worst_before is None else max(worst_before, earlier)
            pointer += 1
        if shopper in served and worst_before is not None and worst_before > served[shopper]:
            late += 1
    return late


def build(outlets, units, admit_per_second):
    from django.utils import timezone

    from bench import scale
    from o2o.catalogue import services as catalogue
    from o2o.inventory.models import StockLevel
    from o2o.launches import queue
    from o2o.launches.models import Launch

    scale.reset()
    _retailers, outlet_rows, variants = scale.build(outlets=outlets, variants=8, retailers=50)
    StockLevel.objects.bulk_create(
        StockLevel(outlet=outlet, variant=variant, on_hand=units)
        for outlet in outlet_rows
        for variant in variants
    )
    product = variants[0].product
    now = timezone.now()
    launch = Launch.objects.create(
        brand_id=product.brand_id,
        product=product,
        starts_at=now,
        queue_closes_at=now + timezone.timedelta(hours=2),
        status=Launch.Status.OPEN,
        per_shopper_limit=1,
        admission_minutes=2,
        admit_per_second=admit_per_second,
    )
    catalogue.set_queue(product_id=product.pk, until=launch.queue_closes_at)
    queue.set_allocations(launch=launch, units={outlet.pk: units for outlet in outlet_rows})
    skus = [variant.sku for variant in variants]
    return launch, product, skus, [outlet.code for outlet in outlet_rows]


def _measured(url, lua, seconds):
    """wrk reading the catalogue page for `seconds`, and the CPU each kind of process used."""
    before = cpu_by_process()
    result = run(url, lua, connections=4, duration=f"{seconds}s")
    return result, busy_by_kind(before, cpu_by_process())


def _busy(by_kind, seconds):
    return ", ".join(
        f"{kind} {used / seconds:.2f}"
        for kind, used in sorted(by_kind.items(), key=lambda item: -item[1])
        if used / seconds >= 0.01
    )


def _row_names(args):
    """Names for the table of latest figures: T10's own rows only for T10's storm (10,000
    shoppers in 60 s for 3,000 units at 500 outlets, one pool); any other run gets rows
    of its own, so a smaller storm never stands in for T10's."""
    shape = (args.shoppers, args.window, args.outlets, args.units, args.queue_workers)
    if shape == (10_000, 60.0, 500, 6, 0):
        return lambda what: f"T10 launch: {what}"
    pools = f", queue pool {args.queue_workers}" if args.queue_workers else ""
    storm = (
        f"{args.shoppers:,} shoppers in {args.window:g} s for {args.outlets * args.units:,} "
        f"units{pools}"
    )
    return lambda what: f"T10 launch ({storm}): {what}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shoppers", type=int, default=10_000)
    parser.add_argument("--outlets", type=int, default=500)
    parser.add_argument("--units", type=int, default=6, help="units put aside per outlet")
    parser.add_argument("--window", type=float, default=60.0, help="seconds of arrivals")
    parser.add_argument(
        "--admit-per-second", type=int, default=50, help="the launch's outflow rate"
    )
    parser.add_argument(
        "--queue-workers",
        type=int,
        default=0,
        help="serve the queue's join and poll from a gunicorn of their own with this many "
        "workers (Procfile.prod's queue: O2O_POOL=queue), as a load balancer routing the "
        "queue's path would; 0: one pool for all",
    )
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # hashed names, as in production
    launch, product, skus, outlet_codes = build(args.outlets, args.units, args.admit_per_second)
    brand = product.brand.slug
    total_units = args.outlets * args.units
    catalogue_path = f"/{brand}/"
    wrk_seconds = max(5, int(args.window / 3))
    load_start = load_average()
    site = gunicorn(workers=WORKERS, DJANGO_SETTINGS_MODULE="bench.site.settings", **RATES)
    queue_pool = (
        gunicorn(
            workers=args.queue_workers,
            DJANGO_SETTINGS_MODULE="bench.site.settings",
            O2O_POOL="queue",
            **RATES,
        )
        if args.queue_workers
        else nullcontext()
    )
    with site as base, queue_pool as queue_base:
        queue_base = queue_base or base
        plain = script()
        run(base + catalogue_path, plain, connections=4, duration="3s")  # warm
        quiet, quiet_busy = _measured(base + catalogue_path, plain, wrk_seconds)
        rng = random.Random(17)
        shoppers = [Shopper(i, rng.uniform(0, args.window)) for i in range(args.shoppers)]
        client = Client(
            base, queue_base, f"/api/v1/launches/{brand}/{product.slug}/", skus, outlet_codes, 5
        )
        start = time.monotonic() + 1.0
        cpu_start = cpu_times()
        for shopper in shoppers:
            client.schedule(start + shopper.arrival, shopper, client.join)
        threads = [threading.Thread(target=client.work) for _ in range(CLIENT_THREADS)]
        threads.append(threading.Thread(target=client.dispatch, args=(CLIENT_THREADS,)))
        for thread in threads:
            thread.start()
        tending = threading.Event()

        def tend():  # beat's work (every minute in production), every 5 s here
            from django.db import connection

            from o2o.launches import queue

            while not tending.wait(5):
                queue.expire_admissions()
            connection.close()

        tender = threading.Thread(target=tend)
        tender.start()
        during = {}

        def read_catalogue():
            time.sleep(1.0 + args.window / 3)  # the middle of the minute of arrivals
            began, opened, by_process = cpu_times(), time.monotonic(), cpu_by_process()
            during["run"] = run(
                base + catalogue_path, plain, connections=4, duration=f"{wrk_seconds}s"
            )
            during["cpu"] = [end - b for b, end in zip(began, cpu_times(), strict=True)]
            during["by_process"] = busy_by_kind(by_process, cpu_by_process())
            during["window"] = (opened, time.monotonic())

        reader = threading.Thread(target=read_catalogue)
        reader.start()
        for thread in threads:
            thread.join()
        finished = time.monotonic() - start
        cpu = [end - begin for begin, end in zip(cpu_start, cpu_times(), strict=True)]
        tending.set()
        tender.join()
        reader.join()
        # again once the launch is over: the machine drifts by 10-15 % between runs of a
        # few seconds, so the launch is compared with the mean of before and after
        quiet_after, after_busy = _measured(base + catalogue_path, plain, wrk_seconds)
    load_end = load_average()
    report(
        args,
        launch,
        shoppers,
        client,
        (quiet, quiet_after, quiet_busy, after_busy),
        during["run"],
        finished,
        total_units,
        (load_start, load_end),
        (cpu, during["cpu"], wrk_seconds, during["by_process"]),
        sent_per_second(client, during["window"]),
    )


def report(
    args, launch, shoppers, client, quiet, during, finished, total_units, loads, cpu, in_window
):
    """`quiet`: the catalogue's wrk runs before and after the launch, and the CPU by kind of
    process during each."""
    from django.db.models import F, Sum

    from o2o.inventory.models import StockLevel
    from o2o.launches.models import LaunchAllocation, QueueTicket
    from o2o.reservations.models import Reservation, ReservationLine

    reservations = Reservation.objects.filter(brand_id=launch.brand_id)
    reserved_units = (
        ReservationLine.objects.filter(reservation__in=reservations).aggregate(n=Sum("quantity"))[
            "n"
        ]
        or 0
    )
    oversold = StockLevel.objects.filter(reserved__gt=F("on_hand")).count()
    over_allocated = LaunchAllocation.objects.filter(taken__gt=F("units")).count()
    emails = list(reservations.values_list("shopper_email", flat=True))
    twice = len(emails) - len(set(emails))
    # one clock: the client's wall clock when the join went out, the server's when the
    # queue served the shopper (admitted the ticket: a unit is held for them) and when
    # their reservation was made (the same machine)
    arrivals = {s.index: s.sent for s in shoppers if s.sent}

    def index(email):
        return int(email.removeprefix("shopper").split("@")[0])

    used = QueueTicket.objects.filter(launch=launch, used_at__isnull=False)
    admitted = {index(e): t.timestamp() for e, t in used.values_list("email", "admitted_at")}
    served = {
        index(email): when.timestamp()
        for email, when in reservations.values_list("shopper_email", "created_at")
    }
    late = served_out_of_order(arrivals, admitted)
    late_reserved = served_out_of_order(arrivals, served)
    tickets = QueueTicket.objects.filter(launch=launch).count()
    joins = [s.join_ms for s in shoppers if s.join_ms]
    p95 = percentile(joins, 0.95)
    states = {}
    for shopper in shoppers:
        states[shopper.state] = states.get(shopper.state, 0) + 1
    before, after, before_busy, after_busy = quiet
    without = (before.rps + after.rps) / 2
    ratio = during.rps / without if without else 0.0
    drift = abs(after.rps - before.rps) / without if without else 0.0
    whole, middle, seconds, by_process = cpu
    busy = _busy(by_process, seconds)
    exact = reserved_units == total_units and not oversold and not over_allocated and not twice
    lines = [
        f"{args.shoppers:,} shoppers arriving over {args.window:g} s for {total_units:,} units "
        f"({args.units} at each of {args.outlets} outlets), one per shopper, turns started at "
        f"most {args.admit_per_second}/s; every shopper done "
        f"{finished:.1f} s after the first arrival; client errors {len(client.errors)}"
        + (f" (first: {client.errors[0]})" if client.errors else ""),
        f"CPU while shoppers were served: the machine {whole[0]:.0f} s of "
        f"{finished * (os.cpu_count() or 1):.0f} ({whole[0] / finished:.2f} cores busy), the "
        f"Python client ({CLIENT_THREADS} threads) {whole[1]:.0f} s of it; while wrk read the "
        f"catalogue, {middle[0] / seconds:.2f} cores busy (by process: {busy})"
        f", and the shoppers sent {in_window}",
        f"outcomes: {', '.join(f'{k} {v:,}' for k, v in sorted(states.items()))}; polls "
        f"{sum(s.polls for s in shoppers):,}; reserve attempts {sum(s.tries for s in shoppers):,}",
        f"{tickets:,} tickets; reserved {reserved_units:,} of {total_units:,} units in "
        f"{len(served):,} reservations; "
        f"oversold stock rows {oversold}; allocations exceeded {over_allocated}; shoppers "
        f"served twice {twice}: **{'exact' if exact else 'NOT EXACT'}**",
        f"shoppers served (admitted, a unit held for them) before someone who arrived more "
        f"than 1 s earlier: {late}; whose reservation was made before such a shopper's: "
        f"{late_reserved} (a shopper whose chosen shop's units went first tries another, "
        f"with the unit held meanwhile)",
        f"joining the queue: p50 {percentile(joins, 0.5):.0f} ms, p95 {p95:.0f} ms, "
        f"max {max(joins):.0f} ms (goal p95 < 200 ms)",
        f"catalogue page (wrk -c4, {seconds:.0f} s each): {before.describe()} before the launch, "
        f"{after.describe()} after it (they differ by {drift:.0%}; cores busy by process: "
        f"{_busy(before_busy, seconds)} before, {_busy(after_busy, seconds)} after); "
        f"{during.describe()} during it: {ratio:.1%} of the mean without it (goal >= 50 %)",
    ]
    pools = f"gunicorn {WORKERS} sync workers"
    if args.queue_workers:
        pools += f" for the site, {args.queue_workers} for the queue (O2O_POOL=queue)"
    text = (
        f"{pools}, {CLIENT_THREADS} client threads (Python, on the same "
        f"2 cores); shipped settings except the shoppers' throttles (raised: "
        f"{', '.join(f'{k}={v}' for k, v in RATES.items())}); load average {loads[0]} at the "
        f"start, {loads[1]} at the end\n\n" + "\n".join(f"- {line}" for line in lines)
    )
    print(text)
    if not args.no_record:
        rows = _row_names(args)
        latest = {
            rows("units reserved exactly, 0 oversold"): (
                f"{reserved_units:,} of {total_units:,}, oversold {oversold}",
                "holds" if exact else "misses",
            ),
            rows("served out of arrival order (> 1 s)"): (
                str(late),
                "holds" if late == 0 else "misses",
            ),
            rows("join p95"): (
                f"{p95:.0f} ms (< 200 ms)",
                "holds" if p95 < 200 else "misses",
            ),
            rows("catalogue throughput during / without"): (
                f"{ratio:.1%} (>= 50 %)",
                "holds" if ratio >= 0.5 else "misses",
            ),
        }
        record("T10 launch day", command_line("bench-launch"), text, latest=latest)


if __name__ == "__main__":
    main()
