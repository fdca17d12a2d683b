from .models import DemandSignal

CELL_DEGREES = 0.05  # ~5 km: coarse enough not to locate a shopper


def _cell(value):
    return round(round(value / CELL_DEGREES) * CELL_DEGREES, 4)


def record_demand(*, variant, lat, lng, results):
    """Record one search for the brand's unmet-demand view (coarse location only)."""
    return DemandSignal.objects.create(
        brand_id=variant.brand_id,
        variant=variant,
        cell_lat=_cell(lat),
        cell_lng=_cell(lng),
        found=results > 0,
        results=results,
    )
