"""Reads of customers, always scoped to the acting partner user's relationships."""

import contextlib
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from partners.models import User
from validation.models import (
    OPEN_STATES,
    RequestState,
    SpecialQualificationKind,
    ValidationEvent,
    ValidationRequest,
)
from validation.selectors import (
    QualificationState,
    customer_holds_gcc_expression,
    customer_special_qualification_list,
)

from .models import Customer, CustomerRelationship

GCC = SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD


class ValidationStatus:
    """A customer's GCC validation status, as the customer list filters it."""

    VALIDATED = "validated"
    PENDING = "pending"
    REJECTED = "rejected"
    NONE = "none"
    CHOICES = [
        (VALIDATED, "Validated for GCC"),
        (PENDING, "Validation pending"),
        (REJECTED, "Validation rejected"),
        (NONE, "Not validated"),
    ]


def _relationships(actor: User) -> QuerySet[CustomerRelationship]:
    """The actor's partner's relationship with the customer of the outer query."""
    return CustomerRelationship.objects.filter(customer=OuterRef("pk"), partner_id=actor.partner_id)


def _customers(actor: User) -> QuerySet[Customer]:
    latest_request = ValidationRequest.objects.filter(customer=OuterRef("pk")).order_by(
        "-submitted_at"
    )
    indirect_reseller = _relationships(actor).values("indirect_reseller__tenant_id")[:1]
    return Customer.objects.filter(relationships__partner_id=actor.partner_id).annotate(
        has_gcc=customer_holds_gcc_expression(),
        latest_request_status=Subquery(latest_request.values("status")[:1]),
        # The Microsoft ID of the indirect reseller the customer belongs to, if any.
        indirect_reseller_tenant_id=Subquery(indirect_reseller),
    )


def customer_list(
    *,
    actor: User,
    search: str = "",
    qualification: str = "",
    status: str = "",
    name_prefix: str | None = None,
    domain_prefix: str | None = None,
    indirect_reseller: str | None = None,
    after: tuple[str, int] | None = None,
) -> QuerySet[Customer]:
    """The partner's customers by company name, searched by name, domain or Microsoft ID, and
    filtered. The API filters by the start of the name or the domain, or by the indirect
    reseller (its Microsoft ID, or the start of its name), and seeks: only the customers after
    ``after`` (a company name and pk) in that order."""
    customers = _customers(actor)
    if name_prefix is not None:
        customers = customers.filter(company_name__istartswith=name_prefix)
    if domain_prefix is not None:
        customers = customers.filter(domain__istartswith=domain_prefix)
    if indirect_reseller is not None:
        resellers = _relationships(actor)
        try:
            resellers = resellers.filter(indirect_reseller__tenant_id=UUID(indirect_reseller))
        except ValueError:
            resellers = resellers.filter(indirect_reseller__name__istartswith=indirect_reseller)
        customers = customers.filter(Exists(resellers))
    if after is not None:
        name, pk = after
        customers = customers.filter(Q(company_name__gt=name) | Q(company_name=name, pk__gt=pk))
    search = search.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a query
    if search:
        match = Q(company_name__icontains=search) | Q(domain__icontains=search)
        with contextlib.suppress(ValueError):
            match |= Q(tenant_id=UUID(search))
        customers = customers.filter(match)
    if qualification == GCC:
        customers = customers.filter(has_gcc=True)
    elif qualification == "none":
        customers = customers.filter(has_gcc=False)
    if status == ValidationStatus.VALIDATED:
        customers = customers.filter(has_gcc=True)
    elif status == ValidationStatus.PENDING:
        customers = customers.filter(has_gcc=False, latest_request_status__in=OPEN_STATES)
    elif status == ValidationStatus.REJECTED:
        customers = customers.filter(has_gcc=False, latest_request_status=RequestState.REJECTED)
    elif status == ValidationStatus.NONE:
        customers = customers.filter(has_gcc=False).filter(
            Q(latest_request_status__isnull=True) | Q(latest_request_status=RequestState.APPROVED)
        )
    return customers.order_by("company_name", "pk")


def customer_get(*, actor: User, uuid=None, tenant_id=None) -> Customer:
    """One of the partner's customers, by its uuid (the portal's URLs) or its Microsoft ID (the
    API's); DoesNotExist (a 404) for anyone else's or a bad id."""
    key, value = ("uuid", uuid) if tenant_id is None else ("tenant_id", tenant_id)
    try:
        value = UUID(str(value))
    except ValueError as exc:
        raise Customer.DoesNotExist from exc
    return _customers(actor).get(**{key: value})


def partner_manages_customer(*, partner_id: int, customer_id: int) -> bool:
    """Whether the partner has a reseller relationship with the customer."""
    return CustomerRelationship.objects.filter(
        partner_id=partner_id, customer_id=customer_id
    ).exists()


def customer_domain_taken(*, domain: str) -> bool:
    """True when a customer (of any partner) has this initial domain: a tenant's domain is
    unique across Microsoft, so this check is not scoped to the actor's partner."""
    return Customer.objects.filter(domain__iexact=domain).exists()


def customer_latest_request(*, actor: User, customer: Customer) -> ValidationRequest | None:
    """The newest GCC validation request the partner submitted for this customer."""
    events = ValidationEvent.objects.select_related("actor").order_by("at", "pk")
    return (
        ValidationRequest.objects.filter(customer=customer, partner_id=actor.partner_id)
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("-submitted_at")
        .first()
    )


def customer_qualification_list(*, actor: User, customer: Customer) -> list[QualificationState]:
    """The customer's special qualifications as Partner Center lists them: each one it holds
    and, while it lacks GCC, the partner's latest GCC validation request for it unless that was
    approved (under review, or rejected)."""
    held = customer_special_qualification_list(actor=actor, customer=customer)
    states = [QualificationState.held(q) for q in held]
    if not any(state.qualification == GCC for state in states):
        latest = customer_latest_request(actor=actor, customer=customer)
        if latest is not None and latest.status != RequestState.APPROVED:
            states.append(QualificationState.requested(latest))
    return states
