import uuid
from datetime import datetime, timedelta

import pytest
from django.core import mail

from lib.refusals import RefusalCode
from partners.models import PartnerType, ResellerQualification
from validation import services
from validation.calendar import BUSINESS_TZ
from validation.models import RequestState, ValidationRequest

from ..emails import send_recorded
from ..factories import (
    IndirectResellerFactory,
    PartnerFactory,
    PartnerRequestFactory,
    UserFactory,
    partner_request_data,
)
from ..refusals import refused

pytestmark = pytest.mark.django_db
WEDNESDAY_BEFORE_THANKSGIVING = datetime(2026, 11, 25, 10, 0, tzinfo=BUSINESS_TZ)


def submit(actor, **overrides):
    return services.partner_validation_submit(
        actor=actor,
        submission_key=uuid.uuid4(),
        intake=partner_request_data(actor.partner, **overrides),
        now=WEDNESDAY_BEFORE_THANKSGIVING,
    )


def holds_gcc(partner) -> bool:
    return ResellerQualification.objects.filter(
        partner=partner, qualification="Government_community_cloud"
    ).exists()


class TestPartnerValidationSubmit:
    def test_records_the_request_due_two_business_days_later(self, admin_agent):
        request = submit(admin_agent)
        assert request.status == RequestState.SUBMITTED
        assert request.due_at == datetime(2026, 11, 30, 10, 0, tzinfo=BUSINESS_TZ)
        assert [(e.to_state, e.actor) for e in request.events.all()] == [
            (RequestState.SUBMITTED, admin_agent)
        ]

    def test_asks_a_worker_to_screen_it_after_commit(
        self, admin_agent, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            submit(admin_agent)
        assert len(callbacks) == 2  # the "received" email and the screening task

    def test_global_admin_may_submit(self, global_admin):
        assert submit(global_admin).submitted_by == global_admin

    @pytest.mark.parametrize("role", ["sales_agent", "helpdesk_agent"])
    def test_other_roles_are_refused(self, partner, role):
        agent = UserFactory(partner=partner, role=role)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            submit(agent)
        assert not ValidationRequest.objects.exists()

    def test_indirect_reseller_is_sent_to_its_provider(self):
        reseller = IndirectResellerFactory()
        agent = UserFactory(partner=reseller)
        with refused(RefusalCode.NOT_DIRECT_BILL):
            submit(agent, tenant_id=reseller.indirect_provider.tenant_id)

    def test_indirect_provider_may_submit(self):
        provider = PartnerFactory(partner_type=PartnerType.INDIRECT_PROVIDER)
        assert submit(UserFactory(partner=provider)).partner == provider

    def test_partner_not_enrolled_in_csp_is_refused(self, admin_agent):
        admin_agent.partner.csp_enrolled = False
        admin_agent.partner.save()
        with refused(RefusalCode.NOT_CSP_ENROLLED):
            submit(admin_agent)

    def test_someone_elses_tenant_id_is_refused_on_the_field(self, admin_agent, other_partner):
        with refused(RefusalCode.WRONG_TENANT_ID) as exc:
            submit(admin_agent, tenant_id=other_partner.tenant_id)
        assert exc.value.field == "tenant_id"
        assert str(admin_agent.partner.tenant_id) in exc.value.message
        assert not ValidationRequest.objects.exists()

    def test_azure_gcc_tenant_id_is_refused_saying_so(self, admin_agent):
        with refused(RefusalCode.AZURE_GCC_TENANT_ID) as exc:
            submit(admin_agent, tenant_id=admin_agent.partner.azure_gcc_tenant_id)
        assert exc.value.field == "tenant_id"

    def test_a_second_open_request_is_refused(self, admin_agent):
        submit(admin_agent)
        with refused(RefusalCode.REQUEST_ALREADY_OPEN):
            submit(admin_agent)
        assert ValidationRequest.objects.count() == 1

    def test_a_qualified_partner_is_refused(self, admin_agent):
        request = submit(admin_agent)
        services.validation_request_approve(request_id=request.pk)
        with refused(RefusalCode.PARTNER_ALREADY_GCC):
            submit(admin_agent)

    def test_a_rejected_partner_may_submit_again(self, admin_agent, reviewer):
        first = submit(admin_agent)
        services.validation_request_reject(
            request_id=first.pk, actor=reviewer, reason="No agency reference."
        )
        assert submit(admin_agent).pk != first.pk

    def test_the_same_form_posted_twice_creates_one_request(self, admin_agent):
        key = uuid.uuid4()
        intake = partner_request_data(admin_agent.partner)
        first = services.partner_validation_submit(
            actor=admin_agent, submission_key=key, intake=intake
        )
        again = services.partner_validation_submit(
            actor=admin_agent, submission_key=key, intake=intake
        )
        assert first.pk == again.pk
        assert ValidationRequest.objects.count() == 1


class TestScreen:
    def test_moves_to_in_review_and_records_the_checklist(self):
        request = PartnerRequestFactory()
        assert services.validation_request_screen(request_id=request.pk) is True
        request.refresh_from_db()
        assert request.status == RequestState.IN_REVIEW
        assert {item["code"]: item["passed"] for item in request.checklist} == {
            "standing": True,
            "tenant": True,
            "government_basis": True,
            "contract_reference": True,
        }

    def test_screening_twice_changes_nothing(self):
        request = PartnerRequestFactory()
        services.validation_request_screen(request_id=request.pk)
        assert services.validation_request_screen(request_id=request.pk) is False
        assert request.events.count() == 1


class TestDecide:
    def test_approval_grants_government_community_cloud(self, reviewer):
        request = PartnerRequestFactory()
        services.validation_request_approve(request_id=request.pk, actor=reviewer)
        request.refresh_from_db()
        assert request.status == RequestState.APPROVED
        assert request.decided_by == reviewer
        assert holds_gcc(request.partner)
        last = request.events.last()
        assert (last.actor, last.from_state, last.to_state) == (reviewer, "submitted", "approved")

    def test_rejection_needs_a_reason(self, reviewer):
        request = PartnerRequestFactory()
        with refused(RefusalCode.REASON_REQUIRED):
            services.validation_request_reject(request_id=request.pk, actor=reviewer, reason="  ")
        request.refresh_from_db()
        assert request.status == RequestState.SUBMITTED

    def test_rejection_keeps_the_profile_unchanged_and_records_the_reason(self, reviewer):
        request = PartnerRequestFactory()
        services.validation_request_reject(request_id=request.pk, actor=reviewer, reason="Not CSP.")
        request.refresh_from_db()
        assert request.decision_reason == "Not CSP."
        assert not holds_gcc(request.partner)

    def test_a_decided_request_is_not_decided_again(self, reviewer):
        request = PartnerRequestFactory()
        services.validation_request_approve(request_id=request.pk)
        with refused(RefusalCode.ALREADY_DECIDED):
            services.validation_request_reject(
                request_id=request.pk, actor=reviewer, reason="Late."
            )
        request.refresh_from_db()
        assert (request.status, request.decided_by) == (RequestState.APPROVED, None)

    def test_a_stale_page_cannot_decide(self, reviewer):
        request = PartnerRequestFactory()
        services.validation_request_screen(request_id=request.pk)  # moved on since the page
        with refused(RefusalCode.ALREADY_DECIDED):
            services.validation_request_approve(
                request_id=request.pk, actor=reviewer, expected_states=[RequestState.SUBMITTED]
            )

    def test_information_request_pauses_the_clock_and_the_answer_resumes_it(
        self, reviewer, admin_agent
    ):
        submitted = datetime(2026, 11, 16, 9, 0, tzinfo=BUSINESS_TZ)
        request = PartnerRequestFactory(submitted_by=admin_agent, submitted_at=submitted)
        assert request.due_at == submitted + timedelta(days=2)
        asked = submitted + timedelta(days=1)
        services.validation_request_request_info(
            request_id=request.pk,
            actor=reviewer,
            question="Send your GSA schedule number.",
            now=asked,
        )
        answered = asked + timedelta(days=5)
        services.validation_request_answer(
            actor=admin_agent, request=request, response="GS-35F-0119Y", now=answered
        )
        request.refresh_from_db()
        assert request.status == RequestState.IN_REVIEW
        assert request.info_response == "GS-35F-0119Y"
        assert request.due_at == answered + timedelta(days=1)  # the day that was left

    def test_information_request_needs_a_message(self, reviewer):
        request = PartnerRequestFactory()
        with refused(RefusalCode.QUESTION_REQUIRED):
            services.validation_request_request_info(
                request_id=request.pk, actor=reviewer, question=""
            )

    def test_a_sales_agent_cannot_answer_for_the_partner(self, reviewer, sales_agent):
        request = PartnerRequestFactory(partner=sales_agent.partner)
        services.validation_request_request_info(
            request_id=request.pk, actor=reviewer, question="Why?"
        )
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            services.validation_request_answer(actor=sales_agent, request=request, response="x")


class TestSweep:
    def test_screens_new_requests_and_decides_due_ones(self):
        due = PartnerRequestFactory()
        not_due = PartnerRequestFactory()
        later = not_due.due_at - timedelta(minutes=1)
        ValidationRequest.objects.filter(pk=due.pk).update(due_at=later - timedelta(hours=1))

        report = services.sweep_reviews(now=later)

        assert sorted(report.screened) == sorted([due.pk, not_due.pk])
        assert report.decided == {due.pk: RequestState.APPROVED}
        assert holds_gcc(due.partner)
        not_due.refresh_from_db()
        assert not_due.status == RequestState.IN_REVIEW

    def test_running_it_twice_decides_nothing_more(self):
        request = PartnerRequestFactory()
        services.sweep_reviews(now=request.due_at)
        events = request.events.count()
        again = services.sweep_reviews(now=request.due_at + timedelta(hours=1))
        assert (again.screened, again.decided) == ([], {})
        assert request.events.count() == events

    def test_simulated_reviewer_rejects_when_the_partner_lost_csp_enrollment(self):
        request = PartnerRequestFactory()
        request.partner.csp_enrolled = False
        request.partner.save()
        services.sweep_reviews(now=request.due_at)
        request.refresh_from_db()
        assert request.status == RequestState.REJECTED
        assert "not enrolled in the Cloud Solution Provider program" in request.decision_reason
        assert request.events.last().actor_name == services.SIMULATED_REVIEWER

    def test_simulated_reviewer_asks_for_a_missing_contract_reference(self):
        request = PartnerRequestFactory(contract_reference="")
        services.sweep_reviews(now=request.due_at)
        request.refresh_from_db()
        assert request.status == RequestState.INFO_REQUESTED
        assert "contract or schedule number" in request.info_request_message

    def test_a_human_decision_first_wins(self, reviewer):
        request = PartnerRequestFactory()
        services.validation_request_screen(request_id=request.pk)
        services.validation_request_reject(
            request_id=request.pk, actor=reviewer, reason="Wrong org."
        )
        report = services.sweep_reviews(now=request.due_at + timedelta(days=1))
        assert report.decided == {}
        request.refresh_from_db()
        assert (request.status, request.decided_by) == (RequestState.REJECTED, reviewer)


class TestEmails:
    def test_approval_emails_the_contact_and_the_submitter(
        self, admin_agent, django_capture_on_commit_callbacks
    ):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.validation_request_approve(request_id=request.pk)
        assert len(callbacks) == 1  # the email is sent after commit, not before
        assert mail.outbox == []
        (message,) = send_recorded("validation_approved")
        assert "approved for Government Community Cloud" in message.subject
        assert sorted(message.to) == sorted(["pat@example.test", admin_agent.email])
        assert "Government_community_cloud" in message.body
        assert message.alternatives[0][1] == "text/html"
