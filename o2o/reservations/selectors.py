from .models import Reservation


def reservation_for_shopper(*, code, email):
    """The reservation with this code and e-mail, or None."""
    return (
        Reservation.objects.filter(code=code.strip().upper(), shopper_email__iexact=email.strip())
        .select_related("outlet", "brand")
        .first()
    )


def reservation_detail(*, code):
    return (
        Reservation.objects.select_related("outlet", "brand")
        .prefetch_related("lines__variant__product")
        .filter(code=code)
        .first()
    )
