import csv
import hashlib
import uuid
from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.cache import cache_get, cache_set
from lib.keyset import FIRST
from lib.refusals import Refusal, RefusalCode
from partners import permissions
from partners.decorators import partner_user_required, role_required
from partners.models import PartnerType
from partners.permissions import Action
from partners.selectors import indirect_reseller_list, partner_holds_gcc
from validation import evidence
from validation import selectors as validation_selectors
from validation import services as validation_services
from validation.intake import resubmission_initial, resubmission_notice
from validation.models import (
    CustomerGccStatus,
    RequestKind,
    SpecialQualificationKind,
    ValidationRequest,
)
from validation.services import customer_validation_refusal

from . import drafts, selectors
from . import services as customer_services
from .forms import BillingProfileForm, CustomerValidationForm
from .models import Customer

PAGE_SIZE = 25


# The list's columns that sort, as the table heads them (customers.selectors.SORTS).
SORT_COLUMNS = (
    ("name", gettext_noop("Company")),
    ("domain", gettext_noop("Domain")),
    ("added", gettext_noop("Added")),
)


def _list_filters(request) -> dict:
    """The list's search and filters from its query string, as customer_page takes them; the
    indirect-reseller filter only for an indirect provider."""
    filters = {
        "search": request.GET.get("q", "")[:200],
        "qualification": request.GET.get("qualification", ""),
        "status": request.GET.get("status", ""),
    }
    if _is_provider(request.user.partner):
        filters["reseller"] = request.GET.get("reseller", "")[:64]
    return filters


def _is_provider(partner) -> bool:
    return partner.partner_type == PartnerType.INDIRECT_PROVIDER


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips for the busiest page
@partner_user_required
def customer_list(request):
    filters = _list_filters(request)
    partner = request.user.partner
    holds_gcc = partner_holds_gcc(partner)
    provider = _is_provider(partner)
    table, book_is_empty = _book_table(request, filters, holds_gcc=holds_gcc, provider=provider)
    export_query = request.GET.copy()
    for name in ("page", "cursor"):
        export_query.pop(name, None)
    return render(
        request,
        "customers/customer_list.html",
        {
            "table": table,
            "book_is_empty": book_is_empty,
            "search": filters["search"],
            "qualification": filters["qualification"],
            "status": filters["status"],
            "reseller": filters.get("reseller", ""),
            "resellers": indirect_reseller_list(actor=request.user).order_by("name", "pk")
            if provider
            else [],
            "direct": selectors.DIRECT,
            "sort": request.GET.get("sort", ""),
            "export_query": export_query.urlencode(),
            "status_choices": CustomerGccStatus.choices,
            "gcc": SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
            "partner": partner,  # the empty book's GCC note names an indirect provider
            "holds_gcc": holds_gcc,
            "provider": provider,
        },
    )


def _book_table(
    request, filters: dict, *, holds_gcc: bool, provider: bool
) -> tuple[SafeString, bool]:
    """The list's table, page links and count, rendered, and whether the book is empty.

    Kept in the cache under the partner's book version, which customers.services changes with
    every change to the book: a page shown again (the first page after every action, a search
    run twice, by any of the partner's users) costs no page or count query and no rendering of
    its rows until the book changes. The page is in the reader's language: so is its key.
    """
    partner = request.user.partner  # read with the user: before the rows (_books_changed)
    language = translation.get_language()
    state = (
        f"{partner.pk}:{partner.book_version}:{holds_gcc}:{provider}:{language}:"
        f"{request.GET.urlencode()}"
    )
    key = "book-table:" + hashlib.sha256(state.encode()).hexdigest()
    cached = cache_get(key)
    if cached is not None:
        html, book_is_empty = cached
        return mark_safe(html), book_is_empty  # noqa: S308 -- our own template rendered it
    column, descending = selectors.sort_of(request.GET.get("sort"))
    page = selectors.customer_page(
        actor=request.user,
        size=PAGE_SIZE,
        cursor=request.GET.get("cursor"),
        direction=request.GET.get("page", FIRST),
        sort=f"{'-' if descending else ''}{column}",
        **filters,
    )
    count, more = selectors.customer_count(actor=request.user, **filters)
    query = request.GET.copy()
    for name in ("page", "cursor"):
        query.pop(name, None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    base = f"{unsorted.urlencode()}&" if unsorted else ""
    heads = [
        {
            "label": _(label),
            "sorted": name == column,
            "descending": name == column and descending,
            # A sorted column's link turns it around; another's sorts by it, ascending.
            "href": f"?{base}sort={'-' if name == column and not descending else ''}{name}",
            "name": name,
        }
        for name, label in SORT_COLUMNS
    ]
    html = render_to_string(
        "customers/_book_table.html",
        {
            "page": page,
            "count": count,
            "count_is_capped": more,
            "filtered": any(filters.values()),
            "holds_gcc": holds_gcc,
            "provider": provider,
            "heads": {head["name"]: head for head in heads},
            "query": f"{query.urlencode()}&" if query else "",
        },
    )
    book_is_empty = not page.rows and not any(filters.values())
    cache_set(key, (str(html), book_is_empty), settings.GCC_BOOK_PAGE_CACHE_SECONDS)
    return html, book_is_empty


class _Echo:
    """A file-like object whose write() returns what it is given (csv.writer over a stream)."""

    def write(self, value: str) -> str:
        return value


# A cell a spreadsheet would read as a formula (or a DDE call) starts with one of these: it is
# written with a leading apostrophe, which spreadsheets show as text (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


EXPORT_HEADER = [
    gettext_noop("Company"),
    gettext_noop("Domain"),
    gettext_noop("Microsoft ID"),
    gettext_noop("Special qualifications"),
    gettext_noop("Validation"),
]


def _export_lines(rows, *, holds_gcc: bool, provider: bool):
    """The CSV's lines. Its words are translated here, in the reader's language, before the
    response streams (the rows are written later, as the server reads them)."""
    header = [
        *(_(name) for name in EXPORT_HEADER),
        *([_("Indirect reseller")] if provider else []),
        _("Added"),
    ]
    gcc = _("Government Community Cloud") if holds_gcc else _("(hidden)")
    statuses = {value: str(label) for value, label in CustomerGccStatus.choices}
    return _export_rows(rows, header=header, gcc=gcc, statuses=statuses, provider=provider)


def _export_rows(rows, *, header: list[str], gcc: str, statuses: dict, provider: bool):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # the BOM: spreadsheets then read it as UTF-8
    for customer in rows:
        cells = [
            customer.company_name,
            customer.domain,
            customer.tenant_id,
            gcc if customer.has_gcc else "",
            statuses.get(customer.gcc_status, customer.gcc_status),
        ]
        if provider:
            cells.append(customer.indirect_reseller_name or "")
        cells.append(timezone.localtime(customer.added_at).date().isoformat())
        yield writer.writerow([csv_cell(cell) for cell in cells])


@transaction.non_atomic_requests  # a long read: each batch is its own short query
@partner_user_required
def customer_export(request):
    """The list as it is filtered and sorted, as CSV (UTF-8 with a BOM), streamed in keyset
    batches: 100,000 customers are never in memory at once."""
    partner = request.user.partner
    rows = selectors.customer_export_rows(
        actor=request.user, sort=request.GET.get("sort"), **_list_filters(request)
    )
    lines = _export_lines(
        rows, holds_gcc=partner_holds_gcc(partner), provider=_is_provider(partner)
    )
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


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
    # The transacting partner's commercial tenant: an indirect reseller's provider's, the only
    # one the form accepts (the profile names it too).
    initial["tenant_id"] = request.user.partner.transacting_partner.tenant_id
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
            return redirect(reverse("validation:detail", args=[earlier.uuid]) + "?submitted=1")
    # A rejected request resubmitted (its page's Resubmit button): the form prefilled from it.
    resubmit = request.GET.get("resubmit")
    try:
        resubmitted = resubmit and validation_selectors.validation_request_for_resubmission(
            actor=request.user, request_uuid=resubmit
        )
    except ValidationRequest.DoesNotExist as exc:
        raise Http404("No such validation request.") from exc
    if resubmitted and (
        problem := validation_services.resubmission_refusal(
            actor=request.user, earlier=resubmitted, kind=RequestKind.CUSTOMER, customer=customer
        )
    ):
        newer = validation_services.resubmitted_as(problem)
        context = {"message": problem.message, "vr": resubmitted, "newer": newer}
        return render(request, "validation/resubmit_refused.html", context, status=problem.status)
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
    initial = _customer_initial(request, customer)
    if request.GET.get("from") == "add-customer":  # the detour from Add customer's dialog
        initial |= drafts.validation_initial(request.session)
    if resubmitted:
        initial |= resubmission_initial(resubmitted)
        if request.method != "POST":
            messages.info(request, resubmission_notice(resubmitted))
    form = CustomerValidationForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = evidence.done_with_evidence(
                    lambda: validation_services.customer_validation_submit(
                        actor=request.user,
                        submission_key=form.cleaned_data["submission_key"],
                        intake=form.intake(),
                        customer=customer,
                        resubmission_of=resubmitted or None,
                    ),
                    files=form.cleaned_data["documents"],
                    uploaded_by=request.user,
                    via="form",
                )
            except Refusal as exc:
                form.add_error(exc.field, exc.message)
            else:
                # Its page says so while it is open (not a message that outlives the decision).
                url = reverse("validation:detail", args=[created.uuid])
                return redirect(f"{url}?submitted=1")
        status = 400
    return render(
        request,
        "customers/customer_validation_form.html",
        {"form": form, "customer": customer},
        status=status,
    )


def _profile_initial(customer: Customer) -> dict:
    initial = {
        f: getattr(customer, f) for f in customer_services.BillingProfile.__dataclass_fields__
    }
    initial["version"] = customer_services.billing_profile_version(customer)
    return initial


@role_required(Action.EDIT_CUSTOMER)
def customer_edit(request, customer_uuid):
    """Edit the customer's company and billing profile. The form carries the version it was
    read at: a submit after someone else's change is refused (409) with the profile as it is
    now, and nothing is saved."""
    customer = _customer_or_404(request, customer_uuid)
    status, current, stale, attempted = 200, None, None, []
    if request.method == "POST":
        form = BillingProfileForm(request.POST)
        if form.is_valid():
            try:
                customer_services.customer_billing_profile_update(
                    actor=request.user,
                    customer=customer,
                    profile=form.profile(),
                    expected_version=form.cleaned_data["version"],
                )
            except Refusal as exc:
                if exc.code == RefusalCode.NOT_YOUR_CUSTOMER:
                    raise Http404("No such customer.") from exc
                if exc.code == RefusalCode.CUSTOMER_CHANGED:
                    # The form again, as it is now (its new version); what the person typed
                    # that differs is listed beside it, to make the change again deliberately.
                    current = exc.about
                    attempted = [
                        (form.fields[name].label or name.capitalize(), value)
                        for name, value in asdict(form.profile()).items()
                        if getattr(current, name) != value
                    ]
                    stale = exc.message
                    form = BillingProfileForm(initial=_profile_initial(current))
                else:
                    form.add_error(exc.field, exc.message)
                status = exc.status
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = field if field in form.fields else None
                    form.add_error(target, errors)
                status = 400
            else:
                messages.success(
                    request,
                    _("The profile of %(name)s was saved.")
                    % {"name": form.cleaned_data["company_name"]},
                )
                return redirect("customers:detail", customer_uuid=customer.uuid)
        else:
            status = 400
    else:
        form = BillingProfileForm(initial=_profile_initial(customer))
    return render(
        request,
        "customers/customer_edit.html",
        {
            "customer": current or customer,
            "form": form,
            "stale": stale,
            "attempted": attempted,
        },
        status=status,
    )
