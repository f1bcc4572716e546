"""The emails a person waits for about a validation request: subject, text and HTML templates."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ValidationRequest
from .services import answer_link_token

TEMPLATES = {
    "submitted": "emails/validation_submitted",
    "approved": "emails/validation_approved",
    "rejected": "emails/validation_rejected",
    "info_requested": "emails/validation_info_requested",
}


def _recipients(request: ValidationRequest) -> list[str]:
    emails = [request.contact_email, request.submitted_by.email]
    return sorted({e for e in emails if e})


def send_request_email(*, request_id: int, event: str) -> int:
    request = ValidationRequest.objects.select_related("partner", "submitted_by").get(pk=request_id)
    base = TEMPLATES[event]
    context = {"request": request, "site_url": settings.GCC_SITE_URL}
    if event == "info_requested":
        token = answer_link_token(request)
        context["answer_url"] = settings.GCC_SITE_URL + reverse(
            "validation:contact_answer", args=[token]
        )
    subject = render_to_string(f"{base}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}.txt", context),
        to=_recipients(request),
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    return message.send()
