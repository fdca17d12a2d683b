from django.urls import path

from . import api

urlpatterns = [
    path(
        "outlets/<slug:code>/stock/", api.OutletStockSnapshotView.as_view(), name="api-outlet-stock"
    ),
    path(
        "outlets/<slug:code>/stock/deltas/",
        api.OutletStockDeltasView.as_view(),
        name="api-outlet-deltas",
    ),
    path(
        "outlets/<slug:code>/sync-runs/",
        api.OutletSyncRunsView.as_view(),
        name="api-outlet-sync-runs",
    ),
    path("stock/files/", api.StockFileUploadView.as_view(), name="api-stock-files"),
    path("sync-runs/<int:pk>/", api.SyncRunDetailView.as_view(), name="api-sync-run"),
]
