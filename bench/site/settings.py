"""The product's settings plus the benchmarks' reference views beside the site: the
benchmarks' gunicorn runs with DJANGO_SETTINGS_MODULE=bench.site.settings."""

from o2o.settings import *  # noqa: F403

if O2O_POOL == "site":  # noqa: F405 (the queue's own pool serves its own paths alone)
    ROOT_URLCONF = "bench.site.urls"
