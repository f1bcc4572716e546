"""English or Spanish: the browser decides before sign-in, the switcher (kept on the profile)
after; emails go out in their recipient's language; dates and prices read as the language
writes them. (/v1/ stays English: tests/api/test_language.py.)"""

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from partners.models import Role
from validation import services

from ..emails import send_recorded
from ..factories import PASSWORD, UserFactory, customer_request_data, gcc_partner

pytestmark = pytest.mark.django_db
SET_LANGUAGE = reverse("set_language")


def spanish(english: str) -> str:
    """What the Spanish catalog says for ``english`` (which it must translate)."""
    with translation.override("es"):
        said = translation.gettext(english)
    assert said != english, f"the Spanish catalog has no translation of {english!r}"
    return said


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


class TestChoosing:
    def test_before_sign_in_the_browser_decides(self, client):
        page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
        html = page.content.decode()
        assert '<html lang="es">' in html
        assert spanish("Forgot your password?") in html
        assert page["Content-Language"] == "es"
        english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert '<html lang="en">' in english.content.decode()
        assert "Forgot your password?" in english.content.decode()

    def test_a_language_nobody_translated_falls_back_to_english(self, client):
        page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
        assert '<html lang="en">' in page.content.decode()

    def test_the_switcher_is_on_every_layout_and_marks_the_current_language(
        self, client, client_for, seller
    ):
        for page in (
            client.get(reverse("login")),
            client.get(reverse("help:questions")),
            client_for(seller).get(reverse("customers:list")),
        ):
            html = page.content.decode()
            assert f'action="{SET_LANGUAGE}"' in html
            assert 'value="es" lang="es"' in html and ">Español</button>" in html
            assert 'aria-pressed="true">English</button>' in html

    def test_signed_out_the_choice_is_a_cookie(self, client):
        answer = client.post(SET_LANGUAGE, {"language": "es", "next": reverse("login")})
        assert answer.status_code == 302 and answer["Location"] == reverse("login")
        html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<html lang="es">' in html

    def test_signed_in_the_choice_is_kept_on_the_profile(self, client, client_for, seller):
        client_for(seller).post(SET_LANGUAGE, {"language": "es", "next": "/"})
        seller.refresh_from_db()
        assert seller.language == "es"
        # Another browser, another day, an English browser: the profile wins.
        client.cookies.clear()
        client.force_login(seller)
        page = client.get(reverse("customers:list"), HTTP_ACCEPT_LANGUAGE="en-US")
        html = page.content.decode()
        assert '<html lang="es">' in html and spanish("Add customer") in html

    def test_a_choice_made_before_sign_in_is_kept_on_a_profile_without_one(self, client, seller):
        client.post(SET_LANGUAGE, {"language": "es", "next": reverse("login")})
        client.post(reverse("login"), {"username": seller.username, "password": PASSWORD})
        seller.refresh_from_db()
        assert seller.language == "es"  # so its emails are in Spanish too
        # A profile that has a language keeps it: the switcher changes it, not the cookie.
        client.post(reverse("logout"))
        client.post(SET_LANGUAGE, {"language": "en", "next": reverse("login")})
        client.post(reverse("login"), {"username": seller.username, "password": PASSWORD})
        seller.refresh_from_db()
        assert seller.language == "es"
        page = client.get(reverse("customers:list"))
        assert '<html lang="es">' in page.content.decode()

    def test_an_unknown_language_changes_nothing(self, client_for, seller):
        client_for(seller).post(SET_LANGUAGE, {"language": "xx", "next": "/"})
        seller.refresh_from_db()
        assert seller.language == ""


class TestEmails:
    def submit(self, seller, **overrides):
        return services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(seller.partner, **overrides),
        )

    def test_the_contact_and_the_agent_each_read_their_own_language(self, seller):
        seller.language = "en"
        seller.save()
        self.submit(seller, contact_language="es")
        sent = {tuple(m.to): m for m in send_recorded("validation_submitted")}
        contact, agent = sent[("it@lincolncounty.gov",)], sent[(seller.email,)]
        assert contact.extra_headers["Content-Language"] == "es"
        assert agent.extra_headers["Content-Language"] == "en"
        assert contact.subject != agent.subject
        html, _ = contact.alternatives[0]
        assert spanish("GCC Partner Portal") in html

    def test_one_language_is_one_email_to_both(self, seller):
        self.submit(seller)
        [email] = send_recorded("validation_submitted")
        assert sorted(email.to) == sorted(["it@lincolncounty.gov", seller.email])

    def test_the_form_asks_the_contacts_language_defaulting_to_the_agents(self, client_for, seller):
        client = client_for(seller)
        client.post(SET_LANGUAGE, {"language": "es", "next": "/"})
        html = client.get(reverse("customers:validation_new")).content.decode()
        assert 'name="contact_language"' in html
        assert '<option value="es" selected>' in html


class TestFormats:
    moment = datetime(2026, 12, 3, 14, 5, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @pytest.mark.parametrize(
        "language,date,when",
        [
            ("en", "Dec 3, 2026", "Dec 3, 2026 2:05 PM EST"),
            ("es", "3 dic 2026", "3 dic 2026, 14:05 EST"),
        ],
    )
    def test_dates_in_the_readers_order_with_the_zone_named(self, language, date, when):
        with translation.override(language):
            assert date_format(self.moment, "DATE_FORMAT") == date
            assert date_format(self.moment, "DATETIME_FORMAT") == when

    @pytest.mark.parametrize("language,price", [("en", "$1,234.50"), ("es", "US$1,234.50")])
    def test_prices_in_us_dollars_grouped(self, language, price):
        template = Template("{% load portal %}{{ amount|money }}")
        with translation.override(language):
            assert template.render(Context({"amount": Decimal("1234.5")})) == price


def test_the_reviewers_admin_names_itself_in_the_reviewers_language(client, reviewer):
    """The admin's site names and the queue's columns are translated like the rest."""
    from ..factories import PartnerRequestFactory

    PartnerRequestFactory()
    reviewer.language = "es"
    reviewer.save(update_fields=["language"])
    client.force_login(reviewer)
    html = client.get(reverse("admin:validation_validationrequest_changelist")).content.decode()
    assert "Portal de partners de GCC: revisores de Microsoft" in html
    assert "| Revisores de GCC</title>" in html
    assert ">Referencia<" in html and ">Reference<" not in html
