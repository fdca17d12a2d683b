"""Who a user is in the business: which retailers and brands they belong to, and how.

Every tenant-scoped read (admin, API, pages) starts from `tenancy_of(user)`; the per-model
scoping lives in each app's selectors (`*_visible_to(user)`)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tenancy:
    is_superuser: bool = False
    retailer_ids: frozenset = frozenset()
    owner_retailer_ids: frozenset = frozenset()
    brand_ids: frozenset = frozenset()
    manager_brand_ids: frozenset = frozenset()  # brand owners
    onboarding_brand_ids: frozenset = frozenset()  # owners and onboarding staff

    @property
    def is_retailer(self):
        return bool(self.retailer_ids)

    @property
    def is_brand_staff(self):
        return bool(self.brand_ids)

    @property
    def roles(self):
        """The roles whose grants apply: retailer, retailer_owner, brand, brand_manager (brand
        owner), brand_onboarding (owner or onboarding staff)."""
        roles = set()
        if self.retailer_ids:
            roles.add("retailer")
        if self.owner_retailer_ids:
            roles.add("retailer_owner")
        if self.brand_ids:
            roles.add("brand")
        if self.manager_brand_ids:
            roles.add("brand_manager")
        if self.onboarding_brand_ids:
            roles.add("brand_onboarding")
        return roles


NOBODY = Tenancy()


def tenancy_of(user):
    """The user's tenancy, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_o2o_tenancy", None)
    if cached is not None:
        return cached
    # an invitation not yet accepted (through the link sent to its address) grants nothing
    retailers = list(
        user.retailer_memberships.filter(accepted_at__isnull=False).values_list(
            "retailer_id", "role"
        )
    )
    brands = list(user.brand_memberships.values_list("brand_id", "role"))
    tenancy = Tenancy(
        is_superuser=user.is_superuser,
        retailer_ids=frozenset(r for r, _role in retailers),
        owner_retailer_ids=frozenset(r for r, role in retailers if role == "owner"),
        brand_ids=frozenset(b for b, _role in brands),
        manager_brand_ids=frozenset(b for b, role in brands if role == "owner"),
        onboarding_brand_ids=frozenset(b for b, role in brands if role in ("owner", "onboarding")),
    )
    user._o2o_tenancy = tenancy
    return tenancy


def visible_to(user, queryset, condition):
    """`queryset` as `user` may see it: all of it for a superuser, otherwise the rows that
    match `condition(tenancy)`, a Q. The shape every `*_visible_to` selector shares."""
    tenancy = tenancy_of(user)
    return queryset if tenancy.is_superuser else queryset.filter(condition(tenancy))
