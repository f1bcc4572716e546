"""The language switcher's target: Django's ``set_language`` (the cookie, then back to the
page), and for a signed-in user the choice kept on the profile (lib/i18n.py reads it)."""

from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from lib.i18n import supported

from . import services


@require_POST
def language_set(request):
    response = set_language(request)
    language = supported(request.POST.get("language"))
    if language and request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    return response


def keep_language_chosen_before_sign_in(sender, request, user, **kwargs):
    """``user_logged_in``'s receiver (partners/apps.py): a language picked with the switcher
    before signing in becomes the profile's, unless the profile already has one (then it
    wins, as everywhere after sign-in); emails follow it too."""
    if request is not None:
        chosen = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if chosen:
            services.user_language_set(user=user, language=chosen, unless_set=True)
