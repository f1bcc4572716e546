"""A retry racing its first attempt: two copies of the same submission at once (a client's
retry with the same MS-RequestId, a double click on a form), each in its own thread on its own
database connection. Both get the first attempt's answer; nothing is made twice; never a 500.

Before the submission lock (lib.locks) the loser read "no earlier order", inserted, and died
on the unique submission key: 19 of 20 pairs of order posts answered 500 on PostgreSQL."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from api.services import api_token_create
from customers.models import Customer
from orders.models import Cart, Offer, Order
from partners.models import Role
from validation.models import ValidationRequest

from ..api.conftest import new_customer_body
from ..api.test_qualifications import intake
from ..concurrency import run_together
from ..customers.test_customers import issue_code
from ..factories import UserFactory, customer_account_form_data, customer_validation_form_data
from ..orders.conftest import G3, managed_customer
from ..orders.test_views import qty
from ..validation.test_views import form_data as partner_form_data

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4  # pairs per test: one pair could be lucky in its timing; four in a row are not


def _offer_id(name: str) -> str:
    return Offer.objects.get(name=name).offer_id


def _api_client(agent) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = (
        f"Bearer {api_token_create(actor=agent, name='retries').raw}"
    )
    return client


def _post(client, path, body, request_id):
    return lambda: client.post(
        path, json.dumps(body), content_type="application/json", HTTP_MS_REQUESTID=request_id
    )


def _twice_at_once(call):
    outcomes = run_together(call, call)
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    return [response for _, response in outcomes]


def _same_answer(responses, status):
    first, second = responses
    assert [first.status_code, second.status_code] == [status, status], (
        first.content[:300],
        second.content[:300],
    )
    assert json.loads(first.content) == json.loads(second.content)
    return json.loads(first.content)


def test_an_order_posted_twice_at_once_with_one_request_id_is_placed_once(seller):
    customer = managed_customer(seller.partner, gcc=True)
    client = _api_client(seller)
    path = f"/v1/customers/{customer.tenant_id}/orders"
    body = {"lineItems": [{"lineItemNumber": 0, "offerId": _offer_id(G3), "quantity": 5}]}
    for round_ in range(ROUNDS):
        responses = _twice_at_once(_post(client, path, body, f"order-retry-{round_}"))
        order = _same_answer(responses, 201)
        assert Order.objects.filter(uuid=order["id"]).exists()
        assert sum(response.has_header("MS-Replayed") for response in responses) == 1
    assert Order.objects.count() == ROUNDS


def test_a_customer_created_twice_at_once_is_created_once_and_both_see_it(seller):
    client = _api_client(seller)
    for round_ in range(ROUNDS):
        body = new_customer_body(prefix=f"retried-{round_}")
        responses = _twice_at_once(_post(client, "/v1/customers", body, f"create-{round_}"))
        created = _same_answer(responses, 201)  # not "domain taken" for the retry
        assert created["companyProfile"]["domain"] == f"retried-{round_}.onmicrosoft.com"
    assert Customer.objects.count() == ROUNDS


def test_a_validation_request_submitted_twice_at_once_is_submitted_once(seller):
    client = _api_client(seller)
    for round_ in range(ROUNDS):
        customer = managed_customer(seller.partner, gcc=False)
        body = intake(seller)
        path = f"/v1/customers/{customer.tenant_id}/validations"
        _same_answer(_twice_at_once(_post(client, path, body, f"validate-{round_}")), 201)
        assert ValidationRequest.objects.filter(customer=customer).count() == 1


def test_a_cart_created_and_checked_out_twice_at_once_is_one_cart_and_one_order(seller):
    customer = managed_customer(seller.partner, gcc=True)
    client = _api_client(seller)
    carts = f"/v1/customers/{customer.tenant_id}/carts"
    for round_ in range(ROUNDS):
        lines = {"lineItems": [{"catalogItemId": f"{_offer_id(G3)}:0001:0001", "quantity": 2}]}
        cart = _same_answer(_twice_at_once(_post(client, carts, lines, f"cart-{round_}")), 201)
        checkout = f"{carts}/{cart['id']}/checkout"
        result = _same_answer(_twice_at_once(_post(client, checkout, {}, f"out-{round_}")), 201)
        assert len(result["orders"]) == 1
    assert Cart.objects.count() == Order.objects.count() == ROUNDS


def test_one_request_id_names_the_customer_however_its_id_is_spelled(seller):
    customer = managed_customer(seller.partner, gcc=True)
    client = _api_client(seller)
    body = {"lineItems": [{"lineItemNumber": 0, "offerId": _offer_id(G3), "quantity": 5}]}
    spellings = [str(customer.tenant_id), str(customer.tenant_id).upper(), customer.tenant_id.hex]
    responses = [
        _post(client, f"/v1/customers/{spelling}/orders", body, "one-id")()
        for spelling in spellings
    ]
    assert [response.status_code for response in responses] == [201, 201, 201]
    assert [response.has_header("MS-Replayed") for response in responses] == [False, True, True]
    assert Order.objects.count() == 1


# --- The portal's forms, double-clicked -------------------------------------------------------


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _both_redirect_to_one_place(responses):
    first, second = responses
    assert [first.status_code, second.status_code] == [302, 302], (first, second)
    assert first.url == second.url
    return first.url


def test_add_subscriptions_double_clicked_places_one_order(seller):
    customer = managed_customer(seller.partner, gcc=True)
    client = _signed_in(seller)
    url = reverse("orders:create", args=[customer.uuid])
    for _ in range(ROUNDS):
        form = {"submission_key": str(uuid.uuid4()), qty(G3): "10"}
        landed = _both_redirect_to_one_place(
            _twice_at_once(lambda form=form: client.post(url, form))
        )
        order = Order.objects.order_by("-pk").first()
        assert landed == reverse("orders:detail", args=[customer.uuid, order.uuid])
    assert Order.objects.count() == ROUNDS


def test_the_new_customer_wizard_double_clicked_creates_one_customer_and_order(seller):
    code = issue_code(seller, remaining=5)
    client = _signed_in(seller)
    for round_ in range(ROUNDS):
        start = reverse("orders:new_customer")
        step1 = client.post(
            start,
            customer_account_form_data(
                code,
                company_name=f"Org {round_}",
                domain_prefix=f"wizard-org-{round_}",
                next="subscriptions",
            ),
        )
        assert step1.status_code == 302, step1.content.decode()[:1500]
        key = client.get(step1.url).context["form"]["submission_key"].value()
        review = client.post(step1.url, {"submission_key": key, qty(G3): "10"}).url
        landed = _both_redirect_to_one_place(
            _twice_at_once(lambda url=review, key=key: client.post(url, {"submission_key": key}))
        )
        order = Order.objects.get(submission_key=key)
        assert landed == reverse("orders:detail", args=[order.customer.uuid, order.uuid])
        page = client.get(landed).content.decode()
        assert "already taken" not in page
    assert Customer.objects.count() == Order.objects.count() == ROUNDS


def test_the_customer_validation_form_double_clicked_submits_one_request(seller):
    client = _signed_in(seller)
    url = reverse("customers:validation_new")
    for round_ in range(ROUNDS):
        form = customer_validation_form_data(seller.partner, domain=f"county-{round_}.gov")
        landed = _both_redirect_to_one_place(
            _twice_at_once(lambda form=form: client.post(url, form))
        )
        request = ValidationRequest.objects.get(submission_key=form["submission_key"])
        assert landed == reverse("validation:detail", args=[request.uuid]) + "?submitted=1"
    assert ValidationRequest.objects.count() == ROUNDS


def test_the_partner_validation_form_double_clicked_submits_one_request():
    admin = UserFactory(role=Role.ADMIN_AGENT)
    client = _signed_in(admin)
    form = partner_form_data(admin.partner)
    landed = _both_redirect_to_one_place(
        _twice_at_once(lambda: client.post(reverse("validation:partner_new"), form))
    )
    request = ValidationRequest.objects.get()  # not "already under review" for the second
    assert landed == reverse("validation:detail", args=[request.uuid]) + "?submitted=1"
