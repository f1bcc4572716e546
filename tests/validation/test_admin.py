"""The reviewers' queue in /admin/: every action goes through validation.services."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from partners.models import ResellerQualification
from validation import services
from validation.models import RequestState, ValidationRequest

from ..factories import PartnerRequestFactory, UserFactory, customer_request_data, gcc_partner

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:validation_validationrequest_changelist")


def decide_url(request):
    return reverse("admin:validation_validationrequest_decide", args=[request.pk])


def change_url(request):
    return reverse("admin:validation_validationrequest_change", args=[request.pk])


class TestQueue:
    def test_reviewer_sees_open_requests_with_due_and_overdue(self, client_for, reviewer):
        fresh = PartnerRequestFactory(organization_name="Fresh Org")
        late = PartnerRequestFactory(organization_name="Late Org")
        ValidationRequest.objects.filter(pk=late.pk).update(
            due_at=late.submitted_at - timedelta(days=1)
        )
        page = client_for(reviewer).get(QUEUE).content.decode()
        assert "Fresh Org" in page and "Late Org" in page
        assert "due in" in page and "overdue" in page
        assert fresh.reference in page

    def test_queue_filters_by_state(self, client_for, reviewer):
        PartnerRequestFactory(organization_name="Still Open")
        done = PartnerRequestFactory(organization_name="Already Done")
        services.validation_request_decide(request_id=done.pk, decision="approved")
        page = client_for(reviewer).get(QUEUE, {"status__exact": "submitted"}).content.decode()
        assert "Still Open" in page and "Already Done" not in page

    def test_bounded_queries_whatever_the_queue_size(
        self, client_for, reviewer, django_assert_max_num_queries
    ):
        client = client_for(reviewer)
        PartnerRequestFactory.create_batch(3)
        with django_assert_max_num_queries(12) as small:
            client.get(QUEUE)
        PartnerRequestFactory.create_batch(60)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert client.get(QUEUE).status_code == 200

    def test_request_page_shows_checklist_timeline_and_decision_buttons(self, client_for, reviewer):
        request = PartnerRequestFactory(contract_reference="")
        services.validation_request_screen(request_id=request.pk)
        page = client_for(reviewer).get(change_url(request)).content.decode()
        assert "Eligibility checklist" in page
        assert "Please send a contract or schedule number" in page
        assert "Review started" in page
        assert 'value="approved"' in page and 'value="rejected"' in page


class TestDecisions:
    def test_reviewer_approves(self, client_for, reviewer):
        request = PartnerRequestFactory()
        response = client_for(reviewer).post(
            decide_url(request), {"decision": "approved", "expected_state": "submitted"}
        )
        assert response.status_code == 302
        request.refresh_from_db()
        assert (request.status, request.decided_by) == (RequestState.APPROVED, reviewer)
        assert ResellerQualification.objects.filter(partner=request.partner).exists()

    def test_rejecting_without_a_reason_is_refused(self, client_for, reviewer):
        request = PartnerRequestFactory()
        response = client_for(reviewer).post(
            decide_url(request),
            {"decision": "rejected", "expected_state": "submitted", "note": ""},
            follow=True,
        )
        assert "needs a reason" in response.content.decode()
        request.refresh_from_db()
        assert request.status == RequestState.SUBMITTED

    def test_reject_with_reason_is_shown_to_the_partner(self, client_for, reviewer, admin_agent):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        client_for(reviewer).post(
            decide_url(request),
            {"decision": "rejected", "expected_state": "submitted", "note": "Not a CSP partner."},
        )
        request.refresh_from_db()
        assert request.decision_reason == "Not a CSP partner."
        partner_page = client_for(admin_agent).get(
            reverse("validation:detail", args=[request.uuid])
        )
        assert "Not a CSP partner." in partner_page.content.decode()

    def test_request_information(self, client_for, reviewer):
        request = PartnerRequestFactory()
        client_for(reviewer).post(
            decide_url(request),
            {"decision": "info_requested", "expected_state": "submitted", "note": "Agency?"},
        )
        request.refresh_from_db()
        assert (request.status, request.info_request_message) == ("info_requested", "Agency?")

    def test_a_stale_page_cannot_decide_twice(self, client_for, reviewer):
        request = PartnerRequestFactory()
        client = client_for(reviewer)
        stale_form = {"decision": "approved", "expected_state": "submitted"}
        services.validation_request_decide(
            request_id=request.pk, decision="rejected", note="Decided elsewhere first."
        )
        response = client.post(decide_url(request), stale_form, follow=True)
        assert "already rejected" in response.content.decode()
        request.refresh_from_db()
        assert request.status == RequestState.REJECTED
        assert request.events.filter(to_state=RequestState.APPROVED).count() == 0

    def test_bulk_approve_decides_open_ones_and_skips_decided(self, client_for, reviewer):
        open_ones = PartnerRequestFactory.create_batch(3)
        decided = PartnerRequestFactory()
        services.validation_request_decide(request_id=decided.pk, decision="rejected", note="No")
        response = client_for(reviewer).post(
            QUEUE,
            {
                "action": "approve_selected",
                "_selected_action": [r.pk for r in [*open_ones, decided]],
            },
            follow=True,
        )
        assert "3 approved" in response.content.decode()
        states = set(ValidationRequest.objects.values_list("status", flat=True))
        assert states == {RequestState.APPROVED, RequestState.REJECTED}
        decided.refresh_from_db()
        assert decided.status == RequestState.REJECTED


class TestWhoMayDecide:
    def test_partner_agent_cannot_reach_the_decision_url(self, client_for, admin_agent):
        request = PartnerRequestFactory()
        response = client_for(admin_agent).post(
            decide_url(request), {"decision": "approved", "expected_state": "submitted"}
        )
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        request.refresh_from_db()
        assert request.status == RequestState.SUBMITTED

    def test_staff_without_the_decide_permission_is_refused(self, client_for, db):
        viewer = UserFactory(partner=None, role="", is_staff=True)
        request = PartnerRequestFactory()
        response = client_for(viewer).post(
            decide_url(request), {"decision": "approved", "expected_state": "submitted"}
        )
        assert response.status_code == 403
        request.refresh_from_db()
        assert request.status == RequestState.SUBMITTED

    def test_reviewer_cannot_edit_or_delete_a_request(self, client_for, reviewer):
        request = PartnerRequestFactory()
        client = client_for(reviewer)
        client.post(change_url(request), {"status": "approved"})
        delete = reverse("admin:validation_validationrequest_delete", args=[request.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        request.refresh_from_db()
        assert request.status == RequestState.SUBMITTED


class TestCustomerRequestsInTheQueue:
    def make_customer_request(self):
        seller = UserFactory(partner=gcc_partner(), role="sales_agent")
        return services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            data=customer_request_data(seller.partner, organization_name="County of Lincoln"),
        )

    def test_queue_filters_by_kind(self, client_for, reviewer):
        PartnerRequestFactory(organization_name="A Partner Org")
        self.make_customer_request()
        page = client_for(reviewer).get(QUEUE, {"kind__exact": "customer"}).content.decode()
        assert "County of Lincoln" in page and "A Partner Org" not in page

    def test_search_by_validation_id(self, client_for, reviewer):
        request = self.make_customer_request()
        services.validation_request_decide(request_id=request.pk, decision="approved")
        code = request.validation_code.validation_id
        PartnerRequestFactory(organization_name="Unrelated Org")
        page = client_for(reviewer).get(QUEUE, {"q": code}).content.decode()
        assert "County of Lincoln" in page and "Unrelated Org" not in page

    def test_request_page_shows_the_customer_fields_and_the_code(self, client_for, reviewer):
        request = self.make_customer_request()
        client_for(reviewer).post(
            decide_url(request), {"decision": "approved", "expected_state": "submitted"}
        )
        request.refresh_from_db()
        page = client_for(reviewer).get(change_url(request)).content.decode()
        assert "lincolncounty.gov" in page
        assert "US state or local government entity" in page
        assert request.validation_code.validation_id in page
