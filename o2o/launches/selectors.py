from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import Launch


def launch_for_shopper(*, brand_slug: str, product_slug: str) -> Launch | None:
    return (
        Launch.objects.select_related("product", "brand")
        .filter(brand__slug=brand_slug, brand__is_active=True, product__slug=product_slug)
        .first()
    )


def launches_visible_to(user: Any, launches: QuerySet | None = None) -> QuerySet:
    from o2o.core.tenancy import visible_to

    launches = Launch.objects.all() if launches is None else launches
    return visible_to(user, launches, lambda tenancy: Q(brand_id__in=tenancy.brand_ids))
