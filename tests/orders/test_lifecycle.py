"""Day two of a subscription (orders/lifecycle.py, orders/terms.py): seats, suspension,
cancellation within the window, auto-renew, the renewal sweep, add-ons following their base,
the timeline and its emails, the page and /v1/. Time moves by passing ``now``."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from lib.refusals import RefusalCode
from orders import lifecycle
from orders.models import Offer, Order, Subscription, SubscriptionEventKind
from orders.services import CartLine, order_place, order_provision
from partners.models import Role

from ..emails import send_recorded
from ..factories import UserFactory
from ..refusals import refused
from .conftest import ADVANCED_COMMUNICATIONS, G3, managed_customer

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def offer_id(name: str) -> str:
    return Offer.objects.get(name=name).offer_id


def provisioned(seller, customer, *lines: CartLine) -> list[Subscription]:
    order = order_place(
        actor=seller, customer=customer, lines=list(lines), submission_key=uuid.uuid4()
    )
    order_provision(order_id=order.pk)
    return list(Subscription.objects.filter(order_line__order=order).order_by("pk"))


@pytest.fixture
def customer(seller):
    return managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")


@pytest.fixture
def g3(seller, customer) -> Subscription:
    (subscription,) = provisioned(seller, customer, CartLine(offer_id(G3), 25))
    return subscription


def update(seller, subscription, *, after=timedelta(0), **changes) -> lifecycle.Change:
    now = subscription.current_term_start + after
    return lifecycle.subscription_update(
        actor=seller, subscription=subscription, now=now, **changes
    )


# --- Seats ------------------------------------------------------------------------------------


def test_more_seats_apply_now_at_any_time(seller, g3):
    change = update(seller, g3, after=100 * DAY, quantity=40)
    assert change.subscription.quantity == 40 and change.scheduled_quantity is None


def test_fewer_seats_apply_now_within_the_window_and_wait_for_the_renewal_after(seller, g3):
    within = update(seller, g3, after=7 * DAY - timedelta(seconds=1), quantity=20)
    assert within.subscription.quantity == 20
    after = update(seller, g3, after=7 * DAY, quantity=10)
    assert (after.subscription.quantity, after.scheduled_quantity) == (20, 10)
    assert after.events[0].kind == SubscriptionEventKind.QUANTITY_SCHEDULED
    # Asking for the seats it has takes the scheduled decrease back.
    kept = update(seller, g3, after=8 * DAY, quantity=20)
    assert kept.scheduled_quantity is None


def test_quantity_stays_within_the_offers_bounds(seller, g3):
    with refused(RefusalCode.QUANTITY_OUT_OF_BOUNDS):
        update(seller, g3, quantity=0)
    with refused(RefusalCode.QUANTITY_OUT_OF_BOUNDS):
        update(seller, g3, quantity=g3.offer.max_quantity + 1)


# --- Suspend, cancel ----------------------------------------------------------------------------


def test_suspend_and_reactivate(seller, g3):
    assert update(seller, g3, status="suspended").subscription.status == "suspended"
    with refused(RefusalCode.SUBSCRIPTION_SUSPENDED):
        update(seller, g3, quantity=30)
    assert update(seller, g3, status="active").subscription.status == "active"


def test_cancel_within_the_window_and_not_after_it(seller, g3):
    with refused(RefusalCode.CANCEL_WINDOW_CLOSED) as caught:
        update(seller, g3, after=7 * DAY, status="deleted")
    closed = timezone.localtime(g3.cancellation_allowed_until)
    assert date_format(closed, "N j, Y g:i A") in caught.value.message
    cancelled = update(seller, g3, after=7 * DAY - timedelta(seconds=1), status="deleted")
    assert cancelled.subscription.status == "deleted" and cancelled.subscription.ended_at
    with refused(RefusalCode.SUBSCRIPTION_ENDED):
        update(seller, g3, quantity=30)


def test_cancelling_the_base_cancels_its_add_ons(seller, customer):
    base, addon = provisioned(
        seller,
        customer,
        CartLine(offer_id(G3), 25),
        CartLine(offer_id(ADVANCED_COMMUNICATIONS), 5),
    )
    change = update(seller, base, status="deleted")
    assert [a.pk for a in change.addons_cancelled] == [addon.pk]
    addon.refresh_from_db()
    assert addon.status == "deleted"
    assert addon.events.get().to_value == f"Cancelled with {base.friendly_name}"


def test_an_add_on_stays_while_another_base_of_its_family_lives(seller, customer):
    first, addon = provisioned(
        seller,
        customer,
        CartLine(offer_id(G3), 25),
        CartLine(offer_id(ADVANCED_COMMUNICATIONS), 5),
    )
    provisioned(seller, customer, CartLine(offer_id("Office 365 G5 GCC"), 5))
    assert update(seller, first, status="deleted").addons_cancelled == []
    addon.refresh_from_db()
    assert addon.status == "active"


def test_the_status_must_be_known(seller, g3):
    for status in ("paused", "expired"):  # expiring is the term's end, not a request
        with refused(RefusalCode.UNKNOWN_SUBSCRIPTION_STATUS):
            update(seller, g3, status=status)


# --- Who may ------------------------------------------------------------------------------------


def test_helpdesk_and_other_partners_may_not(seller, g3):
    helpdesk = UserFactory(partner=seller.partner, role=Role.HELPDESK_AGENT)
    with refused(RefusalCode.ROLE_NOT_ALLOWED):
        update(helpdesk, g3, quantity=30)
    stranger = UserFactory(role=Role.GLOBAL_ADMIN)
    with refused(RefusalCode.NOT_YOUR_CUSTOMER):
        update(stranger, g3, quantity=30)


# --- The renewal sweep ------------------------------------------------------------------------


def test_the_sweep_renews_with_auto_renew_on_and_applies_the_scheduled_decrease(seller, g3):
    update(seller, g3, after=10 * DAY, quantity=20)
    ends = g3.term_ends_at
    assert lifecycle.subscriptions_renew_due(now=ends - timedelta(seconds=1))["renewed"] == 0
    assert lifecycle.subscriptions_renew_due(now=ends) == {"renewed": 1, "expired": 0}
    g3.refresh_from_db()
    assert (g3.term_started_at, g3.quantity, g3.scheduled_quantity) == (ends, 20, None)
    assert lifecycle.in_cancellation_window(g3, ends + DAY)  # a renewal opens a new window
    kinds = list(g3.events.values_list("kind", flat=True))
    assert SubscriptionEventKind.RENEWED in kinds
    assert lifecycle.subscriptions_renew_due(now=ends + DAY) == {"renewed": 0, "expired": 0}


def test_terms_missed_while_nothing_swept_renew_at_once_into_the_current_one(seller, g3):
    first_end = g3.term_ends_at
    three_years_on = first_end + timedelta(days=2 * 365 + 30)
    assert lifecycle.subscriptions_renew_due(now=three_years_on)["renewed"] == 1
    g3.refresh_from_db()
    assert g3.current_term_start <= three_years_on < g3.term_ends_at
    assert g3.events.filter(kind=SubscriptionEventKind.RENEWED).count() == 1


def test_the_sweep_lets_a_subscription_without_auto_renew_expire(seller, g3):
    update(seller, g3, auto_renew=False)
    lifecycle.subscriptions_renew_due(now=g3.term_ends_at)
    g3.refresh_from_db()
    assert g3.status == "expired" and g3.ended_at == g3.term_ends_at


def test_the_demo_clock_makes_a_monthly_term_last_minutes(seller, customer, settings):
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = 2
    (monthly,) = provisioned(seller, customer, CartLine(offer_id(G3), 5, term="P1M"))
    assert monthly.term_ends_at - monthly.current_term_start == timedelta(seconds=60)
    assert monthly.cancellation_allowed_until - monthly.current_term_start == timedelta(seconds=14)
    assert lifecycle.subscriptions_renew_due(now=monthly.term_ends_at)["renewed"] == 1


# --- Timeline and emails ------------------------------------------------------------------------


def test_every_change_is_recorded_and_emailed_to_the_ordering_agent(seller, g3):
    send_recorded()
    mail.outbox.clear()
    update(seller, g3, quantity=30, auto_renew=False, friendly_name="Clerk's office")
    events = {e.kind: (e.from_value, e.to_value, e.actor) for e in g3.events.all()}
    assert events[SubscriptionEventKind.QUANTITY] == ("25", "30", seller)
    assert events[SubscriptionEventKind.AUTO_RENEW] == ("On", "Off", seller)
    assert events[SubscriptionEventKind.RENAMED][1] == "Clerk's office"
    (message,) = send_recorded("subscription_changed")
    assert message.to == [seller.email]
    assert "25 → 30" in message.body and "Auto-renew changed: On → Off" in message.body


# --- At order time: term and billing cycle ------------------------------------------------------


def test_the_term_and_billing_cycle_are_chosen_at_order_time(seller, customer):
    (sub,) = provisioned(
        seller, customer, CartLine(offer_id(G3), 5, term="P3Y", billing_cycle="annual")
    )
    assert (sub.term, sub.billing_cycle) == ("P3Y", "annual")
    assert sub.commitment_end_date.year == timezone.localdate().year + 3


def test_a_monthly_term_is_billed_monthly_and_unknown_terms_are_refused(seller, customer):
    for term, cycle in (("P1M", "annual"), ("P2Y", ""), ("P1Y", "weekly")):
        with refused(RefusalCode.TERM_NOT_OFFERED):
            provisioned(seller, customer, CartLine(offer_id(G3), 5, term=term, billing_cycle=cycle))
    assert not Order.objects.exists()


# --- The page -----------------------------------------------------------------------------------


def page_of(sub) -> str:
    return reverse("orders:subscription", args=[sub.customer.uuid, sub.uuid])


def test_the_page_changes_seats_and_says_when_a_decrease_waits(client_for, seller, g3):
    client = client_for(seller)
    page = client.get(page_of(g3)).content.decode()
    assert "Cancellation window" in page and "open until" in page
    done = client.post(page_of(g3), {"action": "quantity", "quantity": "40"}, follow=True)
    assert "40 licenses from now" in done.content.decode()
    Subscription.objects.filter(pk=g3.pk).update(term_started_at=timezone.now() - 10 * DAY)
    done = client.post(page_of(g3), {"action": "quantity", "quantity": "10"}, follow=True)
    assert "then 10" in done.content.decode()


def test_the_page_refuses_a_late_cancel_with_the_date_and_changes_nothing(client_for, seller, g3):
    Subscription.objects.filter(pk=g3.pk).update(term_started_at=timezone.now() - 10 * DAY)
    response = client_for(seller).post(page_of(g3), {"action": "cancel"})
    assert response.status_code == 409
    assert "The cancellation window closed on" in response.content.decode()
    assert "Error:" in response.content.decode().split("</title>")[0]
    g3.refresh_from_db()
    assert g3.status == "active"


def test_the_page_runs_a_bounded_number_of_queries(
    client_for, seller, g3, django_assert_max_num_queries
):
    client = client_for(seller)
    for quantity in range(26, 36):  # a long timeline costs no more
        update(seller, g3, quantity=quantity)
    with django_assert_max_num_queries(14):
        assert client.get(page_of(g3)).status_code == 200


def test_another_partners_subscription_is_a_404(client_for, g3):
    stranger = UserFactory(role=Role.GLOBAL_ADMIN)
    assert client_for(stranger).get(page_of(g3)).status_code == 404
