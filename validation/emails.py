"""The emails a person waits for about a validation request, one per transition.

Each is recorded with the transition (``ops.notifications.notify_on_commit``), keyed
by its timeline event, so it is sent once, after commit. The templates (subject, text and HTML
under templates/emails/) see the plain values below, taken when the event happened.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from ops.notifications import notify_on_commit

from .models import RequestKind, ValidationEvent, ValidationRequest

TEMPLATES = {
    "submitted": "validation_submitted",
    "approved": "validation_approved",
    "rejected": "validation_rejected",
    "info_requested": "validation_info_requested",
    "answered": "validation_answered",
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "l, F j, Y g:i A T") if moment else ""


def _context(request: ValidationRequest, name: str) -> dict:
    context = {
        "reference": request.reference,
        "organization_name": request.organization_name,
        "kind_label": _lower_first(request.get_kind_display()),  # "customer GCC validation"
        "is_customer_request": request.kind == RequestKind.CUSTOMER,
        "for_existing_customer": bool(request.customer_id),
        "contact_name": request.contact_name,
        "request_path": reverse("validation:detail", args=[request.uuid]),
        "profile_path": reverse("profile"),
        "due_at": _when(request.due_at),
    }
    if name == "approved" and request.kind == RequestKind.CUSTOMER:
        code = request.validation_code
        context |= {"validation_id": code.validation_id, "max_creates": code.max_creates}
    elif name == "rejected":
        context["decision_reason"] = request.decision_reason
    elif name == "info_requested":
        from .services import answer_link_token

        context["info_request_message"] = request.info_request_message
        context["answer_path"] = reverse(
            "validation:contact_answer", args=[answer_link_token(request)]
        )
    elif name == "answered":
        context["info_response"] = request.info_response
        context["submitter_name"] = request.submitted_by.get_full_name()
    return context


def _recipients(request: ValidationRequest, name: str) -> list[str]:
    if name == "answered":  # the contact wrote it: tell the partner user waiting on it
        return [request.submitted_by.email]
    return [request.contact_email, request.submitted_by.email]


def request_notify(*, request: ValidationRequest, name: str, event: ValidationEvent) -> None:
    """Record the email for transition ``name`` of ``request`` (``event`` is its timeline row)."""
    notify_on_commit(
        key=f"validation-event:{event.pk}",
        template=TEMPLATES[name],
        to=_recipients(request, name),
        context=_context(request, name),
    )
