"""Reads of the catalog, orders and subscriptions, scoped to the acting partner's customers;
and the ops' side (stuck orders), unscoped."""

import re
import uuid
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from customers.models import Customer
from lib.locks import lock_for_transaction
from lib.refusals import Refusal
from partners.models import User

from .eligibility import PurchaseContext, offer_refusal
from .models import Cart, CartLineItem, Offer, Order, OrderLine, Subscription


@dataclass(frozen=True)
class CatalogEntry:
    offer: Offer
    refusal: Refusal | None


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


def offer_list() -> QuerySet[Offer]:
    """The offers on sale, GCC ones first (the catalog is the same for every partner)."""
    return Offer.objects.filter(is_active=True).order_by("-is_gcc", "offer_id")


def offer_get(*, offer_id: str) -> Offer | None:
    """An offer by its ID, retired or not; None if there is none."""
    return Offer.objects.filter(offer_id=offer_id).first()


def orderable_offer_list(*, actor: User, customer: Customer) -> list[Offer]:
    """The offers the actor's partner may order for the customer now (``catalog_for``'s)."""
    context = PurchaseContext.for_customer(partner=actor.partner, customer=customer)
    return [entry.offer for entry in catalog_for(context) if entry.refusal is None]


def _order_lines() -> Prefetch:
    """Each order's lines with their offers and subscriptions, ``number``ed from 0."""
    number = Window(RowNumber(), partition_by=F("order_id"), order_by=F("pk").asc()) - 1
    lines = OrderLine.objects.select_related("offer", "subscription", "partner_of_record").annotate(
        number=number
    )
    return Prefetch("lines", queryset=lines.order_by("pk"))


def order_list(*, actor: User, customer: Customer) -> QuerySet[Order]:
    return (
        Order.objects.filter(customer=customer, partner_id=actor.partner_id)
        .select_related("created_by", "customer")
        .prefetch_related(_order_lines())
        .annotate(line_count=Count("lines"))
        .order_by("-created_at", "-pk")
    )


def order_get(*, actor: User, customer: Customer, uuid) -> Order:
    return (
        Order.objects.filter(customer=customer, partner_id=actor.partner_id)
        .select_related("billing_partner", "partner", "created_by", "customer")
        .prefetch_related(_order_lines())
        .get(uuid=uuid)
    )


def subscription_list(
    *,
    actor: User,
    customer: Customer,
    order_uuid: uuid.UUID | None = None,
    mpn_id: str | None = None,
) -> QuerySet[Subscription]:
    """The subscriptions the actor's partner ordered for the customer (only those of the order
    ``order_uuid``, or credited to the partner ID ``mpn_id``, if given). A customer may have
    several partners: each sees only its own subscriptions, as with its orders."""
    subscriptions = Subscription.objects.filter(
        customer=customer, order_line__order__partner_id=actor.partner_id
    ).select_related("offer", "order_line__order", "customer", "partner_of_record")
    if order_uuid is not None:
        subscriptions = subscriptions.filter(order_line__order__uuid=order_uuid)
    if mpn_id is not None:
        subscriptions = subscriptions.filter(partner_of_record__mpn_id=mpn_id)
    return subscriptions


def cart_get(*, actor: User, customer: Customer, uuid) -> Cart:
    """One of the partner's carts for the customer, with its lines; DoesNotExist (a 404) for
    anyone else's."""
    lines = Prefetch("lines", queryset=CartLineItem.objects.select_related("offer"))
    return (
        Cart.objects.filter(customer=customer, partner_id=actor.partner_id)
        .select_related("customer", "updated_by", "order")
        .prefetch_related(lines)
        .get(uuid=uuid)
    )


def subscription_get(*, actor: User, customer: Customer, uuid) -> Subscription:
    """One of ``subscription_list``'s; DoesNotExist (a 404) for any other."""
    return subscription_list(actor=actor, customer=customer).get(uuid=uuid)


def order_for_submission(*, actor: User, submission_key) -> Order | None:
    """The order a form with this submission key placed already (a double click, a re-post).
    A copy of the same submission still in flight is waited for (lib.locks), so a double
    click's second request sees the first one's order, not a half-done state."""
    try:
        key = uuid.UUID(str(submission_key))
    except ValueError:
        return None
    lock_for_transaction(f"order-submission:{key}")
    return (
        Order.objects.select_related("customer")
        .filter(submission_key=key, partner_id=actor.partner_id)
        .first()
    )


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
