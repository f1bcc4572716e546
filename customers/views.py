from django.shortcuts import render

from partners.decorators import partner_user_required
from partners.selectors import partner_get_profile, partner_holds_gcc


@partner_user_required
def customer_list(request):
    """The Customers workspace. Customer records and GCC customer validation arrive with the
    customers app's models; until then the page says what unlocks GCC customers."""
    partner = partner_get_profile(actor=request.user)
    return render(
        request,
        "customers/customer_list.html",
        {"partner": partner, "holds_gcc": partner_holds_gcc(partner)},
    )
