"""Google Merchant Center's text formats for local inventory ads, as published
(support.google.com/merchants/answer/3061342, the local product inventory feed, and the
store data source): tab-separated, UTF-8, one header row of the attribute names."""

from __future__ import annotations

import datetime
from decimal import Decimal

from o2o.outlets.hours import WeeklyHours

INVENTORY_FIELDS = (
    "store_code",
    "id",
    "gtin",
    "quantity",
    "price",
    "sale_price",
    "sale_price_effective_date",
    "availability",
    "pickup_method",
    "pickup_sla",
)
STORE_FIELDS = (
    "store_code",
    "store_name",
    "store_address",
    "latitude",
    "longitude",
    "phone_number",
)

IN_STOCK, LIMITED, OUT_OF_STOCK = "in_stock", "limited_availability", "out_of_stock"
RESERVE, NOT_SUPPORTED = "reserve", "not supported"
SLA = {0: "same day", 1: "next day", 2: "2-day", 3: "3-day", 4: "4-day", 5: "5-day", 6: "6-day"}
UNKNOWN_HOURS_SLA = "next day"  # a shop that has not said its hours: no promise of today


def cell(value: object) -> str:
    """A value on one line of a TSV file: tabs and line breaks become spaces."""
    text = "" if value is None else str(value)
    return " ".join(text.replace("\t", " ").splitlines()) if text else ""


def availability(units: int, *, low: int) -> str:
    if units <= 0:
        return OUT_OF_STOCK
    return LIMITED if units <= low else IN_STOCK


def price(amount: Decimal, currency: str) -> str:
    return f"{amount:.2f} {currency}"


def sale(
    amount: Decimal | None,
    starts: datetime.datetime | None,
    ends: datetime.datetime | None,
    currency: str,
    *,
    now: datetime.datetime,
) -> tuple[str, str]:
    """(sale_price, sale_price_effective_date) of a sale that has not ended: the interval
    in ISO 8601 ("start/end"; an open start is now, an open end "null"); empty otherwise."""
    if amount is None or (ends is not None and ends <= now):
        return "", ""
    start = (starts or now).isoformat(timespec="minutes")
    end = ends.isoformat(timespec="minutes") if ends else "null"
    return price(amount, currency), f"{start}/{end}"


def pickup(*, offers_pickup: bool, hours: WeeklyHours) -> tuple[str, str]:
    """(pickup_method, pickup_sla): reserve in store, ready by the shop's next opening day.
    The SLA is the longest a reservation may wait for the shop to be open: every day open →
    "same day", closed one day in a row at most → "next day"..."""
    if not offers_pickup:
        return NOT_SUPPORTED, ""
    if not hours.known:
        return RESERVE, UNKNOWN_HOURS_SLA
    open_days = [bool(periods) for periods in hours.days]
    if not any(open_days):
        return NOT_SUPPORTED, ""
    longest = max(
        next(ahead for ahead in range(7) if open_days[(day + ahead) % 7]) for day in range(7)
    )
    return RESERVE, SLA[longest]
