"""Reads of the catalog, orders and subscriptions, scoped to the acting partner's customers;
and the ops' side (stuck orders), unscoped."""

import re
import uuid
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from customers.models import Customer
from partners.models import User

from .eligibility import PurchaseContext, offer_refusal
from .models import Offer, Order, OrderLine, Subscription


@dataclass(frozen=True)
class CatalogEntry:
    offer: Offer
    refusal: str | None


def catalog_for(context: PurchaseContext) -> list[CatalogEntry]:
    """Every offer on sale, each with the reason it can't be ordered here (None if it can).
    An add-on counts as orderable when a base suite it needs could be in the same order."""
    offers = sorted(
        Offer.objects.filter(is_active=True),
        key=lambda o: (not o.is_gcc, o.is_addon, o.product_family, o.name),
    )
    orderable_bases = frozenset(
        offer.product_family
        for offer in offers
        if not offer.is_addon and offer_refusal(offer, context) is None
    )
    return [
        CatalogEntry(offer, offer_refusal(offer, context, cart_families=orderable_bases))
        for offer in offers
    ]


def order_list(*, actor: User, customer: Customer) -> QuerySet[Order]:
    return (
        Order.objects.filter(customer=customer, partner_id=actor.partner_id)
        .select_related("created_by")
        .annotate(line_count=Count("lines"))
        .order_by("-created_at", "-pk")
    )


def order_get(*, actor: User, customer: Customer, uuid) -> Order:
    lines = OrderLine.objects.select_related("offer", "subscription")
    return (
        Order.objects.filter(customer=customer, partner_id=actor.partner_id)
        .select_related("billing_partner", "partner", "created_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .get(uuid=uuid)
    )


def subscription_list(*, actor: User, customer: Customer) -> QuerySet[Subscription]:
    """The subscriptions the actor's partner ordered for the customer. A customer may have
    several partners: each sees only its own subscriptions, as with its orders."""
    return Subscription.objects.filter(
        customer=customer, order_line__order__partner_id=actor.partner_id
    ).select_related("offer")


# --- The ops' side (every partner's orders) ----------------------------------------------------


def stuck_orders() -> QuerySet[Order]:
    """Orders the provisioning sweep set aside after failing on them, the oldest first."""
    return (
        Order.objects.filter(stuck_at__isnull=False)
        .select_related("customer")
        .order_by("stuck_at", "pk")
    )


def stuck_order_count() -> int:
    return Order.objects.filter(stuck_at__isnull=False).count()


ORDER_REFERENCE = re.compile(r"^(?:ORD-)?0*(\d+)$", re.IGNORECASE)


def order_find(reference: str) -> Order:
    """An order by its reference (``ORD-000012``), its number (``12``) or its UUID.

    DoesNotExist when there is none.
    """
    reference = reference.strip()
    match = ORDER_REFERENCE.match(reference)
    if match:
        return Order.objects.get(pk=int(match.group(1)))
    try:
        return Order.objects.get(uuid=uuid.UUID(reference))
    except ValueError as exc:
        raise Order.DoesNotExist(reference) from exc
