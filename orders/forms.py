from django import forms

from .selectors import CatalogEntry
from .services import CartLine

MAX_FIELD_QUANTITY = 1_000_000  # far above any offer's bound; the service names the real one


class CartForm(forms.Form):
    """A quantity per offer on sale. Offers that can't be ordered are shown disabled in the
    page only: a forged post still reaches the order service, which refuses it with the reason.
    """

    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, catalog: list[CatalogEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        for entry in catalog:
            offer = entry.offer
            attrs = {"min": 0, "max": offer.max_quantity, "class": "form-control quantity"}
            if entry.refusal:
                attrs["disabled"] = True
            self.fields[self.field_name(offer.offer_id)] = forms.IntegerField(
                label=offer.name,
                required=False,
                min_value=0,
                max_value=MAX_FIELD_QUANTITY,
                widget=forms.NumberInput(attrs=attrs),
            )

    @staticmethod
    def field_name(offer_id: str) -> str:
        return f"quantity_{offer_id}"

    def rows(self):
        """(catalog entry, bound field) pairs, for the template."""
        return [(entry, self[self.field_name(entry.offer.offer_id)]) for entry in self.catalog]

    def lines(self) -> list[CartLine]:
        return [
            CartLine(entry.offer.offer_id, quantity)
            for entry in self.catalog
            if (quantity := self.cleaned_data.get(self.field_name(entry.offer.offer_id)))
        ]
