"""The deployment's front, started for real on this machine: gunicorn (sync workers, as in
production) behind Debian's nginx running the repository's own proxy config
(deploy/nginx/gccportal.conf.template, filled in as the nginx image fills it in compose).

nginx runs as a non-daemon child with its own prefix, pid, logs and temp folders under a
temporary folder; nothing under /etc/nginx is read or written. Everything listens on 127.0.0.1
only. ``Stack.stop()`` ends both processes and removes the folder.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from ..celery_worker import database_url

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "gccportal.conf.template"
CERT_SCRIPT = ROOT / "deploy" / "nginx" / "self-signed-cert.sh"
PLACEHOLDER = re.compile(r"\$\{(GCC_[A-Z0-9_]+)\}")
GUNICORN_WORKERS = 2  # as production is sized in the measurement that found the problem


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render(template: str, values: dict[str, str]) -> str:
    """Fill in ``${GCC_...}`` as the nginx image's envsubst does; every one must be given."""
    missing = set(PLACEHOLDER.findall(template)) - set(values)
    assert not missing, f"no value for {sorted(missing)}"
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError as exc:
            if time.monotonic() > deadline:
                log_text = log.read_text(errors="replace")
                raise RuntimeError(f"{what} did not listen:\n{log_text}") from exc
            time.sleep(0.1)


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()  # SIGTERM: gunicorn stops its workers gracefully, nginx at once
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Stack:
    folder: Path
    gunicorn_port: int
    http_port: int
    https_port: int
    tls: ssl.SSLContext
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def gunicorn_log(self) -> str:
        return (self.folder / "gunicorn.log").read_text(errors="replace")

    @property
    def nginx_log(self) -> str:
        return (self.folder / "nginx.log").read_text(errors="replace")

    def https(self, source: str = "127.0.0.1", timeout: float = 10) -> http.client.HTTPSConnection:
        """A connection to the proxy's HTTPS port from ``source`` (any 127.x.y.z address)."""
        return http.client.HTTPSConnection(
            "localhost",
            self.https_port,
            context=self.tls,
            timeout=timeout,
            source_address=(source, 0),
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            _stop(process)
        shutil.rmtree(self.folder, ignore_errors=True)


def _production_env(folder: Path, db_settings: dict, trusted: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("EMAIL_URL", "PYTEST_CURRENT_TEST", "PYTEST_VERSION")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="gccportal.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost,127.0.0.1",
        DATABASE_URL=database_url(db_settings),
        GCC_VAR_DIR=str(settings.VAR_DIR),
        EMAIL_FILE_PATH=str(folder / "mail"),
        GCC_TRUSTED_PROXIES=trusted,
    )
    return env


def start_stack(db_settings: dict, *, with_proxy: bool = True) -> Stack:
    """gunicorn on the test database, production settings, and (``with_proxy``) nginx in front.

    gunicorn trusts forwarding headers from 127.0.0.1 only, where nginx connects from; clients
    in the tests connect from other loopback addresses (127.0.0.2, ...) to look like strangers.
    """
    folder = Path(tempfile.mkdtemp(prefix="gcc-proxy-"))
    folder.chmod(0o755)  # nginx's workers (nobody, when started as root) read under it
    stack = Stack(
        folder=folder,
        gunicorn_port=free_port(),
        http_port=free_port(),
        https_port=free_port(),
        tls=ssl.create_default_context(),
    )
    try:
        gunicorn_log = folder / "gunicorn.log"
        with gunicorn_log.open("wb") as out:
            gunicorn = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "tests.deploy.wsgi:application",
                    "--workers", str(GUNICORN_WORKERS), "--worker-class", "sync",
                    "--bind", f"127.0.0.1:{stack.gunicorn_port}",
                    "--forwarded-allow-ips", "127.0.0.1",
                    "--access-logfile", "-",
                ],
                cwd=ROOT,
                env=_production_env(folder, db_settings, trusted="127.0.0.1/32"),
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        stack.processes.append(gunicorn)
        _wait_for_port(stack.gunicorn_port, gunicorn, gunicorn_log, "gunicorn")
        if with_proxy:
            _start_nginx(stack)
        return stack
    except BaseException:
        stack.stop()
        raise


def _start_nginx(stack: Stack) -> None:
    folder = stack.folder
    tls_dir = folder / "tls"
    subprocess.run(["sh", str(CERT_SCRIPT), str(tls_dir)], check=True, capture_output=True)
    stack.tls.load_verify_locations(cafile=str(tls_dir / "cert.pem"))
    site = render(
        TEMPLATE.read_text(),
        {
            "GCC_PROXY_UPSTREAM": f"127.0.0.1:{stack.gunicorn_port}",
            "GCC_PROXY_HTTP_LISTEN": f"127.0.0.1:{stack.http_port}",
            "GCC_PROXY_HTTPS_LISTEN": f"127.0.0.1:{stack.https_port}",
            "GCC_PROXY_TLS_DIR": str(tls_dir),
            "GCC_API_MAX_BODY_BYTES": str(settings.GCC_API_MAX_BODY_BYTES),
        },
    )
    (folder / "gccportal.conf").write_text(site)
    temp = {name: folder / "temp" / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True)
    # What the nginx image's own nginx.conf provides around the site's file, minus what the
    # proxy doesn't need (mime types: every answer is gunicorn's, with its Content-Type).
    (folder / "nginx.conf").write_text(
        f"""daemon off;
worker_processes auto;
pid {folder}/nginx.pid;
error_log stderr notice;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/gccportal.conf;
}}
"""
    )
    log = folder / "nginx.log"
    with log.open("wb") as out:
        nginx = subprocess.Popen(
            [nginx_binary(), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    stack.processes.append(nginx)
    _wait_for_port(stack.https_port, nginx, log, "nginx")


# --- A small browser over http.client (cookies, CSRF), from a chosen loopback address ----------


CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Browser:
    stack: Stack
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        connection = self.stack.https(self.source)
        origin = f"https://localhost:{self.stack.https_port}"
        sent = {"Host": f"localhost:{self.stack.https_port}", "Origin": origin, "Referer": origin}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content

    def sign_in(self, path: str, username: str, password: str, headers=None):
        """GET the sign-in page (its CSRF token), then POST the name and password."""
        _, page = self.request("GET", path)
        token = CSRF_FIELD.search(page)
        assert token, page[:500]
        form = urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        ).encode()
        response, _ = self.request(
            "POST",
            path,
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )
        return response
