"""Customers: Add customer (with GCC and a validation code, and its Next: Subscriptions),
the customer search, and the reseller relationship request."""

import pytest
from django.urls import reverse
from hypothesis import example as also
from hypothesis import given
from hypothesis import strategies as st

from customers.models import Customer, CustomerRelationship
from partners.models import PartnerType, Role
from relationships.models import RelationshipRequest
from validation.models import SpecialQualification, ValidationCode

from ..customers.test_customers import issue_code
from ..factories import (
    IndirectResellerFactory,
    PartnerFactory,
    UserFactory,
    customer_account_form_data,
)
from .conftest import assert_escaped, example, post_checked
from .strategies import FORM_SETTINGS, XSS, bad_number, bad_text, form_data

pytestmark = pytest.mark.django_db

GCC = "GovernmentCommunityCloud"
SAVED = [Customer, CustomerRelationship, SpecialQualification]


@pytest.fixture
def code(seller):
    return issue_code(seller)


def _account(code) -> dict:
    return customer_account_form_data(code)


ACCOUNT_BAD = {
    "special_qualification": st.one_of(st.sampled_from(["", GCC, "Education", "None"]), bad_text()),
    "validation_code": bad_number(),
    "agreement_accepted": st.sampled_from(["on", "", "false", "0", "\x00"]),
}


@FORM_SETTINGS
@given(data=st.data())
def test_add_customer(signed_in, seller, code, data):
    post = data.draw(form_data(_account(code), ACCOUNT_BAD))
    post["company_name"] = post.get("company_name", "") or ""
    client = signed_in(seller)
    with example("customers: add customer"):
        remaining = ValidationCode.objects.get(pk=code.pk).remaining_creates
        response = post_checked(
            client, reverse("orders:new_customer"), post, models=SAVED, form="add customer"
        )
        if response.status_code != 302:
            assert ValidationCode.objects.get(pk=code.pk).remaining_creates == remaining
        else:
            customer = Customer.objects.order_by("-pk").first()
            assert_escaped(client.get(reverse("customers:detail", args=[customer.uuid])))
            assert_escaped(client.get(reverse("customers:list")))


@FORM_SETTINGS
@given(data=st.data())
def test_add_customer_next_subscriptions(signed_in, seller, code, data):
    """The same form's "Next: Subscriptions": nothing saved, the wizard's pages escape it."""
    post = {**data.draw(form_data(_account(code), ACCOUNT_BAD)), "next": "subscriptions"}
    client = signed_in(seller)
    with example("customers: add customer, next: subscriptions"):
        response = post_checked(
            client, reverse("orders:new_customer"), post, models=SAVED, form="add customer next"
        )
        assert Customer.objects.count() == 0  # nothing is created before Submit
        if response.status_code == 302:
            assert_escaped(client.get(response.url))
            assert_escaped(client.get(reverse("orders:new_customer") + "?resume=1"))


@FORM_SETTINGS
@given(
    q=bad_text(),
    qualification=bad_text(),
    status=bad_text(),
    page=st.one_of(bad_number(), st.just("last")),
)
@also(q="lincoln\x00", qualification="", status="", page="1")
@also(q=XSS[1], qualification=XSS[0], status=XSS[0], page=XSS[0])
def test_customer_search(signed_in, seller, q, qualification, status, page):
    client = signed_in(seller)
    with example("customers: search and filters"):
        response = client.get(
            reverse("customers:list"),
            {"q": q, "qualification": qualification, "status": status, "page": page},
        )
        assert response.status_code < 500
        assert_escaped(response)


@FORM_SETTINGS
@given(reseller=st.one_of(bad_number(), st.sampled_from(["", "own", "other"])))
def test_relationship_request(signed_in, reseller):
    with example("relationships: request"):
        provider = PartnerFactory(partner_type=PartnerType.INDIRECT_PROVIDER)
        agent = UserFactory(partner=provider, role=Role.SALES_AGENT)
        own = PartnerFactory(partner_type=PartnerType.INDIRECT_RESELLER, indirect_provider=provider)
        other = IndirectResellerFactory()  # another provider's reseller
        value = {"own": str(own.pk), "other": str(other.pk)}.get(reseller, reseller)
        client = signed_in(agent)
        response = post_checked(
            client,
            reverse("relationships:new"),
            {"indirect_reseller": value},
            models=[RelationshipRequest],
            form="relationship request",
        )
        if response.status_code == 302:
            saved = RelationshipRequest.objects.get()
            assert saved.indirect_reseller_id in (None, own.pk)
            assert_escaped(client.get(response.url))


def test_script_payloads_are_stored_as_text_and_shown_escaped(signed_in, seller, code):
    """A customer named with every payload: saved as typed, shown as text on its pages."""
    client = signed_in(seller)
    name = " ".join(XSS)[:200]
    post = {**_account(code), "company_name": name, "contact_name": XSS[1]}
    assert client.post(reverse("orders:new_customer"), post).status_code == 302
    customer = Customer.objects.get()
    assert customer.company_name == name
    for url in (reverse("customers:detail", args=[customer.uuid]), reverse("customers:list")):
        page = client.get(url)
        assert_escaped(page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()
