"""Which outlets a sync may touch, and how its rows' SKUs/GTINs map to variants."""

from collections import defaultdict
from dataclasses import dataclass, field

from o2o.catalogue.models import Variant
from o2o.outlets.models import Outlet, OutletAuthorization


@dataclass
class SyncScope:
    outlets: dict  # outlet code -> id
    single_outlet: tuple | None  # (code, id) when the sync is for one outlet
    authorised: set  # (outlet_id, brand_id)
    variants: dict = field(default_factory=dict)  # sku or gtin -> ((variant_id, brand_id), ...)
    brands_of: dict = field(default_factory=dict)  # outlet id -> frozenset of brand ids

    def resolve(self, outlet_id, key):
        """The variant id for `key` among the brands this sync may speak for at this outlet,
        or None. When two of them use the same SKU or GTIN, the variant registered first
        keeps it: a brand that copies another's SKU later cannot make its rows refused."""
        candidates = self.variants.get(key)
        if not candidates:
            return None
        matches = [v for v, b in candidates if (outlet_id, b) in self.authorised]
        return min(matches) if matches else None


def scope_for(run):
    """The outlets a run may change: its outlet, else its retailer's, else its brand's."""
    integration = run.integration
    brand_id = integration.brand_id if integration else None
    if run.outlet_id:
        outlets = Outlet.objects.filter(pk=run.outlet_id)
    elif run.retailer_id:
        outlets = Outlet.objects.filter(retailer_id=run.retailer_id)
    else:
        outlets = Outlet.objects.filter(
            authorizations__brand_id=brand_id, authorizations__is_active=True
        )
    by_code = dict(outlets.values_list("code", "pk"))
    authorisations = OutletAuthorization.objects.filter(
        outlet_id__in=outlets.values("pk"), is_active=True
    )
    if brand_id:
        authorisations = authorisations.filter(brand_id=brand_id)
    authorised = set(authorisations.values_list("outlet_id", "brand_id"))
    single = None
    if run.outlet_id:
        single = next(iter(by_code.items()), None)
    scope = SyncScope(by_code, single, authorised)
    brands_of = defaultdict(set)
    for outlet_id, brand in authorised:
        brands_of[outlet_id].add(brand)
    scope.brands_of = {outlet_id: frozenset(b) for outlet_id, b in brands_of.items()}
    scope.variants = _variant_index({brand for _outlet, brand in authorised})
    return scope


def _variant_index(brand_ids):
    index = defaultdict(tuple)
    rows = Variant.objects.filter(brand_id__in=brand_ids).values_list(
        "pk", "brand_id", "sku", "gtin"
    )
    for pk, brand_id, sku, gtin in rows.iterator(chunk_size=5000):
        index[sku] += ((pk, brand_id),)
        if gtin and gtin != sku:
            index[gtin] += ((pk, brand_id),)
    return dict(index)
