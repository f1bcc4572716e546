"""The WSGI application tidies what Django would fail on before any middleware (lib.wsgi):
a ``charset`` naming a codec that is no text encoding made Django raise ``LookupError`` while
building the request, a bare 500 from the server on any URL with a query string."""

import json

import pytest
from django.test import RequestFactory

from gccportal.wsgi import application
from lib.wsgi import without_binary_charset

pytestmark = pytest.mark.django_db


def _call(path: str, query: str, content_type: str):
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD="GET", CONTENT_TYPE=content_type
    )
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.mark.parametrize("charset", ["base64", "hex", "zlib_codec", "rot13", "uu"])
def test_a_charset_that_is_no_text_encoding_is_not_a_500(charset):
    status, headers, body = _call("/v1/customers", "size=1", f"application/json; charset={charset}")
    assert status == 401  # no token: the API's own answer, in its shape
    assert json.loads(body)["code"] == 800001
    status, headers, _ = _call("/customers/", "q=x", f"text/plain; charset={charset}")
    assert status == 302 and "/accounts/login/" in headers["Location"]


@pytest.mark.parametrize(
    ("sent", "seen"),
    [
        ("application/json; charset=base64", "application/json"),
        ("multipart/form-data; boundary=x; charset=hex", "multipart/form-data; boundary=x"),
        ("application/json; charset=utf-8", "application/json; charset=utf-8"),
        ("application/json; charset=no-such", "application/json"),
        ("application/json", "application/json"),
    ],
)
def test_only_a_charset_that_names_no_text_encoding_is_dropped(sent, seen):
    assert without_binary_charset(sent) == seen
