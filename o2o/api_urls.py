from django.urls import include, path

from o2o.catalogue import api as catalogue
from o2o.dashboard import api as dashboard
from o2o.inventory import api as inventory
from o2o.launches import api as launches
from o2o.localfeeds import api as localfeeds
from o2o.locator import api as locator
from o2o.outlets import api as outlets
from o2o.reservations import api as reservations

# a launch queue's join and poll: served by the site, and by the queue's own pool alone
# (o2o.queue_urls)
queue_patterns = [
    path(
        "launches/<slug:brand>/<slug:product>/queue/",
        launches.QueueView.as_view(),
        name="api-launch-queue",
    ),
]

urlpatterns = [
    path("brands/", catalogue.BrandListView.as_view(), name="api-brands"),
    path(
        "brands/<slug:brand>/categories/",
        catalogue.CategoryListView.as_view(),
        name="api-categories",
    ),
    path("outlets/nearby/", locator.NearbyOutletsView.as_view(), name="api-outlets-nearby"),
    path("brands/<slug:brand>/products/", catalogue.ProductListView.as_view(), name="api-products"),
    path(
        "brands/<slug:brand>/products/<slug:slug>/",
        catalogue.ProductDetailView.as_view(),
        name="api-product",
    ),
    path("launches/<slug:brand>/<slug:product>/", launches.LaunchView.as_view(), name="api-launch"),
    *queue_patterns,
    path(
        "launches/<slug:brand>/<slug:product>/reserve/",
        launches.QueueReserveView.as_view(),
        name="api-launch-reserve",
    ),
    path("availability/", locator.AvailabilityView.as_view(), name="api-availability"),
    path("reservations/", reservations.ReservationCreateView.as_view(), name="api-reservations"),
    path(
        "reservations/<str:code>/",
        reservations.ReservationDetailView.as_view(),
        name="api-reservation",
    ),
    path(
        "reservations/<str:code>/cancel/",
        reservations.ReservationCancelView.as_view(),
        name="api-reservation-cancel",
    ),
    path("retailer/outlets/", outlets.RetailerOutletList.as_view(), name="api-retailer-outlets"),
    path("retailer/stock/", inventory.RetailerStockList.as_view(), name="api-retailer-stock"),
    path(
        "retailer/reservations/",
        reservations.RetailerReservationList.as_view(),
        name="api-retailer-reservations",
    ),
    path(
        "retailer/reservations/<str:code>/<slug:action>/",
        reservations.RetailerReservationTransition.as_view(),
        name="api-retailer-reservation-action",
    ),
    path("brand/outlets/", outlets.BrandOutletList.as_view(), name="api-brand-outlets"),
    path(
        "brand/applications/", outlets.BrandApplicationList.as_view(), name="api-brand-applications"
    ),
    path(
        "brand/<slug:brand>/figures/",
        dashboard.BrandFiguresView.as_view(),
        name="api-brand-figures",
    ),
    path(
        "brand/<slug:brand>/google/",
        localfeeds.LocalFeedList.as_view(),
        name="api-brand-google-feeds",
    ),
    path(
        "brand/<slug:brand>/google/<slug:kind>.tsv",
        localfeeds.LocalFeedFile.as_view(),
        name="api-brand-google-feed",
    ),
    path("", include("o2o.inventory.urls")),
]
