"""Every /v1/ error is Partner Center's JSON error body, whatever wrote it, as a client that is
not ours (``http.client`` against the live server) receives it: unknown paths, oversized
bodies, malformed JSON, wrong methods, a bad Host header, a view that raises, a middleware that
raises, with DEBUG off and on."""

import http.client
import json
import logging
import socket
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client

from orders.models import Offer

from .conftest import token_for

ERROR_KEYS = {"code", "description", "data", "source"}
LEAKS = ("Traceback", "Exception", "Error:", "orders_offer", 'File "', "<html", "secret")


class Answer:
    def __init__(self, status, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def error(self) -> dict:
        """The Partner Center error body, checked for shape, content type and leaks."""
        assert self.headers["Content-Type"] == "application/json; charset=utf-8", self.headers
        body = json.loads(self.body)
        assert set(body) == ERROR_KEYS and body["source"] == "PartnerFD", body
        assert isinstance(body["code"], int) and body["description"], body
        text = self.body.decode()
        assert not [leak for leak in LEAKS if leak in text], text
        return body


def call(live_server, method, path, body=None, headers=None, **request_kwargs) -> Answer:
    """One request on its own connection, as any HTTP client sends it."""
    url = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {}, **request_kwargs)
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


@pytest.fixture
def token(seller):
    return token_for(seller)


def bearer(token, **headers):
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers}


def test_unknown_path_is_a_json_404(live_server):
    answer = call(live_server, "GET", "/v1/no/such/route")
    assert answer.status == 404
    assert answer.error()["code"] == 1000


def test_oversized_body_is_413_before_anything_reads_it(live_server, token, settings):
    body = json.dumps({"pad": "x" * settings.GCC_API_MAX_BODY_BYTES}).encode()  # 1 MiB + 11
    answer = call(live_server, "POST", "/v1/customers", body, bearer(token))
    assert answer.status == 413
    assert answer.error()["code"] == 800002
    assert answer.headers["X-Request-ID"]  # answered inside the request context, logged


def test_the_body_limit_is_exact_and_a_setting(live_server, token, settings):
    settings.GCC_API_MAX_BODY_BYTES = 100
    at_limit = json.dumps({"pad": "x" * 80}).ljust(100).encode()
    over = at_limit + b" "
    assert call(live_server, "POST", "/v1/customers", over, bearer(token)).status == 413
    answer = call(live_server, "POST", "/v1/customers", at_limit, bearer(token))
    assert answer.status == 400  # read and validated: the body is no customer
    assert answer.error()["code"] == 800002


def test_a_body_without_content_length_is_411(live_server, token):
    """The whole chunked request is written at once: the server answers 411 without reading the
    body, and a client still writing its chunks then (http.client) could meet a broken pipe."""
    url = urlsplit(live_server.url)
    body = b'{"CompanyProfile": {}}'
    request = (
        b"POST /v1/customers HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n%x\r\n%s\r\n0\r\n\r\n"
    ) % (url.netloc.encode(), token.encode(), len(body), body)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        answer = Answer(response.status, response.headers, response.read())
    assert answer.status == 411
    assert answer.error()["code"] == 800002


def test_malformed_json_is_400(live_server, token):
    answer = call(live_server, "POST", "/v1/customers", b"{not json", bearer(token))
    assert answer.status == 400
    assert answer.error()["code"] == 800002


@pytest.mark.parametrize(
    "method, path",
    [
        ("DELETE", "/v1/customers"),  # an API view
        ("POST", "/v1/openapi.json"),  # the OpenAPI view renders its own media type
        ("PUT", "/v1/docs/"),  # the docs view renders HTML
    ],
)
def test_wrong_method_is_405(live_server, token, method, path):
    answer = call(live_server, method, path, b"{}", bearer(token))
    assert answer.status == 405
    assert answer.error()["code"] == 1000


def test_openapi_document_and_docs_page_still_work(live_server):
    schema = call(live_server, "GET", "/v1/openapi.json")
    assert schema.status == 200
    assert "/v1/customers" in json.loads(schema.body)["paths"]
    docs = call(live_server, "GET", "/v1/docs/")
    assert docs.status == 200 and docs.headers["Content-Type"].startswith("text/html")


def test_bad_host_header_is_400(live_server, token, caplog):
    headers = bearer(token, Host="evil.example", **{"MS-CorrelationId": "bad-host-1"})
    with caplog.at_level(logging.ERROR, logger="django.security"):
        answer = call(live_server, "GET", "/v1/customers", headers=headers)
    assert answer.status == 400
    assert answer.error()["code"] == 800002
    assert answer.headers["MS-CorrelationId"] == "bad-host-1"
    assert any(r.name == "django.security.DisallowedHost" for r in caplog.records)


@pytest.fixture
def offers_table_gone(transactional_db):
    """A real database fault: the offers table is renamed away (as a failed migration or a
    restore would leave it), and put back afterwards."""
    table = Offer._meta.db_table
    with connection.schema_editor() as editor:
        editor.alter_db_table(Offer, table, f"{table}_away")
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            editor.alter_db_table(Offer, f"{table}_away", table)


def _raises_in_the_view(live_server, token, caplog) -> Answer:
    headers = bearer(token, **{"MS-CorrelationId": "fault-1"})
    with caplog.at_level(logging.ERROR, logger="django.request"):
        answer = call(live_server, "GET", "/v1/offers", headers=headers)
    assert answer.status == 500
    body = answer.error()
    assert body["code"] == 0
    assert answer.headers["MS-CorrelationId"] == "fault-1"
    assert answer.headers["X-Request-ID"]
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert logged and "/v1/offers" in logged[0].getMessage()  # with its traceback
    return answer


def test_an_exception_in_a_view_is_a_json_500_and_logged(
    live_server, token, offers_table_gone, caplog
):
    _raises_in_the_view(live_server, token, caplog)


def test_with_debug_on_404_and_500_are_json_too(
    live_server, token, offers_table_gone, settings, caplog
):
    settings.DEBUG = True  # Django would answer its HTML technical pages
    answer = call(live_server, "GET", "/v1/no/such/route")
    assert answer.status == 404 and answer.error()["code"] == 1000
    _raises_in_the_view(live_server, token, caplog)
    bad_host = call(live_server, "GET", "/v1/customers", headers={"Host": "evil.example"})
    assert bad_host.status == 400 and bad_host.error()["code"] == 800002


def exploding_middleware(get_response):
    def middleware(request):
        raise RuntimeError("secret middleware detail")

    return middleware


def test_an_exception_in_a_middleware_is_a_json_500(db, settings, caplog):
    """Before any view: a middleware after ours raises (test middleware, the test client's
    handler loads MIDDLEWARE anew; the live server's was loaded at its start)."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.exploding_middleware"]
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/v1/customers")
    assert response.status_code == 500
    answer = Answer(response.status_code, response.headers, response.content)
    assert answer.error()["code"] == 0
    assert response.headers["X-Request-ID"]
    assert any(r.name == "django.request" and r.exc_info for r in caplog.records)
    page = client.get("/")  # the portal's pages keep Django's own error page
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")
