"""The site plus the benchmarks' reference views (bench.site.settings' ROOT_URLCONF)."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from . import api as bench_api
from . import views as bench_views

urlpatterns = [
    path("bench/bare-json/", bench_views.bare_json),
    path("bench/bare-page/", bench_views.bare_page),
    path("bench/availability-raw/", bench_views.availability_raw),
    path("bench/reservation-raw/", csrf_exempt(bench_views.reservation_raw)),
    path("bench/reservation-raw-prepared/", csrf_exempt(bench_views.reservation_raw_prepared)),
    path("bench/availability-values/", bench_api.AvailabilityValuesView.as_view()),
    path("", include("o2o.urls")),
]
