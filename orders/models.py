from datetime import date
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import terms


class BillingCycle(models.TextChoices):
    MONTHLY = "monthly", gettext_lazy("Monthly")
    ANNUAL = "annual", gettext_lazy("Annual")


class Term(models.TextChoices):
    P1M = "P1M", gettext_lazy("1 month")
    P1Y = "P1Y", gettext_lazy("1 year")
    P3Y = "P3Y", gettext_lazy("3 years")


class Offer(models.Model):
    """An offer in the catalog. GCC offers need a GCC-validated customer and partner."""

    offer_id = models.CharField(gettext_lazy("offer ID"), max_length=64, unique=True)
    offer_id_documented = models.BooleanField(
        gettext_lazy("offer id documented"),
        default=False,
        help_text=gettext_lazy("True when a Microsoft announcement states this ID."),
    )
    name = models.CharField(gettext_lazy("name"), max_length=200)
    product_family = models.CharField(gettext_lazy("product family"), max_length=100)
    is_gcc = models.BooleanField(gettext_lazy("GCC offer"), default=False)
    # The default term and billing cycle, and all those the offer can be bought with.
    billing_cycle = models.CharField(
        gettext_lazy("billing cycle"), max_length=16, choices=BillingCycle
    )
    term = models.CharField(
        gettext_lazy("term"),
        max_length=8,
        default="P1Y",
        help_text=gettext_lazy("ISO 8601 duration."),
    )
    supported_terms = models.JSONField(
        gettext_lazy("supported terms"),
        default=list,
        blank=True,
        help_text=gettext_lazy("e.g. P1M, P1Y, P3Y"),
    )
    supported_billing_cycles = models.JSONField(
        gettext_lazy("supported billing cycles"), default=list, blank=True
    )
    min_quantity = models.PositiveIntegerField(gettext_lazy("min quantity"), default=1)
    max_quantity = models.PositiveIntegerField(gettext_lazy("max quantity"), default=10000)
    unit_price = models.DecimalField(
        gettext_lazy("unit price"),
        max_digits=10,
        decimal_places=2,
        help_text=gettext_lazy("Illustrative USD per user per month."),
    )
    # An add-on is sold only with a base suite of one of these product families.
    requires_base_families = models.JSONField(
        gettext_lazy("requires base families"), default=list, blank=True
    )
    is_active = models.BooleanField(
        gettext_lazy("is active"),
        default=True,
        help_text=gettext_lazy("Retired offers are not sold."),
    )

    class Meta:
        verbose_name = gettext_lazy("offer")
        verbose_name_plural = gettext_lazy("offers")
        ordering = ["-is_gcc", "product_family", "name"]
        constraints = [
            models.CheckConstraint(
                name="offer_quantity_bounds",
                condition=Q(min_quantity__lte=F("max_quantity")),
                violation_error_message=gettext_lazy(
                    "The minimum quantity must not exceed the maximum."
                ),
            ),
            models.CheckConstraint(
                name="offer_price_not_negative",
                condition=Q(unit_price__gte=0),
                violation_error_message=gettext_lazy("The price can't be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_addon(self) -> bool:
        return bool(self.requires_base_families)

    @property
    def terms(self) -> list[str]:
        """The terms it is sold with (its default first)."""
        return _with_default_first(self.term, self.supported_terms)

    @property
    def billing_cycles(self) -> list[str]:
        return _with_default_first(self.billing_cycle, self.supported_billing_cycles)


def _with_default_first(default: str, supported: list) -> list[str]:
    return [default, *(value for value in supported or [] if value != default)]


class OrderStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("order status", "Pending")
    COMPLETED = "completed", pgettext_lazy("order status", "Completed")


class Order(models.Model):
    uuid = models.UUIDField(gettext_lazy("uuid"), default=uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=gettext_lazy("customer"),
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=gettext_lazy("partner"),
    )
    # Who Microsoft bills: the partner itself, or an indirect reseller's indirect provider.
    billing_partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="billed_orders",
        verbose_name=gettext_lazy("billing partner"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("created by"),
    )
    # A hidden token on the form (or the API's MS-RequestId): the same order posted twice is one.
    submission_key = models.UUIDField(gettext_lazy("submission key"), unique=True)
    status = models.CharField(
        gettext_lazy("status"), max_length=16, choices=OrderStatus, default=OrderStatus.PENDING
    )
    created_at = models.DateTimeField(gettext_lazy("created at"))
    completed_at = models.DateTimeField(gettext_lazy("completed at"), null=True, blank=True)
    # The provisioning sweep's bookkeeping (orders.services.orders_sweep_pending): failed tries
    # in a row, the last error, and when the sweep set the order aside (until ops retry it).
    sweep_attempts = models.PositiveSmallIntegerField(
        gettext_lazy("failed sweep attempts"), default=0
    )
    sweep_error = models.TextField(gettext_lazy("last sweep error"), blank=True)
    stuck_at = models.DateTimeField(gettext_lazy("stuck since"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("order")
        verbose_name_plural = gettext_lazy("orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(
                fields=["stuck_at"], condition=Q(stuck_at__isnull=False), name="order_stuck"
            ),
        ]

    def __str__(self) -> str:
        return _("Order %(reference)s for %(customer)s") % {
            "reference": self.reference,
            "customer": self.customer,
        }

    @property
    def reference(self) -> str:
        return f"ORD-{self.pk:06d}"


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=gettext_lazy("order")
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("offer")
    )
    quantity = models.PositiveIntegerField(gettext_lazy("quantity"))
    friendly_name = models.CharField(gettext_lazy("friendly name"), max_length=200)
    unit_price = models.DecimalField(gettext_lazy("unit price"), max_digits=10, decimal_places=2)
    term = models.CharField(gettext_lazy("term"), max_length=8, choices=Term, default=Term.P1Y)
    billing_cycle = models.CharField(
        gettext_lazy("billing cycle"), max_length=16, choices=BillingCycle, default="monthly"
    )
    # The indirect reseller credited with the sale (Partner Center's partnerIdOnRecord).
    partner_of_record = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("partner of record"),
    )

    class Meta:
        verbose_name = gettext_lazy("order line")
        verbose_name_plural = gettext_lazy("order lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "offer"], name="one_line_per_offer"),
            models.CheckConstraint(name="line_quantity_positive", condition=Q(quantity__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.offer}"

    @property
    def total(self):
        return self.unit_price * self.quantity


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("subscription status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("subscription status", "Suspended")
    DELETED = (
        "deleted",
        pgettext_lazy("subscription status", "Cancelled"),
    )  # Partner Center's word for a cancelled subscription
    EXPIRED = (
        "expired",
        pgettext_lazy("subscription status", "Expired"),
    )  # its term ended with auto-renew off


LIVE_STATUSES = (SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED)


class Subscription(models.Model):
    uuid = models.UUIDField(gettext_lazy("uuid"), default=uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=gettext_lazy("customer"),
    )
    order_line = models.OneToOneField(
        OrderLine,
        on_delete=models.PROTECT,
        related_name="subscription",
        verbose_name=gettext_lazy("order line"),
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("offer")
    )
    quantity = models.PositiveIntegerField(gettext_lazy("quantity"))
    friendly_name = models.CharField(gettext_lazy("friendly name"), max_length=200)
    billing_cycle = models.CharField(
        gettext_lazy("billing cycle"), max_length=16, choices=BillingCycle
    )
    term = models.CharField(gettext_lazy("term"), max_length=8)
    start_date = models.DateField(gettext_lazy("start date"))
    status = models.CharField(
        gettext_lazy("status"),
        max_length=16,
        choices=SubscriptionStatus,
        default=SubscriptionStatus.ACTIVE,
    )
    partner_of_record = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("partner of record"),
    )
    # The current term (the first, or the latest renewal): its start opens the cancellation
    # window. Empty on subscriptions from before renewals existed: their start date's midnight.
    term_started_at = models.DateTimeField(gettext_lazy("term started at"), null=True, blank=True)
    auto_renew = models.BooleanField(gettext_lazy("auto renew"), default=True)
    # A seat decrease asked for after the cancellation window: applied at the renewal.
    scheduled_quantity = models.PositiveIntegerField(
        gettext_lazy("scheduled quantity"), null=True, blank=True
    )
    ended_at = models.DateTimeField(
        gettext_lazy("ended at"), null=True, blank=True
    )  # cancelled or expired

    class Meta:
        verbose_name = gettext_lazy("subscription")
        verbose_name_plural = gettext_lazy("subscriptions")
        ordering = ["friendly_name", "pk"]
        indexes = [models.Index(fields=["status", "term_started_at"], name="subscription_term_idx")]

    def __str__(self) -> str:
        return self.friendly_name

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def current_term_start(self):
        return self.term_started_at or terms.start_of_day(self.start_date)

    @property
    def term_ends_at(self):
        return terms.term_ends_at(self.term, self.current_term_start)

    @property
    def commitment_end_date(self) -> date:
        """The current term's last day (orders/terms.py)."""
        return terms.last_day(self.term_ends_at)

    @property
    def cancellation_allowed_until(self):
        return terms.cancellation_ends_at(self.current_term_start)


class SubscriptionEventKind(models.TextChoices):
    QUANTITY = "quantity", pgettext_lazy("subscription event", "Quantity changed")
    QUANTITY_SCHEDULED = (
        "quantity_scheduled",
        pgettext_lazy("subscription event", "Quantity decrease scheduled for renewal"),
    )
    SUSPENDED = "suspended", pgettext_lazy("subscription event", "Suspended")
    REACTIVATED = "reactivated", pgettext_lazy("subscription event", "Reactivated")
    CANCELLED = "cancelled", pgettext_lazy("subscription event", "Cancelled")
    AUTO_RENEW = "auto_renew", pgettext_lazy("subscription event", "Auto-renew changed")
    RENAMED = "renamed", pgettext_lazy("subscription event", "Renamed")
    RENEWED = "renewed", pgettext_lazy("subscription event", "Renewed")
    EXPIRED = "expired", pgettext_lazy("subscription event", "Expired")


class SubscriptionEvent(models.Model):
    """One change to a subscription: who (none: the renewal sweep), when, from, to."""

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=gettext_lazy("subscription"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("actor"),
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=24, choices=SubscriptionEventKind)
    from_value = models.CharField(gettext_lazy("from value"), max_length=200, blank=True)
    to_value = models.CharField(gettext_lazy("to value"), max_length=200, blank=True)
    at = models.DateTimeField(gettext_lazy("at"))

    class Meta:
        verbose_name = gettext_lazy("subscription event")
        verbose_name_plural = gettext_lazy("subscription events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subscription", "-at"], name="subscription_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_value} → {self.to_value}"


class CartStatus(models.TextChoices):
    ACTIVE = "Active", pgettext_lazy("cart status", "Active")
    ORDERED = "Ordered", pgettext_lazy("cart status", "Ordered")


class Cart(models.Model):
    """A basket of offers for one customer, checked out into an order (Partner Center's Cart).
    Each line carries the gate's verdict until checkout, which orders the cart as a whole."""

    uuid = models.UUIDField(gettext_lazy("uuid"), default=uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("customer"),
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("partner"),
    )
    created_at = models.DateTimeField(gettext_lazy("created at"))
    updated_at = models.DateTimeField(gettext_lazy("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("updated by"),
    )
    expires_at = models.DateTimeField(gettext_lazy("expires at"))
    status = models.CharField(
        gettext_lazy("status"), max_length=16, choices=CartStatus, default=CartStatus.ACTIVE
    )
    order = models.OneToOneField(
        Order,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cart",
        verbose_name=gettext_lazy("order"),
    )

    class Meta:
        verbose_name = gettext_lazy("cart")
        verbose_name_plural = gettext_lazy("carts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Cart %(uuid)s for %(customer)s") % {"uuid": self.uuid, "customer": self.customer}


class CartLineItem(models.Model):
    cart = models.ForeignKey(
        Cart, on_delete=models.CASCADE, related_name="lines", verbose_name=gettext_lazy("cart")
    )
    number = models.PositiveIntegerField(
        gettext_lazy("number")
    )  # the line's id in the cart: 0, 1, 2 …
    catalog_item_id = models.CharField(gettext_lazy("catalog item id"), max_length=100)
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.PROTECT, verbose_name=gettext_lazy("offer")
    )
    quantity = models.IntegerField(gettext_lazy("quantity"))
    friendly_name = models.CharField(gettext_lazy("friendly name"), max_length=200, blank=True)
    partner_id_on_record = models.CharField(
        gettext_lazy("partner id on record"), max_length=20, blank=True
    )
    # Why the gate refuses this line (a lib.refusals.RefusalCode), if it does.
    error_code = models.CharField(gettext_lazy("error code"), max_length=40, blank=True)
    error_description = models.TextField(gettext_lazy("error description"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("cart line item")
        verbose_name_plural = gettext_lazy("cart line items")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "number"], name="one_cart_line_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.catalog_item_id}"
