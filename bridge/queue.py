"""Durable hand-off from the web process to the worker: dedupe on Slack's event id, then enqueue."""

from typing import Any

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import WatchError
from rq import Queue, Retry

from bridge.settings import Settings
from bridge.tracing import job_trace_meta
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
    # A pooled connection that died with a Redis restart fails the first command: try once
    # more on a fresh one. Safe: a failed attempt either recorded nothing or recorded the
    # mark with its job, which the next attempt then sees as a delivery already accepted.
    try:
        return _accept(connection, settings, team_id=team_id, event_id=event_id, event=event)
    except RedisConnectionError:
        return _accept(connection, settings, team_id=team_id, event_id=event_id, event=event)


def _accept(
    connection: Redis, settings: Settings, *, team_id: str, event_id: str, event: dict[str, Any]
) -> bool:
    dedupe_key = event_dedupe_key(event_id)
    # The "seen" mark and the job (its hash, its queue entry, the queue's registration) go
    # in one MULTI/EXEC, one round trip before the ack: a Redis crash between the two would
    # otherwise leave a mark without a job, and Slack's retry would be acked and lost.
    # WATCH makes the first delivery win across replicas.
    with connection.pipeline(transaction=True) as pipe:
        pipe.watch(dedupe_key)  # type: ignore[no-untyped-call]  # untyped in redis-py
        if pipe.exists(dedupe_key):
            return False
        pipe.multi()
        pipe.set(dedupe_key, "1", ex=settings.bridge_event_dedupe_seconds)
        bridge_queue(connection, settings).enqueue_call(
            "bridge.jobs.handle_event",
            kwargs={"team_id": team_id, "event_id": event_id, "event": event},
            job_id=job_id_for(event_id),
            # The default description is the call with its arguments: message text in logs.
            description=f"slack event {event_id}",
            meta=job_trace_meta(),
            timeout=settings.bridge_job_timeout_seconds,
            result_ttl=600,
            failure_ttl=86_400,
            retry=Retry(max=JOB_RETRIES),
            pipeline=pipe,
        )
        try:
            pipe.execute()
        except WatchError:  # another replica accepted this event in the meantime
            return False
    return True
