"""The order service: the gate (each refusal), bounds, idempotency, billing, provisioning."""

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from lib.refusals import RefusalCode
from orders import eligibility, services
from orders.models import Offer, Order, OrderStatus, Subscription
from orders.services import CartLine
from partners.models import PartnerType, Role

from ..emails import send_recorded
from ..factories import PartnerFactory, UserFactory, customer_details, gcc_partner
from ..refusals import refused
from .conftest import ADVANCED_COMMUNICATIONS, E3, G3, approved_code, managed_customer

pytestmark = pytest.mark.django_db


def offer(name) -> Offer:
    return Offer.objects.get(name=name)


def line(name, quantity=10) -> CartLine:
    return CartLine(offer(name).offer_id, quantity)


def place(actor, customer, *lines, key=None):
    return services.order_place(
        actor=actor, customer=customer, lines=list(lines), submission_key=key or uuid.uuid4()
    )


class TestTheGate:
    def test_a_gcc_customer_of_a_gcc_partner_buys_gcc_offers(self, seller, gcc_customer):
        order = place(seller, gcc_customer, line(G3, 25))
        assert [(ln.offer.name, ln.quantity) for ln in order.lines.all()] == [(G3, 25)]
        assert order.status == OrderStatus.PENDING

    def test_dynamics_ems_and_power_bi_government_need_no_other_validation(
        self, seller, gcc_customer
    ):
        names = [
            "Dynamics 365 Sales Enterprise for Government",
            "Enterprise Mobility + Security E3 for Government",
            "Power BI Pro for Government (GCC)",
        ]
        order = place(seller, gcc_customer, *[line(n) for n in names])
        assert order.lines.count() == 3

    def test_a_gcc_offer_for_an_unvalidated_customer_is_refused(self, seller, commercial_customer):
        with refused(RefusalCode.CUSTOMER_NOT_GCC):
            place(seller, commercial_customer, line(G3))
        assert not Order.objects.exists()

    def test_a_gcc_customer_is_sold_gcc_offers_only(self, seller, gcc_customer):
        with refused(RefusalCode.GCC_CUSTOMER_COMMERCIAL_OFFER):
            place(seller, gcc_customer, line(G3), line(E3))
        assert not Order.objects.exists()

    def test_a_partner_without_gcc_cannot_order_gcc_offers(self, admin_agent):
        customer = managed_customer(admin_agent.partner, gcc=True)
        with refused(RefusalCode.PARTNER_NOT_GCC):
            place(admin_agent, customer, line(G3))

    def test_an_indirect_reseller_orders_gcc_while_its_provider_holds_it(self):
        provider = gcc_partner(partner_type=PartnerType.INDIRECT_PROVIDER)
        reseller = PartnerFactory(
            partner_type=PartnerType.INDIRECT_RESELLER, indirect_provider=provider
        )
        agent = UserFactory(partner=reseller, role=Role.SALES_AGENT)
        customer = managed_customer(reseller, gcc=True)
        order = place(agent, customer, line(G3))
        assert (order.partner, order.billing_partner) == (reseller, provider)

    def test_a_direct_reseller_is_its_own_billing_partner(self, seller, gcc_customer):
        assert place(seller, gcc_customer, line(G3)).billing_partner == seller.partner

    def test_an_addon_needs_a_base_suite(self, seller, gcc_customer):
        with refused(RefusalCode.ADDON_NEEDS_BASE):
            place(seller, gcc_customer, line(ADVANCED_COMMUNICATIONS))

    def test_an_addon_with_its_base_in_the_same_order(self, seller, gcc_customer):
        assert place(seller, gcc_customer, line(G3), line(ADVANCED_COMMUNICATIONS)).pk

    def test_an_addon_for_a_customer_who_owns_a_base(self, seller, gcc_customer):
        services.order_provision(order_id=place(seller, gcc_customer, line(G3)).pk)
        assert place(seller, gcc_customer, line(ADVANCED_COMMUNICATIONS)).pk

    def test_a_retired_offer_is_refused(self, seller, gcc_customer):
        Offer.objects.filter(name=G3).update(is_active=False)
        with refused(RefusalCode.OFFER_RETIRED):
            place(seller, gcc_customer, line(G3))

    def test_gate_reasons_are_one_table(self):
        context = eligibility.PurchaseContext(partner_holds_gcc=True, customer_is_gcc=False)
        refusal = eligibility.offer_refusal(offer(G3), context)
        assert (refusal.code, refusal.message) == (
            RefusalCode.CUSTOMER_NOT_GCC,
            eligibility.CUSTOMER_NOT_GCC,
        )


class TestBadInput:
    @pytest.mark.parametrize("quantity", [0, -1, 10001, 10**9])
    def test_quantities_outside_the_bounds(self, seller, gcc_customer, quantity):
        with refused(RefusalCode.QUANTITY_OUT_OF_BOUNDS):
            place(seller, gcc_customer, line(G3, quantity))
        assert not Order.objects.exists()

    def test_an_empty_cart(self, seller, gcc_customer):
        with refused(RefusalCode.EMPTY_CART):
            place(seller, gcc_customer)

    def test_an_unknown_offer(self, seller, gcc_customer):
        with refused(RefusalCode.UNKNOWN_OFFER):
            place(seller, gcc_customer, CartLine("nope", 1))

    def test_the_same_offer_twice(self, seller, gcc_customer):
        with refused(RefusalCode.DUPLICATE_OFFER):
            place(seller, gcc_customer, line(G3), line(G3))

    def test_another_partners_customer(self, seller, outsider):
        customer = managed_customer(outsider.partner, gcc=True)
        with refused(RefusalCode.NOT_YOUR_CUSTOMER):
            place(seller, customer, line(G3))

    def test_a_helpdesk_agent_cannot_order(self, seller, gcc_customer):
        helpdesk = UserFactory(partner=seller.partner, role=Role.HELPDESK_AGENT)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            place(helpdesk, gcc_customer, line(G3))


class TestIdempotency:
    def test_the_same_order_submitted_twice_is_one_order(self, seller, gcc_customer):
        key = uuid.uuid4()
        first = place(seller, gcc_customer, line(G3), key=key)
        again = place(seller, gcc_customer, line(G3), key=key)
        assert first.pk == again.pk and Order.objects.count() == 1


class TestProvisioning:
    def test_creates_one_subscription_per_line_and_completes(self, seller, gcc_customer):
        order = place(seller, gcc_customer, line(G3, 25), line(ADVANCED_COMMUNICATIONS, 5))
        assert services.order_provision(order_id=order.pk) is True
        order.refresh_from_db()
        assert order.status == OrderStatus.COMPLETED and order.completed_at
        subs = {
            (s.friendly_name, s.quantity, s.term, s.status)
            for s in gcc_customer.subscriptions.all()
        }
        assert subs == {(G3, 25, "P1Y", "active"), (ADVANCED_COMMUNICATIONS, 5, "P1Y", "active")}

    def test_the_agent_who_ordered_is_emailed_once_with_the_subscriptions(
        self, seller, gcc_customer
    ):
        order = place(seller, gcc_customer, line(G3, 25), line(ADVANCED_COMMUNICATIONS, 1))
        assert send_recorded("order_completed") == []  # nothing before it is provisioned
        services.order_provision(order_id=order.pk)
        services.order_provision(order_id=order.pk)
        [email] = send_recorded("order_completed")
        assert email.to == [seller.email]
        assert gcc_customer.company_name in email.subject and "2 subscriptions" in email.subject
        assert f"- {G3}: {G3}, 25 licences" in email.body
        assert f"{ADVANCED_COMMUNICATIONS}, 1 licence\n" in email.body
        assert f"/customers/{gcc_customer.uuid}/orders/{order.uuid}/" in email.body
        html, _ = email.alternatives[0]
        assert "<li>" in html and gcc_customer.company_name in html

    def test_provisioning_twice_changes_nothing(self, seller, gcc_customer):
        order = place(seller, gcc_customer, line(G3))
        services.order_provision(order_id=order.pk)
        assert services.order_provision(order_id=order.pk) is False
        assert Subscription.objects.count() == 1

    def test_a_crash_mid_provisioning_leaves_the_order_to_be_done_once(self, seller, gcc_customer):
        order = place(seller, gcc_customer, line(G3), line(ADVANCED_COMMUNICATIONS))

        class WorkerDied(Exception):
            pass

        with pytest.raises(WorkerDied), transaction.atomic():
            services.order_provision(order_id=order.pk)
            raise WorkerDied  # the transaction never commits, as when a worker is killed
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING and not Subscription.objects.exists()
        assert services.order_provision(order_id=order.pk) is True
        assert Subscription.objects.count() == 2

    def test_the_sweep_provisions_orders_whose_task_was_lost(self, seller, gcc_customer):
        old = place(seller, gcc_customer, line(G3))
        fresh = place(seller, gcc_customer, line("Office 365 G5 GCC"))
        Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=5))
        assert services.orders_sweep_pending() == [old.pk]
        fresh.refresh_from_db()
        assert fresh.status == OrderStatus.PENDING


class TestNewCustomerWithOrder:
    def create(self, actor, code, *lines, key=None, prefix="lincolncounty"):
        return services.order_place_for_new_customer(
            actor=actor,
            customer=customer_details(prefix),
            qualification="GovernmentCommunityCloud",
            validation_code_id=code.pk,
            lines=list(lines),
            submission_key=key or uuid.uuid4(),
        )

    def test_customer_and_order_are_created_together(self, seller):
        code = approved_code(seller)
        order = self.create(seller, code, line(G3))
        assert order.customer.special_qualifications.get().validation_code == code
        code.refresh_from_db()
        assert code.remaining_creates == code.max_creates - 1

    def test_a_refused_order_creates_no_customer_and_uses_no_create(self, seller):
        code = approved_code(seller)
        with refused(RefusalCode.GCC_CUSTOMER_COMMERCIAL_OFFER):
            self.create(seller, code, line(E3))
        assert not Customer.objects.exists()
        code.refresh_from_db()
        assert code.remaining_creates == code.max_creates
