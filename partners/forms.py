from django import forms
from django.contrib.auth import password_validation

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
