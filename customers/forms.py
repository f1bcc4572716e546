from django import forms
from django.utils.translation import gettext_lazy

from lib.formfields import (
    DomainField,
    IntakeForm,
    TenantIdField,
    evidence_documents_field,
    phone_field,
    us_state_field,
    us_zip_code_field,
)
from validation.intake import CustomerIntake, basis_refusals
from validation.models import EntityType, RegulatedData, ValidationRequest

from .services import BillingProfile


class CustomerValidationForm(IntakeForm):
    """Microsoft's intake form, "CSP customer" variant, filled on the customer's behalf."""

    tenant_id = TenantIdField(
        label=gettext_lazy("Transacting partner's commercial tenant ID"),
        help_text=gettext_lazy(
            "Your organization's Microsoft ID (Settings > Organization profile); an indirect "
            "reseller enters its indirect provider's. Never an Azure GCC tenant ID."
        ),
    )
    domain = DomainField(
        label=gettext_lazy("Customer domain"),
        help_text=gettext_lazy("The organization's domain, e.g. springfield.gov."),
    )
    entity_type = forms.ChoiceField(
        label=gettext_lazy("Eligibility basis"),
        choices=EntityType.choices,
        widget=forms.RadioSelect,
    )
    regulated_data = forms.MultipleChoiceField(
        label=gettext_lazy(
            "Government-regulated data the organization holds (commercial entities)"
        ),
        choices=RegulatedData.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    attested = forms.BooleanField(
        label=gettext_lazy(
            "I confirm that I submit this on the customer's behalf, with its consent, and that "
            "the information is accurate."
        ),
        # validation.intake.NOT_ATTESTED, the same text, lazily translated.
        error_messages={"required": gettext_lazy("You must confirm before submitting.")},
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
            "contact_language",
            "tenant_id",
            "attested",
        ]
        labels = {
            "organization_name": gettext_lazy("Customer's legal name"),
            "city": gettext_lazy("City"),
            "contact_name": gettext_lazy("Customer contact Microsoft may reach"),
            "contact_email": gettext_lazy("Contact email"),
            "is_us_entity": gettext_lazy("The organization is a US entity"),
        }
        help_texts = {
            "organization_name": gettext_lazy("Exact and complete: no acronyms, no test names."),
            "jurisdiction": gettext_lazy(
                "For a government entity: the agency, state, county, city or tribe."
            ),
            "us_presence": gettext_lazy(
                "Only for a non-US commercial entity: its verified US presence."
            ),
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
        label=gettext_lazy("Company name"),
        max_length=200,
        help_text=gettext_lazy("The exact legal name: no acronyms."),
    )
    address_line = forms.CharField(label=gettext_lazy("Street address"), max_length=200)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    state = us_state_field()
    postal_code = us_zip_code_field()
    contact_name = forms.CharField(label=gettext_lazy("Primary contact"), max_length=200)
    contact_email = forms.EmailField(label=gettext_lazy("Primary contact email"))
    contact_phone = phone_field(label=gettext_lazy("Primary contact phone"))

    def profile(self) -> BillingProfile:
        data = self.cleaned_data
        return BillingProfile(
            **{name: data[name].strip() for name in BillingProfile.__dataclass_fields__}
        )
