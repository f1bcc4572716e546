from django.core.management.base import BaseCommand

from relationships.services import relationship_requests_expire


class Command(BaseCommand):
    help = (
        "Mark reseller relationship requests past their date expired (beat does it hourly). "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        count = relationship_requests_expire()
        self.stdout.write(
            self.style.SUCCESS(f"{count} relationship request{'s' if count != 1 else ''} expired.")
        )
