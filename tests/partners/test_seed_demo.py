"""``manage.py seed_demo``: the demo partners and logins, safe to run twice."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from console.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_TOTP_USER, demo_code
from customers.models import Customer
from partners.models import Partner, PartnerType, Role, User
from validation.models import ValidationCode
from validation.reviewers import REVIEWERS_GROUP

from ..auth import signs_in

pytestmark = pytest.mark.django_db
PARTNER_KEYS = ["contoso", "fabrikam", "northwind", "tailspin"]
ROLE_PREFIXES = {
    Role.GLOBAL_ADMIN: "globaladmin",
    Role.ADMIN_AGENT: "admin",
    Role.SALES_AGENT: "sales",
    Role.HELPDESK_AGENT: "helpdesk",
}
REVIEWER = "reviewer@microsoft.test"
OPS = "ops@gccportal.test"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "partners": Partner.objects.count(),
        "users": User.objects.count(),
        "groups": Group.objects.count(),
        "passwords": dict(User.objects.values_list("username", "password")),
        "group_permissions": sorted(
            Group.objects.get(name=REVIEWERS_GROUP).permissions.values_list("codename", flat=True)
        ),
    }


class TestSeedDemo:
    def test_contoso_starts_without_gcc_and_fabrikam_and_tailspin_hold_it(self):
        seed()
        holders = set(
            Partner.objects.filter(
                qualifications__qualification="Government_community_cloud"
            ).values_list("name", flat=True)
        )
        assert holders == {"Fabrikam Distribution", "Tailspin Federal Systems"}

    def test_seeds_gcc_customers_a_pending_one_a_code_with_creates_and_a_customer_admin(self):
        seed()
        tailspin = Customer.objects.filter(relationships__partner__name__startswith="Tailspin")
        gcc = tailspin.filter(special_qualifications__isnull=False)
        assert set(gcc.values_list("company_name", flat=True)) == {"County of Lincoln"}
        pending = tailspin.get(company_name="Riverside Transit District")
        assert pending.validation_requests.get().status == "info_requested"
        assert ValidationCode.objects.filter(
            remaining_creates__gt=0, partner__name__startswith="Tailspin"
        ).exists()
        springfield_admin = User.objects.get(username="admin@springfield.test")
        assert springfield_admin.customer.company_name == "City of Springfield"
        assert (
            springfield_admin.customer.relationships.get().partner.name == "Fabrikam Distribution"
        )

    def test_creates_one_partner_of_each_kind(self):
        seed()
        by_type = {p.partner_type: p for p in Partner.objects.exclude(name__startswith="Tailspin")}
        assert Partner.objects.count() == 4
        assert set(by_type) == set(PartnerType)
        reseller = by_type[PartnerType.INDIRECT_RESELLER]
        assert reseller.indirect_provider == by_type[PartnerType.INDIRECT_PROVIDER]
        assert by_type[PartnerType.DIRECT_RESELLER].indirect_provider is None
        assert all(p.csp_enrolled for p in by_type.values())

    def test_creates_one_user_of_each_role_per_partner(self):
        seed()
        for partner in Partner.objects.all():
            users = list(partner.users.all())
            assert sorted(u.role for u in users) == sorted(Role)
            assert not any(u.is_staff or u.is_superuser for u in users)

    def test_creates_a_reviewer_with_no_partner(self):
        seed()
        reviewer = User.objects.get(username=REVIEWER)
        assert reviewer.is_staff and not reviewer.is_superuser
        assert reviewer.partner is None and reviewer.role == ""
        assert list(reviewer.groups.values_list("name", flat=True)) == [REVIEWERS_GROUP]

    def test_creates_an_ops_superuser(self):
        seed()
        ops = User.objects.get(username=OPS)
        assert ops.is_superuser and ops.is_staff
        assert ops.partner is None

    def test_prints_every_login_and_the_password(self):
        out = seed()
        assert DEMO_PASSWORD in out
        usernames = [
            f"{prefix}@{key}.test" for key in PARTNER_KEYS for prefix in ROLE_PREFIXES.values()
        ]
        customer_admin = "admin@springfield.test"
        for username in [*usernames, REVIEWER, OPS, customer_admin]:
            assert username in out
        assert set(User.objects.values_list("username", flat=True)) == {
            *usernames,
            REVIEWER,
            OPS,
            customer_admin,
        }

    def test_running_it_again_changes_nothing(self):
        first_out = seed()
        before = snapshot()
        second_out = seed()
        assert snapshot() == before
        assert second_out == first_out

    def test_existing_users_keep_a_changed_password(self):
        seed()
        user = User.objects.get(username="sales@contoso.test")
        user.set_password("Changed-by-the-user-55")
        user.save()
        seed()
        user.refresh_from_db()
        assert user.check_password("Changed-by-the-user-55")

    def test_a_demo_login_signs_in_with_the_demo_password(self, client):
        seed()
        response = client.post(
            reverse("login"),
            {"username": "globaladmin@contoso.test", "password": DEMO_PASSWORD},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("home")
        assert "Contoso Government Solutions" in response.content.decode()

    def test_the_demo_reviewer_reaches_the_admin(self, client):
        seed()
        assert signs_in(client, REVIEWER, DEMO_PASSWORD)
        assert client.get(reverse("admin:index")).status_code == 200

    def test_the_demo_two_step_user_signs_in_with_the_printed_secret(self, client):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        assert DEMO_TOTP_SECRET in out.getvalue()
        assert signs_in(client, DEMO_TOTP_USER, DEMO_PASSWORD)
        assert client.get(reverse("home"))["Location"].startswith(reverse("two_step"))
        printed = StringIO()
        call_command("demo_code", stdout=printed)
        code = printed.getvalue().split()[0]
        assert code == demo_code()
        passed = client.post(reverse("two_step"), {"code": code, "next": reverse("home")})
        assert passed["Location"] == reverse("home")
        assert client.get(reverse("home")).status_code == 200

    def test_the_commercial_demo_company_has_a_company_address_and_contact(self):
        seed()
        harbor = Customer.objects.get(company_name="Harbor Analytics LLC")
        assert harbor.city == "Baltimore" and not harbor.contact_email.endswith(".gov")
