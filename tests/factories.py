import uuid

import factory
from django.utils import timezone

from customers.services import CustomerDetails
from partners.models import Partner, PartnerType, ResellerQualification, Role, User
from validation.calendar import review_due_at
from validation.intake import CustomerIntake, PartnerIntake
from validation.models import (
    GovernmentBasis,
    RequestKind,
    RequestState,
    ValidationCode,
    ValidationRequest,
)

PASSWORD = "a-Test-password-42"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n} LLC")
    partner_type = PartnerType.DIRECT_RESELLER
    csp_enrolled = True
    tenant_id = factory.LazyFunction(uuid.uuid4)
    azure_gcc_tenant_id = factory.LazyFunction(uuid.uuid4)
    address_line = "1 Main Street"
    city = "Arlington"
    state = "VA"
    postal_code = "22201"


class IndirectResellerFactory(PartnerFactory):
    partner_type = PartnerType.INDIRECT_RESELLER
    indirect_provider = factory.SubFactory(
        PartnerFactory, partner_type=PartnerType.INDIRECT_PROVIDER
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.test")
    email = factory.LazyAttribute(lambda u: u.username)
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    partner = factory.SubFactory(PartnerFactory)
    role = Role.ADMIN_AGENT
    password = factory.django.Password(PASSWORD)


def partner_request_data(partner: Partner, **overrides) -> PartnerIntake:
    """The partner validation form's answers, as the service receives them."""
    data = {
        "organization_name": partner.name,
        "tenant_id": partner.tenant_id,
        "address_line": "1 Main Street",
        "city": "Arlington",
        "state": "VA",
        "postal_code": "22201",
        "contact_name": "Pat Contact",
        "contact_email": "pat@example.test",
        "contact_phone": "+1 202 555 0143",
        "government_basis": [GovernmentBasis.GOVERNMENT_ENTITIES],
        "contract_reference": "GS-35F-0119Y",
        "attested": True,
    }
    data.update(overrides)
    return PartnerIntake(**data)


class PartnerRequestFactory(factory.django.DjangoModelFactory):
    """A partner request as the submit service leaves it (state ``submitted``)."""

    class Meta:
        model = ValidationRequest

    kind = RequestKind.PARTNER
    submitted_by = factory.SubFactory(UserFactory)
    partner = factory.SelfAttribute("submitted_by.partner")
    submission_key = factory.LazyFunction(uuid.uuid4)
    organization_name = factory.SelfAttribute("partner.name")
    tenant_id = factory.SelfAttribute("partner.tenant_id")
    address_line = "1 Main Street"
    city = "Arlington"
    state = "VA"
    postal_code = "22201"
    contact_name = "Pat Contact"
    contact_email = "pat@example.test"
    contact_phone = "+1 202 555 0143"
    government_basis = factory.LazyFunction(lambda: [GovernmentBasis.GOVERNMENT_ENTITIES])
    contract_reference = "GS-35F-0119Y"
    attested = True
    submitted_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda r: review_due_at(r.submitted_at))


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Customer"

    company_name = factory.Sequence(lambda n: f"Customer Organization {n}")
    domain = factory.Sequence(lambda n: f"customer{n}.onmicrosoft.com")
    address_line = "1 Civic Plaza"
    city = "Springfield"
    state = "IL"
    postal_code = "62701"
    contact_name = "Casey Contact"
    contact_email = factory.Sequence(lambda n: f"it{n}@customer.example.gov")
    contact_phone = "+1 217 555 0100"


class CustomerAdminFactory(UserFactory):
    """A global admin of a customer organization (the admin-center side)."""

    partner = None
    role = ""
    customer = factory.SubFactory(CustomerFactory)


def customer_request_data(partner: Partner, **overrides) -> CustomerIntake:
    """The customer validation form's answers, as the service receives them."""
    data = {
        "organization_name": "County of Lincoln",
        "domain": "lincolncounty.gov",
        "entity_type": "state_local",
        "jurisdiction": "Lincoln County, Nebraska",
        "regulated_data": [],
        "is_us_entity": True,
        "us_presence": "",
        "address_line": "555 S 10th St",
        "city": "Lincoln",
        "state": "NE",
        "postal_code": "68508",
        "contact_name": "Casey Morgan",
        "contact_email": "it@lincolncounty.gov",
        "contact_phone": "+1 402 555 0100",
        "tenant_id": partner.transacting_partner.tenant_id,
        "attested": True,
    }
    data.update(overrides)
    return CustomerIntake(**data)


def customer_details(prefix: str = "lincolncounty", **overrides) -> CustomerDetails:
    """A new customer's account info (Add customer), as the create service receives it."""
    data = {
        "company_name": "County of Lincoln",
        "domain": f"{prefix}.onmicrosoft.com",
        "address_line": "555 S 10th St",
        "city": "Lincoln",
        "state": "NE",
        "postal_code": "68508",
        "contact_name": "Casey Morgan",
        "contact_email": "it@lincolncounty.gov",
        "contact_phone": "+1 402 555 0100",
    }
    data.update(overrides)
    return CustomerDetails(**data)


def manage(partner: Partner, customer, *, indirect_reseller=None, origin="created"):
    """The partner manages the customer (its relationship row, as the services write it:
    with the customer's name, domain and current GCC status for the partner's list)."""
    from customers.services import customer_relationship_add

    return customer_relationship_add(
        partner_id=partner.pk,
        customer=customer,
        indirect_reseller_id=indirect_reseller.pk if indirect_reseller else None,
        origin=origin,
    )


def bulk_book(partner: Partner, customers: list, *, statuses=("none",)) -> list:
    """Unsaved ``customers`` saved in bulk and managed by the partner: their relationship rows
    with the copies the list reads (name, domain; GCC status cycling through ``statuses``)."""
    from customers.models import Customer, CustomerRelationship, book_search_text

    created = Customer.objects.bulk_create(customers, batch_size=2_000)
    CustomerRelationship.objects.bulk_create(
        [
            CustomerRelationship(
                partner=partner,
                customer=c,
                origin="created",
                company_name=c.company_name,
                domain=c.domain,
                search_text=book_search_text(c.company_name, c.domain),
                gcc_status=statuses[n % len(statuses)],
            )
            for n, c in enumerate(created)
        ],
        batch_size=2_000,
    )
    # Written past the services, as an import would be: the list's cached pages go too.
    Partner.objects.filter(pk=partner.pk).update(book_version=uuid.uuid4())
    return created


def gcc_partner(**kwargs) -> Partner:
    """A partner holding Government_community_cloud."""
    partner = PartnerFactory(**kwargs)
    ResellerQualification.objects.create(
        partner=partner,
        qualification="Government_community_cloud",
        granted_at=timezone.now(),
    )
    return partner


def customer_validation_form_data(partner: Partner, **overrides) -> dict:
    """The customer validation form's fields as a browser posts them (a fresh submission key)."""
    data = customer_request_data(partner).fields()
    data.pop("regulated_data")
    data.update(
        submission_key=str(uuid.uuid4()),
        tenant_id=str(data["tenant_id"]),
        attested="on",
        is_us_entity="on",
    )
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def customer_account_form_data(code=None, **overrides) -> dict:
    """The Add customer page's fields as a browser posts them; with ``code``, GCC and that
    validation code are chosen."""
    data = {
        "company_name": "County of Lincoln",
        "domain_prefix": "lincolncounty",
        "address_line": "555 S 10th St",
        "city": "Lincoln",
        "state": "NE",
        "postal_code": "68508",
        "contact_name": "Casey Morgan",
        "contact_email": "it@lincolncounty.gov",
        "contact_phone": "+1 402 555 0100",
        "agreement_accepted": "on",
        "special_qualification": "GovernmentCommunityCloud" if code else "",
        "validation_code": str(code.pk) if code else "",
    }
    data.update(overrides)
    return data


def codes_for(actor, count: int) -> list[ValidationCode]:
    """``count`` approved customer requests and their codes, named Agency 000…, in bulk."""
    now = timezone.now()
    requests = ValidationRequest.objects.bulk_create(
        [
            ValidationRequest(
                **customer_request_data(
                    actor.partner, organization_name=f"Agency {n:03d}", domain=f"a{n}.gov"
                ).fields(),
                kind=RequestKind.CUSTOMER,
                partner=actor.partner,
                submitted_by=actor,
                submission_key=uuid.uuid4(),
                submitted_at=now,
                due_at=now,
                status=RequestState.APPROVED,
            )
            for n in range(count)
        ]
    )
    return ValidationCode.objects.bulk_create(
        [
            ValidationCode(
                validation_id=f"{700000 + n}",
                request=request,
                partner=actor.partner,
                organization_name=request.organization_name,
                max_creates=5,
                remaining_creates=5,
                created_at=now,
            )
            for n, request in enumerate(requests)
        ]
    )
