from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .models import Role, User


class AgentCreateForm(forms.Form):
    username = forms.CharField(label="Sign-in name", max_length=150)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices)
    password = forms.CharField(
        label="Initial password",
        widget=forms.PasswordInput(render_value=False),
        help_text="Share it with the user; they can change it after signing in.",
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        # An unsaved user lets the validators compare the password with the name and email.
        names = ("username", "email", "first_name", "last_name")
        candidate = User(**{name: self.cleaned_data.get(name, "") for name in names})
        password_validation.validate_password(password, user=candidate)
        return password


class AgentRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class _NameLengthChecked:
    """Django's sign-in form sets the name's max length on the widget only, so a longer name
    reached authenticate() and django-axes, whose failed-attempt row (username: 255 characters)
    then failed to save: a 500 on PostgreSQL. Refuse it as the wrong name it is."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
        return username


class SignInForm(_NameLengthChecked, AuthenticationForm):
    pass


class ReviewerSignInForm(_NameLengthChecked, AdminAuthenticationForm):
    pass
