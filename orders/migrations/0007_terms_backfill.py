"""Terms and billing cycles for the catalog (Partner Center's new commerce sells license
suites for a month, a year or three years, billed monthly or annually; add-ons for a month or a
year), the lines and subscriptions from before (their offer's default), and each
subscription's current term start (its start date's midnight)."""

from datetime import datetime, time

from django.db import migrations
from django.utils import timezone

SUITE_TERMS = ["P1M", "P1Y", "P3Y"]
ADDON_TERMS = ["P1M", "P1Y"]
CYCLES = ["monthly", "annual"]


def offer_terms(apps, schema_editor=None):
    """Also called by the browser suite after a flush (tests/e2e/conftest.py)."""
    Offer = apps.get_model("orders", "Offer")
    for offer in Offer.objects.filter(supported_terms=[]):
        offer.supported_terms = ADDON_TERMS if offer.requires_base_families else SUITE_TERMS
        offer.supported_billing_cycles = CYCLES
        offer.save(update_fields=["supported_terms", "supported_billing_cycles"])


def backfill(apps, schema_editor):
    offer_terms(apps)
    OrderLine = apps.get_model("orders", "OrderLine")
    Subscription = apps.get_model("orders", "Subscription")
    for line in OrderLine.objects.select_related("offer").iterator():
        line.term, line.billing_cycle = line.offer.term, line.offer.billing_cycle
        line.save(update_fields=["term", "billing_cycle"])
    for subscription in Subscription.objects.filter(term_started_at=None).iterator():
        start = datetime.combine(subscription.start_date, time.min)
        subscription.term_started_at = timezone.make_aware(start)
        subscription.save(update_fields=["term_started_at"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_subscription_lifecycle")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
