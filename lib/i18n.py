"""The reader's language: English or Spanish (settings.LANGUAGES).

Before sign-in, Django's LocaleMiddleware picks it (the switcher's cookie, else the browser's
Accept-Language). After sign-in, ``LanguageMiddleware`` uses the user's profile (``language``,
set by the switcher) when it has one. ``/v1/`` answers in English whatever the caller asks,
as Partner Center's API does. Emails are rendered in their recipient's language
(``ops.notifications`` reads it from the email's context, ``language_of`` gives it).
"""

from django.conf import settings
from django.utils import translation

from .sessions import SESSIONLESS_PATHS

API_PREFIX = "/v1/"


def supported(code: str | None) -> str | None:
    """``code`` if it is one of the portal's languages (after Django's fallbacks), else None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def profile_language(user) -> str | None:
    """The language on ``user``'s profile (partners.User.language), if one is set."""
    return supported(getattr(user, "language", ""))


def language_of(user) -> str:
    """The language to write to ``user`` in (emails): the profile's, else the default."""
    return profile_language(user) or settings.LANGUAGE_CODE


class LanguageMiddleware:
    """After authentication: the profile's language for a signed-in user, English on /v1/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = None
        path = request.path_info
        if path.startswith(API_PREFIX):
            language = settings.LANGUAGE_CODE
        elif path not in SESSIONLESS_PATHS:  # the probes never read the session
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                language = profile_language(user)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
