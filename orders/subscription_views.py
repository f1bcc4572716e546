"""A subscription's page: its term, what may still change and its timeline (orders/lifecycle.py
has the rules)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from lib.formfields import WholeNumberField
from lib.refusals import Refusal
from partners.decorators import partner_user_required

from . import lifecycle, selectors
from .models import Subscription, SubscriptionStatus
from .views import _customer_or_404

TIMELINE = 50  # the latest changes shown


class QuantityForm(forms.Form):
    quantity = WholeNumberField(label=gettext_lazy("Licenses"), min_value=0, max_value=1_000_000)


class NameForm(forms.Form):
    friendly_name = forms.CharField(label=gettext_lazy("Friendly name"), max_length=200)


# action -> (form class or None, the update's arguments from the form's data, success message)
ACTIONS = {
    "quantity": (QuantityForm, lambda d: {"quantity": d["quantity"]}, None),
    "rename": (
        NameForm,
        lambda d: {"friendly_name": d["friendly_name"]},
        gettext_lazy("Name saved."),
    ),
    "suspend": (
        None,
        lambda d: {"status": SubscriptionStatus.SUSPENDED},
        gettext_lazy("Suspended."),
    ),
    "reactivate": (
        None,
        lambda d: {"status": SubscriptionStatus.ACTIVE},
        gettext_lazy("Reactivated."),
    ),
    "cancel": (None, lambda d: {"status": SubscriptionStatus.DELETED}, gettext_lazy("Cancelled.")),
    "auto_renew_on": (None, lambda d: {"auto_renew": True}, gettext_lazy("Auto-renew is on.")),
    "auto_renew_off": (None, lambda d: {"auto_renew": False}, gettext_lazy("Auto-renew is off.")),
}


def _renewal_day(sub: Subscription) -> str:
    """The renewal's day as the message writes it: English "Mar 05, 2026"; in another
    language, the format its catalog gives (Django's date format characters)."""
    return date_format(
        sub.commitment_end_date, pgettext("date format of a renewal day in a message", "M d, Y")
    )


def _quantity_message(change: lifecycle.Change) -> str:
    sub = change.subscription
    if sub.scheduled_quantity is not None:
        return ngettext(
            "%(n)s license until the renewal on %(day)s; then %(then)s.",
            "%(n)s licenses until the renewal on %(day)s; then %(then)s.",
            sub.quantity,
        ) % {"n": sub.quantity, "day": _renewal_day(sub), "then": sub.scheduled_quantity}
    return ngettext("%(n)s license from now.", "%(n)s licenses from now.", sub.quantity) % {
        "n": sub.quantity
    }


@partner_user_required
def subscription_detail(request, customer_uuid, subscription_uuid):
    customer = _customer_or_404(request, customer_uuid)
    try:
        subscription = selectors.subscription_get(
            actor=request.user, customer=customer, uuid=subscription_uuid
        )
    except Subscription.DoesNotExist as exc:
        raise Http404("No such subscription.") from exc
    forms_shown = {
        "quantity": QuantityForm(initial={"quantity": subscription.quantity}),
        "rename": NameForm(initial={"friendly_name": subscription.friendly_name}),
    }
    status, error = 200, None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return redirect(request.path)
        form_class, arguments, success = ACTIONS[action]
        form = form_class(request.POST) if form_class else None
        if form is None or form.is_valid():
            try:
                change = lifecycle.subscription_update(
                    actor=request.user,
                    subscription=subscription,
                    **arguments(form.cleaned_data if form else {}),
                )
            except Refusal as exc:
                status, error = exc.status, exc.message
                if form is not None:
                    form.add_error(None, exc.message)
            else:
                success = _quantity_message(change) if action == "quantity" else str(success)
                if change.addons_cancelled:
                    names = ", ".join(addon.friendly_name for addon in change.addons_cancelled)
                    success += " " + _("Its add-ons were cancelled with it: %(names)s.") % {
                        "names": names
                    }
                messages.success(request, success if change.events else _("Nothing changed."))
                return redirect(request.path)
        else:
            status = 400
        if form is not None:
            forms_shown[action] = form
        subscription.refresh_from_db()
    now = timezone.now()
    addons = list(lifecycle.addons_of(subscription)) if subscription.is_live else []
    return render(
        request,
        "orders/subscription_detail.html",
        {
            "customer": customer,
            "sub": subscription,
            "forms": forms_shown,
            "error": error,
            "in_window": lifecycle.in_cancellation_window(subscription, now),
            "addons": addons,
            "addon_names": ", ".join(addon.friendly_name for addon in addons),
            "events": subscription.events.select_related("actor")[:TIMELINE],
        },
        status=status,
    )
