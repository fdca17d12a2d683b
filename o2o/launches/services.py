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
    *, product: Product, starts_at: datetime.datetime, now: datetime.datetime | None = None
) -> str | None:
    """Why `product` cannot be launched at `starts_at`, or None (forms show it beside the
    fields; schedule_launch refuses with it)."""
    if product.status not in (Product.Status.DRAFT, Product.Status.SCHEDULED):
        return _("A launch is for a product that is not on sale yet.")
    if starts_at <= (now or timezone.now()):
        return _("Give a publication time in the future.")
    return None


@transaction.atomic
def schedule_launch(
    *,
    product: Product,
    starts_at: datetime.datetime,
    zone: Any = "Asia/Kolkata",
    user: Any = None,
) -> Launch:
    """A launch of a product not yet on sale: it is scheduled to be published at the start."""
    problem = launch_problem(product=product, starts_at=starts_at)
    if problem:
        raise LaunchError(problem)
    catalogue.change_status(
        product_id=product.pk, status=Product.Status.SCHEDULED, publish_at=starts_at, user=user
    )
    launch, _created = Launch.objects.update_or_create(
        product=product,
        defaults={
            "brand_id": product.brand_id,
            "starts_at": starts_at,
            "timezone": zone,
            "created_by": user if getattr(user, "pk", None) else None,
        },
    )
    return launch


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
        with transaction.atomic():
            if Launch.objects.filter(pk=launch_id, status=Launch.Status.SCHEDULED).update(
                status=Launch.Status.OPEN, opened_at=now
            ):
                opened += 1
                transaction.on_commit(functools.partial(_announce, launch_id))
    return opened


def _announce(launch_id: int) -> None:
    launch_opened.send(sender=Launch, launch_id=launch_id)
