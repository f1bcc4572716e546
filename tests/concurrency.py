"""Run calls at the same moment in threads, each on its own database connection."""

import threading

from django.db import connection


def run_together(*calls):
    """Run each call in its own thread, released at once; return ("ok", value) or
    ("error", exception) per call, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def runner(index, call):
        try:
            barrier.wait()
            outcomes[index] = ("ok", call())
        except Exception as exc:  # the loser's refusal is the point of the tests
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
