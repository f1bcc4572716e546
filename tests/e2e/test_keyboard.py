"""Scenario 2 again, with the keyboard only: Tab and Shift+Tab to move, Enter and Space to act,
arrow keys in menus, radio groups and drop-downs, typing in fields. No mouse event reaches the
portal's pages (counted in the page, checked at the end)."""

import pytest
from playwright.sync_api import Locator, Page, expect

from ..factories import PASSWORD
from .browser import WORKER_TIMEOUT_MS, exactly
from .data import CUSTOMER_VALIDATION, G3, NEW_CUSTOMER, STATE_OR_LOCAL, seller

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Counts pointer events (mouse, touch, pen) in every page of the window, for the whole test.
COUNT_POINTER_EVENTS = """
for (const type of ["pointerdown", "mousedown", "pointerup"]) {
  addEventListener(type, () => {
    try {
      sessionStorage.setItem("pointer", String(Number(sessionStorage.getItem("pointer")) + 1));
    } catch (error) {}
  }, true);
}
"""
MAX_TABS = 80


class Keyboard:
    def __init__(self, page: Page):
        self.page = page

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def tab_to(self, target: Locator, *, backwards: bool = False) -> Locator:
        """Press Tab (or Shift+Tab) until ``target`` has the focus."""
        for _ in range(MAX_TABS):
            self.press("Shift+Tab" if backwards else "Tab")
            if target.evaluate("element => element === document.activeElement"):
                return target
        raise AssertionError(f"{MAX_TABS} presses of Tab never reached {target}")

    def type_into(self, target: Locator, text: str) -> None:
        self.tab_to(target)
        self.press("Control+A")  # replace what the form prefilled, if anything
        self.page.keyboard.type(text)
        expect(target).to_have_value(text)

    def activate(self, target: Locator, key: str = "Enter") -> None:
        self.tab_to(target)
        self.press(key)

    def choose_state(self, name: str, value: str) -> None:
        """Type-ahead on a focused, closed drop-down."""
        select = self.page.get_by_label(exactly("State or territory"))
        self.tab_to(select)
        self.page.keyboard.type(name)
        expect(select).to_have_value(value)


def test_keyboard_only_validates_creates_and_orders(person, celery_worker):
    seller()
    sam = person()
    page = sam.page
    page.context.add_init_script(COUNT_POINTER_EVENTS)
    keys = Keyboard(page)

    sam.goto("/accounts/login/", "sign-in")
    keys.type_into(page.get_by_label("Username"), "sam@tailspin.test")
    keys.type_into(page.get_by_label("Password"), PASSWORD)
    keys.press("Enter")
    sam.check("home")

    nav = page.get_by_role("navigation", name="Partner workspace")
    keys.activate(nav.get_by_role("button", name="Customers"))
    keys.press("ArrowDown")
    expect(nav.get_by_role("link", name="All customers")).to_be_focused()
    keys.press("Enter")
    sam.check("customers")

    keys.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    keys.press("Enter")
    keys.press("Tab")  # the first control of the page's content, past the navigation bar
    expect(page.get_by_role("link", name="Request a reseller relationship")).to_be_focused()
    keys.activate(page.get_by_role("link", name="Add customer"))
    sam.check("add-customer")

    keys.tab_to(page.get_by_role("radio", name="None"))  # the group's checked radio
    keys.press("ArrowDown")
    expect(page.get_by_role("radio", name="Government Community Cloud (GCC)")).to_be_checked()
    expect(page.get_by_role("combobox", name="GCC validation code")).to_be_disabled()
    keys.activate(page.get_by_role("button", name="What is this?"))
    dialog = page.get_by_role("dialog", name="GCC validation codes")
    expect(dialog).to_be_focused()
    sam.check("what-is-this", same_page=True)
    keys.activate(dialog.get_by_role("button", name="Submit a new request"))
    sam.check("customer-validation-form")

    for label in ["Customer's legal name", "Customer domain", "Street address", "City"]:
        keys.type_into(page.get_by_label(exactly(label)), CUSTOMER_VALIDATION[label])
    keys.choose_state("Nebraska", "NE")
    keys.type_into(page.get_by_label(exactly("ZIP code")), CUSTOMER_VALIDATION["ZIP code"])
    keys.tab_to(page.get_by_role("radio", name="US federal agency, bureau, office or department"))
    keys.press("ArrowDown")
    expect(page.get_by_role("radio", name=STATE_OR_LOCAL)).to_be_checked()
    for label in [
        "Jurisdiction or agency",
        "Customer contact Microsoft may reach",
        "Contact email",
        "Contact phone",
    ]:
        keys.type_into(page.get_by_label(exactly(label)), CUSTOMER_VALIDATION[label])
    attest = page.get_by_label("I confirm that I submit this on the customer's behalf")
    keys.activate(attest, key="Space")
    expect(attest).to_be_checked()
    keys.activate(page.get_by_role("button", name="Submit for review"))
    sam.check("customer-request-submitted")

    status = page.locator("#request-status")
    issued = status.get_by_role("status").filter(has_text="Validation code")
    expect(issued).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    validation_id = issued.locator("strong").inner_text()
    sam.check("customer-request-approved", same_page=True)
    breadcrumb = page.get_by_role("navigation", name="breadcrumb")
    keys.activate(breadcrumb.get_by_role("link", name="Customers"))
    sam.check("customers-again")
    keys.activate(page.get_by_role("link", name="Add customer"))
    sam.check("add-customer-again")

    for label in ["Company name", "Domain prefix", "Street address", "City"]:
        keys.type_into(page.get_by_label(exactly(label)), NEW_CUSTOMER[label])
    keys.choose_state("Nebraska", "NE")
    for label in ["ZIP code", "Primary contact", "Primary contact email", "Primary contact phone"]:
        keys.type_into(page.get_by_label(exactly(label)), NEW_CUSTOMER[label])
    agreement = page.get_by_label("The customer has accepted the Microsoft Customer Agreement.")
    keys.activate(agreement, key="Space")
    expect(agreement).to_be_checked()
    # GCC is still chosen: the page kept what was typed before the validation detour.
    gcc = page.get_by_role("radio", name="Government Community Cloud (GCC)")
    keys.tab_to(gcc)
    expect(gcc).to_be_checked()
    code = page.get_by_role("combobox", name="GCC validation code")
    keys.tab_to(code)
    keys.press("ArrowDown")
    expect(code.locator("option:checked")).to_have_text(
        f"{validation_id} · County of Lincoln (5 of 5 creates left)"
    )
    sam.check("add-customer-with-code", same_page=True)
    keys.activate(page.get_by_role("button", name="Next: Subscriptions"))
    sam.check("subscriptions")

    keys.type_into(page.get_by_label(exactly(G3)), "25")
    keys.activate(page.get_by_role("button", name="Next: Review"))
    sam.check("review")
    expect(page.get_by_role("row", name=f"{G3} 1 year, billed monthly 25 $500.00")).to_be_visible()
    keys.activate(page.get_by_role("button", name="Submit", exact=True))
    sam.check("order-submitted")

    completed = page.locator("#order-status").get_by_role("heading", name="State: Completed")
    expect(completed).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    sam.check("order-completed", same_page=True)
    keys.activate(page.get_by_role("link", name="Subscriptions", exact=True))
    sam.check("subscriptions-list")
    expect(page.get_by_role("row").filter(has_text=G3)).to_contain_text("Active")

    assert page.evaluate("Number(sessionStorage.getItem('pointer'))") == 0
