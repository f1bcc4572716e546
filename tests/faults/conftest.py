"""Fault injection for real services: a dead broker, a worker killed with SIGKILL while it
holds work, and a write lock that stalls a worker at a chosen statement."""

import os
import signal
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.db import connection, transaction

from gccportal.celery import app as celery_app

from ..celery_worker import Worker, purge_queue, start_worker

# The catalog (autouse), a GCC partner's sales agent and its GCC customer.
from ..orders.conftest import gcc_customer, offer_catalog, seller  # noqa: F401


def reset_broker_pools() -> None:
    """Forget pooled broker connections, so the next publish connects with the current conf."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def dead_broker():
    """Point this process's Celery app at a broker that cannot be reached, the way the
    configured transport fails: Redis on a closed port, or a filesystem broker folder that does
    not exist. Restored afterwards."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options
    if conf.broker_url.startswith("redis"):
        conf.broker_url = "redis://127.0.0.1:1/0"
    else:
        missing = "/nonexistent/gcc-broker-folder"
        conf.broker_transport_options = {
            **(saved[1] or {}),
            "data_folder_in": missing,
            "data_folder_out": missing,
        }
    reset_broker_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        reset_broker_pools()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces; split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (the worker, its pool processes, its embedded beat)."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    return tree


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def kill_worker(worker: Worker) -> list[int]:
    """SIGKILL the worker and every process it started: no shutdown, no ack, no cleanup."""
    pids = process_tree(worker.process.pid)
    assert len(pids) >= 2, f"expected the worker and its pool process, found {pids}"
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    worker.process.wait(timeout=20)
    deadline = time.monotonic() + 20
    while not all(_gone(pid) for pid in pids):
        assert time.monotonic() < deadline, f"worker processes survived SIGKILL: {pids}"
        time.sleep(0.1)
    return pids


# Beat sends one task per schedule entry per interval; the filesystem transport hands a
# one-process worker about one message per poll (1 s). A 1 s sweep interval with three
# sweeps would queue faster than it drains; 3 s keeps the queue short on both brokers.
QUIET_BEAT = {"GCC_SWEEP_INTERVAL_SECONDS": "3", "GCC_HEARTBEAT_INTERVAL_SECONDS": "3600"}


def runs_of(worker: Worker, task: str) -> int:
    """How many times ``task`` finished in ``worker`` so far."""
    return sum(
        f"{task}[" in line and "succeeded" in line for line in worker.log_text().splitlines()
    )


def wait_for_more_runs(worker: Worker, task: str, more: int = 2, timeout: float = 30) -> None:
    """Let ``task`` run ``more`` further times (e.g. sweeps that must find nothing left)."""
    from ..celery_worker import wait_for

    target = runs_of(worker, task) + more
    wait_for(lambda: runs_of(worker, task) >= target, timeout=timeout)


@pytest.fixture
def workers(transactional_db, tmp_path):
    """``workers.start(name)``: real Celery workers with embedded beat, stopped at the end."""
    from django.db import connection as main_connection

    started: list[Worker] = []

    class Workers:
        def start(self, name: str, **extra_env) -> Worker:
            workdir = tmp_path / name
            workdir.mkdir()
            worker = start_worker(
                db_settings=main_connection.settings_dict,
                workdir=workdir,
                extra_env={**QUIET_BEAT, **extra_env},
            )
            started.append(worker)
            return worker

    purge_queue()
    yield Workers()
    for worker in started:
        worker.stop()
    purge_queue()


class _Rollback(Exception):
    pass


@contextmanager
def holding_write(write):
    """Run ``write`` in a transaction on another connection and keep it open (uncommitted)
    until the block ends, then roll it back. On PostgreSQL the rows it wrote block whoever
    inserts the same unique key; on SQLite the open write transaction blocks every writer."""
    ready, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def run():
        try:
            with transaction.atomic():
                write()
                ready.set()
                release.wait(timeout=180)
                raise _Rollback
        except _Rollback:
            pass
        except BaseException as exc:
            failures.append(exc)
            ready.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert ready.wait(timeout=30), "the lock holder did not start"
    assert not failures, failures
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=60)
    assert not failures, failures


def wait_until_stalled(worker: Worker, *, insert_into: str, timeout: float = 60):
    """Wait until the worker is stuck inside a transaction on our lock.

    PostgreSQL: a backend of the test database waits on a lock while running
    ``INSERT INTO "<insert_into>"``, i.e. half-way through the service's transaction. SQLite
    has no such view and locks the whole file: wait for the worker to take a task off the
    broker, then give it a moment to block as its transaction begins.
    """
    deadline = time.monotonic() + timeout
    if connection.vendor == "postgresql":
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE %s",
                    [f'INSERT INTO "{insert_into}"%'],
                )
                if cursor.fetchone()[0]:
                    return
            assert worker.process.poll() is None, worker.log_text()
            assert time.monotonic() < deadline, f"worker never stalled:\n{worker.log_text()}"
            time.sleep(0.1)
    while " received" not in worker.log_text():
        assert worker.process.poll() is None, worker.log_text()
        assert time.monotonic() < deadline, f"worker took no task:\n{worker.log_text()}"
        time.sleep(0.1)
    time.sleep(1.5)
