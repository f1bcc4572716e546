from django import forms

from lib.formfields import (
    DomainField,
    IntakeForm,
    TenantIdField,
    evidence_documents_field,
    phone_field,
    us_state_field,
    us_zip_code_field,
)
from validation.intake import NOT_ATTESTED, CustomerIntake, basis_refusals
from validation.models import EntityType, RegulatedData, ValidationRequest

from .services import BillingProfile


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
    documents = evidence_documents_field()
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


class BillingProfileForm(forms.Form):
    """The customer's company and billing profile; the domain and Microsoft ID are shown, not
    edited. ``version`` is the profile's version when the page was read (the API's ETag)."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    company_name = forms.CharField(
        label="Company name", max_length=200, help_text="The exact legal name: no acronyms."
    )
    address_line = forms.CharField(label="Street address", max_length=200)
    city = forms.CharField(max_length=100)
    state = us_state_field()
    postal_code = us_zip_code_field()
    contact_name = forms.CharField(label="Primary contact", max_length=200)
    contact_email = forms.EmailField(label="Primary contact email")
    contact_phone = phone_field(label="Primary contact phone")

    def profile(self) -> BillingProfile:
        data = self.cleaned_data
        return BillingProfile(
            **{name: data[name].strip() for name in BillingProfile.__dataclass_fields__}
        )
