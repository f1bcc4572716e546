"""Scenario: the bell. A sales agent's order completes while they are signed in; the bell in
the header counts one unread notification (loaded after the page, by htmx), the list shows it,
following it opens the order and the count is gone. Every page is audited (axe) and kept as a
screenshot."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from orders.models import Offer
from orders.services import CartLine, order_place, order_provision

from ..factories import PASSWORD
from ..orders.conftest import managed_customer
from .data import G3, seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_order_completes_and_the_bell_says_so(person):
    partner = seller()
    sam_user = partner.users.get()
    customer = managed_customer(partner, gcc=True, company_name="County of Lincoln")

    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)
    bell = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_be_visible()
    expect(bell.locator('[hx-get$="?shown=0"]')).to_have_count(1)  # the count came: none
    expect(bell).to_have_accessible_name("Notifications")

    offer = Offer.objects.get(name=G3)
    line = CartLine(offer.offer_id, 25, friendly_name="Clerk's office")
    order = order_place(
        actor=sam_user, customer=customer, lines=[line], submission_key=uuid.uuid4()
    )
    order_provision(order_id=order.pk)

    page.reload()
    expect(bell).to_have_accessible_name("Notifications 1 unread notification")
    expect(bell.locator(".notification-count")).to_have_text(re.compile(r"^1"))
    sam.check("home-one-unread")

    bell.click()
    expect(bell).to_have_attribute("aria-current", "page")
    sam.check("notifications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    item = page.get_by_role(
        "button", name="Order completed for County of Lincoln: 1 subscription ready"
    )
    expect(item).to_be_visible()
    expect(page.get_by_text("Unread", exact=True)).to_be_visible()

    item.click()
    sam.check("order")
    expect(page).to_have_url(re.compile(rf"/orders/{order.uuid}/"))
    expect(bell.locator('[hx-get$="?shown=0"]')).to_have_count(1)  # read now
    expect(bell).to_have_accessible_name("Notifications")
    expect(bell.locator(".notification-count")).to_have_count(0)

    bell.click()
    sam.check("notifications-read")
    expect(page.get_by_text("No unread notifications.")).to_be_visible()
    expect(page.get_by_text("Unread", exact=True)).to_have_count(0)
    sam.assert_all_checked()
