from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from o2o.core import health
from o2o.core.media import public_media
from o2o.core.metrics_view import metrics
from o2o.outlets.views import accept_invitation

# what a load balancer reads of every web process (the queue's own pool too: o2o.queue_urls)
health_patterns = [
    path("health/live/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
]

urlpatterns = [
    # browsers ask for /favicon.ico whatever the page says: the same icon, not a 404
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"/{settings.STATIC_URL.lstrip('/')}img/favicon.svg"),
    ),
    path("admin/", admin.site.urls),
    *health_patterns,
    path("metrics", metrics, name="prometheus-django-metrics"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/invitation/<str:token>/", accept_invitation, name="accept_invitation"),
    path(
        f"{settings.MEDIA_URL.strip('/')}/products/<path:path>",
        public_media,
        {"folder": "products"},
        name="product-media",
    ),
    path("api/v1/", include("o2o.api_urls")),
    path("dashboard/", include("o2o.dashboard.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's start-up code as a script file: no inline script,
    # so the Content Security Policy needs no exception
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("o2o.storefront.urls")),
]

handler400 = "o2o.core.api.bad_request"
handler403 = "o2o.core.api.permission_denied"
handler404 = "o2o.core.api.page_not_found"
handler500 = "o2o.core.api.server_error"
