from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "o2o.reservations"
    label = "reservations"

    def ready(self):
        from . import signals

        signals.connect()
