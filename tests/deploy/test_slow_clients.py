"""Slow clients (slow-loris: a request header sent one line every 2 s, never finished) against
gunicorn's 2 sync workers: alone, 2 of them stop the site; behind the repo's nginx config, 100
of them are held by nginx, never reach gunicorn, are cut off at the header timeout, and normal
requests keep answering meanwhile.

Bounded: about 15 s each; every connection is closed and both servers stopped at the end.
"""

import http.client
import select
import socket
import ssl
import statistics
import threading
import time
from dataclasses import dataclass

import pytest

pytestmark = pytest.mark.proxy

SLOW_PATH = "/accounts/login/?slow-loris"  # never complete, so never in gunicorn's access log
LINE_EVERY = 2.0  # seconds between header lines, as measured in the issue
HEADER_TIMEOUT = 10.0  # the config's client_header_timeout


@dataclass
class Slow:
    sock: socket.socket
    opened_at: float
    closed_after: float | None = None
    answered: bytes = b""


class SlowClients:
    """``count`` connections, each sending a request header one line every ``LINE_EVERY`` s
    and never finishing it, until the server closes them (or ``stop``)."""

    def __init__(self, port: int, count: int, tls: ssl.SSLContext | None = None):
        self.port, self.count, self.tls = port, count, tls
        self.clients: list[Slow] = []
        self.lines_sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def open(self) -> float:
        started = time.monotonic()
        for _ in range(self.count):
            raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            sock = self.tls.wrap_socket(raw, server_hostname="localhost") if self.tls else raw
            sock.sendall(f"GET {SLOW_PATH} HTTP/1.1\r\nHost: localhost\r\n".encode())
            sock.setblocking(False)
            self.clients.append(Slow(sock, time.monotonic()))
        self._thread.start()
        return time.monotonic() - started

    def still_open(self) -> int:
        return sum(1 for c in self.clients if c.closed_after is None)

    def _check_closed(self, now: float) -> None:
        live = [c for c in self.clients if c.closed_after is None]
        readable, _, _ = select.select([c.sock for c in live], [], [], 0)
        for client in (c for c in live if c.sock in readable):
            try:
                data = client.sock.recv(4096)
            except (ssl.SSLWantReadError, BlockingIOError):
                continue
            except OSError:  # reset: nginx resets timed-out connections
                data = b""
            if data:
                client.answered += data
            else:
                client.closed_after = now - client.opened_at

    def _trickle(self) -> None:
        next_line, n = time.monotonic() + LINE_EVERY, 0
        while not self._stop.is_set() and self.still_open():
            now = time.monotonic()
            self._check_closed(now)
            if now >= next_line:
                n += 1
                for client in (c for c in self.clients if c.closed_after is None):
                    try:
                        client.sock.send(f"X-Slow-{n}: {'x' * 20}\r\n".encode())
                        self.lines_sent += 1
                    except (ssl.SSLWantWriteError, BlockingIOError):
                        pass
                    except OSError:
                        client.closed_after = now - client.opened_at
                next_line += LINE_EVERY
            self._stop.wait(0.05)

    def wait_closed(self, timeout: float) -> None:
        self._thread.join(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for client in self.clients:
            client.sock.close()


def timed_get(connection: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    """(status, seconds) of one GET on a fresh connection; status 0 if it timed out."""
    started = time.monotonic()
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        status = connection.getresponse().status
    except TimeoutError:
        status = 0
    finally:
        connection.close()
    return status, time.monotonic() - started


def test_gunicorn_alone_is_stopped_by_two_slow_clients(gunicorn_alone):
    """The control: without the proxy, two slow clients (one per sync worker) and a normal
    request waits for as long as they like. This is what the proxy is for."""
    port = gunicorn_alone.gunicorn_port
    before = timed_get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/healthz")
    slow = SlowClients(port, count=2)
    slow.open()
    try:
        time.sleep(0.5)  # both workers have taken their slow connection
        during = timed_get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/healthz")
    finally:
        slow.stop()  # the workers get their connections' end and are free again
    after = timed_get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/healthz")
    print(
        f"\ngunicorn alone ({2} sync workers): before {before[0]} in {before[1]:.2f} s; "
        f"with 2 slow clients: {'timed out' if during[0] == 0 else during[0]} after "
        f"{during[1]:.2f} s; once they left: {after[0]} in {after[1]:.2f} s"
    )
    assert before[0] in (200, 503)  # /healthz answers (503 only names a service it misses)
    assert during[0] == 0 and during[1] >= 4.9  # nothing for 5 s: the site is down
    assert after[0] == before[0]


def test_a_hundred_slow_clients_through_the_proxy_leave_the_portal_answering(proxied):
    slow = SlowClients(proxied.https_port, count=100, tls=proxied.tls)
    opening = slow.open()
    try:
        # Normal requests (the sign-in page, through the proxy over TLS) while all 100 are held,
        # until 2 s before the first of them could be cut off.
        phase_ends = slow.clients[0].opened_at + HEADER_TIMEOUT - 2
        answers = []
        while time.monotonic() < phase_ends:
            answers.append(timed_get(proxied.https(timeout=5), "/accounts/login/"))
            time.sleep(0.1)
        held_throughout = slow.still_open()
        slow.wait_closed(timeout=HEADER_TIMEOUT + 10)
    finally:
        slow.stop()

    latencies = sorted(seconds for _, seconds in answers)
    statuses = sorted({status for status, _ in answers})
    held = sorted(c.closed_after for c in slow.clients if c.closed_after is not None)
    print(
        f"\nthrough nginx: 100 slow connections opened in {opening:.2f} s, a header line "
        f"every {LINE_EVERY:.0f} s ({slow.lines_sent} lines sent); "
        f"{held_throughout} still held when the normal requests stopped.\n"
        f"normal requests meanwhile: {len(answers)}, statuses {statuses}, "
        f"median {statistics.median(latencies) * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms.\n"
        f"slow connections cut off by the proxy after {held[0]:.1f}-{held[-1]:.1f} s "
        f"({len(held)} of 100); none reached gunicorn: "
        f"{SLOW_PATH.split('?')[1] not in proxied.gunicorn_log}"
    )
    assert held_throughout == 100  # held, not refused, while the others were served
    assert len(answers) >= 20 and statuses == [200]
    assert latencies[-1] < 2.0  # every normal request answered within 2 s
    # The proxy ends them at its header timeout; gunicorn never saw one of them.
    assert len(held) == 100 and held[0] >= HEADER_TIMEOUT - 2 and held[-1] <= HEADER_TIMEOUT + 5
    assert not any(c.answered for c in slow.clients)
    assert "slow-loris" not in proxied.gunicorn_log
    assert "GET /accounts/login/ HTTP/1.0" in proxied.gunicorn_log  # the normal ones did
