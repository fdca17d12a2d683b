"""Regenerating a brand's feeds: each written to a temporary file as it streams, then stored
in one step, so a reader always gets a whole file (the previous one until the new is in)."""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from o2o.brands.models import Brand

from . import google, selectors
from .models import LocalFeed

logger = logging.getLogger(__name__)

WRITERS: dict[str, tuple[tuple[str, ...], Callable[..., Iterator[tuple[str, ...]]]]] = {
    LocalFeed.Kind.INVENTORY: (google.INVENTORY_FIELDS, selectors.inventory_rows),
    LocalFeed.Kind.STORES: (google.STORE_FIELDS, selectors.store_rows),
}


def generate_feeds(*, brand: Brand) -> list[LocalFeed]:
    """The brand's local product inventory feed and store feed, written again now."""
    return [_generate(brand=brand, kind=kind) for kind in WRITERS]


def _generate(*, brand: Brand, kind: str) -> LocalFeed:
    fields, rows = WRITERS[kind]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+b") as raw:
        count = _write(raw, fields, rows(brand=brand))
        size = raw.tell()
        raw.seek(0)
        stamp = timezone.now()
        with transaction.atomic():
            feed, _created = LocalFeed.objects.select_for_update().get_or_create(
                brand=brand, kind=kind, defaults={"generated_at": stamp}
            )
            old = feed.file.name
            feed.file.save(f"{kind}-{stamp:%Y%m%dT%H%M%S%f}.tsv", File(raw), save=False)
            feed.rows, feed.bytes, feed.generated_at = count, size, stamp
            feed.seconds = round(time.perf_counter() - started, 3)
            feed.save()
            if old:
                storage = feed.file.storage
                transaction.on_commit(lambda: storage.delete(old))
    logger.info(
        "local feed written",
        extra={"brand": brand.slug, "feed": kind, "rows": count, "seconds": feed.seconds},
    )
    return feed


def _write(raw: IO[bytes], fields: Iterable[str], rows: Iterator[tuple[str, ...]]) -> int:
    """The header and `rows` as UTF-8 TSV into the binary file `raw`; returns the rows."""
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    writer = csv.writer(
        text,
        delimiter="\t",
        lineterminator="\n",
        quoting=csv.QUOTE_NONE,
        escapechar=None,
        quotechar=None,
    )
    writer.writerow(fields)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    text.flush()
    text.detach()  # the binary file stays open for the caller
    return count
