"""The second factor (partners/factors.py), through the pages, as a person uses them: enrolment
held right after the password, an authenticator app set up from the secret the page shows (codes
computed from it, as an app does), recovery codes, the two-step sign-in, removing and resetting
factors, and step-up before sensitive actions. Passkeys are driven in the browser suite
(Chromium's virtual authenticator, tests/e2e/test_second_factor.py)."""

import re
import time
from base64 import b32decode
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from partners.factors import USED_AT
from partners.models import Role, SecurityEvent, SecurityEventKind

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
TWO_STEP = reverse("two_step")
ENROL = reverse("security:enrol")
AUTHENTICATOR = reverse("security:authenticator")
SECURITY = reverse("security:page")


@pytest.fixture(autouse=True)
def _required(settings):
    settings.GCC_MFA_REQUIRED = True


def code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for ``secret`` (now, or a 30-second step later: a code
    is accepted once, and the next step's is within the allowed drift)."""
    key = b32decode(secret)
    return f"{totp(key, t0=-30 * steps_ahead):06d}"


def sign_in(user, client: Client | None = None):
    client = client or Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client, client.get(response.url)


def enrol_authenticator(client) -> tuple[str, list[str]]:
    """Set up an authenticator app on the page; the secret and the recovery codes shown."""
    page = client.get(AUTHENTICATOR).content.decode()
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    done = client.post(AUTHENTICATOR, {"code": code(secret), "next": HOME})
    assert done.status_code == 302
    codes_page = client.get(done.url).content.decode()
    codes = re.findall(r"<li class=\"col\">([a-z2-7-]{19})</li>", codes_page)
    return secret, codes


@pytest.fixture
def agent():
    return UserFactory(role=Role.ADMIN_AGENT)


def test_without_a_second_factor_a_partner_user_is_held_at_enrolment(agent):
    client, landing = sign_in(agent)
    assert landing.status_code == 302 and landing.url.startswith(ENROL)
    for path in (HOME, reverse("customers:list"), reverse("api_tokens:list"), SECURITY):
        held = client.get(path)
        assert held.status_code == 302 and held.url.startswith(ENROL), path
    assert client.post(reverse("api_tokens:list"), {"name": "x"}).url.startswith(ENROL)
    page = client.get(ENROL)
    assert b"must have a second factor" in page.content
    assert client.post(reverse("logout")).status_code == 302  # sign-out stays open


def test_enrolling_an_authenticator_lets_the_user_in_and_shows_recovery_codes_once(agent):
    client, _ = sign_in(agent)
    qr = client.get(reverse("security:authenticator_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    secret, codes = enrol_authenticator(client)
    assert len(secret) == 32 and len(codes) == 10
    assert client.get(HOME).status_code == 200
    assert client.get(reverse("security:recovery_codes")).status_code == 302  # shown once
    kinds = set(SecurityEvent.objects.filter(user=agent).values_list("kind", flat=True))
    assert kinds == {SecurityEventKind.AUTHENTICATOR_ADDED, SecurityEventKind.RECOVERY_CODES_ISSUED}


def test_a_wrong_code_is_refused_with_a_message_and_nothing_is_turned_on(agent):
    client, _ = sign_in(agent)
    client.get(AUTHENTICATOR)
    refused = client.post(AUTHENTICATOR, {"code": "000000"})
    assert refused.status_code == 400
    assert b"didn&#x27;t match" in refused.content
    assert client.get(HOME).url.startswith(ENROL)


def test_signing_in_again_asks_for_a_code_then_accepts_a_fresh_one(agent):
    client, _ = sign_in(agent)
    secret, _ = enrol_authenticator(client)
    client.post(reverse("logout"))

    client, landing = sign_in(agent)
    assert landing.url.startswith(TWO_STEP)
    assert client.get(HOME).url.startswith(TWO_STEP)
    assert client.post(TWO_STEP, {"code": code(secret)}).status_code == 400  # used at enrolment
    _wait_out_throttle(agent)
    passed = client.post(TWO_STEP, {"code": code(secret, 1), "next": HOME})
    assert passed.status_code == 302 and passed.url == HOME
    assert client.get(HOME).status_code == 200


def _wait_out_throttle(user) -> None:
    """A wrong code holds the next try back (1 s, doubling): let that time pass."""
    user.totpdevice_set.update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))
    user.staticdevice_set.update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def test_a_recovery_code_signs_in_once(agent):
    client, _ = sign_in(agent)
    _, codes = enrol_authenticator(client)
    client.post(reverse("logout"))

    client, _ = sign_in(agent)
    assert client.post(TWO_STEP, {"code": codes[0].upper(), "next": HOME}).url == HOME
    client.post(reverse("logout"))
    client, _ = sign_in(agent)
    reused = client.post(TWO_STEP, {"code": codes[0]})
    assert reused.status_code == 400 and b"didn&#x27;t work" in reused.content
    assert b"9 left" in reused.content


def test_wrong_codes_are_throttled(agent):
    client, _ = sign_in(agent)
    secret, _ = enrol_authenticator(client)
    client.post(reverse("logout"))
    client, _ = sign_in(agent)
    assert client.post(TWO_STEP, {"code": "123456"}).status_code == 400
    throttled = client.post(TWO_STEP, {"code": code(secret, 1)})
    assert throttled.status_code == 429 and b"Too many wrong codes" in throttled.content


def test_the_last_sign_in_method_cannot_be_removed_while_one_is_required(agent, settings):
    client, _ = sign_in(agent)
    enrol_authenticator(client)
    device = agent.totpdevice_set.get()
    remove = reverse("security:sign_in_method_remove", args=["authenticator", device.pk])
    refused = client.post(remove, follow=True)
    assert b"only sign-in method" in refused.content
    assert agent.totpdevice_set.exists()

    settings.GCC_MFA_REQUIRED = False
    client.post(remove)
    assert not agent.totpdevice_set.exists()
    assert not agent.staticdevice_set.exists()  # the recovery codes went with it


def test_another_users_sign_in_method_is_a_404(agent):
    other = UserFactory(partner=agent.partner)
    other_client, _ = sign_in(other)
    enrol_authenticator(other_client)
    client, _ = sign_in(agent)
    enrol_authenticator(client)
    theirs = other.totpdevice_set.get()
    remove = reverse("security:sign_in_method_remove", args=["authenticator", theirs.pk])
    assert client.post(remove).status_code == 404
    assert other.totpdevice_set.exists()


def test_a_password_alone_cannot_add_a_factor_to_an_enrolled_account(agent):
    client, _ = sign_in(agent)
    enrol_authenticator(client)
    client.post(reverse("logout"))
    client, _ = sign_in(agent)  # password only, at the two-step page
    assert client.get(AUTHENTICATOR).url == TWO_STEP
    assert client.get(reverse("security:authenticator_qr")).status_code == 404
    begin = client.post(reverse("passkeys:register_begin"), content_type="application/json")
    assert begin.status_code == 403


def test_a_global_admin_sees_enrolment_and_resets_a_users_factors(agent):
    admin = UserFactory(partner=agent.partner, role=Role.GLOBAL_ADMIN)
    agent_client, _ = sign_in(agent)
    enrol_authenticator(agent_client)
    admin_client, _ = sign_in(admin)
    enrol_authenticator(admin_client)

    users = admin_client.get(reverse("partners:user_list")).content.decode()
    assert "Authenticator app" in users

    reset = reverse("partners:user_factors_reset", args=[agent.public_id])
    assert admin_client.post(reset).status_code == 302
    assert not agent.totpdevice_set.exists()
    event = SecurityEvent.objects.get(user=agent, kind=SecurityEventKind.FACTORS_RESET)
    assert event.actor == admin
    # The agent's session ended; signing in again means enrolling again.
    assert agent_client.get(HOME).url == reverse("login")
    _, landing = sign_in(agent)
    assert landing.url.startswith(ENROL)


def test_reset_of_another_partners_user_is_a_404(agent):
    admin = UserFactory(role=Role.GLOBAL_ADMIN)  # another partner
    client, _ = sign_in(admin)
    enrol_authenticator(client)
    reset = reverse("partners:user_factors_reset", args=[agent.public_id])
    assert client.post(reset).status_code == 404


def test_creating_an_api_token_asks_for_the_factor_again_after_a_few_minutes(agent, settings):
    client, _ = sign_in(agent)
    secret, _ = enrol_authenticator(client)
    tokens = reverse("api_tokens:list")
    assert client.post(tokens, {"name": "Script", "expires_in_days": "90"}).status_code == 200

    session = client.session
    session[USED_AT] = time.time() - settings.GCC_MFA_STEP_UP_MINUTES * 60 - 1
    session.save()
    asked = client.post(tokens, {"name": "Later", "expires_in_days": "90"})
    assert asked.status_code == 302 and asked.url.startswith(TWO_STEP)
    assert "step_up=1" in asked.url
    assert agent.api_tokens.count() == 1
    page = client.get(asked.url)
    assert b"Confirm it&#x27;s you" in page.content
    back = client.post(asked.url, {"code": code(secret, 1), "step_up": "1", "next": tokens})
    assert back.url == tokens
    assert client.post(tokens, {"name": "Later", "expires_in_days": "90"}).status_code == 200
    assert agent.api_tokens.count() == 2


def test_changing_a_role_asks_for_the_factor_again(agent, settings):
    admin = UserFactory(partner=agent.partner, role=Role.GLOBAL_ADMIN)
    client, _ = sign_in(admin)
    enrol_authenticator(client)
    edit = reverse("partners:user_edit", args=[agent.public_id])
    assert client.get(edit).status_code == 200
    session = client.session
    session[USED_AT] = time.time() - settings.GCC_MFA_STEP_UP_MINUTES * 60 - 1
    session.save()
    asked = client.post(edit, {"role": Role.SALES_AGENT})
    assert asked.url.startswith(TWO_STEP)
    agent.refresh_from_db()
    assert agent.role == Role.ADMIN_AGENT


def test_a_reviewer_is_held_at_enrolment_before_the_admin(reviewer):
    client = Client()
    signed_in = client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": reviewer.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert signed_in.status_code == 302
    held = client.get("/admin/")
    assert held.status_code == 302 and held.url.startswith(ENROL)
    secret, _ = enrol_authenticator(client)
    assert client.get("/admin/").status_code == 200
    client.post(reverse("logout"))
    client.post(reverse("admin:login"), {"username": reviewer.username, "password": PASSWORD})
    assert client.get("/admin/").url.startswith(TWO_STEP)
    assert client.post(TWO_STEP, {"code": code(secret, 1), "next": "/admin/"}).url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_with_the_requirement_relaxed_an_unenrolled_user_goes_straight_in(agent, settings):
    settings.GCC_MFA_REQUIRED = False
    client, landing = sign_in(agent)
    assert landing.status_code == 200
    assert b"No second factor yet" in client.get(SECURITY).content


def test_the_api_is_not_held_by_the_second_factor(agent):
    client, _ = sign_in(agent)  # at enrolment, but /v1/ answers by token, not session
    response = client.get("/v1/customers")
    assert response.status_code == 401
