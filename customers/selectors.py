"""Reads of customers, always scoped to the acting partner user's relationships."""

import contextlib
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from partners.models import User
from validation.models import (
    OPEN_STATES,
    RequestState,
    SpecialQualification,
    SpecialQualificationKind,
    ValidationEvent,
    ValidationRequest,
)

from .models import Customer

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


def _customers(actor: User) -> QuerySet[Customer]:
    latest_request = ValidationRequest.objects.filter(customer=OuterRef("pk")).order_by(
        "-submitted_at"
    )
    return Customer.objects.filter(relationships__partner_id=actor.partner_id).annotate(
        has_gcc=Exists(
            SpecialQualification.objects.filter(customer=OuterRef("pk"), qualification=GCC)
        ),
        latest_request_status=Subquery(latest_request.values("status")[:1]),
    )


def customer_list(
    *, actor: User, search: str = "", qualification: str = "", status: str = ""
) -> QuerySet[Customer]:
    """The partner's customers, searched by name, domain or Microsoft ID, and filtered."""
    customers = _customers(actor)
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


def customer_get(*, actor: User, uuid) -> Customer:
    """One of the partner's customers; DoesNotExist (a 404) for anyone else's or a bad id."""
    try:
        customer_uuid = UUID(str(uuid))
    except ValueError as exc:
        raise Customer.DoesNotExist from exc
    return _customers(actor).prefetch_related("special_qualifications").get(uuid=customer_uuid)


def customer_latest_request(*, actor: User, customer: Customer) -> ValidationRequest | None:
    """The newest GCC validation request the partner submitted for this customer."""
    events = ValidationEvent.objects.select_related("actor").order_by("at", "pk")
    return (
        ValidationRequest.objects.filter(customer=customer, partner_id=actor.partner_id)
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("-submitted_at")
        .first()
    )
