"""Geo maths: great-circle distance in Python and as a database expression."""

import math

from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lng1, lat2, lng2):
    """Distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat, lng, radius_km):
    """(min_lat, max_lat, min_lng, max_lng) that contains every point within radius_km."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    ratio = math.sin(radius_km / EARTH_RADIUS_KM) / max(math.cos(math.radians(lat)), 1e-12)
    dlng = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def haversine_expression(lat, lng, lat_field="latitude", lng_field="longitude"):
    """Haversine distance in km from (lat, lng) to the row's coordinates, as an ORM expression."""
    lat0, lng0 = Value(float(lat)), Value(float(lng))
    dlat = Radians(F(lat_field) - lat0) / 2
    dlng = Radians(F(lng_field) - lng0) / 2
    a = Power(Sin(dlat), 2) + Cos(Radians(lat0)) * Cos(Radians(F(lat_field))) * Power(Sin(dlng), 2)
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(a), output_field=FloatField())


def haversine_sql(lat_column, lng_column):
    """Haversine distance in km from a point to the row's coordinates, as SQL with three
    parameters (lat, lat, lng). The same functions as haversine_expression: PostgreSQL has
    them, and Django registers them on SQLite."""
    return (
        f"{2 * EARTH_RADIUS_KM!r} * ASIN(SQRT("
        f"POWER(SIN(RADIANS({lat_column} - %s) / 2), 2)"
        f" + COS(RADIANS(%s)) * COS(RADIANS({lat_column}))"
        f" * POWER(SIN(RADIANS({lng_column} - %s) / 2), 2)))"
    )
