"""The global admin manages the organization's users: views and services."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from lib.refusals import RefusalCode
from partners import services
from partners.models import Role, User
from partners.services import LAST_GLOBAL_ADMIN

from ..auth import signs_in
from ..factories import PASSWORD, UserFactory
from ..refusals import refused

pytestmark = pytest.mark.django_db
LIST = reverse("partners:user_list")
CREATE = reverse("partners:user_create")
NEW_PASSWORD = "Correct-horse-battery-77"


def edit_url(user) -> str:
    return reverse("partners:user_edit", args=[user.public_id])


def active_url(user) -> str:
    return reverse("partners:user_set_active", args=[user.public_id])


def new_user_data(**overrides) -> dict:
    data = {
        "username": "nina@contoso.test",
        "first_name": "Nina",
        "last_name": "Newhire",
        "email": "nina@contoso.test",
        "role": Role.SALES_AGENT,
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestUserList:
    def test_global_admin_sees_their_own_partners_users_only(
        self, client_for, global_admin, sales_agent, outsider
    ):
        response = client_for(global_admin).get(LIST)
        assert response.status_code == 200
        page = response.content.decode()
        assert global_admin.username in page
        assert sales_agent.username in page
        assert outsider.username not in page

    def test_the_list_offers_no_deactivate_button_for_oneself(
        self, client_for, global_admin, sales_agent
    ):
        page = client_for(global_admin).get(LIST).content.decode()
        assert f'Deactivate<span class="visually-hidden"> {sales_agent.username}' in page
        assert f'Deactivate<span class="visually-hidden"> {global_admin.username}' not in page

    @pytest.mark.parametrize("extra_users", [4, 59])
    def test_bounded_queries_whatever_the_number_of_users(
        self, client_for, global_admin, django_assert_max_num_queries, extra_users
    ):
        UserFactory.create_batch(extra_users, partner=global_admin.partner, role=Role.SALES_AGENT)
        client = client_for(global_admin)
        with django_assert_max_num_queries(7):
            response = client.get(LIST)
        assert response.status_code == 200
        assert len(response.context["page"]) == min(extra_users + 1, 25)

    def test_paginates_25_per_page(self, client_for, global_admin):
        UserFactory.create_batch(59, partner=global_admin.partner, role=Role.SALES_AGENT)
        client = client_for(global_admin)
        first = client.get(LIST)
        assert len(first.context["page"]) == 25
        assert "Page 1 of 3" in first.content.decode()
        assert 'href="?page=2"' in first.content.decode()
        second = client.get(LIST, {"page": 2})
        assert second.status_code == 200
        assert "Page 2 of 3" in second.content.decode()
        assert len(second.context["page"]) == 25
        first_names = {u.username for u in first.context["page"]}
        second_names = {u.username for u in second.context["page"]}
        assert not first_names & second_names


class TestUserCreate:
    def test_global_admin_adds_a_user_who_can_then_sign_in(self, client_for, global_admin):
        client = client_for(global_admin)
        assert client.get(CREATE).status_code == 200
        response = client.post(CREATE, new_user_data())
        assert response.status_code == 302
        assert response.url == LIST
        created = User.objects.get(username="nina@contoso.test")
        assert created.partner == global_admin.partner
        assert created.role == Role.SALES_AGENT
        assert not created.is_staff
        assert "nina@contoso.test can now sign in." in flashed(response)
        client.logout()
        assert signs_in(client, "nina@contoso.test", NEW_PASSWORD)

    def test_duplicate_sign_in_name_is_refused_whatever_the_case(self, client_for, global_admin):
        before = User.objects.count()
        response = client_for(global_admin).post(
            CREATE, new_user_data(username=global_admin.username.upper())
        )
        assert response.status_code == 400
        errors = response.context["form"].errors["username"]
        assert "A user with this sign-in name already exists." in errors
        assert User.objects.count() == before

    def test_duplicate_of_another_partners_user_is_refused_too(
        self, client_for, global_admin, outsider
    ):
        response = client_for(global_admin).post(CREATE, new_user_data(username=outsider.username))
        assert response.status_code == 400
        assert "already exists" in response.context["form"].errors["username"][0]
        assert User.objects.filter(username=outsider.username).get() == outsider

    def test_weak_password_is_refused_with_the_validators_reason(self, client_for, global_admin):
        response = client_for(global_admin).post(CREATE, new_user_data(password="password"))
        assert response.status_code == 400
        assert "This password is too common." in response.context["form"].errors["password"]
        assert not User.objects.filter(username="nina@contoso.test").exists()

    def test_password_like_the_users_own_name_is_refused(self, client_for, global_admin):
        """AUTH_PASSWORD_VALIDATORS includes UserAttributeSimilarityValidator."""
        response = client_for(global_admin).post(
            CREATE, new_user_data(password="nina@contoso.test")
        )
        assert response.status_code == 400
        assert "too similar" in " ".join(response.context["form"].errors.get("password", []))
        assert not User.objects.filter(username="nina@contoso.test").exists()

    def test_unknown_role_is_refused(self, client_for, global_admin):
        response = client_for(global_admin).post(CREATE, new_user_data(role="owner"))
        assert response.status_code == 400
        assert "Select a valid choice" in response.context["form"].errors["role"][0]
        assert not User.objects.filter(username="nina@contoso.test").exists()


class TestChangeRole:
    def test_global_admin_changes_a_users_role(self, client_for, global_admin, sales_agent):
        client = client_for(global_admin)
        page = client.get(edit_url(sales_agent))
        assert page.status_code == 200
        assert page.context["form"].initial["role"] == Role.SALES_AGENT
        response = client.post(edit_url(sales_agent), {"role": Role.HELPDESK_AGENT})
        assert response.status_code == 302
        assert response.url == LIST
        sales_agent.refresh_from_db()
        assert sales_agent.role == Role.HELPDESK_AGENT
        assert f"{sales_agent.username}'s role was saved." in flashed(response)

    def test_unknown_role_is_refused(self, client_for, global_admin, sales_agent):
        response = client_for(global_admin).post(edit_url(sales_agent), {"role": "owner"})
        assert response.status_code == 400
        sales_agent.refresh_from_db()
        assert sales_agent.role == Role.SALES_AGENT

    def test_the_last_global_admin_cannot_demote_themselves(self, client_for, global_admin):
        response = client_for(global_admin).post(edit_url(global_admin), {"role": Role.ADMIN_AGENT})
        assert response.status_code == 400
        assert LAST_GLOBAL_ADMIN in response.context["form"].errors["role"]
        assert LAST_GLOBAL_ADMIN in response.content.decode()
        global_admin.refresh_from_db()
        assert global_admin.role == Role.GLOBAL_ADMIN

    def test_a_global_admin_can_step_down_when_another_remains(self, client_for, global_admin):
        UserFactory(partner=global_admin.partner, role=Role.GLOBAL_ADMIN)
        response = client_for(global_admin).post(edit_url(global_admin), {"role": Role.ADMIN_AGENT})
        assert response.status_code == 302
        global_admin.refresh_from_db()
        assert global_admin.role == Role.ADMIN_AGENT

    def test_another_global_admin_can_be_demoted_while_one_remains(self, client_for, global_admin):
        second = UserFactory(partner=global_admin.partner, role=Role.GLOBAL_ADMIN)
        response = client_for(global_admin).post(edit_url(second), {"role": Role.SALES_AGENT})
        assert response.status_code == 302
        second.refresh_from_db()
        assert second.role == Role.SALES_AGENT

    def test_an_inactive_global_admin_does_not_count_as_the_remaining_one(
        self, client_for, global_admin
    ):
        UserFactory(partner=global_admin.partner, role=Role.GLOBAL_ADMIN, is_active=False)
        response = client_for(global_admin).post(edit_url(global_admin), {"role": Role.ADMIN_AGENT})
        assert response.status_code == 400
        assert LAST_GLOBAL_ADMIN in response.context["form"].errors["role"]
        global_admin.refresh_from_db()
        assert global_admin.role == Role.GLOBAL_ADMIN


class TestDeactivateAndReactivate:
    def test_deactivated_user_cannot_sign_in_until_reactivated(
        self, client, global_admin, sales_agent
    ):
        client.force_login(global_admin)
        response = client.post(active_url(sales_agent), {"active": "0"})
        assert response.status_code == 302
        assert response.url == LIST
        assert f"{sales_agent.username} was deactivated." in flashed(response)
        sales_agent.refresh_from_db()
        assert not sales_agent.is_active
        assert "Deactivated" in client.get(LIST).content.decode()

        client.logout()
        assert not signs_in(client, sales_agent.username, PASSWORD)

        client.force_login(global_admin)
        response = client.post(active_url(sales_agent), {"active": "1"})
        assert f"{sales_agent.username} was reactivated." in flashed(response)
        sales_agent.refresh_from_db()
        assert sales_agent.is_active
        client.logout()
        assert signs_in(client, sales_agent.username, PASSWORD)

    def test_deactivation_ends_the_users_open_session(self, client, global_admin, sales_agent):
        agent_client = Client()
        agent_client.force_login(sales_agent)
        assert agent_client.get(reverse("home")).status_code == 200
        client.force_login(global_admin)
        client.post(active_url(sales_agent), {"active": "0"})
        response = agent_client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_global_admin_cannot_deactivate_themselves(self, client_for, global_admin):
        UserFactory(partner=global_admin.partner, role=Role.GLOBAL_ADMIN)
        response = client_for(global_admin).post(active_url(global_admin), {"active": "0"})
        assert response.status_code == 302
        assert "You cannot deactivate your own account." in flashed(response)
        global_admin.refresh_from_db()
        assert global_admin.is_active

    def test_the_error_is_shown_on_the_list_after_the_redirect(self, client_for, global_admin):
        response = client_for(global_admin).post(
            active_url(global_admin), {"active": "0"}, follow=True
        )
        assert "You cannot deactivate your own account." in response.content.decode()

    def test_another_global_admin_can_be_deactivated(self, client_for, global_admin):
        second = UserFactory(partner=global_admin.partner, role=Role.GLOBAL_ADMIN)
        client_for(global_admin).post(active_url(second), {"active": "0"})
        second.refresh_from_db()
        assert not second.is_active

    def test_set_active_is_post_only(self, client_for, global_admin, sales_agent):
        response = client_for(global_admin).get(active_url(sales_agent))
        assert response.status_code == 405
        sales_agent.refresh_from_db()
        assert sales_agent.is_active


class TestOnlyGlobalAdminsManageUsers:
    @pytest.fixture(params=["admin_agent", "sales_agent", "helpdesk_agent"])
    def agent(self, request):
        return request.getfixturevalue(request.param)

    def test_other_roles_get_a_page_saying_who_may(self, client_for, agent, global_admin):
        target = UserFactory(partner=agent.partner, role=Role.SALES_AGENT)
        before = User.objects.count()
        client = client_for(agent)
        responses = [
            client.get(LIST),
            client.get(CREATE),
            client.post(CREATE, new_user_data()),
            client.get(edit_url(target)),
            client.post(edit_url(target), {"role": Role.GLOBAL_ADMIN}),
            client.post(edit_url(agent), {"role": Role.GLOBAL_ADMIN}),
            client.post(active_url(target), {"active": "0"}),
            client.post(active_url(global_admin), {"active": "0"}),
        ]
        for response in responses:
            assert response.status_code == 403
            page = response.content.decode()
            assert "Only a global admin" in page
            assert "Who may: Global admin." in page
        assert User.objects.count() == before
        for user in (target, agent, global_admin):
            user.refresh_from_db()
            assert user.is_active
        assert target.role == Role.SALES_AGENT
        assert agent.role != Role.GLOBAL_ADMIN

    def test_the_users_menu_item_is_hidden_from_other_roles(self, client_for, agent):
        assert LIST not in client_for(agent).get(reverse("home")).content.decode()

    def test_the_users_menu_item_is_shown_to_global_admins(self, client_for, global_admin):
        assert LIST in client_for(global_admin).get(reverse("home")).content.decode()

    def test_anonymous_is_sent_to_sign_in(self, client, sales_agent):
        for response in (
            client.get(LIST),
            client.get(CREATE),
            client.get(edit_url(sales_agent)),
            client.post(active_url(sales_agent), {"active": "0"}),
        ):
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
        sales_agent.refresh_from_db()
        assert sales_agent.is_active


class TestAnotherPartnersUsers:
    def test_edit_is_a_404_and_changes_nothing(self, client_for, global_admin, outsider):
        client = client_for(global_admin)
        assert client.get(edit_url(outsider)).status_code == 404
        assert client.post(edit_url(outsider), {"role": Role.HELPDESK_AGENT}).status_code == 404
        outsider.refresh_from_db()
        assert outsider.role == Role.ADMIN_AGENT

    def test_set_active_is_a_404_and_changes_nothing(self, client_for, global_admin, outsider):
        response = client_for(global_admin).post(active_url(outsider), {"active": "0"})
        assert response.status_code == 404
        outsider.refresh_from_db()
        assert outsider.is_active


class TestServices:
    @pytest.fixture(params=["admin_agent", "sales_agent", "helpdesk_agent"])
    def agent(self, request):
        return request.getfixturevalue(request.param)

    def test_agent_create_refuses_other_roles(self, agent):
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            services.agent_create(actor=agent, **new_user_data())
        assert not User.objects.filter(username="nina@contoso.test").exists()

    def test_agent_change_role_refuses_other_roles(self, agent, helpdesk_agent):
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            services.agent_change_role(actor=agent, user=agent, role=Role.GLOBAL_ADMIN)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            services.agent_change_role(actor=agent, user=helpdesk_agent, role=Role.SALES_AGENT)
        agent.refresh_from_db()
        helpdesk_agent.refresh_from_db()
        assert agent.role != Role.GLOBAL_ADMIN
        assert helpdesk_agent.role == Role.HELPDESK_AGENT

    def test_agent_set_active_refuses_other_roles(self, agent, global_admin):
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            services.agent_set_active(actor=agent, user=global_admin, active=False)
        global_admin.refresh_from_db()
        assert global_admin.is_active

    def test_a_reviewer_cannot_manage_users(self, reviewer, sales_agent):
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            services.agent_set_active(actor=reviewer, user=sales_agent, active=False)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            services.agent_create(actor=reviewer, **new_user_data())

    def test_agent_create_puts_the_user_in_the_actors_partner(self, global_admin):
        user = services.agent_create(actor=global_admin, **new_user_data(role=Role.ADMIN_AGENT))
        assert user.partner_id == global_admin.partner_id
        assert user.role == Role.ADMIN_AGENT
        assert user.check_password(NEW_PASSWORD)

    def test_two_global_admins_deactivating_each_other_leave_one_active(self, global_admin):
        """The second, stale request must not remove the last active global admin."""
        second = UserFactory(partner=global_admin.partner, role=Role.GLOBAL_ADMIN)
        stale_second = User.objects.get(pk=second.pk)
        services.agent_set_active(actor=global_admin, user=second, active=False)
        with refused(RefusalCode.LAST_GLOBAL_ADMIN) as caught:
            services.agent_set_active(actor=stale_second, user=global_admin, active=False)
        assert caught.value.message == LAST_GLOBAL_ADMIN
        global_admin.refresh_from_db()
        assert global_admin.is_active

    def test_a_global_admin_cannot_change_another_partners_user(self, global_admin, outsider):
        with pytest.raises(User.DoesNotExist):
            services.agent_change_role(actor=global_admin, user=outsider, role=Role.SALES_AGENT)
        with pytest.raises(User.DoesNotExist):
            services.agent_set_active(actor=global_admin, user=outsider, active=False)
        outsider.refresh_from_db()
        assert outsider.role == Role.ADMIN_AGENT and outsider.is_active
