from django import forms
from django.contrib.auth import password_validation

from .models import Role


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
        password_validation.validate_password(password)
        return password


class AgentRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
