from django.core.management.base import BaseCommand

from console.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_TOTP_USER, seed_demo


class Command(BaseCommand):
    help = "Load the demo partners, users, reviewer and ops login. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help="Password for users created now (existing users keep theirs).",
        )

    def handle(self, *args, password, **options):
        logins = seed_demo(password=password)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password: {password}):"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.who}")
        self.stdout.write(
            f"Two-step sign-in: {DEMO_TOTP_USER} has an authenticator app. Add the secret "
            f"{DEMO_TOTP_SECRET} to yours (time-based, six digits), or get the current code "
            "with: python3 run.py code"
        )
