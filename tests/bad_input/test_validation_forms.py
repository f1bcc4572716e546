"""Validation: the partner and customer intake forms, answering a reviewer's question (as the
partner, and as the contact through the emailed link), and the reviewers' decision panel."""

import uuid

import pytest
from django.urls import reverse
from hypothesis import example as also
from hypothesis import given
from hypothesis import strategies as st

from validation import services
from validation.models import RequestState, ValidationEvent, ValidationRequest

from ..factories import PartnerRequestFactory, customer_request_data
from ..validation.test_views import form_data as partner_form
from .conftest import assert_escaped, example, post_checked
from .strategies import FORM_SETTINGS, SCRIPT, XSS, bad_guid, bad_text, form_data

pytestmark = pytest.mark.django_db

SAVED = [ValidationRequest, ValidationEvent]
CHOICE_LISTS = st.lists(st.one_of(st.sampled_from(["government_entities", "cui"]), bad_text()))


def _partner_form(partner) -> dict:
    return partner_form(partner, government_basis=["government_entities"])


@FORM_SETTINGS
@given(data=st.data())
def test_partner_validation(signed_in, admin_agent, data):
    valid = _partner_form(admin_agent.partner)
    post = data.draw(
        form_data(
            valid,
            {
                "tenant_id": bad_guid(),
                "submission_key": bad_guid(),
                "government_basis": CHOICE_LISTS,
            },
        )
    )
    post.setdefault("submission_key", str(uuid.uuid4()))
    client = signed_in(admin_agent)
    with example("validation: partner intake"):
        response = post_checked(
            client, reverse("validation:partner_new"), post, models=SAVED, form="partner intake"
        )
        if response.status_code == 302:
            assert_escaped(client.get(response.url))
            assert_escaped(client.get(reverse("profile")))


def _customer_form(seller) -> dict:
    data = customer_request_data(seller.partner).fields()
    return {
        **{k: v for k, v in data.items() if not isinstance(v, bool | list)},
        "tenant_id": str(data["tenant_id"]),
        "submission_key": str(uuid.uuid4()),
        "regulated_data": [],
        "is_us_entity": "on",
        "attested": "on",
    }


@FORM_SETTINGS
@given(data=st.data(), customer=st.one_of(st.none(), st.just("own"), bad_guid()))
def test_customer_validation(signed_in, seller, gcc_customer, data, customer):
    valid = _customer_form(seller)
    post = data.draw(
        form_data(
            valid,
            {
                "tenant_id": bad_guid(),
                "submission_key": bad_guid(),
                "regulated_data": CHOICE_LISTS,
                "entity_type": st.one_of(st.sampled_from(["commercial", "federal"]), bad_text()),
            },
        )
    )
    post.setdefault("submission_key", str(uuid.uuid4()))
    if customer is not None:
        post["customer"] = str(gcc_customer.uuid) if customer == "own" else customer
    client = signed_in(seller)
    with example("validation: customer intake"):
        response = post_checked(
            client, reverse("customers:validation_new"), post, models=SAVED, form="customer intake"
        )
        if response.status_code == 302:
            assert_escaped(client.get(response.url))


def _info_requested(submitted_by):
    request = PartnerRequestFactory(submitted_by=submitted_by)
    services.validation_request_screen(request_id=request.pk)
    services.validation_request_request_info(request_id=request.pk, question=" ".join(XSS))
    return ValidationRequest.objects.get(pk=request.pk)


@FORM_SETTINGS
@given(answer=bad_text())
@also(answer=SCRIPT)
@also(answer="Schedule 70\x00")
def test_answer_the_reviewer(signed_in, admin_agent, answer):
    client = signed_in(admin_agent)
    with example("validation: partner answers"):
        request = _info_requested(admin_agent)
        detail = reverse("validation:detail", args=[request.uuid])
        assert_escaped(client.get(detail))  # the reviewer's question, full of payloads
        response = post_checked(
            client,
            reverse("validation:answer", args=[request.uuid]),
            {"response": answer},
            models=[ValidationEvent],
            form="partner answers",
        )
        request.refresh_from_db()
        if response.status_code == 302:
            assert_escaped(client.get(detail))
        else:
            assert request.status == RequestState.INFO_REQUESTED


@FORM_SETTINGS
@given(answer=bad_text(), bad_token=st.one_of(st.none(), bad_text().filter(lambda t: "/" not in t)))
def test_contact_answers_by_link(client, admin_agent, answer, bad_token):
    with example("validation: contact answers by link"):
        request = _info_requested(admin_agent)
        token = bad_token if bad_token else services.answer_link_token(request)
        url = (
            reverse("validation:contact_answer", args=[token]) if token else "/validation/answer/x/"
        )
        page = client.get(url)
        assert page.status_code < 500
        assert_escaped(page)
        response = post_checked(
            client,
            url,
            {"response": answer},
            models=[ValidationEvent],
            form="contact answers",
            accepted=(200,),  # the "thank you" page; refusals are 400 or 410
        )
        if bad_token is not None:
            assert response.status_code in (400, 404, 410)


@FORM_SETTINGS
@given(
    decision=st.one_of(
        st.sampled_from(["approved", "rejected", "info_requested", "submitted"]), bad_text()
    ),
    note=bad_text(),
    expected=st.one_of(st.sampled_from(["in_review", "submitted", ""]), bad_text()),
)
@also(decision="rejected", note=SCRIPT, expected="in_review")
@also(decision="rejected", note="No contract.\x00", expected="in_review")
@also(decision="info_requested", note="Which schedule?\x00", expected="")
@also(decision="approved", note="", expected="{in_review}")
def test_reviewer_decision_panel(client, reviewer, admin_agent, decision, note, expected):
    client.force_login(reviewer)
    with example("admin: reviewer decides"):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_screen(request_id=request.pk)
        before = ValidationEvent.objects.count()
        response = client.post(
            reverse("admin:validation_validationrequest_decide", args=[request.pk]),
            {"decision": decision, "note": note, "expected_state": expected},
        )
        assert response.status_code < 500, (decision, note, expected)
        request.refresh_from_db()
        decided = ValidationEvent.objects.count() - before
        assert decided == (0 if request.status == RequestState.IN_REVIEW else 1)
        change = reverse("admin:validation_validationrequest_change", args=[request.pk])
        assert_escaped(client.get(change))
        queue = client.get(reverse("admin:validation_validationrequest_changelist"), {"q": note})
        assert queue.status_code < 500
        assert_escaped(queue)
        client.force_login(admin_agent)  # what the partner sees: the reason, escaped
        assert_escaped(client.get(reverse("validation:detail", args=[request.uuid])))
        client.force_login(reviewer)


@FORM_SETTINGS
@given(reason=bad_text())
@also(reason=SCRIPT)
@also(reason="Not eligible.\x00")
def test_reviewer_bulk_reject(client, reviewer, admin_agent, reason):
    client.force_login(reviewer)
    with example("admin: bulk reject"):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        before = ValidationEvent.objects.count()
        response = client.post(
            reverse("admin:validation_validationrequest_changelist"),
            {
                "action": "reject_selected",
                "_selected_action": [str(request.pk)],
                "confirm": "yes",
                "reason": reason,
            },
        )
        assert response.status_code < 500, reason
        assert_escaped(response)
        request.refresh_from_db()
        rejected = request.status == RequestState.REJECTED
        assert ValidationEvent.objects.count() - before == int(rejected)
        assert rejected == (bool(reason.strip()) and "\x00" not in reason)
