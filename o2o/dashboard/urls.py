from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("<slug:brand_slug>/", views.brand_dashboard, name="brand"),
    path("<slug:brand_slug>/google/<str:kind>.tsv", views.google_feed, name="google-feed"),
]
