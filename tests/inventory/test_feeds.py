"""Scheduled pulls against a real local HTTP server started by the test."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from o2o.celery import app as celery_app
from o2o.core.models import User
from o2o.inventory.models import StockFeed, StockLevel, SyncRun
from o2o.inventory.sync.feeds import claim_due_feeds
from o2o.inventory.tasks import pull_due_feeds_task, pull_feed_task
from o2o.outlets.models import RetailerMembership
from tests.factories import OutletFactory, authorise


class FeedHandler(BaseHTTPRequestHandler):
    routes = {}
    seen_headers = []

    def do_GET(self):
        FeedHandler.seen_headers.append(dict(self.headers))
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        route(self)

    def log_message(self, *args):
        pass


def send(handler, body, status=200, headers=None, length=None):
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if length != "none":
        handler.send_header("Content-Length", str(length if length is not None else len(body)))
    else:
        handler.close_connection = True  # the body ends when the connection closes
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def server(settings):
    """A POS server on this machine: allowed as an on-premise server would be."""
    settings.O2O_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    FeedHandler.routes, FeedHandler.seen_headers = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def fast_feeds(settings):
    """Short timeouts; eager retries run at once (Celery re-applies the task in place)."""
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    settings.O2O_FEED_READ_TIMEOUT = 0.5
    settings.O2O_FEED_CONNECT_TIMEOUT = 0.5
    settings.O2O_FEED_RETRIES = 2
    settings.O2O_FEED_MAX_BYTES = 10_000
    settings.O2O_FEED_MAX_FAILURES = 3
    yield settings
    celery_app.conf.task_eager_propagates = propagates


def make_feed(world, url, **fields):
    return StockFeed.objects.create(
        retailer=world.outlet.retailer, outlet=world.outlet, url=url, **fields
    )


def level(world):
    return StockLevel.objects.get(pk=world.level.pk).on_hand


def test_good_csv_is_pulled_applied_then_short_circuited(world, server, fast_feeds):
    base = server
    body = f"sku,on_hand\n{world.variant.sku},12\n".encode()

    def good(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.end_headers()
            return
        send(
            handler,
            body,
            headers={"ETag": '"v1"', "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"},
        )

    FeedHandler.routes["/stock.csv"] = good
    feed = make_feed(world, f"{base}/stock.csv", auth_header="Bearer s3cret")
    assert pull_due_feeds_task.delay().get() == 1
    assert level(world) == 12
    feed.refresh_from_db()
    assert feed.etag == '"v1"'
    assert feed.consecutive_failures == 0
    assert "applied" in feed.last_status
    assert FeedHandler.seen_headers[0]["Authorization"] == "Bearer s3cret"
    run = SyncRun.objects.get(feed=feed)
    assert run.source == "feed"
    assert run.as_of.day == 25
    assert pull_feed_task.delay(feed.pk).get() == "not modified"
    assert SyncRun.objects.filter(feed=feed).count() == 1


def test_same_content_without_validators_is_skipped(world, server, fast_feeds):
    base = server
    body = f"sku,on_hand\n{world.variant.sku},3\n".encode()
    FeedHandler.routes["/plain.csv"] = lambda h: send(h, body)
    feed = make_feed(world, f"{base}/plain.csv")
    assert pull_feed_task.delay(feed.pk).get() == "applied"
    assert pull_feed_task.delay(feed.pk).get() == "unchanged"
    assert SyncRun.objects.filter(feed=feed).count() == 1


def test_json_feed_with_its_own_as_of(world, server, fast_feeds):
    base = server
    body = (
        b'{"as_of": "2026-11-20T08:00:00+05:30", "items": [{"sku": "%s", "on_hand": 4}]}'
        % world.variant.sku.encode()
    )
    FeedHandler.routes["/stock.json"] = lambda h: send(h, body)
    feed = make_feed(world, f"{base}/stock.json", file_format="json")
    pull_feed_task.delay(feed.pk).get()
    assert level(world) == 4
    assert SyncRun.objects.get(feed=feed).as_of.isoformat() == "2026-11-20T02:30:00+00:00"


@pytest.mark.parametrize(
    ("path", "route", "message"),
    [
        ("/missing.csv", None, "HTTP 404"),
        ("/wrong.csv", lambda h: send(h, b"colour,size\nred,1\n"), "no sku or on_hand column"),
        ("/huge.csv", lambda h: send(h, b"sku,on_hand\n" + b"X,1\n" * 5000), "larger than"),
        (
            "/unsized.csv",
            lambda h: send(h, b"sku,on_hand\n" + b"X,1\n" * 5000, length="none"),
            "larger than",
        ),
    ],
)
def test_permanent_failures_are_recorded_without_touching_stock(
    world, server, fast_feeds, path, route, message
):
    base = server
    if route:
        FeedHandler.routes[path] = route
    feed = make_feed(world, f"{base}{path}")
    result = pull_feed_task.delay(feed.pk).get()
    assert result.startswith("failed")
    feed.refresh_from_db()
    assert message in feed.last_status
    assert feed.consecutive_failures == 1
    assert level(world) == 5
    assert len(FeedHandler.seen_headers) == 1  # not retried: it would fail the same way


def slow(handler):
    time.sleep(1.5)
    send(handler, b"sku,on_hand\n")


def truncated(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "5000")
    handler.end_headers()
    handler.wfile.write(b"sku,on_hand\nAUR-12-128-BLK,1\n")
    handler.wfile.flush()
    handler.close_connection = True


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (slow, "did not answer in time"),
        (truncated, "cut short"),
        (lambda h: send(h, b"oops", status=503), "HTTP 503"),
    ],
)
def test_transient_failures_are_retried_with_backoff_then_pause_the_feed(
    world, server, fast_feeds, mailoutbox, route, message, django_capture_on_commit_callbacks
):
    base = server
    FeedHandler.routes["/flaky.csv"] = route
    owner = User.objects.create(username="o", email="o@shop.example")
    RetailerMembership.objects.create(user=owner, retailer=world.outlet.retailer, role="owner")
    feed = make_feed(world, f"{base}/flaky.csv")
    with django_capture_on_commit_callbacks(execute=True):  # the owners are told after commit
        result = pull_feed_task.delay(feed.pk).get()
    assert result.startswith("failed")
    assert len(FeedHandler.seen_headers) == 3  # first try + 2 retries
    feed.refresh_from_db()
    assert message in feed.last_status
    assert feed.consecutive_failures == 3
    assert not feed.is_active
    assert "paused after 3 failed pulls" in feed.paused_reason
    assert [m.to for m in mailoutbox] == [["o@shop.example"]]
    assert "paused" in mailoutbox[0].subject
    assert level(world) == 5


def test_a_due_feed_is_claimed_once(world, fast_feeds):
    feed = make_feed(world, "http://127.0.0.1:9/never")
    assert claim_due_feeds() == [feed.pk]
    assert claim_due_feeds() == []  # next pull moved forward


def test_a_multi_outlet_feed(world, server, fast_feeds):
    base = server
    second = OutletFactory(code="pune-2", retailer=world.outlet.retailer)
    authorise(second, world.brand)
    body = f"outlet,sku,on_hand\npune-1,{world.variant.sku},1\npune-2,{world.variant.sku},2\n"
    FeedHandler.routes["/all.csv"] = lambda h: send(h, body.encode())
    feed = StockFeed.objects.create(retailer=world.outlet.retailer, url=f"{base}/all.csv")
    pull_feed_task.delay(feed.pk).get()
    assert level(world) == 1
    assert StockLevel.objects.get(outlet=second).on_hand == 2
