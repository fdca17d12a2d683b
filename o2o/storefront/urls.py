from django.contrib.auth import views as auth_views
from django.urls import path

from . import launch_views, views

app_name = "storefront"
urlpatterns = [
    path("", views.brand_list, name="brands"),
    path("places/", views.place_suggestions, name="places"),
    path("places/labels.json", views.place_labels, name="place-labels"),
    path("places/locate/", views.place_lookup, name="place-lookup"),
    path("partners/<slug:brand_slug>/apply/", views.partner_apply, name="partner-apply"),
    path("account/signup/", views.signup, name="signup"),
    path(
        "account/login/",
        auth_views.LoginView.as_view(
            template_name="storefront/login.html", next_page="storefront:lookup"
        ),
        name="login",
    ),
    path(
        "account/logout/",
        auth_views.LogoutView.as_view(next_page="storefront:brands"),
        name="logout",
    ),
    path("reservations/", views.lookup, name="lookup"),
    path("reservations/<str:code>/", views.reservation, name="reservation"),
    path("reservations/<str:code>/cancel/", views.cancel_reservation, name="cancel"),
    path("notify/<int:variant_id>/", views.back_in_stock, name="back-in-stock"),
    path("reserve/<slug:outlet_code>/<int:variant_id>/", views.reserve, name="reserve"),
    path("go/<int:listing_id>/", views.to_eshop, name="to-eshop"),
    path("launch/<slug:brand_slug>/<slug:product_slug>/", launch_views.launch, name="launch"),
    path(
        "launch/<slug:brand_slug>/<slug:product_slug>/queue/",
        launch_views.launch_queue,
        name="launch-queue",
    ),
    path("<slug:brand_slug>/", views.catalogue, name="catalogue"),
    path("<slug:brand_slug>/<slug:product_slug>/", views.product_detail, name="product"),
]
