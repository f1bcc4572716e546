"""The eligibility criteria and Questions pages: public, linked where the source page sends its
reader (both validation forms, the "What is this?" dialog, the rejection and
information-requested emails)."""

import pytest
from django.test import Client
from django.urls import reverse

from partners.models import Role
from validation import services

from ..emails import send_recorded
from ..factories import PartnerRequestFactory, UserFactory, gcc_partner

pytestmark = pytest.mark.django_db

ELIGIBILITY = reverse("help:eligibility")
QUESTIONS = reverse("help:questions")


def test_both_pages_are_public_and_say_what_they_promise(settings):
    eligibility = Client().get(ELIGIBILITY).content.decode()
    for words in ("Partners", "Customers", "ITAR", "IRS Publication 1075", "CJIS", "tribal"):
        assert words in eligibility
    questions = Client().get(QUESTIONS).content.decode()
    assert "business day" in questions and "indirect provider" in questions
    assert f"mailto:{settings.GCC_VALIDATION_SUPPORT_EMAIL}" in questions


def test_signed_in_partner_users_read_them_in_the_workspace(client_for, admin_agent):
    page = client_for(admin_agent).get(ELIGIBILITY).content.decode()
    assert 'aria-label="Partner workspace"' in page


@pytest.mark.parametrize(
    "url", [reverse("validation:partner_new"), reverse("customers:validation_new")]
)
def test_the_forms_link_to_both_and_carry_the_source_pages_titles(client_for, url):
    agent = UserFactory(partner=gcc_partner(), role=Role.ADMIN_AGENT)  # may submit for customers
    if url == reverse("validation:partner_new"):
        agent = UserFactory(role=Role.ADMIN_AGENT)  # not yet GCC: may submit its own
    page = client_for(agent).get(url).content.decode()
    assert ELIGIBILITY in page and QUESTIONS in page
    assert "Office 365 Government GCC for CSP" in page.split("</title>")[0]


def test_the_what_is_this_dialog_links_to_the_criteria(client_for, admin_agent):
    page = client_for(admin_agent).get(reverse("orders:new_customer")).content.decode()
    dialog = page.split('id="validation-code-help"', 1)[1]
    assert ELIGIBILITY in dialog and QUESTIONS in dialog


def test_the_rejection_and_question_emails_link_to_both(settings):
    rejected = PartnerRequestFactory()
    services.validation_request_reject(request_id=rejected.pk, reason="No government customers.")
    asked = PartnerRequestFactory()
    services.validation_request_request_info(request_id=asked.pk, question="Which agency?")
    for template in ("validation_rejected", "validation_info_requested"):
        messages = send_recorded(template)
        assert messages, template
        for message in messages:
            assert settings.GCC_SITE_URL + ELIGIBILITY in message.body
            html = message.alternatives[0][0]
            assert settings.GCC_SITE_URL + QUESTIONS in html
