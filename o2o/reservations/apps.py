from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "o2o.reservations"
    label = "reservations"
