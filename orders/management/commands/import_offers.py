import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lib.refusals import Refusal
from orders.services import offers_import

BOOLEAN_FIELDS = {"is_gcc", "is_active", "offer_id_documented"}
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}


LIST_FIELDS = {"requires_base_families", "supported_terms", "supported_billing_cycles"}


def _csv_rows(path: Path) -> list[dict]:
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            for name in BOOLEAN_FIELDS & set(row):
                value = row[name].strip().lower()
                if value not in TRUE | FALSE:
                    raise CommandError(f"Row {number}: {name} must be true or false.")
                row[name] = value in TRUE
            for name in LIST_FIELDS & set(row):
                row[name] = [item.strip() for item in row[name].split(";") if item.strip()]
            rows.append(row)
    return rows


class Command(BaseCommand):
    help = (
        "Create or update catalog offers from a CSV or JSON file (by offer_id). Columns: "
        "offer_id, name, product_family, is_gcc, billing_cycle (monthly|annual), term, "
        "supported_terms (P1M;P1Y;P3Y), supported_billing_cycles (monthly;annual), "
        "min_quantity, max_quantity, unit_price, requires_base_families (lists are "
        "';'-separated in CSV), "
        "is_active (false retires the offer). One bad row saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .csv or .json file")

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if file.suffix.lower() == ".json":
            try:
                rows = json.loads(file.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise CommandError(f"{file} is not valid JSON: {exc}") from exc
            if not isinstance(rows, list):
                raise CommandError("The JSON file must hold a list of offers.")
        elif file.suffix.lower() == ".csv":
            rows = _csv_rows(file)
        else:
            raise CommandError("Give a .csv or a .json file.")
        try:
            report = offers_import(rows=rows)
        except Refusal as exc:
            raise CommandError(f"Nothing imported. {exc.message}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} offer(s) created, {len(report.updated)} updated."
            )
        )
