"""Scenario: the eligibility criteria and Questions, reached as the source page sends its reader:
from the "What is this?" dialog of Add customer, and signed out from the pages' own links."""

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from .data import seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_criteria_and_questions_from_the_dialog_and_signed_out(person):
    seller()
    sam = person()
    page = sam.sign_in("sam@tailspin.test", PASSWORD)
    sam.menu("Customers", "All customers")
    sam.check("customers")
    page.get_by_role("link", name="Add customer").click()
    sam.check("add-customer")
    page.get_by_label("Government Community Cloud (GCC)").check()
    page.get_by_role("button", name="What is this?").click()
    dialog = page.get_by_role("dialog", name="GCC validation codes")
    expect(dialog).to_be_visible()
    sam.check("what-is-this", same_page=True)
    dialog.get_by_role("link", name="eligibility criteria").click()
    sam.check("eligibility")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Eligibility criteria for partners and customers"
    )

    stranger = person("signed-out")
    page = stranger.goto("/help/questions/", "questions")
    expect(page.get_by_role("link", name="gcc-validation-support@microsoft.test")).to_be_visible()
    page.get_by_role("navigation", name="Portal").get_by_role(
        "link", name="Eligibility criteria"
    ).click()
    stranger.check("eligibility")
