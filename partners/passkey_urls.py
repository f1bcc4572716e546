"""django-otp-webauthn's ceremonies, with ours at their ends (partners/passkeys.py)."""

from django.urls import path
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
)

from .passkeys import PasskeyAuthenticationComplete, PasskeyRegistrationComplete

app_name = "passkeys"

urlpatterns = [
    path("register/begin/", BeginCredentialRegistrationView.as_view(), name="register_begin"),
    path("register/complete/", PasskeyRegistrationComplete.as_view(), name="register_complete"),
    path("sign-in/begin/", BeginCredentialAuthenticationView.as_view(), name="sign_in_begin"),
    path("sign-in/complete/", PasskeyAuthenticationComplete.as_view(), name="sign_in_complete"),
]
