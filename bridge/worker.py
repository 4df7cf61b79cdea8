"""The bridge's worker process (`python -m bridge.worker`): warm, several jobs at once, on RQ.

Why this shape. RQ's default `Worker` forks a work horse per job, so every job built new
Redis, HTTP and Slack clients, a new event loop and an empty workspace cache. RQ's
`SimpleWorker` runs jobs in its own process but one at a time, and a worker object keeps
per-job state (`execution`, current job) that two concurrent jobs would overwrite. So the
process runs BRIDGE_WORKER_CONCURRENCY `SimpleWorker`s, each in a thread of its own: each
is an ordinary RQ worker (registered, heart-beating, dequeuing into RQ's intermediate
queue, recording its execution in the StartedJobRegistry, saving results, retrying
failures), so RQ's registries, retries and abandoned-job handling stay exactly RQ's. What
they share is the process's one event loop with its long-lived clients (bridge/warm.py):
a job thread hands its coroutine to the loop and waits, so a slow model call holds up one
job thread, never the other conversations.

- Killed (SIGKILL, a crash): each job it was running stays in its queue's
  StartedJobRegistry until its heartbeat lapses; RQ's registry maintenance in any worker
  then re-queues it (`Retry`), and the event's reply record makes the re-run finish the
  same reply instead of posting another.
- SIGTERM / SIGINT (graceful): no job thread takes a new job (idle ones leave RQ's blocking
  dequeue at once); the running jobs get BRIDGE_WORKER_SHUTDOWN_SECONDS to finish, then
  what is still running is cancelled, fails, and RQ's retry puts it back on the queue for
  another worker. A second signal exits at once (the killed case).
- Redis gone mid-job: the job fails, and RQ's work loop then ends on its own ("found an
  unhandled exception, quitting") when it cannot record that. The job thread starts a new
  RQ worker after `RESTART_SECONDS` (and again until Redis answers); the job, left in the
  StartedJobRegistry, is re-queued by registry maintenance once its heartbeat lapses.
"""

import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, Final

from redis import Redis
from rq import SimpleWorker
from rq.exceptions import StopRequested
from rq.timeouts import BaseDeathPenalty
from rq.worker import WorkerStatus

# Imported here so every job finds the job code already loaded.
import bridge.jobs  # noqa: F401
from bridge import warm
from bridge.queue import bridge_queue
from bridge.settings import get_settings
from bridge.tracing import WORKER_SERVICE
from bridge.tracing import configure as configure_tracing

log = logging.getLogger(__name__)

# An idle job thread waits this long for a job before heart-beating again (RQ waits
# worker_ttl - 15 s), so its registration stays fresh and a stopped worker is seen soon.
WORKER_TTL_SECONDS: Final = 30
_AFTER_CANCEL_SECONDS: Final = 5.0
# A job thread whose RQ worker ended without being stopped starts another after this long.
RESTART_SECONDS: Final = 1.0


class _DeadlineOnTheLoop(BaseDeathPenalty):
    """RQ's default job timeout is SIGALRM, which only a main thread can receive; the job's
    timeout is kept by bridge.warm on the loop instead."""

    def setup_death_penalty(self) -> None:
        return None

    def cancel_death_penalty(self) -> None:
        return None


class JobThreadWorker(SimpleWorker):
    """An RQ SimpleWorker that runs in a thread: signals are the process's main thread's."""

    death_penalty_class = _DeadlineOnTheLoop

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stopping = threading.Event()

    def _install_signal_handlers(self) -> None:
        return None

    def stop(self) -> None:
        """Take no new job: a running one finishes first (RQ's own warm-shutdown flag, which
        its work loop checks before each dequeue); an idle one stops waiting for one."""
        self._stop_requested = True
        self._stopping.set()
        if self.get_state() == WorkerStatus.IDLE:
            # Ends RQ's blocking dequeue: it reconnects through heartbeat(), which stops it.
            self.connection.connection_pool.disconnect()

    def _pubsub_exception_handler(self, exc: Exception, pubsub: Any, pubsub_thread: Any) -> None:
        if self._stopping.is_set():
            # Its connection was closed by stop(): RQ's command channel ends quietly.
            pubsub_thread.stop()
            return
        super()._pubsub_exception_handler(exc, pubsub, pubsub_thread)

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        # RQ's dequeue loop beats first on every turn: a stopped idle worker leaves there.
        if pipeline is None and self._stopping.is_set() and self.get_state() == WorkerStatus.IDLE:
            raise StopRequested()
        super().heartbeat(timeout, pipeline)


class JobThread(threading.Thread):
    """One job thread: an RQ worker, and a new one whenever RQ's work loop ends (or fails to
    start, Redis being down) without the process stopping."""

    def __init__(
        self, n: int, make_worker: Callable[[], JobThreadWorker], stopping: threading.Event
    ) -> None:
        super().__init__(name=f"job-{n}", daemon=True)
        self._make_worker = make_worker
        self._stopping = stopping
        self.worker = make_worker()

    def run(self) -> None:
        fresh = False  # the first worker was made at start-up, where a failure is fatal
        while not self._stopping.is_set():
            try:
                if fresh:
                    self.worker = self._make_worker()
                    if self._stopping.is_set():
                        return
                self.worker.work(logging_level="INFO")
            except Exception:
                log.exception("%s: the RQ worker failed", self.name)
            if self._stopping.wait(RESTART_SECONDS):
                return
            log.error("%s: the RQ worker ended on its own; starting another", self.name)
            fresh = True


def main() -> None:
    settings = get_settings()
    configure_tracing(WORKER_SERVICE, settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Request lines carry URLs with one-time OAuth states and thread ids; failures are logged
    # by our own code without them.
    for noisy in ("httpx", "httpx2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    loop = warm.current()

    def make_worker() -> JobThreadWorker:
        connection = Redis.from_url(settings.redis_url)
        return JobThreadWorker(
            [bridge_queue(connection, settings)],
            connection=connection,
            # Abandoned jobs are re-queued when registries are cleaned: every minute
            # rather than RQ's default ten keeps that wait short.
            maintenance_interval=60,
            worker_ttl=WORKER_TTL_SECONDS,
        )

    stopping = threading.Event()
    threads = [
        JobThread(n, make_worker, stopping)
        for n in range(max(1, settings.bridge_worker_concurrency))
    ]

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del frame
        if stopping.is_set():
            log.warning("second %s: stopping now", signal.Signals(signum).name)
            raise SystemExit(1)
        log.info("%s: finishing running jobs, taking no new ones", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for thread in threads:
        thread.start()
    while not stopping.wait(1.0):
        if not any(thread.is_alive() for thread in threads):
            log.error("every job thread ended; exiting")
            break
    for thread in threads:
        thread.worker.stop()
    deadline = time.monotonic() + settings.bridge_worker_shutdown_seconds
    while loop.busy and time.monotonic() < deadline:
        time.sleep(0.1)
    if loop.busy:
        log.warning("%d jobs still running at shutdown: re-queued", loop.busy)
        loop.cancel_running()
    # Each job thread records its job's end (finished, or failed into RQ's retry) and exits.
    deadline = time.monotonic() + _AFTER_CANCEL_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    loop.close()


if __name__ == "__main__":
    main()
