"""Shopper-facing formatting: money in the brand's currency, for the active locale."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

SYMBOLS = {"INR": "₹", "CNY": "¥", "USD": "$", "EUR": "€"}


@register.filter
def money(amount, currency):
    """₹12,999 in English, ₹12,999 with Indian grouping in Hindi (1,23,456), ¥1,299..."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    number = number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"
