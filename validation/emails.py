"""The emails a person waits for about a validation request, one per transition.

Each is recorded with the transition (``ops.notifications.notify_on_commit``), keyed
by its timeline event, so it is sent once, after commit. The templates (subject, text and HTML
under templates/emails/) see the plain values below, taken when the event happened.
"""

import uuid
from dataclasses import dataclass
from datetime import tzinfo
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language

from lib.i18n import language_of
from ops.notifications import Email, notify_on_commit

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


@dataclass(frozen=True)
class _Shared:
    """What every email's context shares, worked out once for a batch of emails (the review
    sweep records thousands: ``reverse()`` and date formatting are slow)."""

    profile_path: str
    detail_path: tuple[str, str]  # a request's page: the path before and after its uuid
    zone: tzinfo

    @classmethod
    def now(cls) -> "_Shared":
        placeholder = uuid.UUID(int=0)
        detail = reverse("validation:detail", args=[placeholder])
        before, after = detail.split(str(placeholder))  # a uuid's text is never quoted
        return cls(reverse("profile"), (before, after), timezone.get_current_timezone())


def _when(moment, shared: _Shared) -> str:
    if not moment:
        return ""
    local = timezone.localtime(moment, shared.zone).replace(second=0, microsecond=0)
    # Shown to the minute; the offset tells apart the two 1:30 AMs of the autumn change.
    return _minute_shown(local, local.utcoffset(), str(local.tzinfo), get_language())


@lru_cache(maxsize=4096)
def _minute_shown(local, offset, zone: str, language: str) -> str:
    return date_format(local, "LONG_DATETIME_FORMAT")


def _context(request: ValidationRequest, name: str, shared: _Shared) -> dict:
    before, after = shared.detail_path
    context = {
        "reference": request.reference,
        "organization_name": request.organization_name,
        "kind_label": _lower_first(request.get_kind_display()),  # "customer GCC validation"
        "is_customer_request": request.kind == RequestKind.CUSTOMER,
        "for_existing_customer": bool(request.customer_id),
        "contact_name": request.contact_name,
        "request_path": f"{before}{request.uuid}{after}",
        "profile_path": shared.profile_path,
        "due_at": _when(request.due_at, shared),
    }
    if name == "approved" and request.kind == RequestKind.CUSTOMER:
        code = request.validation_code
        context |= {"validation_id": code.validation_id, "max_creates": code.max_creates}
    elif name == "rejected":
        context["decision_reason"] = request.decision_reason
        # The Resubmit button's link: the form, prefilled from the rejected request.
        context["resubmit_path"] = f"{before}{request.uuid}{after}resubmit/"
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


def _recipients(request: ValidationRequest, name: str) -> dict[str, list[str]]:
    """The addresses to write to, by language: the contact's chosen on the form, the
    submitter's from the profile (one email when they share it)."""
    submitter = request.submitted_by
    found = {language_of(submitter): [submitter.email]}
    if name != "answered":  # the contact wrote that one: only the partner user waits on it
        found.setdefault(request.contact_language, []).insert(0, request.contact_email)
    return found


def _emails(request: ValidationRequest, name: str, event: ValidationEvent, shared) -> list[Email]:
    emails = []
    for language, to in _recipients(request, name).items():
        with translation.override(language):
            context = _context(request, name, shared) | {"language": language}
        # The first language keeps the event's own key (one email for most events).
        suffix = f":{language}" if emails else ""
        emails.append(
            Email(
                key=f"validation-event:{event.pk}{suffix}",
                template=TEMPLATES[name],
                to=to,
                context=context,
            )
        )
    return emails


def request_emails(items) -> list[Email]:
    """The emails of many transitions at once (the review sweep's batch): ``items`` are
    (request, transition name, its timeline event); each the emails ``request_notify`` records."""
    shared = _Shared.now()
    return [
        email for request, name, event in items for email in _emails(request, name, event, shared)
    ]


def request_notify(*, request: ValidationRequest, name: str, event: ValidationEvent) -> None:
    """Record the emails for transition ``name`` of ``request`` (``event`` is its timeline row),
    one per language its recipients read."""
    for email in _emails(request, name, event, _Shared.now()):
        notify_on_commit(key=email.key, template=email.template, to=email.to, context=email.context)
