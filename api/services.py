"""API tokens: create (the raw value is returned once), revoke, authenticate."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lib.refusals import Refusal, RefusalCode, refuse_nul
from partners.models import User

from .models import ApiToken, IdempotentResponse

TOKEN_PREFIX = "gcc_"
NAME_REQUIRED = "Give the token a name, such as the tool that will use it."
IDEMPOTENCY_WINDOW = timedelta(hours=24)
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def api_token_create(*, actor: User, name: str, now: datetime | None = None) -> NewToken:
    """A new token for the actor itself. Any partner role may have tokens; each acts with the
    agent's own role, so a token never does more than its agent could in the browser."""
    name = name.strip()
    if not actor.partner_id:
        raise Refusal(RefusalCode.NOT_A_PARTNER_USER, "Only partner users can create API tokens.")
    if not name:
        raise Refusal(RefusalCode.TOKEN_NAME_REQUIRED, NAME_REQUIRED, field="name")
    refuse_nul(name, field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        agent=actor,
        name=name[:100],
        token_hash=token_hash(raw),
        prefix=raw[:12],
        created_at=now or timezone.now(),
    )
    return NewToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke one of the actor's own tokens (DoesNotExist for anyone else's). Safe twice."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, agent=actor)
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_list(*, actor: User):
    return ApiToken.objects.filter(agent=actor)


def api_token_authenticate(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The active token for ``raw`` (with its agent and partner loaded), or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("agent", "agent__partner")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.agent.is_active or not token.agent.partner_id:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Idempotent retries (MS-RequestId) --------------------------------------------------------


def idempotent_response_get(
    *, agent: User, request_id: str, method: str, resource: str, now: datetime | None = None
) -> IdempotentResponse | None:
    now = now or timezone.now()
    return IdempotentResponse.objects.filter(
        agent=agent,
        request_id=request_id,
        method=method,
        resource=resource,
        created_at__gte=now - IDEMPOTENCY_WINDOW,
    ).first()


def idempotent_response_store(
    *, agent: User, request_id: str, method: str, resource: str, status: int, body, now=None
) -> IdempotentResponse:
    """Record an answer; an expired one for the same key is replaced. Raises IntegrityError
    when a concurrent request with the same key stored its answer first."""
    now = now or timezone.now()
    IdempotentResponse.objects.filter(
        agent=agent,
        request_id=request_id,
        method=method,
        resource=resource,
        created_at__lt=now - IDEMPOTENCY_WINDOW,
    ).delete()
    return IdempotentResponse.objects.create(
        agent=agent,
        request_id=request_id,
        method=method,
        resource=resource,
        status=status,
        body=body,
        created_at=now,
    )


def idempotent_responses_purge(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = IdempotentResponse.objects.filter(created_at__lt=now - IDEMPOTENCY_WINDOW).delete()
    return deleted
