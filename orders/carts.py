"""Carts, Partner Center's new-commerce way to order: lines kept with the gate's verdict on
each, then checked out into one order through ``services.order_place``, so a cart and an order
form are refused by the same rules with the same codes.

A cart line names an offer by its catalog item ID. Our catalog has one SKU and one
availability per offer, so an offer's catalog item is ``{offerId}:0001:0001``; the bare
``offerId`` is accepted too.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.models import Customer
from customers.selectors import partner_manages_customer
from lib.refusals import Refusal, RefusalCode
from partners import permissions
from partners.models import User
from partners.permissions import Action

from .eligibility import PurchaseContext, offer_refusal
from .models import Cart, CartLineItem, CartStatus, Offer, Order
from .services import (
    NOT_YOUR_CUSTOMER,
    CartLine,
    check_friendly_name_on_line,
    check_quantity,
    order_place,
    partner_of_record_for,
)

CART_DAYS = 7  # a cart not checked out within a week expires, as in Partner Center
CATALOG_ITEM_SUFFIX = ":0001:0001"
CART_ORDERED = gettext_noop("This cart was checked out already: create a new cart to order again.")
CART_EXPIRED = gettext_noop("This cart expired on %(date)s: create a new one.")
DUPLICATE_LINE = gettext_noop("This offer is on another line of the cart already.")
UNKNOWN_CATALOG_ITEM = gettext_noop(
    "Unknown catalog item %(item)s: use an offer's ID, or {offerId}:0001:0001."
)


@dataclass(frozen=True)
class CartItem:
    """A cart line as asked for (a door's typed input)."""

    catalog_item_id: str
    quantity: int
    friendly_name: str = ""
    partner_id_on_record: str = ""


def catalog_item_id(offer: Offer) -> str:
    return f"{offer.offer_id}{CATALOG_ITEM_SUFFIX}"


def _offer_id(item_id: str) -> str:
    return item_id.strip().removesuffix(CATALOG_ITEM_SUFFIX)


@dataclass(frozen=True)
class CheckoutResult:
    order: Order | None
    errors: list[Refusal]  # why no order was placed (each line's refusal)


def _line_refusal(actor, context, offers, item, families, seen) -> Refusal | None:
    """Why this line can't be ordered, or None: the order's own checks, one line at a time."""
    offer = offers.get(_offer_id(item.catalog_item_id))
    if offer is None:
        message = _(UNKNOWN_CATALOG_ITEM) % {"item": repr(item.catalog_item_id[:100])}
        return Refusal(RefusalCode.UNKNOWN_OFFER, message)
    if offer.pk in seen:
        return Refusal(RefusalCode.DUPLICATE_OFFER, _(DUPLICATE_LINE))
    seen.add(offer.pk)
    try:
        check_quantity(offer, item.quantity, field="quantity")
        refusal = offer_refusal(offer, context, cart_families=families)
        if refusal:
            return Refusal(refusal.code, f"{offer.name}: {refusal.message}")
        check_friendly_name_on_line(offer, item.friendly_name)
        partner_of_record_for(partner=actor.partner, mpn_id=item.partner_id_on_record)
    except Refusal as refusal:
        return refusal
    return None


def _write_lines(actor: User, cart: Cart, items: list[CartItem]) -> None:
    """Replace the cart's lines with ``items``, each with the gate's verdict now."""
    offers = Offer.objects.in_bulk(
        [_offer_id(item.catalog_item_id) for item in items], field_name="offer_id"
    )
    context = PurchaseContext.for_customer(partner=actor.partner, customer=cart.customer)
    families = frozenset(
        offers[_offer_id(i.catalog_item_id)].product_family
        for i in items
        if _offer_id(i.catalog_item_id) in offers
    )
    seen: set[int] = set()
    cart.lines.all().delete()
    rows = []
    for number, item in enumerate(items):
        refusal = _line_refusal(actor, context, offers, item, families, seen)
        rows.append(
            CartLineItem(
                cart=cart,
                number=number,
                catalog_item_id=item.catalog_item_id[:100],
                offer=offers.get(_offer_id(item.catalog_item_id)),
                quantity=item.quantity,
                friendly_name=item.friendly_name.strip()[:200],
                partner_id_on_record=item.partner_id_on_record.strip()[:20],
                error_code=refusal.code.value if refusal else "",
                error_description=refusal.message if refusal else "",
            )
        )
    CartLineItem.objects.bulk_create(rows)


def _check_customer(actor: User, customer: Customer) -> None:
    permissions.require(actor, Action.PLACE_ORDERS)
    if not partner_manages_customer(partner_id=actor.partner_id, customer_id=customer.pk):
        raise Refusal(RefusalCode.NOT_YOUR_CUSTOMER, _(NOT_YOUR_CUSTOMER))


def _check_open(cart: Cart, now: datetime) -> None:
    if cart.status == CartStatus.ORDERED:
        raise Refusal(RefusalCode.CART_ORDERED, _(CART_ORDERED))
    if now >= cart.expires_at:
        date = timezone.localtime(cart.expires_at).date().isoformat()
        raise Refusal(RefusalCode.CART_EXPIRED, _(CART_EXPIRED) % {"date": date})


@transaction.atomic
def cart_create(
    *, actor: User, customer: Customer, items: list[CartItem], now: datetime | None = None
) -> Cart:
    """A new cart for the customer, its lines checked (a refused line is kept, with why)."""
    _check_customer(actor, customer)
    if not items:
        raise Refusal(RefusalCode.EMPTY_CART, _("Put at least one line in the cart."))
    now = now or timezone.now()
    cart = Cart.objects.create(
        customer=customer,
        partner=actor.partner,
        created_at=now,
        updated_at=now,
        updated_by=actor,
        expires_at=now + timedelta(days=CART_DAYS),
    )
    _write_lines(actor, cart, items)
    return cart


@transaction.atomic
def cart_replace(
    *, actor: User, cart: Cart, items: list[CartItem], now: datetime | None = None
) -> Cart:
    """The cart with new lines (Partner Center's PUT: the whole cart is sent again)."""
    _check_customer(actor, cart.customer)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    now = now or timezone.now()
    _check_open(cart, now)
    if not items:
        raise Refusal(RefusalCode.EMPTY_CART, _("Put at least one line in the cart."))
    _write_lines(actor, cart, items)
    cart.updated_at, cart.updated_by = now, actor
    cart.save(update_fields=["updated_at", "updated_by"])
    return cart


@transaction.atomic
def cart_checkout(
    *, actor: User, cart: Cart, submission_key: uuid.UUID, now: datetime | None = None
) -> CheckoutResult:
    """Order the cart: one order through ``order_place`` (the same gate, the same submission
    key dedupe), or, if a line is refused now, no order and each line's refusal. Two checkouts
    at once: the cart row is locked, the second finds it ordered."""
    _check_customer(actor, cart.customer)
    cart = Cart.objects.select_for_update().select_related("customer").get(pk=cart.pk)
    if (
        cart.status == CartStatus.ORDERED
        and cart.order
        and cart.order.submission_key == (submission_key)
    ):
        return CheckoutResult(cart.order, [])  # the same checkout, retried
    now = now or timezone.now()
    _check_open(cart, now)
    lines = list(cart.lines.all())
    items = [
        CartItem(line.catalog_item_id, line.quantity, line.friendly_name, line.partner_id_on_record)
        for line in lines
    ]
    _write_lines(actor, cart, items)  # the verdicts as of now (a qualification may have gone)
    refused = [line for line in cart.lines.all() if line.error_code]
    if refused:
        errors = [Refusal(RefusalCode(line.error_code), line.error_description) for line in refused]
        return CheckoutResult(None, errors)
    order = order_place(
        actor=actor,
        customer=cart.customer,
        lines=[
            CartLine(
                offer_id=_offer_id(item.catalog_item_id),
                quantity=item.quantity,
                friendly_name=item.friendly_name,
                partner_id_on_record=item.partner_id_on_record,
            )
            for item in items
        ],
        submission_key=submission_key,
        now=now,
    )
    cart.status, cart.order, cart.updated_at, cart.updated_by = (
        CartStatus.ORDERED,
        order,
        now,
        actor,
    )
    cart.save(update_fields=["status", "order", "updated_at", "updated_by"])
    return CheckoutResult(order, [])
