"""Scenario: identity. A forgotten password reset through the emailed link; an authenticator app
enrolled (codes computed from the secret the page shows, as an app does) and used with a code
and with a recovery code; a passkey enrolled and used with Chromium's virtual authenticator
(the DevTools protocol's WebAuthn domain); a reviewer into /admin/ with a second factor; an
unenrolled user held at enrolment. Every page is audited (axe) and kept as a screenshot."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from partners.factors import authenticator_secret
from partners.models import Role

from ..emails import send_recorded
from ..factories import PASSWORD, UserFactory, gcc_partner
from .browser import exactly, expect_error_next_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Fresh-Start-2026!"


@pytest.fixture
def required(settings):
    settings.GCC_MFA_REQUIRED = True


def code(secret: str, steps_ahead: int = 0) -> str:
    return f"{totp(b32decode(secret), t0=-30 * steps_ahead):06d}"


def agent(username: str = "pat@tailspin.test"):
    return UserFactory(
        partner=gcc_partner(name="Tailspin Federal Systems"),
        role=Role.ADMIN_AGENT,
        username=username,
        email=username,
    )


def sign_out(someone) -> None:
    someone.page.get_by_role("button", name="Sign out").click()
    someone.check("signed-out")


def password_step(someone, username: str, password: str = PASSWORD, *, path="/accounts/login/"):
    page = someone.goto(path, "sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("^Log in$|^Sign in$")).click()
    return page


def test_a_forgotten_password_is_reset_through_the_emailed_link(person):
    user = agent()
    pat = person()
    page = pat.goto("/accounts/login/", "sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    pat.check("reset-ask")
    page.get_by_label(exactly("Email")).fill(user.email)
    page.get_by_role("button", name=re.compile("reset link", re.I)).click()
    pat.check("reset-sent")
    expect(page.get_by_text("If the address belongs to an account")).to_be_visible()

    (message,) = send_recorded("password_reset")
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    pat.page.goto(link)
    pat.check("reset-choose-password")
    page.get_by_label(exactly("New password")).fill(NEW_PASSWORD)
    page.get_by_label(exactly("New password confirmation")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("password", re.I)).click()
    pat.check("reset-done")

    password_step(pat, user.username, NEW_PASSWORD)
    pat.check("home")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_an_authenticator_app_is_enrolled_and_signs_in_with_a_code_and_a_recovery_code(
    person, required
):
    user = agent()
    pat = person()
    page = password_step(pat, user.username)
    pat.check("held-at-enrolment")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    pat.page.goto(pat.url("/customers/"))  # nothing else opens until enrolled
    pat.check("still-held")
    expect(page).to_have_url(re.compile(r"/settings/security/set-up/"))

    page.get_by_role("link", name="Set up an authenticator app").click()
    pat.check("authenticator-setup")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("#authenticator-secret").get_attribute("data-secret")
    page.get_by_label(exactly("Code from the app")).fill("000000")
    page.get_by_role("button", name="Turn on").click()
    pat.check("authenticator-wrong-code")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("That code didn't match")
    expect_error_next_to(page.get_by_label(exactly("Code from the app")), "That code didn't match")
    page.get_by_label(exactly("Code from the app")).fill(code(secret))
    page.get_by_role("button", name="Turn on").click()
    pat.check("recovery-codes")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I've saved them, continue").click()
    pat.check("home-after-enrolment")
    sign_out(pat)

    password_step(pat, user.username)
    pat.check("two-step")
    page.get_by_label(exactly("Code")).fill(code(secret, 1))
    page.get_by_role("button", name="Verify").click()
    pat.check("home-after-code")
    sign_out(pat)

    password_step(pat, user.username)
    pat.check("two-step-again")
    page.get_by_label(exactly("Code")).fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    pat.check("home-after-recovery-code")
    pat.menu("Settings", "Security")
    pat.check("security-page")
    expect(page.get_by_text("9 of your recovery codes are left")).to_be_visible()
    expect(page.get_by_role("cell", name="Authenticator app", exact=True)).to_be_visible()


def _virtual_authenticator(someone) -> None:
    """A platform authenticator in this window that says yes by itself (Chromium's DevTools
    WebAuthn domain): no dialog, a real credential and real signatures."""
    cdp = someone.page.context.new_cdp_session(someone.page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_passkey_is_enrolled_and_signs_in(person, required):
    user = agent()
    pat = person()
    _virtual_authenticator(pat)
    page = password_step(pat, user.username)
    pat.check("held-at-enrolment")
    page.get_by_role("button", name="Add a passkey").click()
    pat.check("recovery-codes")
    page.get_by_role("link", name="I've saved them, continue").click()
    pat.check("home-after-passkey")
    sign_out(pat)

    password_step(pat, user.username)
    pat.check("two-step")
    page.get_by_role("button", name="Use a passkey").click()
    pat.check("home-after-passkey-sign-in")
    pat.menu("Settings", "Security")
    pat.check("security-page")
    expect(page.get_by_role("cell", name="Passkey", exact=True)).to_be_visible()


def test_a_reviewer_signs_in_to_the_admin_with_a_second_factor(person, required, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="Authenticator app")
    secret = authenticator_secret(device)
    riley = person()
    page = password_step(riley, reviewer.username, path="/admin/login/?next=/admin/")
    riley.check("two-step")
    page.get_by_label(exactly("Code")).fill(code(secret))
    page.get_by_role("button", name="Verify").click()
    riley.check("admin-index")
    expect(page.get_by_role("heading", name="Validation queue and records")).to_be_visible()
