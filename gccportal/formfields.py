"""Form fields every intake form shares: US state, ZIP code, phone number."""

from django import forms
from localflavor.us.forms import USStateField, USZipCodeField
from localflavor.us.us_states import STATE_CHOICES

PHONE_REGEX = r"^\+?[0-9][0-9 ().-]{6,19}$"


def us_state_field(**kwargs) -> USStateField:
    choices = [("", "Choose…"), *STATE_CHOICES]
    return USStateField(label="State or territory", widget=forms.Select(choices=choices), **kwargs)


def us_zip_code_field(**kwargs) -> USZipCodeField:
    return USZipCodeField(label="ZIP code", **kwargs)


def phone_field(**kwargs) -> forms.RegexField:
    return forms.RegexField(
        regex=PHONE_REGEX,
        max_length=32,
        error_messages={"invalid": "Enter a phone number, e.g. +1 202 555 0143."},
        **kwargs,
    )
