"""Scenario 3: a reseller relationship request brings an existing GCC customer in; its global
admin accepts in the admin center, and the partner orders GCC subscriptions for it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from validation.models import SpecialQualification

from ..factories import PASSWORD, CustomerAdminFactory, CustomerFactory, gcc_partner, manage
from .browser import WORKER_TIMEOUT_MS, exactly
from .data import seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

G5 = "Office 365 G5 GCC"


def springfield_managed_elsewhere():
    """City of Springfield: a GCC customer that another partner (Fabrikam) manages."""
    springfield = CustomerFactory(company_name="City of Springfield", domain="springfield.gov")
    SpecialQualification.objects.create(
        customer=springfield, qualification="GovernmentCommunityCloud", granted_at=timezone.now()
    )
    manage(gcc_partner(name="Fabrikam Distribution"), springfield)
    CustomerAdminFactory(customer=springfield, username="admin@springfield.test")
    return springfield


def test_customer_admin_accepts_and_partner_orders(person, portal, celery_worker):
    seller()
    springfield_managed_elsewhere()

    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal)
    sam.menu("Customers", "Request a reseller relationship")
    sam.check("request-relationship")
    page.get_by_role("button", name="Create request and email draft").click()

    sam.check("email-draft")
    expect(page.get_by_role("heading", name="Send the email to the customer")).to_be_visible()
    link = page.get_by_label("Personalized link").input_value()
    assert link.startswith(f"{portal}/admin-center/relationships/")
    expect(page.get_by_label("Email text")).to_contain_text(link)
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#copy-status")).to_have_text("Link copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == link

    casey = person("customer-admin")
    invitation = casey.goto(link, "invitation-sign-in")
    expect(invitation.get_by_role("heading", level=1)).to_have_text(
        "Tailspin Federal Systems wants to be your reseller, with delegated admin rights"
    )
    invitation.get_by_label("Username").fill("admin@springfield.test")
    invitation.get_by_label("Password").fill(PASSWORD)
    invitation.get_by_role("button", name="Sign in").click()
    casey.check("invitation-answer")
    expect(invitation.get_by_text("For City of Springfield")).to_be_visible()
    invitation.get_by_role("button", name="Accept").click()
    casey.check("invitation-accepted")
    now_reseller = "Tailspin Federal Systems is now your reseller"
    expect(invitation.get_by_role("heading", name=now_reseller)).to_be_visible()
    invitation.get_by_role("link", name="Go to your admin center").click()
    casey.check("admin-center")
    partners = invitation.get_by_role("table", name="Partners with a reseller relationship")
    expect(partners.get_by_role("row").filter(has_text="Tailspin Federal Systems")).to_contain_text(
        "Accepted reseller relationship request"
    )

    page.reload()
    sam.check("email-draft-accepted")
    accepted = page.get_by_role("status").filter(has_text="City of Springfield accepted")
    expect(accepted).to_be_visible()
    page.get_by_role("link", name="Done").click()
    sam.check("customers")
    row = page.get_by_role("row").filter(has_text="City of Springfield")
    expect(row).to_contain_text("Government Community Cloud")
    row.get_by_role("link", name="City of Springfield").click()

    sam.check("account")
    expect(page.get_by_role("region", name="Special qualifications")).to_contain_text(
        "Government Community Cloud"
    )
    page.get_by_role("link", name="Add subscriptions").click()
    sam.check("add-subscriptions")
    expect(page.get_by_label(exactly("Office 365 E3"))).to_have_count(0)  # collapsed, no input
    expect(page.get_by_text("not available here: A GCC customer")).to_be_visible()
    page.get_by_label(exactly(G5)).fill("10")
    page.get_by_role("button", name="Submit").click()

    sam.check("order-submitted")
    completed = page.locator("#order-status").get_by_role("heading", name="State: Completed")
    expect(completed).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    sam.check("order-completed", same_page=True)
    page.get_by_role("link", name="Subscriptions", exact=True).click()
    sam.check("subscriptions")
    expect(page.get_by_role("row").filter(has_text=G5)).to_contain_text("Active")
