"""The embedded broker: kombu's filesystem transport, made safe for several processes.

Stock kombu writes a message file in place, and a reader that lists the folder can open it
before its writer has finished (kombu issue #1551): the worker dies on ``JSONDecodeError``
and the message is lost. This transport keeps kombu's folder layout and changes three things:

- **Atomic writes.** A message is written under ``tmp/`` and ``os.replace``-d into the queue
  folder, so a reader only ever sees whole files.
- **Exclusive claims.** A consumer takes a message by renaming it into its own ``claimed/``
  folder; a rename succeeds for one process only, so two consumers never get the same file.
- **Acks.** The claimed file is deleted when the message is acknowledged, and put back in the
  queue if it is rejected with requeue or restored at shutdown. A consumer that died (killed,
  out of memory) leaves its folder behind; the next channel opened puts those messages back.

Routing tables live in each process's memory, as in kombu's other virtual transports (each
producer declares what it publishes to), instead of exchange files that two writers could
write at once. So broadcasts (remote control, mingle, gossip) do not cross processes here:
the settings and run.py turn them off for the embedded broker.
"""

import contextlib
import os
import socket
import time
import uuid
from pathlib import Path

from kombu.transport import filesystem, virtual
from kombu.utils.json import dumps, loads

CLAIM_SEPARATOR = "@"


def _owner() -> str:
    return f"{socket.gethostname()}{CLAIM_SEPARATOR}{os.getpid()}"


def _is_alive(owner: str) -> bool:
    """Whether the process that made a claim folder may still run (only known for this host)."""
    host, _, pid = owner.rpartition(CLAIM_SEPARATOR)
    if host != socket.gethostname() or not pid.isdigit():
        return True  # not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Channel(filesystem.Channel):
    supports_fanout = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._claimed: dict[str, Path] = {}  # delivery tag -> claimed file
        self._claim_folder: Path | None = None
        self.queue_folder = Path(self.data_folder_in)
        self.claims_root = self.queue_folder / "claimed"
        self.tmp_folder = Path(self.data_folder_out) / "tmp"
        self._recover_abandoned_claims()

    @staticmethod
    def _subfolder(folder: Path) -> Path:
        """``folder``, made if missing; its parent must exist (a missing broker folder is an
        unreachable broker, not something to create)."""
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise filesystem.ChannelError(f"Broker folder {folder.parent} is not usable") from exc
        return folder

    @property
    def claim_folder(self) -> Path:
        owner = _owner()  # per process: a forked child never claims into its parent's folder
        if self._claim_folder is None or self._claim_folder.name != owner:
            self._claim_folder = self._subfolder(self._subfolder(self.claims_root) / owner)
        return self._claim_folder

    # --- Writing -------------------------------------------------------------------------

    def _put(self, queue, payload, **kwargs):
        # time_ns keeps the folder's sort order the order of writing, across processes.
        name = f"{time.time_ns():020d}_{uuid.uuid4().hex}.{queue}.msg"
        temporary = self._subfolder(self.tmp_folder) / name
        try:
            with open(temporary, "wb") as file:
                file.write(dumps(payload).encode())
            os.replace(temporary, Path(self.data_folder_out) / name)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise filesystem.ChannelError(f"Cannot add {name!r} to the broker folder") from exc

    # --- Reading -------------------------------------------------------------------------

    def _messages(self, queue) -> list[str]:
        wanted = f"{queue}.msg"
        return sorted(n for n in os.listdir(self.queue_folder) if n.partition(".")[2] == wanted)

    def _get(self, queue):
        for name in self._messages(queue):
            claimed = self.claim_folder / name
            try:
                os.rename(self.queue_folder / name, claimed)
            except FileNotFoundError:
                continue  # another consumer took it first
            payload = loads(claimed.read_bytes())
            self._claimed[payload["properties"]["delivery_tag"]] = claimed
            return payload
        raise virtual.Empty()

    def _purge(self, queue):
        count = 0
        for name in self._messages(queue):
            try:
                (self.queue_folder / name).unlink()
            except FileNotFoundError:
                continue
            count += 1
        return count

    def _size(self, queue):
        return len(self._messages(queue))

    # --- Routing: in this process's memory, as kombu's other virtual transports keep it ------

    def get_table(self, exchange):
        return virtual.Channel.get_table(self, exchange)

    def _delete(self, queue, *args, **kwargs):
        virtual.Channel._delete(self, queue, *args, **kwargs)

    # --- Acknowledging -------------------------------------------------------------------

    def _forget(self, delivery_tag) -> None:
        claimed = self._claimed.pop(delivery_tag, None)
        if claimed is not None:
            claimed.unlink(missing_ok=True)

    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple=multiple)
        self._forget(delivery_tag)

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue=requeue)  # requeue writes a new file
        self._forget(delivery_tag)

    def _restore(self, message):
        super()._restore(message)
        self._forget(message.delivery_tag)

    def _recover_abandoned_claims(self) -> None:
        """Put back the messages of consumers that died holding them."""
        if not self.claims_root.is_dir():
            return
        for folder in self.claims_root.iterdir():
            if not folder.is_dir() or _is_alive(folder.name):
                continue
            for claimed in folder.iterdir():
                try:
                    os.replace(claimed, self.queue_folder / claimed.name)
                except FileNotFoundError:
                    continue  # another process recovered it
            with contextlib.suppress(OSError):  # not empty yet, or already gone
                folder.rmdir()


class Transport(filesystem.Transport):
    Channel = Channel
