from django.apps import AppConfig


class OutletsConfig(AppConfig):
    name = "o2o.outlets"
    label = "outlets"
