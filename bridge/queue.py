"""Durable hand-off from the web process to the worker: dedupe on Slack's event id (or an
action's own identity), then enqueue."""

import hashlib
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
    connection: Redis,
    settings: Settings,
    *,
    team_id: str,
    event_id: str,
    event: dict[str, Any],
    enterprise_id: str | None = None,
) -> bool:
    """Enqueue the event once; False for a delivery already accepted. Raises if Redis fails,
    after which nothing is recorded, so Slack's retry is accepted."""
    # A pooled connection that died with a Redis restart fails the first command: try once
    # more on a fresh one. Safe: a failed attempt either recorded nothing or recorded the
    # mark with its job, which the next attempt then sees as a delivery already accepted.
    kwargs = {"team_id": team_id, "event_id": event_id, "event": event}
    if enterprise_id:
        kwargs["enterprise_id"] = enterprise_id
    return _accept_once(
        connection,
        settings,
        dedupe_id=event_id,
        function="bridge.jobs.handle_event",
        kwargs=kwargs,
        description=f"slack event {event_id}",
    )


def action_id_for(payload: dict[str, Any]) -> str | None:
    """One Block Kit action's identity (who clicked what, when), or None if it names none."""
    actions = payload.get("actions")
    user = payload.get("user")
    if not isinstance(actions, list) or len(actions) != 1 or not isinstance(actions[0], dict):
        return None
    parts = (
        str(payload.get("api_app_id")),
        str(user.get("id") if isinstance(user, dict) else ""),
        str(actions[0].get("action_id")),
        str(actions[0].get("action_ts")),
    )
    return "A" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def accept_action(
    connection: Redis,
    settings: Settings,
    *,
    team_id: str,
    enterprise_id: str | None,
    payload: dict[str, Any],
) -> bool:
    """Enqueue a Block Kit action once (ids and primitives only); False if already taken."""
    action_key = action_id_for(payload)
    if action_key is None:
        return False
    action, user = payload["actions"][0], payload.get("user") or {}
    container = payload.get("container") or {}
    channel = payload.get("channel") or {}
    message = payload.get("message") or {}
    fields = {
        "action_id": action.get("action_id"),
        "value": action.get("value"),
        "user_id": user.get("id"),
        "channel_id": channel.get("id") or container.get("channel_id"),
        "message_ts": container.get("message_ts") or message.get("ts"),
        "thread_ts": container.get("thread_ts") or message.get("thread_ts"),
    }
    return _accept_once(
        connection,
        settings,
        dedupe_id=action_key,
        function="bridge.actions.handle_action",
        kwargs={
            "team_id": team_id,
            "enterprise_id": enterprise_id,
            "action": {k: str(v) for k, v in fields.items() if isinstance(v, str)},
        },
        description=f"slack action {action_key}",
    )


def _accept_once(
    connection: Redis,
    settings: Settings,
    *,
    dedupe_id: str,
    function: str,
    kwargs: dict[str, Any],
    description: str,
) -> bool:
    try:
        return _accept(connection, settings, dedupe_id, function, kwargs, description)
    except RedisConnectionError:
        return _accept(connection, settings, dedupe_id, function, kwargs, description)


def _accept(
    connection: Redis,
    settings: Settings,
    dedupe_id: str,
    function: str,
    kwargs: dict[str, Any],
    description: str,
) -> bool:
    dedupe_key = event_dedupe_key(dedupe_id)
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
            function,
            kwargs=kwargs,
            job_id=job_id_for(dedupe_id),
            # The default description is the call with its arguments: message text in logs.
            description=description,
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
