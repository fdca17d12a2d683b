from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "o2o.dashboard"
    label = "dashboard"
