from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "o2o.storefront"
    label = "storefront"
