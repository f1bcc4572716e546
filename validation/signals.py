"""What validation tells the floors above it, which it may not import."""

from django.dispatch import Signal

# A customer's GCC standing may have changed (a request submitted or decided, a qualification
# granted): ``customer_ids``. Sent inside the transaction that changed it; customers keeps the
# status its list filters on (customers.services.customer_gcc_status_refresh).
customer_gcc_changed = Signal()


def gcc_changed(*customer_ids: int | None) -> None:
    ids = sorted({pk for pk in customer_ids if pk})
    if ids:
        customer_gcc_changed.send(sender=None, customer_ids=ids)
