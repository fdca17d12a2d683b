from django.utils.translation import gettext_lazy as _

from o2o.core.errors import DomainError
from o2o.inventory.errors import InsufficientStock  # raised when a hold finds too few units

__all__ = ["IllegalTransition", "InsufficientStock", "OutsideDeliveryRadius"]


class IllegalTransition(DomainError):
    code = "illegal_transition"
    status = 409
    default_message = _("This reservation cannot move to that status.")


class ReservationNotAllowed(DomainError):
    code = "reservation_not_allowed"
    status = 400
    default_message = _("This item cannot be reserved at this shop.")


class OutsideDeliveryRadius(ReservationNotAllowed):
    code = "outside_delivery_radius"
    default_message = _("This shop does not deliver to your address.")


class InvalidPhone(ReservationNotAllowed):
    code = "invalid_phone"
    default_message = _("Enter a phone number of the shop's country, or one starting with +.")
