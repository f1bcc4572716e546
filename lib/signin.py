"""The sign-in forms of the three doors: the portal, the reviewers' admin, the customer admin
center. Django's forms, with one guard added."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


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
