"""Ending a reseller relationship from the partner's side: a confirmation page and its POST.

Here, not in customers, because the rule (orders.services.customer_relationship_end) reads
the customer's subscriptions, and customers sits below orders.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.selectors import customer_get
from lib.refusals import Refusal, RefusalCode
from partners.decorators import role_required
from partners.permissions import Action

from . import services


def _customer_or_404(request, customer_uuid) -> Customer:
    try:
        return customer_get(actor=request.user, uuid=customer_uuid)
    except (Customer.DoesNotExist, ValueError) as exc:
        raise Http404("No such customer.") from exc


@role_required(Action.REMOVE_RELATIONSHIP)
def relationship_remove(request, customer_uuid):
    """Confirm, then end the relationship: refused (409, with the reason) while the customer
    has active subscriptions with the partner. Afterwards the customer is off the partner's
    list; its orders, subscriptions and validation history stay."""
    customer = _customer_or_404(request, customer_uuid)
    context = {"customer": customer, "message": None}
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.customer_relationship_end(actor=request.user, customer=customer)
        except Refusal as exc:
            if exc.code == RefusalCode.NOT_YOUR_CUSTOMER:  # removed by someone else meanwhile
                raise Http404("No such customer.") from exc
            context["message"] = exc.message
            context["code"] = exc.code
            return render(request, "customers/relationship_remove.html", context, status=exc.status)
        messages.success(
            request,
            _(
                "You no longer manage %(name)s: the reseller relationship ended. "
                "Its orders and history are kept."
            )
            % {"name": customer.company_name},
        )
        return redirect("customers:list")
    return render(request, "customers/relationship_remove.html", context)
