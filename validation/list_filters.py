"""The filters of the partner's Validation requests page (query string in, cleaned values out)."""

from django import forms
from django.utils.translation import gettext_lazy

from .models import RequestKind, RequestState


class RequestFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Request"),
        choices=[("", gettext_lazy("Any"))] + RequestKind.choices,
        required=False,
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        choices=[("", gettext_lazy("Any"))] + RequestState.choices,
        required=False,
    )
    search = forms.CharField(
        label=gettext_lazy("Customer or organization"), max_length=200, required=False, strip=True
    )

    def clean_search(self) -> str:
        return self.cleaned_data["search"].replace("\x00", "")
