from django.apps import AppConfig


class BrandsConfig(AppConfig):
    name = "o2o.brands"
    label = "brands"
