"""Every change to orders and subscriptions: placing an order, provisioning it, the sweep."""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, pgettext

from customers.models import Customer
from customers.selectors import partner_manages_customer
from customers.services import CustomerDetails, customer_create, customer_relationship_remove
from lib.i18n import language_of
from lib.queue import enqueue_on_commit
from lib.refusals import Refusal, RefusalCode
from lib.sweeps import (
    SweepOutcome,
    drain,
    excluding,
    sweep_one_at_a_time,
    sweep_reset,
    sweep_time_budget,
)
from ops.notifications import notify_on_commit
from partners import permissions
from partners.models import Partner, PartnerType, User
from partners.permissions import Action

from .eligibility import PurchaseContext, offer_refusal
from .models import (
    BillingCycle,
    Offer,
    Order,
    OrderLine,
    OrderStatus,
    Subscription,
    SubscriptionStatus,
    Term,
)
from .selectors import order_for_submission

logger = logging.getLogger(__name__)

EMPTY_CART = gettext_noop("Choose at least one offer and a quantity.")
NOT_YOUR_CUSTOMER = gettext_noop("This customer is not managed by your organization.")
NOT_YOUR_SUBSCRIPTION = gettext_noop("This subscription was not ordered by your organization.")
ORDER_NOT_STUCK = "{reference} is not stuck: the provisioning sweep takes it as usual."


@dataclass(frozen=True)
class CartLine:
    offer_id: str
    quantity: int
    friendly_name: str = ""  # the subscription's name; blank means the offer's name
    partner_id_on_record: str = ""  # an indirect reseller's partner ID (MPN), to credit it
    term: str = ""  # ISO 8601 (P1M, P1Y, P3Y); blank means the offer's default
    billing_cycle: str = ""  # monthly or annual; blank means the offer's default


PARTNER_ID_UNKNOWN = gettext_noop("No partner has the partner ID %(mpn_id)s.")
PARTNER_ID_NOT_RESELLER = gettext_noop(
    "The partner ID %(mpn_id)s is not one of your indirect resellers: only an indirect reseller "
    "you work with can be the partner of record."
)
PARTNER_ID_OWN = gettext_noop(
    "The partner ID %(mpn_id)s is your own: the partner of record is the indirect reseller "
    "credited with the sale, never the indirect provider."
)


def partner_of_record_for(*, partner: Partner, mpn_id: str) -> Partner | None:
    """The indirect reseller an order line credits (Partner Center's ``partnerIdOnRecord``):
    one of ``partner``'s indirect resellers, named by its partner ID. Without one, an indirect
    reseller ordering for itself is its own partner of record; anyone else has none."""
    mpn_id = mpn_id.strip()
    if not mpn_id:
        return partner if partner.partner_type == PartnerType.INDIRECT_RESELLER else None
    named = Partner.objects.filter(mpn_id=mpn_id).first() if mpn_id.isdigit() else None
    if named is None:
        message = _(PARTNER_ID_UNKNOWN) % {"mpn_id": mpn_id[:20]}
        raise Refusal(RefusalCode.PARTNER_ID_UNKNOWN, message, field="partner_id_on_record")
    if named == partner:
        if partner.partner_type == PartnerType.INDIRECT_RESELLER:
            return partner
        message = _(PARTNER_ID_OWN) % {"mpn_id": mpn_id}
        raise Refusal(RefusalCode.PARTNER_ID_OWN, message, field="partner_id_on_record")
    if named.indirect_provider_id != partner.pk:
        message = _(PARTNER_ID_NOT_RESELLER) % {"mpn_id": mpn_id}
        raise Refusal(RefusalCode.PARTNER_ID_NOT_RESELLER, message, field="partner_id_on_record")
    return named


FRIENDLY_NAME_MAX = 200  # OrderLine's and Subscription's friendly_name
FRIENDLY_NAME_TOO_LONG = gettext_noop("A subscription name is at most %(max)s characters.")
FRIENDLY_NAME_REQUIRED = gettext_noop("Give the subscription a name (1 to %(max)s characters).")


def check_quantity(offer: Offer, quantity: int, *, field: str) -> None:
    if not offer.min_quantity <= quantity <= offer.max_quantity:
        raise Refusal(
            RefusalCode.QUANTITY_OUT_OF_BOUNDS,
            _("%(offer)s: choose a quantity from %(min)s to %(max)s.")
            % {"offer": offer.name, "min": offer.min_quantity, "max": offer.max_quantity},
            field=field,
        )


def _check_friendly_name(
    name: str, *, required: bool, message: str, field: str | None = None
) -> str:
    """The name as kept (trimmed). On an order line it may be blank (the offer's name)."""
    name = name.strip()
    if len(name) > FRIENDLY_NAME_MAX or (required and not name):
        raise Refusal(RefusalCode.FRIENDLY_NAME_INVALID, message, field=field)
    return name


def check_friendly_name_on_line(offer: Offer, name: str) -> None:
    too_long = _(FRIENDLY_NAME_TOO_LONG) % {"max": FRIENDLY_NAME_MAX}
    _check_friendly_name(name, required=False, message=f"{offer.name}: {too_long}")


def _offer_field(offer_id: str) -> str:
    return f"quantity_{offer_id}"


def cart_check(*, lines: list[CartLine], context: PurchaseContext) -> list[tuple[Offer, CartLine]]:
    """Check a cart against the catalog, the quantity bounds and the gate; return each line
    with its offer."""
    if not lines:
        raise Refusal(RefusalCode.EMPTY_CART, _(EMPTY_CART))
    if len({line.offer_id for line in lines}) != len(lines):
        raise Refusal(RefusalCode.DUPLICATE_OFFER, _("Each offer may appear once in an order."))
    offers = Offer.objects.in_bulk([line.offer_id for line in lines], field_name="offer_id")
    unknown = [line.offer_id for line in lines if line.offer_id not in offers]
    if unknown:
        raise Refusal(
            RefusalCode.UNKNOWN_OFFER,
            _("Unknown offer: %(offers)s.") % {"offers": ", ".join(unknown)},
        )
    cart_families = frozenset(offers[line.offer_id].product_family for line in lines)
    checked = []
    for line in lines:
        offer = offers[line.offer_id]
        field = _offer_field(offer.offer_id)
        check_quantity(offer, line.quantity, field=field)
        refusal = offer_refusal(offer, context, cart_families=cart_families)
        if refusal:  # the same refusal, naming the offer
            raise Refusal(refusal.code, f"{offer.name}: {refusal.message}", field=field)
        check_friendly_name_on_line(offer, line.friendly_name)
        check_term_and_billing(offer, line)
        checked.append((offer, line))
    return checked


def check_term_and_billing(offer: Offer, line: CartLine) -> None:
    """The term and billing cycle must be among the offer's; a month's term bills monthly
    (Partner Center sells no annual billing on a monthly term)."""
    term = line.term or offer.term
    cycle = line.billing_cycle or offer.billing_cycle
    if term not in offer.terms:
        raise Refusal(
            RefusalCode.TERM_NOT_OFFERED,
            _("%(offer)s is sold for %(terms)s, not %(term)s.")
            % {"offer": offer.name, "terms": ", ".join(offer.terms), "term": term},
            field=f"term_{offer.offer_id}",
        )
    if cycle not in offer.billing_cycles or (term == "P1M" and cycle != "monthly"):
        allowed = ["monthly"] if term == "P1M" else offer.billing_cycles
        raise Refusal(
            RefusalCode.TERM_NOT_OFFERED,
            _("%(offer)s on a %(term)s term is billed %(cycles)s, not %(cycle)s.")
            % {
                "offer": offer.name,
                "term": term,
                "cycles": pgettext("joins a list: A or B", " or ").join(allowed),
                "cycle": cycle,
            },
            field=f"billing_{offer.offer_id}",
        )


@transaction.atomic
def order_place(
    *,
    actor: User,
    customer: Customer,
    lines: list[CartLine],
    submission_key: uuid.UUID,
    now: datetime | None = None,
) -> Order:
    """Place an order for an existing customer; a worker provisions it.

    Posting the same order twice (same ``submission_key``) returns the first order.
    """
    earlier = order_for_submission(actor=actor, submission_key=submission_key)
    if earlier:
        return earlier
    permissions.require(actor, Action.PLACE_ORDERS)
    if not partner_manages_customer(partner_id=actor.partner_id, customer_id=customer.pk):
        raise Refusal(RefusalCode.NOT_YOUR_CUSTOMER, _(NOT_YOUR_CUSTOMER))
    context = PurchaseContext.for_customer(partner=actor.partner, customer=customer)
    checked = cart_check(lines=lines, context=context)
    return _create_order(actor, customer, checked, submission_key, now or timezone.now())


@transaction.atomic
def order_place_for_new_customer(
    *,
    actor: User,
    customer: CustomerDetails,
    qualification: str,
    validation_code_id: int | None,
    lines: list[CartLine],
    submission_key: uuid.UUID,
    indirect_reseller: Partner | None = None,
    now: datetime | None = None,
) -> Order:
    """Create the customer and its first order together, or neither."""
    earlier = order_for_submission(actor=actor, submission_key=submission_key)
    if earlier:
        return earlier
    permissions.require(actor, Action.PLACE_ORDERS)
    context = PurchaseContext.for_new_customer(partner=actor.partner, gcc=bool(qualification))
    checked = cart_check(lines=lines, context=context)
    created = customer_create(
        actor=actor,
        details=customer,
        qualification=qualification,
        validation_code_id=validation_code_id,
        indirect_reseller=indirect_reseller,
        now=now,
    )
    return _create_order(actor, created, checked, submission_key, now or timezone.now())


def _create_order(actor, customer, checked, submission_key, now) -> Order:
    partner = actor.partner
    of_record = {
        line.offer_id: partner_of_record_for(partner=partner, mpn_id=line.partner_id_on_record)
        for _, line in checked
    }
    order = Order.objects.create(
        customer=customer,
        partner=partner,
        billing_partner_id=partner.indirect_provider_id or partner.pk,
        created_by=actor,
        submission_key=submission_key,
        created_at=now,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                offer=offer,
                quantity=line.quantity,
                friendly_name=line.friendly_name.strip() or offer.name,
                unit_price=offer.unit_price,
                partner_of_record=of_record[line.offer_id],
                term=line.term or offer.term,
                billing_cycle=line.billing_cycle or offer.billing_cycle,
            )
            for offer, line in checked
        ]
    )
    from .tasks import provision_order_task

    enqueue_on_commit(provision_order_task, order.pk)
    return order


@transaction.atomic
def customer_relationship_end(*, actor: User, customer: Customer) -> None:
    """End the partner's reseller relationship with the customer (Partner Center's PATCH
    ``relationshipToPartner: none``). Refused while the customer has active subscriptions
    the partner ordered: they would go on being billed with no partner to manage them. Lives
    here, not in customers, because it must read the subscriptions."""
    permissions.require(actor, Action.REMOVE_RELATIONSHIP)
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if not partner_manages_customer(partner_id=actor.partner_id, customer_id=customer.pk):
        raise Refusal(RefusalCode.NOT_YOUR_CUSTOMER, _(NOT_YOUR_CUSTOMER))
    active = Subscription.objects.filter(
        customer=customer,
        order_line__order__partner_id=actor.partner_id,
        status=SubscriptionStatus.ACTIVE,
    ).count()
    if active:
        message = ngettext(
            "This customer has %(count)s active subscription with your organization: suspend "
            "or cancel them before ending the reseller relationship.",
            "This customer has %(count)s active subscriptions with your organization: suspend "
            "or cancel them before ending the reseller relationship.",
            active,
        ) % {"count": active}
        raise Refusal(RefusalCode.ACTIVE_SUBSCRIPTIONS, message)
    customer_relationship_remove(partner_id=actor.partner_id, customer=customer)
    logger.info("partner %s ended its relationship with customer %s", actor.partner_id, customer.pk)


@transaction.atomic
def order_provision(*, order_id: int, now: datetime | None = None) -> bool:
    """Create one subscription per line and complete the order. Safe to run again: an order
    is provisioned once, whichever worker (or retry after a crash) gets there first."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != OrderStatus.PENDING:
        return False
    now = now or timezone.now()
    start = timezone.localdate(now)
    lines = list(order.lines.select_related("offer"))
    for line in lines:
        Subscription.objects.create(
            customer_id=order.customer_id,
            order_line=line,
            offer=line.offer,
            quantity=line.quantity,
            friendly_name=line.friendly_name,
            billing_cycle=line.billing_cycle,
            term=line.term,
            start_date=start,
            term_started_at=now,
            partner_of_record_id=line.partner_of_record_id,
        )
    order.status = OrderStatus.COMPLETED
    order.completed_at = now
    # Earlier failed tries no longer matter.
    order.save(update_fields=["status", "completed_at", *sweep_reset(order)])
    _notify_order_completed(order, lines)
    logger.info("order %s provisioned", order.pk)
    return True


def _notify_order_completed(order: Order, lines: list[OrderLine]) -> None:
    """Tell the agent who placed the order that its subscriptions exist."""
    customer = order.customer
    language = language_of(order.created_by)
    with translation.override(language):
        completed_at = date_format(timezone.localtime(order.completed_at), "NEWS_DATETIME_FORMAT")
    notify_on_commit(
        key=f"order:{order.pk}:completed",
        template="order_completed",
        to=[order.created_by.email],
        context={
            "language": language,
            "agent_name": order.created_by.get_full_name() or order.created_by.username,
            "customer_name": customer.company_name,
            "completed_at": completed_at,
            "lines": [
                {"offer": line.offer.name, "quantity": line.quantity, "name": line.friendly_name}
                for line in lines
            ],
            "order_path": reverse("orders:detail", args=[customer.uuid, order.uuid]),
        },
    )


PENDING_GRACE = timedelta(seconds=30)  # the task sent after commit normally gets there first


def _orders_sweep_batch(
    *, now: datetime, older_than: timedelta, batch: int, exclude=()
) -> SweepOutcome:
    pending = Order.objects.filter(
        status=OrderStatus.PENDING, created_at__lte=now - older_than, stuck_at__isnull=True
    ).order_by("created_at", "pk")
    return sweep_one_at_a_time(
        excluding(pending, exclude),
        lambda pk: order_provision(order_id=pk, now=now),
        limit=batch,
        now=now,
    )


def orders_sweep_pending(
    *, now: datetime | None = None, older_than: timedelta = PENDING_GRACE, batch: int = 50
) -> list[int]:
    """Provision orders still pending after ``older_than`` (their task was lost: the broker was
    down, or a worker died); return the ids provisioned. Each order is claimed (``skip_locked``)
    and provisioned on its own transaction: one that raises is retried by the next sweeps, then
    set aside as stuck, and never holds up the others (lib.sweeps.sweep_one_at_a_time).
    One batch of up to ``batch`` orders; a beat tick runs ``orders_sweep_drain``.
    """
    outcome = _orders_sweep_batch(now=now or timezone.now(), older_than=older_than, batch=batch)
    return [pk for pk, provisioned in outcome.done.items() if provisioned]


def orders_sweep_drain(
    *,
    batch: int,
    budget_seconds: float | None = None,
    now: datetime | None = None,
    older_than: timedelta = PENDING_GRACE,
) -> list[int]:
    """What a beat tick does: ``orders_sweep_pending`` batch after batch until no order is
    waiting or ``budget_seconds`` (default ``lib.sweeps.sweep_time_budget()``) are spent; an
    order that fails is tried once per tick. Returns the ids provisioned."""
    provisioned: list[int] = []
    failed: list[int] = []  # still pending: left out for the rest of this tick

    def one_batch() -> bool:
        outcome = _orders_sweep_batch(
            now=now or timezone.now(), older_than=older_than, batch=batch, exclude=failed
        )
        failed.extend(outcome.failed)
        provisioned.extend(pk for pk, done in outcome.done.items() if done)
        return len(outcome.tried) >= batch

    budget = sweep_time_budget() if budget_seconds is None else budget_seconds
    drain(one_batch, budget_seconds=budget)
    return provisioned


@transaction.atomic
def order_retry(*, order_id: int) -> Order:
    """Put a stuck order back: the next provisioning sweep tries it again, with a fresh count."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.stuck_at is None:
        raise Refusal(RefusalCode.NOT_STUCK, ORDER_NOT_STUCK.format(reference=order.reference))
    order.save(update_fields=sweep_reset(order))
    logger.info("order %s put back for the provisioning sweep", order.pk)
    return order


# --- The catalog ---------------------------------------------------------------------------

OFFER_FIELDS = {
    "offer_id",
    "name",
    "product_family",
    "is_gcc",
    "billing_cycle",
    "term",
    "supported_terms",
    "supported_billing_cycles",
    "min_quantity",
    "max_quantity",
    "unit_price",
    "requires_base_families",
    "is_active",
    "offer_id_documented",
}
REQUIRED_OFFER_FIELDS = {"offer_id", "name", "product_family", "billing_cycle", "unit_price"}


def _unsupported_terms(offer: Offer) -> str:
    """What is wrong with the offer's terms and billing cycles ("" when nothing)."""
    terms = offer.supported_terms
    cycles = offer.supported_billing_cycles
    if not isinstance(terms, list) or not set(offer.terms) <= set(Term.values):
        return f"terms must be among {', '.join(Term.values)}."
    if not isinstance(cycles, list) or not set(offer.billing_cycles) <= set(BillingCycle.values):
        return f"billing cycles must be among {', '.join(BillingCycle.values)}."
    return ""


@dataclass
class ImportReport:
    created: list[str]
    updated: list[str]


def _offer_row_error(number: int, message: str) -> Refusal:
    return Refusal(RefusalCode.OFFER_ROW_INVALID, f"Row {number}: {message}")


@transaction.atomic
def offers_import(*, rows: list[dict]) -> ImportReport:
    """Create or update offers by offer ID from rows of a CSV or JSON file. All rows are
    checked first; one bad row saves nothing. A row with ``is_active`` false retires its offer
    (retired offers stay, for the orders and subscriptions that name them)."""
    report = ImportReport(created=[], updated=[])
    prepared = []
    seen = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise _offer_row_error(number, "expected an object with the offer's fields.")
        unknown = set(row) - OFFER_FIELDS
        if unknown:
            raise _offer_row_error(number, f"unknown field(s) {', '.join(sorted(unknown))}.")
        missing = REQUIRED_OFFER_FIELDS - {k for k, v in row.items() if v not in ("", None)}
        if missing:
            raise _offer_row_error(number, f"missing {', '.join(sorted(missing))}.")
        if row["offer_id"] in seen:
            raise _offer_row_error(number, f"offer {row['offer_id']} appears twice.")
        seen.add(row["offer_id"])
        offer = Offer.objects.filter(offer_id=row["offer_id"]).first() or Offer()
        for name, value in row.items():
            setattr(offer, name, value)
        try:
            offer.full_clean()
        except ValidationError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise _offer_row_error(number, details) from exc
        if bad := _unsupported_terms(offer):
            raise _offer_row_error(number, bad)
        prepared.append(offer)
    for offer in prepared:
        (report.updated if offer.pk else report.created).append(offer.offer_id)
        offer.save()
    return report
