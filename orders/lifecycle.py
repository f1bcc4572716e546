"""Day two of a subscription: seats, suspension, cancellation, auto-renew, its name, and the
renewal sweep. The calendar (term end, cancellation window) is orders/terms.py.

The rules, after Partner Center's new commerce (see orders/terms.py for the source):
- more seats apply now; fewer apply now within the cancellation window (7 days after the
  purchase or the last renewal), and after it are scheduled for the renewal;
- a subscription is suspended and reactivated at will; a suspended one keeps its seats;
- it is cancelled (status ``deleted``) only within the cancellation window; later the refusal
  names the day the window closed. Cancelling a base subscription cancels its add-ons with it
  (an add-on can't outlive the product it adds to; Partner Center does the same);
- a cancelled or expired subscription changes no more;
- at the end of a term, the sweep renews a subscription with auto-renew on (a new term, the
  scheduled decrease applied) and lets the others expire.
Every change is a ``SubscriptionEvent`` (who, when, from, to) and an email to the agent who
ordered it.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.selectors import partner_manages_customer
from lib.i18n import language_of
from lib.refusals import Refusal, RefusalCode
from ops.notifications import notify_on_commit
from partners import permissions
from partners.models import User
from partners.permissions import Action

from . import terms
from .models import (
    LIVE_STATUSES,
    Offer,
    Subscription,
    SubscriptionEvent,
    SubscriptionEventKind,
    SubscriptionStatus,
)
from .services import (
    FRIENDLY_NAME_MAX,
    FRIENDLY_NAME_REQUIRED,
    NOT_YOUR_CUSTOMER,
    NOT_YOUR_SUBSCRIPTION,
    _check_friendly_name,
    check_quantity,
)

logger = logging.getLogger(__name__)

Kind = SubscriptionEventKind
MAX_CATCH_UP_TERMS = 10_000
STATUS_UNKNOWN = gettext_noop(
    "Choose a subscription status: active, suspended or deleted (to cancel)."
)
SUSPENDED = gettext_noop(
    "This subscription is suspended: reactivate it (status active) before changing its quantity."
)
# By (how it ended, whether the day is known): whole sentences, for the translations.
ENDED = {
    ("cancelled", True): gettext_noop(
        "This subscription was cancelled on %(day)s: it can't be changed any more."
    ),
    ("expired", True): gettext_noop(
        "This subscription was expired on %(day)s: it can't be changed any more."
    ),
    ("cancelled", False): gettext_noop(
        "This subscription was cancelled on an earlier day: it can't be changed any more."
    ),
    ("expired", False): gettext_noop(
        "This subscription was expired on an earlier day: it can't be changed any more."
    ),
}
# By what opened the window: the purchase, or the last renewal.
WINDOW_CLOSED = {
    "purchase": gettext_noop(
        "The cancellation window closed on %(day)s (7 days after the purchase). Turn auto-renew "
        "off to let the subscription end with its term on %(end)s."
    ),
    "renewal": gettext_noop(
        "The cancellation window closed on %(day)s (7 days after the renewal). Turn auto-renew "
        "off to let the subscription end with its term on %(end)s."
    ),
}


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "NEWS_DATETIME_FORMAT")


@dataclass
class Change:
    """What one update did, for the caller's message."""

    subscription: Subscription
    events: list[SubscriptionEvent] = field(default_factory=list)
    addons_cancelled: list[Subscription] = field(default_factory=list)

    @property
    def scheduled_quantity(self) -> int | None:
        return self.subscription.scheduled_quantity


def _owned(actor: User, subscription: Subscription) -> Subscription:
    permissions.require(actor, Action.PLACE_ORDERS)
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("offer", "order_line__order__created_by", "customer")
        .get(pk=subscription.pk)
    )
    if not partner_manages_customer(
        partner_id=actor.partner_id, customer_id=subscription.customer_id
    ):
        raise Refusal(RefusalCode.NOT_YOUR_CUSTOMER, _(NOT_YOUR_CUSTOMER))
    # A customer may have several partners: each changes only the subscriptions it ordered.
    if subscription.order_line.order.partner_id != actor.partner_id:
        raise Refusal(RefusalCode.NOT_YOUR_SUBSCRIPTION, _(NOT_YOUR_SUBSCRIPTION))
    return subscription


def _refuse_if_ended(subscription: Subscription) -> None:
    if not subscription.is_live:
        what = "cancelled" if subscription.status == SubscriptionStatus.DELETED else "expired"
        ended_at = subscription.ended_at
        message = _(ENDED[what, bool(ended_at)])
        if ended_at:
            message %= {"day": _day(ended_at)}
        raise Refusal(RefusalCode.SUBSCRIPTION_ENDED, message)


def in_cancellation_window(subscription: Subscription, now: datetime) -> bool:
    return now < subscription.cancellation_allowed_until


@transaction.atomic
def subscription_update(
    *,
    actor: User,
    subscription: Subscription,
    quantity: int | None = None,
    status: str | None = None,
    friendly_name: str | None = None,
    auto_renew: bool | None = None,
    now: datetime | None = None,
) -> Change:
    """Apply the given changes (the others stay as they are); the same change twice changes
    nothing more. All are checked before any is made."""
    now = now or timezone.now()
    subscription = _owned(actor, subscription)
    _refuse_if_ended(subscription)
    if status is not None and status not in SubscriptionStatus.values:
        raise Refusal(RefusalCode.UNKNOWN_SUBSCRIPTION_STATUS, _(STATUS_UNKNOWN), field="status")
    if status == SubscriptionStatus.EXPIRED:  # only a term's end does that
        raise Refusal(RefusalCode.UNKNOWN_SUBSCRIPTION_STATUS, _(STATUS_UNKNOWN), field="status")
    name = None
    if friendly_name is not None:
        name = _check_friendly_name(
            friendly_name,
            required=True,
            message=_(FRIENDLY_NAME_REQUIRED) % {"max": FRIENDLY_NAME_MAX},
            field="friendly_name",
        )
    cancelling = status == SubscriptionStatus.DELETED
    if cancelling and not in_cancellation_window(subscription, now):
        renewed = subscription.events.filter(kind=Kind.RENEWED).exists()
        since = "renewal" if renewed else "purchase"
        raise Refusal(
            RefusalCode.CANCEL_WINDOW_CLOSED,
            _(WINDOW_CLOSED[since])
            % {
                "day": _day(subscription.cancellation_allowed_until),
                "end": date_format(subscription.commitment_end_date, "NEWS_DATE_FORMAT"),
            },
            field="status",
        )
    seats_change = quantity is not None and quantity != subscription.quantity
    if seats_change:
        check_quantity(subscription.offer, quantity, field="quantity")
        if (status or subscription.status) != SubscriptionStatus.ACTIVE:
            raise Refusal(RefusalCode.SUBSCRIPTION_SUSPENDED, _(SUSPENDED), field="quantity")

    change = Change(subscription)
    record = _recorder(change, actor, now)
    if name is not None and name != subscription.friendly_name:
        record(Kind.RENAMED, subscription.friendly_name, name)
        subscription.friendly_name = name
    if auto_renew is not None and auto_renew != subscription.auto_renew:
        record(Kind.AUTO_RENEW, _on_off(subscription.auto_renew), _on_off(auto_renew))
        subscription.auto_renew = auto_renew
    if status is not None and status != subscription.status:
        if cancelling:
            record(Kind.CANCELLED, _status_label(subscription), "Cancelled")
            subscription.ended_at = now
            change.addons_cancelled = _cancel_addons(subscription, actor, now)
        else:
            kind = Kind.SUSPENDED if status == SubscriptionStatus.SUSPENDED else Kind.REACTIVATED
            record(kind, _status_label(subscription), SubscriptionStatus(status).label)
        subscription.status = status
    if seats_change:
        if quantity > subscription.quantity or in_cancellation_window(subscription, now):
            record(Kind.QUANTITY, subscription.quantity, quantity)
            subscription.quantity = quantity
            subscription.scheduled_quantity = None
        elif quantity != subscription.scheduled_quantity:
            record(Kind.QUANTITY_SCHEDULED, subscription.quantity, quantity)
            subscription.scheduled_quantity = quantity
    elif quantity is not None and subscription.scheduled_quantity is not None:
        # Asking for the seats it has now takes back a scheduled decrease.
        record(Kind.QUANTITY_SCHEDULED, subscription.scheduled_quantity, quantity)
        subscription.scheduled_quantity = None
    if change.events:
        subscription.save()
        SubscriptionEvent.objects.bulk_create(change.events)
        _notify(subscription, change.events)
        logger.info("subscription %s changed: %s", subscription.pk, len(change.events))
    return change


def _on_off(value: bool) -> str:
    return "On" if value else "Off"


def _stored(value) -> str:
    """An event's from/to value as kept: data, in the portal's default language whoever made
    the change (a status label is a lazy translation)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def _status_label(subscription: Subscription):
    """Its status's label, still lazy (``get_status_display`` gives it in the reader's
    language): for ``_stored``."""
    return SubscriptionStatus(subscription.status).label


def _recorder(change: Change, actor: User | None, now: datetime):
    def record(kind, from_value, to_value) -> None:
        change.events.append(
            SubscriptionEvent(
                subscription=change.subscription,
                actor=actor,
                kind=kind,
                from_value=_stored(from_value)[:200],
                to_value=_stored(to_value)[:200],
                at=now,
            )
        )

    return record


def addons_of(subscription: Subscription):
    """The customer's live add-ons, from the same partner, that build on this subscription's
    product family and have no other live base of it to stand on."""
    family = subscription.offer.product_family
    others = (
        Subscription.objects.filter(
            customer_id=subscription.customer_id,
            order_line__order__partner_id=subscription.order_line.order.partner_id,
            offer__product_family=family,
            status__in=LIVE_STATUSES,
        )
        .exclude(pk=subscription.pk)
        .exists()
    )
    if others:
        return Subscription.objects.none()
    addon_offers = [  # a small table; JSON "contains" isn't on every database
        pk
        for pk, needs in Offer.objects.exclude(requires_base_families=[]).values_list(
            "pk", "requires_base_families"
        )
        if family in (needs or [])
    ]
    return Subscription.objects.filter(
        customer_id=subscription.customer_id,
        order_line__order__partner_id=subscription.order_line.order.partner_id,
        offer_id__in=addon_offers,
        status__in=LIVE_STATUSES,
    ).select_related("offer", "order_line__order__created_by", "customer")


def _cancel_addons(base: Subscription, actor: User, now: datetime) -> list[Subscription]:
    cancelled = []
    for addon in addons_of(base).select_for_update():
        event = SubscriptionEvent(
            subscription=addon,
            actor=actor,
            kind=Kind.CANCELLED,
            from_value=_stored(_status_label(addon)),
            to_value=f"Cancelled with {base.friendly_name}",
            at=now,
        )
        addon.status, addon.ended_at = SubscriptionStatus.DELETED, now
        addon.save(update_fields=["status", "ended_at"])
        event.save()
        _notify(addon, [event])
        cancelled.append(addon)
    return cancelled


# --- The renewal sweep ----------------------------------------------------------------------


def _due(now: datetime):
    """Live subscriptions whose term may have ended: started at least the shortest term ago
    (the exact end is each one's own, checked after)."""
    return Subscription.objects.filter(
        status__in=LIVE_STATUSES, term_started_at__lte=now - terms.shortest_term()
    )


@transaction.atomic
def subscription_renew_or_expire(*, subscription_id: int, now: datetime | None = None) -> str:
    """End one subscription's term if it is over: renewed (auto-renew on) or expired. The
    outcome: "renewed", "expired" or "" (not due, or ended meanwhile)."""
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("offer", "order_line__order__created_by", "customer")
        .get(pk=subscription_id)
    )
    if not subscription.is_live or subscription.term_ends_at > now:
        return ""
    change = Change(subscription)
    record = _recorder(change, None, now)
    ended = subscription.term_ends_at
    if subscription.auto_renew:
        # Terms that all ended while nothing swept (a stopped demo) renew at once, into the
        # term running now: one event, one email.
        started = ended
        for _ in range(MAX_CATCH_UP_TERMS):
            following = terms.term_ends_at(subscription.term, started)
            if following > now:
                break
            started = following
        record(Kind.RENEWED, _day(subscription.current_term_start), _day(started))
        if subscription.scheduled_quantity is not None:
            record(Kind.QUANTITY, subscription.quantity, subscription.scheduled_quantity)
            subscription.quantity = subscription.scheduled_quantity
            subscription.scheduled_quantity = None
        subscription.term_started_at = started
        outcome = "renewed"
    else:
        record(Kind.EXPIRED, _status_label(subscription), "Expired")
        subscription.status, subscription.ended_at = SubscriptionStatus.EXPIRED, ended
        outcome = "expired"
    subscription.save()
    SubscriptionEvent.objects.bulk_create(change.events)
    _notify(subscription, change.events)
    return outcome


def subscriptions_renew_due(*, now: datetime | None = None, batch: int | None = None) -> dict:
    """The beat's sweep: every subscription whose term ended, in batches. Counts by outcome."""
    now = now or timezone.now()
    batch = batch or settings.GCC_SWEEP_BATCH_SIZE
    counts = {"renewed": 0, "expired": 0}
    after = 0
    while True:
        due = _due(now).filter(pk__gt=after).order_by("pk")
        ids = list(due.values_list("pk", flat=True)[:batch])
        if not ids:
            return counts
        for pk in ids:
            if outcome := subscription_renew_or_expire(subscription_id=pk, now=now):
                counts[outcome] += 1
        after = ids[-1]


# --- Email ----------------------------------------------------------------------------------


def _notify(subscription: Subscription, events: list[SubscriptionEvent]) -> None:
    """Tell the agent who ordered it what changed (one email per change)."""
    agent = subscription.order_line.order.created_by
    if not agent.email:
        return
    first = events[0]
    language = language_of(agent)
    with translation.override(language):  # the labels below are written in it
        notify_on_commit(
            key=f"subscription:{subscription.pk}:{first.kind}:{first.at.isoformat()}",
            template="subscription_changed",
            to=[agent.email],
            context={
                "language": language,
                "agent_name": agent.get_full_name() or agent.username,
                "customer_name": subscription.customer.company_name,
                "subscription_name": subscription.friendly_name,
                "offer": subscription.offer.name,
                "by": first.actor.get_full_name() or first.actor.username
                if first.actor
                else _("the renewal at the end of its term"),
                "changes": [
                    {"what": str(e.get_kind_display()), "from": e.from_value, "to": e.to_value}
                    for e in events
                ],
                "path": reverse(
                    "orders:subscription", args=[subscription.customer.uuid, subscription.uuid]
                ),
            },
        )
