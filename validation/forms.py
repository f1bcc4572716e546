from django import forms
from localflavor.us.forms import USStateField, USStateSelect, USZipCodeField

from .models import GovernmentBasis, ValidationRequest


class PartnerValidationForm(forms.ModelForm):
    """Microsoft's intake form, "CSP partner" variant. Converting input only; no rules here."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    state = USStateField(label="State or territory", widget=USStateSelect)
    postal_code = USZipCodeField(label="ZIP code")
    government_basis = forms.MultipleChoiceField(
        label="How does your organization serve US government customers?",
        choices=GovernmentBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one way you serve US government customers."},
    )
    tenant_id = forms.UUIDField(
        label="Commercial tenant ID (Microsoft ID)",
        help_text=(
            "Copy it from Settings > Organization profile > Microsoft ID. Never your Azure GCC "
            "tenant ID."
        ),
        error_messages={
            "invalid": "Enter a tenant ID as a GUID, e.g. 0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7."
        },
    )
    contact_phone = forms.RegexField(
        regex=r"^\+?[0-9][0-9 ().-]{6,19}$",
        error_messages={"invalid": "Enter a phone number, e.g. +1 202 555 0143."},
    )
    attested = forms.BooleanField(
        label=(
            "I confirm the information is accurate and understand that submitting this form "
            "forms a legally binding agreement with Microsoft."
        ),
        error_messages={"required": "You must confirm before submitting."},
    )

    class Meta:
        model = ValidationRequest
        fields = [
            "organization_name",
            "tenant_id",
            "address_line",
            "city",
            "state",
            "postal_code",
            "contact_name",
            "contact_email",
            "contact_phone",
            "government_basis",
            "contract_reference",
            "attested",
        ]
        help_texts = {
            "organization_name": "The exact legal name: no acronyms.",
            "contract_reference": "A GSA schedule or contract number, or an agency reference.",
        }

    def review_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InfoResponseForm(forms.Form):
    response = forms.CharField(
        label="Your answer to the reviewer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
