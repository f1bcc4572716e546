"""Forgot password (partners/passwords.py), as a person who forgot it goes through it: ask from
the sign-in page, open the emailed link, choose a new password, sign in. The same answer for an
unknown address; a link works once and expires; reset emails are throttled; partner users,
customer admins and reviewers alike."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..emails import send_recorded
from ..factories import PASSWORD, CustomerAdminFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-New-password-77"
ASK = reverse("password_reset")


def _ask(client, email):
    response = client.post(ASK, {"email": email})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    return client.get(response.url).content.decode()


def _link(message) -> str:
    return re.search(r"https?://\S+(/accounts/password/reset/\S+/\S+/)", message.body).group(1)


def _set_new_password(client, link):
    form_page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert "Choose a new password" in form_page.content.decode()
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def _signs_in(username, password) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_the_sign_in_page_offers_it_and_the_whole_reset_works(client):
    user = UserFactory(email="pat@contoso.test")
    other_session = Client()
    other_session.force_login(user)
    assert ASK in client.get(reverse("login")).content.decode()

    page = _ask(client, "PAT@contoso.test")  # the address in any case
    assert "If the address belongs to an account" in page
    (message,) = send_recorded("password_reset")
    assert message.to == ["pat@contoso.test"] and user.username in message.body
    assert "works once, for 1 hour" in message.body

    done = _set_new_password(client, _link(message))
    assert done.url == reverse("password_reset_complete")
    assert _signs_in(user.username, NEW_PASSWORD) and not _signs_in(user.username, PASSWORD)
    assert other_session.get(reverse("home")).status_code == 302  # signed out everywhere

    again = client.get(_link(message), follow=True).content.decode()
    assert "This link no longer works" in again  # once only


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    UserFactory(email="pat@contoso.test")
    known = _ask(Client(), "pat@contoso.test")
    unknown = _ask(client, "nobody@contoso.test")
    assert re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", known) == re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", unknown
    )
    assert [m.to for m in send_recorded("password_reset")] == [["pat@contoso.test"]]


def test_an_old_link_has_expired(client, settings):
    user = UserFactory(email="pat@contoso.test")
    tokens = default_token_generator  # a link made two hours ago, on its own clock
    two_hours_ago = tokens._num_seconds(tokens._now()) - 2 * 3600
    token = tokens._make_token_with_timestamp(user, two_hours_ago, tokens.secret)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    assert "This link no longer works" in page.content.decode()
    assert "expires after 1 hour" in page.content.decode()


def test_reset_emails_are_throttled_per_account(client, settings):
    UserFactory(email="pat@contoso.test")
    for _ in range(settings.GCC_PASSWORD_RESET_EMAILS_PER_HOUR + 2):
        assert "If the address belongs to an account" in _ask(client, "pat@contoso.test")
    assert len(send_recorded("password_reset")) == settings.GCC_PASSWORD_RESET_EMAILS_PER_HOUR


def test_a_customer_admin_resets_from_the_portal_sign_in(client):
    admin = CustomerAdminFactory(email="it@springfield.test")
    _ask(client, "it@springfield.test")
    (message,) = send_recorded("password_reset")
    _set_new_password(client, _link(message))
    assert _signs_in(admin.username, NEW_PASSWORD)


def test_a_reviewer_resets_from_the_admin_sign_in(client, reviewer):
    assert reverse("admin_password_reset") in client.get(reverse("admin:login")).content.decode()
    response = client.post(reverse("admin_password_reset"), {"email": reviewer.email})
    assert response.status_code == 302
    (message,) = send_recorded("password_reset")
    _set_new_password(client, _link(message))
    signed_in = Client().post(
        reverse("admin:login"), {"username": reviewer.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
