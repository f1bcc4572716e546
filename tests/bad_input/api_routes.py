"""What the /v1/ bad-input properties walk: every route api/urls.py serves (read from the
resolver, as the isolation sweep does), how to fill its path, the valid body of each write
(which the properties then spoil), and the one check every answer must pass."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from django.apps import apps as django_apps
from django.core import signing
from django.test import Client
from django.test.client import ClientHandler
from drf_spectacular.generators import SchemaGenerator

from api.services import api_token_create
from api.views import TOKEN_SALT
from customers import services as customer_services
from lib.wsgi import tidy_environ
from orders import services as order_services
from orders.carts import CartItem, cart_create
from orders.models import Offer, Subscription
from partners.models import Role

from ..api.conftest import new_customer_body
from ..factories import UserFactory, gcc_partner
from ..orders.conftest import G3, approved_code, load_catalog, managed_customer
from ..security.sweep import API, PARAMETER, UrlPattern, api_methods, url_patterns

ERROR_KEYS = {"code", "description", "data", "source"}
PROJECT_APPS = {"partners", "customers", "validation", "relationships", "orders", "api", "ops"}


@dataclass
class World:
    """A GCC partner's global admin (may do everything) with one of everything."""

    admin: Any
    token: str
    customer: Any  # GCC, with an order, a subscription and a cart
    commercial: Any  # not GCC yet: the target of the validation and qualification writes
    order: Any
    subscription: Any
    cart: Any
    code: Any  # an approved validation code with creates left
    offer_id: str  # G3's
    next_token: str  # a real MS-ContinuationToken (the customer list, size 1)

    def ids(self, customer: str) -> dict:
        """What each URL parameter is filled with."""
        chosen = self.commercial if customer == "commercial" else self.customer
        return {
            "customer_id": chosen.tenant_id,
            "order_id": self.order.uuid,
            "subscription_id": self.subscription.uuid,
            "cart_id": self.cart.uuid,
            "domain": self.customer.domain,
            "offer_id": self.offer_id,
        }


def build_world() -> World:
    if not Offer.objects.exists():
        load_catalog.load(django_apps, schema_editor=None)
    offer_id = Offer.objects.get(name=G3).offer_id
    admin = UserFactory(partner=gcc_partner(name="Fabrikam Federal"), role=Role.GLOBAL_ADMIN)
    code = approved_code(admin)
    customer = managed_customer(admin.partner, gcc=False, company_name="County of Lincoln")
    customer_services.customer_gcc_qualification_set(
        actor=admin, customer=customer, validation_id=code.validation_id
    )
    commercial = managed_customer(admin.partner, gcc=False, company_name="Harbor Analytics")
    order = order_services.order_place(
        actor=admin,
        customer=customer,
        lines=[order_services.CartLine(offer_id=offer_id, quantity=25, friendly_name="")],
        submission_key=uuid.uuid4(),
    )
    order_services.order_provision(order_id=order.pk)
    token = api_token_create(actor=admin, name="bad input").raw
    first = Client().get("/v1/customers?size=1", HTTP_AUTHORIZATION=f"Bearer {token}")
    return World(
        admin=admin,
        token=token,
        customer=customer,
        commercial=commercial,
        order=order,
        subscription=Subscription.objects.get(order_line__order=order),
        cart=cart_create(actor=admin, customer=customer, items=[CartItem(offer_id, 4)]),
        code=code,
        offer_id=offer_id,
        next_token=json.loads(first.content)["continuationToken"],
    )


# --- The routes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """A write's valid body, and where in it a number and a domain are read."""

    body: Callable[[World], Any]
    numbers: tuple[tuple, ...] = ()  # paths (keys, list indexes) to integer fields
    domains: tuple[tuple, ...] = ()  # paths to domain fields
    reads_body: bool = True  # False: the view never reads a body (a checkout)


@dataclass(frozen=True)
class Route:
    writes: dict[str, Write] = field(default_factory=dict)  # by method
    customer: str = "gcc"  # which of the world's customers fills {customer_id}
    query: Callable[[World], dict] = lambda w: {}  # what a valid GET sends
    path: str | None = None  # for a regex route: the path to send


def _intake(w: World) -> dict:
    return {
        "organizationName": "Harbor Analytics",
        "tenantId": str(w.admin.partner.tenant_id),
        "entityType": "state_local",
        "jurisdiction": "Lincoln County, Nebraska",
        "contactName": "Casey Morgan",
        "contactEmail": "it@harbor.example.gov",
        "contactPhone": "+1 402 555 0100",
        "attested": True,
    }


def _cart(w: World) -> dict:
    return {"lineItems": [{"id": 0, "catalogItemId": w.offer_id, "quantity": 2}]}


CART_NUMBERS = (("lineItems", 0, "quantity"), ("lineItems", 0, "id"))

# Every /v1/ URL pattern, by its sweep key (URL name, else route). A new route fails
# test_every_v1_route_is_fuzzed until it is listed here (with its writes' valid bodies).
ROUTES: dict[str, Route] = {
    "api-schema": Route(),
    "api-docs": Route(),
    "v1/customers": Route(
        writes={
            "post": Write(
                lambda w: new_customer_body("fuzzclerk"), domains=(("CompanyProfile", "Domain"),)
            )
        }
    ),
    "v1/customers/all/validations": Route(),
    "v1/customers/relationshiprequests": Route(),
    "v1/customers/<str:customer_id>": Route(
        writes={"patch": Write(lambda w: {"relationshipToPartner": "none"})},
        customer="commercial",
    ),
    "v1/customers/<str:customer_id>/relationships": Route(),
    "v1/customers/<str:customer_id>/profiles/company": Route(),
    "v1/customers/<str:customer_id>/profiles/billing": Route(
        writes={
            "put": Write(
                lambda w: {**new_customer_body()["BillingProfile"], "Email": "fuzz@example.gov"}
            )
        }
    ),
    "v1/customers/<str:customer_id>/validations": Route(
        writes={"post": Write(_intake)}, customer="commercial"
    ),
    "v1/customers/<str:customer_id>/qualifications": Route(
        writes={
            "post": Write(
                lambda w: {
                    "qualification": "GovernmentCommunityCloud",
                    "validationCode": w.code.validation_id,
                }
            )
        },
        customer="commercial",
    ),
    "v1/customers/<str:customer_id>/qualification": Route(
        writes={"put": Write(lambda w: "government_community_cloud")},
        customer="commercial",
        query=lambda w: {"code": w.code.validation_id},
    ),
    "v1/customers/<str:customer_id>/offers": Route(),
    "v1/customers/<str:customer_id>/offercategories": Route(),
    "v1/customers/<str:customer_id>/carts": Route(
        writes={"post": Write(_cart, numbers=CART_NUMBERS)}
    ),
    "v1/customers/<str:customer_id>/carts/<str:cart_id>": Route(
        writes={"put": Write(_cart, numbers=CART_NUMBERS)}
    ),
    "v1/customers/<str:customer_id>/carts/<str:cart_id>/checkout": Route(
        writes={"post": Write(lambda w: {}, reads_body=False)}
    ),
    "v1/customers/<str:customer_id>/orders": Route(
        writes={
            "post": Write(
                lambda w: {
                    "lineItems": [{"lineItemNumber": 0, "offerId": w.offer_id, "quantity": 3}]
                },
                numbers=(("lineItems", 0, "quantity"), ("lineItems", 0, "lineItemNumber")),
            )
        }
    ),
    "v1/customers/<str:customer_id>/orders/<str:order_id>": Route(),
    "v1/customers/<str:customer_id>/orders/<str:order_id>/provisioningstatus": Route(),
    "v1/customers/<str:customer_id>/subscriptions": Route(),
    "v1/customers/<str:customer_id>/subscriptions/<str:subscription_id>": Route(
        writes={
            "patch": Write(
                lambda w: {"quantity": 30, "friendlyName": "Fuzzed"}, numbers=(("quantity",),)
            )
        }
    ),
    "v1/customers/<str:customer_id>/subscriptions/<str:subscription_id>/provisioningstatus": (
        Route()
    ),
    "v1/domains/<str:domain>": Route(),
    "v1/relationships": Route(query=lambda w: {"relationship_type": "IsIndirectResellerOf"}),
    "v1/offers": Route(query=lambda w: {"country": "US"}),
    "v1/offercategories": Route(query=lambda w: {"country": "US"}),
    "v1/offers/<str:offer_id>": Route(query=lambda w: {"country": "US"}),
    "v1/^.*$": Route(path="/v1/no/such/route"),  # the unknown-route view
}


def api_patterns() -> dict[str, UrlPattern]:
    return {p.key: p for p in url_patterns() if p.area == API}


PATTERNS = api_patterns()
WRITES = [(key, method) for key, route in ROUTES.items() for method in route.writes]


def methods_of(key: str) -> list[str]:
    """The methods the route's view implements (the docs: GET and HEAD only)."""
    pattern = PATTERNS[key]
    methods = api_methods(pattern)
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None and hasattr(view_class, "head") and "head" not in methods:
        methods.append("head")
    return methods


READS = [key for key in ROUTES if key in PATTERNS and "get" in methods_of(key)]


def fill(key: str, world: World, overrides: dict | None = None) -> str:
    """The route's path, its parameters the world's ids (or ``overrides``, sent as given)."""
    route = ROUTES[key]
    if route.path:
        return route.path
    ids = {**world.ids(route.customer), **(overrides or {})}
    pattern = PATTERNS[key]
    return "/" + PARAMETER.sub(lambda m: _segment(ids[m.group("parameter")]), pattern.route)


def _segment(value) -> str:
    return quote(str(value), safe="")


def parameters_of(key: str) -> list[str]:
    return [m.group("parameter") for m in PARAMETER.finditer(PATTERNS[key].route)]


# --- The OpenAPI document's parameters -------------------------------------------------------

_SCHEMA: dict = {}


def documented(key: str, method: str, where: str) -> list[str]:
    """The names of the ``where`` ("query", "header") parameters documented for the route."""
    if not _SCHEMA:
        _SCHEMA.update(SchemaGenerator().get_schema(request=None, public=True))
    template = "/" + PARAMETER.sub(lambda m: "{" + m.group("parameter") + "}", PATTERNS[key].route)
    operation = _SCHEMA["paths"].get(template, {}).get(method, {})
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == where]


# --- Sending, and the check every answer passes ----------------------------------------------


class FrontDoorHandler(ClientHandler):
    """The test client's handler behind what the production WSGI application does first
    (gccportal.wsgi: lib.wsgi), so a request is what Django sees in production."""

    def __call__(self, environ):
        return super().__call__(tidy_environ(environ))


def wsgi_headers(headers: dict) -> dict:
    environ = {}
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    return environ


def send(client, method: str, path: str, *, query=None, raw: bytes = b"", headers=None):
    """One request as a client sends it: ``query`` a dict (encoded) or a raw query string."""
    if query:
        path += "?" + (query if isinstance(query, str) else urlencode(query, doseq=True))
    extra = wsgi_headers(headers or {})
    return client.generic(method.upper(), path, raw, content_type="application/json", **extra)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in django_apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


def check(response, *, method: str, before: dict, sent) -> dict | None:
    """Never a 5xx; a 4xx is Partner Center's JSON error body (a throttled answer its own)
    and saved nothing. Returns the error body, if any."""
    status = response.status_code
    assert status < 500, (status, sent, response.content[:500])
    if status < 400:
        return None
    assert row_counts() == before, ("refused, yet saved", status, sent)
    if method == "head" or (status == 404 and not response.content):
        return None  # HEAD has no body; the domain check's 404 ("free") has none by design
    assert response["Content-Type"].startswith("application/json"), (status, sent)
    body = json.loads(response.content)
    if status == 429:
        assert set(body) == {"statusCode", "message"}, body
        return body
    assert set(body) == ERROR_KEYS, (body, sent)
    assert isinstance(body["code"], int) and not isinstance(body["code"], bool), body
    assert isinstance(body["description"], str) and body["description"].strip(), body
    assert isinstance(body["data"], list) and body["source"] == "PartnerFD", body
    return body


def signed_state_token(state) -> str:
    """A token this API signed, holding ``state`` (as an older release might have)."""
    return signing.dumps(state, salt=TOKEN_SALT)
