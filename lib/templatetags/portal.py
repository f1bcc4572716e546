"""The portal's template filters: ``{% load portal %}``."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def money(value) -> str:
    """A price in US dollars, grouped and with two decimals in the reader's number format:
    "$1,234.50" in English, "US$1,234.50" in Spanish (where "$" alone is also a peso)."""
    if value in (None, ""):
        return ""
    amount = floatformat(Decimal(str(value)), "2g")
    # Translators: a price in US dollars; keep %(amount)s.
    return pgettext("price", "$%(amount)s") % {"amount": amount}
