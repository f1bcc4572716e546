"""Customer GCC validation: submitted on the customer's behalf, reviewed by the same engine."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lib.refusals import RefusalCode
from partners.models import PartnerType, Role
from validation import services
from validation.codes import validation_code_list
from validation.evidence import evidence_attach
from validation.models import RequestState, SpecialQualification, ValidationRequest

from ..emails import send_recorded
from ..factories import (
    CustomerFactory,
    PartnerFactory,
    UserFactory,
    customer_request_data,
    customer_validation_form_data,
    gcc_partner,
    manage,
)
from ..refusals import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


@pytest.fixture
def reseller_agent():
    """A sales agent of an indirect reseller whose indirect provider holds GCC."""
    provider = gcc_partner(name="Fabrikam", partner_type=PartnerType.INDIRECT_PROVIDER)
    reseller = PartnerFactory(
        name="Northwind", partner_type=PartnerType.INDIRECT_RESELLER, indirect_provider=provider
    )
    return UserFactory(partner=reseller, role=Role.SALES_AGENT)


def submit(actor, customer=None, **overrides):
    return services.customer_validation_submit(
        actor=actor,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(actor.partner, **overrides),
        customer=customer,
    )


def approve(request):
    return services.validation_request_approve(request_id=request.pk)


class TestSubmit:
    def test_a_sales_agent_of_a_gcc_partner_submits(self, seller):
        request = submit(seller)
        assert (request.kind, request.status) == ("customer", RequestState.SUBMITTED)

    def test_a_partner_without_gcc_is_refused(self, admin_agent):
        with refused(RefusalCode.PARTNER_NOT_GCC):
            submit(admin_agent)

    def test_helpdesk_is_refused(self, seller):
        helpdesk = UserFactory(partner=seller.partner, role=Role.HELPDESK_AGENT)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            submit(helpdesk)

    def test_indirect_reseller_gives_its_providers_tenant_id(self, reseller_agent):
        request = submit(reseller_agent)
        assert request.tenant_id == reseller_agent.partner.indirect_provider.tenant_id

    def test_indirect_reseller_own_tenant_id_is_refused_naming_the_expected_one(
        self, reseller_agent
    ):
        partner = reseller_agent.partner
        with refused(RefusalCode.WRONG_TENANT_ID) as exc:
            submit(reseller_agent, tenant_id=partner.tenant_id)
        assert exc.value.field == "tenant_id"
        assert "indirect provider's commercial tenant ID" in exc.value.message
        assert str(partner.indirect_provider.tenant_id) in exc.value.message

    def test_another_partners_tenant_id_is_refused(self, seller, other_partner):
        with refused(RefusalCode.WRONG_TENANT_ID):
            submit(seller, tenant_id=other_partner.tenant_id)

    def test_the_providers_azure_gcc_tenant_id_is_refused(self, reseller_agent):
        provider = reseller_agent.partner.indirect_provider
        with refused(RefusalCode.AZURE_GCC_TENANT_ID):
            submit(reseller_agent, tenant_id=provider.azure_gcc_tenant_id)

    def test_one_open_request_per_customer_domain(self, seller):
        submit(seller)
        with refused(RefusalCode.REQUEST_ALREADY_OPEN):
            submit(seller)
        assert ValidationRequest.objects.count() == 1


class TestApproval:
    def test_approval_issues_a_code_to_the_transacting_partner(self, seller, settings):
        settings.GCC_VALIDATION_CODE_MAX_CREATES = 5
        request = approve(submit(seller))
        code = request.validation_code
        assert code.validation_id.isdigit() and len(code.validation_id) == 6
        assert (code.partner, code.requested_by) == (seller.partner, None)
        assert (code.organization_name, code.max_creates, code.remaining_creates) == (
            "County of Lincoln",
            5,
            5,
        )

    def test_a_resellers_code_is_seen_by_the_reseller_and_every_provider_agent(
        self, reseller_agent
    ):
        code = approve(submit(reseller_agent)).validation_code
        provider = reseller_agent.partner.indirect_provider
        assert (code.partner, code.requested_by) == (provider, reseller_agent.partner)
        provider_agent = UserFactory(partner=provider, role=Role.ADMIN_AGENT)
        other_reseller_agent = UserFactory(
            partner=PartnerFactory(
                partner_type=PartnerType.INDIRECT_RESELLER, indirect_provider=provider
            )
        )
        assert list(validation_code_list(actor=reseller_agent)) == [code]
        assert list(validation_code_list(actor=provider_agent)) == [code]
        assert list(validation_code_list(actor=other_reseller_agent)) == []

    def test_approval_for_an_existing_customer_gives_it_gcc(self, seller):
        customer = CustomerFactory()
        manage(seller.partner, customer)
        request = approve(submit(seller, customer=customer))
        qualification = SpecialQualification.objects.get(customer=customer)
        assert qualification.validation_code == request.validation_code
        # No tenant was created, so no create is used up.
        assert request.validation_code.remaining_creates == request.validation_code.max_creates

    def test_approval_email_gives_the_code(self, seller):
        request = approve(submit(seller))
        (message,) = send_recorded("validation_approved")
        assert request.validation_code.validation_id in message.body


class TestSimulatedReviewer:
    def review(self, request):
        services.sweep_reviews(now=request.due_at)
        request.refresh_from_db()
        return request

    def test_approves_a_government_entity(self, seller):
        assert self.review(submit(seller)).status == RequestState.APPROVED

    def test_approves_a_commercial_entity_with_regulated_data(self, seller, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        request = submit(
            seller,
            organization_name="Contoso Defense Manufacturing, Inc.",
            entity_type="commercial",
            jurisdiction="",
            regulated_data=["itar"],
        )
        license_pdf = SimpleUploadedFile("itar-license.pdf", b"%PDF-1.7 license")
        evidence_attach(validation_request=request, files=[license_pdf], via="form")
        assert self.review(request).status == RequestState.APPROVED

    def test_rejects_an_acronym_for_a_legal_name(self, seller):
        request = self.review(submit(seller, organization_name="DHHS"))
        assert request.status == RequestState.REJECTED
        assert "not an acronym" in request.decision_reason

    def test_rejects_a_commercial_entity_without_regulated_data(self, seller):
        # The intake refuses it (TestIntakeRules); one filed before that rule still meets the
        # reviewer's checklist.
        request = submit(
            seller,
            organization_name="Plain Widgets LLC",
            entity_type="commercial",
            regulated_data=["itar"],
        )
        ValidationRequest.objects.filter(pk=request.pk).update(regulated_data=[])
        request = self.review(request)
        assert "government-regulated data" in request.decision_reason

    def test_rejects_an_international_government_body(self, seller):
        request = self.review(submit(seller, is_us_entity=False, organization_name="Ministry X"))
        assert "international bodies do not" in request.decision_reason

    def test_asks_a_non_us_commercial_entity_for_its_us_presence(self, seller):
        request = self.review(
            submit(
                seller,
                organization_name="Fabrikam Aerospace GmbH",
                entity_type="commercial",
                regulated_data=["itar"],
                is_us_entity=False,
            )
        )
        assert request.status == RequestState.INFO_REQUESTED
        assert "US presence" in request.info_request_message


class TestContactAnswerLink:
    def ask(self, seller):
        request = submit(seller)
        services.validation_request_request_info(
            request_id=request.pk, question="Confirm the legal name."
        )
        request.refresh_from_db()
        return request, services.answer_link_token(request)

    def test_the_email_to_the_contact_carries_the_answer_link(self, seller):
        request, token = self.ask(seller)
        (message,) = send_recorded("validation_info_requested")
        assert "it@lincolncounty.gov" in message.to
        assert reverse("validation:contact_answer", args=[token]) in message.body

    def test_the_contact_answers_without_an_account_and_the_review_resumes(self, client, seller):
        request, token = self.ask(seller)
        url = reverse("validation:contact_answer", args=[token])
        page = client.get(url)
        assert page.status_code == 200 and "Confirm the legal name." in page.content.decode()
        assert client.post(url, {"response": ""}).status_code == 400
        done = client.post(url, {"response": "County of Lincoln, Nebraska"})
        assert done.status_code == 200 and "Thank you" in done.content.decode()
        request.refresh_from_db()
        assert (request.status, request.info_response) == (
            RequestState.IN_REVIEW,
            "County of Lincoln, Nebraska",
        )
        assert "contact, by email link" in request.events.last().actor_name

    def test_the_link_works_once(self, client, seller):
        _, token = self.ask(seller)
        url = reverse("validation:contact_answer", args=[token])
        client.post(url, {"response": "Yes."})
        again = client.post(url, {"response": "Again."})
        assert again.status_code == 410
        assert "already answered" in again.content.decode()

    def test_a_tampered_link_is_refused(self, client, seller):
        _, token = self.ask(seller)
        response = client.get(reverse("validation:contact_answer", args=[token[:-2] + "xx"]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()


class TestCustomerValidationForm:
    URL = reverse("customers:validation_new")

    def form(self, partner, **overrides):
        return customer_validation_form_data(partner, **overrides)

    def test_submits_and_shows_the_request(self, client_for, seller):
        response = client_for(seller).post(self.URL, self.form(seller.partner), follow=True)
        request = ValidationRequest.objects.get()
        detail = reverse("validation:detail", args=[request.uuid])
        assert response.redirect_chain[-1][0] == detail + "?submitted=1"
        assert "Customer GCC validation" in response.content.decode()

    def test_indirect_reseller_with_its_own_tenant_id_sees_the_expected_one(
        self, client_for, reseller_agent
    ):
        partner = reseller_agent.partner
        response = client_for(reseller_agent).post(
            self.URL, self.form(partner, tenant_id=str(partner.tenant_id))
        )
        assert response.status_code == 400
        error = response.context["form"].errors["tenant_id"][0]
        assert str(partner.indirect_provider.tenant_id) in error
        assert not ValidationRequest.objects.exists()

    @pytest.mark.parametrize(
        "field,value,message",
        [
            ("domain", "not a domain", "Enter a domain name"),
            ("entity_type", "alien", "Select a valid choice"),
            ("jurisdiction", "", "Name the agency or jurisdiction"),
            ("tenant_id", "0000", "Enter a tenant ID as a GUID"),
            ("contact_email", "nope", "Enter a valid email address"),
        ],
    )
    def test_bad_input_is_refused_next_to_the_field(
        self, client_for, seller, field, value, message
    ):
        response = client_for(seller).post(self.URL, self.form(seller.partner, **{field: value}))
        assert response.status_code == 400
        assert message in response.context["form"].errors[field][0]
        assert not ValidationRequest.objects.exists()

    def test_commercial_entity_must_name_its_regulated_data(self, client_for, seller):
        response = client_for(seller).post(
            self.URL, self.form(seller.partner, entity_type="commercial")
        )
        assert "choose the kinds it holds" in response.context["form"].errors["regulated_data"][0]

    def test_a_partner_without_gcc_gets_a_page_saying_why(self, client_for, admin_agent):
        response = client_for(admin_agent).get(self.URL)
        assert response.status_code == 403
        assert "until it holds" in response.content.decode()

    def test_another_partners_customer_is_a_404(self, client_for, seller, outsider):
        customer = CustomerFactory()
        manage(outsider.partner, customer)
        response = client_for(seller).get(self.URL, {"customer": str(customer.uuid)})
        assert response.status_code == 404
        assert client_for(seller).get(self.URL, {"customer": "not-a-uuid"}).status_code == 404


class TestIntakeRules:
    """The page and the API build the same intake; the service refuses it by code."""

    @pytest.mark.parametrize(
        ("overrides", "code"),
        [
            ({"entity_type": "commercial", "regulated_data": []}, "regulated_data_required"),
            ({"entity_type": "federal", "jurisdiction": "  "}, "jurisdiction_required"),
            ({"attested": False}, "not_attested"),
        ],
    )
    def test_the_service_refuses_and_saves_nothing(self, seller, overrides, code):
        with refused(RefusalCode(code)):
            submit(seller, **overrides)
        assert not ValidationRequest.objects.exists()
