import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from ops.heartbeats import REVIEW_SWEEP, WORKER, heartbeat_ages
from ops.notifications import email_outbox_counts
from orders.selectors import stuck_order_count
from validation.selectors import review_dashboard, stuck_validation_request_count


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "never seen"
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


class Command(BaseCommand):
    help = (
        "The portal at a glance: validation requests by state, overdue and unassigned ones, "
        "the requests and orders the sweeps set aside as stuck, the email outbox, and how long "
        "ago the worker's heartbeat and the review sweep ran."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print JSON instead of text."
        )
        parser.add_argument(
            "--max-heartbeat-age",
            type=float,
            metavar="SECONDS",
            help="Exit with an error if the worker heartbeat or the last review sweep is older "
            "than this (or never seen): for cron or a monitoring probe.",
        )

    def handle(self, *args, as_json: bool, max_heartbeat_age: float | None, **options):
        if max_heartbeat_age is not None and max_heartbeat_age <= 0:
            raise CommandError("--max-heartbeat-age must be a positive number of seconds.")
        try:
            figures = review_dashboard()
            ages = heartbeat_ages()
            emails = email_outbox_counts()
            stuck = {
                "validation_requests": stuck_validation_request_count(),
                "orders": stuck_order_count(),
            }
        except DatabaseError as exc:
            raise CommandError(f"The database cannot be read: {exc}") from exc
        status = {
            "requests": {state: count for state, _, count in figures.by_state},
            "open": figures.open_total,
            "overdue": figures.overdue,
            "unassigned": figures.unassigned,
            "stuck": stuck,
            "emails": emails,
            "heartbeats": {name: age.as_dict for name, age in ages.items()},
        }
        if as_json:
            self.stdout.write(json.dumps(status, indent=2))
        else:
            self.stdout.write("Validation requests")
            for _, label, count in figures.by_state:
                self.stdout.write(f"  {label:<24}{count:>6}")
            self.stdout.write(f"  {'Overdue':<24}{figures.overdue:>6}")
            self.stdout.write(f"  {'Open and unassigned':<24}{figures.unassigned:>6}")
            # Set aside by a sweep after failing on them: the admin's "Stuck" filter, and
            # manage.py stuck_orders, show the errors and put them back.
            self.stdout.write("Stuck (set aside by the sweeps)")
            self.stdout.write(f"  {'Validation requests':<24}{stuck['validation_requests']:>6}")
            self.stdout.write(f"  {'Orders':<24}{stuck['orders']:>6}")
            self.stdout.write("Emails")
            for state, count in emails.items():
                self.stdout.write(f"  {state:<24}{count:>6}")
            self.stdout.write("Background work")
            self.stdout.write(f"  {'Worker heartbeat':<24}{_age(ages[WORKER].seconds)}")
            self.stdout.write(f"  {'Last review sweep':<24}{_age(ages[REVIEW_SWEEP].seconds)}")
        if max_heartbeat_age is not None:
            stale = [
                name
                for name, age in ages.items()
                if age.seconds is None or age.seconds > max_heartbeat_age
            ]
            if stale:
                raise CommandError(
                    f"Stale (older than {max_heartbeat_age:g} s or never seen): {', '.join(stale)}."
                )
