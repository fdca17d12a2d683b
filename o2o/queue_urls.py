"""What a launch queue's own pool serves (settings.O2O_POOL = "queue"): the queue's join and
poll, at the site's paths, and the health checks its load balancer reads. Every other path
is the site's and a 404 here."""

from django.urls import include, path

from o2o.api_urls import queue_patterns
from o2o.core import health

urlpatterns = [
    path("health/live/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
    path("api/v1/", include(queue_patterns)),
]

handler400 = "o2o.core.api.bad_request"
handler403 = "o2o.core.api.permission_denied"
handler404 = "o2o.core.api.page_not_found"
handler500 = "o2o.core.api.server_error"
