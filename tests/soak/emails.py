"""A soak producer: records outbox emails at a steady rate, as the services do after a change.

    python -m tests.soak.emails LABEL SECONDS RATE

Run with the soak's environment (its GCC_VAR_DIR); prints how many it recorded.
"""

import os
import sys
import time

import django


def main(label: str, seconds: float, rate: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gccportal.settings")
    django.setup()
    from django.db import transaction

    from ops.notifications import notify_on_commit

    started, recorded = time.monotonic(), 0
    while time.monotonic() - started < seconds:
        with transaction.atomic():
            notify_on_commit(
                key=f"{label}:{recorded}",
                template="order_completed",
                to=["soak@contoso.test"],
                context={"agent_name": "Soak", "customer_name": label, "lines": []},
            )
        recorded += 1
        time.sleep(max(0.0, started + recorded / rate - time.monotonic()))
    print(f"{label}: {recorded} emails recorded", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]))
