from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy

from .models import Role, User


class AgentCreateForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Sign-in name"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Email"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    password = forms.CharField(
        label=gettext_lazy("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Share it with the user; they can change it after signing in."),
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        # An unsaved user lets the validators compare the password with the name and email.
        names = ("username", "email", "first_name", "last_name")
        candidate = User(**{name: self.cleaned_data.get(name, "") for name in names})
        password_validation.validate_password(password, user=candidate)
        return password


class AgentRoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        help_text=gettext_lazy(
            "The six-digit code your authenticator app shows now, or a recovery code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class AuthenticatorConfirmForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=16,
        help_text=gettext_lazy("Enter the six-digit code the app shows for GCC Partner Portal."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
