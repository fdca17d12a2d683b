"""Launches: scheduled with the product's publication (the product goes on sale at the
start, by the publishing states' own beat), interest registered before, the interested told
when it opens."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.catalogue import services as catalogue
from o2o.catalogue.models import Product
from o2o.core.errors import DomainError
from o2o.core.ratelimit import hit

from .models import Launch, LaunchInterest
from .signals import launch_opened


class LaunchError(DomainError):
    code = "launch_error"
    status = 400


def launch_problem(
    *,
    product: Product,
    starts_at: datetime.datetime,
    queue_closes_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> str | None:
    """Why `product` cannot be launched at `starts_at`, or None (forms show it beside the
    fields; schedule_launch refuses with it)."""
    if product.status not in (Product.Status.DRAFT, Product.Status.SCHEDULED):
        return _("A launch is for a product that is not on sale yet.")
    if starts_at <= (now or timezone.now()):
        return _("Give a publication time in the future.")
    if queue_closes_at is not None and queue_closes_at <= starts_at:
        return _("The queue must close after the launch starts.")
    return None


QUEUE_HOURS = 24


@transaction.atomic
def schedule_launch(
    *,
    product: Product,
    starts_at: datetime.datetime,
    zone: Any = "Asia/Kolkata",
    per_shopper_limit: int = 1,
    admission_minutes: int = 10,
    admit_per_second: int = 50,
    queue_closes_at: datetime.datetime | None = None,
    user: Any = None,
) -> Launch:
    """A launch of a product not yet on sale: it is scheduled to be published at the start,
    and until the queue closes (a day after the start unless told) it is reserved only
    through the launch's queue."""
    problem = launch_problem(product=product, starts_at=starts_at, queue_closes_at=queue_closes_at)
    if problem:
        raise LaunchError(problem)
    closes = queue_closes_at or starts_at + datetime.timedelta(hours=QUEUE_HOURS)
    catalogue.change_status(
        product_id=product.pk, status=Product.Status.SCHEDULED, publish_at=starts_at, user=user
    )
    catalogue.set_queue(product_id=product.pk, until=closes, user=user)
    launch, _created = Launch.objects.update_or_create(
        product=product,
        defaults={
            "brand_id": product.brand_id,
            "starts_at": starts_at,
            "timezone": zone,
            "per_shopper_limit": per_shopper_limit,
            "admission_minutes": admission_minutes,
            "admit_per_second": admit_per_second,
            "queue_closes_at": closes,
            "created_by": user if getattr(user, "pk", None) else None,
        },
    )
    return launch


@transaction.atomic
def remove_launch(*, launch_id: int, user: Any = None) -> None:
    """Delete a launch: its product no longer waits for a queue (reserved as any other
    from now on), its tickets and allocations go with it."""
    launch = Launch.objects.select_for_update().get(pk=launch_id)
    catalogue.set_queue(product_id=launch.product_id, until=None, user=user)
    launch.delete()


def register_interest(*, launch: Launch, email: str, language: str, ip: str) -> bool:
    """Remember that `email` wants to hear when `launch` starts; False if it already had."""
    hit("launch-interest-ip", ip, limit=20, window=3600)
    if launch.status != Launch.Status.SCHEDULED:
        raise LaunchError(_("This launch has started: the product is on sale."))
    try:
        with transaction.atomic():
            LaunchInterest.objects.create(
                launch=launch, email=email.strip().lower(), language=language
            )
    except IntegrityError:
        return False
    return True


def open_due_launches(*, now: datetime.datetime | None = None) -> int:
    """Beat: open the launches whose start has come (their products are published by the
    publishing beat at the same minute); the interested are told after commit."""
    now = now or timezone.now()
    catalogue.publish_due(now=now)
    opened = 0
    for launch_id in Launch.objects.filter(
        status=Launch.Status.SCHEDULED, starts_at__lte=now
    ).values_list("pk", flat=True):
        opened += open_launch(launch_id=launch_id, now=now, published=True)
    return opened


def open_launch(*, launch_id: int, now: datetime.datetime, published: bool = False) -> bool:
    """Open one launch whose start has come (its product published first, unless the
    caller just did); the first arrival does it if beat has not yet. True if this call
    opened it."""
    if not published:
        catalogue.publish_due(now=now)
    with transaction.atomic():
        if not Launch.objects.filter(
            pk=launch_id, status=Launch.Status.SCHEDULED, starts_at__lte=now
        ).update(status=Launch.Status.OPEN, opened_at=now):
            return False
        transaction.on_commit(functools.partial(_announce, launch_id))
    return True


def _announce(launch_id: int) -> None:
    launch_opened.send(sender=Launch, launch_id=launch_id)
