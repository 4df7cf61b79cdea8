"""The worker's job: answer one Slack event as the tenant's agent, exactly once."""

import logging
import time
from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

from pydantic import ValidationError
from redis.asyncio import Redis
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bridge import lifecycle, warm
from bridge.actions import feedback_block
from bridge.clients import Clients
from bridge.proxy_api import AgentSummary, ProxyAPI, Workspace
from bridge.sealed_events import open_event, sealed_version
from bridge.settings import Settings, get_settings
from bridge.streaming import MODE_PLACEHOLDER, Place, ThreadReply, open_reply, resume_reply
from bridge.tracing import export_now, job_carrier, job_span, note_job
from bridge.turns import TurnRequest, answer_in_slack
from policies.escalation import EscalationRule, handoff_text, match_escalation
from policies.limits import over_limit, window_start
from policies.messages import KonstructMessage, from_slack_event
from policies.mrkdwn import rate_limited_text
from policies.redis_keys import (
    channel_message_rate_key,
    engaged_thread_key,
    escalated_thread_key,
    event_reply_key,
    message_rate_key,
    native_stream_off_key,
)
from policies.threads import Wake, decide_wake, reply_thread_ts

log = logging.getLogger(__name__)

# How long an event's reply record outlives the job: longer than any RQ retry of it.
REPLY_RECORD_SECONDS: Final = 86_400


def handle_event(
    *, team_id: str, event_id: str, event: dict[str, Any], enterprise_id: str | None = None
) -> str:
    """RQ entry point (in one of the worker's job threads); returns what happened, for the
    job's result. The work itself runs on the process's loop with its warm clients."""
    carrier = job_carrier()
    try:
        return warm.run(
            lambda clients: _traced(clients, carrier, team_id, event_id, event, enterprise_id),
            get_settings().bridge_job_timeout_seconds,
        )
    finally:
        export_now()


async def _traced(
    clients: Clients,
    carrier: dict[str, str],
    team_id: str,
    event_id: str,
    event: dict[str, Any],
    enterprise_id: str | None,
) -> str:
    with job_span(team_id, event_id, event, carrier) as span:
        outcome = await _handle(clients, team_id, event_id, event, enterprise_id)
        span.set_attribute("konstruct.job.outcome", outcome)
        return outcome


async def _handle(
    clients: Clients,
    team_id: str,
    event_id: str,
    event: dict[str, Any],
    enterprise_id: str | None,
) -> str:
    workspace = await clients.workspaces.get(team_id, enterprise_id)
    if workspace is None or not workspace.active:
        return "no_workspace"
    version = sealed_version(event)
    if version is not None and version not in workspace.queue_keys:
        # Sealed under a data key version newer than this process's view (a rotation).
        clients.workspaces.forget_tenant(workspace.tenant_id)
        workspace = await clients.workspaces.get(team_id, enterprise_id) or workspace
    event = open_event(
        event, keys=workspace.queue_keys, tenant_id=workspace.tenant_id, event_id=event_id
    )
    if lifecycle.is_lifecycle_event(event):
        return await lifecycle.handle_lifecycle_event(clients, workspace, event)
    channel = event.get("channel")
    agent = workspace.agent_for(channel) if isinstance(channel, str) else None
    note_job(workspace.tenant_id, agent.id if agent else None)
    job = EventJob(
        clients.settings,
        clients.redis,
        clients.proxy_api,
        workspace,
        team_id,
        event_id,
        event,
        clients.slack(workspace.bot_token),
    )
    try:
        outcome = await job.run()
    except SlackApiError as error:
        if await lifecycle.slack_refused(clients, workspace, error):
            return "token_refused"
        raise
    await lifecycle.slack_worked(clients, workspace)
    return outcome


def _rules(agent: AgentSummary) -> list[EscalationRule]:
    rules = []
    for raw in agent.escalation_rules:
        # Only the rule's own fields: the proxy may describe rules with more (ids, timestamps).
        fields = {name: raw[name] for name in EscalationRule.model_fields if name in raw}
        try:
            rules.append(EscalationRule.model_validate(fields))
        except ValidationError:
            log.warning("agent %s has an unusable escalation rule", agent.id)
    return rules


@dataclass
class EventJob:
    settings: Settings
    redis: Redis
    api: ProxyAPI
    workspace: Workspace
    team_id: str
    event_id: str
    event: dict[str, Any]
    # The workspace's bot client, from the process's clients (one per token).
    slack: AsyncWebClient

    @property
    def tenant_id(self) -> UUID:
        return self.workspace.tenant_id

    async def run(self) -> str:
        channel = self.event.get("channel")
        try:
            thread = reply_thread_ts(self.event)
            # Key parts are checked too: a channel or ts with ':' or spaces is no Slack event.
            engaged_key = engaged_thread_key(self.tenant_id, str(channel), thread)
            escalated_key = escalated_thread_key(self.tenant_id, str(channel), thread)
            reply_key = event_reply_key(self.tenant_id, self.event_id)
        except ValueError:
            return "malformed"
        if not isinstance(channel, str):
            return "malformed"
        # One round trip for what the thread and this event's reply are at: the status shows
        # no later than it must.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.exists(engaged_key)
            pipe.exists(escalated_key)
            pipe.hgetall(reply_key)
            engaged, escalated, record = await pipe.execute()
        wake = decide_wake(
            self.event,
            bot_user_id=self.workspace.bot_user_id,
            thread_engaged=bool(engaged),
            thread_escalated=bool(escalated),
        )
        if wake is Wake.IGNORE:
            return "ignored"
        try:
            message = from_slack_event(
                self.event,
                tenant_id=self.tenant_id,
                team_id=self.team_id,
                event_id=self.event_id,
                bot_user_id=self.workspace.bot_user_id,
            )
        except (ValueError, TypeError, AttributeError):
            return "malformed"
        agent = self.workspace.agent_for(channel)
        if agent is None:
            return "no_agent"

        slack = self.slack
        if record.get("done"):
            return "already_answered"
        place = Place(slack, message.channel_id, message.thread_id, feedback_block(agent.id))
        recorded = record.get("ts")
        # Records written before native streaming carry no mode: they are placeholders.
        mode = str(record.get("mode", MODE_PLACEHOLDER))
        reply = resume_reply(place, str(recorded), mode) if recorded else None
        if reply is None:
            # First run of this event (a re-run with a reply already passed these steps).
            if not await self._within_limits(slack, message):
                await self._finish(reply_key)
                return "rate_limited"
            if escalated:
                # Only a mention wakes an escalated thread: people are calling the agent back.
                await self.redis.delete(escalated_key)
            rule = match_escalation(_rules(agent), message.text)
            if rule is not None:
                await self._hand_off(slack, message, agent, rule, reply_key)
                return "escalated"
            reply = await self._open_reply(place, message, reply_key)
        await self._answer(message, agent, reply, reply_key)
        return "answered"

    async def _within_limits(self, slack: AsyncWebClient, message: KonstructMessage) -> bool:
        """Count the message; past a limit, say so once per window and stay out of the model."""
        window = window_start(time.time())
        tenant_key = message_rate_key(self.tenant_id, window)
        channel_key = channel_message_rate_key(self.tenant_id, message.channel_id, window)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(tenant_key)
            pipe.expire(tenant_key, 120)
            pipe.incr(channel_key)
            pipe.expire(channel_key, 120)
            tenant_count, _, channel_count, _ = await pipe.execute()
        limits = self.workspace.limits
        for count, limit in (
            (channel_count, limits.channel_messages_per_minute),
            (tenant_count, limits.tenant_messages_per_minute),
        ):
            if over_limit(count, limit):
                # Only the first message over the limit is told, so the notice is no flood itself.
                if count == limit + 1:
                    await self._post(slack, message, rate_limited_text())
                return False
        return True

    async def _hand_off(
        self,
        slack: AsyncWebClient,
        message: KonstructMessage,
        agent: AgentSummary,
        rule: EscalationRule,
        reply_key: str,
    ) -> None:
        text = handoff_text(rule, agent_name=agent.name)
        await self._post(slack, message, text)
        escalated_key = escalated_thread_key(self.tenant_id, message.channel_id, message.thread_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(escalated_key, 1, ex=self.settings.bridge_escalation_ttl_seconds)
            pipe.delete(engaged_thread_key(self.tenant_id, message.channel_id, message.thread_id))
            await pipe.execute()
        await self._store(message, "user", message.text, None)
        await self._store(message, "assistant", text, agent.id)
        await self._finish(reply_key)

    async def _post(self, slack: AsyncWebClient, message: KonstructMessage, text: str) -> str:
        answer = await slack.chat_postMessage(
            channel=message.channel_id, thread_ts=message.thread_id, text=text
        )
        return str(answer["ts"])

    async def _open_reply(
        self, place: Place, message: KonstructMessage, reply_key: str
    ) -> ThreadReply:
        reply = await open_reply(
            place,
            self.redis,
            stream_off_key=native_stream_off_key(self.tenant_id, self.team_id),
            stream_off_seconds=self.settings.bridge_native_stream_retry_seconds,
            recipient_user_id=message.sender.id,
            recipient_team_id=str(self.event.get("user_team") or self.team_id),
        )
        # Recorded before the model is asked, so a re-run finishes this message instead of
        # posting or streaming another.
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(reply_key, mapping={"ts": reply.ts, "mode": reply.mode})
            pipe.expire(reply_key, REPLY_RECORD_SECONDS)
            await pipe.execute()
        return reply

    async def _answer(
        self,
        message: KonstructMessage,
        agent: AgentSummary,
        reply: ThreadReply,
        reply_key: str,
    ) -> None:
        # One runtime turn in the proxy: it stores the message and the answer, loads the
        # thread, asks the model with the tenant's key (which the bridge never holds), runs
        # the agent's tools; the events show here as they come.
        turn = TurnRequest(
            tenant_id=self.tenant_id,
            agent_id=agent.id,
            agent_name=agent.name,
            message=message,
            event_id=self.event_id,
            bot_user_id=self.workspace.bot_user_id,
        )
        answer = await answer_in_slack(self.api, self.settings, self.redis, reply, turn)
        chunks = reply.parts(answer)
        await reply.finish(chunks[0])
        # Parts already posted by an earlier run of this job are not posted again.
        posted = int((await self.redis.hget(reply_key, "parts")) or 0)
        for index, chunk in enumerate(chunks[1:], start=1):
            if index <= posted:
                continue
            await reply.post_part(chunk)
            await self.redis.hset(reply_key, "parts", index)
        if answer.from_model:
            await self.redis.set(
                engaged_thread_key(self.tenant_id, message.channel_id, message.thread_id),
                1,
                ex=self.settings.bridge_engagement_ttl_seconds,
            )
        await self._finish(reply_key)

    async def _store(self, message: KonstructMessage, role: str, text: str, agent_id: Any) -> None:
        await self.api.store_message(
            self.tenant_id,
            message.channel_id,
            message.thread_id,
            role="user" if role == "user" else "assistant",
            text=text,
            sender_id=message.sender.id if role == "user" else self.workspace.bot_user_id,
            source_event_id=self.event_id,
            agent_id=agent_id,
        )

    async def _finish(self, reply_key: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(reply_key, "done", 1)
            pipe.expire(reply_key, REPLY_RECORD_SECONDS)
            await pipe.execute()
