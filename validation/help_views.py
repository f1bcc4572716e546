"""The eligibility criteria and the Questions page: what the source page sends its reader to
("the eligibility criteria for partners and customers", "the Questions section"). Public: the
customer's contact, who has no account, is sent here by email too."""

from django.conf import settings
from django.shortcuts import render


def _context(request) -> dict:
    user = request.user
    workspace = user.is_authenticated and user.is_partner_user
    return {
        "layout": "layouts/portal.html" if workspace else "layouts/signed_out_wide.html",
        "support_email": settings.GCC_VALIDATION_SUPPORT_EMAIL,
        "business_days": settings.GCC_REVIEW_BUSINESS_DAYS,
    }


def eligibility(request):
    return render(request, "help/eligibility.html", _context(request))


def questions(request):
    return render(request, "help/questions.html", _context(request))
