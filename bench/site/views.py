"""Reference views for the HTTP benchmarks (mounted by bench.site.settings, never by the product):
the fastest Django can answer, to compare our real endpoints against in the same run."""

from django.http import JsonResponse
from django.shortcuts import render


def bare_json(request):
    return JsonResponse({"results": [{"outlet": f"o-{i}", "available": i} for i in range(10)]})


def bare_page(request):
    """A template of about the catalogue page's size, with no database work."""
    cards = [{"name": f"Model {i}", "category": "Phones", "price": 9999 + i} for i in range(24)]
    return render(request, "bench/bare_page.html", {"cards": cards})


AVAILABILITY_SQL = """
SELECT o.code AS outlet, o.name, o.address, o.city, o.latitude, o.longitude,
       o.stock_synced_at AS synced_at, sl.on_hand - sl.reserved AS available, d.km AS distance_km
FROM inventory_stocklevel sl
JOIN outlets_outlet o ON o.id = sl.outlet_id
JOIN outlets_outletauthorization a ON a.outlet_id = o.id
CROSS JOIN LATERAL (SELECT 12742.0176 * ASIN(SQRT(
    POWER(SIN(RADIANS(o.latitude - %(lat)s) / 2), 2)
    + COS(RADIANS(%(lat)s)) * COS(RADIANS(o.latitude))
      * POWER(SIN(RADIANS(o.longitude - %(lng)s) / 2), 2))) AS km) d
WHERE sl.variant_id = %(variant)s AND sl.on_hand > sl.reserved
  AND a.brand_id = %(brand)s AND a.is_active AND o.status = 'active'
  AND o.latitude BETWEEN %(min_lat)s AND %(max_lat)s
  AND o.longitude BETWEEN %(min_lng)s AND %(max_lng)s
  AND d.km <= %(radius)s
ORDER BY d.km, o.id
LIMIT %(limit)s
"""

VARIANT_SQL = """
SELECT v.id, v.brand_id FROM catalogue_variant v
JOIN brands_brand b ON b.id = v.brand_id JOIN catalogue_product p ON p.id = v.product_id
WHERE v.sku = %s AND b.slug = %s AND v.is_active AND p.status = 'published'
"""


def availability_raw(request):
    """The availability API's SQL (the same statements the product runs: the indexed
    query on PostgreSQL, the widening bounding box elsewhere) through a raw cursor."""
    from types import SimpleNamespace

    from django.conf import settings
    from django.db import connection

    from o2o.core.geo import bounding_box
    from o2o.locator.selectors import ANSWER_COLUMNS, uses_knn, walk_nearest

    lat, lng = float(request.GET["lat"]), float(request.GET["lng"])
    limit = settings.O2O_LOCATOR_RESULTS
    with connection.cursor() as cursor:
        cursor.execute(VARIANT_SQL, [request.GET["sku"], request.GET["brand"]])
        variant, brand = cursor.fetchone()

        def fetch(sql, params):
            cursor.execute(sql, params)
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

        found = None
        if uses_knn():
            found = walk_nearest(
                SimpleNamespace(pk=variant),
                lat,
                lng,
                settings.O2O_LOCATOR_MAX_RADIUS_KM,
                limit,
                fetch,
                ANSWER_COLUMNS,
            )
        if found is not None:
            return JsonResponse([_shaped(row) for row in found], safe=False)
        for radius in (settings.O2O_LOCATOR_START_RADIUS_KM, settings.O2O_LOCATOR_MAX_RADIUS_KM):
            min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
            cursor.execute(AVAILABILITY_SQL, locals())
            rows = cursor.fetchall()
            if len(rows) >= limit:
                break
        columns = [column.name for column in cursor.description]
    return JsonResponse([dict(zip(columns, row, strict=True)) for row in rows], safe=False)


def _shaped(row):
    """A row of the product's statement, in the API's (and AVAILABILITY_SQL's) shape."""
    return {
        "outlet": row["code"],
        "name": row["name"],
        "address": row["address"],
        "city": row["city"],
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "synced_at": row["stock_synced_at"],
        "available": row["available"],
        "distance_km": row["distance_km"],
    }


RESERVATION_LOOKUP_SQL = """
SELECT v.id, v.brand_id, v.price, b.hold_minutes,
       (SELECT o.id FROM outlets_outlet o WHERE o.code = %s AND o.status = 'active')
FROM catalogue_variant v JOIN brands_brand b ON b.id = v.brand_id
WHERE v.sku = %s AND b.slug = %s
"""
HOLD_SQL = """
UPDATE inventory_stocklevel SET reserved = reserved + %(quantity)s
WHERE outlet_id = %(outlet)s AND variant_id = %(variant)s
  AND on_hand - reserved >= %(quantity)s
RETURNING id
"""
RESERVATION_SQL = """
INSERT INTO reservations_reservation (created_at, updated_at, code, shopper_name,
  shopper_email, shopper_phone, fulfilment, status, expires_at, stock_shortfall, brand_id,
  outlet_id, decline_reason, delivery_address, language)
VALUES (now(), now(), %(code)s, %(name)s, %(email)s, %(phone)s, 'collect', 'pending',
  now() + make_interval(mins => %(hold)s), false, %(brand)s, %(outlet)s, '', '', 'en')
RETURNING id, expires_at
"""
LINE_SQL = """
INSERT INTO reservations_reservationline (quantity, unit_price, reservation_id, variant_id)
VALUES (%(quantity)s, %(price)s, %(reservation)s, %(variant)s)
"""
MOVEMENT_SQL = """
INSERT INTO inventory_stockmovement (on_hand_delta, reserved_delta, reason, reference,
  created_at, occurred_at, outlet_id, variant_id)
VALUES (0, %(quantity)s, 'hold', %(code)s, now(), now(), %(outlet)s, %(variant)s)
"""
EVENT_SQL = """
INSERT INTO reservations_reservationevent (from_status, to_status, note, created_at,
  reservation_id) VALUES ('', 'pending', '', now(), %(reservation)s)
"""


def reservation_raw(request, *, prepared=False):
    """T5b's twin: what the reservation endpoint writes (the conditional UPDATE of the hold,
    the reservation, its line, the stock movement and the first event, in one transaction),
    through a raw cursor, answered in the endpoint's shape; nothing else. `prepared`: its
    statements planned once per connection, as the endpoint's are (core.statements)."""
    import json

    from django.db import connection, transaction

    from o2o.core.statements import execute_hot
    from o2o.reservations.models import new_reservation_code

    def execute(cursor, sql, params):
        return execute_hot(cursor, sql, params) if prepared else cursor.execute(sql, params)

    body = json.loads(request.body)
    with connection.cursor() as cursor:
        execute(cursor, RESERVATION_LOOKUP_SQL, [body["outlet"], body["sku"], body["brand"]])
        found = cursor.fetchone()
        if found is None or found[4] is None:
            return JsonResponse({"code": "not_found"}, status=404)
        variant, brand, price, hold, outlet = found
        params = {
            "quantity": body["quantity"],
            "outlet": outlet,
            "variant": variant,
            "brand": brand,
            "price": price,
            "hold": hold,
            "code": new_reservation_code(),
            "name": body["shopper_name"],
            "email": body["shopper_email"],
            "phone": body["shopper_phone"],
        }
        with transaction.atomic():
            execute(cursor, HOLD_SQL, params)
            if cursor.fetchone() is None:
                return JsonResponse({"code": "insufficient_stock"}, status=409)
            execute(cursor, RESERVATION_SQL, params)
            params["reservation"], expires_at = cursor.fetchone()
            for statement in (LINE_SQL, MOVEMENT_SQL, EVENT_SQL):
                execute(cursor, statement, params)
    return JsonResponse(
        {
            "code": params["code"],
            "status": "pending",
            "fulfilment": "collect",
            "outlet": body["outlet"],
            "expires_at": expires_at,
            "lines": [{"sku": body["sku"], "quantity": body["quantity"], "unit_price": price}],
        },
        status=201,
    )


def reservation_raw_prepared(request):
    return reservation_raw(request, prepared=True)
