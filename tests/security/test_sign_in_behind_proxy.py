"""Sign-in throttling behind the reverse proxy: the lock is per (username, real client address),
and a per-username ceiling slows guessing spread over many addresses without letting a stranger
keep the user out (lib/forwarded.py, lib/signin.py).

Addresses are from the documentation ranges: the proxy 192.0.2.10, clients 198.51.100.0/24 and
203.0.113.0/24 (only ever strings in REMOTE_ADDR / X-Forwarded-For here).
"""

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog
from django.test import Client
from django.urls import reverse

from lib.signin import DEVICE_COOKIE
from relationships import services as relationships

from ..factories import PASSWORD, CustomerAdminFactory

pytestmark = pytest.mark.django_db

PROXY = "192.0.2.10"
VICTIM = "198.51.100.7"
LOGIN = reverse("login")
HOME = reverse("home")


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings):
    settings.GCC_TRUSTED_PROXIES = [f"{PROXY}/32"]
    settings.AXES_FAILURE_LIMIT = 5
    settings.GCC_SIGNIN_USERNAME_FAILURE_LIMIT = 10
    settings.GCC_SIGNIN_USERNAME_WINDOW_MINUTES = 60
    settings.GCC_SIGNIN_DELAY_SECONDS = 30
    settings.GCC_SIGNIN_DELAY_MAX_SECONDS = 900


def via_proxy(client_address: str) -> dict:
    """What the proxy sends for a client at ``client_address`` (it replaces X-Forwarded-For)."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def sign_in(client, username, password, url=LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def status_from_victim(client, username, password=PASSWORD) -> int:
    """The status of a sign-in from the victim's address, through the proxy."""
    return sign_in(client, username, password, **via_proxy(VICTIM)).status_code


def fail_from(address: str, username: str, times: int, url=LOGIN) -> list[int]:
    """``times`` wrong passwords from a fresh browser at ``address`` (through the proxy)."""
    stranger = Client()
    return [
        sign_in(stranger, username, "wrong-password", url=url, **via_proxy(address)).status_code
        for _ in range(times)
    ]


def age_failures(username: str, seconds: float) -> None:
    """As if the username's failures had happened ``seconds`` earlier."""
    for failure in AccessFailureLog.objects.filter(username=username):
        failure.attempt_time -= timedelta(seconds=seconds)
        failure.save(update_fields=["attempt_time"])


def over_the_ceiling(username: str, url=LOGIN) -> None:
    """11 failures (the ceiling is 10) from three addresses, none of them locked 5 times."""
    statuses = [
        *fail_from("203.0.113.1", username, 4, url),
        *fail_from("203.0.113.2", username, 4, url),
        *fail_from("203.0.113.3", username, 3, url),
    ]
    assert all(status in (200, 400) for status in statuses), statuses  # the form, again


# --- The lock is per (username, real client address) -----------------------------------------


class TestPerAddressLock:
    def test_a_stranger_behind_the_proxy_cannot_lock_the_victim_out(self, sales_agent):
        stranger = Client()
        answers = [
            sign_in(stranger, sales_agent.username, "wrong", **via_proxy("203.0.113.66"))
            for _ in range(5)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]  # stranger locked
        victim = sign_in(Client(), sales_agent.username, PASSWORD, **via_proxy(VICTIM))
        assert victim.status_code == 302 and victim.url == HOME

    def test_the_stranger_stays_locked_whatever_else_the_proxy_reports(self, sales_agent):
        fail_from("203.0.113.66", sales_agent.username, 5)
        again = sign_in(Client(), sales_agent.username, PASSWORD, **via_proxy("203.0.113.66"))
        assert again.status_code == 429
        assert "Try again in 15 minutes" in again.content.decode()

    def test_a_spoofed_forwarded_for_from_an_untrusted_address_is_ignored(self, sales_agent):
        """Not from the proxy: X-Forwarded-For is the sender's own claim, so rotating it doesn't
        dodge the lock of the address the connection really comes from."""
        spoofer = Client()
        answers = [
            sign_in(
                spoofer,
                sales_agent.username,
                "wrong",
                REMOTE_ADDR="203.0.113.99",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(1, 7)
        ]
        assert answers == [200, 200, 200, 200, 429, 429]
        # ... and it locked only its own address: the victim, through the proxy, signs in.
        assert status_from_victim(Client(), sales_agent.username) == 302

    def test_nor_can_a_stranger_claim_the_victims_address(self, sales_agent):
        """A stranger who sends the victim's address as X-Forwarded-For from an untrusted
        connection fails against its own address, not the victim's."""
        for _ in range(5):
            sign_in(
                Client(),
                sales_agent.username,
                "wrong",
                REMOTE_ADDR="203.0.113.99",
                HTTP_X_FORWARDED_FOR=VICTIM,
            )
        assert status_from_victim(Client(), sales_agent.username) == 302


# --- The per-username ceiling ------------------------------------------------------------------


class TestUsernameCeiling:
    def test_device_less_attempts_wait_and_the_victim_with_their_device_cookie_signs_in(
        self, sales_agent
    ):
        victim = Client()
        assert status_from_victim(victim, sales_agent.username) == 302
        assert DEVICE_COOKIE in victim.cookies
        victim.post(reverse("logout"), **via_proxy(VICTIM))

        over_the_ceiling(sales_agent.username)

        # A fresh browser, from a fresh address, with the right password: held back, told for how
        # long, and not a word about whether the password was right.
        newcomer = sign_in(Client(), sales_agent.username, PASSWORD, **via_proxy("203.0.113.50"))
        assert newcomer.status_code == 429
        assert newcomer["Retry-After"] == "30"
        page = newcomer.content.decode()
        assert "Try again in 30 seconds" in page
        assert "signed in from before can still sign in" in page

        # The victim's browser holds a device cookie for that username: never held back.
        answer = sign_in(victim, sales_agent.username, PASSWORD, **via_proxy(VICTIM))
        assert answer.status_code == 302 and answer.url == HOME

    def test_the_refused_attempts_are_not_counted(self, sales_agent):
        over_the_ceiling(sales_agent.username)
        statuses = fail_from("203.0.113.60", sales_agent.username, 5)
        assert statuses == [429] * 5
        assert AccessFailureLog.objects.filter(username=sales_agent.username).count() == 11

    def test_the_delay_doubles_with_each_further_failure_up_to_the_cap(self, settings, sales_agent):
        settings.GCC_SIGNIN_DELAY_MAX_SECONDS = 100
        over_the_ceiling(sales_agent.username)
        seen = []
        for _ in range(4):
            refused = sign_in(Client(), sales_agent.username, "x", **via_proxy("203.0.113.70"))
            assert refused.status_code == 429
            wait = int(refused["Retry-After"])
            seen.append(wait)
            age_failures(sales_agent.username, wait)  # the wait is over ...
            admitted = fail_from("203.0.113.71", sales_agent.username, 1)  # ... one more try
            assert admitted == [200]
        assert seen == [30, 60, 100, 100]

    def test_below_the_ceiling_nobody_waits(self, sales_agent):
        fail_from("203.0.113.1", sales_agent.username, 4)
        fail_from("203.0.113.2", sales_agent.username, 4)
        fail_from("203.0.113.3", sales_agent.username, 2)  # 10 failures: at the ceiling
        assert status_from_victim(Client(), sales_agent.username) == 302

    def test_failures_older_than_the_window_no_longer_count(self, settings, sales_agent):
        over_the_ceiling(sales_agent.username)
        age_failures(sales_agent.username, settings.GCC_SIGNIN_USERNAME_WINDOW_MINUTES * 60 + 1)
        assert status_from_victim(Client(), sales_agent.username) == 302

    def test_other_usernames_are_not_held_back(self, sales_agent, admin_agent):
        over_the_ceiling(sales_agent.username)
        assert status_from_victim(Client(), admin_agent.username) == 302

    def test_a_device_cookie_counts_only_for_its_own_user(self, sales_agent, admin_agent):
        shared_desk = Client()
        assert status_from_victim(shared_desk, admin_agent.username) == 302
        shared_desk.post(reverse("logout"), **via_proxy(VICTIM))
        over_the_ceiling(sales_agent.username)
        refused = sign_in(shared_desk, sales_agent.username, PASSWORD, **via_proxy(VICTIM))
        assert refused.status_code == 429

    def test_a_tampered_device_cookie_is_worth_nothing(self, sales_agent):
        victim = Client()
        sign_in(victim, sales_agent.username, PASSWORD, **via_proxy(VICTIM))
        value = victim.cookies[DEVICE_COOKIE].value
        over_the_ceiling(sales_agent.username)
        forger = Client()
        forger.cookies[DEVICE_COOKIE] = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
        assert status_from_victim(forger, sales_agent.username) == 429

    def test_changing_the_password_retires_the_device_cookies(self, sales_agent):
        old_browser = Client()
        sign_in(old_browser, sales_agent.username, PASSWORD, **via_proxy(VICTIM))
        old_browser.post(reverse("logout"), **via_proxy(VICTIM))
        sales_agent.set_password("a-new-long-passphrase-42")
        sales_agent.save()
        over_the_ceiling(sales_agent.username)
        answer = sign_in(
            old_browser, sales_agent.username, "a-new-long-passphrase-42", **via_proxy(VICTIM)
        )
        assert answer.status_code == 429

    def test_an_expired_device_cookie_is_worth_nothing(self, settings, sales_agent):
        victim = Client()
        sign_in(victim, sales_agent.username, PASSWORD, **via_proxy(VICTIM))
        victim.post(reverse("logout"), **via_proxy(VICTIM))
        over_the_ceiling(sales_agent.username)
        settings.GCC_SIGNIN_DEVICE_COOKIE_DAYS = 0
        assert status_from_victim(victim, sales_agent.username) == 429


# --- The three doors ---------------------------------------------------------------------------


def _portal(request):
    return LOGIN, request.getfixturevalue("sales_agent")


def _reviewers_admin(request):
    return reverse("admin:login"), request.getfixturevalue("reviewer")


def _admin_center(request):
    rr = relationships.relationship_request_create(actor=request.getfixturevalue("admin_agent"))
    token = relationships.relationship_link_token(rr)
    url = reverse("admin_center:invitation", kwargs={"token": token})
    return url, CustomerAdminFactory(username="admin@springfield.gov")


@pytest.mark.parametrize("door", [_portal, _reviewers_admin, _admin_center])
def test_every_sign_in_door_has_the_ceiling_and_honours_the_device_cookie(request, door):
    url, user = door(request)
    known = Client()
    assert sign_in(known, user.username, PASSWORD, url=url, **via_proxy(VICTIM)).status_code == 302
    assert DEVICE_COOKIE in known.cookies
    known.post(reverse("logout"), **via_proxy(VICTIM))

    over_the_ceiling(user.username, url=url)
    refused = sign_in(Client(), user.username, PASSWORD, url=url, **via_proxy("203.0.113.50"))
    assert refused.status_code == 429 and "Try again in 30 seconds" in refused.content.decode()
    assert sign_in(known, user.username, PASSWORD, url=url, **via_proxy(VICTIM)).status_code == 302


# --- Forwarded headers count from the trusted proxy only ------------------------------------


class TestForwardedProto:
    @pytest.fixture(autouse=True)
    def _production_https(self, settings):
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.SECURE_SSL_REDIRECT = True

    def test_the_proxy_says_https_and_the_page_answers(self, client):
        response = client.get(LOGIN, HTTP_X_FORWARDED_PROTO="https", **via_proxy(VICTIM))
        assert response.status_code == 200

    def test_anyone_else_saying_https_is_sent_to_https(self, client):
        response = client.get(LOGIN, REMOTE_ADDR="203.0.113.99", HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 301
        assert response["Location"].startswith("https://")

    def test_with_no_trusted_proxy_configured_nobody_is_believed(self, client, settings):
        settings.GCC_TRUSTED_PROXIES = []
        response = client.get(LOGIN, HTTP_X_FORWARDED_PROTO="https", **via_proxy(VICTIM))
        assert response.status_code == 301
