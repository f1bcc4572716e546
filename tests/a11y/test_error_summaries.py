"""Every form page with errors opens with one error summary (issue 21): announced
(role="alert", focused on load), each field error linked to its control, non-field errors as
text, "Error: " at the start of the title. One test per form family, on the real views and
database; the contract itself is in summaries.assert_summary."""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from orders.models import Offer, Subscription
from orders.services import CartLine, order_place, order_provision
from partners.models import PartnerType, Role
from relationships import services as relationships
from validation import services as validation_services

from ..factories import (
    PASSWORD,
    CustomerAdminFactory,
    PartnerFactory,
    PartnerRequestFactory,
    UserFactory,
    customer_account_form_data,
    customer_request_data,
    customer_validation_form_data,
    gcc_partner,
    partner_request_data,
)
from ..orders.conftest import G3, managed_customer, offer_catalog  # noqa: F401 (fixture)
from .summaries import assert_no_summary, assert_summary

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def seller(db):
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.ADMIN_AGENT)


@pytest.fixture
def spanish(settings):
    """The test client reads the portal in Spanish (the language cookie)."""

    def switch(client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        return client

    return switch


# --- The shared tag, everywhere ------------------------------------------------------------


def test_every_form_template_has_the_shared_summary():
    """A template that renders a form's errors (crispy, or a field's .errors) also renders
    {% error_summary %}: crispy's own box of non-field errors is emptied for it
    (templates/bootstrap5/errors.html). Partials (_*.html) are their page's."""
    renders_errors = re.compile(r"\|crispy\b|as_crispy_field|crispy_addon|\{% crispy |\.errors\b")
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if not path.name.startswith("_")
        and path.parent.name != "bootstrap5"
        and renders_errors.search(path.read_text())
        and "{% error_summary" not in path.read_text()
    ]
    assert missing == []


def test_no_template_writes_its_own_summary():
    own = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if 'id="error-summary"' in path.read_text() and path.name != "error_summary.html"
    ]
    assert own == []


def test_a_page_without_errors_has_no_summary(client_for, seller):
    assert_no_summary(client_for(seller).get(reverse("orders:new_customer")))


# --- The forms the issue names ---------------------------------------------------------------


def test_add_customer(client_for, seller):
    client = client_for(seller)
    response = client.post(
        reverse("orders:new_customer"),
        customer_account_form_data(company_name="", contact_email="not an email", next="x"),
    )
    assert response.status_code == 400
    summary = assert_summary(response, linked=["id_company_name", "id_contact_email"])
    assert ("#id_company_name", "Company name: This field is required.") in summary.items


def test_add_customer_in_spanish(client_for, seller, spanish):
    client = spanish(client_for(seller))
    response = client.post(
        reverse("orders:new_customer"), customer_account_form_data(company_name="")
    )
    assert response.status_code == 400
    assert 'lang="es"' in response.content.decode()
    assert_summary(response, linked=["id_company_name"], language="es")


def test_add_customer_gcc_without_a_code(client_for, seller):
    data = customer_account_form_data(special_qualification="GovernmentCommunityCloud")
    response = client_for(seller).post(reverse("orders:new_customer"), data)
    assert response.status_code == 400
    # No code to choose: the drop-down is shown disabled, its error still linked to it (the
    # hint beside it says what to do).
    assert_summary(response, linked=["id_validation_code"])


def test_partner_validation_form(client_for, admin_agent):
    data = partner_request_data(admin_agent.partner).fields()
    data.update(
        submission_key=str(uuid.uuid4()),
        tenant_id=str(data["tenant_id"]),
        organization_name="",
        contact_email="nope",
    )
    data.pop("attested")
    response = client_for(admin_agent).post(reverse("validation:partner_new"), data)
    assert response.status_code == 400
    assert_summary(response, linked=["id_organization_name", "id_contact_email", "id_attested"])


def test_partner_validation_resubmitted(client_for, admin_agent):
    rejected = PartnerRequestFactory(submitted_by=admin_agent)
    validation_services.validation_request_reject(request_id=rejected.pk, reason="No.")
    client = client_for(admin_agent)
    form_url = client.get(reverse("validation:resubmit", args=[rejected.uuid])).url
    response = client.post(form_url, {"submission_key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert_summary(response, linked=["id_organization_name", "id_tenant_id"])


def test_customer_validation_form(client_for, seller):
    data = customer_validation_form_data(seller.partner, organization_name="")
    data.pop("entity_type")
    response = client_for(seller).post(reverse("customers:validation_new"), data)
    assert response.status_code == 400
    # A group of radios: the link goes to its first input.
    assert_summary(response, linked=["id_organization_name", "id_entity_type_0"])


def test_api_token_name(client_for, seller):
    response = client_for(seller).post(
        reverse("api_tokens:list"), {"name": "", "expires_in_days": "90"}
    )
    assert response.status_code == 400
    summary = assert_summary(response, linked=["id_name"])
    assert summary.items[0][1].startswith("Name: ")


def test_api_token_expiry_keeps_the_name(client_for, seller):
    response = client_for(seller).post(
        reverse("api_tokens:list"), {"name": "sync", "expires_in_days": "-4"}
    )
    assert response.status_code == 400
    assert_summary(response, linked=["id_expires_in_days"])
    assert 'value="sync"' in response.content.decode()


def test_sign_in_with_a_wrong_password(client, admin_agent):
    response = client.post(
        reverse("login"), {"username": admin_agent.username, "password": "wrong"}
    )
    assert response.status_code == 200
    summary = assert_summary(response, texts=["correct"])
    assert not [href for href, _ in summary.items if href]  # a non-field error: text
    assert response.content.decode().count("Please enter a correct") == 1  # not twice


def test_sign_in_in_spanish(client, admin_agent, spanish):
    response = spanish(client).post(
        reverse("login"), {"username": admin_agent.username, "password": "wrong"}
    )
    assert_summary(response, language="es")
    assert response.content.decode().split("</title>")[0].split("<title>")[1].startswith("Error:")


# --- The reviewers' admin --------------------------------------------------------------------


def _screened(admin_agent):
    request = PartnerRequestFactory(submitted_by=admin_agent)
    validation_services.validation_request_screen(request_id=request.pk)
    request.refresh_from_db()
    return request


def test_reviewer_rejects_without_a_note(client_for, reviewer, admin_agent):
    request = _screened(admin_agent)
    client = client_for(reviewer)
    decide = reverse("admin:validation_validationrequest_decide", args=[request.pk])
    response = client.post(
        decide,
        {"decision": "rejected", "note": "  ", "expected_state": request.status},
        follow=True,
    )
    assert response.status_code == 200
    summary = assert_summary(response, linked=["id_note"], texts=["needs a reason"])
    assert "errornote" in summary.attrs["class"]
    page = response.content.decode()
    assert re.search(r'<textarea id="id_note"[^>]*aria-describedby="id_note_error', page)
    assert 'id="id_note_error"' in page and "needs a reason" in page
    # Said once: at the field and in the summary, not again as a message at the top.
    assert page.count("A rejection needs a reason") == 2
    request.refresh_from_db()
    assert request.status == "in_review"
    # Shown once: the page read again has no error.
    assert_no_summary(client.get(response.redirect_chain[-1][0]))


def test_reviewer_asks_without_a_question_in_spanish(client_for, reviewer, admin_agent, spanish):
    request = _screened(admin_agent)
    client = spanish(client_for(reviewer))
    decide = reverse("admin:validation_validationrequest_decide", args=[request.pk])
    response = client.post(
        decide,
        {"decision": "info_requested", "note": "", "expected_state": request.status},
        follow=True,
    )
    assert_summary(response, linked=["id_note"], language="es")


def test_bulk_reject_without_a_reason(client_for, reviewer, admin_agent):
    request = _screened(admin_agent)
    response = client_for(reviewer).post(
        reverse("admin:validation_validationrequest_changelist"),
        {
            "action": "reject_selected",
            "_selected_action": [request.pk],
            "confirm": "yes",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert_summary(response, linked=["id_reason"])


# --- Every other portal form -----------------------------------------------------------------


def test_add_user(client_for, global_admin):
    response = client_for(global_admin).post(
        reverse("partners:user_create"), {"email": "not-an-email"}
    )
    assert response.status_code == 400
    assert_summary(response)


def test_change_role(client_for, global_admin, sales_agent):
    url = reverse("partners:user_edit", args=[sales_agent.public_id])
    response = client_for(global_admin).post(url, {"role": "emperor"})
    assert response.status_code == 400
    assert_summary(response, linked=["id_role"])


def test_password_change(client_for, admin_agent):
    response = client_for(admin_agent).post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert response.status_code == 200
    assert_summary(response, linked=["id_old_password", "id_new_password2"])


def test_password_reset_request(client):
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert_summary(response, linked=["id_email"])


def test_password_reset_confirm(client, admin_agent):
    uid = urlsafe_base64_encode(force_bytes(admin_agent.pk))
    token = default_token_generator.make_token(admin_agent)
    page = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "abc", "new_password2": "abd"}
    )
    assert response.status_code == 200
    assert_summary(response, linked=["id_new_password2"])


def test_two_step_and_authenticator(settings):
    settings.GCC_MFA_REQUIRED = True
    user = UserFactory(role=Role.ADMIN_AGENT)
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    enrol = client.post(reverse("security:authenticator"), {"code": "000000"})
    assert enrol.status_code == 400
    assert_summary(enrol, linked=["id_code"])


def test_two_step_wrong_code(admin_agent, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=admin_agent, name="Authenticator app", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": admin_agent.username, "password": PASSWORD})
    response = client.post(reverse("two_step"), {"code": "000000"})
    assert response.status_code == 400
    assert_summary(response, linked=["id_code"])


def test_relationship_request(client_for):
    """An indirect provider names one of its resellers (the only field the form has)."""
    provider = PartnerFactory(partner_type=PartnerType.INDIRECT_PROVIDER)
    agent = UserFactory(partner=provider, role=Role.ADMIN_AGENT)
    response = client_for(agent).post(reverse("relationships:new"), {"indirect_reseller": "999999"})
    assert response.status_code == 400
    assert_summary(response, linked=["id_indirect_reseller"])


def test_answer_the_reviewer_with_evidence(client_for, admin_agent, reviewer):
    request = PartnerRequestFactory(submitted_by=admin_agent)
    validation_services.validation_request_request_info(
        request_id=request.pk, actor=reviewer, question="Schedule?"
    )
    response = client_for(admin_agent).post(
        reverse("validation:answer", args=[request.uuid]), {"response": ""}
    )
    assert response.status_code == 400
    assert_summary(response, linked=["id_response"])


def test_the_contact_answers_by_link(client, seller):
    request = validation_services.customer_validation_submit(
        actor=seller,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(seller.partner),
    )
    validation_services.validation_request_request_info(
        request_id=request.pk, question="Confirm the legal name."
    )
    request.refresh_from_db()
    token = validation_services.answer_link_token(request)
    response = client.post(reverse("validation:contact_answer", args=[token]), {"response": ""})
    assert response.status_code == 400
    assert_summary(response, linked=["id_response"])


def test_order_wizard_subscriptions_step(client_for, seller):
    client = client_for(seller)
    client.post(reverse("orders:new_customer"), customer_account_form_data(next="subscriptions"))
    url = reverse("orders:new_customer_subscriptions")
    key = client.get(url).context["form"]["submission_key"].value()
    empty = client.post(url, {"submission_key": key})
    assert empty.status_code == 400
    assert_summary(empty, texts=["Choose at least one offer"])
    forged = client.post(url, {"submission_key": key, f"quantity_{_offer(G3)}": "5"})
    assert forged.status_code == 400
    assert_summary(forged, texts=["GCC"])  # an offer the page doesn't show: text, no link


def _offer(name):
    return Offer.objects.get(name=name).offer_id


def test_order_form_quantity(client_for, seller):
    customer = managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")
    client = client_for(seller)
    url = reverse("orders:create", args=[customer.uuid])
    key = client.get(url).context["form"]["submission_key"].value()
    field = f"quantity_{_offer(G3)}"
    response = client.post(url, {"submission_key": key, field: "lots"})
    assert response.status_code == 400
    assert_summary(response, linked=[f"id_{field}"])


def _subscription(seller):
    customer = managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")
    order = order_place(
        actor=seller,
        customer=customer,
        lines=[CartLine(_offer(G3), 20)],
        submission_key=uuid.uuid4(),
    )
    order_provision(order_id=order.pk)
    return Subscription.objects.get(order_line__order=order)


def test_subscription_changes(client_for, seller):
    sub = _subscription(seller)
    url = reverse("orders:subscription", args=[sub.customer.uuid, sub.uuid])
    client = client_for(seller)
    bad = client.post(url, {"action": "quantity", "quantity": "many"})
    assert bad.status_code == 400
    assert_summary(bad, linked=["id_quantity"])
    refused = client.post(url, {"action": "quantity", "quantity": "999999"})
    assert refused.status_code >= 400
    summary = assert_summary(refused)
    assert len(summary.items) == 1  # the refusal, once (the form's and the page's)
    Subscription.objects.filter(pk=sub.pk).update(
        term_started_at=timezone.now() - timedelta(days=10)
    )
    late = client.post(url, {"action": "cancel"})
    assert late.status_code == 409
    assert_summary(late, texts=["The cancellation window closed on"])


def test_customer_edit(client_for, seller):
    customer = managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")
    client = client_for(seller)
    url = reverse("customers:edit", args=[customer.uuid])
    initial = client.get(url).context["form"].initial
    data = {name: value for name, value in initial.items() if value is not None}
    response = client.post(url, {**data, "company_name": "", "contact_email": "x"})
    assert response.status_code == 400
    assert_summary(response, linked=["id_company_name", "id_contact_email"])
    assert "Nothing was saved" in response.content.decode()


def test_customer_edit_after_someone_else_s_change(client_for, seller):
    customer = managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")
    client = client_for(seller)
    url = reverse("customers:edit", args=[customer.uuid])
    initial = client.get(url).context["form"].initial
    data = {name: value for name, value in initial.items() if value is not None}
    assert client.post(url, {**data, "city": "Omaha"}).status_code == 302
    stale = client.post(url, {**data, "city": "Kearney"})
    assert stale.status_code == 409
    assert_summary(stale, texts=["Someone changed this customer"])


def test_customer_relationship_remove_refused(client_for, seller):
    sub = _subscription(seller)
    response = client_for(seller).post(
        reverse("orders:relationship_remove", args=[sub.customer.uuid])
    )
    assert response.status_code == 409
    assert_summary(response, texts=["active subscription"])


def test_validation_request_filters(client_for, seller):
    response = client_for(seller).get(reverse("validation:requests"), {"state": "bogus"})
    assert response.status_code == 400
    assert_summary(response, linked=["id_state"])


def test_admin_center_sign_in(client, seller):
    customer_admin = CustomerAdminFactory(customer__company_name="City of Springfield")
    rr = relationships.relationship_request_create(actor=seller)
    path = relationships.relationship_link(rr).split("://", 1)[-1]
    path = path[path.index("/") :]
    response = client.post(path, {"username": customer_admin.username, "password": "wrong"})
    assert response.status_code == 400
    assert_summary(response)


def test_a_forged_term_is_linked_and_described_at_its_select(client_for, seller):
    """The catalog renders its term and billing selects by hand: the error is the select's
    accessible description (aria-describedby), as for the quantity."""
    customer = managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")
    client = client_for(seller)
    url = reverse("orders:create", args=[customer.uuid])
    key = client.get(url).context["form"]["submission_key"].value()
    offer = _offer(G3)
    data = {"submission_key": key, f"quantity_{offer}": "20", f"term_{offer}": "P9Y"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert_summary(response, linked=[f"id_term_{offer}"])
    html = response.content.decode()
    select = re.search(rf'<select name="term_{offer}"[^>]*>', html).group(0)
    assert f'aria-describedby="id_term_{offer}-error"' in select
    assert f'id="id_term_{offer}-error"' in html


def test_the_reviewers_sign_in_submitted_empty(client):
    response = client.post(reverse("admin:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert_summary(response, linked=["id_username", "id_password"])
    html = response.content.decode()
    assert 'aria-describedby="id_username-error"' in html and 'id="id_username-error"' in html
    assert "<h1>Reviewers' sign-in</h1>" in html
