"""Durable hand-off from the web process to the worker: dedupe on Slack's event id, then enqueue."""

import contextlib
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError

from bridge.settings import Settings
from policies.redis_keys import event_dedupe_key

# A worker killed mid-job leaves the job abandoned; RQ's cleanup re-queues it this many times.
JOB_RETRIES = 2


def job_id_for(event_id: str) -> str:
    return f"slack-event-{event_id}"


def bridge_queue(connection: Redis, settings: Settings) -> Queue:
    return Queue(settings.bridge_queue, connection=connection)


def accept_event(
    connection: Redis, settings: Settings, *, team_id: str, event_id: str, event: dict[str, Any]
) -> bool:
    """Enqueue the event once; False for a delivery already accepted. Raises if Redis fails,
    after which nothing is recorded, so Slack's retry is accepted."""
    dedupe_key = event_dedupe_key(event_id)
    if not connection.set(dedupe_key, "1", nx=True, ex=settings.bridge_event_dedupe_seconds):
        return False
    try:
        bridge_queue(connection, settings).enqueue_call(
            "bridge.jobs.handle_event",
            kwargs={"team_id": team_id, "event_id": event_id, "event": event},
            job_id=job_id_for(event_id),
            # The default description is the call with its arguments: message text in logs.
            description=f"slack event {event_id}",
            unique=True,
            timeout=settings.bridge_job_timeout_seconds,
            result_ttl=600,
            failure_ttl=86_400,
            retry=Retry(max=JOB_RETRIES),
        )
    except DuplicateJobError:
        return False
    except BaseException:
        # Best effort: if Redis is gone this fails too, and the key expires on its own.
        with contextlib.suppress(RedisError):
            connection.delete(dedupe_key)
        raise
    return True
