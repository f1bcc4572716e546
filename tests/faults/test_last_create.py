"""Agents racing for the last create of a validation code, through the portal's doors:
exactly one customer gets GCC, the other agent is told the code has no creates left, and the
loser's attempt leaves nothing behind (no customer, no order, no qualification).

tests/customers/test_customers.py already races two customer_create() service calls; these go
through the Add customer page, the new-customer order wizard and the /v1/ API."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from api.services import api_token_create
from customers.models import Customer, CustomerRelationship
from orders.models import Order
from partners.models import Role
from validation.codes import CODE_USED_UP
from validation.models import SpecialQualification

from ..concurrency import run_together
from ..customers.test_customers import account_form, issue_code, managed
from ..factories import UserFactory
from ..orders.conftest import G3
from ..orders.test_views import qty

pytestmark = pytest.mark.django_db(transaction=True)

GCC = "GovernmentCommunityCloud"
CREATE = reverse("orders:new_customer")
NO_CREATES_LEFT = "no creates left"


@pytest.fixture
def colleague(seller):
    return UserFactory(partner=seller.partner, role=Role.ADMIN_AGENT)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _gcc_form(code, prefix: str) -> dict:
    return account_form(
        company_name=f"Org {prefix}",
        domain_prefix=prefix,
        special_qualification=GCC,
        validation_code=code.pk,
    )


def _errors(response) -> list[str]:
    form = response.context["form"]
    return form.errors.get("validation_code", [])


def _assert_one_customer_took_the_last_create(code):
    assert Customer.objects.count() == 1
    assert CustomerRelationship.objects.count() == 1
    assert SpecialQualification.objects.filter(validation_code=code).count() == 1
    code.refresh_from_db()
    assert code.remaining_creates == 0


def test_two_agents_on_the_add_customer_page_at_once(seller, colleague):
    code = issue_code(seller, remaining=1)
    first, second = _signed_in(seller), _signed_in(colleague)

    outcomes = run_together(
        lambda: first.post(CREATE, _gcc_form(code, "first-org")),
        lambda: second.post(CREATE, _gcc_form(code, "second-org")),
    )

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    statuses = sorted(response.status_code for _, response in outcomes)
    assert statuses == [302, 400], outcomes
    loser = next(response for _, response in outcomes if response.status_code == 400)
    assert any(NO_CREATES_LEFT in error for error in _errors(loser)), _errors(loser)
    assert NO_CREATES_LEFT in loser.content.decode()
    _assert_one_customer_took_the_last_create(code)


def test_an_agent_on_a_stale_add_customer_page_is_told_the_code_is_used_up(seller, colleague):
    """The race lost by a whole page: the form listed the code, a colleague used its last
    create, then the form is posted. The agent must learn why, not "select a valid choice"."""
    code = issue_code(seller, remaining=1)
    late = _signed_in(colleague)
    assert code.validation_id in late.get(CREATE).content.decode()  # the stale page
    assert _signed_in(seller).post(CREATE, _gcc_form(code, "first-org")).status_code == 302

    response = late.post(CREATE, _gcc_form(code, "second-org"))

    assert response.status_code == 400
    assert _errors(response) == [CODE_USED_UP]
    _assert_one_customer_took_the_last_create(code)


def _wizard_at_review(client, code, prefix) -> tuple[str, str]:
    """Account info and subscriptions of the new-customer order, up to its Submit button."""
    step1 = client.post(CREATE, {**_gcc_form(code, prefix), "next": "subscriptions"})
    assert step1.status_code == 302, step1.content.decode()[:2000]
    key = client.get(step1.url).context["form"]["submission_key"].value()
    step2 = client.post(step1.url, {"submission_key": key, qty(G3): "10"})
    assert step2.status_code == 302
    return step2.url, key


def test_a_new_customer_order_and_an_add_customer_at_once(seller, colleague):
    code = issue_code(seller, remaining=1)
    ordering, adding = _signed_in(seller), _signed_in(colleague)
    review_url, key = _wizard_at_review(ordering, code, "ordering-org")

    outcomes = run_together(
        lambda: ordering.post(review_url, {"submission_key": key}),
        lambda: adding.post(CREATE, _gcc_form(code, "adding-org")),
    )

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    (_, order_response), (_, add_response) = outcomes
    _assert_one_customer_took_the_last_create(code)
    customer = Customer.objects.get()
    if customer.domain == "ordering-org.onmicrosoft.com":  # the order won, with its customer
        assert Order.objects.filter(customer=customer).count() == 1
        assert order_response.status_code == 302
        assert add_response.status_code == 400
        assert any(NO_CREATES_LEFT in error for error in _errors(add_response))
        return
    # The order lost: neither its customer nor its order exists, and the agent is told why,
    # on the review page (lost in the service) or back on the account form (lost earlier).
    assert customer.domain == "adding-org.onmicrosoft.com"
    assert add_response.status_code == 302
    assert not Order.objects.exists()
    if order_response.status_code == 302:
        assert order_response.url == CREATE + "?resume=1"
        page = ordering.get(order_response.url)
        assert _errors(page) == [CODE_USED_UP]
    else:
        assert order_response.status_code == 400
        page = order_response
    assert NO_CREATES_LEFT in page.content.decode()


def test_a_new_customer_order_submitted_after_the_last_create_went_elsewhere(seller, colleague):
    """The wizard's race lost by a whole page: its Submit comes back to the account form, which
    says why (not an empty form), and nothing is created."""
    code = issue_code(seller, remaining=1)
    ordering = _signed_in(seller)
    review_url, key = _wizard_at_review(ordering, code, "ordering-org")
    assert _signed_in(colleague).post(CREATE, _gcc_form(code, "adding-org")).status_code == 302

    response = ordering.post(review_url, {"submission_key": key})

    assert response.status_code == 302 and response.url == CREATE + "?resume=1"
    page = ordering.get(response.url)
    assert _errors(page) == [CODE_USED_UP]
    assert page.context["form"]["company_name"].value() == "Org ordering-org"  # as it was
    _assert_one_customer_took_the_last_create(code)
    assert not Order.objects.exists()


def test_two_api_calls_giving_gcc_to_two_customers_with_the_last_create(seller, colleague):
    code = issue_code(seller, remaining=1)
    customers = [managed(seller.partner), managed(seller.partner)]
    clients = []
    for agent in (seller, colleague):
        client = Client()
        client.defaults["HTTP_AUTHORIZATION"] = (
            f"Bearer {api_token_create(actor=agent, name='race').raw}"
        )
        clients.append(client)

    def qualify(client, customer):
        return lambda: client.post(
            f"/v1/customers/{customer.tenant_id}/qualifications",
            json.dumps({"qualification": GCC, "validationCode": code.validation_id}),
            content_type="application/json",
        )

    outcomes = run_together(qualify(clients[0], customers[0]), qualify(clients[1], customers[1]))

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert sorted(response.status_code for _, response in outcomes) == [201, 400]
    loser = next(response for _, response in outcomes if response.status_code == 400)
    body = json.loads(loser.content)
    assert body["code"] == 3000 and NO_CREATES_LEFT in body["description"], body
    assert SpecialQualification.objects.filter(validation_code=code).count() == 1
    code.refresh_from_db()
    assert code.remaining_creates == 0
