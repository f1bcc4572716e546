"""The embedded broker's transport under concurrent producers and consumers on one folder.

Stock kombu's filesystem transport lets a reader open a message file before its writer has
finished (kombu issue #1551) and lets two readers take one file. Here several processes write
and read one folder at once, as run.py's web, beat and worker do, and every message must come
out exactly once: none lost, none twice, no error.
"""

import multiprocessing
import os
import signal
import time

import pytest
from kombu import Connection

PRODUCERS = 4
CONSUMERS = 3
MESSAGES_PER_PRODUCER = 1500
QUEUE = "stress"


def _connection(folder: str) -> Connection:
    return Connection(
        "filesystem://",
        transport="lib.broker:Transport",
        transport_options={
            "data_folder_in": folder,
            "data_folder_out": folder,
            "polling_interval": 0.01,
        },
    )


def _produce(folder: str, producer: int) -> None:
    with _connection(folder) as connection:
        queue = connection.SimpleQueue(QUEUE)
        for seq in range(MESSAGES_PER_PRODUCER):
            queue.put({"id": f"{producer}-{seq}", "padding": "x" * (seq % 4096)})
        queue.close()


def _consume(folder: str, results, stop) -> None:
    received, errors = [], []
    with _connection(folder) as connection:
        queue = connection.SimpleQueue(QUEUE)
        while True:
            try:
                message = queue.get(timeout=0.2)
            except queue.Empty:
                if stop.is_set():
                    break
                continue
            except Exception as exc:  # what the stock transport raised: JSONDecodeError
                errors.append(repr(exc))
                continue
            received.append(message.payload["id"])
            message.ack()
        queue.close()
    results.put((received, errors))


def _claim_and_hang(folder: str, claimed, count: int) -> None:
    """A consumer that takes messages and never acknowledges them (it is killed)."""
    with _connection(folder) as connection:
        queue = connection.SimpleQueue(QUEUE)
        for _ in range(count):
            queue.get(timeout=10)
        claimed.set()
        time.sleep(60)


def _files(folder, *parts) -> list[str]:
    path = os.path.join(folder, *parts)
    return os.listdir(path) if os.path.isdir(path) else []


def test_concurrent_producers_and_consumers_lose_and_duplicate_nothing(tmp_path):
    folder = str(tmp_path)
    context = multiprocessing.get_context("fork")
    results, stop = context.Queue(), context.Event()
    consumers = [
        context.Process(target=_consume, args=(folder, results, stop)) for _ in range(CONSUMERS)
    ]
    producers = [context.Process(target=_produce, args=(folder, p)) for p in range(PRODUCERS)]
    started = time.monotonic()
    for process in consumers + producers:
        process.start()
    for process in producers:
        process.join(timeout=120)
        assert process.exitcode == 0
    stop.set()
    outcomes = [results.get(timeout=120) for _ in consumers]
    for process in consumers:
        process.join(timeout=30)
        assert process.exitcode == 0
    elapsed = time.monotonic() - started

    received = [message_id for got, _ in outcomes for message_id in got]
    errors = [error for _, got in outcomes for error in got]
    sent = {f"{p}-{s}" for p in range(PRODUCERS) for s in range(MESSAGES_PER_PRODUCER)}
    print(
        f"\ntransport stress: {len(sent)} sent by {PRODUCERS} producers, {len(received)} "
        f"received by {CONSUMERS} consumers ({[len(got) for got, _ in outcomes]}), "
        f"{len(errors)} errors, {elapsed:.1f} s"
    )
    assert errors == []
    assert len(received) == len(set(received)), "a message was delivered twice"
    assert set(received) == sent, f"{len(sent - set(received))} messages lost"
    assert all(count > 0 for count in map(len, (got for got, _ in outcomes)))
    leftovers = _files(folder) + _files(folder, "tmp")
    assert [name for name in leftovers if name not in ("tmp", "claimed")] == []


def test_messages_held_by_a_killed_consumer_are_delivered_again(tmp_path):
    folder = str(tmp_path)
    _produce(folder, producer=0)
    context = multiprocessing.get_context("fork")
    claimed = context.Event()
    doomed = context.Process(target=_claim_and_hang, args=(folder, claimed, 5))
    doomed.start()
    assert claimed.wait(timeout=30)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.join()

    results, stop = context.Queue(), context.Event()
    stop.set()  # drain what is there, then stop
    _consume(folder, results, stop)  # a new consumer (a restarted worker)
    received, errors = results.get(timeout=10)

    assert errors == []
    assert sorted(received) == sorted(f"0-{s}" for s in range(MESSAGES_PER_PRODUCER))
    owners = _files(folder, "claimed")
    still_claimed = [name for owner in owners for name in _files(folder, "claimed", owner)]
    assert still_claimed == []
    assert str(doomed.pid) not in " ".join(_files(folder, "claimed"))  # its folder is gone


@pytest.mark.parametrize("requeue", [True, False])
def test_a_rejected_message_is_requeued_or_dropped_as_asked(tmp_path, requeue):
    folder = str(tmp_path)
    with _connection(folder) as connection:
        queue = connection.SimpleQueue(QUEUE)
        queue.put({"id": "only"})
        queue.get(timeout=5).reject(requeue=requeue)
        if requeue:
            assert queue.get(timeout=5).payload == {"id": "only"}
        else:
            with pytest.raises(queue.Empty):
                queue.get(timeout=0.5)
        queue.close()
