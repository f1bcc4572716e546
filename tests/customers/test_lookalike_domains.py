"""Domains are ASCII (lib.domains): a look-alike of another's domain is refused at every door
(issue 15 item 4), and an ASCII domain is compared lower-cased.

Python's ``re`` with IGNORECASE matched ``ſ`` (U+017F), ``ı`` (U+0131), ``İ`` (U+0130) and the
Kelvin sign (U+212A) against ``[a-z]``: ``ſpringfield.onmicrosoft.com`` was stored beside
another partner's ``springfield.onmicrosoft.com``, and a second validation request opened for
a look-alike of a domain under review.
"""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from api.services import api_token_create
from customers.models import Customer, CustomerRelationship
from lib.domains import NOT_ASCII
from partners.models import Role
from validation import services as validation_services
from validation.models import ValidationRequest

from ..factories import UserFactory, customer_account_form_data, customer_request_data, gcc_partner
from ..orders.conftest import managed_customer
from .test_customers import issue_code

pytestmark = pytest.mark.django_db

REAL = "parkside"  # holds each letter the look-alikes stand for: k, s, i
LOOK_ALIKES = {
    "long s (U+017F)": REAL.replace("s", "\u017f"),
    "dotless i (U+0131)": REAL.replace("i", "\u0131"),
    "dotted capital I (U+0130)": REAL.replace("i", "\u0130"),
    "Kelvin sign (U+212A)": REAL.replace("k", "\u212a"),
    "Cyrillic a (U+0430)": REAL.replace("a", "\u0430"),
    "fullwidth p (U+FF50)": REAL.replace("p", "\uff50"),
}
CASES = list(LOOK_ALIKES.values())
IDS = list(LOOK_ALIKES)


@pytest.fixture
def seller(db):
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


@pytest.fixture
def others_customer(db):
    """Another partner's customer, holding the real domain."""
    other = gcc_partner(name="Litware Federal")
    return managed_customer(other, gcc=False, domain=f"{REAL}.onmicrosoft.com")


def saved() -> tuple[int, int, int]:
    return (
        Customer.objects.count(),
        CustomerRelationship.objects.count(),
        ValidationRequest.objects.count(),
    )


def test_each_look_alike_is_really_not_ascii():
    assert all(not lookalike.isascii() for lookalike in CASES)


# --- The portal -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", CASES, ids=IDS)
def test_add_customer_refuses_a_look_alike_prefix(client, seller, others_customer, prefix):
    code = issue_code(seller)
    client.force_login(seller)
    before = saved()
    response = client.post(
        reverse("orders:new_customer"), customer_account_form_data(code, domain_prefix=prefix)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["domain_prefix"] == [NOT_ASCII]
    assert saved() == before
    assert list(Customer.objects.values_list("domain", flat=True)) == [others_customer.domain]


def test_add_customer_compares_an_upper_case_prefix_lower_cased(client, seller, others_customer):
    client.force_login(seller)
    before = saved()
    response = client.post(
        reverse("orders:new_customer"), customer_account_form_data(domain_prefix=REAL.upper())
    )
    assert response.status_code == 400
    assert "already taken" in response.context["form"].errors["domain_prefix"][0]
    assert saved() == before


def _intake_post(seller, domain: str) -> dict:
    data = customer_request_data(seller.partner, domain=domain).fields()
    return {
        **{k: v for k, v in data.items() if not isinstance(v, bool | list)},
        "tenant_id": str(data["tenant_id"]),
        "submission_key": str(uuid.uuid4()),
        "is_us_entity": "on",
        "attested": "on",
    }


@pytest.fixture
def open_request(seller):
    """A customer validation request under review for the real domain."""
    return validation_services.customer_validation_submit(
        actor=seller,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(seller.partner, domain=f"{REAL}.gov"),
    )


@pytest.mark.parametrize("name", CASES, ids=IDS)
def test_customer_validation_refuses_a_look_alike_domain(client, seller, open_request, name):
    client.force_login(seller)
    before = saved()
    response = client.post(reverse("customers:validation_new"), _intake_post(seller, f"{name}.gov"))
    assert response.status_code == 400
    assert response.context["form"].errors["domain"] == [NOT_ASCII]
    assert saved() == before


def test_customer_validation_compares_an_upper_case_domain_lower_cased(
    client, seller, open_request
):
    client.force_login(seller)
    before = saved()
    post = _intake_post(seller, f"{REAL.upper()}.GOV")
    response = client.post(reverse("customers:validation_new"), post)
    assert response.status_code == 400
    assert "already under review" in response.content.decode()
    assert saved() == before


def test_customer_validation_accepts_an_idna_a_label(client, seller):
    """A name in another script is entered in its IDNA form (xn--…), which is plain ASCII."""
    client.force_login(seller)
    response = client.post(
        reverse("customers:validation_new"), _intake_post(seller, "XN--MNCHEN-3YA.de")
    )
    assert response.status_code == 302
    assert ValidationRequest.objects.get().domain == "xn--mnchen-3ya.de"


# --- /v1/ -----------------------------------------------------------------------------------


def _api_create(client, token, domain):
    from ..api.conftest import new_customer_body

    body = new_customer_body()
    body["CompanyProfile"]["Domain"] = domain
    return client.post(
        "/v1/customers",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def token(seller):
    return api_token_create(actor=seller, name="look-alikes").raw


@pytest.mark.parametrize("prefix", CASES, ids=IDS)
def test_api_create_refuses_a_look_alike_domain(client, token, others_customer, prefix):
    before = saved()
    response = _api_create(client, token, f"{prefix}.onmicrosoft.com")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == 800002 and NOT_ASCII in body["description"], body
    assert saved() == before


def test_api_create_compares_an_upper_case_domain_lower_cased(client, token, others_customer):
    before = saved()
    response = _api_create(client, token, f"{REAL.upper()}.ONMICROSOFT.COM")
    assert response.status_code == 409, response.content
    assert saved() == before


def test_api_create_stores_an_ascii_domain_lower_cased(client, token):
    response = _api_create(client, token, "NewCounty.OnMicrosoft.com")
    assert response.status_code == 201, response.content
    assert Customer.objects.get().domain == "newcounty.onmicrosoft.com"


@pytest.mark.parametrize("prefix", CASES, ids=IDS)
def test_api_domain_check_refuses_a_look_alike(client, token, others_customer, prefix):
    response = client.get(
        f"/v1/domains/{prefix}.onmicrosoft.com", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert NOT_ASCII in json.loads(response.content)["description"]


def test_api_domain_check_answers_an_ascii_domain_in_any_case(client, token, others_customer):
    response = client.get(
        f"/v1/domains/{REAL.upper()}.onmicrosoft.com", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200


# --- The models (what every door's service checks with full_clean) -------------------------


@pytest.mark.parametrize("prefix", CASES, ids=IDS)
def test_the_customer_model_refuses_a_look_alike(prefix):
    customer = Customer(
        company_name="X",
        domain=f"{prefix}.onmicrosoft.com",
        address_line="1 Main St",
        city="Austin",
        state="TX",
        postal_code="78701",
        contact_name="Ana Ruiz",
        contact_email="ana@example.com",
        contact_phone="+1 512 555 0100",
    )
    with pytest.raises(ValidationError) as refused:
        customer.full_clean()
    assert refused.value.message_dict["domain"] == [NOT_ASCII]


@pytest.mark.parametrize("name", CASES, ids=IDS)
def test_the_validation_request_model_refuses_a_look_alike(seller, name):
    request = ValidationRequest(domain=f"{name}.gov")
    with pytest.raises(ValidationError) as refused:
        request.clean_fields(
            exclude=[f.name for f in ValidationRequest._meta.fields if f.name != "domain"]
        )
    assert refused.value.message_dict["domain"] == [NOT_ASCII]
