"""gunicorn's application for the deployment tests: the portal's own WSGI application with the
production settings the environment gives (DEBUG off), except that static files are served from
the finders, as a test checkout has no collectstatic manifest (the image has one), and that the
test users' passwords, hashed with MD5 for speed (tests/conftest.py), can be checked."""

import os

from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gccportal.settings")
settings.STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
settings.WHITENOISE_USE_FINDERS = True
settings.PASSWORD_HASHERS = [
    *settings.PASSWORD_HASHERS,
    "django.contrib.auth.hashers.MD5PasswordHasher",
]

from gccportal.wsgi import application  # noqa: E402

__all__ = ["application"]
