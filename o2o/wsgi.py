import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2o.settings")
application = get_wsgi_application()

# the shopper's first city search must not wait for the offline city index
from o2o.locator.geocoding import warm_in_background  # noqa: E402

warm_in_background()
