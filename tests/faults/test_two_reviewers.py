"""Two Microsoft reviewers deciding the same request at once, each from the decision panel of
the request's page in /admin/ (real HTTP requests, one database connection per reviewer):
one decision, the other reviewer is told nothing was changed.

tests/validation/test_races.py already races a reviewer against the simulated reviewer at the
service level; this is the reviewers' door, with the state each page showed."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from ops.models import EmailNotification
from partners.models import ResellerQualification
from validation import services
from validation.models import RequestState, ValidationCode, ValidationEvent
from validation.reviewers import reviewer_create

from ..concurrency import run_together
from ..factories import (
    PASSWORD,
    PartnerRequestFactory,
    UserFactory,
    customer_request_data,
    gcc_partner,
)

pytestmark = pytest.mark.django_db(transaction=True)

DECIDED = [RequestState.APPROVED, RequestState.REJECTED, RequestState.INFO_REQUESTED]


def _panel(reviewer) -> Client:
    client = Client()
    client.force_login(reviewer)
    return client


def _decide(client, request_pk, decision, note=""):
    url = reverse("admin:validation_validationrequest_decide", args=[request_pk])
    # The panel posts the state it showed: "in review".
    return lambda: client.post(
        url, {"decision": decision, "note": note, "expected_state": RequestState.IN_REVIEW}
    )


def _feedback(client, request_pk) -> str:
    page = client.get(reverse("admin:validation_validationrequest_change", args=[request_pk]))
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def reviewers(reviewer):
    return reviewer, reviewer_create(
        username="quinn@microsoft.test", email="quinn@microsoft.test", password=PASSWORD
    )


def _partner_request():
    request = PartnerRequestFactory()
    services.validation_request_screen(request_id=request.pk)
    return request


def _customer_request():
    seller = UserFactory(partner=gcc_partner(), role="sales_agent")
    request = services.customer_validation_submit(
        actor=seller, submission_key=uuid.uuid4(), intake=customer_request_data(seller.partner)
    )
    services.validation_request_screen(request_id=request.pk)
    return request


@pytest.mark.parametrize(
    "make_request,first,second",
    [
        (_partner_request, ("approved", ""), ("rejected", "Contract reference not found.")),
        (_customer_request, ("approved", ""), ("approved", "")),
        (_partner_request, ("info_requested", "Send the GSA schedule."), ("approved", "")),
    ],
    ids=["approve-vs-reject", "approve-twice", "ask-vs-approve"],
)
def test_two_reviewers_at_once_make_one_decision(reviewers, make_request, first, second):
    request = make_request()
    panels = [_panel(r) for r in reviewers]

    outcomes = run_together(
        _decide(panels[0], request.pk, *first), _decide(panels[1], request.pk, *second)
    )

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert all(response.status_code == 302 for _, response in outcomes)
    decisions = ValidationEvent.objects.filter(request=request, to_state__in=DECIDED)
    assert decisions.count() == 1
    decision = decisions.get()
    request.refresh_from_db()
    assert request.status == decision.to_state
    winner = 0 if decision.actor == reviewers[0] else 1
    assert decision.actor == reviewers[winner]
    pages = [_feedback(panel, request.pk) for panel in panels]
    assert "Request marked" in pages[winner]
    assert "nothing was changed" in pages[1 - winner]
    assert "Request marked" not in pages[1 - winner]
    # What the decision causes happened once.
    emails = EmailNotification.objects.filter(key__startswith="validation-event:")
    assert emails.filter(template=f"validation_{decision.to_state}").count() == 1
    if request.kind == "customer" and request.status == RequestState.APPROVED:
        assert ValidationCode.objects.filter(request=request).count() == 1
    if request.kind == "partner":
        granted = request.status == RequestState.APPROVED
        assert ResellerQualification.objects.filter(partner=request.partner).count() == granted
