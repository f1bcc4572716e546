"""Resubmitting a rejected request: the form prefilled from it, the new request linked to it."""

import uuid
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from lib.refusals import RefusalCode
from partners.models import Role
from validation import services
from validation.models import RequestState, ValidationRequest

from ..emails import send_recorded
from ..factories import (
    CustomerFactory,
    PartnerRequestFactory,
    UserFactory,
    customer_request_data,
    customer_validation_form_data,
    gcc_partner,
    manage,
    partner_request_data,
)
from ..refusals import refused

pytestmark = pytest.mark.django_db

REASON = "The contract reference does not name a US government agency."


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


def reject(request, reason=REASON):
    return services.validation_request_reject(request_id=request.pk, reason=reason)


def customer_request(actor, customer=None, **overrides):
    return services.customer_validation_submit(
        actor=actor,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(actor.partner, **overrides),
        customer=customer,
    )


def partner_form_data(partner, **overrides) -> dict:
    data = partner_request_data(partner).fields()
    data.update(submission_key=str(uuid.uuid4()), tenant_id=str(data["tenant_id"]), attested="on")
    data.update(overrides)
    return data


def detail(vr):
    return reverse("validation:detail", args=[vr.uuid])


def resubmit_url(vr):
    return reverse("validation:resubmit", args=[vr.uuid])


class TestPartnerRequest:
    def test_resubmit_opens_the_prefilled_form_and_links_the_new_request(
        self, client_for, admin_agent
    ):
        rejected = PartnerRequestFactory(
            submitted_by=admin_agent, contract_reference="Agency letter 7"
        )
        reject(rejected)
        client = client_for(admin_agent)
        page = client.get(detail(rejected)).content.decode()
        assert resubmit_url(rejected) in page and ">Resubmit</a>" in page

        response = client.get(resubmit_url(rejected))
        assert response.status_code == 302
        form_url = response.url
        assert urlsplit(form_url).path == reverse("validation:partner_new")
        form = client.get(form_url)
        assert form.status_code == 200
        assert form.context["form"]["contract_reference"].value() == "Agency letter 7"
        assert form.context["form"]["contact_email"].value() == rejected.contact_email
        assert not form.context["form"]["attested"].value()  # confirmed again
        assert rejected.reference in form.content.decode()  # the notice above the form

        posted = client.post(
            form_url, partner_form_data(admin_agent.partner, contract_reference="GS-35F-0119Y")
        )
        assert posted.status_code == 302
        newer = ValidationRequest.objects.get(resubmission_of=rejected)
        assert posted.url == detail(newer) + "?submitted=1"
        assert newer.contract_reference == "GS-35F-0119Y"
        newer_page = client.get(detail(newer)).content.decode()
        assert f'Resubmission of <a href="{detail(rejected)}">{rejected.reference}</a>' in (
            newer_page
        )
        old_page = client.get(detail(rejected)).content.decode()
        assert f'Resubmitted as <a href="{detail(newer)}">{newer.reference}</a>' in old_page
        assert ">Resubmit</a>" not in old_page  # once: the newer one is resubmitted next

    def test_a_sales_agent_may_not_resubmit_a_partner_request(self, client_for, sales_agent):
        rejected = reject(PartnerRequestFactory(submitted_by=sales_agent))
        client = client_for(sales_agent)
        assert ">Resubmit</a>" not in client.get(detail(rejected)).content.decode()
        assert client.get(resubmit_url(rejected)).status_code == 403
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            services.partner_validation_submit(
                actor=sales_agent,
                submission_key=uuid.uuid4(),
                intake=partner_request_data(sales_agent.partner),
                resubmission_of=rejected,
            )


class TestCustomerRequest:
    def test_resubmit_prefills_the_customer_form(self, client_for, seller):
        rejected = reject(customer_request(seller, jurisdiction="Lincoln County"))
        client = client_for(seller)
        response = client.get(resubmit_url(rejected))
        assert urlsplit(response.url).path == reverse("customers:validation_new")
        form = client.get(response.url)
        assert form.status_code == 200
        assert form.context["form"]["jurisdiction"].value() == "Lincoln County"
        assert form.context["form"]["domain"].value() == "lincolncounty.gov"
        assert form.context["form"]["entity_type"].value() == "state_local"

        data = customer_validation_form_data(seller.partner, jurisdiction="Lincoln County, NE")
        posted = client.post(response.url, data)
        assert posted.status_code == 302
        newer = ValidationRequest.objects.get(resubmission_of=rejected)
        assert (newer.kind, newer.jurisdiction) == ("customer", "Lincoln County, NE")
        assert "Resubmission of" in client.get(posted.url).content.decode()
        assert (
            newer.events.get().note == f"Request submitted. Resubmission of {rejected.reference}."
        )

    def test_an_existing_customers_request_is_resubmitted_for_that_customer(
        self, client_for, seller
    ):
        customer = CustomerFactory(company_name="City of Springfield")
        manage(seller.partner, customer)
        rejected = reject(customer_request(seller, customer=customer))
        client = client_for(seller)
        form_url = client.get(resubmit_url(rejected)).url
        assert f"customer={customer.uuid}" in form_url
        posted = client.post(form_url, customer_validation_form_data(seller.partner))
        assert posted.status_code == 302
        assert ValidationRequest.objects.get(resubmission_of=rejected).customer == customer

    def test_the_customer_must_be_the_rejected_requests(self, seller):
        customer = CustomerFactory()
        manage(seller.partner, customer)
        rejected = reject(customer_request(seller))
        with refused(RefusalCode.RESUBMISSION_MISMATCH):
            services.customer_validation_submit(
                actor=seller,
                submission_key=uuid.uuid4(),
                intake=customer_request_data(seller.partner),
                customer=customer,
                resubmission_of=rejected,
            )

    def test_a_helpdesk_agent_may_not_resubmit(self, client_for, seller):
        rejected = reject(customer_request(seller))
        helpdesk = UserFactory(partner=seller.partner, role=Role.HELPDESK_AGENT)
        client = client_for(helpdesk)
        assert ">Resubmit</a>" not in client.get(detail(rejected)).content.decode()
        response = client.get(resubmit_url(rejected))
        assert response.status_code == 403
        assert response.context["message"].startswith("Your role")


class TestOnlyARejectedRequest:
    def test_an_open_request_is_refused(self, client_for, seller):
        open_request = customer_request(seller)
        client = client_for(seller)
        assert ">Resubmit</a>" not in client.get(detail(open_request)).content.decode()
        response = client.get(resubmit_url(open_request))
        assert response.status_code == 409
        assert "Only a rejected request" in response.content.decode()
        form = reverse("customers:validation_new") + f"?resubmit={open_request.uuid}"
        assert client.get(form).status_code == 409
        with refused(RefusalCode.NOT_REJECTED):
            services.customer_validation_submit(
                actor=seller,
                submission_key=uuid.uuid4(),
                intake=customer_request_data(seller.partner, domain="other.gov"),
                resubmission_of=open_request,
            )

    def test_an_approved_request_is_refused(self, seller):
        approved = customer_request(seller)
        services.validation_request_approve(request_id=approved.pk)
        approved.refresh_from_db()
        refusal = services.resubmission_refusal(actor=seller, earlier=approved)
        assert refusal.code == RefusalCode.NOT_REJECTED

    def test_a_request_is_resubmitted_once(self, client_for, seller):
        rejected = reject(customer_request(seller))
        first = services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(seller.partner),
            resubmission_of=rejected,
        )
        reject(first, reason="Still no agency named.")
        with refused(RefusalCode.ALREADY_RESUBMITTED):
            services.customer_validation_submit(
                actor=seller,
                submission_key=uuid.uuid4(),
                intake=customer_request_data(seller.partner),
                resubmission_of=rejected,
            )
        response = client_for(seller).get(resubmit_url(rejected))
        assert response.status_code == 409
        assert detail(first) in response.content.decode()  # points to the newer request
        # The newer (rejected) one is resubmitted next: the chain goes on.
        assert client_for(seller).get(resubmit_url(first)).status_code == 302

    def test_a_kind_mismatch_is_refused(self, admin_agent):
        partner_vr = reject(PartnerRequestFactory(submitted_by=admin_agent))
        refusal = services.resubmission_refusal(
            actor=admin_agent, earlier=partner_vr, kind="customer"
        )
        assert refusal.code == RefusalCode.RESUBMISSION_MISMATCH


class TestIsolation:
    def test_another_partners_request_is_a_404(self, client_for, seller, outsider):
        rejected = reject(customer_request(seller))
        client = client_for(outsider)
        assert client.get(resubmit_url(rejected)).status_code == 404
        partner_form = reverse("validation:partner_new") + f"?resubmit={rejected.uuid}"
        assert client.get(partner_form).status_code == 404
        client.force_login(UserFactory(partner=gcc_partner(), role=Role.SALES_AGENT))
        customer_form = reverse("customers:validation_new") + f"?resubmit={rejected.uuid}"
        assert client.get(customer_form).status_code == 404

    def test_a_malformed_uuid_is_a_404(self, client_for, seller):
        form = reverse("customers:validation_new") + "?resubmit=not-a-uuid"
        assert client_for(seller).get(form).status_code == 404


def test_the_rejection_email_links_to_resubmit(seller):
    rejected = customer_request(seller)
    send_recorded()
    reject(rejected)
    sent = send_recorded("validation_rejected")
    assert sent
    link = resubmit_url(rejected)
    for message in sent:
        assert link in message.body
        assert link in message.alternatives[0][0]


def test_reviewers_see_the_chain_on_the_admin_page(client_for, reviewer, seller):
    rejected = reject(customer_request(seller))
    newer = services.customer_validation_submit(
        actor=seller,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(seller.partner),
        resubmission_of=rejected,
    )
    change = reverse("admin:validation_validationrequest_change", args=[newer.pk])
    page = client_for(reviewer).get(change).content.decode()
    assert "Resubmissions" in page or "resubmissions" in page
    old_change = reverse("admin:validation_validationrequest_change", args=[rejected.pk])
    assert f'<a href="{old_change}">{rejected.reference}</a> (Rejected)' in page
    assert f"<strong>{newer.reference} (Submitted)</strong>" in page
    assert RequestState(newer.status) == RequestState.SUBMITTED
