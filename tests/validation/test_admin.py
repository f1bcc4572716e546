"""The reviewers' queue in /admin/: every action goes through validation.services."""

import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.refusals import RefusalCode
from partners.factors import OWED, USED_AT
from partners.models import Partner, ResellerQualification
from validation import services
from validation.codes import validation_code_consume
from validation.models import RequestState, ValidationCode, ValidationRequest
from validation.reviewers import REVIEWERS_GROUP, reviewer_create

from ..factories import (
    CustomerFactory,
    PartnerFactory,
    PartnerRequestFactory,
    UserFactory,
    customer_request_data,
    gcc_partner,
)
from ..refusals import refused

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
        services.validation_request_approve(request_id=done.pk)
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

    def test_the_customer_and_the_people_are_names_not_links_to_pages_refused_to_reviewers(
        self, client_for, reviewer
    ):
        request = PartnerRequestFactory(
            kind="customer", customer=CustomerFactory(company_name="County of Lincoln")
        )
        services.validation_request_assign(request_id=request.pk, actor=reviewer)
        client = client_for(reviewer)
        page = client.get(change_url(request)).content.decode()
        assert "County of Lincoln" in page and str(request.submitted_by) in page
        for refused_page in (
            reverse("admin:customers_customer_change", args=[request.customer_id]),
            reverse("admin:partners_user_change", args=[request.submitted_by_id]),
            reverse("admin:partners_user_change", args=[reviewer.pk]),
        ):
            assert refused_page not in page
            assert client.get(refused_page).status_code == 403

    @pytest.mark.parametrize("tail", ["widgets.css/", "change/widgets.css/", "change/x/"])
    def test_a_relative_asset_below_a_request_page_is_not_an_error(
        self, client_for, reviewer, tail
    ):
        """A browser asking for a relative asset below the page (the path then holds no id)
        is told the object doesn't exist, as the admin's own pages do, not answered a 500."""
        request = PartnerRequestFactory()
        page = f"{change_url(request).rsplit('change/', 1)[0]}{tail}"
        answer = client_for(reviewer).get(page, follow=True)
        assert answer.status_code == 200
        assert answer.redirect_chain[-1][0] == reverse("admin:index")
        assert "doesn’t exist" in answer.content.decode()


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

    def test_an_unknown_decision_changes_nothing(self, client_for, reviewer):
        request = PartnerRequestFactory()
        response = client_for(reviewer).post(
            decide_url(request), {"decision": "withdrawn", "note": "x"}, follow=True
        )
        assert "Unknown decision &#x27;withdrawn&#x27;." in response.content.decode()
        request.refresh_from_db()
        assert request.status == RequestState.SUBMITTED

    def test_a_stale_page_cannot_decide_twice(self, client_for, reviewer):
        request = PartnerRequestFactory()
        client = client_for(reviewer)
        stale_form = {"decision": "approved", "expected_state": "submitted"}
        services.validation_request_reject(request_id=request.pk, reason="Decided elsewhere first.")
        response = client.post(decide_url(request), stale_form, follow=True)
        assert "already rejected" in response.content.decode()
        request.refresh_from_db()
        assert request.status == RequestState.REJECTED
        assert request.events.filter(to_state=RequestState.APPROVED).count() == 0

    def test_bulk_approve_decides_open_ones_and_skips_decided(self, client_for, reviewer):
        open_ones = PartnerRequestFactory.create_batch(3)
        decided = PartnerRequestFactory()
        services.validation_request_reject(request_id=decided.pk, reason="No")
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
            intake=customer_request_data(seller.partner, organization_name="County of Lincoln"),
        )

    def test_queue_filters_by_kind(self, client_for, reviewer):
        PartnerRequestFactory(organization_name="A Partner Org")
        self.make_customer_request()
        page = client_for(reviewer).get(QUEUE, {"kind__exact": "customer"}).content.decode()
        assert "County of Lincoln" in page and "A Partner Org" not in page

    def test_search_by_validation_id(self, client_for, reviewer):
        request = self.make_customer_request()
        services.validation_request_approve(request_id=request.pk)
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


# --- The queue's columns, filters and search --------------------------------------------------


class TestQueueColumnsAndFilters:
    def test_an_indirect_resellers_request_shows_its_transacting_partner(
        self, client_for, reviewer
    ):
        provider = gcc_partner(name="Fabrikam Distribution", partner_type="indirect_provider")
        reseller = PartnerFactory(
            name="Northwind Federal",
            partner_type="indirect_provider",
        )
        Partner.objects.filter(pk=reseller.pk).update(
            partner_type="indirect_reseller", indirect_provider=provider
        )
        seller = UserFactory(partner_id=reseller.pk, role="sales_agent")
        services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(Partner.objects.get(pk=reseller.pk)),
        )
        page = client_for(reviewer).get(QUEUE).content.decode()
        assert "Fabrikam Distribution" in page and "(for Northwind Federal)" in page

    def test_due_and_overdue_read_as_one_unit(self, client_for, reviewer):
        late = PartnerRequestFactory(organization_name="Late Org")
        ValidationRequest.objects.filter(pk=late.pk).update(
            due_at=timezone.now() - timedelta(days=1, hours=3)
        )
        soon = PartnerRequestFactory(organization_name="Soon Org")
        ValidationRequest.objects.filter(pk=soon.pk).update(
            due_at=timezone.now() + timedelta(hours=5, minutes=20)
        )
        page = client_for(reviewer).get(QUEUE).content.decode()
        assert '<strong class="overdue">overdue 1\xa0day</strong>' in page
        assert '<span class="due-soon">due in 5\xa0hours</span>' in page

    def test_overdue_filter(self, client_for, reviewer):
        late = PartnerRequestFactory(organization_name="Late Org")
        ValidationRequest.objects.filter(pk=late.pk).update(due_at=timezone.now())
        PartnerRequestFactory(organization_name="On Time Org")
        page = client_for(reviewer).get(QUEUE, {"due": "overdue"}).content.decode()
        assert "Late Org" in page and "On Time Org" not in page

    def test_assigned_to_me_and_unassigned_filters(self, client_for, reviewer):
        mine = PartnerRequestFactory(organization_name="Mine Org")
        services.validation_request_assign(request_id=mine.pk, actor=reviewer)
        PartnerRequestFactory(organization_name="Nobody's Org")
        client = client_for(reviewer)
        page = client.get(QUEUE, {"assigned": "me"}).content.decode()
        assert "Mine Org" in page and "Nobody&#x27;s Org" not in page
        page = client.get(QUEUE, {"assigned": "nobody"}).content.decode()
        assert "Nobody&#x27;s Org" in page and "Mine Org" not in page

    @pytest.mark.parametrize("field", ["organization_name", "domain", "tenant_id"])
    def test_search(self, client_for, reviewer, field):
        seller = UserFactory(partner=gcc_partner(), role="sales_agent")
        wanted = services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(
                seller.partner, organization_name="Town of Lakeside", domain="lakeside.gov"
            ),
        )
        PartnerRequestFactory(organization_name="Unrelated Org")
        query = str(getattr(wanted, field)) if field != "organization_name" else "Lakeside"
        page = client_for(reviewer).get(QUEUE, {"q": query}).content.decode()
        assert "Town of Lakeside" in page and "Unrelated Org" not in page


# --- A request's page -------------------------------------------------------------------------


class TestRequestPage:
    def test_earlier_requests_from_the_same_tenant(self, client_for, reviewer, admin_agent):
        first = PartnerRequestFactory(submitted_by=admin_agent)
        services.validation_request_reject(request_id=first.pk, reason="No agency reference given.")
        ValidationRequest.objects.filter(pk=first.pk).update(
            submitted_at=timezone.now() - timedelta(days=30)
        )
        second = PartnerRequestFactory(submitted_by=admin_agent)
        PartnerRequestFactory(organization_name="Someone Else")
        page = client_for(reviewer).get(change_url(second)).content.decode()
        assert "Earlier requests from the same tenant" in page
        assert first.reference in page and "No agency reference given." in page
        assert "Someone Else" not in page
        first_page = client_for(reviewer).get(change_url(first)).content.decode()
        assert "None: this is the first request naming this tenant ID." in first_page

    def test_a_decided_request_has_no_decision_panel(self, client_for, reviewer):
        request = PartnerRequestFactory()
        services.validation_request_approve(request_id=request.pk)
        page = client_for(reviewer).get(change_url(request)).content.decode()
        assert 'value="approved"' not in page and "Assign to me" not in page
        assert "Approved: Government_community_cloud granted." in page  # the timeline

    def test_decided_by_names_the_reviewer_or_the_simulated_reviewer(self, client_for, reviewer):
        by_machine = PartnerRequestFactory()
        services.validation_request_approve(request_id=by_machine.pk)
        by_person = PartnerRequestFactory()
        client_for(reviewer).post(
            decide_url(by_person),
            {"decision": "rejected", "expected_state": "submitted", "note": "Not CSP."},
        )
        machine_page = client_for(reviewer).get(change_url(by_machine)).content.decode()
        person_page = client_for(reviewer).get(change_url(by_person)).content.decode()
        decided_by = '<div class="readonly">{}</div>'
        assert decided_by.format("Simulated reviewer (Microsoft eligibility team)") in machine_page
        assert decided_by.format(str(reviewer)) in person_page

    def test_the_decision_is_recorded_with_the_reviewers_name(self, client_for, reviewer):
        request = PartnerRequestFactory()
        client_for(reviewer).post(
            decide_url(request),
            {"decision": "rejected", "expected_state": "submitted", "note": "Not CSP."},
        )
        event = request.events.get(to_state=RequestState.REJECTED)
        assert event.actor == reviewer
        latest = request.history.latest("history_date")
        assert (latest.history_user, latest.status) == (reviewer, "rejected")

    def test_assign_to_me(self, client_for, reviewer):
        request = PartnerRequestFactory()
        client = client_for(reviewer)
        assert "Assign to me" in client.get(change_url(request)).content.decode()
        response = client.post(assign_url(request), follow=True)
        assert "The request is assigned to you." in response.content.decode()
        request.refresh_from_db()
        assert request.assigned_to == reviewer and request.assigned_at is not None
        page = client.get(change_url(request)).content.decode()
        assert "Assign to me" not in page and "Assigned to <strong>" in page
        history = request.history.latest("history_date")
        assert history.history_user == reviewer
        assert history.history_change_reason.startswith("Assigned to")

    def test_a_decided_request_cannot_be_assigned(self, client_for, reviewer):
        request = PartnerRequestFactory()
        services.validation_request_approve(request_id=request.pk)
        response = client_for(reviewer).post(assign_url(request), follow=True)
        assert "nothing left to assign" in response.content.decode()
        request.refresh_from_db()
        assert request.assigned_to is None

    def test_another_reviewer_takes_over(self, client_for, reviewer):
        other = reviewer_create(username="other@microsoft.test", email="o@m.test", password="x")
        request = PartnerRequestFactory()
        services.validation_request_assign(request_id=request.pk, actor=other)
        client_for(reviewer).post(assign_url(request))
        request.refresh_from_db()
        assert request.assigned_to == reviewer

    def test_the_history_page_shows_who_changed_what(self, client_for, reviewer):
        request = PartnerRequestFactory()
        client = client_for(reviewer)
        client.post(assign_url(request))
        client.post(
            decide_url(request),
            {"decision": "rejected", "expected_state": "submitted", "note": "Not CSP."},
        )
        history = reverse("admin:validation_validationrequest_history", args=[request.pk])
        page = client.get(history).content.decode()
        assert str(reviewer) in page
        assert "Rejected: Not CSP." in page
        version = request.history.earliest("history_date").history_id
        version_url = reverse(
            "admin:validation_validationrequest_simple_history", args=[request.pk, version]
        )
        version_page = client.get(version_url)
        assert version_page.status_code == 200
        assert "Revert" not in version_page.content.decode()  # history is audit, not undo


# --- Bulk actions -----------------------------------------------------------------------------


class TestBulkActions:
    def post_action(self, client, action, requests, **extra):
        return client.post(
            QUEUE,
            {"action": action, "_selected_action": [r.pk for r in requests], **extra},
            follow=True,
        )

    def test_bulk_approve_skips_requests_whose_checks_do_not_hold(self, client_for, reviewer):
        clean = PartnerRequestFactory()
        no_reference = PartnerRequestFactory(contract_reference="")
        response = self.post_action(client_for(reviewer), "approve_selected", [clean, no_reference])
        page = response.content.decode()
        assert "1 approved" in page and "1 skipped" in page
        assert no_reference.reference in page and "Not every eligibility check holds" in page
        no_reference.refresh_from_db()
        assert no_reference.status == RequestState.SUBMITTED

    def test_bulk_decisions_ask_for_the_second_factor_again_after_a_few_minutes(
        self, client_for, reviewer, settings
    ):
        device = TOTPDevice.objects.create(user=reviewer, name="Authenticator app")
        client = client_for(reviewer)
        session = client.session  # verified with it, longer ago than the step-up window
        session.update({DEVICE_ID_SESSION_KEY: device.persistent_id, OWED: ""})
        session[USED_AT] = time.time() - settings.GCC_MFA_STEP_UP_MINUTES * 60 - 1
        session.save()
        pending = PartnerRequestFactory()
        for action in ("approve_selected", "reject_selected"):
            asked = client.post(QUEUE, {"action": action, "_selected_action": [pending.pk]})
            assert asked.status_code == 302
            assert asked["Location"].startswith(reverse("two_step")), action
            assert "step_up=1" in asked["Location"]
        pending.refresh_from_db()
        assert pending.status == RequestState.SUBMITTED

        code = f"{totp(device.bin_key):06d}"
        confirmed = client.post(asked["Location"], {"code": code})
        assert confirmed["Location"] == QUEUE
        page = self.post_action(client, "approve_selected", [pending]).content.decode()
        assert "1 approved" in page

    def test_bulk_approve_leaves_requests_waiting_for_information(self, client_for, reviewer):
        waiting = PartnerRequestFactory()
        services.validation_request_request_info(request_id=waiting.pk, question="Agency?")
        self.post_action(client_for(reviewer), "approve_selected", [waiting])
        waiting.refresh_from_db()
        assert waiting.status == RequestState.INFO_REQUESTED

    def test_bulk_reject_asks_for_one_reason_then_rejects_the_open_ones(self, client_for, reviewer):
        open_ones = PartnerRequestFactory.create_batch(2)
        decided = PartnerRequestFactory()
        services.validation_request_approve(request_id=decided.pk)
        client = client_for(reviewer)
        selected = [*open_ones, decided]
        confirm = self.post_action(client, "reject_selected", selected)
        assert "Reason shown to the partners" in confirm.content.decode()
        assert ValidationRequest.objects.filter(status="rejected").count() == 0

        refused = self.post_action(client, "reject_selected", selected, confirm="yes", reason=" ")
        assert "needs a reason" in refused.content.decode()
        assert ValidationRequest.objects.filter(status="rejected").count() == 0

        done = self.post_action(
            client, "reject_selected", selected, confirm="yes", reason="Duplicate submissions."
        )
        page = done.content.decode()
        assert "2 rejected" in page and "1 skipped" in page
        for request in open_ones:
            request.refresh_from_db()
            assert (request.status, request.decision_reason, request.decided_by) == (
                "rejected",
                "Duplicate submissions.",
                reviewer,
            )
        decided.refresh_from_db()
        assert decided.status == "approved"

    def test_bulk_assign(self, client_for, reviewer):
        requests = PartnerRequestFactory.create_batch(2)
        self.post_action(client_for(reviewer), "assign_selected_to_me", requests)
        assert set(ValidationRequest.objects.values_list("assigned_to", flat=True)) == {reviewer.pk}

    def test_staff_without_the_decide_permission_has_no_bulk_actions(self, client_for, db):
        viewer = UserFactory(partner=None, role="", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_validationrequest"))
        request = PartnerRequestFactory()
        client_for(viewer).post(
            QUEUE, {"action": "approve_selected", "_selected_action": [request.pk]}
        )
        request.refresh_from_db()
        assert request.status == RequestState.SUBMITTED


# --- What reviewers may and may not do ----------------------------------------------------------


class TestReviewerPermissionBoundaries:
    def test_the_group_holds_no_add_change_or_delete_permission(self, reviewer):
        codenames = set(
            Group.objects.get(name=REVIEWERS_GROUP).permissions.values_list("codename", flat=True)
        )
        assert codenames and all(code.startswith(("view_", "decide_")) for code in codenames), (
            codenames
        )

    def test_reviewer_views_a_partner_read_only(self, client_for, reviewer, partner):
        client = client_for(reviewer)
        url = reverse("admin:partners_partner_change", args=[partner.pk])
        page = client.get(url)
        assert page.status_code == 200 and partner.name in page.content.decode()
        assert 'name="_save"' not in page.content.decode()
        assert client.post(url, {"name": "Renamed"}).status_code == 403
        partner.refresh_from_db()
        assert partner.name == "Contoso Government Solutions"

    @pytest.mark.parametrize(
        "url_name,args",
        [
            ("admin:partners_partner_add", []),
            ("admin:partners_partner_delete", ["partner"]),
            ("admin:partners_user_changelist", []),
            ("admin:partners_user_add", []),
            ("admin:customers_customer_changelist", []),
            ("admin:customers_customer_add", []),
            ("admin:relationships_relationshiprequest_changelist", []),
            ("admin:ops_emailnotification_changelist", []),
            ("admin:auth_group_changelist", []),
        ],
    )
    def test_reviewer_is_refused(self, client_for, reviewer, partner, url_name, args):
        url = reverse(url_name, args=[partner.pk for _ in args])
        assert client_for(reviewer).get(url).status_code == 403

    def test_reviewer_cannot_change_a_customer(self, client_for, reviewer):
        customer = CustomerFactory(company_name="County of Lincoln")
        client = client_for(reviewer)
        url = reverse("admin:customers_customer_change", args=[customer.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"company_name": "Changed"}).status_code == 403
        customer.refresh_from_db()
        assert customer.company_name == "County of Lincoln"

    def test_reviewer_cannot_change_a_validation_code_or_a_qualification(
        self, client_for, reviewer
    ):
        seller = UserFactory(partner=gcc_partner(), role="sales_agent")
        request = services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(seller.partner),
        )
        services.validation_request_approve(request_id=request.pk)
        code = ValidationCode.objects.get(request=request)
        client = client_for(reviewer)
        code_url = reverse("admin:validation_validationcode_change", args=[code.pk])
        assert client.get(code_url).status_code == 200
        client.post(code_url, {"remaining_creates": 99})
        code.refresh_from_db()
        assert code.remaining_creates == code.max_creates
        qualification = ResellerQualification.objects.get(partner=seller.partner)
        delete = reverse("admin:partners_resellerqualification_delete", args=[qualification.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert ResellerQualification.objects.filter(pk=qualification.pk).exists()

    def test_reviewer_sees_the_history_of_a_code_and_a_qualification(self, client_for, reviewer):
        seller = UserFactory(partner=gcc_partner(), role="sales_agent")
        request = services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(seller.partner),
        )
        services.validation_request_approve(request_id=request.pk)
        code = ValidationCode.objects.get(request=request)
        validation_code_consume(actor=seller, code_id=code.pk)
        client = client_for(reviewer)
        page = client.get(
            reverse("admin:validation_validationcode_history", args=[code.pk])
        ).content.decode()
        assert "One customer create used" in page and str(seller) in page
        qualification = ResellerQualification.objects.get(partner=seller.partner)
        history = reverse("admin:partners_resellerqualification_history", args=[qualification.pk])
        assert client.get(history).status_code == 200

    def test_partner_agents_never_reach_the_admin(self, client_for, admin_agent):
        response = client_for(admin_agent).get(QUEUE)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))

    def test_the_service_refuses_a_non_reviewer(self, admin_agent):
        request = PartnerRequestFactory()
        with refused(RefusalCode.NOT_A_REVIEWER):
            services.validation_request_approve(request_id=request.pk, actor=admin_agent)
        with refused(RefusalCode.NOT_A_REVIEWER):
            services.validation_request_assign(request_id=request.pk, actor=admin_agent)


def assign_url(request):
    return reverse("admin:validation_validationrequest_assign", args=[request.pk])


class TestBoundedQueries:
    def make_mixed(self, count, reviewer):
        """Partner and customer requests, some from indirect resellers, some assigned."""
        provider = gcc_partner(partner_type="indirect_provider")
        for n in range(count):
            reseller = PartnerFactory(partner_type="indirect_provider")
            Partner.objects.filter(pk=reseller.pk).update(
                partner_type="indirect_reseller", indirect_provider=provider
            )
            seller = UserFactory(partner_id=reseller.pk, role="sales_agent")
            request = services.customer_validation_submit(
                actor=seller,
                submission_key=uuid.uuid4(),
                intake=customer_request_data(
                    Partner.objects.get(pk=reseller.pk),
                    domain=f"town{n}.gov",
                    contact_email=f"it@town{n}.gov",  # one contact is capped a day
                ),
            )
            if n % 2:
                services.validation_request_assign(request_id=request.pk, actor=reviewer)
            PartnerRequestFactory()

    def test_the_queue_with_every_column_filled(
        self, client_for, reviewer, django_assert_max_num_queries
    ):
        client = client_for(reviewer)
        self.make_mixed(2, reviewer)
        with django_assert_max_num_queries(12) as small:
            assert client.get(QUEUE).status_code == 200
        self.make_mixed(25, reviewer)
        with django_assert_max_num_queries(len(small.captured_queries)):
            page = client.get(QUEUE)
        assert page.status_code == 200 and "(for " in page.content.decode()

    def test_a_requests_page_whatever_its_history(
        self, client_for, reviewer, admin_agent, django_assert_max_num_queries
    ):
        client = client_for(reviewer)
        request = PartnerRequestFactory(submitted_by=admin_agent)
        url = change_url(request)
        with django_assert_max_num_queries(25) as small:
            assert client.get(url).status_code == 200
        for _ in range(3):
            services.validation_request_request_info(
                request_id=request.pk, question="Which agency?"
            )
            services.validation_request_answer(actor=admin_agent, request=request, response="A")
        services.validation_request_assign(request_id=request.pk, actor=reviewer)
        for _ in range(15):  # earlier requests naming the same tenant ID
            earlier = PartnerRequestFactory(
                tenant_id=request.tenant_id,
                submitted_at=request.submitted_at - timedelta(days=1),
            )
            services.validation_request_reject(request_id=earlier.pk, reason="No")
        with django_assert_max_num_queries(len(small.captured_queries)):
            page = client.get(url)
        assert "All 15 in the queue" in page.content.decode()


def test_a_stale_page_cannot_approve_a_request_now_waiting_for_information(client_for, reviewer):
    request = PartnerRequestFactory()
    services.validation_request_screen(request_id=request.pk)
    shown = {"decision": "approved", "expected_state": "in_review"}  # what the page showed
    services.validation_request_request_info(
        request_id=request.pk, question="Asked by the simulated reviewer."
    )
    response = client_for(reviewer).post(decide_url(request), shown, follow=True)
    assert "already information requested; nothing was changed" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestState.INFO_REQUESTED
