import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import drafts
from customers import services as customer_services
from customers.models import Customer
from customers.selectors import customer_get
from lib.refusals import Refusal
from partners.decorators import partner_user_required, role_required
from partners.permissions import Action
from partners.selectors import partner_holds_gcc
from validation.selectors import CODE_CHOICES_SHOWN, validation_code_search
from validation.services import customer_validation_refusal

from . import selectors, services
from .eligibility import PurchaseContext
from .forms import CartForm, CustomerAccountForm, code_label
from .models import BillingCycle, Offer, Order, Term

WIZARD = "new_customer_order"
PAGE_SIZE = 25


def _customer_or_404(request, customer_uuid) -> Customer:
    try:
        return customer_get(actor=request.user, uuid=customer_uuid)
    except Customer.DoesNotExist as exc:
        raise Http404("No such customer.") from exc


def _earlier_order_redirect(request):
    """The same form posted again (double click, back and re-post): show the first order."""
    order = selectors.order_for_submission(
        actor=request.user, submission_key=request.POST.get("submission_key")
    )
    if order is None:
        return None
    return redirect("orders:detail", customer_uuid=order.customer.uuid, order_uuid=order.uuid)


# --- Existing customer: Add subscriptions ---------------------------------------------------


@role_required(Action.PLACE_ORDERS)
def order_create(request, customer_uuid):
    customer = _customer_or_404(request, customer_uuid)
    if request.method == "POST" and (earlier := _earlier_order_redirect(request)):
        return earlier
    context = PurchaseContext.for_customer(partner=request.user.partner, customer=customer)
    form = CartForm(
        request.POST or None,
        catalog=selectors.catalog_for(context),
        initial={"submission_key": uuid.uuid4()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = services.order_place(
                    actor=request.user,
                    customer=customer,
                    lines=form.lines(),
                    submission_key=form.cleaned_data["submission_key"],
                )
            except Refusal as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Order %(reference)s was submitted.") % {"reference": order.reference},
                )
                return redirect("orders:detail", customer_uuid=customer.uuid, order_uuid=order.uuid)
        status = 400
    return render(
        request,
        "orders/order_form.html",
        {"customer": customer, "form": form, "customer_is_gcc": context.customer_is_gcc},
        status=status,
    )


@partner_user_required
def order_detail(request, customer_uuid, order_uuid):
    customer = _customer_or_404(request, customer_uuid)
    try:
        order = selectors.order_get(actor=request.user, customer=customer, uuid=order_uuid)
    except Order.DoesNotExist as exc:
        raise Http404("No such order.") from exc
    template = "orders/_order_status.html" if request.htmx else "orders/order_detail.html"
    return render(request, template, {"customer": customer, "order": order})


@partner_user_required
def order_list(request, customer_uuid):
    customer = _customer_or_404(request, customer_uuid)
    orders = selectors.order_list(actor=request.user, customer=customer)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"customer": customer, "page": page})


@partner_user_required
def subscription_list(request, customer_uuid):
    customer = _customer_or_404(request, customer_uuid)
    subscriptions = selectors.subscription_list(actor=request.user, customer=customer)
    page = Paginator(subscriptions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/subscription_list.html", {"customer": customer, "page": page})


# --- New customer: account info -> Next: Subscriptions -> Next: Review -> Submit ----------


def _wizard(request) -> dict | None:
    return request.session.get(WIZARD)


def _account_form(request, wizard) -> CustomerAccountForm:
    return CustomerAccountForm(
        wizard["account"],
        actor=request.user,
        gcc_enabled=partner_holds_gcc(request.user.partner),
    )


def _wizard_context(request, account_form) -> PurchaseContext:
    gcc = bool(account_form.cleaned_data["special_qualification"])
    return PurchaseContext.for_new_customer(partner=request.user.partner, gcc=gcc)


def start_new_customer_order(request, account_data: dict):
    """Called by the Add customer page's "Next: Subscriptions" with its valid form data."""
    request.session[WIZARD] = {
        "account": account_data,
        "quantities": {},
        "submission_key": str(uuid.uuid4()),
    }
    return redirect("orders:new_customer_subscriptions")


def _wizard_or_restart(request):
    wizard = _wizard(request)
    if wizard is None:
        messages.info(request, _("Start with the new customer's account info."))
        return None, redirect("orders:new_customer")
    account_form = _account_form(request, wizard)
    if not account_form.is_valid():  # e.g. its validation code was used up meanwhile
        messages.error(request, _("Check the customer's account info again."))
        # Back to the form as it was, so the reason shows next to its field.
        return None, redirect(reverse("orders:new_customer") + "?resume=1")
    return (wizard, account_form), None


@role_required(Action.ADD_CUSTOMER)
def new_customer_account(request):
    """Add customer: the account info; Create, or Next: Subscriptions into the wizard."""
    gcc_enabled = partner_holds_gcc(request.user.partner)
    data = request.POST or None
    if data is None and request.GET.get("resume") and (wizard := _wizard(request)):
        data = wizard["account"]  # back from Next: Subscriptions, the form as it was
    draft = drafts.draft_get(request.session) if data is None else None
    form = CustomerAccountForm(data, actor=request.user, gcc_enabled=gcc_enabled, initial=draft)
    if request.method == "POST" and "validate_first" in request.POST:
        # "What is this?" > "Submit a new request": keep what was typed, take the detour.
        drafts.draft_save(request.session, request.POST, form.fields)
        return redirect(f"{reverse('customers:validation_new')}?from=add-customer")
    status = 200
    if request.method == "POST":
        if form.is_valid() and "next" in request.POST:
            account = {name: form.data.get(name, "") for name in form.fields}
            return start_new_customer_order(request, account)
        if form.is_valid():
            code = form.cleaned_data["validation_code"]
            try:
                customer = customer_services.customer_create(
                    actor=request.user,
                    details=form.customer_details(),
                    qualification=form.cleaned_data["special_qualification"],
                    validation_code_id=code.pk if code else None,
                    indirect_reseller=form.cleaned_data.get("indirect_reseller"),
                )
            except Refusal as exc:
                form.add_error(exc.field, exc.message)
            else:
                drafts.draft_drop(request.session)
                messages.success(
                    request, _("%(name)s was created.") % {"name": customer.company_name}
                )
                return redirect("customers:detail", customer_uuid=customer.uuid)
        status = 400
    return render(
        request,
        "orders/new_customer_account.html",
        {
            "form": form,
            "gcc_enabled": gcc_enabled,
            "validation_refusal": customer_validation_refusal(actor=request.user),
            "restored": bool(draft),
        },
        status=status,
    )


@role_required(Action.ADD_CUSTOMER)
def validation_code_options(request):
    """The Add customer page's code search (htmx): the matching codes as <option>s."""
    search = request.GET.get("code_search", "")[:50]
    codes = validation_code_search(actor=request.user, search=search)[:CODE_CHOICES_SHOWN]
    choices = [(code.pk, code_label(code)) for code in codes]
    return render(request, "orders/_validation_code_options.html", {"choices": choices})


@role_required(Action.PLACE_ORDERS)
def new_customer_subscriptions(request):
    state, restart = _wizard_or_restart(request)
    if restart:
        return restart
    wizard, account_form = state
    catalog = selectors.catalog_for(_wizard_context(request, account_form))
    data = request.POST if request.method == "POST" else None
    initial = {CartForm.field_name(k): v for k, v in wizard["quantities"].items()}
    for offer_id, (term, cycle) in wizard.get("plans", {}).items():
        initial |= {f"term_{offer_id}": term, f"billing_{offer_id}": cycle}
    initial["submission_key"] = wizard["submission_key"]
    form = CartForm(data, catalog=catalog, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            lines = form.lines()
            try:
                services.cart_check(lines=lines, context=_wizard_context(request, account_form))
            except Refusal as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                wizard["quantities"] = {line.offer_id: line.quantity for line in lines}
                wizard["plans"] = {line.offer_id: [line.term, line.billing_cycle] for line in lines}
                request.session.modified = True
                return redirect("orders:new_customer_review")
        status = 400
    return render(
        request,
        "orders/new_customer_subscriptions.html",
        {"form": form, "account": account_form.cleaned_data},
        status=status,
    )


def _plan(plan) -> dict:
    """A wizard line's term and billing cycle (blank: the offer's defaults)."""
    term, cycle = plan or ("", "")
    return {"term": term, "billing_cycle": cycle}


@role_required(Action.PLACE_ORDERS)
def new_customer_review(request):
    if request.method == "POST" and (earlier := _earlier_order_redirect(request)):
        return earlier
    state, restart = _wizard_or_restart(request)
    if restart:
        return restart
    wizard, account_form = state
    if not wizard["quantities"]:
        return redirect("orders:new_customer_subscriptions")
    plans = wizard.get("plans", {})
    lines = [
        services.CartLine(k, v, **_plan(plans.get(k))) for k, v in wizard["quantities"].items()
    ]
    offers = Offer.objects.in_bulk(list(wizard["quantities"]), field_name="offer_id")
    if request.method == "POST":
        account = account_form.cleaned_data
        code = account["validation_code"]
        try:
            order = services.order_place_for_new_customer(
                actor=request.user,
                customer=account_form.customer_details(),
                qualification=account["special_qualification"],
                validation_code_id=code.pk if code else None,
                indirect_reseller=account.get("indirect_reseller"),
                lines=lines,
                submission_key=uuid.UUID(wizard["submission_key"]),
            )
        except Refusal as exc:
            messages.error(request, exc.message)
        else:
            del request.session[WIZARD]
            drafts.draft_drop(request.session)
            messages.success(
                request,
                _("%(name)s was created and order %(reference)s was submitted.")
                % {"name": order.customer.company_name, "reference": order.reference},
            )
            return redirect(
                "orders:detail", customer_uuid=order.customer.uuid, order_uuid=order.uuid
            )
    rows = [(offers[line.offer_id], line) for line in lines if line.offer_id in offers]
    return render(
        request,
        "orders/new_customer_review.html",
        {
            "account": account_form.cleaned_data,
            "rows": [
                (
                    offer,
                    line.quantity,
                    offer.unit_price * line.quantity,
                    _("%(term)s, billed %(cycle)s")
                    % {
                        "term": Term(line.term or offer.term).label,
                        "cycle": BillingCycle(
                            line.billing_cycle or offer.billing_cycle
                        ).label.lower(),
                    },
                )
                for offer, line in rows
            ],
            "monthly_total": sum(offer.unit_price * line.quantity for offer, line in rows),
            "submission_key": wizard["submission_key"],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST  # it changes the session: a link prefetched or crawled must not discard the wizard
@partner_user_required
def new_customer_cancel(request):
    request.session.pop(WIZARD, None)
    drafts.draft_drop(request.session)
    return redirect("customers:list")
