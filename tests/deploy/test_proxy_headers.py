"""Through the real nginx (the repo's config) to gunicorn on production settings: the proxy is
the edge, so it sets X-Forwarded-For / -Proto itself (a client's own claims are replaced), and
the portal believes them from the proxy only. Clients connect from distinct loopback addresses
(127.0.0.2, 127.0.0.3, ...), so the proxy really sees different clients."""

import json
from urllib.parse import quote

import pytest
from django.conf import settings

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.proxy

VICTIM, STRANGER, SPOOFER = "127.0.0.2", "127.0.0.3", "127.0.0.4"


@pytest.fixture
def agent(partner):
    return UserFactory(partner=partner, username="vera@contoso.test")


def test_a_stranger_cannot_lock_the_victim_out_nor_pose_as_the_victims_address(proxied, agent):
    from .stack import Browser

    # The stranger fails 5 times, claiming to be the victim's address: the proxy replaces the
    # claim with the stranger's own address, so it is the stranger who is locked.
    stranger = Browser(proxied, source=STRANGER)
    statuses = [
        stranger.sign_in(
            "/accounts/login/", agent.username, "wrong", headers={"X-Forwarded-For": VICTIM}
        ).status
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert stranger.sign_in("/accounts/login/", agent.username, PASSWORD).status == 429

    # The victim, from their own address, signs in; the answer came over HTTPS as the proxy told
    # gunicorn (a secure session cookie, no redirect loop to https://).
    victim = Browser(proxied, source=VICTIM)
    answer = victim.sign_in("/accounts/login/", agent.username, PASSWORD)
    assert answer.status == 302 and answer.getheader("Location") == "/"
    assert "sessionid" in victim.cookies and "gcc_device" in victim.cookies
    home, page = victim.request("GET", "/")
    assert home.status == 200 and str(agent).encode() in page  # signed in: the nav names them


def test_the_portal_believes_forwarding_headers_from_the_proxy_only(proxied):
    import http.client

    # Straight to gunicorn from an address that is not the proxy, claiming HTTPS: not believed,
    # so the production settings send it to https:// (the proxy's own claim makes it a 200).
    direct = http.client.HTTPConnection(
        "127.0.0.1", proxied.gunicorn_port, timeout=10, source_address=(SPOOFER, 0)
    )
    direct.request(
        "GET", "/accounts/login/", headers={"Host": "localhost", "X-Forwarded-Proto": "https"}
    )
    refused = direct.getresponse()
    direct.close()
    assert refused.status == 301 and refused.getheader("Location").startswith("https://")

    from .stack import Browser

    through, _ = Browser(proxied, source=SPOOFER).request(
        "GET",
        "/accounts/login/",
        headers={"X-Forwarded-Proto": "http"},  # replaced by nginx
    )
    assert through.status == 200
    assert "max-age=31536000" in through.getheader("Strict-Transport-Security")


def test_plain_http_is_redirected_to_https(proxied):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", proxied.http_port, timeout=10)
    connection.request("GET", "/accounts/login/?next=/", headers={"Host": "localhost"})
    answer = connection.getresponse()
    connection.close()
    assert answer.status == 301
    assert answer.getheader("Location") == "https://localhost/accounts/login/?next=/"


def test_an_api_body_over_the_limit_is_refused_by_the_proxy_in_the_apis_shape(proxied):
    from .stack import Browser

    body = b"x" * (settings.GCC_API_MAX_BODY_BYTES + 1)
    answer, content = Browser(proxied).request(
        "POST", "/v1/customers", body=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status == 413
    error = json.loads(content)
    assert error["code"] == 800002 and error["source"] == "PartnerFD"
    assert str(settings.GCC_API_MAX_BODY_BYTES) in error["description"]
    assert "POST /v1/customers" not in proxied.gunicorn_log  # it never reached gunicorn


def test_an_api_body_within_the_limit_reaches_the_api(proxied):
    from .stack import Browser

    answer, content = Browser(proxied).request(
        "POST", "/v1/customers", body=b"{}", headers={"Content-Type": "application/json"}
    )
    assert answer.status == 401  # the API's own answer: no token
    assert json.loads(content)["source"] == "PartnerFD"


def test_a_long_deep_filter_reaches_the_api_and_gets_its_json_400(proxied, agent):
    """A 1,200-deep ``filter=`` is a 7 KB request line: over gunicorn's default limit (4,094,
    its plain-text 414), within gunicorn.conf.py's and nginx's 8k, so the API refuses it."""
    from api.services import api_token_create

    from .stack import Browser

    token = api_token_create(actor=agent, name="deep filter").raw
    path = "/v1/customers?filter=" + quote("[" * 1200 + "]" * 1200)
    assert len(path) > 4094
    answer, content = Browser(proxied).request(
        "GET", path, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 400
    error = json.loads(content)
    assert error["code"] == 800002 and "nests deeper" in error["description"]
