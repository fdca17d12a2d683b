"""Shaping data for shopper templates (no business rules here)."""

from dataclasses import dataclass

import segno
from django.utils.translation import gettext_lazy as _

from o2o.outlets.hours import state_text


@dataclass
class NearbyRow:
    outlet: object
    distance_km: float
    available: int
    low: bool
    stale: bool
    open_now: bool | None
    hours_now: str
    hours: str


def nearby_rows(hits, *, now):
    rows = []
    for hit in hits:
        state = hit.outlet.open_state(now)
        rows.append(
            NearbyRow(
                outlet=hit.outlet,
                distance_km=hit.distance_km,
                available=hit.available,
                low=hit.available <= hit.outlet.low_stock_units,
                stale=hit.outlet.stock_is_stale(now=now),
                open_now=None if state is None else state[0],
                hours_now=state_text(state, now),
                hours=hit.outlet.hours.describe(),
            )
        )
    return rows


STEPS = ["pending", "confirmed", "ready", "collected"]
STEP_LABELS = {"pending": _("Reserved"), "confirmed": _("Confirmed by the shop")}


def timeline(reservation):
    """The status steps, with when each happened; a closed reservation ends the line. A
    delivery speaks of delivery ("Out for delivery", "Delivered")."""
    reached = {event.to_status: event.created_at for event in reservation.events.all()}
    steps = [
        {
            "status": status,
            "label": STEP_LABELS.get(status) or reservation.shopper_status(status),
            "at": reached.get(status),
            "done": status in reached,
        }
        for status in STEPS
    ]
    if reservation.status in ("cancelled", "declined", "expired"):
        steps = [step for step in steps if step["done"]]
        steps.append(
            {
                "status": reservation.status,
                "label": reservation.shopper_status(),
                "at": reached.get(reservation.status),
                "done": True,
            }
        )
    return steps


def qr_svg(code, *, delivery=False):
    """The pickup code as an inline SVG QR code (segno, no network). Always a standard QR
    code (segno would pick a Micro QR for a short code, which common scanners do not read),
    with the standard four-module quiet zone, large enough to scan from a phone."""
    return segno.make(code, error="m", micro=False).svg_inline(
        scale=6,
        border=4,
        dark="#1b1f24",
        light="#ffffff",
        title=str(_("Delivery code") if delivery else _("Pickup code")) + f" {code}",
    )


def map_data(place, rows):
    """Markers for the map: the shopper and the shops (JSON for static/js/map.js)."""
    if not place or not rows:
        return None
    return {
        "you": [place[0], place[1]],
        "shops": [
            {
                "lat": row.outlet.latitude,
                "lng": row.outlet.longitude,
                "name": row.outlet.name,
                "km": round(row.distance_km, 1),
            }
            for row in rows
        ],
    }


SCHEMA = "https://schema.org/"
JSON_LD_SHOPS = 5  # the nearest shops named in an offer
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def product_json_ld(*, product, variant, photos, nearby, place_known):
    """schema.org Product + Offer for search engines, as a <script> body: the chosen
    variant's price, and where a place is known whether and at which nearby shops it is
    in stock (`availableAtOrFrom`); without a place, that it is sold in shops."""
    import json

    from django.conf import settings
    from django.urls import reverse

    brand = product.brand
    page = settings.O2O_PUBLIC_URL.rstrip("/") + reverse(
        "storefront:product", args=[brand.slug, product.slug]
    )
    stocked = "InStock" if nearby else "OutOfStock"
    availability = stocked if place_known else "InStoreOnly"
    if product.is_discontinued:
        availability = "Discontinued"
    offer = {
        "@type": "Offer",
        "url": f"{page}?variant={variant.pk}",
        "price": str(variant.current_price()),
        "priceCurrency": brand.currency,
        "availability": SCHEMA + availability,
        "itemCondition": SCHEMA + "NewCondition",
    }
    if variant.on_sale() and variant.sale_ends_at:
        offer["priceValidUntil"] = variant.sale_ends_at.date().isoformat()
    if nearby:
        offer["availableAtOrFrom"] = [_store(row.outlet) for row in nearby[:JSON_LD_SHOPS]]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": str(variant),
        "sku": variant.sku,
        "brand": {"@type": "Brand", "name": brand.name},
        "offers": offer,
    }
    if variant.value("colour"):
        data["color"] = variant.value("colour")
    properties = [
        {"@type": "PropertyValue", "name": a.label_in("en"), "value": a.show(variant.value(a.code))}
        for a in product.category.attribute_list()
        if variant.value(a.code) and a.code != "colour"
    ]
    if properties:
        data["additionalProperty"] = properties
    if product.description:
        data["description"] = product.description
    if variant.gtin:
        data["gtin"] = variant.gtin
    public = settings.O2O_PUBLIC_URL.rstrip("/")
    images = [public + photo.image.url for photo in photos]
    if images:
        data["image"] = images
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)


def _store(outlet):
    return {
        "@type": "Store",
        "name": outlet.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": outlet.address,
            "addressLocality": outlet.city,
            "addressCountry": str(outlet.country),
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": outlet.latitude,
            "longitude": outlet.longitude,
        },
        **({"telephone": str(outlet.phone)} if outlet.phone else {}),
    }
