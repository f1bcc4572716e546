"""The 400, 403, 404 and 500 pages: the portal's layout (landmarks, skip link), a title that
says what happened, and a way back for whoever is reading."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from ..factories import CustomerFactory, manage

pytestmark = pytest.mark.django_db


def assert_portal_layout(html: str, title: str) -> None:
    assert re.search(rf"<title>{re.escape(title)} · GCC Partner Portal</title>", html), html[:400]
    assert 'href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html and "<header>" in html and "<nav " in html
    assert html.count("<h1") == 1


def test_an_address_that_is_no_page_is_a_404_with_the_way_to_sign_in(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_portal_layout(html, "Page not found (404)")
    assert f'href="{reverse("login")}">Sign in</a>' in html


def test_another_partners_customer_is_a_404_with_the_way_home(client, outsider, partner):
    customer = CustomerFactory()
    manage(partner, customer)
    client.force_login(outsider)
    response = client.get(reverse("customers:detail", args=[customer.uuid]))
    assert response.status_code == 404
    html = response.content.decode()
    assert_portal_layout(html, "Page not found (404)")
    assert f'href="{reverse("home")}">Go to your workspace' in html


def test_a_reviewer_refused_an_admin_page_gets_the_403_with_the_way_to_the_queue(
    client, reviewer, admin_agent
):
    client.force_login(reviewer)
    response = client.get(reverse("admin:partners_user_change", args=[admin_agent.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert_portal_layout(html, "You may not open this page (403)")
    assert f'href="{reverse("admin:index")}">Go to the reviewers' in html


def test_a_form_sent_without_its_csrf_cookie_is_told_to_reload(reviewer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_portal_layout(response.content.decode(), "The form expired: nothing was sent (403)")


@pytest.mark.parametrize(
    ("template", "title"),
    [
        ("400.html", "The portal could not read this request (400)"),
        ("500.html", "Something went wrong on our side (500)"),
    ],
)
def test_the_400_and_500_pages_render_without_a_request(template, title):
    """Django renders them without the request (and for a 500, maybe without the database)."""
    html = render_to_string(template)
    assert_portal_layout(html, title)
    assert f'href="{reverse("login")}">Sign in</a>' in html
