from django.core.management.base import BaseCommand, CommandError

from lib.cli import read_new_password
from lib.refusals import Refusal
from validation.reviewers import REVIEWERS_GROUP, reviewer_add


class Command(BaseCommand):
    help = (
        f'Create a Microsoft reviewer: a staff account in the "{REVIEWERS_GROUP}" group only '
        "(works the queue in /admin/; cannot change partners, users, customers or orders)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The reviewer's email, also their sign-in name.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password",
            help="The initial password. Omitted: asked at the terminal, or read from standard "
            "input.",
        )

    def handle(self, *args, email, first_name, last_name, password, **options):
        try:
            user = reviewer_add(
                email=email,
                password=read_new_password(password),
                first_name=first_name,
                last_name=last_name,
            )
        except Refusal as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Reviewer {user.username} created."))
