from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from lib.refusals import Refusal
from orders.models import Order
from orders.selectors import order_find, stuck_orders
from orders.services import order_retry


class Command(BaseCommand):
    help = (
        "List the orders the provisioning sweep set aside (stuck) after failing on them "
        "GCC_SWEEP_MAX_ATTEMPTS times, with their last error; --retry puts orders back, so the "
        "next sweep tries them again."
    )

    def add_arguments(self, parser):
        retry = parser.add_mutually_exclusive_group()
        retry.add_argument(
            "--retry",
            nargs="+",
            metavar="ORDER",
            help="Put these stuck orders back: ORD-000012, 12, or the order's UUID.",
        )
        retry.add_argument("--retry-all", action="store_true", help="Put every stuck order back.")

    def handle(self, *args, retry, retry_all, **options):
        if retry_all:
            retry = [str(pk) for pk in stuck_orders().values_list("pk", flat=True)]
            if not retry:
                self.stdout.write(self.style.SUCCESS("No stuck orders: nothing to retry."))
                return
        if retry:
            for reference in retry:
                try:
                    order = order_retry(order_id=order_find(reference).pk)
                except Order.DoesNotExist as exc:
                    raise CommandError(f"No order {reference!r}.") from exc
                except Refusal as exc:
                    raise CommandError(exc.message) from exc
                self.stdout.write(
                    self.style.SUCCESS(f"{order.reference} put back: the next sweep provisions it.")
                )
            return
        orders = list(stuck_orders())
        if not orders:
            self.stdout.write(self.style.SUCCESS("No stuck orders."))
            return
        self.stdout.write(f"Stuck orders: {len(orders)}")
        for order in orders:
            since = date_format(timezone.localtime(order.stuck_at), "DATETIME_FORMAT")
            self.stdout.write(
                f"  {order.reference}  {order.customer.company_name}  stuck since {since} "
                f"after {order.sweep_attempts} attempts: {order.sweep_error}"
            )
        self.stdout.write("Put them back with --retry ORDER... or --retry-all.")
