"""The feed fetcher never reaches internal hosts: every address a name resolves to is
checked, the checked address is the one connected to, every redirect is checked too, and
nothing of a response is echoed into the feed's status. Real local servers throughout."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from o2o.inventory.models import StockFeed, StockLevel
from o2o.inventory.tasks import pull_feed_task

SECRET = "sku,on_hand\nINTERNAL-SECRET-TOKEN-42,1\n"


def serve(address, handler_body):
    class Handler(BaseHTTPRequestHandler):
        hits = []

        def do_GET(self):
            Handler.hits.append(self.path)
            handler_body(self)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer((address, 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, Handler


def secret(handler):
    body = SECRET.encode()
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def internal():
    httpd, handler = serve("127.0.0.1", secret)
    yield httpd.server_address[1], handler
    httpd.shutdown()
    httpd.server_close()


def pull(world, url):
    feed = StockFeed.objects.create(retailer=world.outlet.retailer, outlet=world.outlet, url=url)
    result = pull_feed_task.delay(feed.pk).get()
    feed.refresh_from_db()
    return feed, result


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "2130706433",  # 127.0.0.1 as one number
        "0x7f.0.0.1",
        "[::ffff:127.0.0.1]",
        "127.1",
    ],
)
def test_a_feed_on_an_internal_host_is_refused_and_nothing_is_echoed(world, internal, host):
    port, handler = internal
    feed, result = pull(world, f"http://{host}:{port}/secret.csv")
    assert handler.hits == []  # never connected
    assert "not public" in feed.last_status
    assert "INTERNAL-SECRET" not in feed.last_status
    assert "INTERNAL-SECRET" not in result
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 5


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "http://10.0.0.1/x.csv",
        "http://192.168.1.1/x.csv",
        "http://[::1]/x.csv",
        "http://0.0.0.0/x.csv",
        "http://224.0.0.1/x.csv",
        "http://100.64.0.1/x.csv",
    ],
)
def test_private_link_local_and_multicast_addresses_are_refused(world, url):
    feed, _result = pull(world, url)
    assert "not public" in feed.last_status


def test_the_allowlist_admits_an_on_premise_server(world, internal, settings):
    settings.O2O_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    port, handler = internal
    feed, _result = pull(world, f"http://127.0.0.1:{port}/secret.csv")
    assert handler.hits == ["/secret.csv"]
    assert "applied" in feed.last_status  # a CSV with an unknown SKU: applied, 1 rejected


def test_a_redirect_to_an_internal_host_is_refused(world, settings):
    """An allowed server redirects to another address that is not allowed (127.0.0.2)."""
    settings.O2O_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    inner, inner_handler = serve("127.0.0.2", secret)
    target = f"http://127.0.0.2:{inner.server_address[1]}/secret.csv"

    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    outer, _outer_handler = serve("127.0.0.1", redirect)
    try:
        feed, _result = pull(world, f"http://127.0.0.1:{outer.server_address[1]}/go")
        assert inner_handler.hits == []
        assert "not public" in feed.last_status
    finally:
        for httpd in (inner, outer):
            httpd.shutdown()
            httpd.server_close()


def test_a_missing_column_message_does_not_echo_the_file(world, settings):
    settings.O2O_FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]

    def leaky(handler):
        body = b"db_password=hunter2,other\n1,2\n"
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    httpd, _handler = serve("127.0.0.1", leaky)
    try:
        feed, _result = pull(world, f"http://127.0.0.1:{httpd.server_address[1]}/x.csv")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert "hunter2" not in feed.last_status
    run = feed.sync_runs.get()
    assert run.status == "failed"
    assert "hunter2" not in run.message
