import hashlib
import uuid

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from lib.cache import cache_get, cache_set
from lib.keyset import FIRST
from lib.refusals import Refusal
from partners import permissions
from partners.decorators import partner_user_required
from partners.permissions import Action
from partners.selectors import partner_holds_gcc
from validation import selectors as validation_selectors
from validation import services as validation_services
from validation.models import CustomerGccStatus, SpecialQualificationKind
from validation.services import customer_validation_refusal

from . import selectors
from .forms import CustomerValidationForm
from .models import Customer

PAGE_SIZE = 25


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips for the busiest page
@partner_user_required
def customer_list(request):
    search = request.GET.get("q", "")[:200]
    qualification = request.GET.get("qualification", "")
    status = request.GET.get("status", "")
    filters = {"search": search, "qualification": qualification, "status": status}
    partner = request.user.partner
    holds_gcc = partner_holds_gcc(partner)
    table, book_is_empty = _book_table(request, filters, holds_gcc=holds_gcc)
    return render(
        request,
        "customers/customer_list.html",
        {
            "table": table,
            "book_is_empty": book_is_empty,
            "search": search,
            "qualification": qualification,
            "status": status,
            "status_choices": CustomerGccStatus.choices,
            "gcc": SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
            "partner": partner,  # the empty book's GCC note names an indirect provider
            "holds_gcc": holds_gcc,
        },
    )


def _book_table(request, filters: dict, *, holds_gcc: bool) -> tuple[SafeString, bool]:
    """The list's table, page links and count, rendered, and whether the book is empty.

    Kept in the cache under the partner's book version, which customers.services changes with
    every change to the book: a page shown again (the first page after every action, a search
    run twice, by any of the partner's users) costs no page or count query and no rendering of
    its rows until the book changes.
    """
    partner = request.user.partner  # read with the user: before the rows (_books_changed)
    state = f"{partner.pk}:{partner.book_version}:{holds_gcc}:{request.GET.urlencode()}"
    key = "book-table:" + hashlib.sha256(state.encode()).hexdigest()
    cached = cache_get(key)
    if cached is not None:
        html, book_is_empty = cached
        return mark_safe(html), book_is_empty  # noqa: S308 -- our own template rendered it
    page = selectors.customer_page(
        actor=request.user,
        size=PAGE_SIZE,
        cursor=request.GET.get("cursor"),
        direction=request.GET.get("page", FIRST),
        **filters,
    )
    count, more = selectors.customer_count(actor=request.user, **filters)
    query = request.GET.copy()
    for name in ("page", "cursor"):
        query.pop(name, None)
    html = render_to_string(
        "customers/_book_table.html",
        {
            "page": page,
            "count": count,
            "count_is_capped": more,
            "filtered": any(filters.values()),
            "holds_gcc": holds_gcc,
            "query": f"{query.urlencode()}&" if query else "",
        },
    )
    book_is_empty = not page.rows and not any(filters.values())
    cache_set(key, (str(html), book_is_empty), settings.GCC_BOOK_PAGE_CACHE_SECONDS)
    return html, book_is_empty


def _customer_or_404(request, customer_uuid) -> Customer:
    try:
        return selectors.customer_get(actor=request.user, uuid=customer_uuid)
    except (Customer.DoesNotExist, ValueError) as exc:
        raise Http404("No such customer.") from exc


@partner_user_required
def customer_detail(request, customer_uuid):
    """The customer's Account page: Microsoft ID, company info, special qualifications."""
    customer = _customer_or_404(request, customer_uuid)
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
            "request_validation_url": reverse("customers:validation_new")
            + f"?customer={customer.uuid}",
        },
    )


def _customer_initial(request, customer) -> dict:
    initial = {"submission_key": uuid.uuid4()}
    partner = request.user.partner
    if partner.indirect_provider_id is None:
        initial["tenant_id"] = partner.tenant_id  # an indirect reseller must look its up itself
    if customer is not None:
        initial.update(
            organization_name=customer.company_name,
            address_line=customer.address_line,
            city=customer.city,
            state=customer.state,
            postal_code=customer.postal_code,
            contact_name=customer.contact_name,
            contact_email=customer.contact_email,
            contact_phone=customer.contact_phone,
        )
    return initial


@partner_user_required
def customer_validation_new(request):
    """The customer validation form ("CSP customer" intake), for a new or existing customer."""
    customer_uuid = request.GET.get("customer") or request.POST.get("customer")
    customer = _customer_or_404(request, customer_uuid) if customer_uuid else None
    if request.method == "POST":
        earlier = validation_selectors.validation_request_for_submission(
            actor=request.user, submission_key=request.POST.get("submission_key")
        )
        if earlier:
            return redirect("validation:detail", request_uuid=earlier.uuid)
    refusal = customer_validation_refusal(actor=request.user, customer=customer)
    if refusal:
        return render(
            request,
            "customers/customer_validation_refused.html",
            {
                "message": refusal.message,
                "roles": permissions.roles_allowed(Action.SUBMIT_CUSTOMER_VALIDATION),
            },
            status=403,
        )
    form = CustomerValidationForm(
        request.POST or None, initial=_customer_initial(request, customer)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = validation_services.customer_validation_submit(
                    actor=request.user,
                    submission_key=form.cleaned_data["submission_key"],
                    intake=form.intake(),
                    customer=customer,
                )
            except Refusal as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(
                    request,
                    "The customer validation request was submitted. Microsoft answers within "
                    "two business days and may contact the customer.",
                )
                return redirect("validation:detail", request_uuid=created.uuid)
        status = 400
    return render(
        request,
        "customers/customer_validation_form.html",
        {"form": form, "customer": customer},
        status=status,
    )
