"""Passkeys and security keys (WebAuthn), through django-otp-webauthn.

The library's views run the two ceremonies (JSON in and out, the challenge kept in the session);
ours, below, add the portal's rules to their ends: a new passkey is recorded (and brings
recovery codes when it is the first sign-in method), and using one restarts the step-up clock.
The browser side is ours too: static/js/passkeys.js (a file, as the CSP allows no inline
script). The relying party is the portal's own address, ``GCC_SITE_URL``: a passkey made on
``https://portal.example`` works only there (and ``localhost`` works for demos; a bare IP
address never does, by the WebAuthn rules).
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_noop
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from . import factors

NEW_RECOVERY_CODES = "gcc_new_recovery_codes"  # session key: shown once, then dropped
ROAMING = {"usb", "nfc", "ble"}


class PasskeyHelper(WebAuthnHelper):
    def get_relying_party_domain(self) -> str:
        return urlsplit(settings.GCC_SITE_URL).hostname

    def get_allowed_origins(self) -> list[str]:
        return [settings.GCC_SITE_URL]

    def create_credential(self, user, response, parsed_credential, original_data):
        credential = super().create_credential(user, response, parsed_credential, original_data)
        # Stored in English; the Security page translates the name when it shows it.
        roaming = ROAMING & set(credential.transports)
        credential.name = gettext_noop("Security key") if roaming else gettext_noop("Passkey")
        return credential


class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        credential = WebAuthnCredential.objects.get(
            pk=json.loads(response.content)["id"], user=self.request.user
        )
        codes = factors.passkey_added(self.request, credential)
        if codes:  # the first sign-in method: the recovery codes, then where the user was going
            self.request.session[NEW_RECOVERY_CODES] = codes
            url = reverse("security:recovery_codes")
            if back_to := self.request.GET.get("next"):  # checked again where it is followed
                url += "?" + urlencode({"next": back_to})
            return JsonResponse({"redirect_url": url})
        return JsonResponse({"redirect_url": reverse("security:page")})


class PasskeyAuthenticationComplete(CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        # The password came first (passwordless sign-in is off): only the second step is left.
        factors.mark_used(self.request, device)
