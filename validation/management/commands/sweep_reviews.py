from django.core.management.base import BaseCommand, CommandError

from validation.models import ValidationRequest
from validation.services import sweep_reviews


class Command(BaseCommand):
    help = (
        "Run the review sweep now, as beat does every minute: screen requests never screened "
        "and let the simulated reviewer decide the ones that are due. Reports what it decided."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=50,
            help="The most requests to screen, and to decide, in this run (default 50).",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = sweep_reviews(batch_size=batch_size)
        ref = lambda pk: ValidationRequest(pk=pk).reference  # noqa: E731
        self.stdout.write(f"Screened: {len(report.screened)}")
        for pk in report.screened:
            self.stdout.write(f"  {ref(pk)}  in review")
        self.stdout.write(f"Decided: {len(report.decided)}")
        for pk, state in report.decided.items():
            self.stdout.write(f"  {ref(pk)}  {state}")
        if report.skipped:
            self.stdout.write(f"Skipped (decided meanwhile by someone else): {len(report.skipped)}")
            for pk in report.skipped:
                self.stdout.write(f"  {ref(pk)}")
        if report.failed:
            self.stdout.write(
                self.style.WARNING(
                    f"Failed (tried again next sweep unless stuck): {len(report.failed)}"
                )
            )
            for pk, error in report.failed.items():
                stuck = "  set aside as stuck" if pk in report.stuck else ""
                self.stdout.write(f"  {ref(pk)}  {error}{stuck}")
        if not (report.screened or report.decided or report.skipped or report.failed):
            self.stdout.write(self.style.SUCCESS("Nothing to do: no request is new or due."))
