import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from ops import probes


class Command(BaseCommand):
    help = (
        "Enqueue probe tasks the way a page enqueues work, wait until the worker has run them, "
        "and report how many ran, how many ran twice, and how long they waited. Exits 1 if any "
        "probe did not run within --timeout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10, help="Probes to enqueue.")
        parser.add_argument(
            "--rate", type=float, default=0, help="Probes per second (0: as fast as possible)."
        )
        parser.add_argument(
            "--timeout", type=float, default=60, help="Seconds to wait for the last probe."
        )
        parser.add_argument("--label", default="", help="Name of this run (default: random).")
        parser.add_argument(
            "--keep", action="store_true", help="Keep the probe rows (default: delete them)."
        )

    def handle(self, *args, count, rate, timeout, label, keep, **options):
        if count < 1 or rate < 0 or timeout <= 0:
            raise CommandError("--count must be at least 1; --rate and --timeout positive.")
        label = label or f"probe-{uuid.uuid4().hex[:12]}"
        started = time.monotonic()
        for seq in range(count):
            probes.probe_enqueue(label=label, seq=seq)
            if rate:
                time.sleep(max(0.0, started + (seq + 1) / rate - time.monotonic()))
        deadline = time.monotonic() + timeout
        report = probes.probe_report(label=label, expected=count)
        while report.missing and time.monotonic() < deadline:
            time.sleep(0.5)
            report = probes.probe_report(label=label, expected=count)
        self.stdout.write(f"{label}: {report.summary}")
        if not keep:
            probes.probes_delete(label=label)
        if report.missing or report.duplicated:
            raise CommandError(
                f"{report.missing} probe(s) not run within {timeout:.0f} s, "
                f"{report.duplicated} run more than once."
            )
