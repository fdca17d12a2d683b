"""What every map page needs: Leaflet, the base map and its settings (static/js/basemap.js)."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, json_script

register = template.Library()

SCRIPTS = (
    "vendor/leaflet/leaflet.js",
    "vendor/maps/topojson-client.min.js",
    "js/basemap.js",
)


@register.simple_tag
def map_assets(labels_url: str):
    config = {
        "tiles": settings.O2O_MAP_TILE_URL,
        "attribution": settings.O2O_MAP_ATTRIBUTION,
        "countries": static("vendor/maps/countries-50m.json"),
        "states": [static("vendor/maps/ind.topo.json"), static("vendor/maps/chn.topo.json")],
        "labels": labels_url,
        "offline_attribution": "Natural Earth · GeoNames",
    }
    scripts = format_html(
        "".join('<script src="{}" defer></script>' for _ in SCRIPTS), *map(static, SCRIPTS)
    )
    stylesheet = format_html(
        '<link rel="stylesheet" href="{}">', static("vendor/leaflet/leaflet.css")
    )
    return stylesheet + scripts + json_script(config, "map-config")
