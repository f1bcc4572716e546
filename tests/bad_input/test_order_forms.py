"""Orders: Add subscriptions for an existing customer, and the new-customer wizard's
Subscriptions and Review steps: quantities of every bad kind, forged offers and keys."""

import uuid

import pytest
from django.urls import reverse
from hypothesis import example as also
from hypothesis import given
from hypothesis import strategies as st

from customers.models import Customer
from orders.models import Offer, Order, OrderLine

from ..customers.test_customers import issue_code
from ..factories import customer_account_form_data
from ..orders.conftest import E3, G3
from .conftest import assert_escaped, example, post_checked
from .strategies import FORM_SETTINGS, NUMBERS, bad_guid, bad_number

pytestmark = pytest.mark.django_db

SAVED = [Order, OrderLine, Customer]
QUANTITY = st.one_of(st.sampled_from(NUMBERS), bad_number())


def _field(name) -> str:
    return f"quantity_{Offer.objects.get(name=name).offer_id}"


@FORM_SETTINGS
@given(
    g3=QUANTITY,
    e3=QUANTITY,
    forged=st.one_of(st.none(), bad_guid()),
    key=st.one_of(st.none(), bad_guid()),
)
@also(g3="-1", e3="", forged=None, key=None)
@also(g3=str(10**12), e3="", forged=None, key=None)
@also(g3="1e9", e3="NaN", forged=None, key=None)
@also(g3="25", e3="5", forged=None, key=None)  # a commercial offer for a GCC customer
def test_add_subscriptions(signed_in, seller, gcc_customer, g3, e3, forged, key):
    post = {"submission_key": key or str(uuid.uuid4()), _field(G3): g3, _field(E3): e3}
    if forged is not None:
        post[f"quantity_{forged}"] = "5"
    client = signed_in(seller)
    with example("orders: add subscriptions"):
        response = post_checked(
            client,
            reverse("orders:create", args=[gcc_customer.uuid]),
            post,
            models=SAVED,
            form="add subscriptions",
        )
        if response.status_code == 302:
            order = Order.objects.get()
            quantities = list(order.lines.values_list("quantity", flat=True))
            assert all(1 <= q <= 10_000 for q in quantities), quantities
            assert order.lines.filter(offer__is_gcc=False).count() == 0
            assert_escaped(client.get(response.url))


@FORM_SETTINGS
@given(g3=QUANTITY, key=st.one_of(st.none(), bad_guid()), review_key=bad_guid())
@also(g3="0", key=None, review_key="")
@also(g3="-5", key=None, review_key=str(uuid.uuid4()))
def test_new_customer_wizard(signed_in, seller, g3, key, review_key):
    client = signed_in(seller)
    with example("orders: new-customer wizard"):
        code = issue_code(seller)
        account = customer_account_form_data(code, next="subscriptions")
        step1 = client.post(reverse("orders:new_customer"), account)
        assert step1.status_code == 302
        wizard_key = client.get(step1.url).context["form"]["submission_key"].value()
        step2 = post_checked(
            client,
            step1.url,
            {"submission_key": key or wizard_key, _field(G3): g3},
            models=SAVED,
            form="wizard subscriptions",
        )
        assert Customer.objects.count() == 0  # nothing before Submit
        review = reverse("orders:new_customer_review")
        response = post_checked(
            client, review, {"submission_key": review_key}, models=SAVED, form="wizard review"
        )
        if step2.status_code != 302:  # no valid subscriptions: Submit must not create anything
            assert Customer.objects.count() == 0 and Order.objects.count() == 0
        elif response.status_code == 302:
            assert Customer.objects.count() == 1 and Order.objects.count() == 1
