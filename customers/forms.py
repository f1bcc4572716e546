from django import forms

from lib.formfields import DomainField, IntakeForm, TenantIdField
from validation.intake import NOT_ATTESTED, CustomerIntake, basis_refusals
from validation.models import EntityType, RegulatedData, ValidationRequest


class CustomerValidationForm(IntakeForm):
    """Microsoft's intake form, "CSP customer" variant, filled on the customer's behalf."""

    tenant_id = TenantIdField(
        label="Transacting partner's commercial tenant ID",
        help_text=(
            "Your organization's Microsoft ID (Settings > Organization profile); an indirect "
            "reseller enters its indirect provider's. Never an Azure GCC tenant ID."
        ),
    )
    domain = DomainField(
        label="Customer domain", help_text="The organization's domain, e.g. springfield.gov."
    )
    entity_type = forms.ChoiceField(
        label="Eligibility basis",
        choices=EntityType.choices,
        widget=forms.RadioSelect,
    )
    regulated_data = forms.MultipleChoiceField(
        label="Government-regulated data the organization holds (commercial entities)",
        choices=RegulatedData.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    attested = forms.BooleanField(
        label="I confirm that I submit this on the customer's behalf, with its consent, and that "
        "the information is accurate.",
        error_messages={"required": NOT_ATTESTED},
    )
    intake_class = CustomerIntake

    class Meta:
        model = ValidationRequest
        fields = [
            "organization_name",
            "domain",
            "entity_type",
            "jurisdiction",
            "regulated_data",
            "is_us_entity",
            "us_presence",
            "address_line",
            "city",
            "state",
            "postal_code",
            "contact_name",
            "contact_email",
            "contact_phone",
            "tenant_id",
            "attested",
        ]
        labels = {
            "organization_name": "Customer's legal name",
            "contact_name": "Customer contact Microsoft may reach",
            "contact_email": "Contact email",
            "is_us_entity": "The organization is a US entity",
        }
        help_texts = {
            "organization_name": "Exact and complete: no acronyms, no test names.",
            "jurisdiction": "For a government entity: the agency, state, county, city or tribe.",
            "us_presence": "Only for a non-US commercial entity: its verified US presence.",
        }
        widgets = {"us_presence": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        # The service's rules on the eligibility basis, asked now to show every problem at once.
        for refusal in basis_refusals(
            entity_type=data.get("entity_type", ""),
            jurisdiction=data.get("jurisdiction", ""),
            regulated_data=data.get("regulated_data", []),
        ):
            self.add_error(refusal.field, refusal.message)
        return data
