"""Demo data: three partners of each kind, a user of each role, a reviewer and ops.

Running it again changes nothing: every row is looked up by its natural key first, and
existing users keep their passwords.
"""

import uuid
from base64 import b32decode
from dataclasses import dataclass

from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.models import Customer
from customers.services import CustomerDetails, customer_create
from orders.models import Offer
from orders.services import CartLine, order_place, order_provision
from partners.models import Partner, PartnerType, Role, User
from partners.selectors import partner_holds_gcc
from validation.intake import CustomerIntake, PartnerIntake
from validation.models import GovernmentBasis, RequestState
from validation.reviewers import reviewer_create
from validation.services import (
    customer_validation_submit,
    partner_validation_submit,
    validation_request_approve,
    validation_request_request_info,
    validation_request_screen,
)

DEMO_PASSWORD = "GccDemo-2026!"
# One demo user signs in with a second factor: an authenticator app with this (public) secret.
DEMO_TOTP_USER = "admin@fabrikam.test"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPGCCPORTALDEMO234"  # base32, as an app takes it


@dataclass(frozen=True)
class DemoPartner:
    key: str
    name: str
    partner_type: str
    tenant_id: str
    azure_gcc_tenant_id: str | None
    city: str
    state: str
    postal_code: str
    mpn_id: str
    provider_key: str | None = None


PARTNERS = [
    DemoPartner(
        "contoso",
        "Contoso Government Solutions",
        PartnerType.DIRECT_RESELLER,
        "3f2c8a61-5b7d-4e2a-9c11-0d4e6f8a2b10",
        "a9d4e2f0-7c31-4b8e-8f05-6e2d1c9b3a77",
        "Arlington",
        "VA",
        "22201",
        "4811237",
    ),
    DemoPartner(
        "fabrikam",
        "Fabrikam Distribution",
        PartnerType.INDIRECT_PROVIDER,
        "7b1e4c92-2d6a-4f3b-a8e7-5c9d0b1f6e24",
        None,
        "Reston",
        "VA",
        "20190",
        "5120934",
    ),
    DemoPartner(
        "northwind",
        "Northwind Federal Resellers",
        PartnerType.INDIRECT_RESELLER,
        "c5d8f1a3-9e4b-4c6d-b2a0-8f7e6d5c4b39",
        None,
        "Columbia",
        "MD",
        "21044",
        "6273058",
        provider_key="fabrikam",
    ),
    DemoPartner(
        "tailspin",
        "Tailspin Federal Systems",
        PartnerType.DIRECT_RESELLER,
        "e2a7c4d1-3f8b-4a6e-9d05-1b2c3d4e5f60",
        "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b",
        "Herndon",
        "VA",
        "20170",
        "3398412",
    ),
]

ROLE_LOGINS = {
    Role.GLOBAL_ADMIN: ("globaladmin", "Grace", "Admin"),
    Role.ADMIN_AGENT: ("admin", "Adele", "Agent"),
    Role.SALES_AGENT: ("sales", "Sam", "Sales"),
    Role.HELPDESK_AGENT: ("helpdesk", "Hana", "Helpdesk"),
}


@dataclass(frozen=True)
class Login:
    username: str
    who: str


@transaction.atomic
def seed_demo(*, password: str = DEMO_PASSWORD) -> list[Login]:
    logins: list[Login] = []
    partners: dict[str, Partner] = {}
    for demo in PARTNERS:
        partner, _ = Partner.objects.get_or_create(
            tenant_id=uuid.UUID(demo.tenant_id),
            defaults={
                "name": demo.name,
                "partner_type": demo.partner_type,
                "indirect_provider": partners.get(demo.provider_key),
                "csp_enrolled": True,
                "azure_gcc_tenant_id": demo.azure_gcc_tenant_id,
                "address_line": "100 Demo Street",
                "city": demo.city,
                "state": demo.state,
                "postal_code": demo.postal_code,
                "mpn_id": demo.mpn_id,
            },
        )
        partners[demo.key] = partner
        for role, (prefix, first, last) in ROLE_LOGINS.items():
            username = f"{prefix}@{demo.key}.test"
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": username,
                    "first_name": first,
                    "last_name": last,
                    "partner": partner,
                    "role": role,
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            who = f"{role.label}, {partner.name}"
            if username == DEMO_TOTP_USER:
                _demo_authenticator(user)
                who += " (two-step sign-in: see below)"
            logins.append(Login(username, who))

    reviewer_create(
        username="reviewer@microsoft.test",
        email="reviewer@microsoft.test",
        password=password,
        first_name="Riley",
        last_name="Reviewer",
    )
    logins.append(Login("reviewer@microsoft.test", "Microsoft reviewer (/admin/)"))

    ops, created = User.objects.get_or_create(
        username="ops@gccportal.test",
        defaults={"email": "ops@gccportal.test", "is_staff": True, "is_superuser": True},
    )
    if created:
        ops.set_password(password)
        ops.save(update_fields=["password"])
    logins.append(Login("ops@gccportal.test", "Ops superuser (/admin/)"))

    logins += _seed_gcc_customers(password=password)
    return logins


def _demo_authenticator(user: User) -> None:
    TOTPDevice.objects.get_or_create(
        user=user,
        name="Authenticator app (demo)",
        defaults={"key": b32decode(DEMO_TOTP_SECRET).hex(), "confirmed": True},
    )


def demo_code() -> str:
    """What an authenticator app holding ``DEMO_TOTP_SECRET`` shows now."""
    return f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"


def _key(name: str) -> uuid.UUID:
    """A stable submission key: seeding twice finds the request it made the first time."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"gccportal-demo:{name}")


def _approved_partner(admin: User) -> None:
    if partner_holds_gcc(admin.partner):
        return
    request = partner_validation_submit(
        actor=admin,
        submission_key=_key(f"partner:{admin.partner.tenant_id}"),
        intake=PartnerIntake(
            **_contact(admin.partner, admin),
            organization_name=admin.partner.name,
            tenant_id=admin.partner.tenant_id,
            government_basis=[GovernmentBasis.GOVERNMENT_ENTITIES],
            contract_reference="GS-35F-0119Y",
            attested=True,
        ),
    )
    validation_request_approve(request_id=request.pk)


def _contact(org, admin: User) -> dict:
    return {
        "address_line": org.address_line,
        "city": org.city,
        "state": org.state,
        "postal_code": org.postal_code,
        "contact_name": admin.get_full_name(),
        "contact_email": admin.email,
        "contact_phone": "+1 703 555 0100",
    }


CUSTOMER_ADDRESS = {"address_line": "1 Civic Plaza", "city": "Springfield", "state": "IL"}


def _customer_request(admin: User, name: str, domain: str, *, customer=None, **extra):
    return customer_validation_submit(
        actor=admin,
        submission_key=_key(f"customer:{domain}"),
        customer=customer,
        intake=CustomerIntake(
            **{
                "organization_name": name,
                "domain": domain,
                "entity_type": "state_local",
                "jurisdiction": extra.pop("jurisdiction", "State of Illinois"),
                **CUSTOMER_ADDRESS,
                "postal_code": "62701",
                "contact_name": "Casey Morgan",
                "contact_email": f"it@{domain}",
                "contact_phone": "+1 217 555 0100",
                "tenant_id": admin.partner.transacting_partner.tenant_id,
                "attested": True,
                **extra,
            }
        ),
    )


# A commercial company's own address and contact (not a county's, not .gov).
COMMERCIAL_DETAILS = {
    "address_line": "410 Harbor Way, Suite 300",
    "city": "Baltimore",
    "state": "MD",
    "postal_code": "21230",
    "contact_name": "Jordan Lee",
    "contact_phone": "+1 410 555 0142",
}


def _customer(admin: User, name: str, prefix: str, *, code=None, commercial=False) -> Customer:
    existing = Customer.objects.filter(domain=f"{prefix}.onmicrosoft.com").first()
    if existing:
        return existing
    if commercial:
        contact = {**COMMERCIAL_DETAILS, "contact_email": f"it@{prefix}.example.com"}
    else:
        contact = {
            **CUSTOMER_ADDRESS,
            "postal_code": "62701",
            "contact_name": "Casey Morgan",
            "contact_email": f"it@{prefix}.example.gov",
            "contact_phone": "+1 217 555 0100",
        }
    return customer_create(
        actor=admin,
        details=CustomerDetails(company_name=name, domain=f"{prefix}.onmicrosoft.com", **contact),
        qualification="GovernmentCommunityCloud" if code else "",
        validation_code_id=code.pk if code else None,
    )


def _provisioned_order(admin: User, customer: Customer, quantities: dict[str, int]) -> None:
    offers = Offer.objects.filter(name__in=quantities)
    order = order_place(
        actor=admin,
        customer=customer,
        lines=[CartLine(offer.offer_id, quantities[offer.name]) for offer in offers],
        submission_key=_key(f"order:{customer.domain}"),
    )
    order_provision(order_id=order.pk)


def _approved_code(admin: User, name: str, domain: str):
    request = _customer_request(admin, name, domain)
    if request.status != RequestState.APPROVED:
        validation_request_approve(request_id=request.pk)
        request.refresh_from_db()
    return request.validation_code


def _seed_gcc_customers(*, password: str) -> list[Login]:
    """GCC-qualified partners with validated, pending and commercial customers, a code with
    creates left, and an existing GCC customer (managed by Fabrikam) with its own admin."""
    fabrikam = User.objects.get(username="admin@fabrikam.test")
    tailspin = User.objects.get(username="admin@tailspin.test")
    _approved_partner(fabrikam)
    _approved_partner(tailspin)

    lincoln_code = _approved_code(tailspin, "County of Lincoln", "lincolncounty.gov")
    lincoln = _customer(tailspin, "County of Lincoln", "lincolncounty", code=lincoln_code)
    _provisioned_order(
        tailspin, lincoln, {"Office 365 G3 GCC": 120, "Power BI Pro for Government (GCC)": 15}
    )
    _approved_code(tailspin, "State of Franklin Department of Health", "health.franklin.gov")
    _customer(tailspin, "Harbor Analytics LLC", "harboranalytics", commercial=True)
    riverside = _customer(tailspin, "Riverside Transit District", "riversidetransit")
    pending = _customer_request(
        tailspin,
        "Riverside Transit District",
        "riversidetransit.gov",
        customer=riverside,
        jurisdiction="Riverside County",
    )
    if pending.status == RequestState.SUBMITTED:
        validation_request_screen(request_id=pending.pk)
        validation_request_request_info(
            request_id=pending.pk,
            question="Please confirm the district's legal name as registered with the state.",
        )

    springfield_code = _approved_code(fabrikam, "City of Springfield", "springfield.gov")
    springfield = _customer(fabrikam, "City of Springfield", "springfield", code=springfield_code)
    customer_admin, created = User.objects.get_or_create(
        username="admin@springfield.test",
        defaults={
            "email": "admin@springfield.test",
            "first_name": "Chris",
            "last_name": "Springfield",
            "customer": springfield,
        },
    )
    if created:
        customer_admin.set_password(password)
        customer_admin.save(update_fields=["password"])
    return [
        Login(
            "admin@springfield.test",
            "Customer admin, City of Springfield (existing GCC customer of Fabrikam)",
        )
    ]
