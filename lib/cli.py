"""Small helpers shared by the ops commands."""

import sys
from getpass import getpass

from django.core.management.base import CommandError


def read_new_password(given: str | None) -> str:
    """``--password`` if given; else asked twice at a terminal, or one line of standard input
    (``echo "$PASSWORD" | manage.py create_reviewer …``)."""
    if given:
        return given
    if sys.stdin.isatty():
        password = getpass("Password: ")
        if password != getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise CommandError("Give a password with --password or on standard input.")
    return password
