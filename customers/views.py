from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from gccportal.errors import DomainError
from orders.views import WIZARD as ORDER_WIZARD
from orders.views import start_new_customer_order
from partners import permissions
from partners.decorators import partner_user_required
from partners.permissions import Action
from partners.selectors import partner_holds_gcc
from validation.services import customer_validation_refusal

from . import selectors, services
from .forms import CustomerAccountForm
from .models import Customer, SpecialQualificationKind
from .selectors import ValidationStatus

PAGE_SIZE = 25


@partner_user_required
def customer_list(request):
    search = request.GET.get("q", "")[:200]
    qualification = request.GET.get("qualification", "")
    status = request.GET.get("status", "")
    customers = selectors.customer_list(
        actor=request.user, search=search, qualification=qualification, status=status
    )
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "customers/customer_list.html",
        {
            "page": page,
            "search": search,
            "qualification": qualification,
            "status": status,
            "status_choices": ValidationStatus.CHOICES,
            "gcc": SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
            "holds_gcc": partner_holds_gcc(request.user.partner),
            "query": f"{query.urlencode()}&" if query else "",
        },
    )


def _order_wizard(request) -> dict | None:
    return request.session.get(ORDER_WIZARD)


@partner_user_required
def customer_create(request):
    if not permissions.allows(request.user, Action.ADD_CUSTOMER):
        return render(
            request,
            "partners/not_allowed.html",
            {
                "message": "Your role cannot add customers.",
                "roles": permissions.roles_allowed(Action.ADD_CUSTOMER),
            },
            status=403,
        )
    gcc_enabled = partner_holds_gcc(request.user.partner)
    data = request.POST or None
    if data is None and request.GET.get("resume") and (wizard := _order_wizard(request)):
        data = wizard["account"]  # back from Next: Subscriptions, the form as it was
    form = CustomerAccountForm(data, actor=request.user, gcc_enabled=gcc_enabled)
    status = 200
    if request.method == "POST":
        if form.is_valid() and "next" in request.POST:
            account = {name: form.data.get(name, "") for name in form.fields}
            return start_new_customer_order(request, account)
        if form.is_valid():
            code = form.cleaned_data["validation_code"]
            try:
                customer = services.customer_create(
                    actor=request.user,
                    data=form.customer_data(),
                    qualification=form.cleaned_data["special_qualification"],
                    validation_code_id=code.pk if code else None,
                    indirect_reseller=form.cleaned_data.get("indirect_reseller"),
                )
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, f"{customer.company_name} was created.")
                return redirect("customers:detail", customer_uuid=customer.uuid)
        status = 400
    return render(
        request,
        "customers/customer_form.html",
        {
            "form": form,
            "gcc_enabled": gcc_enabled,
            "validation_refusal": customer_validation_refusal(actor=request.user),
        },
        status=status,
    )


@partner_user_required
def customer_detail(request, customer_uuid):
    """The customer's Account page: Microsoft ID, company info, special qualifications."""
    try:
        customer = selectors.customer_get(actor=request.user, uuid=customer_uuid)
    except Customer.DoesNotExist as exc:
        raise Http404("No such customer.") from exc
    holds_gcc = partner_holds_gcc(request.user.partner)
    latest = selectors.customer_latest_request(actor=request.user, customer=customer)
    refusal = customer_validation_refusal(actor=request.user, customer=customer)
    can_request = refusal is None and not (latest and latest.is_open)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "holds_gcc": holds_gcc,
            "vr": latest,
            "can_request_validation": can_request,
            "request_validation_url": reverse("validation:customer_new")
            + f"?customer={customer.uuid}",
        },
    )
