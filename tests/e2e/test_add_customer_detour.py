"""Scenario: the seed's detour. Add customer, typed halfway, then "What is this?" > "Submit a
new request": the customer validation form starts from what was typed (the organization is
typed once), and back on Add customer everything typed is still there."""

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from .browser import exactly, fill
from .data import NEW_CUSTOMER, seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_detour_through_the_validation_form_keeps_what_was_typed(person):
    seller()
    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)
    sam.menu("Customers", "All customers")
    sam.check("customers")
    page.get_by_role("link", name="Add customer").click()
    sam.check("add-customer")
    fill(page, NEW_CUSTOMER)
    page.get_by_label("Government Community Cloud (GCC)").check()
    page.get_by_role("button", name="What is this?").click()
    dialog = page.get_by_role("dialog", name="GCC validation codes")
    expect(dialog).to_be_visible()
    sam.check("what-is-this", same_page=True)
    dialog.get_by_role("button", name="Submit a new request").click()

    sam.check("customer-validation-form-prefilled")
    expect(page.get_by_label(exactly("Customer's legal name"))).to_have_value("County of Lincoln")
    expect(page.get_by_label(exactly("City"))).to_have_value("Lincoln")

    page.go_back()
    page.reload()
    sam.check("add-customer-restored")
    expect(page.get_by_role("status").filter(has_text="What you typed before")).to_be_visible()
    expect(page.get_by_label(exactly("Company name"))).to_have_value("County of Lincoln")
    expect(page.get_by_label(exactly("Primary contact email"))).to_have_value(
        "it@lincolncounty.gov"
    )
