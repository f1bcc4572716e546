from django.core.management.base import BaseCommand

from console.demo import DEMO_TOTP_SECRET, DEMO_TOTP_USER, demo_code


class Command(BaseCommand):
    help = (
        "Print the current code of the demo authenticator app (the public demo secret only: "
        "no other account's)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{demo_code()}  ({DEMO_TOTP_USER}, secret {DEMO_TOTP_SECRET})")
