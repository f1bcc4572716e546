"""Signing in and out, changing one's password, and who reaches the reviewers' admin."""

import pytest
from django.urls import reverse

from partners.models import Partner

from ..auth import signs_in
from ..factories import PASSWORD, PartnerRequestFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")
LOGOUT = reverse("logout")
HOME = reverse("home")
PASSWORD_CHANGE = reverse("password_change")
ADMIN = reverse("admin:index")
NEW_PASSWORD = "Another-Strong-pass-91"


class TestSignIn:
    def test_sign_in_page_has_username_and_password_fields(self, client):
        response = client.get(LOGIN)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'name="username"' in page
        assert 'name="password"' in page and 'type="password"' in page

    def test_anonymous_home_redirects_to_sign_in_with_next(self, client):
        response = client.get(HOME)
        assert response.status_code == 302
        assert response.url == f"{LOGIN}?next={HOME}"

    def test_right_password_lands_on_home(self, client, sales_agent):
        response = client.post(
            LOGIN, {"username": sales_agent.username, "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == HOME
        assert response.status_code == 200
        assert "Welcome, Pat" in response.content.decode()

    def test_next_is_honoured_after_sign_in(self, client, sales_agent):
        profile = reverse("profile")
        response = client.post(
            f"{LOGIN}?next={profile}",
            {"username": sales_agent.username, "password": PASSWORD, "next": profile},
        )
        assert response.status_code == 302
        assert response.url == profile

    def test_wrong_password_shows_an_error_and_stays_signed_out(self, client, sales_agent):
        response = client.post(LOGIN, {"username": sales_agent.username, "password": "nope-nope"})
        assert response.status_code == 200
        assert "Please enter a correct" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert client.get(HOME).status_code == 302


class TestSignOut:
    def test_sign_out_is_post_only(self, client_for, sales_agent):
        client = client_for(sales_agent)
        assert client.get(LOGOUT).status_code == 405
        assert client.get(HOME).status_code == 200

    def test_sign_out_ends_the_session(self, client_for, sales_agent):
        client = client_for(sales_agent)
        response = client.post(LOGOUT)
        assert response.status_code == 302
        assert response.url == LOGIN
        response = client.get(HOME)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)

    def test_every_portal_page_has_a_sign_out_form(self, client_for, sales_agent):
        page = client_for(sales_agent).get(HOME).content.decode()
        assert f'<form method="post" action="{LOGOUT}">' in page


class TestPasswordChange:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(PASSWORD_CHANGE)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)

    def test_changes_the_password_and_keeps_the_user_signed_in(self, client_for, sales_agent):
        client = client_for(sales_agent)
        assert client.get(PASSWORD_CHANGE).status_code == 200
        response = client.post(
            PASSWORD_CHANGE,
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("password_change_done")
        assert "Password changed" in response.content.decode()
        assert client.get(HOME).status_code == 200
        client.logout()
        assert not signs_in(client, sales_agent.username, PASSWORD)
        assert signs_in(client, sales_agent.username, NEW_PASSWORD)

    def test_the_old_password_is_required(self, client_for, sales_agent):
        client = client_for(sales_agent)
        response = client.post(
            PASSWORD_CHANGE,
            {
                "old_password": "not-my-password",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 200
        assert "old_password" in response.context["form"].errors
        sales_agent.refresh_from_db()
        assert sales_agent.check_password(PASSWORD)

    def test_a_weak_new_password_is_refused(self, client_for, sales_agent):
        response = client_for(sales_agent).post(
            PASSWORD_CHANGE,
            {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
        )
        assert response.status_code == 200
        assert "This password is too common." in response.context["form"].errors["new_password2"]
        sales_agent.refresh_from_db()
        assert sales_agent.check_password(PASSWORD)


class TestReviewersAdmin:
    def test_anonymous_is_sent_to_the_admin_sign_in(self, client):
        response = client.get(ADMIN)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))

    def test_a_partner_agent_cannot_reach_the_admin(self, client_for, global_admin):
        client = client_for(global_admin)
        response = client.get(ADMIN)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        page = client.get(ADMIN, follow=True).content.decode()
        assert "not authorized to access this page" in page
        assert "Validation queue and records" not in page
        changelist = reverse("admin:validation_validationrequest_changelist")
        assert client.get(changelist).status_code == 302

    def test_a_partner_agent_cannot_sign_in_to_the_admin(self, client, admin_agent):
        response = client.post(
            reverse("admin:login"),
            {"username": admin_agent.username, "password": PASSWORD, "next": ADMIN},
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert "Validation queue and records" not in response.content.decode()

    def test_a_reviewer_signs_in_to_the_admin(self, client, reviewer):
        response = client.post(
            reverse("admin:login"),
            {"username": reviewer.username, "password": PASSWORD, "next": ADMIN},
        )
        assert response.status_code == 302
        assert response.url == ADMIN

    def test_a_reviewer_reaches_the_admin_and_the_validation_queue(
        self, client_for, reviewer, admin_agent
    ):
        request = PartnerRequestFactory(submitted_by=admin_agent)
        client = client_for(reviewer)
        index = client.get(ADMIN)
        assert index.status_code == 200
        assert "Validation queue and records" in index.content.decode()
        response = client.get(reverse("admin:validation_validationrequest_changelist"))
        assert response.status_code == 200
        assert request.organization_name in response.content.decode()

    def test_a_reviewer_is_sent_from_the_partner_workspace_to_the_admin(self, client_for, reviewer):
        response = client_for(reviewer).get(HOME)
        assert response.status_code == 302
        assert response.url == ADMIN

    def test_a_reviewer_sees_a_partner_read_only(self, client_for, reviewer, partner):
        response = client_for(reviewer).get(
            reverse("admin:partners_partner_change", args=[partner.pk])
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "View partner" in page
        assert partner.name in page
        assert 'name="_save"' not in page
        assert 'name="name"' not in page

    def test_a_reviewer_cannot_change_a_partner(self, client_for, reviewer, partner):
        response = client_for(reviewer).post(
            reverse("admin:partners_partner_change", args=[partner.pk]),
            {
                "name": "Renamed by a reviewer",
                "partner_type": partner.partner_type,
                "tenant_id": str(partner.tenant_id),
                "_save": "Save",
            },
        )
        assert response.status_code == 403
        partner.refresh_from_db()
        assert partner.name == "Contoso Government Solutions"

    def test_a_reviewer_cannot_add_a_partner(self, client_for, reviewer):
        client = client_for(reviewer)
        add = reverse("admin:partners_partner_add")
        assert client.get(add).status_code == 403
        before = Partner.objects.count()
        response = client.post(add, {"name": "Sneaky LLC", "partner_type": "direct_reseller"})
        assert response.status_code == 403
        assert Partner.objects.count() == before
