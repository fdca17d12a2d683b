"""Hindi formats: Django's defaults plus Indian digit grouping (1,23,456)."""

from django.conf.locale.hi.formats import *  # noqa: F403

NUMBER_GROUPING = (3, 2, 0)
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
