"""The top menu marks the section a page belongs to: customer validation pages under
Customers, the partner's own validation and its settings under Settings."""

import re
import uuid

import pytest
from django.urls import reverse

from partners.models import Role
from validation.services import customer_validation_submit

from ..factories import PartnerRequestFactory, UserFactory, customer_request_data, gcc_partner

pytestmark = pytest.mark.django_db


def active_menu(html: str) -> list[str]:
    return re.findall(r'dropdown-toggle active"[^>]*>([^<]+)</a>', html)


@pytest.fixture
def agent():
    return UserFactory(role=Role.ADMIN_AGENT)


def test_a_customer_request_is_under_customers(client_for):
    agent = UserFactory(partner=gcc_partner(), role=Role.ADMIN_AGENT)
    vr = customer_validation_submit(
        actor=agent, submission_key=uuid.uuid4(), intake=customer_request_data(agent.partner)
    )
    page = client_for(agent).get(reverse("validation:detail", args=[vr.uuid]))
    assert active_menu(page.content.decode()) == ["Customers"]


def test_the_partners_own_request_and_settings_are_under_settings(client_for, agent):
    vr = PartnerRequestFactory(submitted_by=agent)
    client = client_for(agent)
    for url in (reverse("validation:detail", args=[vr.uuid]), reverse("profile")):
        assert active_menu(client.get(url).content.decode()) == ["Settings"], url


@pytest.mark.parametrize("name", ["validation:requests", "validation:codes", "customers:list"])
def test_lists_of_customers_work_are_under_customers(client_for, agent, name):
    assert active_menu(client_for(agent).get(reverse(name)).content.decode()) == ["Customers"]
