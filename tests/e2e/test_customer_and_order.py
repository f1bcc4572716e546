"""Scenario 2: a sales agent of a GCC-qualified partner validates a new customer, creates it with
the validation code, and orders GCC subscriptions, which the worker provisions."""

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from .browser import WORKER_TIMEOUT_MS, exactly, fill
from .data import CUSTOMER_VALIDATION, G3, NEW_CUSTOMER, STATE_OR_LOCAL, seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sales_agent_validates_creates_and_orders_for_a_gcc_customer(person, celery_worker):
    partner = seller()
    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)

    sam.menu("Customers", "All customers")
    sam.check("customers-empty")
    page.get_by_role("link", name="Add customer").click()
    sam.check("add-customer")
    page.get_by_label("Government Community Cloud (GCC)").check()
    code = page.get_by_role("combobox", name="GCC validation code")
    expect(code).to_be_disabled()
    expect(code).to_have_accessible_description(
        "No validation is listed: the customer has not been validated yet. Submit a new request "
        "on its behalf, or contact the validation team."
    )
    sam.check("add-customer-gcc-no-code", same_page=True)

    page.get_by_role("button", name="What is this?").click()
    dialog = page.get_by_role("dialog", name="GCC validation codes")
    expect(dialog).to_be_visible()
    sam.check("what-is-this", same_page=True)
    dialog.get_by_role("button", name="Submit a new request").click()

    sam.check("customer-validation-form")
    tenant = page.get_by_label("Transacting partner's commercial tenant ID")
    expect(tenant).to_have_value(str(partner.tenant_id))
    fill(page, CUSTOMER_VALIDATION)
    page.get_by_label(exactly("State or territory")).select_option(label="Nebraska")
    page.get_by_label(STATE_OR_LOCAL).check()
    expect(page.get_by_label("The organization is a US entity")).to_be_checked()
    page.get_by_label("I confirm that I submit this on the customer's behalf").check()
    page.get_by_role("button", name="Submit for review").click()

    sam.check("customer-request-submitted")
    status = page.locator("#request-status")
    expect(status.get_by_role("heading", name="State: Approved")).to_be_visible(
        timeout=WORKER_TIMEOUT_MS
    )
    issued = status.get_by_role("status").filter(has_text="Validation code")
    expect(issued).to_contain_text("5 of 5 creates left")
    validation_id = issued.locator("strong").inner_text()
    sam.check("customer-request-approved", same_page=True)

    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Customers").click()
    sam.check("customers-before")
    page.get_by_role("link", name="Add customer").click()
    sam.check("add-customer-again")
    fill(page, NEW_CUSTOMER)
    page.get_by_label(exactly("State or territory")).select_option(label="Nebraska")
    page.get_by_label("The customer has accepted the Microsoft Customer Agreement.").check()
    page.get_by_label("Government Community Cloud (GCC)").check()
    code = page.get_by_role("combobox", name="GCC validation code")
    expect(code).to_be_enabled()
    code.select_option(label=f"{validation_id} · County of Lincoln (5 of 5 creates left)")
    sam.check("add-customer-with-code", same_page=True)
    page.get_by_role("button", name="Next: Subscriptions").click()

    sam.check("subscriptions")
    expect(page.get_by_text("Government Community Cloud, validation code")).to_contain_text(
        validation_id
    )
    expect(page.get_by_label(exactly("Office 365 E3"))).to_have_count(0)  # collapsed, no input
    page.get_by_label(exactly(G3)).fill("25")
    page.get_by_role("button", name="Next: Review").click()

    sam.check("review")
    expect(page.get_by_role("row", name=f"{G3} 1 year, billed monthly 25 $500.00")).to_be_visible()
    page.get_by_role("button", name="Submit").click()

    sam.check("order-submitted")
    expect(page.get_by_role("status").first).to_contain_text("County of Lincoln was created")
    order = page.locator("#order-status")
    expect(order.get_by_role("heading", name="State: Completed")).to_be_visible(
        timeout=WORKER_TIMEOUT_MS
    )
    sam.check("order-completed", same_page=True)

    page.get_by_role("link", name="Subscriptions", exact=True).click()
    sam.check("subscriptions-list")
    row = page.get_by_role("row").filter(has_text=G3)
    expect(row).to_contain_text("25")
    expect(row).to_contain_text("Active")

    page.get_by_role("link", name="Account", exact=True).click()
    sam.check("account")
    expect(page.get_by_role("region", name="Special qualifications")).to_contain_text(
        "Government Community Cloud"
    )
