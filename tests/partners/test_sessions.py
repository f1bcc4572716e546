"""How long a signed-in session lasts (lib/sessions.py), and what a signed-in page leaves
behind: an idle timeout, an absolute lifetime, sign-out everywhere on a password change,
``Cache-Control: no-store`` on signed-in pages, and a ``Permissions-Policy`` on every answer.
Sessions are real (the database backend); time passes by moving the session's clocks back."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from lib.sessions import LAST_SEEN, SIGNED_IN_AT

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture
def agent():
    return UserFactory()


def _signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert client.get(HOME).status_code == 200  # the first signed-in request sets the clocks
    return client


def _move_clocks_back(client, **seconds) -> None:
    session = client.session
    for key, ago in seconds.items():
        session[key] = time.time() - ago
    session.save()


def _signed_out_with(client, response, text: str) -> None:
    assert response.status_code == 302
    to_sign_in = client.get(response.url)
    assert to_sign_in.url.startswith(reverse("login"))
    page = client.get(to_sign_in.url).content.decode()
    assert text in page
    assert client.get(HOME).status_code == 302  # still signed out


def test_a_session_idle_longer_than_the_timeout_is_signed_out(agent, settings):
    client = _signed_in(agent)
    _move_clocks_back(client, **{LAST_SEEN: settings.GCC_SESSION_IDLE_MINUTES * 60 - 5})
    assert client.get(HOME).status_code == 200  # within the timeout: still in, clock renewed
    _move_clocks_back(client, **{LAST_SEEN: settings.GCC_SESSION_IDLE_MINUTES * 60 + 5})
    _signed_out_with(client, client.get(HOME), "30 minutes without activity")


def test_an_active_session_still_ends_at_its_absolute_lifetime(agent, settings):
    assert settings.SESSION_COOKIE_AGE == settings.GCC_SESSION_MAX_HOURS * 3600 == 12 * 3600
    client = _signed_in(agent)
    _move_clocks_back(client, **{SIGNED_IN_AT: 12 * 3600 + 5, LAST_SEEN: 10})
    _signed_out_with(client, client.get(HOME), "a session lasts at most 12 hours")


def test_the_timeouts_are_settings(agent, settings):
    settings.GCC_SESSION_IDLE_MINUTES = 5
    client = _signed_in(agent)
    _move_clocks_back(client, **{LAST_SEEN: 6 * 60})
    _signed_out_with(client, client.get(HOME), "5 minutes without activity")


def test_a_password_change_signs_out_the_other_sessions(agent):
    laptop, phone = _signed_in(agent), _signed_in(agent)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-Test-password-43",
            "new_password2": "another-Test-password-43",
        },
    )
    assert response.status_code == 302
    assert laptop.get(HOME).status_code == 200  # the session that changed it stays in
    assert phone.get(HOME).status_code == 302  # the other one is out


def test_signed_in_pages_are_not_stored_and_every_answer_has_a_permissions_policy(agent):
    signed_out = Client().get(reverse("login"))
    client = _signed_in(agent)
    for path in (HOME, reverse("customers:list"), reverse("password_change")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path
    for response in (signed_out, client.get(HOME)):
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy
        assert "publickey-credentials-get=(self)" in policy  # passkeys stay possible


def test_a_reviewer_idle_in_the_admin_is_sent_to_the_admins_sign_in(reviewer, settings):
    client = Client()
    assert (
        client.post(
            reverse("admin:login"), {"username": reviewer.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get(reverse("admin:index")).status_code == 200
    _move_clocks_back(client, **{LAST_SEEN: settings.GCC_SESSION_IDLE_MINUTES * 60 + 5})
    response = client.get(reverse("admin:index"))
    assert response.url == reverse("admin:index")
    to_sign_in = client.get(response.url)
    assert to_sign_in.url.startswith(reverse("admin:login"))
    assert "without activity" in client.get(to_sign_in.url).content.decode()
