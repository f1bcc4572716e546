"""Scenario 1: an admin agent gets the partner validated for GCC, as Microsoft's worker decides."""

import pytest
from playwright.sync_api import expect

from partners.models import Role

from ..factories import PASSWORD, PartnerFactory, UserFactory
from .browser import WORKER_TIMEOUT_MS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_agent_gets_partner_validated(person, celery_worker):
    partner = PartnerFactory(name="Contoso Government Solutions")
    UserFactory(partner=partner, role=Role.ADMIN_AGENT, username="adele@contoso.test")
    adele = person()
    page = adele.sign_in("adele@contoso.test", PASSWORD)
    expect(page.get_by_text("Your organization is not validated for GCC yet")).to_be_visible()

    adele.menu("Settings", "Organization profile")
    adele.check("organization-profile")
    qualifications = page.get_by_role("region", name="Reseller qualifications")
    expect(qualifications).to_contain_text("None yet.")
    microsoft_id = page.locator("#microsoft-id").inner_text().strip()
    assert microsoft_id == str(partner.tenant_id)

    page.get_by_role("link", name="Submit the partner GCC validation").click()
    adele.check("partner-validation-form")
    expect(page.get_by_label("Legal organization name")).to_have_value(partner.name)
    page.get_by_label("Commercial tenant ID (Microsoft ID)").fill(microsoft_id)
    page.get_by_label("Contact phone").fill("+1 703 555 0142")
    page.get_by_label("Serves US federal, state, local or tribal government entities").check()
    page.get_by_label("Contract, schedule number or agency reference").fill("GS-35F-0119Y")
    page.get_by_label("I confirm the information is accurate").check()
    page.get_by_role("button", name="Submit for review").click()

    adele.check("request-submitted")
    expect(page.get_by_role("status").filter(has_text="Your request was submitted")).to_be_visible()
    status = page.locator("#request-status")
    expect(status).to_contain_text("Decision expected by")
    # The page refreshes itself while the request is open: wait for the worker's decision.
    expect(status.get_by_role("heading", name="State: Approved")).to_be_visible(
        timeout=WORKER_TIMEOUT_MS
    )
    expect(status).to_contain_text("Government_community_cloud was added")
    adele.check("request-approved", same_page=True)

    page.get_by_role("navigation", name="breadcrumb").get_by_role(
        "link", name="Organization profile"
    ).click()
    adele.check("organization-profile-qualified")
    expect(qualifications).to_contain_text("Government_community_cloud")
    expect(page.get_by_role("link", name="Submit the partner GCC validation")).to_have_count(0)
