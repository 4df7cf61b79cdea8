"""The bridge's worker process: an RQ worker on the bridge queue (`python -m bridge.worker`)."""

import logging

from redis import Redis
from rq import Worker

# Imported here so every forked work horse starts with the job code already loaded.
import bridge.jobs  # noqa: F401
from bridge.queue import bridge_queue
from bridge.settings import get_settings
from bridge.tracing import WORKER_SERVICE
from bridge.tracing import configure as configure_tracing


def main() -> None:
    settings = get_settings()
    # Before RQ forks: every job process inherits the exporter (and flushes it at its end).
    configure_tracing(WORKER_SERVICE, settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Request lines carry URLs with one-time OAuth states and thread ids; failures are logged
    # by our own code without them.
    for noisy in ("httpx", "httpx2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    connection = Redis.from_url(settings.redis_url)
    # RQ re-queues the job of a worker that died mid-job when it next cleans its registries;
    # every minute rather than its default ten keeps that wait short.
    worker = Worker(
        [bridge_queue(connection, settings)], connection=connection, maintenance_interval=60
    )
    worker.work(logging_level="INFO")


if __name__ == "__main__":
    main()
