from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from o2o.core.tenancy import visible_to

from .models import Brand, BrandMembership

if TYPE_CHECKING:
    from django.db.models import QuerySet


def brands_visible_to(user: Any, brands: QuerySet | None = None) -> QuerySet:
    brands = Brand.objects.all() if brands is None else brands
    return visible_to(user, brands, lambda tenancy: Q(pk__in=tenancy.brand_ids))


def brand_memberships_visible_to(user: Any, memberships: QuerySet | None = None) -> QuerySet:
    memberships = BrandMembership.objects.all() if memberships is None else memberships
    return visible_to(user, memberships, lambda tenancy: Q(brand_id__in=tenancy.manager_brand_ids))
