from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from customers.services import CustomerDetails
from lib.ascii import is_whole_number
from lib.formfields import (
    ChoiceByIdField,
    ErrorsDescribeTheirFields,
    InitialDomainPrefixField,
    WholeNumberField,
    phone_field,
    us_state_field,
    us_zip_code_field,
)
from partners.models import Partner, PartnerType
from partners.selectors import indirect_reseller_list
from validation.codes import CODE_USED_UP, validation_code_list
from validation.models import SpecialQualificationKind
from validation.selectors import CODE_CHOICES_SHOWN

from .models import BillingCycle, Term
from .selectors import CatalogEntry
from .services import CartLine

GCC = SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD


def code_label(code) -> str:
    return _("%(id)s · %(organization)s (%(left)s of %(max)s creates left)") % {
        "id": code.validation_id,
        "organization": code.organization_name,
        "left": code.remaining_creates,
        "max": code.max_creates,
    }


class ShownCodesIterator(forms.models.ModelChoiceIterator):
    """Only the codes the page shows (``field.shown``), not every code the field accepts."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for code in self.field.shown:
            yield self.choice(code)


class ValidationCodeChoiceField(ChoiceByIdField):
    """Accepts any of the agent's usable codes; the drop-down lists only the first few (and the
    one chosen), and the page searches the rest (``orders:validation_code_options``)."""

    iterator = ShownCodesIterator

    # The agent's codes with no creates left: not offered, but named when posted (a colleague
    # used the last create after this page was shown), instead of "Select a valid choice".
    used_up = None

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            if self._is_used_up(value):
                raise ValidationError(_(CODE_USED_UP), code="used_up") from None
            raise

    def _is_used_up(self, value) -> bool:
        if self.used_up is None or not is_whole_number(str(value)):
            return False
        try:
            return self.used_up.filter(pk=value).exists()
        except (ValueError, TypeError):
            return False

    def label_from_instance(self, code):
        return code_label(code)


class CustomerAccountForm(forms.Form):
    """The new customer's account info, and its special qualification."""

    company_name = forms.CharField(
        label=gettext_lazy("Company name"),
        max_length=200,
        help_text=gettext_lazy("The exact legal name: no acronyms."),
    )
    domain_prefix = InitialDomainPrefixField(
        label=gettext_lazy("Domain prefix"),
        help_text=gettext_lazy("The customer's initial domain: prefix.onmicrosoft.com."),
    )
    address_line = forms.CharField(label=gettext_lazy("Street address"), max_length=200)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    state = us_state_field()
    postal_code = us_zip_code_field()
    contact_name = forms.CharField(label=gettext_lazy("Primary contact"), max_length=200)
    contact_email = forms.EmailField(label=gettext_lazy("Primary contact email"))
    contact_phone = phone_field(label=gettext_lazy("Primary contact phone"))
    agreement_accepted = forms.BooleanField(
        label=gettext_lazy("The customer has accepted the Microsoft Customer Agreement."),
        error_messages={
            "required": gettext_lazy("The customer must accept the Microsoft Customer Agreement.")
        },
    )
    indirect_reseller = ChoiceByIdField(
        label=gettext_lazy("Indirect reseller"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=gettext_lazy("The indirect reseller this customer's subscriptions belong to."),
    )
    special_qualification = forms.ChoiceField(
        label=gettext_lazy("Special qualifications"),
        choices=[
            ("", pgettext_lazy("special qualification", "None")),
            (GCC, gettext_lazy("Government Community Cloud (GCC)")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    validation_code = ValidationCodeChoiceField(
        label=gettext_lazy("GCC validation code"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Choose the customer's validation"),
    )

    def __init__(self, *args, actor, gcc_enabled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        codes = self.fields["validation_code"]
        codes.queryset = validation_code_list(actor=actor)
        codes.used_up = validation_code_list(actor=actor, usable_only=False).filter(
            remaining_creates=0
        )
        codes.shown = self._shown_codes(codes.queryset)
        if actor.partner.partner_type == PartnerType.INDIRECT_PROVIDER:
            self.fields["indirect_reseller"].queryset = indirect_reseller_list(actor=actor)
        else:
            del self.fields["indirect_reseller"]
        if not gcc_enabled:
            self.fields["special_qualification"].widget.attrs["disabled"] = True
            self.fields["special_qualification"].disabled = True
            self.fields["validation_code"].disabled = True

    def _shown_codes(self, usable):
        """The first codes by name, and the one posted if it is further down; with more codes
        than those, the page offers a search (``more_codes``)."""
        shown = list(usable[: CODE_CHOICES_SHOWN + 1])
        self.more_codes = len(shown) > CODE_CHOICES_SHOWN
        shown = shown[:CODE_CHOICES_SHOWN]
        chosen = self.data.get("validation_code") if self.is_bound else None
        if chosen and is_whole_number(str(chosen)) and all(str(c.pk) != chosen for c in shown):
            shown += list(usable.filter(pk=int(chosen)))
        return shown

    def customer_details(self) -> CustomerDetails:
        data = self.cleaned_data
        fields = ["company_name", "address_line", "city", "state", "postal_code"]
        fields += ["contact_name", "contact_email", "contact_phone"]
        return CustomerDetails(
            **{name: data[name] for name in fields},
            domain=f"{data['domain_prefix']}.onmicrosoft.com",  # lower-cased by its field
        )


MAX_FIELD_QUANTITY = 1_000_000  # far above any offer's bound; the service names the real one


class CartForm(ErrorsDescribeTheirFields, forms.Form):
    """A quantity per offer on sale. Offers that can't be ordered are shown disabled in the
    page only: a forged post still reaches the order service, which refuses it with the reason.
    """

    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, catalog: list[CatalogEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        for entry in catalog:
            offer = entry.offer
            attrs = {"min": 0, "max": offer.max_quantity, "class": "form-control quantity"}
            if entry.refusal:
                attrs["disabled"] = True
            self.fields[self.field_name(offer.offer_id)] = WholeNumberField(
                label=offer.name,
                required=False,
                min_value=0,
                max_value=MAX_FIELD_QUANTITY,
                widget=forms.NumberInput(attrs=attrs),
            )
            # The offer's terms and billing cycles; the service refuses a combination it
            # doesn't sell (a month's term billed annually).
            select = {"class": "form-select form-select-sm"}
            if entry.refusal:
                select["disabled"] = True
            self.fields[f"term_{offer.offer_id}"] = forms.ChoiceField(
                label=_("Term for %(offer)s") % {"offer": offer.name},
                required=False,
                choices=[(term, Term(term).label) for term in offer.terms],
                widget=forms.Select(attrs=select),
            )
            self.fields[f"billing_{offer.offer_id}"] = forms.ChoiceField(
                label=_("Billing for %(offer)s") % {"offer": offer.name},
                required=False,
                choices=[(cycle, BillingCycle(cycle).label) for cycle in offer.billing_cycles],
                widget=forms.Select(attrs=select),
            )

    @staticmethod
    def field_name(offer_id: str) -> str:
        return f"quantity_{offer_id}"

    def rows(self):
        """(catalog entry, quantity, term and billing fields) of the offers that can be
        ordered here, for the template."""
        return [
            (entry, self[self.field_name(o)], self[f"term_{o}"], self[f"billing_{o}"])
            for entry in self.catalog
            if not entry.refusal and (o := entry.offer.offer_id)
        ]

    def unavailable(self) -> list[tuple[str, list]]:
        """The offers that can't be ordered here, grouped by their one reason."""
        groups: dict[str, list] = {}
        for entry in self.catalog:
            if entry.refusal:
                groups.setdefault(entry.refusal.message, []).append(entry.offer)
        return list(groups.items())

    def unavailable_errors(self) -> list[str]:
        """Errors on offers not shown as inputs (a forged post): said at the top, in full."""
        return [
            error
            for entry in self.catalog
            if entry.refusal
            for error in self.errors.get(self.field_name(entry.offer.offer_id), [])
        ]

    def lines(self) -> list[CartLine]:
        data = self.cleaned_data
        return [
            CartLine(
                offer_id,
                quantity,
                term=data.get(f"term_{offer_id}") or "",
                billing_cycle=data.get(f"billing_{offer_id}") or "",
            )
            for entry in self.catalog
            if (quantity := data.get(self.field_name(offer_id := entry.offer.offer_id)))
        ]
