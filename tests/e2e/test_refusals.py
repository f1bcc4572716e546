"""Scenario 4: the refusals a person meets, each shown where it applies and saying why."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import CustomerRelationship
from partners.models import Role
from relationships.models import RelationshipRequest
from validation.models import ValidationRequest

from ..factories import (
    PASSWORD,
    CustomerAdminFactory,
    CustomerFactory,
    PartnerFactory,
    UserFactory,
    manage,
)
from .browser import exactly, expect_error_next_to, fill
from .data import CUSTOMER_VALIDATION, STATE_OR_LOCAL, seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TENANT = "Transacting partner's commercial tenant ID"


def test_customer_validation_refuses_azure_gcc_and_wrong_tenant_ids(person):
    tailspin = seller()
    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)
    sam.menu("Customers", "All customers")
    sam.check("customers")
    page.get_by_role("link", name="Add customer").click()
    sam.check("add-customer")
    page.get_by_label("Government Community Cloud (GCC)").check()
    page.get_by_role("button", name="Submit a new request").click()  # the drop-down's hint
    sam.check("customer-validation-form")

    fill(page, CUSTOMER_VALIDATION)
    page.get_by_label(exactly("State or territory")).select_option(label="Nebraska")
    page.get_by_label(STATE_OR_LOCAL).check()
    page.get_by_label("I confirm that I submit this on the customer's behalf").check()
    tenant = page.get_by_label(TENANT)
    tenant.fill(str(tailspin.azure_gcc_tenant_id))
    page.get_by_role("button", name="Submit for review").click()
    sam.check("refused-azure-gcc-tenant")
    expect_error_next_to(
        page.get_by_label(TENANT),
        "This is an Azure GCC tenant ID. GCC forms accept only the commercial tenant ID "
        f"({tailspin.tenant_id}), never the Azure GCC one.",
    )
    expect(page.get_by_label(exactly("Customer's legal name"))).to_have_value("County of Lincoln")

    page.get_by_label(TENANT).fill(str(PartnerFactory().tenant_id))  # another partner's
    page.get_by_label("I confirm that I submit this on the customer's behalf").check()
    page.get_by_role("button", name="Submit for review").click()
    sam.check("refused-wrong-tenant")
    expect_error_next_to(
        page.get_by_label(TENANT),
        f"This is not your organization's commercial tenant ID. Enter {tailspin.tenant_id}.",
    )
    assert not ValidationRequest.objects.exists()


def test_gcc_offers_are_disabled_for_a_commercial_customer(person):
    tailspin = seller()
    harbor = CustomerFactory(company_name="Harbor Analytics LLC")
    manage(tailspin, harbor)
    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)
    sam.menu("Customers", "All customers")
    sam.check("customers")
    page.get_by_role("link", name="Harbor Analytics LLC").click()
    sam.check("account")
    expect(page.get_by_role("region", name="Special qualifications")).to_contain_text("None.")
    page.get_by_role("link", name="Add subscriptions").click()

    sam.check("add-subscriptions")
    expect(page.get_by_text("This customer has no GCC qualification")).to_be_visible()
    # What it can buy comes first; the GCC offers are collapsed behind their one reason.
    expect(page.get_by_label(exactly("Office 365 G3 GCC"))).to_have_count(0)
    unavailable = page.locator("details.unavailable-offers summary")
    expect(unavailable).to_contain_text(
        "not available here: This customer is not validated for GCC: Government Community Cloud "
        "is not under its special qualifications (Account page). Submit a customer GCC "
        "validation request first."
    )
    unavailable.click()
    sam.check("add-subscriptions-unavailable-open", same_page=True)
    expect(page.locator("details.unavailable-offers")).to_contain_text("Office 365 G3 GCC")
    expect(page.get_by_label(exactly("Office 365 E3"))).to_be_enabled()


def test_a_sales_agent_cannot_submit_the_partner_validation(person):
    contoso = PartnerFactory(name="Contoso Government Solutions")
    UserFactory(partner=contoso, role=Role.SALES_AGENT, username="sam@contoso.test")
    sam = person()
    page = sam.sign_in("sam@contoso.test", PASSWORD)
    sam.menu("Settings", "Organization profile")
    sam.check("organization-profile")
    validation = page.get_by_role("region", name="Partner GCC validation")
    submit = validation.get_by_role("link", name="Submit the partner GCC validation")
    expect(submit).to_have_count(0)
    only_admins = "Only an admin agent or a global admin of your organization can submit"
    expect(validation).to_contain_text(only_admins)

    sam.goto("/validation/partner/new/", "partner-validation-refused")  # typed in, or bookmarked
    expect(page.get_by_role("alert")).to_contain_text(only_admins)
    expect(page.get_by_text("Your role: Sales agent.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit for review")).to_have_count(0)


def test_an_expired_relationship_link_is_refused(person):
    seller()
    CustomerAdminFactory(
        customer=CustomerFactory(company_name="City of Springfield"),
        username="admin@springfield.test",
    )
    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)
    sam.menu("Customers", "Request a reseller relationship")
    sam.check("request-relationship")
    page.get_by_role("button", name="Create request and email draft").click()
    sam.check("email-draft")
    link = page.get_by_label("Personalized link").input_value()

    # Fifteen days later (links last fourteen), the customer's admin opens the email.
    fifteen_days = timedelta(days=15)
    (request,) = RelationshipRequest.objects.all()
    request.created_at -= fifteen_days
    request.expires_at -= fifteen_days
    request.save()

    casey = person("customer-admin")
    invitation = casey.goto(link, "invitation-expired")
    expect(invitation.get_by_role("heading", level=1)).to_have_text("This invitation has expired")
    expect(invitation.get_by_role("alert")).to_have_text(
        "This invitation link has expired. Ask Tailspin Federal Systems to send a new one."
    )
    expect(invitation.get_by_role("button", name="Accept")).to_have_count(0)
    assert not CustomerRelationship.objects.exists()

    page.reload()
    sam.check("email-draft-expired")
    expect(page.get_by_role("heading", name="Status: Expired")).to_be_visible()
    expect(page.get_by_text("This link has expired and can no longer be used.")).to_be_visible()
    assert RelationshipRequest.objects.get().expires_at < timezone.now()
