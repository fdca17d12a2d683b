"""Brand staff pages: the O2O business at a glance (figures from the daily roll-ups)."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from o2o.brands.models import Brand
from o2o.core.exports import safe_rows
from o2o.launches.selectors import launch_figures
from o2o.localfeeds.models import LocalFeed
from o2o.localfeeds.responses import feed_response
from o2o.localfeeds.selectors import feeds_of

from . import selectors
from .charts import bar_chart

EXPORTS = {
    "daily": (
        "day",
        "searches",
        "searches_unmet",
        "reservations",
        "collected",
        "collected_units",
        "revenue",
        "stock_outs",
    ),
    "outlets": (
        "outlet__code",
        "outlet__name",
        "outlet__city",
        "reservations",
        "collected",
        "revenue",
    ),
    "products": ("product__name", "reservations", "units"),
    "unmet": (
        "place",
        "cell_lat",
        "cell_lng",
        "variant__sku",
        "variant__product__name",
        "searches",
    ),
}


@login_required
def brand_dashboard(request, brand_slug):
    brand = get_object_or_404(Brand, slug=brand_slug)
    if not selectors.brand_for_staff(request.user, brand):
        raise Http404("No such dashboard.")
    figures = selectors.dashboard(brand=brand)
    feeds = feeds_of(brand=brand)
    selectors.name_places(figures["unmet"], language=get_language() or "en")
    export = request.GET.get("export")
    if export:
        return _csv(brand, export, figures)
    context = {
        "brand": brand,
        "launches": launch_figures(brand=brand),
        "google_feeds": [(kind, label, feeds.get(kind)) for kind, label in LocalFeed.Kind.choices],
        "figures": figures,
        "chart": bar_chart(figures["daily"]),
        "maps": {"coverage": selectors.coverage(brand=brand), "unmet": figures["unmet"]},
    }
    return render(request, "dashboard/brand.html", context)


@login_required
def google_feed(request, brand_slug, kind):
    """A brand's Google feed file, for its staff (the same file as the API's)."""
    brand = get_object_or_404(Brand, slug=brand_slug)
    if not selectors.brand_for_staff(request.user, brand):
        raise Http404("No such feed.")
    feed = feeds_of(brand=brand).get(kind)
    if feed is None:
        raise Http404("Not written yet.")
    return feed_response(feed)


def _csv(brand, export, figures):
    if export not in EXPORTS:
        raise Http404("No such table.")
    columns = EXPORTS[export]
    if export == "daily":
        rows = [{c: getattr(day, c) for c in columns} for day in figures["daily"]]
    else:
        rows = figures[
            {"outlets": "top_outlets", "products": "top_products", "unmet": "unmet"}[export]
        ]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{brand.slug}-{export}.csv"'
    writer = csv.writer(response)
    writer.writerow([c.replace("__", "_") for c in columns])
    writer.writerows(safe_rows([row[c] for c in columns] for row in rows))
    return response
