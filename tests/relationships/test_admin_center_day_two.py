"""The customer admin center on day two (issue 17): the organization's special qualifications
and pending GCC requests, and its global admin removing a partner."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerRelationship
from lib.refusals import RefusalCode
from orders.models import Subscription, SubscriptionStatus
from partners.models import Role
from relationships import services as relationships
from validation import services as validation_services
from validation.models import SpecialQualification

from ..customers.test_customer_day_two import active_subscription
from ..factories import (
    CustomerAdminFactory,
    CustomerFactory,
    UserFactory,
    customer_request_data,
    gcc_partner,
    manage,
)
from ..orders.conftest import offer_catalog  # noqa: F401 -- the catalog, for orders
from ..refusals import refused

pytestmark = pytest.mark.django_db
HOME = reverse("admin_center:home")


@pytest.fixture
def partners():
    return gcc_partner(name="Tailspin Federal"), gcc_partner(name="Wingtip Gov")


@pytest.fixture
def customer(partners):
    customer = CustomerFactory(company_name="County of Lincoln", domain="lincoln.onmicrosoft.com")
    for partner in partners:
        manage(partner, customer)
    return customer


@pytest.fixture
def customer_admin(customer):
    return CustomerAdminFactory(customer=customer, username="admin@lincoln.test")


def remove_url(partner):
    return reverse("admin_center:partner_remove", args=[partner.tenant_id])


class TestHome:
    def test_shows_the_partners_with_a_remove_button_each(
        self, client_for, customer_admin, partners
    ):
        body = client_for(customer_admin).get(HOME).content.decode()
        for partner in partners:
            assert partner.name in body and remove_url(partner) in body
        assert "GCC validation: not validated" in body

    def test_shows_gcc_held(self, client_for, customer_admin, customer):
        SpecialQualification.objects.create(
            customer=customer, qualification="GovernmentCommunityCloud", granted_at=timezone.now()
        )
        body = client_for(customer_admin).get(HOME).content.decode()
        assert body.count("Government Community Cloud") >= 1

    def test_shows_a_pending_request_and_who_submitted_it(
        self, client_for, customer_admin, customer, partners
    ):
        seller = UserFactory(partner=partners[0], role=Role.SALES_AGENT)
        request = validation_services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(partners[0]),
            customer=customer,
        )
        body = client_for(customer_admin).get(HOME).content.decode()
        assert "GCC validation: pending" in body
        assert request.reference in body and "Tailspin Federal" in body


class TestRemovePartner:
    def test_confirm_then_remove_one_partner(self, client_for, customer_admin, partners, customer):
        client = client_for(customer_admin)
        tailspin, wingtip = partners
        page = client.get(remove_url(tailspin))
        assert page.status_code == 200
        assert "stay active, and billed, until they are cancelled" in page.content.decode()
        done = client.post(remove_url(tailspin))
        assert done.status_code == 302 and done["Location"] == HOME
        assert list(
            CustomerRelationship.objects.filter(customer=customer).values_list("partner", flat=True)
        ) == [wingtip.pk]
        home = client.get(HOME).content.decode()
        assert "Tailspin Federal no longer manages your organization" in home
        # The partner's list no longer has it; its pages are a 404 for the partner.
        agent = UserFactory(partner=tailspin, role=Role.GLOBAL_ADMIN)
        client.force_login(agent)
        assert "County of Lincoln" not in client.get(reverse("customers:list")).content.decode()
        detail = reverse("customers:detail", args=[customer.uuid])
        assert client.get(detail).status_code == 404

    def test_allowed_with_active_subscriptions_which_stay(
        self, client_for, customer_admin, partners, customer
    ):
        seller = UserFactory(partner=partners[0], role=Role.SALES_AGENT)
        subscription = active_subscription(seller, customer)
        relationships.customer_partner_remove(
            actor=customer_admin, partner_tenant_id=partners[0].tenant_id
        )
        subscription.refresh_from_db()
        assert subscription.status == SubscriptionStatus.ACTIVE
        assert Subscription.objects.filter(pk=subscription.pk).exists()
        assert not CustomerRelationship.objects.filter(partner=partners[0]).exists()

    def test_a_partner_that_does_not_manage_it_is_a_404(self, client_for, customer_admin):
        stranger = gcc_partner(name="Stranger Co")
        manage(stranger, CustomerFactory())  # manages someone else
        client = client_for(customer_admin)
        assert client.get(remove_url(stranger)).status_code == 404
        assert client.post(remove_url(stranger)).status_code == 404
        assert CustomerRelationship.objects.filter(partner=stranger).count() == 1
        with refused(RefusalCode.NOT_YOUR_PARTNER):
            relationships.customer_partner_remove(
                actor=customer_admin, partner_tenant_id=stranger.tenant_id
            )
        with refused(RefusalCode.NOT_YOUR_PARTNER):
            relationships.customer_partner_remove(actor=customer_admin, partner_tenant_id="nope")

    def test_another_organization_s_admin_cannot_remove_its_partner(
        self, client_for, partners, customer
    ):
        other_admin = CustomerAdminFactory(username="admin@elsewhere.test")
        client = client_for(other_admin)
        assert client.get(remove_url(partners[0])).status_code == 404
        assert client.post(remove_url(partners[0])).status_code == 404
        assert CustomerRelationship.objects.filter(customer=customer).count() == 2

    def test_partner_agents_are_refused(self, client_for, partners, customer):
        agent = UserFactory(partner=partners[0], role=Role.GLOBAL_ADMIN)
        client = client_for(agent)
        assert client.get(remove_url(partners[0])).status_code == 403
        assert client.post(remove_url(partners[0])).status_code == 403
        with refused(RefusalCode.NOT_CUSTOMER_ADMIN):
            relationships.customer_partner_remove(
                actor=agent, partner_tenant_id=partners[0].tenant_id
            )
        assert CustomerRelationship.objects.filter(customer=customer).count() == 2

    def test_anonymous_is_sent_to_sign_in(self, client, partners, customer):
        response = client.post(remove_url(partners[0]))
        assert response.status_code == 302 and "/login" in response["Location"]
        assert CustomerRelationship.objects.filter(customer=customer).count() == 2
