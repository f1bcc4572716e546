"""The portal reads quantities in ASCII digits (lib.formfields.WholeNumberField): Python's
``int()``, and so Django's IntegerField, reads ``"５"`` as 5, and a fullwidth quantity placed an
order (issue 15 item 3)."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from customers.models import Customer
from lib.formfields import TenantIdField, WholeNumberField
from orders.models import Order

from ..factories import customer_account_form_data
from .conftest import G3, approved_code
from .test_views import qty

pytestmark = pytest.mark.django_db

NOT_ASCII_DIGITS = ["５", "٥", "৫", "²", "1_0", "2.0"]


@pytest.mark.parametrize("quantity", NOT_ASCII_DIGITS)
def test_add_subscriptions_refuses_a_quantity_not_in_ascii_digits(
    client_for, seller, gcc_customer, quantity
):
    response = client_for(seller).post(
        reverse("orders:create", args=[gcc_customer.uuid]),
        {"submission_key": str(uuid.uuid4()), qty(G3): quantity},
    )
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert not Order.objects.exists()


def test_add_subscriptions_reads_ascii_digits(client_for, seller, gcc_customer):
    response = client_for(seller).post(
        reverse("orders:create", args=[gcc_customer.uuid]),
        {"submission_key": str(uuid.uuid4()), qty(G3): " 5 "},
    )
    assert response.status_code == 302
    assert Order.objects.get().lines.get().quantity == 5


@pytest.mark.parametrize("quantity", NOT_ASCII_DIGITS)
def test_the_wizard_refuses_a_quantity_not_in_ascii_digits(client_for, seller, quantity):
    client = client_for(seller)
    step1 = client.post(
        reverse("orders:new_customer"),
        customer_account_form_data(approved_code(seller), next="subscriptions"),
    )
    key = client.get(step1.url).context["form"]["submission_key"].value()
    response = client.post(step1.url, {"submission_key": key, qty(G3): quantity})
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()
    assert not Customer.objects.exists() and not Order.objects.exists()


@pytest.mark.parametrize("chosen", ["²", "٣", "１"])
def test_a_validation_code_posted_in_other_digits_is_refused_not_a_500(client_for, seller, chosen):
    """``"²".isdigit()`` is True and ``int("²")`` raises: the picker reads ASCII digits."""
    response = client_for(seller).post(
        reverse("orders:new_customer"),
        customer_account_form_data(
            approved_code(seller), validation_code=chosen, next="subscriptions"
        ),
    )
    assert response.status_code == 400
    assert "validation_code" in response.context["form"].errors


@pytest.mark.parametrize(("value", "number"), [("+7", 7), ("-0", 0), (" 7 ", 7), ("", None)])
def test_whole_number_field_reads_ascii_digits(value, number):
    assert WholeNumberField(required=False).clean(value) == number


@pytest.mark.parametrize("value", ["٣", "１٠", "7\u3000"])
def test_whole_number_field_refuses_other_digits_and_spaces(value):
    with pytest.raises(ValidationError, match="whole number"):
        WholeNumberField(required=False).clean(value)


def test_tenant_id_field_refuses_fullwidth_hex():
    field = TenantIdField()
    ascii_id = "0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7"
    assert str(field.clean(ascii_id.upper())) == ascii_id
    with pytest.raises(ValidationError, match="GUID"):
        field.clean("０f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7")
