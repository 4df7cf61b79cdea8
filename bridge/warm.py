"""The worker process's one event loop, in a thread of its own, with the long-lived clients
every job shares (bridge/clients.py).

RQ runs each job in a job thread (bridge/worker.py); the job hands its coroutine to this
loop and waits for it, so one process answers several conversations at once on one loop,
with one connection pool each to Redis, the proxy and Slack. The job's timeout is kept
here (RQ's signal-based one works only in a main thread): a coroutine past its time is
cancelled and the job fails into RQ's retry.
"""

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from rq.timeouts import JobTimeoutException

from bridge.clients import Clients
from bridge.settings import get_settings

T = TypeVar("T")


class WarmLoop:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="bridge-loop", daemon=True
        )
        self._thread.start()
        self._running: set[concurrent.futures.Future[Any]] = set()
        self._lock = threading.Lock()
        self.clients: Clients = self.call(self._open(), timeout=30)

    @staticmethod
    async def _open() -> Clients:
        clients = Clients.open(get_settings())
        clients.start_listening()
        return clients

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run `coroutine` on the loop and wait for it (from any other thread)."""
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(
            coroutine, self.loop
        )
        with self._lock:
            self._running.add(future)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as error:
            future.cancel()
            raise JobTimeoutException(f"job exceeded its {timeout:.0f} s") from error
        finally:
            with self._lock:
                self._running.discard(future)

    @property
    def busy(self) -> int:
        with self._lock:
            return len(self._running)

    def cancel_running(self) -> None:
        """Shutdown: stop what is still running; each job fails into RQ's retry (re-queued)."""
        with self._lock:
            running = list(self._running)
        for future in running:
            future.cancel()

    def close(self, timeout: float = 5) -> None:
        self.cancel_running()
        asyncio.run_coroutine_threadsafe(self.clients.aclose(), self.loop).result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)


_current: WarmLoop | None = None
_current_lock = threading.Lock()


def current() -> WarmLoop:
    """This process's loop, built on first use (a forked process builds its own)."""
    global _current
    with _current_lock:
        if _current is None or _current.pid != os.getpid():
            _current = WarmLoop()
        return _current


def run(job: Callable[[Clients], Coroutine[Any, Any, T]], timeout: float) -> T:
    warm = current()
    return warm.call(job(warm.clients), timeout)
