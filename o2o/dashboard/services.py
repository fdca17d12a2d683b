"""Daily roll-ups for the brand dashboard (Celery beat); re-running a day replaces it."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from o2o.brands.models import Brand
from o2o.inventory.models import StockLevel
from o2o.locator.models import DemandSignal
from o2o.outlets.models import Outlet, OutletAuthorization
from o2o.reservations.models import Reservation, ReservationLine

from .models import DailyBrandFigures, DailyOutletFigures, DailyProductFigures, UnmetDemandCell


def _bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    return start, start + datetime.timedelta(days=1)


@transaction.atomic
def roll_up_day(*, brand: Brand, day: datetime.date, stock_snapshot: bool = False) -> Any:
    """Compute one brand's figures for one (UTC) day, replacing any earlier roll-up."""
    start, end = _bounds(day)
    signals = DemandSignal.objects.filter(brand=brand, created_at__gte=start, created_at__lt=end)
    made = Reservation.objects.filter(brand=brand, created_at__gte=start, created_at__lt=end)
    collected = Reservation.objects.filter(
        brand=brand, status=Reservation.Status.COLLECTED, closed_at__gte=start, closed_at__lt=end
    )
    sold_lines = ReservationLine.objects.filter(reservation__in=collected)
    sold = sold_lines.aggregate(units=Sum("quantity"), revenue=Sum(F("quantity") * F("unit_price")))
    figures = {
        "searches": signals.count(),
        "searches_unmet": signals.filter(found=False).count(),
        "reservations": made.count(),
        "collected": collected.count(),
        "collected_units": sold["units"] or 0,
        "revenue": sold["revenue"] or 0,
        "outlets_active": OutletAuthorization.objects.filter(
            brand=brand, is_active=True, outlet__status=Outlet.Status.ACTIVE
        ).count(),
    }
    if stock_snapshot:  # stock-outs are a snapshot: only meaningful for today
        figures["stock_outs"] = (
            StockLevel.objects.out()
            .filter(
                variant__brand=brand,
                outlet__authorizations__brand=brand,
                outlet__authorizations__is_active=True,
            )
            .count()
        )
    else:
        previous = DailyBrandFigures.objects.filter(brand=brand, day=day).first()
        figures["stock_outs"] = previous.stock_outs if previous else 0
    DailyBrandFigures.objects.update_or_create(brand=brand, day=day, defaults=figures)

    DailyOutletFigures.objects.filter(brand=brand, day=day).delete()
    per_outlet: dict[int, list] = {}
    for row in made.values("outlet_id").annotate(n=Count("pk")):
        per_outlet.setdefault(row["outlet_id"], [0, 0, 0])[0] = row["n"]
    for row in collected.values("outlet_id").annotate(
        n=Count("pk", distinct=True), revenue=Sum(F("lines__quantity") * F("lines__unit_price"))
    ):
        entry = per_outlet.setdefault(row["outlet_id"], [0, 0, 0])
        entry[1], entry[2] = row["n"], row["revenue"] or 0
    DailyOutletFigures.objects.bulk_create(
        DailyOutletFigures(
            brand=brand, day=day, outlet_id=outlet_id, reservations=r, collected=c, revenue=v
        )
        for outlet_id, (r, c, v) in per_outlet.items()
    )

    DailyProductFigures.objects.filter(brand=brand, day=day).delete()
    per_product: dict[int, list] = {}
    for reserved in (
        ReservationLine.objects.filter(reservation__in=made)
        .values("variant__product_id")
        .annotate(n=Count("reservation", distinct=True))
    ):
        per_product.setdefault(reserved["variant__product_id"], [0, 0])[0] = reserved["n"]
    for sold_row in sold_lines.values("variant__product_id").annotate(units=Sum("quantity")):
        per_product.setdefault(sold_row["variant__product_id"], [0, 0])[1] = sold_row["units"]
    DailyProductFigures.objects.bulk_create(
        DailyProductFigures(
            brand=brand, day=day, product_id=product_id, reservations=r, collected_units=u
        )
        for product_id, (r, u) in per_product.items()
    )

    UnmetDemandCell.objects.filter(brand=brand, day=day).delete()
    UnmetDemandCell.objects.bulk_create(
        UnmetDemandCell(
            brand=brand,
            day=day,
            variant_id=row["variant_id"],
            cell_lat=row["cell_lat"],
            cell_lng=row["cell_lng"],
            searches=row["n"],
        )
        for row in signals.filter(found=False)
        .values("variant_id", "cell_lat", "cell_lng")
        .annotate(n=Count("pk"))
    )


def roll_up_recent(*, days: int = 2, today: datetime.date | None = None) -> None:
    """Roll up today (with the stock snapshot) and the days before, for every brand."""
    today = today or timezone.now().date()
    for brand in Brand.objects.filter(is_active=True):
        for offset in range(days):
            roll_up_day(
                brand=brand, day=today - datetime.timedelta(days=offset), stock_snapshot=offset == 0
            )
