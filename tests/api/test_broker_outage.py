"""Redis down is no API outage: with the cache (the rate limit's counts) and the Celery broker
both unreachable, every /v1/ route and method answers as the portal's pages do. Reads answer;
writes are saved, their tasks left for the beat sweeps; the throttle lets requests through and
logs a warning.

The routes are read from the URL resolver (tests/security/sweep.py), so a route added later is
probed too: a new write fails ``test_every_api_write_is_in_the_table`` until ``WRITES`` says
what to send and what it saves. The dead cache is the one gccportal/settings.py builds for a
REDIS_URL, pointed at a port where nothing listens, or at a socket that never answers.
"""

import json
import logging
import runpy
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

import gccportal.settings
from customers import services as customer_services
from customers.models import Customer, CustomerRelationship
from orders import services as order_services
from orders.carts import CartItem, cart_create
from orders.models import Cart, Order, Subscription
from partners.models import Role
from relationships.models import RelationshipRequest
from validation.models import SpecialQualification, ValidationRequest

from ..factories import UserFactory, gcc_partner
from ..faults.conftest import dead_broker
from ..orders.conftest import approved_code, managed_customer
from ..security.sweep import API, PARAMETER, UrlPattern, build_path, url_patterns
from .conftest import new_customer_body, token_for

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
THROTTLE_WARNING = "rate-limit cache unreachable"
BROKER_WARNING = "broker unreachable"
G3 = "4a3140ab-2d22-5221-beb5-056b62fcd1a2"  # Office 365 G3 GCC
DOCS = {"api-schema", "api-docs"}  # public, not throttled: no token, no cache
UNSAFE = {"post", "put", "patch", "delete"}


def caches_for(redis_url: str, monkeypatch) -> dict:
    """The CACHES gccportal/settings.py builds when REDIS_URL is ``redis_url``."""
    with monkeypatch.context() as env:
        env.setenv("REDIS_URL", redis_url)
        env.setenv("DEBUG", "true")  # settings that need no SECRET_KEY / ALLOWED_HOSTS
        return runpy.run_path(str(Path(gccportal.settings.__file__)))["CACHES"]


@pytest.fixture
def dead_cache(monkeypatch):
    """Django's cache on the unreachable Redis. (override_settings, not the ``settings``
    fixture: the cache must be the real one again before tests/api's autouse fixture clears
    it at teardown.) Django resets its cache connections on setting_changed."""
    with override_settings(CACHES=caches_for(DEAD_REDIS, monkeypatch)):
        yield


@pytest.fixture
def redis_down(dead_cache, caplog):
    """Cache and broker unreachable."""
    with caplog.at_level(logging.WARNING, logger="gccportal"), dead_broker():
        yield


# --- The world the requests run in ------------------------------------------------------------


@dataclass
class World:
    admin: Any
    token: str
    customer: Any  # GCC-qualified with a validation code: every read route has data
    order: Any
    subscription: Any
    commercial: dict  # not yet GCC, one per write that qualifies or validates
    code: Any  # an approved validation code with creates left
    cart: Any  # the GCC customer's, one G3 line

    @property
    def ids(self) -> dict:
        """What each URL parameter name is filled with."""
        return {
            "customer_id": self.customer.tenant_id,
            "order_id": self.order.uuid,
            "subscription_id": self.subscription.uuid,
            "domain": self.customer.domain,
            "offer_id": G3,
            "cart_id": self.cart.uuid,
        }


@pytest.fixture
def world(db):
    admin = UserFactory(partner=gcc_partner(name="Fabrikam Federal"), role=Role.GLOBAL_ADMIN)
    code = approved_code(admin)
    customer = managed_customer(admin.partner, gcc=False, company_name="County of Lincoln")
    customer_services.customer_gcc_qualification_set(
        actor=admin, customer=customer, validation_id=code.validation_id
    )
    order = order_services.order_place(
        actor=admin,
        customer=customer,
        lines=[order_services.CartLine(offer_id=G3, quantity=25, friendly_name="")],
        submission_key=uuid.uuid4(),
    )
    order_services.order_provision(order_id=order.pk)
    commercial = {
        name: managed_customer(admin.partner, gcc=False, company_name=f"Harbor {name}")
        for name in ("validations", "qualifications", "qualification", "released")
    }
    return World(
        admin=admin,
        token=token_for(admin),
        customer=customer,
        order=order,
        subscription=Subscription.objects.get(order_line__order=order),
        commercial=commercial,
        code=code,
        cart=cart_create(actor=admin, customer=customer, items=[CartItem(G3, 4)]),
    )


# --- What each write sends and saves -----------------------------------------------------------


@dataclass(frozen=True)
class Write:
    status: int
    body: Callable[[World], Any]
    saved: Callable[[World], bool]
    customer: str | None = None  # a key of World.commercial, instead of the GCC customer
    query: Callable[[World], str] = lambda w: ""
    tasks: tuple[str, ...] = ()  # the tasks it enqueues, left for the sweeps


def _billing(w):
    return {**new_customer_body()["BillingProfile"], "Email": "outage@example.gov"}


def _intake(w):
    return {
        "organizationName": "Harbor validations",
        "tenantId": str(w.admin.partner.tenant_id),  # the partner's own Microsoft ID
        "entityType": "state_local",
        "jurisdiction": "Lincoln County, Nebraska",
        "contactName": "Casey Morgan",
        "contactEmail": "it@harbor.example.gov",
        "contactPhone": "+1 402 555 0100",
        "attested": True,
    }


def _qualified(name):
    return lambda w: SpecialQualification.objects.filter(
        customer=w.commercial[name], qualification="GovernmentCommunityCloud"
    ).exists()


WRITES: dict[tuple[str, str], Write] = {
    ("v1/customers", "post"): Write(
        201,
        lambda w: new_customer_body(prefix="outage"),
        lambda w: Customer.objects.filter(domain="outage.onmicrosoft.com").exists(),
    ),
    ("v1/customers/<str:customer_id>/profiles/billing", "put"): Write(
        200,
        _billing,
        lambda w: Customer.objects.get(pk=w.customer.pk).contact_email == "outage@example.gov",
    ),
    ("v1/customers/<str:customer_id>/validations", "post"): Write(
        201,
        _intake,
        lambda w: ValidationRequest.objects.filter(customer=w.commercial["validations"]).exists(),
        customer="validations",
        tasks=("screen_request_task",),
    ),
    ("v1/customers/<str:customer_id>/qualifications", "post"): Write(
        201,
        lambda w: {
            "qualification": "GovernmentCommunityCloud",
            "validationCode": w.code.validation_id,
        },
        _qualified("qualifications"),
        customer="qualifications",
    ),
    ("v1/customers/<str:customer_id>/qualification", "put"): Write(
        200,
        lambda w: "government_community_cloud",
        _qualified("qualification"),
        customer="qualification",
        query=lambda w: f"?code={w.code.validation_id}",
    ),
    ("v1/customers/<str:customer_id>/orders", "post"): Write(
        201,
        lambda w: {"lineItems": [{"lineItemNumber": 0, "offerId": G3, "quantity": 3}]},
        lambda w: Order.objects.filter(customer=w.customer).count() == 2,
        tasks=("provision_order_task",),
    ),
    ("v1/customers/<str:customer_id>/subscriptions/<str:subscription_id>", "patch"): Write(
        200,
        lambda w: {"quantity": 30},
        lambda w: Subscription.objects.get(pk=w.subscription.pk).quantity == 30,
    ),
    ("v1/customers/<str:customer_id>", "patch"): Write(
        200,
        lambda w: {"relationshipToPartner": "none"},
        lambda w: (
            not CustomerRelationship.objects.filter(
                partner=w.admin.partner, customer=w.commercial["released"]
            ).exists()
        ),
        customer="released",
    ),
    ("v1/customers/<str:customer_id>/carts", "post"): Write(
        201,
        lambda w: {"lineItems": [{"id": 0, "catalogItemId": G3, "quantity": 2}]},
        lambda w: Cart.objects.filter(customer=w.customer).count() == 2,
    ),
    ("v1/customers/<str:customer_id>/carts/<str:cart_id>", "put"): Write(
        200,
        lambda w: {"lineItems": [{"id": 0, "catalogItemId": G3, "quantity": 5}]},
        lambda w: Cart.objects.get(pk=w.cart.pk).lines.get().quantity == 5,
    ),
    ("v1/customers/<str:customer_id>/carts/<str:cart_id>/checkout", "post"): Write(
        201,
        lambda w: None,
        lambda w: Cart.objects.get(pk=w.cart.pk).order is not None,
        tasks=("provision_order_task",),
    ),
    # A GET that writes: the personalized link is a saved relationship request.
    ("v1/customers/relationshiprequests", "get"): Write(
        200,
        lambda w: None,
        lambda w: RelationshipRequest.objects.filter(partner=w.admin.partner).exists(),
    ),
}
# Reads that need a query to answer 200.
QUERIES = {"v1/relationships": "?relationship_type=IsIndirectCloudSolutionProviderOf"}
UNKNOWN_ROUTE = "/v1/no/such/route"


# --- The routes, from the resolver -------------------------------------------------------------

PATTERNS = [p for p in url_patterns() if p.area == API]
ALL_METHODS = ["get", "head", "options", "post", "put", "patch", "delete"]


def methods_of(pattern: UrlPattern) -> list[str]:
    """Every method the route accepts (a class view: what it implements; Django answers HEAD
    for GET); a function view (the unknown-route 404) takes them all."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return ALL_METHODS
    return [
        m
        for m in ALL_METHODS
        if hasattr(view_class, m) or (m == "head" and hasattr(view_class, "get"))
    ]


def is_api_view(pattern: UrlPattern) -> bool:
    return pattern.name not in DOCS and hasattr(pattern.callback, "view_class")


def test_every_api_write_is_in_the_table():
    writes = {(p.key, m) for p in PATTERNS if is_api_view(p) for m in methods_of(p) if m in UNSAFE}
    assert writes <= set(WRITES), f"say what these send and save: {sorted(writes - set(WRITES))}"
    assert len(PATTERNS) >= 20  # the walk found the routes


def request_path(pattern: UrlPattern, world: World, write: Write | None) -> str:
    if "^" in pattern.route:
        return UNKNOWN_ROUTE
    ids = dict(world.ids)
    if write and write.customer:
        ids["customer_id"] = world.commercial[write.customer].tenant_id
    names = [m.group("parameter") for m in PARAMETER.finditer(pattern.route)]
    assert set(names) <= set(ids), f"{pattern.key}: fill {set(names) - set(ids)} in World.ids"
    path = build_path(pattern, {name: ids[name] for name in names})
    return path + (write.query(world) if write else QUERIES.get(pattern.key, ""))


def _send(client, method, path, token, body=None):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        extra.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **extra)


def _warnings(caplog, text) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_every_route_answers_with_redis_down(
    client, world, pattern, redis_down, caplog, django_capture_on_commit_callbacks
):
    for method in methods_of(pattern):
        write = WRITES.get((pattern.key, method))
        path = request_path(pattern, world, write)
        throttled_before = len(_warnings(caplog, THROTTLE_WARNING))
        started = time.monotonic()
        # The test's transaction never commits: run what the request's commit would run (the
        # task publishing, lib/queue.py), as a real request does before it answers.
        with django_capture_on_commit_callbacks(execute=True):
            response = _send(client, method, path, world.token, write and write.body(world))
        elapsed = time.monotonic() - started
        what = f"{method.upper()} {path}"

        assert response.status_code < 500, (what, response.content[:500])
        assert elapsed < 10, f"{what} took {elapsed:.1f} s"
        if response.content and not (pattern.name in DOCS and response.status_code < 400):
            assert response["Content-Type"].startswith("application/json"), what
        if not is_api_view(pattern):  # the docs, the unknown route's 404
            if method == "get":
                assert response.status_code == (200 if pattern.name in DOCS else 404), what
            continue
        # It really went through the throttle, and the throttle really met the dead Redis.
        assert len(_warnings(caplog, THROTTLE_WARNING)) > throttled_before, what
        if write is not None:
            assert response.status_code == write.status, (what, response.content[:500])
            assert write.saved(world), f"{what}: answered but not saved"
            for task in write.tasks:
                assert any(task in m for m in _warnings(caplog, BROKER_WARNING)), (what, task)
        elif method in UNSAFE:
            pytest.fail(f"{what}: not in WRITES")  # test_every_api_write_is_in_the_table
        else:
            assert response.status_code == 200, (what, response.content[:500])


@pytest.fixture
def blackholed_redis():
    """A socket that accepts connections and never answers: a Redis behind a dead link."""
    with socket.create_server(("127.0.0.1", 0)) as server:  # never accept()ed: no reply
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def test_a_blackholed_redis_costs_a_request_about_the_cache_timeout(
    client, world, blackholed_redis, monkeypatch, caplog, settings
):
    caches = caches_for(blackholed_redis, monkeypatch)
    timeout = settings.GCC_CACHE_TIMEOUT_SECONDS
    assert caches["default"]["OPTIONS"] == {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
    }
    with (
        override_settings(CACHES=caches),
        caplog.at_level(logging.WARNING, logger="api.auth"),
    ):
        started = time.monotonic()
        response = _send(client, "get", "/v1/offers", world.token)
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert _warnings(caplog, THROTTLE_WARNING)
    assert "Timeout" in _warnings(caplog, THROTTLE_WARNING)[0]
    assert elapsed < timeout * 4 + 1, f"{elapsed:.1f} s"
