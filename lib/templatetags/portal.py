"""The portal's template filters and tags: ``{% load portal %}``."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..error_summary import error_summary_items

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


# --- Error summaries ----------------------------------------------------------------------


@register.inclusion_tag("partials/error_summary.html")
def error_summary(*sources, note="", extra_class=""):
    """``{% error_summary form [formset ...] [error_message] [note=...] %}``: the page's
    error summary, above its form: ``#error-summary`` (role="alert", focused on load by
    js/error_summary.js), a heading and one entry per error, a field's linked to its control.
    Nothing when the sources hold no error. ``note``: a sentence after the list ("Nothing
    was saved..."); ``extra_class``: more classes for the box (the admin's "errornote")."""
    return {"items": error_summary_items(*sources), "note": note, "extra_class": extra_class}


@register.simple_tag
def error_prefix(*sources) -> str:
    """``{% error_prefix form ... %}`` at the start of the title block: "Error: " when the
    same sources as the page's ``{% error_summary %}`` hold an error, else nothing."""
    return _("Error:") + " " if error_summary_items(*sources) else ""
