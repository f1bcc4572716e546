"""The isolation sweep's world: partner A with one of everything, partner B with its own agents.

The world is built once per module inside an outer transaction that is rolled back at the end;
each test runs in its own savepoint inside it (pytest-django's ``db``), so a test that changes
something (revokes a token, answers a request) leaves the world as it was for the next one.
"""

import importlib
import uuid
from dataclasses import dataclass, field

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken
from api.services import api_token_create, token_hash
from customers import services as customer_services
from customers.models import Customer
from customers.services import CustomerDetails
from orders.carts import CartItem, cart_create
from orders.models import Cart, Offer, Order, Subscription
from orders.services import CartLine, order_place, order_provision
from partners.models import Partner, ResellerQualification, Role, User
from relationships import services as relationships
from relationships.models import RelationshipRequest
from validation import services as validation_services
from validation.models import ValidationCode, ValidationRequest
from validation.reviewers import reviewer_create

from ..factories import (
    PASSWORD,
    CustomerAdminFactory,
    CustomerFactory,
    PartnerRequestFactory,
    UserFactory,
    customer_details,
    customer_request_data,
    gcc_partner,
    manage,
)

load_catalog = importlib.import_module("orders.migrations.0002_load_catalog")

E3 = "Office 365 E3"


@dataclass
class Side:
    """One partner and its agents (one of each role) and their API tokens (raw values)."""

    partner: Partner
    agents: dict[str, User]
    tokens: dict[str, str]

    @property
    def global_admin(self) -> User:
        return self.agents[Role.GLOBAL_ADMIN]


@dataclass
class World:
    a: Side
    b: Side
    # Partner A's objects
    customer: Customer  # commercial, with an order, a subscription and an open validation request
    gcc_customer: Customer  # qualified with A's validation code
    validation_request: ValidationRequest  # waiting for the customer contact's answer
    partner_request: ValidationRequest
    code: ValidationCode
    order: Order
    subscription: Subscription
    cart: Cart
    relationship_request: RelationshipRequest
    api_token: ApiToken  # A's global admin's token (its id is in a URL)
    answer_token: str  # the contact's answer link for ``validation_request``
    invitation_token: str  # the reseller relationship link of ``relationship_request``
    # Partner B's own objects (for URLs that mix B's ids with A's)
    b_customer: Customer
    # A customer both partners manage (B's invitation accepted after A created it): B may see
    # the customer, never A's orders, subscriptions or requests for it.
    shared_customer: Customer
    shared_order: Order
    shared_subscription: Subscription
    # Outside both partners
    customer_admin: User  # a global admin of A's customer (the admin-center side)
    customer_admin_token: str  # a raw token stored for the customer admin (never valid)
    reviewer: User
    superuser: User
    # An authenticator app of one of A's users (not an agent the sweep signs in as: a user with
    # a factor is held at the two-step page)
    authenticator: TOTPDevice | None = None
    markers: dict[str, str] = field(default_factory=dict)

    def leaks(self, text: str, *, sent: str = "") -> list[str]:
        """Partner A's markers found in ``text`` (markers the request itself carried excepted,
        since a page may echo its own URL)."""
        return sorted(
            name for name, value in self.markers.items() if value in text and value not in sent
        )


def _side(name: str) -> Side:
    partner = gcc_partner(name=name)
    slug = name.split()[0].lower()
    agents = {
        role: UserFactory(partner=partner, role=role, username=f"{role}@{slug}.test")
        for role in Role
    }
    tokens = {
        role: api_token_create(actor=agent, name=f"{slug} {role}").raw
        for role, agent in agents.items()
    }
    return Side(partner=partner, agents=agents, tokens=tokens)


def _customer_data(prefix: str, company: str) -> CustomerDetails:
    return customer_details(
        prefix,
        company_name=company,
        address_line="1 Civic Plaza",
        city="Springfield",
        state="IL",
        postal_code="62701",
        contact_name="Casey Contact",
        contact_email=f"it@{prefix}.example.gov",
        contact_phone="+1 217 555 0100",
    )


def build_world() -> World:
    if not Offer.objects.exists():  # a transactional test elsewhere may have flushed it
        load_catalog.load(django_apps, schema_editor=None)
    a = _side("Alphaisol Federal Partners")
    b = _side("Bravoisol Government Resellers")
    a_sales = a.agents[Role.SALES_AGENT]

    customer = customer_services.customer_create(
        actor=a_sales, details=_customer_data("alphaisolcounty", "Alphaisol County Clerk")
    )
    validation_request = validation_services.customer_validation_submit(
        actor=a_sales,
        submission_key=uuid.uuid4(),
        customer=customer,
        intake=customer_request_data(
            a.partner,
            organization_name="Alphaisol County Clerk",
            domain="alphaisolcounty.gov",
            contact_email="clerk@alphaisolcounty.gov",
        ),
    )
    validation_services.validation_request_request_info(
        request_id=validation_request.pk, question="Which agency funds the Alphaisol tenant?"
    )
    validation_request.refresh_from_db()

    coded = validation_services.customer_validation_submit(
        actor=a_sales,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(
            a.partner, organization_name="Alphaisol Water District", domain="alphaisolwater.gov"
        ),
    )
    validation_services.validation_request_approve(request_id=coded.pk)
    coded.refresh_from_db()
    code = coded.validation_code
    gcc_customer = customer_services.customer_create(
        actor=a_sales,
        details=_customer_data("alphaisolwater", "Alphaisol Water District"),
        qualification="GovernmentCommunityCloud",
        validation_code_id=code.pk,
    )
    partner_request = PartnerRequestFactory(
        submitted_by=a.agents[Role.ADMIN_AGENT], organization_name="Alphaisol Partner Request"
    )

    offer = Offer.objects.get(name=E3)
    order = order_place(
        actor=a_sales,
        customer=customer,
        lines=[CartLine(offer.offer_id, 7)],
        submission_key=uuid.uuid4(),
    )
    order_provision(order_id=order.pk)
    subscription = Subscription.objects.get(customer=customer)
    cart = cart_create(actor=a_sales, customer=customer, items=[CartItem(offer.offer_id, 2)])

    relationship_request = relationships.relationship_request_create(actor=a_sales)
    api_token = ApiToken.objects.filter(agent=a.global_admin).get()

    b_customer = CustomerFactory(company_name="Bravoisol Harbor Authority")
    manage(b.partner, b_customer)

    shared_customer = customer_services.customer_create(
        actor=a_sales, details=_customer_data("sharedisolport", "Sharedisol Port Authority")
    )
    shared_order = order_place(
        actor=a_sales,
        customer=shared_customer,
        lines=[CartLine(offer.offer_id, 9)],
        submission_key=uuid.uuid4(),
    )
    order_provision(order_id=shared_order.pk)
    shared_subscription = Subscription.objects.get(customer=shared_customer)
    shared_subscription.friendly_name = "Alphaisol seats at the port"
    shared_subscription.save(update_fields=["friendly_name"])
    invitation = relationships.relationship_request_create(actor=b.agents[Role.SALES_AGENT])
    relationships.relationship_request_accept(
        actor=CustomerAdminFactory(customer=shared_customer, username="admin@sharedisol.gov"),
        token=relationships.relationship_link_token(invitation),
    )

    customer_admin = CustomerAdminFactory(customer=customer, username="admin@alphaisolcounty.gov")
    # api_token_create refuses non-partner users; store one directly to prove the API refuses it.
    customer_admin_token = "gcc_customer-admin-" + uuid.uuid4().hex
    ApiToken.objects.create(
        agent=customer_admin,
        name="customer admin",
        token_hash=token_hash(customer_admin_token),
        prefix=customer_admin_token[:12],
        created_at=timezone.now(),
    )
    reviewer = reviewer_create(
        username="reviewer@microsoft.test", email="reviewer@microsoft.test", password=PASSWORD
    )
    superuser = User.objects.create_superuser("ops@gccportal.test", "ops@gccportal.test", PASSWORD)
    enrolled = UserFactory(partner=a.partner, role=Role.ADMIN_AGENT, username="enrolled@alpha.test")
    authenticator = TOTPDevice.objects.create(user=enrolled, name="Authenticator app")

    world = World(
        a=a,
        b=b,
        customer=customer,
        gcc_customer=gcc_customer,
        validation_request=validation_request,
        partner_request=partner_request,
        code=code,
        order=order,
        subscription=subscription,
        cart=cart,
        relationship_request=relationship_request,
        api_token=api_token,
        answer_token=validation_services.answer_link_token(validation_request),
        invitation_token=relationships.relationship_link_token(relationship_request),
        b_customer=b_customer,
        shared_customer=shared_customer,
        shared_order=shared_order,
        shared_subscription=shared_subscription,
        customer_admin=customer_admin,
        customer_admin_token=customer_admin_token,
        reviewer=reviewer,
        superuser=superuser,
        authenticator=authenticator,
    )
    world.markers = {
        "A partner name": a.partner.name,
        "A partner tenant": str(a.partner.tenant_id),
        "A customer name": customer.company_name,
        "A customer uuid": str(customer.uuid),
        "A customer tenant": str(customer.tenant_id),
        "A customer domain": customer.domain,
        "A GCC customer name": gcc_customer.company_name,
        "A GCC customer uuid": str(gcc_customer.uuid),
        "A GCC customer tenant": str(gcc_customer.tenant_id),
        "A validation request uuid": str(validation_request.uuid),
        "A validation request question": validation_request.info_request_message,
        "A validation request submission key": str(validation_request.submission_key),
        "A partner request uuid": str(partner_request.uuid),
        "A partner request org": partner_request.organization_name,
        "A order uuid": str(order.uuid),
        "A order submission key": str(order.submission_key),
        "A subscription uuid": str(subscription.uuid),
        "A relationship request uuid": str(relationship_request.uuid),
        "A invitation token": world.invitation_token,
        "A answer token": world.answer_token,
        "A token prefix": api_token.prefix,
        "A validation code id": code.validation_id,
        "A sales agent": a_sales.username,
        "A sales agent public id": str(a_sales.public_id),
        "A order on the shared customer": str(shared_order.uuid),
        "A subscription on the shared customer": str(shared_subscription.uuid),
        "A subscription name on the shared customer": shared_subscription.friendly_name,
    }
    # The world must be what the tests think it is.
    assert ResellerQualification.objects.filter(partner=b.partner).exists()
    assert Group.objects.filter(user=reviewer).exists()
    assert validation_request.status == "info_requested"
    assert gcc_customer.special_qualifications.filter(validation_code=code).exists()
    assert set(shared_customer.relationships.values_list("partner", flat=True)) == {
        a.partner.pk,
        b.partner.pk,
    }
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def pytest_terminal_summary(terminalreporter):
    """How many URL patterns the sweep walked (quotable)."""
    from .test_isolation import sweep_counts

    counts = sweep_counts()
    terminalreporter.write_line(
        f"isolation sweep: {counts['total']} URL patterns "
        f"(portal {counts['portal']}, /v1/ {counts['/v1/']}, admin {counts['admin']})"
    )
