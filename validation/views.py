import uuid

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gccportal.errors import DomainError
from partners import permissions
from partners.decorators import partner_user_required
from partners.permissions import Action

from . import selectors, services
from .forms import CustomerValidationForm, InfoResponseForm, PartnerValidationForm
from .models import ValidationRequest


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


@partner_user_required
def partner_validation_new(request):
    if request.method == "POST":
        earlier = selectors.validation_request_for_submission(
            actor=request.user, submission_key=request.POST.get("submission_key")
        )
        if earlier:  # the same form posted again: show what the first post created
            return redirect("validation:detail", request_uuid=earlier.uuid)
    refusal = services.partner_validation_refusal(actor=request.user)
    if refusal:
        return render(
            request,
            "validation/partner_validation_refused.html",
            {
                "message": refusal,
                "roles": permissions.roles_allowed(Action.SUBMIT_PARTNER_VALIDATION),
            },
            status=403,
        )
    form = PartnerValidationForm(request.POST or None, initial=_initial_from_profile(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.partner_validation_submit(
                    actor=request.user,
                    submission_key=form.cleaned_data["submission_key"],
                    data=form.review_data(),
                )
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(
                    request,
                    "Your request was submitted. Microsoft answers within two business days.",
                )
                return redirect("validation:detail", request_uuid=created.uuid)
        status = 400
    return render(request, "validation/partner_validation_form.html", {"form": form}, status=status)


def _detail_context(request, validation_request, answer_form=None):
    can_answer = permissions.allows(request.user, services.answer_action(validation_request))
    return {
        "vr": validation_request,
        "answer_form": answer_form or (InfoResponseForm() if can_answer else None),
    }


@partner_user_required
def request_detail(request, request_uuid):
    validation_request = _request_or_404(request, request_uuid)
    template = "validation/request_detail.html"
    if request.htmx:
        template = "validation/_request_status.html"
    return render(request, template, _detail_context(request, validation_request))


@require_POST
@partner_user_required
def request_answer(request, request_uuid):
    validation_request = _request_or_404(request, request_uuid)
    form = InfoResponseForm(request.POST)
    if form.is_valid():
        try:
            services.validation_request_answer(
                actor=request.user,
                request=validation_request,
                response=form.cleaned_data["response"],
            )
        except permissions.RoleNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("validation:detail", request_uuid=request_uuid)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, "Your answer was sent; the review resumes.")
            return redirect("validation:detail", request_uuid=request_uuid)
    return render(
        request,
        "validation/request_detail.html",
        _detail_context(request, validation_request, answer_form=form),
        status=400,
    )


def _customer_or_404(request, customer_uuid):
    from customers.selectors import customer_get

    try:
        return customer_get(actor=request.user, uuid=customer_uuid)
    except ObjectDoesNotExist as exc:
        raise Http404("No such customer.") from exc


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
        earlier = selectors.validation_request_for_submission(
            actor=request.user, submission_key=request.POST.get("submission_key")
        )
        if earlier:
            return redirect("validation:detail", request_uuid=earlier.uuid)
    refusal = services.customer_validation_refusal(actor=request.user, customer=customer)
    if refusal:
        return render(
            request,
            "validation/customer_validation_refused.html",
            {
                "message": refusal,
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
                created = services.customer_validation_submit(
                    actor=request.user,
                    submission_key=form.cleaned_data["submission_key"],
                    data=form.review_data(),
                    customer=customer,
                )
            except DomainError as exc:
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
        "validation/customer_validation_form.html",
        {"form": form, "customer": customer},
        status=status,
    )


def contact_answer(request, token):
    """The page the emailed link opens: the customer contact answers, no account needed."""
    try:
        validation_request = services.validation_request_from_answer_token(token)
    except DomainError as exc:
        return render(
            request,
            "validation/contact_answer_closed.html",
            {"message": exc.message},
            status=410 if isinstance(exc, services.AlreadyDecided) else 400,
        )
    form = InfoResponseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.validation_request_answer_by_contact(
                    token=token, response=form.cleaned_data["response"]
                )
            except DomainError as exc:
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
