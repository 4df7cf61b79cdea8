"""`konstruct slack simulate`: the whole Slack path on a laptop, without a Slack app.

Signed events go to the bridge's web process exactly as Slack sends them; the worker
answers through the gateway and posts to SLACK_API_URL, where a local fake Slack Web
API (cli/fake_slack.py) keeps what the agent would have posted, and this prints it.
Redis, RQ, httpx and the fake are imported when a simulation runs, not with the CLI.
"""

import hashlib
import hmac
import json
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.markup import escape

from cli.api import AdminAPI, CliError
from cli.chat import lines
from cli.output import JsonOption, TenantOption, console, friendly, print_json, settings

if TYPE_CHECKING:
    from redis import Redis

    from cli.fake_slack import Call
    from cli.settings import Settings

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SUGGESTED_API_URL = "http://127.0.0.1:3011/api/"
SIMULATED_USER = "USIMUSER"
SIMULATED_BOT = "USIMBOT"


@dataclass
class Exchange:
    """One simulated message and what came of it."""

    text: str
    event_id: str
    outcome: str
    replies: list[str] = field(default_factory=list)


def fake_address(config: "Settings") -> tuple[str, int]:
    """Where the bridge will post (SLACK_API_URL): it must be a local port we can serve."""
    url = urlsplit(config.slack_api_url)
    if url.scheme != "http" or url.hostname not in LOOPBACK or url.port is None:
        raise CliError(
            f"the bridge posts to SLACK_API_URL={config.slack_api_url}, which is no local fake. "
            f"Set SLACK_API_URL={SUGGESTED_API_URL} in .env, restart the bridge and worker "
            "(`make up`), then run this again"
        )
    return url.hostname, url.port


def signing_secret(config: "Settings") -> str:
    secret = config.slack_signing_secret.get_secret_value()
    if not secret:
        raise CliError(
            "SLACK_SIGNING_SECRET is empty, so the bridge refuses every event. Set it in .env "
            "(any value for a local try, your Slack app's for real Slack), restart the bridge "
            "(`make up`), then run this again"
        )
    return secret


def simulated_team(tenant_id: str) -> str:
    """The Slack team id of the workspace a simulation makes for a tenant without one."""
    return f"TSIM{tenant_id.replace('-', '')[:12].upper()}"


def workspace(api: AdminAPI, tenant_id: str, agent_id: str, channel: str) -> tuple[str, str]:
    """The tenant's Slack workspace (made for the simulation if it has none), with `channel`
    answered by the agent. Returns the workspace id and the bot user id."""
    base = f"/admin/tenants/{tenant_id}/slack-connections"
    existing = api.get(base)["items"]
    if not existing:
        made = api.post(
            base,
            {
                "workspace_id": simulated_team(tenant_id),
                "workspace_name": "Simulated workspace",
                # Never used against Slack: the bridge sends it to the local fake only.
                "bot_token": f"xoxb-simulated-{secrets.token_hex(16)}",
                "bot_user_id": SIMULATED_BOT,
                "default_agent_id": agent_id,
                "channel_agents": {channel: agent_id},
            },
        )
        return str(made["workspace_id"]), str(made["bot_user_id"])
    connection = existing[0]
    if connection["status"] != "active":
        raise CliError(
            f"the tenant's Slack connection {connection['workspace_id']} is disabled; enable it "
            "in the portal first"
        )
    if connection["channel_agents"].get(channel) != agent_id:
        # Only the simulated channel changes: the connection's real channels keep their agents.
        agents = {**connection["channel_agents"], channel: agent_id}
        api.patch(f"{base}/{connection['id']}", {"channel_agents": agents})
    return str(connection["workspace_id"]), str(connection["bot_user_id"])


def signed(body: bytes, secret: str) -> dict[str, str]:
    """The headers Slack sends: `v0=` HMAC-SHA256 of `v0:{timestamp}:{raw body}`."""
    timestamp = str(int(time.time()))
    base = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def callback(team_id: str, bot_user_id: str, event: dict[str, Any]) -> tuple[str, bytes]:
    event_id = f"EvSIM{secrets.token_hex(8).upper()}"
    body = {
        "token": "simulated",
        "team_id": team_id,
        "api_app_id": "ASIMULATED",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": bot_user_id, "is_bot": True}],
    }
    return event_id, json.dumps(body).encode()


def wait_outcome(redis: "Redis", event_id: str, timeout: float) -> str:
    """What the worker made of the event (`answered`, `escalated`, `rate_limited`, ...)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from bridge.queue import job_id_for

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            job = Job.fetch(job_id_for(event_id), connection=redis)
        except NoSuchJobError:
            job = None
        if job is not None:
            status = job.get_status()
            if status == "finished":
                return str(job.return_value())
            if status == "failed":
                return "failed (see the worker's log)"
        time.sleep(0.1)
    return f"no answer within {timeout:.0f}s: is the worker (`make worker`) running?"


def show_call(call: "Call") -> None:
    params = call.params
    text = str(params.get("markdown_text") or params.get("text") or params.get("status") or "")
    console.print(f"[dim]  slack ← {escape(f'{call.method}: {text}')}[/dim]", soft_wrap=True)


def messages(given: list[str] | None) -> Iterator[str]:
    if given:
        yield from given
    else:
        yield from lines(sys.stdin.isatty(), "[bold]you>[/bold] ")


@friendly
def simulate(
    ctx: typer.Context,
    tenant: TenantOption,
    message: Annotated[
        list[str] | None,
        typer.Argument(help="Messages to send, in one thread; read from stdin if none."),
    ] = None,
    agent: Annotated[
        str | None, typer.Option("--agent", "-a", help="Agent slug or id; the tenant's default.")
    ] = None,
    channel: Annotated[str, typer.Option(help="The simulated channel's id.")] = "CSIMULATED",
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each answer.")] = 120,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show every Slack API call.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Send signed Slack events to the bridge and print what the agent would post.

    The first message @mentions the agent in a channel; later ones follow up in its
    thread. The bridge's SLACK_API_URL must point at a local port (this serves a fake
    Slack Web API there) and its SLACK_SIGNING_SECRET must be set; both are read from
    .env, as the bridge reads them.
    """
    import httpx
    from redis import Redis
    from redis.exceptions import RedisError

    from cli.fake_slack import FakeSlack
    from policies.tls import http_verify

    config = settings(ctx)
    secret = signing_secret(config)
    host, port = fake_address(config)
    bridge = config.konstruct_bridge_url.rstrip("/")
    verify = http_verify(config.konstruct_tls_ca_file)
    try:
        httpx.get(f"{bridge}/healthz", timeout=5, verify=verify).raise_for_status()
    except httpx.HTTPError as error:
        raise CliError(
            f"the bridge at {bridge} is not healthy ({type(error).__name__}); start it "
            "(`make up`) or set KONSTRUCT_BRIDGE_URL"
        ) from None
    try:
        fake = FakeSlack(host, port, on_call=show_call if verbose and not as_json else None)
    except OSError as error:
        raise CliError(f"cannot serve the fake Slack on {host}:{port}: {error.strerror}") from None
    redis = Redis.from_url(config.redis_url, socket_connect_timeout=5)
    exchanges: list[Exchange] = []
    thread_ts: str | None = None
    try:
        with fake:
            # The fake answers before the connection is made: the proxy checks a new one's
            # token with auth.test at the same SLACK_API_URL (.env), and the fake says the
            # token is the simulated workspace's bot.
            with AdminAPI(config) as api:
                tenant_id = str(api.tenant(tenant)["id"])
                chosen = api.agent(tenant_id, agent)
                fake.team_id = simulated_team(tenant_id)
                team_id, bot_user_id = workspace(api, tenant_id, str(chosen["id"]), channel)
            fake.team_id, fake.bot_user_id = team_id, bot_user_id
            for text in messages(message):
                ts = f"{time.time():.6f}"
                event: dict[str, Any] = {
                    "type": "message" if thread_ts else "app_mention",
                    "user": SIMULATED_USER,
                    "text": text if thread_ts else f"<@{bot_user_id}> {text}",
                    "ts": ts,
                    "event_ts": ts,
                    "channel": channel,
                    "team": team_id,
                }
                if thread_ts:
                    event.update(thread_ts=thread_ts, channel_type="channel")
                event_id, body = callback(team_id, bot_user_id, event)
                # Taken before sending: the worker may post before the bridge's ack is read.
                seen = {m.ts for m in fake.thread(channel, thread_ts or ts)}
                response = httpx.post(
                    f"{bridge}/slack/events",
                    content=body,
                    headers=signed(body, secret),
                    timeout=10,
                    verify=verify,
                )
                if response.status_code != 200:
                    raise CliError(
                        f"the bridge answered {response.status_code} {response.text[:200]!r}: "
                        "does its SLACK_SIGNING_SECRET match this one (both from .env)?"
                    )
                thread_ts = thread_ts or ts
                outcome = wait_outcome(redis, event_id, timeout)
                replies = [m.text for m in fake.thread(channel, thread_ts) if m.ts not in seen]
                exchanges.append(Exchange(text, event_id, outcome, replies))
                if not as_json:
                    show(chosen["name"], exchanges[-1])
    except RedisError as error:
        raise CliError(
            f"cannot read the bridge's queue at REDIS_URL ({type(error).__name__})"
        ) from None
    finally:
        redis.close()
    if as_json:
        print_json([exchange.__dict__ for exchange in exchanges])


def show(name: str, exchange: Exchange) -> None:
    for reply in exchange.replies:
        console.print(f"[bold]{escape(name)}>[/bold] {escape(reply)}", soft_wrap=True)
    if exchange.outcome == "ignored":
        console.print(
            "[dim](bridge: ignored; a follow-up without a mention is answered only within "
            "BRIDGE_ENGAGEMENT_TTL_SECONDS of the agent's last reply)[/dim]",
            soft_wrap=True,
        )
    elif exchange.outcome != "answered":
        console.print(f"[dim]{escape(f'(bridge: {exchange.outcome})')}[/dim]", soft_wrap=True)
