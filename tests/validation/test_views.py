import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from validation import services
from validation.models import RequestState, ValidationRequest

from ..factories import PartnerRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
NEW = reverse("validation:partner_new")


def form_data(partner, **overrides) -> dict:
    data = {
        "submission_key": str(uuid.uuid4()),
        "organization_name": partner.name,
        "tenant_id": str(partner.tenant_id),
        "address_line": "1 Main Street",
        "city": "Arlington",
        "state": "VA",
        "postal_code": "22201",
        "contact_name": "Pat Contact",
        "contact_email": "pat@example.test",
        "contact_phone": "+1 202 555 0143",
        "government_basis": ["government_entities", "contract_vehicles"],
        "contract_reference": "GS-35F-0119Y",
        "attested": "on",
    }
    data.update(overrides)
    return data


class TestPartnerValidationForm:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(NEW)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_admin_agent_submits_and_lands_on_the_request_page(self, client_for, admin_agent):
        client = client_for(admin_agent)
        assert client.get(NEW).status_code == 200
        response = client.post(NEW, form_data(admin_agent.partner), follow=True)
        request = ValidationRequest.objects.get()
        detail = reverse("validation:detail", args=[request.uuid])
        assert response.redirect_chain[-1][0] == detail + "?submitted=1"
        page = response.content.decode()
        assert "Submitted" in page and "Decision expected by" in page
        assert request.government_basis == ["government_entities", "contract_vehicles"]

    def test_a_double_post_creates_one_request(self, client_for, admin_agent):
        client = client_for(admin_agent)
        data = form_data(admin_agent.partner)
        first = client.post(NEW, data)
        second = client.post(NEW, data)
        assert first.status_code == second.status_code == 302
        assert first.url == second.url
        assert ValidationRequest.objects.count() == 1

    def test_sales_agent_gets_a_page_saying_who_may_submit(self, client_for, sales_agent):
        client = client_for(sales_agent)
        for response in (client.get(NEW), client.post(NEW, form_data(sales_agent.partner))):
            assert response.status_code == 403
            assert "Only an admin agent or a global admin" in response.content.decode()
        assert not ValidationRequest.objects.exists()

    @pytest.mark.parametrize(
        "field,value,message",
        [
            ("tenant_id", "not-a-guid", "Enter a tenant ID as a GUID"),
            ("tenant_id", "", "This field is required"),
            ("postal_code", "2220", "Enter a zip code in the format XXXXX"),
            ("contact_email", "pat@", "Enter a valid email address"),
            ("contact_phone", "call me", "Enter a phone number"),
            ("state", "ZZ", "Enter a U.S. state or territory"),
            ("government_basis", [], "Choose at least one way"),
            ("attested", "", "You must confirm"),
            ("organization_name", "x" * 201, "at most 200 characters"),
        ],
    )
    def test_bad_input_is_refused_next_to_the_field(
        self, client_for, admin_agent, field, value, message
    ):
        response = client_for(admin_agent).post(
            NEW, form_data(admin_agent.partner, **{field: value})
        )
        assert response.status_code == 400
        assert message in response.context["form"].errors[field][0]
        assert not ValidationRequest.objects.exists()

    def test_azure_gcc_tenant_id_is_refused_with_the_reason(self, client_for, admin_agent):
        partner = admin_agent.partner
        response = client_for(admin_agent).post(
            NEW, form_data(partner, tenant_id=str(partner.azure_gcc_tenant_id))
        )
        assert response.status_code == 400
        error = response.context["form"].errors["tenant_id"][0]
        assert "Azure GCC tenant ID" in error and str(partner.tenant_id) in error
        assert not ValidationRequest.objects.exists()

    def test_another_partners_tenant_id_is_refused(self, client_for, admin_agent, other_partner):
        response = client_for(admin_agent).post(
            NEW, form_data(admin_agent.partner, tenant_id=str(other_partner.tenant_id))
        )
        assert response.status_code == 400
        error = response.context["form"].errors["tenant_id"][0]
        assert "not your organization's commercial tenant ID" in error

    def test_a_reviewer_is_sent_to_the_admin(self, client_for, reviewer):
        response = client_for(reviewer).get(NEW)
        assert response.status_code == 302
        assert response.url == reverse("admin:index")


class TestRequestPage:
    def test_shows_state_timeline_and_due_date(self, client_for, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_screen(request_id=request.pk)
        response = client_for(admin_agent).get(reverse("validation:detail", args=[request.uuid]))
        page = response.content.decode()
        assert "In review" in page
        assert services.SIMULATED_REVIEWER in page
        assert "Decision expected by" in page

    def test_rejection_reason_is_shown(self, client_for, admin_agent, reviewer):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_reject(
            request_id=request.pk, actor=reviewer, reason="No agency ref."
        )
        page = client_for(admin_agent).get(reverse("validation:detail", args=[request.uuid]))
        assert "No agency ref." in page.content.decode()

    def test_another_partners_request_is_a_404(self, client_for, outsider, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        client = client_for(outsider)
        assert client.get(reverse("validation:detail", args=[request.uuid])).status_code == 404
        answer = reverse("validation:answer", args=[request.uuid])
        assert client.post(answer, {"response": "hi"}).status_code == 404

    def test_htmx_poll_returns_just_the_status_card(self, client_for, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        response = client_for(admin_agent).get(
            reverse("validation:detail", args=[request.uuid]), HTTP_HX_REQUEST="true"
        )
        page = response.content.decode()
        assert 'id="request-status"' in page and "<html" not in page

    def test_answering_an_information_request_resumes_the_review(
        self, client_for, admin_agent, reviewer
    ):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_request_info(
            request_id=request.pk, actor=reviewer, question="Schedule?"
        )
        client = client_for(admin_agent)
        url = reverse("validation:answer", args=[request.uuid])
        assert client.post(url, {"response": ""}).status_code == 400
        response = client.post(url, {"response": "GS-35F-0119Y"})
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == RequestState.IN_REVIEW

    def test_bounded_queries_however_long_the_timeline(
        self, client_for, admin_agent, reviewer, django_assert_max_num_queries
    ):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        for round_ in range(15):
            services.validation_request_request_info(
                request_id=request.pk, actor=reviewer, question=f"Q{round_}"
            )
            services.validation_request_answer(actor=admin_agent, request=request, response="A")
        client = client_for(admin_agent)
        url = reverse("validation:detail", args=[request.uuid])
        with django_assert_max_num_queries(8):
            response = client.get(url)
        assert response.content.decode().count("Information requested") >= 15


class TestProfileAndHomePages:
    @pytest.mark.parametrize("name", ["home", "profile", "customers:list"])
    def test_bounded_queries_with_many_requests(
        self, client_for, admin_agent, reviewer, django_assert_max_num_queries, name
    ):
        for _ in range(30):
            request = PartnerRequestFactory(submitted_by=admin_agent)
            services.validation_request_reject(request_id=request.pk, actor=reviewer, reason="No.")
        client = client_for(admin_agent)
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200

    def test_profile_shows_microsoft_id_type_enrollment_and_no_qualifications(
        self, client_for, admin_agent
    ):
        partner = admin_agent.partner
        page = client_for(admin_agent).get(reverse("profile")).content.decode()
        assert str(partner.tenant_id) in page
        assert "Direct reseller" in page and "Enrolled" in page
        assert "None yet." in page
        assert "Submit the partner GCC validation" in page

    def test_profile_shows_the_qualification_after_approval(self, client_for, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_approve(request_id=request.pk)
        page = client_for(admin_agent).get(reverse("profile")).content.decode()
        assert "Government_community_cloud" in page
        assert "None yet." not in page

    def test_helpdesk_sees_the_profile_but_no_submit_button(self, client_for, helpdesk_agent):
        page = client_for(helpdesk_agent).get(reverse("profile")).content.decode()
        assert "Submit the partner GCC validation" not in page
        assert "Only an admin agent or a global admin" in page


def test_user_without_partner_or_staff_gets_403(client_for, db):
    stray = UserFactory(partner=None, role="")
    assert client_for(stray).get(reverse("home")).status_code == 403


class TestTheRequestPageAfterSubmitting:
    """The seed walk's rough edges on the request's page."""

    def test_the_submitted_notice_lasts_only_while_the_request_is_open(
        self, client_for, admin_agent
    ):
        client = client_for(admin_agent)
        landing = client.post(NEW, form_data(admin_agent.partner))
        request = ValidationRequest.objects.get()
        open_page = client.get(landing.url).content.decode()
        assert "Your request was submitted" in open_page and "updates itself" in open_page
        services.validation_request_approve(request_id=request.pk)
        decided = client.get(landing.url, HTTP_HX_REQUEST="true").content.decode()
        assert "Your request was submitted" not in decided and "updates itself" not in decided

    def test_the_demo_clock_shows_the_seconds_and_says_what_a_day_is(
        self, client_for, admin_agent, settings
    ):
        settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = 30
        client = client_for(admin_agent)
        page = client.get(client.post(NEW, form_data(admin_agent.partner)).url).content.decode()
        assert "a business day lasts 30 seconds" in page
        request = ValidationRequest.objects.get()
        due = request.due_at.astimezone(timezone.get_current_timezone())
        assert f"{due:%-I:%M:%S}" in page

    def test_a_question_says_who_was_emailed_to_answer_it(self, client_for, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_request_info(request_id=request.pk, question="Which agency?")
        page = client_for(admin_agent).get(reverse("validation:detail", args=[request.uuid]))
        assert (
            f"emailed to {request.contact_name} ({request.contact_email})" in page.content.decode()
        )
