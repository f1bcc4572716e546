"""At 200% zoom (640 px), a global admin manages the users without scrolling sideways: each
user is a block of "label: value" lines with its buttons in view, and still a table to a
screen reader."""

import pytest
from playwright.sync_api import expect

from partners.models import Role

from ..factories import PASSWORD, UserFactory, gcc_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_users_list_at_200_percent_zoom(person):
    partner = gcc_partner(name="Tailspin Federal Systems")
    UserFactory(partner=partner, role=Role.GLOBAL_ADMIN, username="gia@tailspin.test")
    UserFactory(partner=partner, role=Role.HELPDESK_AGENT, username="hal@tailspin.test")
    gia = person()
    gia.page.set_viewport_size({"width": 640, "height": 900})
    page = gia.sign_in("gia@tailspin.test", PASSWORD)
    page.goto(gia.url("/settings/users/"))
    gia.check("users-640")
    table = page.get_by_role("table", name="Your organization's users")
    row = table.get_by_role("row").filter(has_text="hal@tailspin.test")
    # The column's name is read with the value (CSS ::before from data-label).
    expect(row.get_by_role("cell").first).to_have_accessible_name("Sign-in name: hal@tailspin.test")
    deactivate = row.get_by_role("button", name="Deactivate hal@tailspin.test")
    box = deactivate.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 640, box
    deactivate.click()
    gia.check("users-640-deactivated")
    expect(row.get_by_role("button", name="Reactivate hal@tailspin.test")).to_be_visible()
