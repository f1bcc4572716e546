"""/v1/ reads JSON strictly (api.parsers) and numbers and GUIDs in ASCII (lib.ascii): the probes
of issue 15 item 3, each a 400 with the JSON error body and nothing saved."""

import json
from urllib.parse import urlencode

import pytest

from api.parsers import MAX_DEPTH, JsonInputError, loads
from customers.models import Customer
from orders.models import Order, Subscription
from orders.services import order_provision

from ..orders.conftest import managed_customer
from .conftest import new_customer_body
from .test_orders import G3, order_body, orders_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def gcc_customer(seller):
    return managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")


def assert_refused(response, status=400, code=800002, saying=""):
    assert response.status_code == status, response.content[:300]
    body = json.loads(response.content)
    assert set(body) == {"code", "description", "data", "source"}, body
    assert body["code"] == code, body
    assert saying in body["description"], body["description"]
    return body


def post_raw(api, path, text: str, **kw):
    return api.post(path, raw=text, **kw)


# --- Deep nesting ---------------------------------------------------------------------------


def test_a_100000_deep_array_to_create_a_customer_is_refused(seller_api):
    response = post_raw(seller_api, "/v1/customers", "[" * 100_000 + "]" * 100_000)
    assert_refused(response, saying=f"deeper than {MAX_DEPTH} levels")
    assert Customer.objects.count() == 0


def test_a_50000_deep_object_in_an_order_is_refused(seller_api, gcc_customer):
    deep = '{"a":' * 50_000 + "1" + "}" * 50_000
    text = json.dumps(order_body((G3, 1)))[:-1] + f', "x": {deep}}}'
    response = post_raw(seller_api, orders_path(gcc_customer), text)
    assert_refused(response, saying="deeper than")
    assert Order.objects.count() == 0


def test_a_1200_deep_filter_is_refused(seller_api):
    deep = "[" * 1200 + "]" * 1200
    response = seller_api.get("/v1/customers?" + _query(filter=deep))
    assert_refused(response, saying="deeper than")


def test_unbalanced_deep_brackets_are_refused_without_recursing(seller_api):
    response = post_raw(seller_api, "/v1/customers", "[" * 200_000)
    assert_refused(response, saying="do not pair up")


def test_a_body_nested_as_deep_as_allowed_is_read():
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(JsonInputError):
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',  # brackets in a string don't nest
        '{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',  # nor after an escaped quote
        '["\\\\", "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"]',  # nor after an escaped backslash
    ],
)
def test_brackets_inside_strings_do_not_count(text):
    assert loads(text)


def test_an_unterminated_string_cannot_make_the_depth_scan_slow():
    loads_or_refuses('"' + '\\"' * 300_000)  # one string start, 300,000 escaped quotes, no end
    loads_or_refuses('"\\"' * 200_000 + "\\")


def loads_or_refuses(text):
    with pytest.raises(JsonInputError):
        loads(text)


# --- Lone surrogates ------------------------------------------------------------------------


def test_a_lone_surrogate_in_the_filter_is_refused(seller_api):
    spec = '{"Field": "CompanyName", "Value": "Lin\\ud800"}'
    response = seller_api.get("/v1/customers?" + _query(filter=spec))
    assert_refused(response, saying="lone surrogate")


def test_a_surrogate_pair_in_the_filter_is_one_character(seller_api):
    spec = '{"Field": "CompanyName", "Value": "\\ud83d\\ude00"}'  # 😀, escaped as JSON does
    assert seller_api.get("/v1/customers?" + _query(filter=spec)).status_code == 200


@pytest.mark.parametrize("where", ["value", "key", "array"])
def test_a_lone_surrogate_anywhere_in_a_body_is_refused(seller_api, where):
    body = json.dumps(new_customer_body("surrogates"))
    if where == "value":
        body = body.replace("County Clerk Office", "County\\udfff Clerk")
    elif where == "key":
        body = body.replace('"Culture"', '"Cul\\ud800ture"')
    else:
        body = body[:-1] + ', "extra": ["\\ud800"]}'
    assert_refused(post_raw(seller_api, "/v1/customers", body), saying="lone surrogate")
    assert Customer.objects.count() == 0


# --- Duplicate keys -------------------------------------------------------------------------


def test_a_quantity_sent_twice_is_refused(seller_api, gcc_customer):
    line = f'{{"lineItemNumber": 0, "offerId": "{G3}", "quantity": 20000, "quantity": 1}}'
    text = f'{{"lineItems": [{line}]}}'
    response = post_raw(seller_api, orders_path(gcc_customer), text)
    assert_refused(response, saying="'quantity' is sent twice")
    assert Order.objects.count() == 0


def test_keys_differing_only_in_case_are_the_same_key(seller_api, gcc_customer):
    text = '{"LineItems": [], "lineItems": [{"lineItemNumber": 0, "offerId": "%s", "quantity": 1}]}'
    response = post_raw(seller_api, orders_path(gcc_customer), text % G3)
    assert_refused(response, saying="are the same key")
    assert Order.objects.count() == 0


def test_a_filter_key_sent_twice_is_refused(seller_api):
    spec = '{"Field": "CompanyName", "Value": "Lin", "value": "Har"}'
    response = seller_api.get("/v1/customers?" + _query(filter=spec))
    assert_refused(response, saying="same key")


def test_a_look_alike_key_is_not_a_field(seller_api, gcc_customer):
    """``ſ`` upper-cases to S and the Kelvin sign lower-cases to k: neither names a field."""
    text = json.dumps({"lineItems": [{"lineItemNumber": 0, "offerId": G3, "quantity": 1}]})
    response = post_raw(
        seller_api, orders_path(gcc_customer), text.replace("lineItems", "lıneItems")
    )
    assert_refused(response, saying="lineItems")
    assert Order.objects.count() == 0


# --- Numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", ["５", "١", "٣", "²", "1_0", "1e1", True, "1.5", 1e400])
def test_a_quantity_not_in_ascii_digits_is_refused(seller_api, gcc_customer, quantity):
    body = order_body((G3, 1))
    body["LineItems"][0]["Quantity"] = quantity
    assert_refused(seller_api.post(orders_path(gcc_customer), body))
    assert Order.objects.count() == 0


@pytest.mark.parametrize("quantity", [5, "5", " 5 "])
def test_a_quantity_in_ascii_digits_is_read(seller_api, gcc_customer, quantity):
    body = order_body((G3, 1))
    body["LineItems"][0]["Quantity"] = quantity
    response = seller_api.post(orders_path(gcc_customer), body)
    assert response.status_code == 201, response.body
    assert Order.objects.get().lines.get().quantity == 5


@pytest.mark.parametrize("text", ["NaN", "-Infinity", "1e400", "-1e999"])
def test_numbers_json_cannot_carry_are_refused(seller_api, gcc_customer, text):
    body = json.dumps(order_body((G3, 1))).replace('"Quantity": 1', f'"Quantity": {text}')
    response = post_raw(seller_api, orders_path(gcc_customer), body)
    assert_refused(response)
    assert Order.objects.count() == 0


def test_a_subscription_quantity_in_fullwidth_digits_is_refused(seller_api, gcc_customer):
    seller_api.post(orders_path(gcc_customer), order_body((G3, 1)))
    order_provision(order_id=Order.objects.get().pk)
    subscription = Subscription.objects.get()
    path = f"/v1/customers/{gcc_customer.tenant_id}/subscriptions/{subscription.uuid}"
    assert_refused(seller_api.patch(path, {"quantity": "９"}))
    subscription.refresh_from_db()
    assert subscription.quantity == 1


@pytest.mark.parametrize("size", ["５", "١٠", "1_0", "10.0"])
def test_a_page_size_not_in_ascii_digits_is_refused(seller_api, size):
    response = seller_api.get("/v1/customers?" + _query(size=size))
    assert_refused(response, saying="size must be a whole number")


def test_an_offset_not_in_ascii_digits_is_refused(seller_api):
    assert_refused(seller_api.get("/v1/offers?" + _query(offset="１")), saying="offset")


# --- GUIDs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [5, "０f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7", True])
def test_an_associated_partner_id_is_an_ascii_guid(seller_api, value):
    body = new_customer_body("guids", associatedPartnerId=value)
    body["associatedPartnerId"] = value
    assert_refused(seller_api.post("/v1/customers", body), saying="associatedPartnerId")
    assert Customer.objects.count() == 0


# --- Bodies that are not UTF-8 JSON ---------------------------------------------------------


@pytest.mark.parametrize("charset", ["base64", "rot13", "utf-16", "no-such-charset"])
def test_a_body_in_a_strange_charset_is_refused_or_read(seller_api, charset):
    body = json.dumps(new_customer_body("charsets")).encode()
    response = seller_api.client.generic(  # generic(): the bytes as given, not re-encoded
        "POST",
        "/v1/customers",
        body,
        content_type=f"application/json; charset={charset}",
        HTTP_AUTHORIZATION=f"Bearer {seller_api.token}",
    )
    if charset == "no-such-charset":  # Django ignores a charset it does not know: UTF-8
        assert response.status_code == 201
    else:
        assert_refused(response)


def _query(**params) -> str:
    return urlencode(params)
