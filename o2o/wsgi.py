import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2o.settings")
application = get_wsgi_application()

# the shopper's first city search must not wait for the offline city index: built in the
# background here, or before the workers fork under gunicorn (o2o/gunicorn_conf.py)
if not os.environ.get("O2O_PRELOADED"):
    from o2o.locator.geocoding import warm_in_background

    warm_in_background()
