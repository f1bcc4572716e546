"""Scenario: day two of a subscription. A sales agent opens a GCC customer's subscription,
adds seats, turns auto-renew off, then cancels it within the window; an older subscription
says the day its window closed and offers no cancel, and its seat decrease waits for the
renewal. Every page is audited (axe) and kept as a screenshot."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Offer, Subscription
from orders.services import CartLine, order_place, order_provision

from ..factories import PASSWORD
from ..orders.conftest import managed_customer
from .browser import exactly
from .data import G3, seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def subscribe(agent, customer, quantity: int, name: str) -> Subscription:
    offer = Offer.objects.get(name=G3)
    line = CartLine(offer.offer_id, quantity, friendly_name=name)
    order = order_place(actor=agent, customer=customer, lines=[line], submission_key=uuid.uuid4())
    order_provision(order_id=order.pk)
    return Subscription.objects.get(order_line__order=order)


def test_change_seats_auto_renew_and_cancel(person, settings):
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = None  # real days: a 7-day window, a year's term
    partner = seller()
    sam_user = partner.users.get()
    customer = managed_customer(partner, gcc=True, company_name="County of Lincoln")
    subscribe(sam_user, customer, 25, "Clerk's office")
    old = subscribe(sam_user, customer, 10, "Assessor's office")
    Subscription.objects.filter(pk=old.pk).update(
        term_started_at=timezone.now() - timedelta(days=20)
    )

    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)
    sam.menu("Customers", "All customers")
    sam.check("customers")
    page.get_by_role("link", name="County of Lincoln").click()
    sam.check("customer")
    page.get_by_role("link", name="Subscriptions", exact=True).click()
    sam.check("subscriptions")
    page.get_by_role("link", name="Clerk's office").click()
    sam.check("subscription")
    expect(page.get_by_text("open until")).to_be_visible()

    page.get_by_label(exactly("Licenses")).fill("40")
    page.get_by_role("button", name="Change quantity").click()
    sam.check("more-seats")
    expect(page.get_by_text("40 licenses from now")).to_be_visible()
    page.get_by_role("button", name="Turn auto-renew off").click()
    sam.check("auto-renew-off")
    expect(page.get_by_text("expires (auto-renew off)")).to_be_visible()
    page.get_by_role("button", name="Cancel subscription").click()
    sam.check("cancelled")
    expect(page.get_by_text("Cancelled.")).to_be_visible()
    expect(page.get_by_role("cell", name="Cancelled", exact=True).first).to_be_visible()

    page.get_by_role("link", name="Subscriptions", exact=True).click()
    sam.check("subscriptions-after")
    page.get_by_role("link", name="Assessor's office").click()
    sam.check("old-subscription")
    expect(page.locator("#cancel-closed")).to_contain_text("the cancellation window closed on")
    expect(page.get_by_role("button", name="Cancel subscription")).to_have_count(0)
    page.get_by_label(exactly("Licenses")).fill("5")
    page.get_by_role("button", name="Change quantity").click()
    sam.check("decrease-scheduled")
    expect(page.get_by_role("status")).to_contain_text("10 licenses until the renewal")
    expect(page.get_by_text("10 (then 5 from the renewal)")).to_be_visible()
