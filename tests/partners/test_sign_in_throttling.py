"""Sign-in throttling (django-axes): repeated wrong passwords lock that sign-in for a while."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
HOME = reverse("home")


def sign_in(client, username, password, url=LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", **extra)
        assert response.status_code == 200  # the form again, with its error


def lock_out(client, username, url=LOGIN):
    """Fail up to the limit: the failure that reaches it already answers with the lockout."""
    fail(client, username, settings.AXES_FAILURE_LIMIT - 1, url=url)
    assert sign_in(client, username, "wrong-password", url=url).status_code == 429


class TestLockout:
    def test_wrong_passwords_up_to_the_limit_still_let_the_right_one_in(
        self, client, settings, sales_agent
    ):
        fail(client, sales_agent.username, settings.AXES_FAILURE_LIMIT - 1)
        response = sign_in(client, sales_agent.username, PASSWORD)
        assert response.status_code == 302 and response.url == HOME

    def test_a_success_resets_the_count(self, client, settings, sales_agent):
        fail(client, sales_agent.username, settings.AXES_FAILURE_LIMIT - 1)
        assert sign_in(client, sales_agent.username, PASSWORD).status_code == 302
        client.logout()
        fail(client, sales_agent.username, settings.AXES_FAILURE_LIMIT - 1)
        assert sign_in(client, sales_agent.username, PASSWORD).status_code == 302

    def test_after_the_limit_even_the_right_password_is_refused_with_a_clear_page(
        self, client, settings, sales_agent
    ):
        lock_out(client, sales_agent.username)
        response = sign_in(client, sales_agent.username, PASSWORD)
        assert response.status_code == 429
        page = response.content.decode()
        assert "Too many failed sign-ins" in page and "Try again in 15 minutes" in page
        assert "_auth_user_id" not in client.session
        assert client.get(HOME).status_code == 302  # still signed out

    def test_the_lock_lifts_after_the_cool_off(self, client, settings, sales_agent):
        from axes.models import AccessAttempt

        lock_out(client, sales_agent.username)
        assert sign_in(client, sales_agent.username, PASSWORD).status_code == 429
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
        )
        assert sign_in(client, sales_agent.username, PASSWORD).status_code == 302

    def test_the_lock_is_for_that_username_from_that_address_only(
        self, client, settings, sales_agent, admin_agent
    ):
        lock_out(client, sales_agent.username)
        assert sign_in(client, admin_agent.username, PASSWORD).status_code == 302
        client.logout()
        elsewhere = sign_in(client, sales_agent.username, PASSWORD, REMOTE_ADDR="198.51.100.7")
        assert elsewhere.status_code == 302  # an attacker can't lock a user out everywhere

    def test_the_reviewers_admin_sign_in_is_throttled_too(self, client, settings, reviewer):
        lock_out(client, reviewer.username, url=ADMIN_LOGIN)
        response = sign_in(client, reviewer.username, PASSWORD, url=ADMIN_LOGIN)
        assert response.status_code == 429

    def test_ops_can_lift_a_lockout(self, client, settings, sales_agent):
        from django.core.management import call_command

        lock_out(client, sales_agent.username)
        call_command("axes_reset_username", sales_agent.username)
        assert sign_in(client, sales_agent.username, PASSWORD).status_code == 302
