from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "o2o.core"
    label = "core"
