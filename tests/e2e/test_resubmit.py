"""A rejected customer validation resubmitted from its page, and the requests and codes pages."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from partners.models import Role
from validation import services

from ..factories import PASSWORD, UserFactory, customer_request_data, gcc_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def submit(actor, **overrides):
    return services.customer_validation_submit(
        actor=actor,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(actor.partner, **overrides),
    )


def test_rejected_customer_request_is_resubmitted(person):
    partner = gcc_partner(name="Tailspin Federal")
    sam = UserFactory(partner=partner, role=Role.SALES_AGENT, username="sam@tailspin.test")
    rejected = submit(sam, jurisdiction="Lincoln")
    services.validation_request_reject(
        request_id=rejected.pk, reason="Name the county and the state in the jurisdiction."
    )
    approved = submit(sam, organization_name="City of Omaha", domain="omaha.gov")
    services.validation_request_approve(request_id=approved.pk)
    approved.refresh_from_db()

    someone = person()
    page = someone.sign_in("sam@tailspin.test", PASSWORD)
    someone.menu("Customers", "Validation requests")
    someone.check("validation-requests")
    page.get_by_label("State").select_option("rejected")
    page.get_by_role("button", name="Filter").click()
    someone.check("validation-requests-rejected")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=rejected.reference).click()

    someone.check("rejected-request")
    page.get_by_role("link", name="Resubmit", exact=True).click()
    someone.check("resubmit-form")
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        rejected.reference
    )
    jurisdiction = page.get_by_label("Jurisdiction or agency")
    expect(jurisdiction).to_have_value("Lincoln")
    expect(page.get_by_label("Customer domain")).to_have_value("lincolncounty.gov")
    jurisdiction.fill("Lincoln County, Nebraska")
    page.get_by_label(re.compile("I confirm that I submit this")).check()
    page.get_by_role("button", name="Submit for review").click()

    someone.check("resubmitted-request")
    status = page.locator("#request-status")
    expect(status).to_contain_text(f"Resubmission of {rejected.reference}")
    status.get_by_role("link", name=rejected.reference).click()
    someone.check("rejected-request-with-chain")
    expect(page.locator("#request-status")).to_contain_text("Resubmitted as")
    expect(page.get_by_role("link", name="Resubmit", exact=True)).to_have_count(0)

    someone.menu("Customers", "Validation codes")
    someone.check("validation-codes")
    expect(page.get_by_role("table")).to_contain_text(approved.validation_code.validation_id)
    expect(page.get_by_role("table")).to_contain_text("City of Omaha")
