"""Reads of validation requests, always scoped to the acting user's partner."""

import uuid

from django.db.models import Prefetch, QuerySet

from partners.models import User

from .models import ValidationEvent, ValidationRequest


def validation_request_list(*, actor: User) -> QuerySet[ValidationRequest]:
    return ValidationRequest.objects.filter(partner_id=actor.partner_id).select_related(
        "submitted_by"
    )


def validation_request_get(*, actor: User, uuid) -> ValidationRequest:
    """The request with its timeline; DoesNotExist (a 404) for another partner's request."""
    events = ValidationEvent.objects.select_related("actor").order_by("at", "pk")
    return (
        validation_request_list(actor=actor)
        .select_related("partner", "decided_by", "customer", "validation_code")
        .prefetch_related(Prefetch("events", queryset=events))
        .get(uuid=uuid)
    )


def validation_request_for_submission(*, actor: User, submission_key) -> ValidationRequest | None:
    """The request an earlier post of the same form created, if any (double submits)."""
    try:
        key = uuid.UUID(str(submission_key))
    except ValueError:
        return None
    return validation_request_list(actor=actor).filter(submission_key=key).first()
