"""What /v1/ echoes back: MS-RequestId, MS-CorrelationId and MS-CV are checked by one rule
(lib.logging.SAFE_ID; MS-CV as a correlation vector) and a value outside it is refused with
Partner Center's error body, never sent back. Sent as raw bytes by a client that is not ours
(``http.client`` against the live server). Before, ``<script>``, quotes, ``;=`` and the bytes
0xE9/0xFF went back as sent."""

import pytest

from .conftest import token_for
from .test_error_bodies import bearer, call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token(seller):
    return token_for(seller)


HOSTILE = [
    "<script>alert(1)</script>",
    'quoted"value',
    "a;b=c",
    "caf\xe9",  # the byte 0xE9 on the wire
    "\xff\xfe",
    "x" * 65,
]


@pytest.mark.parametrize("header", ["MS-RequestId", "MS-CorrelationId", "MS-CV"])
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_id_is_refused_and_not_echoed(live_server, token, header, value):
    if header == "MS-CV" and value == "x" * 65:
        value = "x" * 129  # a correlation vector may be up to 128 characters
    answer = call(live_server, "GET", "/v1/customers", headers=bearer(token, **{header: value}))
    assert answer.status == 400
    assert header in answer.error()["description"]
    for name in ("MS-RequestId", "MS-CorrelationId", "MS-CV"):
        assert answer.headers[name] != value
        assert answer.headers[name].isascii() and "<" not in answer.headers[name]


def test_good_ids_are_echoed(live_server, token):
    sent = {
        "MS-RequestId": "0b7b8a90-0000-4000-8000-000000000001",
        "MS-CorrelationId": "tool.run_42:step-1",
        "MS-CV": "CWmBUv3iO0OgNzO8+/A=.1.2",
    }
    answer = call(live_server, "GET", "/v1/customers", headers=bearer(token, **sent))
    assert answer.status == 200
    assert {name: answer.headers[name] for name in sent} == sent


def test_pages_and_api_apply_one_rule_to_the_correlation_id(live_server, token):
    """65 characters: the API refuses it, a page replaces it (neither keeps it)."""
    long_id = "c" * 65
    page = call(live_server, "GET", "/accounts/login/", headers={"MS-CorrelationId": long_id})
    assert page.status == 200 and page.headers["MS-CorrelationId"] != long_id
    api = call(
        live_server, "GET", "/v1/customers", headers=bearer(token, **{"MS-CorrelationId": long_id})
    )
    assert api.status == 400
    kept = "c" * 64
    page = call(live_server, "GET", "/accounts/login/", headers={"MS-CorrelationId": kept})
    api = call(
        live_server, "GET", "/v1/customers", headers=bearer(token, **{"MS-CorrelationId": kept})
    )
    assert page.headers["MS-CorrelationId"] == api.headers["MS-CorrelationId"] == kept
