import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.refusals import Refusal, RefusalCode
from partners import permissions
from partners import selectors as partner_selectors
from partners.decorators import partner_user_required
from partners.permissions import Action

from . import evidence, selectors, services
from .forms import InfoResponseForm, PartnerValidationForm
from .intake import resubmission_initial, resubmission_notice
from .list_filters import RequestFilterForm
from .models import EvidenceDocument, RequestKind, RequestState, ValidationRequest

PAGE_SIZE = 25


def _request_or_404(request, request_uuid) -> ValidationRequest:
    try:
        return selectors.validation_request_get(actor=request.user, uuid=request_uuid)
    except ValidationRequest.DoesNotExist as exc:
        raise Http404("No such validation request.") from exc


def _initial_from_profile(user) -> dict:
    partner = user.partner
    return {
        "submission_key": uuid.uuid4(),
        "organization_name": partner.name,
        "address_line": partner.address_line,
        "city": partner.city,
        "state": partner.state,
        "postal_code": partner.postal_code,
        "contact_name": user.get_full_name(),
        "contact_email": user.email,
    }


def _resubmission_source_or_404(request) -> ValidationRequest | None:
    """The rejected request a form resubmits (``?resubmit=<uuid>``, kept on its post), if any."""
    request_uuid = request.GET.get("resubmit")
    if not request_uuid:
        return None
    try:
        return selectors.validation_request_for_resubmission(
            actor=request.user, request_uuid=request_uuid
        )
    except ValidationRequest.DoesNotExist as exc:
        raise Http404("No such validation request.") from exc


def _resubmission_refused(request, refusal: Refusal, earlier: ValidationRequest):
    return render(
        request,
        "validation/resubmit_refused.html",
        {"message": refusal.message, "vr": earlier, "newer": services.resubmitted_as(refusal)},
        status=refusal.status,
    )


@partner_user_required
def partner_validation_new(request):
    if request.method == "POST":
        earlier = selectors.validation_request_for_submission(
            actor=request.user, submission_key=request.POST.get("submission_key")
        )
        if earlier:  # the same form posted again: show what the first post created
            return _submitted(earlier)
    resubmitted = _resubmission_source_or_404(request)
    if resubmitted is not None and (
        problem := services.resubmission_refusal(
            actor=request.user, earlier=resubmitted, kind=RequestKind.PARTNER
        )
    ):
        return _resubmission_refused(request, problem, resubmitted)
    refusal = services.partner_validation_refusal(actor=request.user)
    if refusal:
        return render(
            request,
            "validation/partner_validation_refused.html",
            {
                "message": refusal.message,
                "roles": permissions.roles_allowed(Action.SUBMIT_PARTNER_VALIDATION),
            },
            status=403,
        )
    initial = _initial_from_profile(request.user)
    if resubmitted is not None:
        initial |= resubmission_initial(resubmitted)
        if request.method != "POST":
            messages.info(request, resubmission_notice(resubmitted))
    form = PartnerValidationForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = evidence.done_with_evidence(
                    lambda: services.partner_validation_submit(
                        actor=request.user,
                        submission_key=form.cleaned_data["submission_key"],
                        intake=form.intake(),
                        resubmission_of=resubmitted,
                    ),
                    files=form.cleaned_data["documents"],
                    uploaded_by=request.user,
                    via="form",
                )
            except Refusal as exc:
                form.add_error(exc.field, exc.message)
            else:
                return _submitted(created)
        status = 400
    return render(
        request,
        "validation/partner_validation_form.html",
        {"form": form},
        status=status,
    )


def _detail_context(request, validation_request, answer_form=None):
    can_answer = permissions.allows(request.user, services.answer_action(validation_request))
    can_resubmit = validation_request.status == RequestState.REJECTED and (
        services.resubmission_refusal(actor=request.user, earlier=validation_request) is None
    )
    return {
        "vr": validation_request,
        "answer_form": answer_form or (InfoResponseForm() if can_answer else None),
        "can_resubmit": can_resubmit,
        "just_submitted": request.GET.get("submitted") == "1" and validation_request.is_open,
        "demo_day_seconds": settings.GCC_REVIEW_BUSINESS_DAY_SECONDS,
        # A customer's request is under Customers; the partner's own under Settings.
        "nav_section": "customers"
        if validation_request.kind == RequestKind.CUSTOMER
        else "settings",
    }


def _submitted(created: ValidationRequest):
    """To the new request's page, which says it was submitted for as long as it is open."""
    url = reverse("validation:detail", args=[created.uuid])
    return redirect(f"{url}?submitted=1")


@partner_user_required
def request_detail(request, request_uuid):
    validation_request = _request_or_404(request, request_uuid)
    template = "validation/request_detail.html"
    if request.htmx:
        template = "validation/_request_status.html"
    return render(request, template, _detail_context(request, validation_request))


@partner_user_required
def request_resubmit(request, request_uuid):
    """The Resubmit button's (and the rejection email's) link: the form that made the rejected
    request, prefilled from it."""
    earlier = _request_or_404(request, request_uuid)
    refusal = services.resubmission_refusal(actor=request.user, earlier=earlier)
    if refusal:
        return _resubmission_refused(request, refusal, earlier)
    query = {"resubmit": earlier.uuid}
    if earlier.is_customer_request:
        if earlier.customer_id:
            query["customer"] = earlier.customer.uuid
        url = reverse("customers:validation_new")
    else:
        url = reverse("validation:partner_new")
    return redirect(f"{url}?{urlencode(query)}")


@partner_user_required
def request_list(request):
    """Validation requests: the partner's requests of both kinds, filtered, a page at a time."""
    form = RequestFilterForm(request.GET or None)
    filters, status = {}, 200
    if form.is_bound:
        if form.is_valid():
            filters = {name: value for name, value in form.cleaned_data.items() if value}
        else:
            status = 400
    rows = selectors.validation_request_page_rows(actor=request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "validation/request_list.html",
        {
            "page": page,
            "form": form,
            "filtered": bool(filters),
            "query": urlencode(filters) + "&" if filters else "",
            "can_submit_customer": permissions.allows(
                request.user, Action.SUBMIT_CUSTOMER_VALIDATION
            ),
        },
        status=status,
    )


@partner_user_required
def code_list(request):
    """Validation codes: each of the partner's codes, its creates, the customers made with it."""
    rows = selectors.validation_code_page_rows(actor=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "validation/code_list.html", {"page": page, "query": ""})


@require_POST
@partner_user_required
def request_answer(request, request_uuid):
    validation_request = _request_or_404(request, request_uuid)
    form = InfoResponseForm(request.POST, request.FILES)
    if form.is_valid():
        documents = form.cleaned_data["documents"]
        try:
            evidence.done_with_evidence(
                lambda: services.validation_request_answer(
                    actor=request.user,
                    request=validation_request,
                    response=form.cleaned_data["response"],
                ),
                validation_request=validation_request,
                files=documents,
                uploaded_by=request.user,
                via="answer",
            )
        except Refusal as exc:
            if exc.code == RefusalCode.ROLE_NOT_ALLOWED:  # a forged post: the form isn't shown
                messages.error(request, exc.message)
                return redirect("validation:detail", request_uuid=request_uuid)
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Your answer was sent; the review resumes."))
            return redirect("validation:detail", request_uuid=request_uuid)
    return render(
        request,
        "validation/request_detail.html",
        _detail_context(request, validation_request, answer_form=form),
        status=400,
    )


@partner_user_required
def request_document(request, request_uuid, document_id):
    """A document of the partner's own request; another partner's is a 404."""
    try:
        document = selectors.evidence_document_get(
            actor=request.user, request_uuid=request_uuid, document_id=document_id
        )
    except EvidenceDocument.DoesNotExist as exc:
        raise Http404("No such document.") from exc
    return evidence.evidence_file_response(document)


def contact_answer(request, token):
    """The page the emailed link opens: the customer contact answers, no account needed."""
    try:
        validation_request = services.validation_request_from_answer_token(token)
    except Refusal as exc:
        return render(
            request,
            "validation/contact_answer_closed.html",
            {"message": exc.message},
            status=exc.status,  # 400 for a link that is not valid, 410 for a used one
        )
    form = InfoResponseForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            documents = form.cleaned_data["documents"]
            try:
                evidence.done_with_evidence(
                    lambda: services.validation_request_answer_by_contact(
                        token=token, response=form.cleaned_data["response"]
                    ),
                    validation_request=validation_request,
                    files=documents,
                    via="answer",
                )
            except Refusal as exc:
                form.add_error(exc.field, exc.message)
            else:
                return render(
                    request, "validation/contact_answer_done.html", {"vr": validation_request}
                )
        status = 400
    return render(
        request,
        "validation/contact_answer.html",
        {"vr": validation_request, "form": form},
        status=status,
    )


# --- The partner's workspace pages that show its GCC standing ------------------------------


@partner_user_required
def home(request):
    """The partner's home: its GCC standing and its latest validation requests."""
    partner = partner_selectors.partner_get_profile(actor=request.user)
    return render(
        request,
        "validation/home.html",
        {
            "partner": partner,
            "holds_gcc": partner_selectors.partner_holds_gcc(partner),
            "recent_requests": selectors.validation_request_list(actor=request.user)[:5],
        },
    )


@partner_user_required
def organization_profile(request):
    """The organization profile: Microsoft ID, qualifications, the partner GCC validation."""
    partner = partner_selectors.partner_get_profile(actor=request.user)
    return render(
        request,
        "validation/organization_profile.html",
        {
            "partner": partner,
            "holds_gcc": partner_selectors.partner_holds_gcc(partner),
            "validation_refusal": services.partner_validation_refusal(actor=request.user),
            "requests": selectors.validation_request_list(actor=request.user).filter(
                kind=RequestKind.PARTNER
            )[:10],
        },
    )
