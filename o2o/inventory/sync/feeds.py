"""Scheduled pulls of stock files from a retailer's URL (CSV or JSON).

A pull sends the stored ETag / Last-Modified, streams the body to a temporary file under a
size limit, skips an unchanged body (same SHA-256), and applies the file through the same
engine as pushes and uploads. Failures are counted; a feed failing O2O_FEED_MAX_FAILURES
times in a row is paused and its retailer e-mailed.
"""

import datetime
import hashlib
import json
import tempfile
from datetime import timedelta

import requests
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.http import parse_http_date_safe

from ..models import StockFeed, SyncRun
from ..services import apply_sync_run, queue_file
from ..signals import feed_paused
from .fetch import forbidden, guarded_session


class FeedError(Exception):
    """A pull that failed; `transient` ones are worth retrying soon."""

    def __init__(self, message, *, transient):
        super().__init__(message)
        self.transient = transient


def claim_due_feeds(*, now=None):
    """Ids of active feeds that are due, each claimed once (next pull moved forward)."""
    now = now or timezone.now()
    due = list(
        StockFeed.objects.filter(is_active=True, next_pull_at__lte=now)
        .order_by("next_pull_at")
        .values_list("pk", "interval_minutes", "next_pull_at")[: settings.O2O_FEED_BATCH]
    )
    claimed = []
    for pk, interval, scheduled in due:
        moved = StockFeed.objects.filter(pk=pk, next_pull_at=scheduled).update(
            next_pull_at=now + timedelta(minutes=interval)
        )
        if moved:  # another beat tick did not take it first
            claimed.append(pk)
    return claimed


def _request_headers(feed):
    headers = {"Accept": "text/csv, application/json;q=0.9, */*;q=0.1"}
    if feed.auth_header:
        headers["Authorization"] = feed.auth_header
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


def _download(feed, target):
    """Stream the feed into `target`; returns (response, sha256) or None if not modified."""
    limit = settings.O2O_FEED_MAX_BYTES
    timeout = (settings.O2O_FEED_CONNECT_TIMEOUT, settings.O2O_FEED_READ_TIMEOUT)
    try:
        with (
            guarded_session() as session,
            session.get(
                feed.url,
                headers=_request_headers(feed),
                timeout=timeout,
                stream=True,
                allow_redirects=True,
            ) as response,
        ):
            if response.status_code == 304:
                return None
            if response.status_code >= 500 or response.status_code == 429:
                raise FeedError(f"HTTP {response.status_code} from the feed", transient=True)
            if response.status_code >= 400:
                raise FeedError(f"HTTP {response.status_code} from the feed", transient=False)
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > limit:
                raise FeedError(f"the file is larger than {limit} bytes", transient=False)
            digest, size = hashlib.sha256(), 0
            for chunk in response.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FeedError(f"the file is larger than {limit} bytes", transient=False)
                digest.update(chunk)
                target.write(chunk)
            return response, digest.hexdigest()
    except requests.Timeout as exc:
        raise FeedError("the feed did not answer in time", transient=True) from exc
    except requests.TooManyRedirects as exc:
        raise FeedError("the feed redirects too often", transient=False) from exc
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        if forbidden(exc):
            raise FeedError(
                "the feed's address is not public (loopback, private or link-local): "
                "ask the o2o team to allow an on-premise server",
                transient=False,
            ) from exc
        raise FeedError(
            f"the connection failed or the file was cut short ({exc.__class__.__name__})",
            transient=True,
        ) from exc
    except requests.RequestException as exc:
        raise FeedError(f"the request failed ({exc.__class__.__name__})", transient=False) from exc


def _as_of(feed, response, path):
    """When the count was taken: the JSON's as_of, else Last-Modified, else now."""
    if feed.file_format == StockFeed.Format.JSON:
        try:
            with open(path, "rb") as handle:
                document = json.load(handle)
            if isinstance(document, dict) and isinstance(document.get("as_of"), str):
                return document["as_of"]
        except (ValueError, UnicodeDecodeError):
            pass  # the engine reports the broken file
    modified = parse_http_date_safe(response.headers.get("Last-Modified", ""))
    if modified:
        return datetime.datetime.fromtimestamp(modified, tz=datetime.UTC)
    return timezone.now()


def pull_feed(*, feed_id):
    """Pull one feed and apply it. Returns a short result; raises FeedError on failure."""
    feed = StockFeed.objects.select_related("retailer", "outlet").get(pk=feed_id)
    with tempfile.NamedTemporaryFile(suffix=f".{feed.file_format}") as target:
        downloaded = _download(feed, target)
        now = timezone.now()
        if downloaded is None:
            _record_success(feed, now, "not modified (304)")
            return "not modified"
        response, content_hash = downloaded
        validators = {
            "etag": response.headers.get("ETag", "")[:255],
            "last_modified": response.headers.get("Last-Modified", "")[:64],
        }
        if content_hash == feed.content_hash:
            _record_success(feed, now, "unchanged (same content)", **validators)
            return "unchanged"
        target.flush()
        target.seek(0)
        run = queue_file(
            uploaded=File(target, name=f"feed-{feed.pk}.{feed.file_format}"),
            as_of=_as_of(feed, response, target.name),
            retailer=feed.retailer,
            outlet=feed.outlet,
            source=SyncRun.Source.FEED,
            feed=feed,
            file_format=feed.file_format,
            column_mapping=feed.column_mapping,
        )
    run = apply_sync_run(sync_run_id=run.pk)
    if run.status == SyncRun.Status.FAILED:  # the engine's words, never the file's
        raise FeedError(f"sync #{run.pk} failed: {run.message}", transient=False)
    _record_success(
        feed,
        now,
        f"sync #{run.pk} {run.status}: {run.rows_applied} rows applied, "
        f"{run.rows_rejected} rejected",
        content_hash=content_hash,
        **validators,
    )
    return run.status


def _record_success(feed, now, status, **fields):
    StockFeed.objects.filter(pk=feed.pk).update(
        last_pulled_at=now, last_status=status[:255], consecutive_failures=0, **fields
    )


def record_failure(*, feed_id, message):
    """Count a failed pull; pause the feed and tell its retailer after too many in a row."""
    StockFeed.objects.filter(pk=feed_id).update(
        consecutive_failures=F("consecutive_failures") + 1,
        last_status=message[:255],
        last_pulled_at=timezone.now(),
    )
    feed = StockFeed.objects.select_related("retailer").get(pk=feed_id)
    if feed.is_active and feed.consecutive_failures >= settings.O2O_FEED_MAX_FAILURES:
        reason = f"paused after {feed.consecutive_failures} failed pulls: {message}"[:255]
        paused = StockFeed.objects.filter(pk=feed_id, is_active=True).update(
            is_active=False, paused_reason=reason
        )
        if paused:  # notifications tell the retailer's owners, from Celery
            transaction.on_commit(
                lambda: feed_paused.send(sender=StockFeed, feed_id=feed_id, reason=reason)
            )
    return feed


def resume_feed(*, feed_id):
    StockFeed.objects.filter(pk=feed_id).update(
        is_active=True, paused_reason="", consecutive_failures=0, next_pull_at=timezone.now()
    )
