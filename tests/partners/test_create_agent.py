"""manage.py create_agent: a partner user made by ops (e.g. a new partner's first global admin)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partners.models import Role, User

from ..factories import PASSWORD, PartnerFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("create_agent", *args, stdout=out)
    return out.getvalue()


def test_creates_a_global_admin_by_microsoft_id(partner):
    output = run(
        "grace@contoso.test",
        "--partner",
        str(partner.tenant_id),
        "--role",
        "global_admin",
        "--first-name",
        "Grace",
        "--password",
        PASSWORD,
    )
    assert "grace@contoso.test created: Global admin, Contoso Government Solutions." in output
    user = User.objects.get(username="grace@contoso.test")
    assert (user.partner, user.role, user.email) == (partner, Role.GLOBAL_ADMIN, user.username)
    assert not user.is_staff and user.check_password(PASSWORD)


def test_finds_the_partner_by_name(partner):
    run("sam@contoso.test", "--partner", "contoso government solutions", "--role", "sales_agent",
        "--password", PASSWORD)  # fmt: skip
    assert User.objects.get(username="sam@contoso.test").role == Role.SALES_AGENT


@pytest.mark.parametrize(
    "partner_arg,message",
    [
        ("Nobody Inc", "No partner is named 'Nobody Inc'"),
        ("00000000-0000-0000-0000-000000000000", "No partner has the Microsoft ID"),
    ],
)
def test_an_unknown_partner(db, partner_arg, message):
    with pytest.raises(CommandError, match=message):
        run("x@example.test", "--partner", partner_arg, "--role", "sales_agent",
            "--password", PASSWORD)  # fmt: skip


def test_two_partners_of_the_same_name_need_the_microsoft_id(db):
    PartnerFactory(name="Twin LLC")
    PartnerFactory(name="Twin LLC")
    with pytest.raises(CommandError, match="Several partners are named"):
        run("x@example.test", "--partner", "Twin LLC", "--role", "sales_agent",
            "--password", PASSWORD)  # fmt: skip


def test_refusals(admin_agent):
    partner = str(admin_agent.partner.tenant_id)
    with pytest.raises(CommandError, match="already exists"):
        run(admin_agent.username, "--partner", partner, "--role", "sales_agent",
            "--password", PASSWORD)  # fmt: skip
    with pytest.raises(CommandError, match="valid email"):
        run("not-an-email", "--partner", partner, "--role", "sales_agent", "--password", PASSWORD)
    with pytest.raises(CommandError, match="too common|too short"):
        run("weak@contoso.test", "--partner", partner, "--role", "sales_agent",
            "--password", "password")  # fmt: skip
    with pytest.raises(CommandError, match="invalid choice"):
        run("r@contoso.test", "--partner", partner, "--role", "reviewer", "--password", PASSWORD)
    assert not User.objects.filter(username__in=["weak@contoso.test", "r@contoso.test"]).exists()
