from django import forms
from django.utils.translation import gettext_lazy

from lib.formfields import ChoiceByIdField
from partners.models import PartnerType
from partners.selectors import indirect_reseller_list


class RelationshipRequestForm(forms.Form):
    """Asks nothing of most partners; an indirect provider may name one of its resellers."""

    indirect_reseller = ChoiceByIdField(
        label=gettext_lazy("Indirect reseller"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("No indirect reseller"),
        help_text=gettext_lazy("The indirect reseller whose customer this will be, if any."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if actor.partner.partner_type == PartnerType.INDIRECT_PROVIDER:
            self.fields["indirect_reseller"].queryset = indirect_reseller_list(actor=actor)
        else:
            del self.fields["indirect_reseller"]
