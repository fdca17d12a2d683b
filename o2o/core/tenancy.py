"""Tenancy helpers: which retailers and brands a user belongs to."""


def retailer_ids_for(user):
    if not user.is_authenticated:
        return []
    return list(user.retailer_memberships.values_list("retailer_id", flat=True))


def brand_ids_for(user):
    if not user.is_authenticated:
        return []
    return list(user.brand_memberships.values_list("brand_id", flat=True))
