"""Demo data: three partners of each kind, a user of each role, a reviewer and ops.

Running it again changes nothing: every row is looked up by its natural key first, and
existing users keep their passwords.
"""

import uuid
from dataclasses import dataclass

from django.db import transaction

from partners.models import Partner, PartnerType, Role, User
from validation.reviewers import reviewer_create

DEMO_PASSWORD = "GccDemo-2026!"


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
        provider_key="fabrikam",
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
            logins.append(Login(username, f"{role.label}, {partner.name}"))

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
    return logins
