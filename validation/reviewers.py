"""The "Microsoft reviewers" group: just the permissions that working the queue needs."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from partners.models import User

REVIEWERS_GROUP = "Microsoft reviewers"
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
    group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in REVIEWER_PERMISSIONS
    ]
    group.permissions.set(wanted)
    return group


@transaction.atomic
def reviewer_create(*, username: str, email: str, password: str, **names) -> User:
    """A reviewer: staff (reaches /admin/), no partner, only the reviewers group's rights."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, "is_staff": True, **names}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(reviewer_group_ensure())
    return user
