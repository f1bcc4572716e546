"""/v1/ JSON inputs (a few properties; tests/api/test_fuzz.py runs schemathesis on the whole
schema): never a 5xx, refusals are {code, description}, a refused write saves nothing."""

import json

import pytest
from hypothesis import example as also
from hypothesis import given
from hypothesis import strategies as st

from api.services import api_token_create
from customers.models import Customer
from orders.models import Offer, Order

from ..api.conftest import new_customer_body
from ..orders.conftest import G3
from .conftest import example
from .strategies import FORM_SETTINGS, NUMBERS, SCRIPT, bad_guid, bad_number, bad_text

pytestmark = pytest.mark.django_db

JSON_SCALARS = st.one_of(
    bad_text(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(bad_text(), inner, max_size=3),
    max_leaves=6,
)


@pytest.fixture
def api(client, seller):
    client.defaults["HTTP_AUTHORIZATION"] = (
        f"Bearer {api_token_create(actor=seller, name='fuzz').raw}"
    )
    return client


def _send(client, method, path, body):
    raw = body if isinstance(body, bytes | str) else json.dumps(body)
    response = getattr(client, method)(path, raw, content_type="application/json")
    assert response.status_code < 500, (path, body)
    if response.status_code >= 400 and response.status_code != 429:
        error = json.loads(response.content)
        assert isinstance(error.get("code"), int), error
        assert isinstance(error.get("description"), str) and error["description"], error
    return response


def _replace(body: dict, path: tuple, value):
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return body


CUSTOMER_FIELDS = [
    ("CompanyProfile", "Domain"),
    ("BillingProfile", "Email"),
    ("BillingProfile", "CompanyName"),
    ("BillingProfile", "Culture"),
    ("BillingProfile", "DefaultAddress", "PostalCode"),
    ("BillingProfile", "DefaultAddress", "State"),
    ("BillingProfile", "DefaultAddress", "PhoneNumber"),
    ("BillingProfile", "DefaultAddress", "Country"),
    ("BillingProfile", "DefaultAddress"),
    ("BillingProfile",),
]


@FORM_SETTINGS
@given(field=st.sampled_from(CUSTOMER_FIELDS), value=JSON_VALUES)
@also(field=("BillingProfile", "CompanyName"), value=SCRIPT)
@also(field=("BillingProfile", "CompanyName"), value="County\x00")
@also(field=("CompanyProfile", "Domain"), value="x" * 10_001)
def test_create_customer(api, field, value):
    with example("api: POST /v1/customers"):
        before = Customer.objects.count()
        body = _replace(new_customer_body("fuzzclerk"), field, value)
        response = _send(api, "post", "/v1/customers", body)
        if response.status_code != 201:
            assert Customer.objects.count() == before


@FORM_SETTINGS
@given(
    quantity=st.one_of(
        st.sampled_from(NUMBERS), JSON_VALUES, st.sampled_from([-1, 0, 10**12, 1e9])
    ),
    offer=st.one_of(st.just("G3"), bad_guid()),
    number=st.one_of(st.just(0), JSON_VALUES),
)
@also(quantity=-1, offer="G3", number=0)
@also(quantity=10**12, offer="G3", number=0)
@also(quantity="NaN", offer="G3", number=0)
def test_place_order(api, gcc_customer, quantity, offer, number):
    offer_id = Offer.objects.get(name=G3).offer_id if offer == "G3" else offer
    with example("api: POST /v1/customers/{id}/orders"):
        before = Order.objects.count()
        body = {
            "lineItems": [{"lineItemNumber": number, "offerId": offer_id, "quantity": quantity}]
        }
        response = _send(api, "post", f"/v1/customers/{gcc_customer.tenant_id}/orders", body)
        if response.status_code != 201:
            assert Order.objects.count() == before
        else:
            assert 1 <= Order.objects.get().lines.get().quantity <= 10_000


@FORM_SETTINGS
@given(customer_id=bad_guid(), filter_=bad_text(), size=bad_number(), raw=st.binary(max_size=200))
@also(customer_id="x", filter_='{"Field": "CompanyName", "Value": "a\\u0000"}', size="1", raw=b"{")
def test_paths_queries_and_raw_bodies(api, customer_id, filter_, size, raw):
    with example("api: ids, filters, raw bodies"):
        for path in (f"/v1/customers/{customer_id}", f"/v1/customers/{customer_id}/subscriptions"):
            if "?" in customer_id or "#" in customer_id or "/" in customer_id:
                continue
            response = api.get(path)
            assert response.status_code < 500, path
        response = api.get("/v1/customers", {"filter": filter_, "size": size})
        assert response.status_code < 500, (filter_, size)
        before = Customer.objects.count()
        _send(api, "post", "/v1/customers", raw)
        assert Customer.objects.count() == before
