from django.urls import path

from . import api

urlpatterns = [
    path(
        "outlets/<slug:code>/stock/", api.OutletStockSnapshotView.as_view(), name="api-outlet-stock"
    ),
    path("sync-runs/<int:pk>/", api.SyncRunDetailView.as_view(), name="api-sync-run"),
]
