"""The offer catalog: loaded by a data migration, updated by ops with `import_offers`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from orders.models import Offer

pytestmark = pytest.mark.django_db


def test_the_migration_loads_the_gcc_offers_the_source_page_names_and_commercial_twins():
    gcc = set(Offer.objects.filter(is_gcc=True).values_list("product_family", flat=True))
    assert {
        "Office 365 Government",
        "Microsoft 365 Government",
        "Dynamics 365 Government",
        "EMS Government",
        "Power BI Government",
    } <= gcc
    assert Offer.objects.filter(is_gcc=False, name="Office 365 E3").exists()
    documented = Offer.objects.get(offer_id="56fe76f5-f4ba-4fac-9561-d0daf59b01a1")
    assert (documented.name, str(documented.unit_price)) == (
        "Advanced Communications for GCC",
        "12.00",
    )
    assert all(o.min_quantity <= o.max_quantity for o in Offer.objects.all())


def run(path) -> str:
    out = StringIO()
    call_command("import_offers", str(path), stdout=out)
    return out.getvalue()


def test_import_json_creates_updates_and_retires(tmp_path):
    path = tmp_path / "offers.json"
    path.write_text(
        json.dumps(
            [
                {
                    "offer_id": "new-offer-1",
                    "name": "Teams Premium for GCC",
                    "product_family": "Teams add-on",
                    "is_gcc": True,
                    "billing_cycle": "monthly",
                    "unit_price": "7.00",
                    "requires_base_families": ["Office 365 Government"],
                },
                {
                    "offer_id": "56fe76f5-f4ba-4fac-9561-d0daf59b01a1",
                    "name": "Advanced Communications for GCC",
                    "product_family": "Teams add-on",
                    "billing_cycle": "monthly",
                    "unit_price": "11.50",
                    "is_gcc": True,
                },
                {
                    "offer_id": Offer.objects.get(name="Office 365 E1").offer_id,
                    "name": "Office 365 E1",
                    "product_family": "Office 365",
                    "billing_cycle": "monthly",
                    "unit_price": "10.00",
                    "is_active": False,
                },
            ]
        )
    )
    assert "1 offer(s) created, 2 updated." in run(path)
    assert Offer.objects.get(offer_id="new-offer-1").requires_base_families == [
        "Office 365 Government"
    ]
    assert str(Offer.objects.get(name="Advanced Communications for GCC").unit_price) == "11.50"
    assert Offer.objects.get(name="Office 365 E1").is_active is False


def test_import_csv(tmp_path):
    path = tmp_path / "offers.csv"
    path.write_text(
        "offer_id,name,product_family,is_gcc,billing_cycle,unit_price,min_quantity,max_quantity\n"
        "csv-1,Project Plan 3 for GCC,Project Government,true,annual,25.00,1,500\n"
    )
    run(path)
    offer = Offer.objects.get(offer_id="csv-1")
    assert (offer.is_gcc, offer.billing_cycle, offer.max_quantity) == (True, "annual", 500)


def test_import_takes_the_terms_and_billing_cycles_an_offer_is_sold_with(tmp_path):
    path = tmp_path / "offers.csv"
    path.write_text(
        "offer_id,name,product_family,billing_cycle,term,supported_terms,"
        "supported_billing_cycles,unit_price\n"
        "csv-2,Visio Plan 2 for GCC,Visio Government,annual,P1Y,P1M;P1Y;P3Y,monthly;annual,15\n"
    )
    run(path)
    offer = Offer.objects.get(offer_id="csv-2")
    assert offer.terms == ["P1Y", "P1M", "P3Y"] and offer.billing_cycles == ["annual", "monthly"]


@pytest.mark.parametrize(
    "rows,message",
    [
        ([{"offer_id": "x", "name": "X"}], "Row 2: missing"),
        (
            [
                {
                    "offer_id": "x",
                    "name": "X",
                    "product_family": "F",
                    "billing_cycle": "weekly",
                    "unit_price": "1",
                }
            ],
            "Row 2: billing_cycle",
        ),
        (
            [
                {
                    "offer_id": "x",
                    "name": "X",
                    "product_family": "F",
                    "billing_cycle": "monthly",
                    "unit_price": "1",
                    "min_quantity": 10,
                    "max_quantity": 2,
                }
            ],
            "minimum quantity must not exceed the maximum",
        ),
        ([{"offer_id": "x", "colour": "red"}], r"unknown field\(s\) colour"),
        (
            [
                {
                    "offer_id": "x",
                    "name": "X",
                    "product_family": "F",
                    "billing_cycle": "monthly",
                    "unit_price": "1",
                    "supported_terms": ["P1Y", "P5Y"],
                }
            ],
            "terms must be among P1M, P1Y, P3Y",
        ),
    ],
)
def test_a_bad_row_imports_nothing(tmp_path, rows, message):
    good = {
        "offer_id": "good",
        "name": "Good",
        "product_family": "F",
        "billing_cycle": "monthly",
        "unit_price": "1",
    }
    path = tmp_path / "offers.json"
    path.write_text(json.dumps([good, *rows]))
    with pytest.raises(CommandError, match="Nothing imported") as exc:
        run(path)
    assert exc.match(message)
    assert not Offer.objects.filter(offer_id="good").exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("missing.json", None, "No such file"),
        ("bad.json", "{not json", "not valid JSON"),
        ("object.json", "{}", "must hold a list"),
        ("offers.txt", "x", "a .csv or a .json"),
    ],
)
def test_bad_files_fail_with_a_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(path)
