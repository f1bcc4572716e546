import importlib
import uuid

import pytest
from django.apps import apps as django_apps

from orders.models import Offer
from partners.models import Role
from validation import services as validation_services
from validation.models import SpecialQualification

from ..factories import CustomerFactory, UserFactory, customer_request_data, gcc_partner, manage

load_catalog = importlib.import_module("orders.migrations.0002_load_catalog")
catalog_terms = importlib.import_module("orders.migrations.0007_terms_backfill")

G3 = "Office 365 G3 GCC"
E3 = "Office 365 E3"
ADVANCED_COMMUNICATIONS = "Advanced Communications for GCC"


@pytest.fixture(autouse=True)
def offer_catalog(django_db_blocker):
    """The catalog the data migration loads. A transactional test elsewhere flushes every
    table, catalog included; load it again (the same rows, by offer ID) when it is gone."""
    with django_db_blocker.unblock():
        if not Offer.objects.exists():
            load_catalog.load(django_apps, schema_editor=None)
            catalog_terms.offer_terms(django_apps)


@pytest.fixture
def seller(db):
    """A sales agent of a partner holding Government_community_cloud."""
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


def managed_customer(partner, *, gcc: bool, indirect_reseller=None, **kwargs):
    customer = CustomerFactory(**kwargs)
    if gcc:
        SpecialQualification.objects.create(
            customer=customer,
            qualification="GovernmentCommunityCloud",
            granted_at="2026-01-05T12:00Z",
        )
    manage(partner, customer, indirect_reseller=indirect_reseller)
    return customer


def approved_code(actor, domain="lincolncounty.gov"):
    request = validation_services.customer_validation_submit(
        actor=actor,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(actor.partner, domain=domain),
    )
    validation_services.validation_request_approve(request_id=request.pk)
    request.refresh_from_db()
    return request.validation_code


@pytest.fixture
def gcc_customer(seller):
    return managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")


@pytest.fixture
def commercial_customer(seller):
    return managed_customer(seller.partner, gcc=False, company_name="Harbor Analytics LLC")
