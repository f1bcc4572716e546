import uuid

from django.core.management.base import BaseCommand, CommandError

from lib.cli import read_new_password
from lib.refusals import Refusal
from partners.models import Partner, Role
from partners.services import agent_provision


def _partner(value: str) -> Partner:
    """A partner by its Microsoft ID (commercial tenant ID) or its exact name."""
    try:
        return Partner.objects.get(tenant_id=uuid.UUID(value))
    except ValueError:
        pass
    except Partner.DoesNotExist as exc:
        raise CommandError(f"No partner has the Microsoft ID {value}.") from exc
    matches = list(Partner.objects.filter(name__iexact=value)[:2])
    if not matches:
        raise CommandError(f"No partner is named {value!r}. Give its name or Microsoft ID.")
    if len(matches) > 1:
        raise CommandError(f"Several partners are named {value!r}: give the Microsoft ID.")
    return matches[0]


class Command(BaseCommand):
    help = (
        "Create a partner user (agent) with a role, e.g. a new partner's first global admin, "
        "who then manages the other users in the portal."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The user's email, also their sign-in name.")
        parser.add_argument(
            "--partner", required=True, help="The partner's Microsoft ID or exact name."
        )
        parser.add_argument(
            "--role", required=True, choices=[role.value for role in Role], help="The role."
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password",
            help="The initial password. Omitted: asked at the terminal, or read from standard "
            "input.",
        )

    def handle(self, *args, email, partner, role, first_name, last_name, password, **options):
        organization = _partner(partner)
        try:
            user = agent_provision(
                partner=organization,
                email=email,
                role=role,
                password=read_new_password(password),
                first_name=first_name,
                last_name=last_name,
            )
        except Refusal as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{user.username} created: {Role(role).label}, {organization.name}.")
        )
