"""The services the API added: rules live there once, tested here directly."""

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from customers.services import (
    BillingProfile,
    customer_billing_profile_update,
    customer_gcc_qualification_set,
)
from lib.refusals import RefusalCode
from orders.lifecycle import subscription_update
from orders.models import Order, Subscription
from orders.services import CartLine, order_place, order_provision
from validation.models import SpecialQualification

from ..orders.conftest import approved_code, managed_customer
from ..refusals import refused

pytestmark = pytest.mark.django_db
G3 = "4a3140ab-2d22-5221-beb5-056b62fcd1a2"


class TestCustomerGccQualificationSet:
    def test_uses_one_create_and_records_the_code(self, seller):
        customer = managed_customer(seller.partner, gcc=False)
        code = approved_code(seller)
        qualification = customer_gcc_qualification_set(
            actor=seller, customer=customer, validation_id=code.validation_id
        )
        assert qualification.validation_code == code
        code.refresh_from_db()
        assert code.remaining_creates == code.max_creates - 1

    def test_twice_is_refused_without_using_a_create(self, seller):
        customer = managed_customer(seller.partner, gcc=False)
        code = approved_code(seller)
        customer_gcc_qualification_set(
            actor=seller, customer=customer, validation_id=code.validation_id
        )
        with refused(RefusalCode.CUSTOMER_ALREADY_GCC):
            customer_gcc_qualification_set(
                actor=seller, customer=customer, validation_id=code.validation_id
            )
        code.refresh_from_db()
        assert code.remaining_creates == code.max_creates - 1

    def test_unknown_and_used_up_codes(self, seller):
        customer = managed_customer(seller.partner, gcc=False)
        with refused(RefusalCode.CODE_UNKNOWN):
            customer_gcc_qualification_set(actor=seller, customer=customer, validation_id="1")
        code = approved_code(seller)
        type(code).objects.filter(pk=code.pk).update(remaining_creates=0)
        with refused(RefusalCode.CODE_USED_UP):
            customer_gcc_qualification_set(
                actor=seller, customer=customer, validation_id=code.validation_id
            )
        assert not SpecialQualification.objects.exists()

    def test_helpdesk_may_not(self, helpdesk, seller):
        customer = managed_customer(seller.partner, gcc=False)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            customer_gcc_qualification_set(actor=helpdesk, customer=customer, validation_id="1")


class TestCustomerBillingProfileUpdate:
    def test_changes_the_profile(self, helpdesk, seller):
        customer = managed_customer(seller.partner, gcc=False)
        profile = replace(BillingProfile.of(customer), contact_email="new@example.gov")
        updated = customer_billing_profile_update(
            actor=helpdesk, customer=customer, profile=profile
        )
        customer.refresh_from_db()
        assert updated.contact_email == customer.contact_email == "new@example.gov"

    def test_validates_before_saving(self, helpdesk, seller):
        customer = managed_customer(seller.partner, gcc=False)
        profile = replace(BillingProfile.of(customer), contact_email="not an email")
        with pytest.raises(ValidationError):
            customer_billing_profile_update(actor=helpdesk, customer=customer, profile=profile)
        customer.refresh_from_db()
        assert customer.contact_email != "not an email"

    def test_keeps_a_contact_phone(self, helpdesk, seller):
        customer = managed_customer(seller.partner, gcc=False)
        profile = replace(BillingProfile.of(customer), contact_phone=" ")
        with refused(RefusalCode.CONTACT_PHONE_REQUIRED):
            customer_billing_profile_update(actor=helpdesk, customer=customer, profile=profile)

    def test_sales_agent_may_not(self, seller):
        customer = managed_customer(seller.partner, gcc=False)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            customer_billing_profile_update(
                actor=seller, customer=customer, profile=BillingProfile.of(customer)
            )


@pytest.fixture
def subscription(seller):
    import uuid

    customer = managed_customer(seller.partner, gcc=True)
    order_place(
        actor=seller,
        customer=customer,
        lines=[CartLine(offer_id=G3, quantity=25)],
        submission_key=uuid.uuid4(),
    )
    order_provision(order_id=Order.objects.get().pk)
    return Subscription.objects.get()


class TestSubscriptionUpdate:
    def test_quantity_within_bounds(self, seller, subscription):
        assert (
            subscription_update(
                actor=seller, subscription=subscription, quantity=30
            ).subscription.quantity
            == 30
        )
        with refused(RefusalCode.QUANTITY_OUT_OF_BOUNDS):
            subscription_update(actor=seller, subscription=subscription, quantity=0)

    def test_suspended_keeps_its_seats(self, seller, subscription):
        subscription_update(actor=seller, subscription=subscription, status="suspended")
        with refused(RefusalCode.SUBSCRIPTION_SUSPENDED):
            subscription_update(actor=seller, subscription=subscription, quantity=30)
        again = subscription_update(
            actor=seller, subscription=subscription, status="active", quantity=30
        )
        assert (again.subscription.status, again.subscription.quantity) == ("active", 30)

    def test_name_and_status_are_checked(self, seller, subscription):
        with refused(RefusalCode.FRIENDLY_NAME_INVALID):
            subscription_update(actor=seller, subscription=subscription, friendly_name=" ")
        with refused(RefusalCode.UNKNOWN_SUBSCRIPTION_STATUS):
            subscription_update(actor=seller, subscription=subscription, status="paused")

    def test_same_change_twice_is_harmless(self, seller, subscription):
        subscription_update(actor=seller, subscription=subscription, quantity=30)
        assert (
            subscription_update(
                actor=seller, subscription=subscription, quantity=30
            ).subscription.quantity
            == 30
        )

    def test_other_partner_and_helpdesk_may_not(self, stranger, helpdesk, subscription):
        with refused(RefusalCode.NOT_YOUR_CUSTOMER):
            subscription_update(actor=stranger, subscription=subscription, quantity=30)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            subscription_update(actor=helpdesk, subscription=subscription, quantity=30)
