from django.urls import path

from . import views

app_name = "storefront"
urlpatterns = [
    path("", views.brand_list, name="brands"),
    path("reservations/find/", views.lookup, name="lookup"),
    path("reservations/<str:code>/", views.reservation, name="reservation"),
    path("reservations/<str:code>/cancel/", views.cancel_reservation, name="cancel"),
    path("notify/<int:variant_id>/", views.back_in_stock, name="back-in-stock"),
    path("reserve/<slug:outlet_code>/<int:variant_id>/", views.reserve, name="reserve"),
    path("<slug:brand_slug>/", views.catalogue, name="catalogue"),
    path("<slug:brand_slug>/<slug:product_slug>/", views.product_detail, name="product"),
]
