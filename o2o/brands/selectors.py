from django.db.models import Q

from o2o.core.tenancy import visible_to

from .models import Brand, BrandMembership


def brands_visible_to(user, brands=None):
    brands = Brand.objects.all() if brands is None else brands
    return visible_to(user, brands, lambda tenancy: Q(pk__in=tenancy.brand_ids))


def brand_memberships_visible_to(user, memberships=None):
    memberships = BrandMembership.objects.all() if memberships is None else memberships
    return visible_to(user, memberships, lambda tenancy: Q(brand_id__in=tenancy.manager_brand_ids))
