from django.utils.translation import gettext_lazy as _

from o2o.core.errors import DomainError


class InsufficientStock(DomainError):
    code = "insufficient_stock"
    status = 409
    default_message = _("Sorry, this shop no longer has enough units available.")


class InvalidSnapshot(DomainError):
    code = "invalid_snapshot"
    status = 400
    default_message = "The stock snapshot is not valid."


class UnknownOutlet(DomainError):
    code = "unknown_outlet"
    status = 404
    default_message = "No outlet with this code belongs to this integration's retailer."


class StockBelowHolds(DomainError):
    code = "stock_below_holds"
    status = 409
    default_message = "A count cannot be below the units held for reservations."
