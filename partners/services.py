"""Every change to partners, their users and their reseller qualifications."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.refusals import Refusal, RefusalCode

from . import permissions
from .models import Partner, ResellerQualification, ResellerQualificationKind, Role, User
from .permissions import Action

LAST_GLOBAL_ADMIN = gettext_noop("Your organization must keep at least one active global admin.")
USER_EXISTS = gettext_noop("A user with this sign-in name already exists.")


@transaction.atomic
def agent_create(
    *,
    actor: User,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    password: str,
) -> User:
    permissions.require(actor, Action.MANAGE_USERS)
    if User.objects.filter(username__iexact=username).exists():
        raise Refusal(RefusalCode.USERNAME_TAKEN, _(USER_EXISTS), field="username")
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        partner_id=actor.partner_id,
        role=role,
    )
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:  # e.g. a sign-in name with spaces: shown next to the field
        field, messages = next(iter(exc.message_dict.items()))
        shown = field if field in AGENT_FORM_FIELDS else None
        raise Refusal(RefusalCode.ACCOUNT_INVALID, " ".join(messages), field=shown) from exc
    user.save()
    return user


AGENT_FORM_FIELDS = {"username", "email", "first_name", "last_name", "role"}


@transaction.atomic
def agent_provision(
    *,
    partner: Partner,
    email: str,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """A partner user created by ops (``manage.py create_agent``), e.g. a new partner's first
    global admin: no acting partner user, so no role check; the sign-in name is the email."""
    user = User(
        username=email,
        email=email,
        first_name=first_name,
        last_name=last_name,
        partner=partner,
        role=role,
    )
    new_account_check(user, password)
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        raise Refusal(RefusalCode.ACCOUNT_INVALID, " ".join(exc.messages)) from exc
    user.save()
    return user


def new_account_check(user: User, password: str) -> None:
    """Refuse an account ops are about to create (agent or reviewer): its sign-in name is
    taken, or its password is too weak."""
    if User.objects.filter(username__iexact=user.username).exists():
        raise Refusal(RefusalCode.USERNAME_TAKEN, _(USER_EXISTS), field="email")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise Refusal(
            RefusalCode.PASSWORD_TOO_WEAK, " ".join(exc.messages), field="password"
        ) from exc


def _would_leave_no_global_admin(user: User) -> bool:
    if user.role != Role.GLOBAL_ADMIN or not user.is_active:
        return False
    others = User.objects.filter(
        partner_id=user.partner_id, role=Role.GLOBAL_ADMIN, is_active=True
    ).exclude(pk=user.pk)
    return not others.exists()


def _lock_user_management(actor: User) -> None:
    """One change to a partner's users at a time: the partner row is locked, then the actor's
    own role read again. Without it two global admins demoting each other at the same moment
    each saw the other still in place, and left the partner with none."""
    Partner.objects.select_for_update().filter(pk=actor.partner_id).first()
    actor.refresh_from_db(fields=["role", "is_active"])
    permissions.require(actor, Action.MANAGE_USERS)


@transaction.atomic
def agent_change_role(*, actor: User, user: User, role: str) -> User:
    _lock_user_management(actor)
    user = User.objects.select_for_update().get(pk=user.pk, partner_id=actor.partner_id)
    if user.role == role:
        return user
    if _would_leave_no_global_admin(user):
        raise Refusal(RefusalCode.LAST_GLOBAL_ADMIN, _(LAST_GLOBAL_ADMIN), field="role")
    user.role = role
    user.full_clean()
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def agent_set_active(*, actor: User, user: User, active: bool) -> User:
    _lock_user_management(actor)
    user = User.objects.select_for_update().get(pk=user.pk, partner_id=actor.partner_id)
    if user.is_active == active:
        return user
    if not active and user.pk == actor.pk:
        raise Refusal(
            RefusalCode.CANNOT_DEACTIVATE_SELF, _("You cannot deactivate your own account.")
        )
    if not active and _would_leave_no_global_admin(user):
        raise Refusal(RefusalCode.LAST_GLOBAL_ADMIN, _(LAST_GLOBAL_ADMIN))
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


def qualification_grant(
    *, partner: Partner, qualification: str, granted_by_request=None, now=None
) -> ResellerQualification:
    """Add a reseller qualification; granting one the partner holds changes nothing."""
    grant, _created = ResellerQualification.objects.get_or_create(
        partner=partner,
        qualification=qualification,
        defaults={
            "granted_at": now or timezone.now(),
            "granted_by_request": granted_by_request,
        },
    )
    return grant


def gcc_qualification_grant(*, partner: Partner, granted_by_request=None, now=None):
    return qualification_grant(
        partner=partner,
        qualification=ResellerQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
        granted_by_request=granted_by_request,
        now=now,
    )


def user_language_set(*, user: User, language: str, unless_set: bool = False) -> None:
    """Keep ``language`` (one of settings.LANGUAGES) as the user's: pages and emails use it.
    ``unless_set``: only for a profile with none yet (a choice made before signing in)."""
    if unless_set and user.language:
        return
    if user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)
