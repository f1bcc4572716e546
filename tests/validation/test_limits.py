"""The caps on customer GCC validation requests: each emails a contact the submitter chose and
each approval issues a code, so a sales agent with the API and the simulated reviewer could
mint codes and mail any address without bound (200 requests → 200 codes; 1,000 in 30 s).
Refused past the caps with VALIDATION_LIMIT_REACHED: 429 on /v1/, the message on the form;
nothing saved. The sandbox-only route can be turned off, and the contact's emails keep the
submitter's words out of their subjects and say whose words they are."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from api.services import api_token_create
from lib.refusals import RefusalCode
from partners.models import Role
from validation import services
from validation.models import ValidationRequest

from ..api.test_qualifications import intake
from ..customers.test_customers import managed
from ..emails import send_recorded
from ..factories import (
    UserFactory,
    customer_request_data,
    customer_validation_form_data,
    gcc_partner,
)
from ..refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


def _api_post(seller, body):
    """POST the sandbox's customer validation for a new commercial customer of ``seller``."""
    customer = managed(seller.partner)
    client = Client()
    token = api_token_create(actor=seller, name="limits").raw
    response = client.post(
        f"/v1/customers/{customer.tenant_id}/validations",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    response.body = json.loads(response.content)
    return response


def _submit(actor, **intake):
    return services.customer_validation_submit(
        actor=actor,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(
            actor.partner, domain=f"{uuid.uuid4().hex[:10]}.gov", **intake
        ),
    )


def test_open_requests_are_capped_per_partner(seller, settings):
    settings.GCC_VALIDATION_OPEN_REQUESTS_MAX = 3
    for n in range(3):
        _submit(seller, contact_email=f"it{n}@county.gov")
    with refused(RefusalCode.VALIDATION_LIMIT_REACHED) as caught:
        _submit(seller, contact_email="it9@county.gov")
    assert "3 customer GCC validation requests under review" in caught.value.message
    assert ValidationRequest.objects.count() == 3
    services.validation_request_approve(request_id=ValidationRequest.objects.first().pk)
    _submit(seller, contact_email="it9@county.gov")  # a decision frees a place


def test_codes_a_day_count_what_was_issued_and_what_is_open(seller, settings):
    settings.GCC_VALIDATION_CODES_PER_DAY_MAX = 2
    services.validation_request_approve(request_id=_submit(seller, contact_email="a@c.gov").pk)
    _submit(seller, contact_email="b@c.gov")
    with refused(RefusalCode.VALIDATION_LIMIT_REACHED) as caught:
        _submit(seller, contact_email="c@c.gov")
    assert "received 1 validation codes in the last 24 hours" in caught.value.message


def test_one_contact_is_not_emailed_without_bound(seller, settings):
    settings.GCC_VALIDATION_REQUESTS_PER_CONTACT_PER_DAY_MAX = 2
    for _ in range(2):
        _submit(seller, contact_email="Target@Victim.example")
    # Another spelling of the same inbox.
    response = _api_post(seller, intake(seller, contactEmail="target@victim.example"))
    assert response.status_code == 429
    assert response.body["code"] == 3000 and "This contact" in response.body["description"]
    assert ValidationRequest.objects.count() == 2


def test_the_form_shows_the_cap_on_the_contact_field(seller, settings, client_for):
    settings.GCC_VALIDATION_REQUESTS_PER_CONTACT_PER_DAY_MAX = 1
    _submit(seller, contact_email="it@county.gov")
    form = customer_validation_form_data(
        seller.partner, domain="other-county.gov", contact_email="it@county.gov"
    )
    response = client_for(seller).post(reverse("customers:validation_new"), form)
    assert response.status_code == 400
    assert "This contact was already named" in response.context["form"].errors["contact_email"][0]
    assert ValidationRequest.objects.count() == 1


def test_the_sandbox_route_can_be_turned_off(seller, settings):
    assert _api_post(seller, intake(seller, contactEmail="it@county.gov")).status_code == 201
    settings.GCC_API_SANDBOX_ROUTES = False
    response = _api_post(seller, intake(seller, contactEmail="it2@county.gov"))
    assert response.status_code == 404 and response.body["code"] == 1000
    assert ValidationRequest.objects.count() == 1


LURE = "Reset your password at https://lure.example/login"


def test_the_contact_emails_keep_the_submitters_words_out_of_subjects_and_marked(seller):
    request = _submit(seller, organization_name=LURE, contact_email="it@county.gov")
    services.validation_request_approve(request_id=request.pk)
    sent = send_recorded()
    assert {message.subject.split(": ", 1)[1] for message in sent} == {
        "your GCC validation request was received",
        "approved for Government Community Cloud",
    }
    for message in sent:
        assert "it@county.gov" in message.to
        assert LURE in message.body  # the partner's words, shown as theirs:
        assert "as the Microsoft partner that submitted the request entered them" in message.body
        html = message.alternatives[0][0]
        assert "not written by Microsoft" in html
