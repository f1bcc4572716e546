from django import forms
from django.utils.translation import gettext_lazy

from lib.formfields import IntakeForm, TenantIdField, evidence_documents_field

from .intake import PartnerIntake
from .models import GovernmentBasis, ValidationRequest


class PartnerValidationForm(IntakeForm):
    """Microsoft's intake form, "CSP partner" variant."""

    government_basis = forms.MultipleChoiceField(
        label=gettext_lazy("How does your organization serve US government customers?"),
        choices=GovernmentBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        # intake.GOVERNMENT_BASIS_REQUIRED, the same words.
        error_messages={
            "required": gettext_lazy("Choose at least one way you serve US government customers.")
        },
    )
    tenant_id = TenantIdField(
        label=gettext_lazy("Commercial tenant ID (Microsoft ID)"),
        help_text=gettext_lazy(
            "Copy it from Settings > Organization profile > Microsoft ID. Never your Azure GCC "
            "tenant ID."
        ),
    )
    attested = forms.BooleanField(
        label=gettext_lazy(
            "I confirm the information is accurate and understand that submitting this form "
            "forms a legally binding agreement with Microsoft."
        ),
        # intake.NOT_ATTESTED, the same words.
        error_messages={"required": gettext_lazy("You must confirm before submitting.")},
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
            "contact_language",
            "government_basis",
            "contract_reference",
            "attested",
        ]
        # The model fields with no verbose name of their own (their label, translatable).
        labels = {
            "city": gettext_lazy("City"),
            "contact_name": gettext_lazy("Contact name"),
            "contact_email": gettext_lazy("Contact email"),
        }
        help_texts = {
            "organization_name": gettext_lazy("The exact legal name: no acronyms."),
            "contract_reference": gettext_lazy(
                "A GSA schedule or contract number, or an agency reference."
            ),
        }


class InfoResponseForm(forms.Form):
    response = forms.CharField(
        label=gettext_lazy("Your answer to the reviewer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    documents = evidence_documents_field()
