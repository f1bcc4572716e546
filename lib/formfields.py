"""Form fields every intake form shares: US state, ZIP code, phone number."""

from django import forms
from localflavor.us.forms import USStateField, USZipCodeField
from localflavor.us.us_states import STATE_CHOICES

PHONE_REGEX = r"^\+?[0-9][0-9 ().-]{6,19}$"
PHONE_INVALID = "Enter a phone number, e.g. +1 202 555 0143."
# A new customer's initial domain is DOMAIN_PREFIX.onmicrosoft.com (the page asks the prefix,
# the API the whole domain).
DOMAIN_PREFIX_REGEX = r"[a-z0-9][a-z0-9-]{1,40}[a-z0-9]"


def us_state_field(**kwargs) -> USStateField:
    choices = [("", "Choose…"), *STATE_CHOICES]
    return USStateField(label="State or territory", widget=forms.Select(choices=choices), **kwargs)


def us_zip_code_field(**kwargs) -> USZipCodeField:
    return USZipCodeField(label="ZIP code", **kwargs)


def phone_field(**kwargs) -> forms.RegexField:
    return forms.RegexField(
        regex=PHONE_REGEX,
        max_length=32,
        error_messages={"invalid": PHONE_INVALID},
        **kwargs,
    )


TENANT_ID_ERRORS = {
    "invalid": "Enter a tenant ID as a GUID, e.g. 0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7."
}


class IntakeForm(forms.ModelForm):
    """What both of Microsoft's intake forms share (the partner's, in validation, and the
    customer's, in customers): a base with no model. Forms convert input; rules live in services."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    state = us_state_field()
    postal_code = us_zip_code_field()
    contact_phone = phone_field(label="Contact phone")

    intake_class: type  # the service's typed input (validation.intake)

    def intake(self):
        return self.intake_class(**{name: self.cleaned_data[name] for name in self.Meta.fields})
