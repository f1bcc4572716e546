"""The API test client: every answer is checked against the generated OpenAPI document."""

import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from api.services import api_token_create
from partners.models import Role

from ..factories import UserFactory, gcc_partner
from ..orders.conftest import offer_catalog  # noqa: F401  (autouse: the catalog is loaded)


@pytest.fixture(scope="session")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operation(openapi: dict, path: str, method: str) -> dict:
    candidates = []
    for template, item in openapi["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in item:
            candidates.append((template.count("{"), item[method]))
    assert candidates, f"{method.upper()} {path} is not in the OpenAPI document"
    return min(candidates, key=lambda c: c[0])[1]


def assert_matches_schema(openapi: dict, method: str, path: str, response) -> None:
    if method == "head":
        return
    operation = _operation(openapi, path, method)
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method.upper()} {path}: status {response.status_code} not documented"
    content = documented.get("content")
    if not content:
        assert not response.content, f"{method.upper()} {path}: undocumented body"
        return
    schema = dict(content["application/json"]["schema"])
    schema["components"] = openapi["components"]
    body = json.loads(response.content)
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, f"{method.upper()} {path} {response.status_code}: {errors[0].message}"


class Api:
    """``api.get("/v1/customers", token=raw)``: JSON in, JSON out, schema-checked."""

    def __init__(self, client, openapi):
        self.client = client
        self.openapi = openapi
        self.token = None

    def request(self, method, path, data=None, *, token="default", headers=None, raw=None):
        token = self.token if token == "default" else token
        extra = {}
        if token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        body = raw if raw is not None else (json.dumps(data) if data is not None else None)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        if body is not None:
            kwargs["data"] = body
        response = getattr(self.client, method)(path, **kwargs, **extra)
        assert_matches_schema(self.openapi, method, path.split("?")[0], response)
        response.body = json.loads(response.content) if response.content else None
        return response

    def get(self, path, **kw):
        return self.request("get", path, **kw)

    def head(self, path, **kw):
        return self.request("head", path, **kw)

    def post(self, path, data=None, **kw):
        return self.request("post", path, data, **kw)

    def put(self, path, data=None, **kw):
        return self.request("put", path, data, **kw)

    def patch(self, path, data=None, **kw):
        return self.request("patch", path, data, **kw)


def token_for(user) -> str:
    return api_token_create(actor=user, name="test tool").raw


@pytest.fixture
def api(client, openapi):
    return Api(client, openapi)


@pytest.fixture
def seller_api(api, seller):
    """The API as a sales agent of a partner holding Government_community_cloud."""
    api.token = token_for(seller)
    return api


@pytest.fixture
def helpdesk(seller):
    return UserFactory(partner=seller.partner, role=Role.HELPDESK_AGENT)


@pytest.fixture
def stranger(db):
    """A sales agent of another GCC partner."""
    return UserFactory(partner=gcc_partner(name="Litware Federal"), role=Role.SALES_AGENT)


@pytest.fixture
def seller(db):
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


def new_customer_body(prefix="countyclerk", **overrides) -> dict:
    """The reference's create example, PascalCase keys as the docs send them."""
    body = {
        "CompanyProfile": {"Domain": f"{prefix}.onmicrosoft.com"},
        "BillingProfile": {
            "Email": "it@countyclerk.example",
            "Culture": "en-US",
            "Language": "en",
            "CompanyName": "County Clerk Office",
            "DefaultAddress": {
                "FirstName": "Ana",
                "LastName": "Ruiz",
                "AddressLine1": "100 Main St",
                "City": "Austin",
                "State": "TX",
                "PostalCode": "78701",
                "Country": "US",
                "PhoneNumber": "+1 512 555 0100",
            },
        },
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Token ids repeat across tests; the per-token counts must not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
