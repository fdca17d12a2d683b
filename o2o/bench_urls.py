"""The site plus the benchmarks' reference views (ROOT_URLCONF when O2O_BENCH_VIEWS is set)."""

from django.urls import include, path

from o2o.core import bench_api, bench_views

urlpatterns = [
    path("bench/bare-json/", bench_views.bare_json),
    path("bench/bare-page/", bench_views.bare_page),
    path("bench/availability-raw/", bench_views.availability_raw),
    path("bench/availability-values/", bench_api.AvailabilityValuesView.as_view()),
    path("", include("o2o.urls")),
]
