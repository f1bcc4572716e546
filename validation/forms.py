from django import forms

from lib.formfields import IntakeForm, TenantIdField, evidence_documents_field

from .intake import GOVERNMENT_BASIS_REQUIRED, NOT_ATTESTED, PartnerIntake
from .models import GovernmentBasis, ValidationRequest


class PartnerValidationForm(IntakeForm):
    """Microsoft's intake form, "CSP partner" variant."""

    government_basis = forms.MultipleChoiceField(
        label="How does your organization serve US government customers?",
        choices=GovernmentBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": GOVERNMENT_BASIS_REQUIRED},
    )
    tenant_id = TenantIdField(
        label="Commercial tenant ID (Microsoft ID)",
        help_text=(
            "Copy it from Settings > Organization profile > Microsoft ID. Never your Azure GCC "
            "tenant ID."
        ),
    )
    attested = forms.BooleanField(
        label=(
            "I confirm the information is accurate and understand that submitting this form "
            "forms a legally binding agreement with Microsoft."
        ),
        error_messages={"required": NOT_ATTESTED},
    )
    documents = evidence_documents_field()
    intake_class = PartnerIntake

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


class InfoResponseForm(forms.Form):
    response = forms.CharField(
        label="Your answer to the reviewer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    documents = evidence_documents_field()
