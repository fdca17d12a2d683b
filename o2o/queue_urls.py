"""What a launch queue's own pool serves (settings.O2O_POOL = "queue"): the queue's join and
poll, at the site's paths, and the health checks its load balancer reads. Every other path
is the site's and a 404 here, answered by the site's error handlers."""

from django.urls import include, path

from o2o.api_urls import queue_patterns
from o2o.urls import handler400, handler403, handler404, handler500, health_patterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [*health_patterns, path("api/v1/", include(queue_patterns))]
