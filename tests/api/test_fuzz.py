"""A bounded fuzz run of the OpenAPI document against a live server on loopback.

Schemathesis generates requests from ``/v1/openapi.json`` (valid and invalid), with a real
token, and checks every answer: never a 500, and every status, header and body as documented.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from partners.models import Role

from ..factories import UserFactory, gcc_partner
from ..orders.conftest import managed_customer
from .conftest import token_for

ST = Path(sys.executable).with_name("st")
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


def test_fuzz_the_openapi_document(live_server, settings, tmp_path):
    settings.GCC_API_RATE = "100000/min"
    seller = UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)
    managed_customer(seller.partner, gcc=True)
    token = token_for(seller)
    assert ST.exists() or shutil.which("st"), "schemathesis is in the dev extras"
    command = [
        str(ST if ST.exists() else shutil.which("st")),
        "run",
        f"{live_server.url}/v1/openapi.json",
        "--url",
        live_server.url,
        "-H",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        "6",
        "--seed",
        "20261123",
        "--max-time",
        "40",
        "--workers",
        "1",
        "--no-shrink",
        "--no-color",
        "--phases",
        "examples,coverage,fuzzing",
        "--report-dir",
        str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=110, check=False)
    output = result.stdout + result.stderr
    print(output[-2500:])  # the run's summary, shown with pytest -s
    assert result.returncode == 0, output[-6000:]
