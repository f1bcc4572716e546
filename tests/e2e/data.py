"""What the scenarios type: a county that qualifies for GCC, and the partner that sells to it."""

from partners.models import Role

from ..factories import UserFactory, gcc_partner

G3 = "Office 365 G3 GCC"

CUSTOMER_VALIDATION = {
    "Customer's legal name": "County of Lincoln",
    "Customer domain": "lincolncounty.gov",
    "Street address": "555 S 10th St",
    "City": "Lincoln",
    "ZIP code": "68508",
    "Jurisdiction or agency": "Lincoln County, Nebraska",
    "Customer contact Microsoft may reach": "Casey Morgan",
    "Contact email": "it@lincolncounty.gov",
    "Contact phone": "+1 402 555 0100",
}
STATE_OR_LOCAL = "US state or local government entity (territories included)"
NEW_CUSTOMER = {
    "Company name": "County of Lincoln",
    "Domain prefix": "lincolncounty",
    "Street address": "555 S 10th St",
    "City": "Lincoln",
    "ZIP code": "68508",
    "Primary contact": "Casey Morgan",
    "Primary contact email": "it@lincolncounty.gov",
    "Primary contact phone": "+1 402 555 0100",
}


def seller():
    """Tailspin, GCC-qualified, and its sales agent sam@tailspin.test."""
    partner = gcc_partner(name="Tailspin Federal Systems")
    UserFactory(partner=partner, role=Role.SALES_AGENT, username="sam@tailspin.test")
    return partner
