import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from validation.calendar import business_days_between
from validation.selectors import validation_report_rows

COLUMNS = [
    "reference",
    "kind",
    "organization",
    "partner",
    "transacting_partner",
    "submitted",
    "decided",
    "outcome",
    "business_days_taken",
]


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD.") from exc


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


class Command(BaseCommand):
    help = (
        "One row per validation request submitted from --since to --until (US Eastern dates, "
        "both included): kind, organization, partner, submitted, decided, outcome and US "
        "business days taken (blank while undecided)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="First submission date, YYYY-MM-DD.")
        parser.add_argument("--until", required=True, help="Last submission date, YYYY-MM-DD.")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--output", "-o", help="Write to this file instead of the screen.")

    def handle(self, *args, since, until, format, output, **options):
        since, until = _date(since), _date(until)
        if since > until:
            raise CommandError("--since must be on or before --until.")
        rows = [self.row(request) for request in validation_report_rows(since=since, until=until)]
        if output:
            try:
                with open(output, "w", newline="", encoding="utf-8") as stream:
                    self.write(stream, rows, format)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
            self.stderr.write(f"{len(rows)} requests written to {output}.")
        else:
            self.write(self.stdout, rows, format)

    @staticmethod
    def row(request) -> dict:
        decided = request.decided_at
        return {
            "reference": request.reference,
            "kind": request.kind,
            "organization": request.organization_name,
            "partner": request.partner.name,
            "transacting_partner": request.partner.transacting_partner.name,
            "submitted": _iso(request.submitted_at),
            "decided": _iso(decided),
            "outcome": request.status,
            "business_days_taken": (
                business_days_between(request.submitted_at, decided) if decided else None
            ),
        }

    @staticmethod
    def write(stream, rows: list[dict], format: str) -> None:
        if format == "json":
            stream.write(json.dumps(rows, indent=2) + "\n")
            return
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
