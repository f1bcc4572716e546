"""The initial offer catalog: GCC offers named on Microsoft's GCC for CSP page, and their
commercial twins (so the purchase rules have something to refuse).

IDs marked documented come from Partner Center announcements; the rest are invented, stable
IDs. Prices are illustrative placeholders (USD per user per month), except Advanced
Communications for GCC (documented, November 2020). Later changes go through
`manage.py import_offers FILE`, not this migration.
"""

from decimal import Decimal

from django.db import migrations

OFFICE = ["Office 365 Government", "Microsoft 365 Government"]

# offer_id, documented, name, family, gcc, cycle, price, requires base families
CATALOG = [
    ("6f61fa20-39de-58d4-9135-4e66a401d9fe", False, "Office 365 G1 GCC", "Office 365 Government", True, "monthly", "8.00", []),
    ("4a3140ab-2d22-5221-beb5-056b62fcd1a2", False, "Office 365 G3 GCC", "Office 365 Government", True, "monthly", "20.00", []),
    ("e855e189-3670-5be5-bd34-506cb7a1d0fb", False, "Office 365 G5 GCC", "Office 365 Government", True, "monthly", "35.00", []),
    ("ad86f94f-6b27-5908-81c7-42f4344883c1", False, "Microsoft 365 F3 GCC", "Microsoft 365 Government", True, "monthly", "8.00", []),
    ("393e93c3-246e-591e-aba8-658e3ef20825", False, "Microsoft 365 G3 GCC", "Microsoft 365 Government", True, "monthly", "32.00", []),
    ("276e9984-4b03-5c5a-b91b-3f8da1bdcf3d", False, "Microsoft 365 G5 GCC", "Microsoft 365 Government", True, "monthly", "57.00", []),
    ("8e2b9a0a-6169-515c-a65c-78a36312609d", False, "Enterprise Mobility + Security E3 for Government", "EMS Government", True, "monthly", "8.75", []),
    ("fa081732-9609-5cfb-9ec7-8dedf369a4a1", False, "Enterprise Mobility + Security E5 for Government", "EMS Government", True, "monthly", "14.80", []),
    ("0cfe4667-a22f-5737-8491-8e230b1c4c61", False, "Power BI Pro for Government (GCC)", "Power BI Government", True, "monthly", "9.00", []),
    ("17b89615-b3c5-50af-baf7-4b6be78ce752", False, "Dynamics 365 Sales Enterprise for Government", "Dynamics 365 Government", True, "monthly", "85.00", []),
    ("4800e5f3-c0ab-5188-b3f3-7bee03b31d5b", False, "Dynamics 365 Customer Service Enterprise for Government", "Dynamics 365 Government", True, "monthly", "85.00", []),
    ("56fe76f5-f4ba-4fac-9561-d0daf59b01a1", True, "Advanced Communications for GCC", "Teams add-on", True, "monthly", "12.00", OFFICE),
    ("7099743e-f474-48be-97bc-d4fb22f059bf", True, "Microsoft 365 Domestic Calling Plan for GCC", "Teams add-on", True, "monthly", "10.00", OFFICE),
    ("0cf5df85-ecf5-43f5-93b0-04a950e906a3", True, "Microsoft 365 Domestic and International Calling Plan for GCC", "Teams add-on", True, "monthly", "20.00", OFFICE),
    ("9e5397ab-f309-4d90-97f3-6fb5d53074d6", True, "Microsoft 365 E5 Information Protection and Governance for GCC", "Compliance add-on", True, "monthly", "7.00", OFFICE),
    ("5c9ef884-6307-47e7-a914-f5092feae51e", True, "Microsoft 365 E5 eDiscovery and Audit for GCC", "Compliance add-on", True, "monthly", "6.00", OFFICE),
    ("11ccfdb3-80cb-4c80-8146-c9775045df17", True, "Microsoft 365 E5 Insider Risk Management for GCC", "Compliance add-on", True, "monthly", "6.00", OFFICE),
    # Commercial twins.
    ("5bf571cd-d8df-5427-bb36-d43b609eb15f", False, "Office 365 E1", "Office 365", False, "monthly", "10.00", []),
    ("0556dcd2-3e9b-5bba-ad99-2537d6181e7b", False, "Office 365 E3", "Office 365", False, "monthly", "23.00", []),
    ("48ff81a8-718d-574a-8a46-5b609d5be970", False, "Office 365 E5", "Office 365", False, "monthly", "38.00", []),
    ("8719ce68-72a7-5b64-9d7b-ba67e8dcbcd4", False, "Microsoft 365 E3", "Microsoft 365", False, "monthly", "36.00", []),
    ("fb255077-b2e2-5b1d-9351-3a4229c72cb2", False, "Microsoft 365 E5", "Microsoft 365", False, "monthly", "57.00", []),
    ("705f4527-3092-5948-9349-27b1f37ffd0d", False, "Enterprise Mobility + Security E3", "EMS", False, "monthly", "10.60", []),
    ("c9697655-43d3-5167-88dc-e80183017a25", False, "Power BI Pro", "Power BI", False, "monthly", "14.00", []),
    ("d1b1a1ff-0905-5987-9284-e22980e3bdd4", False, "Dynamics 365 Sales Enterprise", "Dynamics 365", False, "monthly", "105.00", []),
]


def load(apps, schema_editor):
    Offer = apps.get_model("orders", "Offer")
    for offer_id, documented, name, family, gcc, cycle, price, bases in CATALOG:
        Offer.objects.update_or_create(
            offer_id=offer_id,
            defaults={
                "offer_id_documented": documented,
                "name": name,
                "product_family": family,
                "is_gcc": gcc,
                "billing_cycle": cycle,
                "term": "P1Y",
                "min_quantity": 1,
                "max_quantity": 10000,
                "unit_price": Decimal(price),
                "requires_base_families": bases,
                "is_active": True,
            },
        )


def unload(apps, schema_editor):
    Offer = apps.get_model("orders", "Offer")
    Offer.objects.filter(offer_id__in=[row[0] for row in CATALOG]).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
