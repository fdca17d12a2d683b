"""Which outlets, retailers, authorisations and applications a user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from o2o.core.statements import BoundLookup, PreparedLookup
from o2o.core.tenancy import visible_to

from .models import (
    Outlet,
    OutletApplication,
    OutletAuthorization,
    Retailer,
    RetailerMembership,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from o2o.core.tenancy import Tenancy

    from .models import OutletQuerySet


def _authorised_for(brand_ids: Iterable[int]) -> Any:
    return Exists(
        OutletAuthorization.objects.filter(
            outlet_id=OuterRef("pk"), brand_id__in=brand_ids, is_active=True
        )
    )


_OUTLET_BY_CODE = PreparedLookup(lambda *, code: Outlet.objects.filter(code=code))


def outlet_by_code(*, code: str) -> Outlet | None:
    """The outlet `code`, whatever its state (the caller checks it), or None. One statement
    compiled once: it runs on every reservation."""
    return _OUTLET_BY_CODE.first(code=code)


def outlet_lookup(*, code: str) -> BoundLookup:
    """`outlet_by_code`'s lookup, to be read with other lookups in one statement
    (core.statements.first_of_each)."""
    return _OUTLET_BY_CODE.bind(code=code)


def outlets_visible_to(user: Any, outlets: QuerySet | None = None) -> OutletQuerySet:
    """Own retailers' outlets; for brand staff, the outlets authorised for their brands."""
    outlets = Outlet.objects.all() if outlets is None else outlets
    return visible_to(
        user,
        outlets,
        lambda tenancy: (
            Q(retailer_id__in=tenancy.retailer_ids) | Q(_authorised_for(tenancy.brand_ids))
        ),
    )


def outlets_of_brands_of(user: Any) -> OutletQuerySet:
    """The outlets authorised for the brands `user` works for (all for a superuser): the
    brand's network, whoever's shops they are."""
    return visible_to(
        user, Outlet.objects.all(), lambda tenancy: Q(_authorised_for(tenancy.brand_ids))
    )


def retailers_visible_to(user: Any, retailers: QuerySet | None = None) -> QuerySet:
    retailers = Retailer.objects.all() if retailers is None else retailers

    def condition(tenancy: Tenancy) -> Q:
        brand_outlets = Outlet.objects.filter(retailer_id=OuterRef("pk")).filter(
            _authorised_for(tenancy.brand_ids)
        )
        return Q(pk__in=tenancy.retailer_ids) | Q(Exists(brand_outlets))

    return visible_to(user, retailers, condition)


def retailer_memberships_visible_to(user: Any, memberships: QuerySet | None = None) -> QuerySet:
    memberships = RetailerMembership.objects.all() if memberships is None else memberships
    return visible_to(
        user, memberships, lambda tenancy: Q(retailer_id__in=tenancy.owner_retailer_ids)
    )


def authorizations_visible_to(user: Any, authorizations: QuerySet | None = None) -> QuerySet:
    authorizations = OutletAuthorization.objects.all() if authorizations is None else authorizations
    return visible_to(
        user,
        authorizations,
        lambda tenancy: (
            Q(brand_id__in=tenancy.brand_ids) | Q(outlet__retailer_id__in=tenancy.retailer_ids)
        ),
    )


def applications_visible_to(user: Any, applications: QuerySet | None = None) -> QuerySet:
    applications = OutletApplication.objects.all() if applications is None else applications
    return visible_to(user, applications, lambda tenancy: Q(brand_id__in=tenancy.brand_ids))


def imports_visible_to(user: Any, imports: QuerySet | None = None) -> QuerySet:
    from .models import OutletImport

    imports = OutletImport.objects.all() if imports is None else imports
    return visible_to(user, imports, lambda tenancy: Q(brand_id__in=tenancy.onboarding_brand_ids))


def retailers_acted_for(user: Any) -> Any:
    """The retailers `user` acts for (their memberships; every retailer for a superuser):
    the one rule behind "at your shops" in the workspace and the API."""
    from o2o.core.tenancy import tenancy_of

    from .models import Retailer

    tenancy = tenancy_of(user)
    if tenancy.is_superuser:
        return Retailer.objects.values("pk")
    return tenancy.retailer_ids


def retailers_known_by(*, tax_ids: Iterable[str], emails: Iterable[str]) -> QuerySet:
    """Retailers that already carry one of these tax ids or contact e-mails (e-mails compared
    without case): the one rule by which applications and imports refuse to join a
    retailer that did not ask for it."""
    from django.db.models.functions import Lower

    from .models import Retailer

    tax_ids = {tax_id for tax_id in tax_ids if tax_id}
    emails = {email.strip().lower() for email in emails if email and email.strip()}
    return Retailer.objects.annotate(email_key=Lower("contact_email")).filter(
        Q(tax_id__in=tax_ids) | Q(email_key__in=emails)
    )
