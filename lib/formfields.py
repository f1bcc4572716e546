"""Form fields the portal's forms share: US state, ZIP code, phone number, and the inputs
that are ASCII by rule (whole numbers, tenant IDs, domains: lib.ascii, lib.domains)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop
from localflavor.us.forms import USStateField, USZipCodeField
from localflavor.us.us_states import STATE_CHOICES

from .ascii import is_whole_number
from .domains import normalized, validate_domain, validate_initial_domain_prefix

PHONE_REGEX = r"^\+?[0-9][0-9 ().-]{6,19}$"
PHONE_INVALID = gettext_noop("Enter a phone number, e.g. +1 202 555 0143.")


def us_state_field(**kwargs) -> USStateField:
    choices = [("", gettext_lazy("Choose…")), *STATE_CHOICES]
    return USStateField(
        label=gettext_lazy("State or territory"), widget=forms.Select(choices=choices), **kwargs
    )


def us_zip_code_field(**kwargs) -> USZipCodeField:
    return USZipCodeField(label=gettext_lazy("ZIP code"), **kwargs)


def phone_field(**kwargs) -> forms.RegexField:
    return forms.RegexField(
        regex=PHONE_REGEX,
        max_length=32,
        error_messages={"invalid": gettext_lazy(PHONE_INVALID)},  # extracted by the noop above
        **kwargs,
    )


TENANT_ID_ERRORS = {
    "invalid": gettext_lazy(
        "Enter a tenant ID as a GUID, e.g. 0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7."
    )
}


class WholeNumberField(forms.IntegerField):
    """An IntegerField that reads ASCII digits only: ``５`` or ``١`` is not a quantity."""

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values and not is_whole_number(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ChoiceByIdField(forms.ModelChoiceField):
    """A ModelChoiceField whose posted id is ASCII digits: ``１`` would select object 1."""

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values and not is_whole_number(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class TenantIdField(forms.UUIDField):
    """A Microsoft ID (a tenant's GUID), in ASCII."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", TENANT_ID_ERRORS)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DomainField(forms.CharField):
    """A domain such as springfield.gov: checked as typed, then lower-cased (lib.domains)."""

    default_validators = [validate_domain]

    def clean(self, value):
        value = super().clean(value)
        return normalized(value) if value else value


class InitialDomainPrefixField(DomainField):
    """The PREFIX of a new customer's PREFIX.onmicrosoft.com."""

    default_validators = [validate_initial_domain_prefix]


class IntakeForm(forms.ModelForm):
    """What both of Microsoft's intake forms share (the partner's, in validation, and the
    customer's, in customers): a base with no model. Forms convert input; rules live in services."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    state = us_state_field()
    postal_code = us_zip_code_field()
    contact_phone = phone_field(label=gettext_lazy("Contact phone"))
    # The emails to the contact are written in it; the agent's own language unless changed.
    contact_language = forms.ChoiceField(
        label=gettext_lazy("Language of the emails to the contact"),
        choices=settings.LANGUAGES,
        required=False,
    )

    intake_class: type  # the service's typed input (validation.intake)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_language"].initial = translation.get_language()

    def clean_contact_language(self) -> str:
        return self.cleaned_data["contact_language"] or settings.LANGUAGE_CODE

    def intake(self):
        return self.intake_class(**{name: self.cleaned_data[name] for name in self.Meta.fields})


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files (Django's documented pattern)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files, cleaned as a list (empty when none; optional by default)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(d, initial) for d in data if d]
        result = single_file_clean(data, initial)
        return [result] if result else []


def evidence_documents_field() -> MultipleFileField:
    return MultipleFileField(
        label=gettext_lazy("Evidence documents (optional)"),
        help_text=gettext_lazy("PDF, PNG or JPEG; at most 5 files of 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class ErrorsDescribeTheirFields:
    """For forms a template renders by hand: after validation, each field in error is
    described by its message (``aria-describedby="<control id>-error"``), so a screen reader
    says it with the field. The template gives the message that id."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
