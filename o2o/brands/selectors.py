from django.db.models import Q

from o2o.core.tenancy import tenancy_of

from .models import Brand, BrandMembership


def brands_visible_to(user, brands=None):
    brands = Brand.objects.all() if brands is None else brands
    tenancy = tenancy_of(user)
    if tenancy.is_superuser:
        return brands
    return brands.filter(pk__in=tenancy.brand_ids)


def brand_memberships_visible_to(user, memberships=None):
    memberships = BrandMembership.objects.all() if memberships is None else memberships
    tenancy = tenancy_of(user)
    if tenancy.is_superuser:
        return memberships
    return memberships.filter(Q(brand_id__in=tenancy.manager_brand_ids))
