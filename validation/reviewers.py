"""The "Microsoft reviewers" group: just the permissions that working the queue needs.

Reviewers see requests, their timelines and history, validation codes, and partners (read
only); they decide and take requests. They cannot change partners' data, users, customers or
orders: the group holds no add, change or delete permission at all.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from lib.refusals import Refusal, RefusalCode
from partners.models import User
from partners.services import new_account_check

REVIEWERS_GROUP = "Microsoft reviewers"
DECIDE_PERMISSION = "validation.decide_validationrequest"
REVIEWER_PERMISSIONS = [
    ("validation", "view_validationrequest"),
    ("validation", "decide_validationrequest"),
    ("validation", "view_validationevent"),
    ("validation", "view_validationcode"),
    ("partners", "view_partner"),
    ("partners", "view_resellerqualification"),
]


@transaction.atomic
def reviewer_group_ensure() -> Group:
    group, _created = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in REVIEWER_PERMISSIONS
    ]
    group.permissions.set(wanted)
    return group


@transaction.atomic
def reviewer_create(*, username: str, email: str, password: str, **names) -> User:
    """A reviewer: staff (reaches /admin/), no partner, only the reviewers group's rights.

    An existing user of that name is made a reviewer and keeps its password (demo seeding).
    """
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, "is_staff": True, **names}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(reviewer_group_ensure())
    return user


@transaction.atomic
def reviewer_add(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """A new reviewer account for ops (``create_reviewer``): refused if the name is taken."""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise Refusal(
            RefusalCode.EMAIL_INVALID, _("Enter a valid email address."), field="email"
        ) from exc
    candidate = User(username=email, email=email, first_name=first_name, last_name=last_name)
    new_account_check(candidate, password)
    return reviewer_create(
        username=email,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
