"""Scenario: day two of a customer. An admin agent fixes a customer's billing profile (and is
refused a stale edit, shown what it is now), sorts the list, and ends the reseller relationship:
refused while a subscription is active, then allowed. The customer's global admin sees its
qualifications and partners in the admin center and removes one. Every page is audited (axe)
and kept as a screenshot."""

import re
import uuid
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from customers.models import Customer, CustomerRelationship
from customers.services import BillingProfile, customer_billing_profile_update
from orders.models import Offer, Subscription, SubscriptionStatus
from orders.services import CartLine, order_place, order_provision
from partners.models import Role

from ..factories import PASSWORD, CustomerAdminFactory, UserFactory, gcc_partner, manage
from ..orders.conftest import managed_customer, offer_catalog  # noqa: F401 -- the catalog
from .browser import exactly
from .data import G3

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def subscribe(agent, customer, quantity: int) -> Subscription:
    line = CartLine(Offer.objects.get(name=G3).offer_id, quantity)
    order = order_place(actor=agent, customer=customer, lines=[line], submission_key=uuid.uuid4())
    order_provision(order_id=order.pk)
    return Subscription.objects.get(order_line__order=order)


def test_edit_a_profile_then_end_the_relationship(person):
    partner = gcc_partner(name="Tailspin Federal Systems")
    adele = UserFactory(partner=partner, role=Role.ADMIN_AGENT, username="adele@tailspin.test")
    customer = managed_customer(partner, gcc=True, company_name="County of Lincoln")
    managed_customer(partner, gcc=False, company_name="Harbor Analytics LLC")
    subscription = subscribe(adele, customer, 25)

    browser = person()
    page = browser.sign_in("adele@tailspin.test", PASSWORD)
    browser.menu("Customers", "All customers")
    browser.check("customers")
    page.get_by_role("link", name=re.compile("^Domain")).click()
    browser.check("customers-by-domain")
    expect(page.get_by_role("columnheader", name=re.compile("^Domain"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.get_by_role("link", name="County of Lincoln").click()
    browser.check("account")

    # Edit the profile: the domain and Microsoft ID are shown, fixed.
    page.get_by_role("link", name="Edit the company and billing profile").click()
    browser.check("edit-profile")
    expect(page.get_by_role("region", name="Fixed for this tenant")).to_contain_text(
        customer.domain
    )
    page.get_by_label(exactly("City")).fill("Omaha")
    page.get_by_role("button", name="Save").click()
    browser.check("edit-saved")
    expect(page.get_by_role("status").first).to_contain_text("was saved")
    expect(page.get_by_role("region", name="Company information")).to_contain_text("Omaha")

    # A stale edit: someone else saves while the page is open.
    page.get_by_role("link", name="Edit the company and billing profile").click()
    browser.check("edit-profile-again")
    customer = Customer.objects.get(pk=customer.pk)
    customer_billing_profile_update(
        actor=adele,
        customer=customer,
        profile=replace(BillingProfile.of(customer), contact_name="Dana Someone-Else"),
    )
    page.get_by_label(exactly("ZIP code")).fill("68102")
    page.get_by_role("button", name="Save").click()
    browser.check("edit-refused-stale")
    expect(page.get_by_role("alert")).to_contain_text(
        "Someone changed this customer since you opened the page"
    )
    expect(page.get_by_label(exactly("Primary contact"))).to_have_value("Dana Someone-Else")
    expect(page.get_by_role("region", name="What you sent (not saved)")).to_contain_text("68102")
    assert Customer.objects.get(pk=customer.pk).postal_code != "68102"
    page.get_by_label(exactly("ZIP code")).fill("68102")  # make the change again, deliberately
    page.get_by_role("button", name="Save").click()
    browser.check("edit-saved-after-stale")
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.postal_code == "68102" and customer.contact_name == "Dana Someone-Else"

    # End the relationship: refused while the subscription is active.
    page.get_by_role("link", name="Remove reseller relationship").click()
    browser.check("remove-relationship")
    page.get_by_role("button", name="Remove reseller relationship").click()
    browser.check("remove-refused-active-subscription")
    expect(page.get_by_role("alert")).to_contain_text("1 active subscription")
    assert CustomerRelationship.objects.filter(customer=customer).exists()

    Subscription.objects.filter(pk=subscription.pk).update(status=SubscriptionStatus.SUSPENDED)
    page.get_by_role("button", name="Remove reseller relationship").click()
    browser.check("removed-back-on-the-list")
    expect(page.get_by_role("status").first).to_contain_text(
        "You no longer manage County of Lincoln"
    )
    expect(page.get_by_role("link", name="County of Lincoln")).to_have_count(0)
    expect(page.get_by_role("link", name="Harbor Analytics LLC")).to_be_visible()
    assert Subscription.objects.filter(pk=subscription.pk).exists()  # its history stays
    browser.assert_all_checked()


def test_the_customer_admin_removes_a_partner(person):
    tailspin = gcc_partner(name="Tailspin Federal Systems")
    wingtip = gcc_partner(name="Wingtip Government")
    customer = managed_customer(tailspin, gcc=True, company_name="County of Lincoln")
    manage(wingtip, customer)
    CustomerAdminFactory(customer=customer, username="admin@lincoln.test")

    browser = person()
    page = browser.sign_in("admin@lincoln.test", PASSWORD, landing="admin-center")
    expect(page.get_by_role("heading", name="Special qualifications")).to_be_visible()
    page.get_by_role("link", name="Remove Wingtip Government").click()
    browser.check("remove-partner")
    expect(page.get_by_role("main")).to_contain_text("stay active, and billed")
    page.get_by_role("button", name="Remove Wingtip Government").click()
    browser.check("partner-removed")
    expect(page.get_by_role("status").first).to_contain_text("Wingtip Government no longer manages")
    expect(page.get_by_role("link", name="Remove Wingtip Government")).to_have_count(0)
    assert list(
        CustomerRelationship.objects.filter(customer=customer).values_list("partner", flat=True)
    ) == [tailspin.pk]
    browser.assert_all_checked()
