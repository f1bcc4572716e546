"""API tokens: create (the raw value is returned once), revoke, authenticate, expire."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from lib.refusals import Refusal, RefusalCode, refuse_nul
from partners.models import User

from .models import ApiToken, IdempotentResponse, RevokedReason, password_binding

TOKEN_PREFIX = "gcc_"
NAME_REQUIRED = "Give the token a name, such as the tool that will use it."
IDEMPOTENCY_WINDOW = timedelta(hours=24)
LAST_USED_RESOLUTION = timedelta(minutes=1)
DEFAULT_EXPIRY_DAYS = 90
EXPIRY_CHOICES = (30, 90, 180, 365)  # days, as the tokens page offers them (or no expiry)
NO_EXPIRY = "never"
EXPIRY_INVALID = "Choose when the token expires from the list."
EXPIRY_IN_PAST = "Choose an expiry date in the future."


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


def expiry_days_from_form(value: str) -> int | None:
    """The tokens page's "Expires" choice: a number of days from EXPIRY_CHOICES, or None for
    "no expiry"; anything else is refused."""
    value = value.strip()
    if value == NO_EXPIRY:
        return None
    if value.isdigit() and int(value) in EXPIRY_CHOICES:
        return int(value)
    raise Refusal(RefusalCode.TOKEN_EXPIRY_INVALID, EXPIRY_INVALID, field="expires_in_days")


@transaction.atomic
def api_token_create(
    *,
    actor: User,
    name: str,
    expires_in_days: int | None = DEFAULT_EXPIRY_DAYS,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> NewToken:
    """A new token for the actor itself. Any partner role may have tokens; each acts with the
    agent's own role, so a token never does more than its agent could in the browser.

    It expires ``expires_in_days`` from now (None: never), or at ``expires_at`` when given."""
    name = name.strip()
    now = now or timezone.now()
    if not actor.partner_id:
        raise Refusal(RefusalCode.NOT_A_PARTNER_USER, "Only partner users can create API tokens.")
    if not name:
        raise Refusal(RefusalCode.TOKEN_NAME_REQUIRED, NAME_REQUIRED, field="name")
    refuse_nul(name, field="name")
    if expires_at is None and expires_in_days is not None:
        if expires_in_days < 1:
            raise Refusal(RefusalCode.TOKEN_EXPIRY_INVALID, EXPIRY_IN_PAST, field="expires_in_days")
        expires_at = now + timedelta(days=expires_in_days)
    if expires_at is not None and expires_at <= now:
        raise Refusal(RefusalCode.TOKEN_EXPIRY_INVALID, EXPIRY_IN_PAST, field="expires_in_days")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        agent=actor,
        name=name[:100],
        token_hash=token_hash(raw),
        prefix=raw[:12],
        created_at=now,
        expires_at=expires_at,
        password_binding=password_binding(actor.password),
    )
    return NewToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, actor: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke one of the actor's own tokens (DoesNotExist for anyone else's). Safe twice."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, agent=actor)
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.revoked_reason = RevokedReason.BY_AGENT
        token.save(update_fields=["revoked_at", "revoked_reason"])
    return token


def api_tokens_revoke_for_agent(
    agent: User, reason: RevokedReason, *, stale_password_only: bool = False, now=None
) -> int:
    """Revoke, for good, the agent's active tokens (with ``stale_password_only``, those bound to
    another password than the agent's current one), in one UPDATE. How many were revoked."""
    tokens = ApiToken.objects.filter(agent=agent, revoked_at__isnull=True)
    if stale_password_only:
        tokens = tokens.exclude(password_binding=password_binding(agent.password))
    return tokens.update(revoked_at=now or timezone.now(), revoked_reason=reason)


def api_tokens_follow_agent(agent: User) -> int:
    """After the agent was saved, however (the portal, the Django admin, a shell): a deactivated
    agent's tokens are revoked, and so are those bound to a password the agent no longer has.
    Reactivating the agent brings none back."""
    if not agent.is_active:
        return api_tokens_revoke_for_agent(agent, RevokedReason.USER_DEACTIVATED)
    return api_tokens_revoke_for_agent(
        agent, RevokedReason.PASSWORD_CHANGED, stale_password_only=True
    )


def api_token_list(*, actor: User):
    return ApiToken.objects.filter(agent=actor)


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def api_token_authenticate(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The active token for ``raw`` (with its agent and partner loaded), or None.

    Revocation on deactivation and on a password change is written when the agent is saved
    (``api_tokens_follow_agent``). The checks here refuse, without writing (the refused request's
    transaction is rolled back), a token whose agent was changed without ``save()`` (a queryset
    ``update()`` sends no signal). An expired token is refused with TOKEN_EXPIRED, whose message
    says when it expired."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("agent", "agent__partner")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.agent.is_active or not token.agent.partner_id:
        return None
    if not constant_time_compare(token.password_binding, password_binding(token.agent.password)):
        return None
    now = now or timezone.now()
    if token.is_expired(now):
        raise Refusal(
            RefusalCode.TOKEN_EXPIRED,
            f"Access denied: the token expired at {_utc_iso(token.expires_at)}. "
            "Create a new one under Settings > API tokens.",
        )
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
