from django.apps import AppConfig


class LocalFeedsConfig(AppConfig):
    name = "o2o.localfeeds"
    label = "localfeeds"
    verbose_name = "Google local inventory feeds"
