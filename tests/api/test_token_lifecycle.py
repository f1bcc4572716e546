"""API tokens end with their agent's account and password, and at their expiry date."""

import importlib
from datetime import UTC, timedelta

import pytest
from django.apps import apps
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from api.models import ApiToken, RevokedReason, password_binding
from api.services import api_token_authenticate, api_token_create, api_token_revoke
from lib.refusals import RefusalCode
from partners.models import Role, User
from partners.services import agent_set_active

from ..factories import UserFactory
from ..refusals import refused

pytestmark = pytest.mark.django_db

PAGE = "/settings/api-tokens/"
fill_token_bindings = importlib.import_module(
    "api.migrations.0004_fill_token_bindings"
).fill_token_bindings


@pytest.fixture
def global_admin(seller):
    return UserFactory(partner=seller.partner, role=Role.GLOBAL_ADMIN)


def shown(moment, fmt="DATETIME_FORMAT") -> str:
    """A moment as the page shows it (in the portal's time zone, US Eastern)."""
    return date_filter(timezone.localtime(moment), fmt)


def status_of(token: ApiToken) -> tuple:
    token.refresh_from_db()
    return token.revoked_at is not None, token.revoked_reason


# --- Deactivation ----------------------------------------------------------------------------


def test_deactivation_in_the_portal_revokes_for_good(api, client_for, seller, global_admin):
    new = api_token_create(actor=seller, name="sync")
    assert api.get("/v1/customers", token=new.raw).status_code == 200

    agent_set_active(actor=global_admin, user=seller, active=False)
    assert status_of(new.token) == (True, RevokedReason.USER_DEACTIVATED)
    assert api.get("/v1/customers", token=new.raw).status_code == 401

    agent_set_active(actor=global_admin, user=seller, active=True)
    response = api.get("/v1/customers", token=new.raw)
    assert response.status_code == 401
    assert response.body["code"] == 400
    page = client_for(seller).get(PAGE).content.decode()
    assert "(account deactivated)" in page
    assert f'action="{PAGE}{new.token.pk}/revoke/"' not in page  # nothing left to revoke


def test_deactivation_by_a_plain_save_revokes_every_active_token(api, seller):
    first = api_token_create(actor=seller, name="first")
    second = api_token_create(actor=seller, name="second")
    earlier = api_token_create(actor=seller, name="earlier")
    api_token_revoke(actor=seller, token_id=earlier.token.pk)

    user = User.objects.get(pk=seller.pk)  # as the Django admin or a shell would
    user.is_active = False
    user.save()

    assert status_of(first.token) == (True, RevokedReason.USER_DEACTIVATED)
    assert status_of(second.token) == (True, RevokedReason.USER_DEACTIVATED)
    assert status_of(earlier.token) == (True, RevokedReason.BY_AGENT)  # its own reason kept
    user.is_active = True
    user.save()
    assert api.get("/v1/customers", token=first.raw).status_code == 401


def test_deactivation_without_a_save_is_refused_all_the_same(api, seller):
    new = api_token_create(actor=seller, name="sync")
    User.objects.filter(pk=seller.pk).update(is_active=False)  # sends no signal
    assert api.get("/v1/customers", token=new.raw).status_code == 401


def test_other_changes_to_the_agent_keep_the_token(api, seller):
    new = api_token_create(actor=seller, name="sync")
    seller.first_name = "Robin"
    seller.save()  # every field written, password and is_active unchanged
    seller.save(update_fields=["last_login"])
    assert api.get("/v1/customers", token=new.raw).status_code == 200
    assert status_of(new.token) == (False, "")


# --- Password change -------------------------------------------------------------------------


def test_password_change_revokes(api, client_for, seller):
    new = api_token_create(actor=seller, name="sync")
    seller.set_password("another-Long-password-77")
    seller.save()

    response = api.get("/v1/customers", token=new.raw)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert status_of(new.token) == (True, RevokedReason.PASSWORD_CHANGED)
    assert "(password changed)" in client_for(seller).get(PAGE).content.decode()


def test_a_token_created_after_the_change_works(api, seller):
    seller.set_password("another-Long-password-77")
    seller.save(update_fields=["password"])
    new = api_token_create(actor=seller, name="after")
    assert api.get("/v1/customers", token=new.raw).status_code == 200


def test_password_change_without_a_save_is_refused_all_the_same(api, seller):
    new = api_token_create(actor=seller, name="sync")
    seller.set_password("another-Long-password-77")
    User.objects.filter(pk=seller.pk).update(password=seller.password)  # sends no signal
    assert api.get("/v1/customers", token=new.raw).status_code == 401


def test_the_migration_binds_existing_tokens_to_the_current_password(api, seller):
    """A token from before the binding existed (empty binding) is refused until the data
    migration fills it; then it works as before."""
    active = api_token_create(actor=seller, name="old")
    ApiToken.objects.filter(pk=active.token.pk).update(password_binding="")
    assert api.get("/v1/customers", token=active.raw).status_code == 401

    idle = UserFactory(partner=seller.partner, role=Role.SALES_AGENT)
    idle_token = api_token_create(actor=idle, name="idle").token
    User.objects.filter(pk=idle.pk).update(is_active=False)

    fill_token_bindings(apps, None)

    token = ApiToken.objects.get(pk=active.token.pk)
    assert token.password_binding == password_binding(seller.password)
    assert api.get("/v1/customers", token=active.raw).status_code == 200
    assert status_of(idle_token) == (True, RevokedReason.USER_DEACTIVATED)


# --- Expiry ----------------------------------------------------------------------------------


def test_default_expiry_is_90_days(seller):
    now = timezone.now()
    token = api_token_create(actor=seller, name="sync", now=now).token
    assert token.expires_at == now + timedelta(days=90)


def test_expired_token_answers_401_with_the_error_body(api, seller):
    created = timezone.now() - timedelta(days=31)
    new = api_token_create(actor=seller, name="sync", expires_in_days=30, now=created)
    expired_at = (created + timedelta(days=30)).astimezone(UTC)

    response = api.get("/v1/customers", token=new.raw)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.body == {
        "code": 400,
        "description": (
            f"Access denied: the token expired at {expired_at:%Y-%m-%dT%H:%M:%S}Z. "
            "Create a new one under Settings > API tokens."
        ),
        "data": [],
        "source": "PartnerFD",
    }
    new.token.refresh_from_db()
    assert new.token.last_used_at is None


def test_token_works_until_its_expiry(seller):
    now = timezone.now()
    new = api_token_create(actor=seller, name="sync", expires_in_days=30, now=now)
    assert api_token_authenticate(new.raw, now=now + timedelta(days=30, seconds=-1)) is not None
    with refused(RefusalCode.TOKEN_EXPIRED):
        api_token_authenticate(new.raw, now=now + timedelta(days=30))


def test_no_expiry_works_years_later(seller):
    new = api_token_create(actor=seller, name="forever", expires_in_days=None)
    assert new.token.expires_at is None
    later = timezone.now() + timedelta(days=3650)
    assert api_token_authenticate(new.raw, now=later).agent == seller


def test_an_expiry_in_the_past_is_refused(seller):
    with refused(RefusalCode.TOKEN_EXPIRY_INVALID):
        api_token_create(actor=seller, name="x", expires_at=timezone.now() - timedelta(hours=1))
    with refused(RefusalCode.TOKEN_EXPIRY_INVALID):
        api_token_create(actor=seller, name="x", expires_in_days=0)
    assert not ApiToken.objects.exists()


# --- The tokens page -------------------------------------------------------------------------


def test_page_creates_a_token_with_the_chosen_expiry(client_for, seller):
    client = client_for(seller)
    form = client.get(PAGE).content.decode()
    assert '<option value="90" selected>90 days</option>' in form
    assert '<option value="never">No expiry</option>' in form
    assert "when your password changes, or when your account is deactivated" in form

    before = timezone.now()
    response = client.post(PAGE, {"name": "Quarterly report", "expires_in_days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Quarterly report")
    assert before + timedelta(days=30) <= token.expires_at <= timezone.now() + timedelta(days=30)
    assert f"It expires on {shown(token.expires_at)}." in response.content.decode()

    response = client.post(PAGE, {"name": "Forever", "expires_in_days": "never"})
    assert ApiToken.objects.get(name="Forever").expires_at is None
    assert "It does not expire." in response.content.decode()


def test_page_refuses_an_expiry_it_does_not_offer(client_for, seller):
    response = client_for(seller).post(PAGE, {"name": "sync", "expires_in_days": "7"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="expires-help expires-error"' in page
    assert '<div id="expires-error" class="invalid-feedback">Choose when the token expires' in page
    assert not ApiToken.objects.exists()


def test_page_shows_each_tokens_expiry_and_why_it_was_revoked(client_for, seller):
    now = timezone.now()
    active = api_token_create(actor=seller, name="Active one").token
    api_token_create(actor=seller, name="Old one", expires_in_days=30, now=now - timedelta(days=40))
    mine = api_token_create(actor=seller, name="Revoked one").token
    api_token_revoke(actor=seller, token_id=mine.pk)

    page = client_for(seller).get(PAGE).content.decode()

    assert shown(active.expires_at) in page
    assert '<span class="text-body-secondary">Expired</span>' in page
    assert f"Revoked {shown(mine.revoked_at, 'M j, Y')} (by you)" in page
    assert page.count(">Revoke<") == 1  # only the active one can still be revoked
