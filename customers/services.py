"""Every change to customers: creating them, and their special qualifications."""

import hashlib
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.refusals import Refusal, RefusalCode
from partners import permissions
from partners.models import Partner, User
from partners.permissions import Action
from partners.selectors import partner_holds_gcc
from validation.codes import (
    CODE_UNKNOWN,
    customer_gcc_qualification_grant,
    validation_code_consume,
    validation_code_list,
)
from validation.models import SpecialQualification, SpecialQualificationKind
from validation.selectors import customer_gcc_status_expression, customer_holds_gcc

from .models import Customer, CustomerRelationship, book_search_text

GCC = SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD
GCC_NOT_ENABLED = gettext_noop(
    "Your organization can't create GCC customers yet: Government_community_cloud is not on "
    "its reseller qualifications."
)
CODE_REQUIRED = gettext_noop(
    "Choose the customer's GCC validation code. No code listed? The customer has not been "
    "validated yet: submit a new request."
)
DOMAIN_TAKEN = gettext_noop("This domain is already taken. Choose another domain prefix.")
NOT_YOUR_RESELLER = gettext_noop("Choose one of your own indirect resellers.")


@dataclass(frozen=True, kw_only=True)
class BillingProfile:
    """A customer's company and contact details: what its billing profile changes."""

    company_name: str
    address_line: str
    city: str
    state: str
    postal_code: str
    contact_name: str
    contact_email: str
    contact_phone: str

    @classmethod
    def of(cls, customer: Customer) -> "BillingProfile":
        return cls(**{f.name: getattr(customer, f.name) for f in fields(cls)})


@dataclass(frozen=True, kw_only=True)
class CustomerDetails(BillingProfile):
    """A new customer: its billing profile and its initial domain (prefix.onmicrosoft.com)."""

    domain: str


CONTACT_PHONE_REQUIRED = gettext_noop(
    "Give the primary contact's phone number: the portal keeps one for every customer."
)


def _check_contact_phone(profile: BillingProfile) -> None:
    if not profile.contact_phone.strip():
        raise Refusal(
            RefusalCode.CONTACT_PHONE_REQUIRED, _(CONTACT_PHONE_REQUIRED), field="contact_phone"
        )


def _check_indirect_reseller(actor: User, indirect_reseller: Partner | None) -> None:
    if indirect_reseller is not None and indirect_reseller.indirect_provider_id != actor.partner_id:
        raise Refusal(
            RefusalCode.NOT_YOUR_RESELLER, _(NOT_YOUR_RESELLER), field="indirect_reseller"
        )


@transaction.atomic
def customer_create(
    *,
    actor: User,
    details: CustomerDetails,
    qualification: str = "",
    validation_code_id: int | None = None,
    indirect_reseller: Partner | None = None,
    now: datetime | None = None,
) -> Customer:
    """Create a customer (a new tenant) managed by the actor's partner.

    With the GCC qualification a validation code is required, and one of its creates is used
    up in the same transaction: the customer and the create are kept together or not at all.
    """
    permissions.require(actor, Action.ADD_CUSTOMER)
    _check_indirect_reseller(actor, indirect_reseller)
    _check_contact_phone(details)
    now = now or timezone.now()
    if qualification == GCC:
        if not partner_holds_gcc(actor.partner):
            raise Refusal(
                RefusalCode.PARTNER_NOT_GCC, _(GCC_NOT_ENABLED), field="special_qualification"
            )
        if not validation_code_id:
            raise Refusal(RefusalCode.CODE_REQUIRED, _(CODE_REQUIRED), field="validation_code")
    elif qualification:
        raise Refusal(
            RefusalCode.UNKNOWN_QUALIFICATION,
            _("Choose None or Government Community Cloud."),
            field="special_qualification",
        )

    customer = Customer(**asdict(details))
    try:
        customer.full_clean()
    except ValidationError as exc:
        codes = {error.code for error in exc.error_dict.get("domain", [])}
        if "unique" in codes:
            raise Refusal(RefusalCode.DOMAIN_TAKEN, _(DOMAIN_TAKEN), field="domain_prefix") from exc
        raise  # a domain the doors should have refused already: a bug, not "taken"
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:  # a concurrent create took the domain
        raise Refusal(RefusalCode.DOMAIN_TAKEN, _(DOMAIN_TAKEN), field="domain_prefix") from exc
    customer_relationship_add(
        partner_id=actor.partner_id,
        customer=customer,
        indirect_reseller_id=indirect_reseller.pk if indirect_reseller else None,
        origin=CustomerRelationship.Origin.CREATED,
    )
    if qualification == GCC:
        code = validation_code_consume(actor=actor, code_id=validation_code_id)
        customer_gcc_qualification_grant(customer=customer, code=code, now=now)
    return customer


def customer_relationship_add(
    *, partner_id: int, customer: Customer, indirect_reseller_id: int | None, origin: str
) -> CustomerRelationship:
    """The partner manages the customer from now on (once: adding it again changes nothing).
    The row carries the customer's name, domain and GCC status for the partner's list."""
    relationship, created = CustomerRelationship.objects.get_or_create(
        partner_id=partner_id,
        customer=customer,
        defaults={
            "indirect_reseller_id": indirect_reseller_id,
            "origin": origin,
            "company_name": customer.company_name,
            "domain": customer.domain,
            "search_text": book_search_text(customer.company_name, customer.domain),
        },
    )
    if created:
        customer_gcc_status_refresh(customer_ids=[customer.pk])
        relationship.refresh_from_db(fields=["gcc_status"])
    return relationship


def customer_gcc_status_refresh(*, customer_ids) -> int:
    """Recompute the GCC status its partners' lists show for these customers: one UPDATE.
    Validation asks for it (validation.signals) whenever a customer's standing may change."""
    customer_ids = list(customer_ids)
    changed = CustomerRelationship.objects.filter(customer_id__in=customer_ids).update(
        gcc_status=customer_gcc_status_expression("customer_id")
    )
    _books_changed(customer_ids=customer_ids)
    return changed


def _books_changed(*, customer_ids: list[int]) -> None:
    """Give every partner that manages these customers a new book version, in the transaction
    that changes them: the list pages cached under the old one are not served again. (The list
    reads the version before the rows, with the signed-in user, so no page is ever cached
    under a version newer than what it shows.)"""
    managing = CustomerRelationship.objects.filter(customer_id__in=customer_ids)
    Partner.objects.filter(pk__in=managing.values("partner_id")).update(book_version=uuid.uuid4())


def customer_relationship_remove(*, partner_id: int, customer: Customer) -> bool:
    """The partner no longer manages the customer: it leaves the partner's list (whether it
    may, orders.services.customer_relationship_end decides). False if it was not managed."""
    _books_changed(customer_ids=[customer.pk])
    deleted, _ = CustomerRelationship.objects.filter(
        partner_id=partner_id, customer=customer
    ).delete()
    return bool(deleted)


def on_customer_gcc_changed(sender, *, customer_ids, **kwargs) -> None:
    """validation.signals.customer_gcc_changed's receiver (connected in apps.py)."""
    customer_gcc_status_refresh(customer_ids=customer_ids)


CUSTOMER_ALREADY_QUALIFIED = gettext_noop(
    "This customer already holds the Government Community Cloud qualification: no validation "
    "code is used."
)
SETTABLE_QUALIFICATIONS_ONLY_GCC = gettext_noop(
    "This portal sets only the GovernmentCommunityCloud special qualification "
    "(Education and StateOwnedEntity are not offered here; None and Nonprofit can't be set)."
)


@transaction.atomic
def customer_gcc_qualification_set(
    *, actor: User, customer: Customer, validation_id: str, now: datetime | None = None
) -> SpecialQualification:
    """Give an existing customer GCC with one of the partner's validation codes (its
    ``validationId``), using up one create. The customer row is locked first, so two calls at
    once use the code once and the second is told the customer is already qualified."""
    permissions.require(actor, Action.ADD_CUSTOMER)
    if not partner_holds_gcc(actor.partner):
        raise Refusal(RefusalCode.PARTNER_NOT_GCC, _(GCC_NOT_ENABLED), field="qualification")
    if not validation_id:
        raise Refusal(RefusalCode.CODE_REQUIRED, _(CODE_REQUIRED), field="validation_code")
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if customer_holds_gcc(customer):
        raise Refusal(
            RefusalCode.CUSTOMER_ALREADY_GCC, _(CUSTOMER_ALREADY_QUALIFIED), field="qualification"
        )
    code = (
        validation_code_list(actor=actor, usable_only=False)
        .filter(validation_id=validation_id)
        .first()
    )
    if code is None:
        raise Refusal(RefusalCode.CODE_UNKNOWN, _(CODE_UNKNOWN), field="validation_code")
    code = validation_code_consume(actor=actor, code_id=code.pk)
    return customer_gcc_qualification_grant(customer=customer, code=code, now=now)


CUSTOMER_CHANGED = gettext_noop(
    "Someone changed this customer since you opened the page: here is what it is now. "
    "Nothing was saved. Check the details below and make your change again."
)
NOT_YOUR_CUSTOMER = gettext_noop("This customer is not one of your organization's customers.")


def billing_profile_version(customer: Customer) -> str:
    """The version of a customer's billing profile as it was read: a page or the API (its ETag,
    the same 16 hex digits) sends it back with a change, and a change made in between refuses
    that change (``customer_billing_profile_update``)."""
    parts = [
        customer.company_name,
        customer.contact_name,
        customer.contact_email,
        customer.contact_phone,
        customer.address_line,
        customer.city,
        customer.state,
        customer.postal_code,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


@transaction.atomic
def customer_billing_profile_update(
    *,
    actor: User,
    customer: Customer,
    profile: BillingProfile,
    expected_version: str | None = None,
) -> Customer:
    """Change a customer's company and contact details (its billing profile), validated
    before saving; only what differs is written. The domain and the Microsoft ID never change.

    With ``expected_version`` (``billing_profile_version`` of the profile the person edited),
    the change is refused with CUSTOMER_CHANGED when the profile is no longer that version:
    compared on the locked row, so of two edits from the same version only the first saves.
    The refusal is ``about`` the customer as it is now."""
    permissions.require(actor, Action.EDIT_CUSTOMER)
    if not CustomerRelationship.objects.filter(
        partner_id=actor.partner_id, customer_id=customer.pk
    ).exists():
        raise Refusal(RefusalCode.NOT_YOUR_CUSTOMER, _(NOT_YOUR_CUSTOMER))
    _check_contact_phone(profile)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if expected_version is not None and expected_version != billing_profile_version(customer):
        raise Refusal(RefusalCode.CUSTOMER_CHANGED, _(CUSTOMER_CHANGED), about=customer)
    wanted = asdict(profile)
    changed = [name for name, value in wanted.items() if getattr(customer, name) != value]
    for name in changed:
        setattr(customer, name, wanted[name])
    if changed:
        customer.full_clean()
        customer.save(update_fields=changed)
    if "company_name" in changed:  # the partners' lists sort and search on their copy
        CustomerRelationship.objects.filter(customer=customer).update(
            company_name=customer.company_name,
            search_text=book_search_text(customer.company_name, customer.domain),
        )
        _books_changed(customer_ids=[customer.pk])
    return customer
