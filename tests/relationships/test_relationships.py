"""Reseller relationship requests: the partner's request and email draft, the customer admin's
answer in the admin center, every way a link can fail, and the guarantees under concurrency."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import quote, urlsplit
from uuid import uuid4

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerRelationship
from lib.refusals import RefusalCode
from partners.models import PartnerType
from relationships import services as relationships
from relationships.models import RelationshipRequest, RelationshipRequestStatus
from relationships.tasks import expire_relationship_requests_task

from ..concurrency import run_together
from ..factories import (
    PASSWORD,
    CustomerAdminFactory,
    CustomerFactory,
    IndirectResellerFactory,
    PartnerFactory,
    UserFactory,
    manage,
)
from ..refusals import refused

pytestmark = pytest.mark.django_db
Status = RelationshipRequestStatus
LIST = reverse("relationships:list")
NEW = reverse("relationships:new")
HOME = reverse("admin_center:home")


@pytest.fixture
def customer_admin(db):
    return CustomerAdminFactory(
        username="cora@springfield.gov",
        first_name="Cora",
        last_name="Admin",
        customer__company_name="City of Springfield",
        customer__domain="springfieldil.onmicrosoft.com",
    )


@pytest.fixture
def second_customer_admin(db):
    return CustomerAdminFactory(
        username="ned@shelbyville.gov", customer__company_name="Shelbyville County"
    )


@pytest.fixture
def provider(db):
    return PartnerFactory(name="Fabrikam Distribution", partner_type=PartnerType.INDIRECT_PROVIDER)


@pytest.fixture
def provider_agent(provider):
    return UserFactory(partner=provider, username="alex@fabrikam.test")


def detail_url(rr) -> str:
    return reverse("relationships:detail", args=[rr.uuid])


def link_path(rr) -> str:
    return urlsplit(relationships.relationship_link(rr)).path


def invitation_path(token: str) -> str:
    return reverse("admin_center:invitation", kwargs={"token": token})


def signed(payload: dict) -> str:
    return signing.Signer(salt=relationships.LINK_SALT).sign_object(payload)


def nothing_changed(rr, status=Status.PENDING) -> None:
    rr.refresh_from_db()
    assert rr.status == status
    assert rr.answered_by is None and rr.customer is None
    assert not CustomerRelationship.objects.exists()


# --- Creating a request -------------------------------------------------------------------------


class TestCreate:
    @pytest.mark.parametrize("persona", ["admin_agent", "sales_agent", "global_admin"])
    def test_allowed_roles_create_a_request_valid_for_the_configured_days(
        self, request, persona, settings
    ):
        actor = request.getfixturevalue(persona)
        now = timezone.now()
        rr = relationships.relationship_request_create(actor=actor, now=now)
        assert rr.partner == actor.partner and rr.created_by == actor
        assert rr.status == Status.PENDING
        assert rr.created_at == now
        assert rr.expires_at == now + timedelta(days=settings.GCC_RELATIONSHIP_LINK_DAYS)
        assert settings.GCC_RELATIONSHIP_LINK_DAYS == 14

    @pytest.mark.parametrize("persona", ["admin_agent", "sales_agent", "global_admin"])
    def test_allowed_roles_post_the_form_and_land_on_the_draft(self, request, persona, client_for):
        client = client_for(request.getfixturevalue(persona))
        response = client.post(NEW)
        rr = RelationshipRequest.objects.get()
        assert response.status_code == 302
        assert response.url == detail_url(rr)

    def test_helpdesk_is_refused_by_the_service(self, helpdesk_agent):
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            relationships.relationship_request_create(actor=helpdesk_agent)
        assert not RelationshipRequest.objects.exists()

    def test_helpdesk_gets_a_page_saying_who_may(self, client_for, helpdesk_agent):
        client = client_for(helpdesk_agent)
        for response in (client.get(NEW), client.post(NEW)):
            assert response.status_code == 403
            page = response.content.decode()
            assert "Who may: Global admin, Admin agent, Sales agent" in page
            assert "Your role: Helpdesk agent" in page
        assert not RelationshipRequest.objects.exists()

    def test_the_page_explains_that_admin_rights_cannot_be_skipped(self, client_for, admin_agent):
        response = client_for(admin_agent).get(NEW)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Microsoft Cloud for US Government" in page
        assert "There is no option to request the relationship without them" in page
        assert 'name="indirect_reseller"' not in page  # a direct reseller names no one

    def test_indirect_provider_names_its_own_reseller(self, provider_agent, provider):
        own = IndirectResellerFactory(indirect_provider=provider, name="Northwind")
        rr = relationships.relationship_request_create(actor=provider_agent, indirect_reseller=own)
        assert rr.indirect_reseller == own

    def test_indirect_provider_cannot_name_another_providers_reseller(self, provider_agent):
        theirs = IndirectResellerFactory()
        with refused(RefusalCode.NOT_YOUR_RESELLER) as caught:
            relationships.relationship_request_create(
                actor=provider_agent, indirect_reseller=theirs
            )
        assert caught.value.field == "indirect_reseller"
        assert not RelationshipRequest.objects.exists()

    def test_a_direct_reseller_cannot_name_an_indirect_reseller(self, admin_agent):
        with refused(RefusalCode.NOT_A_PROVIDER) as caught:
            relationships.relationship_request_create(
                actor=admin_agent, indirect_reseller=IndirectResellerFactory()
            )
        assert caught.value.field == "indirect_reseller"

    def test_indirect_provider_form_lists_only_its_resellers(
        self, client_for, provider_agent, provider
    ):
        own = IndirectResellerFactory(indirect_provider=provider, name="Northwind Federal")
        theirs = IndirectResellerFactory(name="Someone Else's Reseller")
        client = client_for(provider_agent)
        page = client.get(NEW).content.decode()
        assert 'name="indirect_reseller"' in page and "Indirect reseller" in page
        assert "Northwind Federal" in page and "Someone Else" not in page

        refused = client.post(NEW, {"indirect_reseller": theirs.pk})
        assert refused.status_code == 400
        assert not RelationshipRequest.objects.exists()

        accepted = client.post(NEW, {"indirect_reseller": own.pk})
        assert accepted.status_code == 302
        assert RelationshipRequest.objects.get().indirect_reseller == own


# --- The email draft ----------------------------------------------------------------------------


class TestDraftPage:
    def test_the_link_is_in_the_textarea_and_the_mailto(self, client_for, admin_agent):
        rr = relationships.relationship_request_create(actor=admin_agent)
        link = relationships.relationship_link(rr)
        assert link.startswith("http://localhost:8000/admin-center/relationships/")

        page = client_for(admin_agent).get(detail_url(rr)).content.decode()
        textarea = re.search(r'<textarea[^>]*id="draft-body"[^>]*>(.*?)</textarea>', page, re.S)
        assert textarea, page
        body = unescape(textarea.group(1))
        assert link in body
        assert "Contoso Government Solutions" in body
        mailto = unescape(re.search(r'href="(mailto:[^"]*)"', page).group(1))
        assert mailto.startswith("mailto:?subject=")
        assert quote(link, safe="") in mailto
        assert f'value="{link}" readonly' in page

    def test_the_page_has_copy_buttons_a_done_button_and_no_inline_script(
        self, client_for, admin_agent
    ):
        rr = relationships.relationship_request_create(actor=admin_agent)
        page = client_for(admin_agent).get(detail_url(rr)).content.decode()
        for text in ("Copy link", "Copy email", "Open in mail app", "the link must stay"):
            assert text in page
        assert '<label class="form-label" for="draft-body">Email text</label>' in page
        assert re.search(r'<script src="/static/js/copy\.js" defer></script>', page)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # CSP: no inline script
        assert f'href="{reverse("customers:list")}">Done</a>' in page
        assert "Pending" in page

    def test_another_partners_request_is_not_found(self, client_for, admin_agent, outsider):
        rr = relationships.relationship_request_create(actor=admin_agent)
        assert client_for(outsider).get(detail_url(rr)).status_code == 404

    def test_a_past_date_request_shows_as_expired_without_the_draft(self, client_for, admin_agent):
        rr = relationships.relationship_request_create(
            actor=admin_agent, now=timezone.now() - timedelta(days=20)
        )
        page = client_for(admin_agent).get(detail_url(rr)).content.decode()
        assert "Expired" in page and "Create a new request" in page
        assert "draft-body" not in page


# --- The customer admin answers -----------------------------------------------------------------


class TestAcceptFlow:
    def test_anonymous_opens_signs_in_accepts_and_the_partner_sees_it(
        self, client, admin_agent, customer_admin
    ):
        rr = relationships.relationship_request_create(actor=admin_agent)
        path = link_path(rr)

        opened = client.get(path)
        assert opened.status_code == 200
        page = opened.content.decode()
        assert "Contoso Government Solutions wants to be your reseller" in page
        assert 'name="username"' in page and 'name="password"' in page
        assert "Admin center" in page and "GCC Partner Portal</a>" not in page

        signed_in = client.post(path, {"username": customer_admin.username, "password": PASSWORD})
        assert signed_in.status_code == 302 and signed_in.url == path

        page = client.get(path).content.decode()
        assert (
            "Contoso Government Solutions wants to be your reseller, with delegated admin rights"
            in page
        )
        assert "City of Springfield" in page
        assert 'value="accept"' in page and 'value="decline"' in page

        accepted = client.post(path, {"decision": "accept"})
        assert accepted.status_code == 302 and accepted.url == path
        confirmation = client.get(path)
        assert confirmation.status_code == 200
        assert "Contoso Government Solutions is now your reseller" in confirmation.content.decode()

        relationship = CustomerRelationship.objects.get()
        assert relationship.partner == admin_agent.partner
        assert relationship.customer == customer_admin.customer
        assert relationship.origin == CustomerRelationship.Origin.INVITATION
        assert relationship.indirect_reseller is None
        rr.refresh_from_db()
        assert rr.status == Status.ACCEPTED
        assert rr.customer == customer_admin.customer and rr.answered_by == customer_admin

        partner_client = Client()
        partner_client.force_login(admin_agent)
        listing = partner_client.get(LIST).content.decode()
        assert "Accepted" in listing and "City of Springfield" in listing
        detail = partner_client.get(detail_url(rr)).content.decode()
        assert "Accepted by" in detail and "Cora Admin" in detail

    def test_the_relationship_keeps_the_indirect_reseller(
        self, client_for, provider_agent, provider, customer_admin
    ):
        reseller = IndirectResellerFactory(indirect_provider=provider)
        rr = relationships.relationship_request_create(
            actor=provider_agent, indirect_reseller=reseller
        )
        client_for(customer_admin).post(link_path(rr), {"decision": "accept"})
        relationship = CustomerRelationship.objects.get()
        assert relationship.partner == provider and relationship.indirect_reseller == reseller

    def test_decline(self, client_for, admin_agent, customer_admin):
        rr = relationships.relationship_request_create(actor=admin_agent)
        client = client_for(customer_admin)
        response = client.post(link_path(rr), {"decision": "decline"})
        assert response.status_code == 302
        page = client.get(link_path(rr)).content.decode()
        assert "You declined Contoso Government Solutions" in page
        rr.refresh_from_db()
        assert rr.status == Status.DECLINED and rr.answered_by == customer_admin
        assert not CustomerRelationship.objects.exists()

    def test_a_wrong_password_stays_signed_out(self, client, admin_agent, customer_admin):
        rr = relationships.relationship_request_create(actor=admin_agent)
        response = client.post(
            link_path(rr), {"username": customer_admin.username, "password": "nope-nope"}
        )
        assert response.status_code == 400
        assert "Please enter a correct" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_an_already_managed_customer_is_not_duplicated(self, admin_agent, customer_admin):
        existing = manage(admin_agent.partner, customer_admin.customer)
        rr = relationships.relationship_request_create(actor=admin_agent)
        token = relationships.relationship_link_token(rr)
        accepted = relationships.relationship_request_accept(actor=customer_admin, token=token)
        assert accepted.status == Status.ACCEPTED
        assert list(CustomerRelationship.objects.all()) == [existing]

    @pytest.mark.parametrize("persona", ["admin_agent", "outsider", "reviewer"])
    def test_anyone_but_a_customer_admin_gets_403_and_nothing_changes(
        self, request, persona, client_for, admin_agent
    ):
        rr = relationships.relationship_request_create(actor=admin_agent)
        client = client_for(request.getfixturevalue(persona))
        for response in (
            client.get(link_path(rr)),
            client.post(link_path(rr), {"decision": "accept"}),
        ):
            assert response.status_code == 403
            assert "Only a global admin of the customer organization" in response.content.decode()
        nothing_changed(rr)
        with refused(RefusalCode.NOT_CUSTOMER_ADMIN):
            relationships.relationship_request_accept(
                actor=request.getfixturevalue(persona),
                token=relationships.relationship_link_token(rr),
            )
        nothing_changed(rr)

    def test_a_customer_admin_accepts_only_for_their_own_organization(
        self, client_for, admin_agent, customer_admin, second_customer_admin
    ):
        rr = relationships.relationship_request_create(actor=admin_agent)
        client_for(customer_admin).post(link_path(rr), {"decision": "accept"})

        other = Client()
        other.force_login(second_customer_admin)
        for response in (
            other.get(link_path(rr)),
            other.post(link_path(rr), {"decision": "accept"}),
        ):
            assert response.status_code == 410
            assert "already been used" in response.content.decode()
        relationship = CustomerRelationship.objects.get()
        assert relationship.customer == customer_admin.customer
        rr.refresh_from_db()
        assert rr.customer == customer_admin.customer and rr.answered_by == customer_admin


class TestLinkFailures:
    def _assert_refused(self, client, path, status, message):
        for response in (client.get(path), client.post(path, {"decision": "accept"})):
            assert response.status_code == status
            page = response.content.decode()
            assert message in page
            assert "Traceback" not in page

    def test_a_tampered_token_is_400(self, client_for, admin_agent, customer_admin):
        rr = relationships.relationship_request_create(actor=admin_agent)
        token = relationships.relationship_link_token(rr)
        tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        client = client_for(customer_admin)
        self._assert_refused(client, invitation_path(tampered), 400, "link is not valid")
        self._assert_refused(client, invitation_path("garbage"), 400, "link is not valid")
        nothing_changed(rr)
        with refused(RefusalCode.LINK_INVALID):
            relationships.relationship_request_accept(actor=customer_admin, token=tampered)

    def test_a_token_naming_another_partner_is_400(
        self, client_for, admin_agent, other_partner, customer_admin
    ):
        rr = relationships.relationship_request_create(actor=admin_agent)
        forged = signed({"r": rr.uuid.hex, "p": other_partner.pk})
        self._assert_refused(
            client_for(customer_admin), invitation_path(forged), 400, "link is not valid"
        )
        nothing_changed(rr)

    def test_an_unknown_request_is_400(self, client, admin_agent):
        token = signed({"r": uuid4().hex, "p": admin_agent.partner_id})
        self._assert_refused(client, invitation_path(token), 400, "link is not valid")
        assert "Sign in" not in client.get(invitation_path(token)).content.decode()

    def test_an_expired_link_is_410_and_marked_expired(self, client, admin_agent, customer_admin):
        rr = relationships.relationship_request_create(
            actor=admin_agent, now=timezone.now() - timedelta(days=15)
        )
        self._assert_refused(
            client,
            link_path(rr),
            410,
            "This invitation link has expired. Ask Contoso Government Solutions to send a new one.",
        )
        nothing_changed(rr, status=Status.EXPIRED)
        client.force_login(customer_admin)
        self._assert_refused(client, link_path(rr), 410, "has expired")
        nothing_changed(rr, status=Status.EXPIRED)

    def test_the_link_works_until_its_last_moment(self, admin_agent, customer_admin):
        rr = relationships.relationship_request_create(actor=admin_agent)
        token = relationships.relationship_link_token(rr)
        with refused(RefusalCode.LINK_EXPIRED):
            relationships.relationship_request_accept(
                actor=customer_admin, token=token, now=rr.expires_at + timedelta(seconds=1)
            )
        rr.status = Status.PENDING
        rr.save()
        accepted = relationships.relationship_request_accept(
            actor=customer_admin, token=token, now=rr.expires_at
        )
        assert accepted.status == Status.ACCEPTED

    @pytest.mark.parametrize("first", ["accept", "decline"])
    def test_a_used_link_is_410(
        self, first, client_for, admin_agent, customer_admin, second_customer_admin
    ):
        rr = relationships.relationship_request_create(actor=admin_agent)
        client = client_for(customer_admin)
        client.post(link_path(rr), {"decision": first})
        rr.refresh_from_db()
        answered = rr.status
        relationships_before = CustomerRelationship.objects.count()

        client.force_login(second_customer_admin)
        word = "accepted" if first == "accept" else "declined"
        self._assert_refused(client, link_path(rr), 410, f"the request was {word} on")
        client.logout()
        self._assert_refused(client, link_path(rr), 410, "already been used")
        rr.refresh_from_db()
        assert rr.status == answered and rr.answered_by == customer_admin
        assert CustomerRelationship.objects.count() == relationships_before
        with refused(RefusalCode.LINK_USED):
            relationships.relationship_request_accept(
                actor=second_customer_admin, token=relationships.relationship_link_token(rr)
            )


# --- The admin center and who lands where -------------------------------------------------------


class TestAdminCenter:
    def test_home_shows_the_organization_and_its_partners(
        self, client_for, admin_agent, customer_admin
    ):
        rr = relationships.relationship_request_create(actor=admin_agent)
        client = client_for(customer_admin)
        client.post(link_path(rr), {"decision": "accept"})
        page = client.get(HOME).content.decode()
        customer = customer_admin.customer
        assert customer.company_name in page
        assert str(customer.tenant_id) in page and customer.domain in page
        assert "Contoso Government Solutions" in page

    @pytest.mark.parametrize("persona", ["admin_agent", "reviewer"])
    def test_home_is_403_for_anyone_else(self, request, persona, client_for):
        response = client_for(request.getfixturevalue(persona)).get(HOME)
        assert response.status_code == 403

    def test_anonymous_home_goes_to_sign_in(self, client):
        response = client.get(HOME)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_a_customer_admin_on_a_partner_page_lands_in_the_admin_center(
        self, client_for, customer_admin
    ):
        client = client_for(customer_admin)
        for path in (reverse("home"), LIST, reverse("customers:list")):
            response = client.get(path)
            assert response.status_code == 302 and response.url == HOME

    def test_reviewers_still_go_to_the_admin(self, client_for, reviewer):
        response = client_for(reviewer).get(reverse("home"))
        assert response.status_code == 302 and response.url == reverse("admin:index")

    def test_the_navigation_offers_the_request(self, client_for, admin_agent, helpdesk_agent):
        page = client_for(admin_agent).get(reverse("home")).content.decode()
        assert f'href="{NEW}">Request a reseller relationship</a>' in page
        assert f'href="{LIST}">Relationship requests</a>' in page
        page = client_for(helpdesk_agent).get(reverse("home")).content.decode()
        assert f'href="{NEW}"' not in page


# --- Lists, isolation, expiry -------------------------------------------------------------------


class TestListAndExpiry:
    def test_the_list_shows_only_the_partners_own_requests(self, client_for, admin_agent, outsider):
        mine = relationships.relationship_request_create(actor=admin_agent)
        theirs = relationships.relationship_request_create(actor=outsider)
        page = client_for(outsider).get(LIST).content.decode()
        assert detail_url(theirs) in page and detail_url(mine) not in page
        assert list(relationships.relationship_request_list(actor=outsider)) == [theirs]
        with pytest.raises(RelationshipRequest.DoesNotExist):
            relationships.relationship_request_get(actor=outsider, uuid=mine.uuid)

    def test_the_list_has_the_request_button(self, client_for, sales_agent):
        page = client_for(sales_agent).get(LIST).content.decode()
        assert "Request a reseller relationship" in page

    def test_expire_marks_only_past_date_pending_requests_and_is_idempotent(
        self, admin_agent, customer_admin
    ):
        now = timezone.now()
        past = relationships.relationship_request_create(
            actor=admin_agent, now=now - timedelta(days=15)
        )
        current = relationships.relationship_request_create(actor=admin_agent, now=now)
        answered = relationships.relationship_request_create(
            actor=admin_agent, now=now - timedelta(days=13)
        )
        relationships.relationship_request_accept(
            actor=customer_admin, token=relationships.relationship_link_token(answered)
        )
        RelationshipRequest.objects.filter(pk=answered.pk).update(
            expires_at=now - timedelta(days=1)
        )

        assert relationships.relationship_requests_expire(now=now) == 1
        assert relationships.relationship_requests_expire(now=now) == 0
        statuses = {rr.pk: rr.status for rr in RelationshipRequest.objects.all()}
        assert statuses == {
            past.pk: Status.EXPIRED,
            current.pk: Status.PENDING,
            answered.pk: Status.ACCEPTED,
        }

    @pytest.mark.parametrize("count", [3, 60])
    def test_the_list_page_runs_a_bounded_number_of_queries(
        self, count, client_for, admin_agent, django_assert_max_num_queries
    ):
        now = timezone.now()
        customers = [CustomerFactory() for _ in range(3)]
        RelationshipRequest.objects.bulk_create(
            [
                RelationshipRequest(
                    partner=admin_agent.partner,
                    created_by=admin_agent,
                    created_at=now - timedelta(minutes=i),
                    expires_at=now + timedelta(days=14 - i),
                    status=Status.ACCEPTED if i % 3 == 0 else Status.PENDING,
                    customer=customers[i % 3] if i % 3 == 0 else None,
                    answered_by=admin_agent if i % 3 == 0 else None,
                    answered_at=now if i % 3 == 0 else None,
                )
                for i in range(count)
            ]
        )
        client = client_for(admin_agent)
        with django_assert_max_num_queries(8):
            response = client.get(LIST)
        assert response.status_code == 200
        assert response.content.decode().count("relationships/") >= min(count, 25)


# --- Concurrency --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_admins_accepting_the_same_link_at_once_make_one_relationship(
    admin_agent, customer_admin, second_customer_admin
):
    rr = relationships.relationship_request_create(actor=admin_agent)
    token = relationships.relationship_link_token(rr)

    outcomes = run_together(
        lambda: relationships.relationship_request_accept(actor=customer_admin, token=token),
        lambda: relationships.relationship_request_accept(actor=second_customer_admin, token=token),
    )

    winners = [value for kind, value in outcomes if kind == "ok"]
    losers = [value for kind, value in outcomes if kind == "error"]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and losers[0].code == RefusalCode.LINK_USED, outcomes
    relationship = CustomerRelationship.objects.get()
    rr.refresh_from_db()
    assert rr.status == Status.ACCEPTED
    assert relationship.customer_id == rr.customer_id == winners[0].customer_id


def test_the_hourly_beat_task_expires_past_date_requests(admin_agent):
    old = relationships.relationship_request_create(
        actor=admin_agent, now=timezone.now() - timedelta(days=30)
    )
    fresh = relationships.relationship_request_create(actor=admin_agent)
    assert expire_relationship_requests_task() == 1
    statuses = dict(RelationshipRequest.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "expired", fresh.pk: "pending"}
