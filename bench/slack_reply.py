"""slack_first_status_ms_p95, slack_first_token_overhead_ms_p95, bridge_cpu_ms_per_message:
what answering a Slack message costs the bridge, end to end through the real proxy.

Processes, each of its own: a fake Ollama (the `konstruct-fast` group's first provider)
that answers every stream after a fixed time to first token (`delay_seconds`, 200 ms), a
fake Slack Web API (`tests.fakes.slack`, strict: it knows only the connection's token),
`python -m proxy.serve` (1 worker, or KONSTRUCT_BENCH_PROXY_WORKERS; the scratch database and
Redis database of bench/common.py), `python -m bridge.web`
and `python -m bridge.worker`. A tenant with an agent, message limits high enough never to
trip, and a Slack connection is made through the admin API.

Each round sends C signed `app_mention` callbacks at once, one per conversation (its own
channel, seeded in the fake Slack), and waits until every job finished. From the fake
Slack's record of calls (its receive time, same clock):

- first status: the first answered `assistant.threads.setStatus`, `chat.startStream` or
  `chat.postMessage` in the conversation, minus the time the event was sent;
- first token: the first call that puts answer text in Slack (`chat.appendStream`,
  `chat.stopStream` with text, `chat.update` or `chat.postMessage` with other text than the
  placeholder), minus the send time, minus the provider's fixed time to first token.

CPU: utime + stime (+ waited-for children: RQ's forked work horses, where there are any)
of the web and worker processes from /proc over the measured rounds, divided by the
messages answered in them; the proxy's CPU (with its worker processes) per message is in
the context too, since the proxy's share decides both wall times. A warm-up round (not
measured) comes first. CPU time is far less sensitive than wall time to other load on the
machine, wall times are not: the context carries the load average before and after the
measured rounds.
"""

import asyncio
import hashlib
import hmac
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
import redis as redis_lib
from rq.job import Job

from bench.common import (
    BENCH_REDIS_URL,
    MASTER_KEY,
    RUN_DIR,
    Child,
    Context,
    Result,
    base_env,
    create_tenant_with_agent,
    free_port,
    log,
    median,
    ms,
    percentile,
    result,
    spread,
)
from bridge.queue import job_id_for

SIGNING_SECRET = "bench-slack-signing-secret-not-for-production"
BRIDGE_KEY = "bench-bridge-key-not-for-production"
BOT_USER_ID = "UBENCHBOT"
PROVIDER_TTFT_SECONDS = 0.2
THINKING = "Thinking..."
STATUS_METHODS = ("assistant.threads.setStatus", "chat.startStream", "chat.postMessage")
TARGET_FIRST_STATUS_MS = 150.0
TARGET_FIRST_TOKEN_OVERHEAD_MS = 150.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROXY_WORKERS = int(os.environ.get("KONSTRUCT_BENCH_PROXY_WORKERS", "1"))


@dataclass(frozen=True)
class Sizes:
    concurrency: tuple[int, ...]
    rounds: int  # measured rounds per concurrency


FULL = Sizes(concurrency=(10, 50), rounds=3)
QUICK = Sizes(concurrency=(10, 50), rounds=1)


@dataclass
class Figures:
    first_status: list[float] = field(default_factory=list)  # seconds
    first_token_overhead: list[float] = field(default_factory=list)
    round_status_p95: list[float] = field(default_factory=list)
    round_token_p95: list[float] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)


def sign(body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's headers: `v0=` HMAC-SHA256 of `v0:{ts}:{raw body}` with the signing secret
    (`timestamp`: now, unless given)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:".encode() + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/json",
    }


def mention_body(
    team_id: str,
    channel: str,
    ts: str,
    event_id: str,
    question: str = "what are your opening hours?",
) -> bytes:
    """An `app_mention` event callback as Slack sends it (the ack benchmark's too)."""
    text = f"<@{BOT_USER_ID}> {question}"
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "ABENCHAPP",
            "event": {
                "type": "app_mention",
                "user": "UBENCHUSER",
                "text": text,
                "ts": ts,
                "channel": channel,
                "event_ts": ts,
                "team": team_id,
            },
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        },
        separators=(",", ":"),
    ).encode()


# ------------------------------------------------------------------------ processes
def _python() -> str:
    return sys.executable


def start_fake(kind: str, script: dict[str, Any]) -> tuple[Child, str]:
    ready = RUN_DIR / f"fake-{kind}-{uuid.uuid4().hex[:8]}.port"
    argv = [_python(), "-m", f"tests.fakes.{kind}", "--port", "0", "--ready-file", str(ready)]
    child = Child(f"reply-fake-{kind}", [*argv, "--script", json.dumps(script)], base_env())
    deadline = time.monotonic() + 30
    while not ready.exists():
        if child.proc.poll() is not None or time.monotonic() > deadline:
            child.stop()
            raise RuntimeError(f"fake {kind} did not start; see {child.log_path}")
        time.sleep(0.05)
    port = int(ready.read_text().strip())
    ready.unlink()
    return child, f"http://127.0.0.1:{port}"


def start_proxy(ctx: Context, ollama_url: str, slack_api_url: str) -> tuple[Child, str]:
    admin_url, app_url = ctx.scratch_database()
    port = free_port()
    closed = f"http://127.0.0.1:{free_port()}"  # fallbacks fail at once if ever reached
    env = base_env(
        PROXY_HOST="127.0.0.1",
        PROXY_PORT=str(port),
        PROXY_WORKERS=str(PROXY_WORKERS),
        DATABASE_URL=app_url,
        DATABASE_ADMIN_URL=admin_url,
        REDIS_URL=BENCH_REDIS_URL,
        KONSTRUCT_MASTER_KEY=MASTER_KEY,
        KONSTRUCT_BRIDGE_KEY=BRIDGE_KEY,
        OLLAMA_BASE_URL=ollama_url,
        OPENAI_BASE_URL=f"{closed}/v1",
        OPENAI_API_KEY="sk-bench-provider-key",
        ANTHROPIC_BASE_URL=closed,
        ANTHROPIC_API_KEY="sk-ant-bench-provider-key",
        SLACK_API_URL=slack_api_url,
    )
    child = Child("reply-proxy", [_python(), "-m", "proxy.serve"], env)
    return child, f"http://127.0.0.1:{port}"


def bridge_env(proxy_url: str, slack_api_url: str, port: int, queue: str) -> dict[str, str]:
    return base_env(
        REDIS_URL=BENCH_REDIS_URL,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_api_url,
        KONSTRUCT_PROXY_URL=proxy_url,
        KONSTRUCT_BRIDGE_KEY=BRIDGE_KEY,
        KONSTRUCT_BRIDGE_URL=f"http://127.0.0.1:{port}",
        BRIDGE_HOST="127.0.0.1",
        BRIDGE_PORT=str(port),
        BRIDGE_QUEUE=queue,
    )


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as stat:
        # The command name may hold spaces; the fields after it are space-separated.
        return stat.read().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process and of its waited-for children."""
    return sum(int(value) for value in _stat(pid)[11:15]) / CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    """cpu_seconds of the process and of every live descendant (the proxy's uvicorn workers
    are child processes when there are several)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat(int(entry))[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {pid}, True
    while grew:
        found = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    total = 0.0
    for member in tree:
        try:
            total += cpu_seconds(member)
        except OSError:  # ended meanwhile: its time is in its parent's waited-for children
            continue
    return total


def connect_workspace(
    proxy_url: str, team_id: str, token: str, name: str = "Bench Slack replies"
) -> None:
    """A tenant, an agent and a Slack connection for `team_id` (a token the fake Slack
    issued), through the admin API; message limits out of the way."""
    headers = {"Authorization": f"Bearer {MASTER_KEY}"}
    with httpx.Client(base_url=proxy_url, headers=headers, timeout=60) as admin:
        tid, agent_id = create_tenant_with_agent(admin, name)
        limits = admin.put(
            f"/admin/tenants/{tid}/limits",
            json={"tenant_messages_per_minute": 100_000, "channel_messages_per_minute": 100_000},
        )
        limits.raise_for_status()
        made = admin.post(
            f"/admin/tenants/{tid}/slack-connections",
            json={
                "workspace_id": team_id,
                "workspace_name": "Bench workspace",
                "bot_token": token,
                "bot_user_id": BOT_USER_ID,
                "default_agent_id": agent_id,
            },
        )
        made.raise_for_status()


# ------------------------------------------------------------------------ one round
def seed(slack_url: str, team_id: str, label: str, count: int) -> list[tuple[str, str]]:
    """`count` conversations: (channel, ts of the person's message) seeded in the fake."""
    out = []
    with httpx.Client(base_url=slack_url, timeout=30) as client:
        for n in range(count):
            channel = f"C{label}{n:03d}{uuid.uuid4().hex[:6].upper()}"
            seeded = client.post(
                "/_fake/message",
                json={
                    "channel": channel,
                    "text": "question",
                    "user": "UBENCHUSER",
                    "team_id": team_id,
                },
            )
            seeded.raise_for_status()
            out.append((channel, str(seeded.json()["ts"])))
    return out


async def _deliver(web_url: str, bodies: list[tuple[str, bytes]]) -> dict[str, float]:
    """Send every body at once; the time each was sent, by channel."""
    sent: dict[str, float] = {}
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(channel: str, body: bytes) -> None:
            headers = sign(body)
            sent[channel] = time.time()
            async with session.post(f"{web_url}/slack/events", data=body, headers=headers) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError(f"the bridge answered {r.status} to an event")

        await asyncio.gather(*(one(channel, body) for channel, body in bodies))
    return sent


def wait_jobs(connection: redis_lib.Redis, event_ids: list[str], timeout: float) -> list[str]:
    """Each job's outcome, once all finished. One pipelined look at every pending job a
    tenth of a second: the bench's own polling shares the 2 cores with what it measures."""
    deadline = time.monotonic() + timeout
    pending = set(event_ids)
    outcomes: dict[str, str] = {}
    while pending and time.monotonic() < deadline:
        waiting = sorted(pending)
        jobs = Job.fetch_many([job_id_for(e) for e in waiting], connection=connection)
        for event_id, job in zip(waiting, jobs, strict=True):
            status = job.get_status(refresh=False) if job is not None else None
            if job is not None and status == "finished":
                outcomes[event_id] = str(job.return_value())
                pending.discard(event_id)
            elif status == "failed":
                outcomes[event_id] = "failed"
                pending.discard(event_id)
        time.sleep(0.1)
    if pending:
        raise RuntimeError(f"{len(pending)} jobs did not finish within {timeout:.0f}s")
    return [outcomes[event_id] for event_id in event_ids]


def _channel_of(call: dict[str, Any]) -> str:
    params = call.get("params") or {}
    return str(params.get("channel") or params.get("channel_id") or "")


def _has_answer_text(call: dict[str, Any]) -> bool:
    params = call.get("params") or {}
    method = call["method"]
    text = params.get("markdown_text") or params.get("text") or ""
    if method == "chat.appendStream":
        return bool(text)
    if method == "chat.stopStream":
        return bool(text)
    if method in ("chat.update", "chat.postMessage"):
        return bool(text) and text != THINKING
    return False


def first_times(
    calls: list[dict[str, Any]], channels: set[str]
) -> tuple[dict[str, float], dict[str, float]]:
    status: dict[str, float] = {}
    token: dict[str, float] = {}
    for call in sorted(calls, key=lambda c: c["time"]):
        channel = _channel_of(call)
        if channel not in channels or not (call.get("response") or {}).get("ok"):
            continue
        if call["method"] in STATUS_METHODS:
            status.setdefault(channel, call["time"])
        if _has_answer_text(call):
            token.setdefault(channel, call["time"])
    return status, token


def one_round(
    web_url: str,
    slack_url: str,
    connection: redis_lib.Redis,
    team_id: str,
    label: str,
    concurrency: int,
    figures: Figures | None,
) -> int:
    """One round of `concurrency` conversations; returns how many were answered."""
    conversations = seed(slack_url, team_id, label, concurrency)
    bodies, event_ids = [], []
    for channel, ts in conversations:
        event_id = f"Ev{label}{uuid.uuid4().hex[:12].upper()}"
        event_ids.append(event_id)
        bodies.append((channel, mention_body(team_id, channel, ts, event_id)))
    sent = asyncio.run(_deliver(web_url, bodies))
    outcomes = wait_jobs(connection, event_ids, timeout=120 + concurrency * 2)
    with httpx.Client(base_url=slack_url, timeout=30) as client:
        calls = client.get("/_fake/calls").json()
    answered = outcomes.count("answered")
    if figures is None:
        return answered
    for outcome in outcomes:
        figures.outcomes[outcome] = figures.outcomes.get(outcome, 0) + 1
    status, token = first_times(calls, set(sent))
    round_status = [status[c] - sent[c] for c in sent if c in status]
    round_token = [token[c] - sent[c] - PROVIDER_TTFT_SECONDS for c in sent if c in token]
    if len(round_status) < len(sent) or len(round_token) < len(sent):
        raise RuntimeError(
            f"{len(sent) - len(round_status)} conversations showed no status and "
            f"{len(sent) - len(round_token)} no answer text (outcomes {outcomes})"
        )
    figures.first_status += round_status
    figures.first_token_overhead += round_token
    figures.round_status_p95.append(percentile(round_status, 95))
    figures.round_token_p95.append(percentile(round_token, 95))
    return answered


# ------------------------------------------------------------------------ entry point
def run(ctx: Context) -> list[Result]:
    sizes = QUICK if ctx.quick else FULL
    team_id = f"TREPLY{uuid.uuid4().hex[:8].upper()}"
    token = f"xoxb-bench-{uuid.uuid4().hex}"
    queue = f"konstruct-bridge-bench-reply-{uuid.uuid4().hex[:6]}"
    connection = redis_lib.Redis.from_url(BENCH_REDIS_URL)
    children: list[Child] = []
    try:
        ollama, ollama_url = start_fake("ollama", {"delay_seconds": PROVIDER_TTFT_SECONDS})
        children.append(ollama)
        slack, slack_url = start_fake(
            "slack",
            {
                "tokens": {token: {"team_id": team_id, "bot_user_id": BOT_USER_ID}},
                # The bench is about the bridge's cost, not Slack's posting limit.
                "post_message_burst": None,
            },
        )
        children.append(slack)
        slack_api = f"{slack_url}/api/"
        proxy, proxy_url = start_proxy(ctx, ollama_url, slack_api)
        children.append(proxy)
        port = free_port()
        env = bridge_env(proxy_url, slack_api, port, queue)
        web = Child("reply-bridge-web", [_python(), "-m", "bridge.web"], env)
        children.append(web)
        worker = Child("reply-bridge-worker", [_python(), "-m", "bridge.worker"], env)
        children.append(worker)
        t0 = time.monotonic()
        proxy.wait_healthy(f"{proxy_url}/healthz", timeout=300)
        web_url = f"http://127.0.0.1:{port}"
        web.wait_healthy(f"{web_url}/healthz", timeout=60)
        connect_workspace(proxy_url, team_id, token)
        log(f"slack_reply: stack up in {time.monotonic() - t0:.1f}s")
        one_round(web_url, slack_url, connection, team_id, "W", 10, None)

        figures = {c: Figures() for c in sizes.concurrency}
        answered = 0
        cpu_before = cpu_seconds(web.proc.pid) + cpu_seconds(worker.proc.pid)
        proxy_cpu_before = tree_cpu_seconds(proxy.proc.pid)
        load_before = os.getloadavg()
        wall_before = time.monotonic()
        for r in range(sizes.rounds):
            for concurrency in sizes.concurrency:
                label = f"R{r}X{concurrency}"
                answered += one_round(
                    web_url,
                    slack_url,
                    connection,
                    team_id,
                    label,
                    concurrency,
                    figures[concurrency],
                )
                f = figures[concurrency]
                log(
                    f"slack_reply: round {r + 1}/{sizes.rounds} x{concurrency}: first status "
                    f"p95 {ms(f.round_status_p95[-1])} ms, first token overhead p95 "
                    f"{ms(f.round_token_p95[-1])} ms"
                )
        cpu = cpu_seconds(web.proc.pid) + cpu_seconds(worker.proc.pid) - cpu_before
        proxy_cpu = tree_cpu_seconds(proxy.proc.pid) - proxy_cpu_before
        wall = time.monotonic() - wall_before
    finally:
        for child in reversed(children):
            child.stop()
        connection.close()
    if answered == 0:
        raise RuntimeError("no message was answered")
    load = os.getloadavg()
    common: dict[str, Any] = {
        "proxy_workers": PROXY_WORKERS,
        "loadavg_1_5_15_before": [round(x, 2) for x in load_before],
        "rounds": sizes.rounds,
        "concurrency": list(sizes.concurrency),
        "provider_ttft_ms": ms(PROVIDER_TTFT_SECONDS),
        "loadavg_1_5_15": [round(x, 2) for x in load],
        "quick": ctx.quick,
    }

    def by_concurrency(pick: str) -> dict[str, Any]:
        out = {}
        for concurrency, f in figures.items():
            samples = getattr(f, pick)
            out[str(concurrency)] = {
                "p50_ms": ms(median(samples)),
                "p95_ms": ms(percentile(samples, 95)),
                "max_ms": ms(max(samples)),
            }
        return out

    def worst_p95(pick: str) -> float:
        return max(percentile(getattr(f, pick), 95) for f in figures.values())

    def rounds_of(pick: str) -> list[float]:
        return [x for f in figures.values() for x in getattr(f, pick)]

    outcomes: dict[str, int] = {}
    for f in figures.values():
        for name, count in f.outcomes.items():
            outcomes[name] = outcomes.get(name, 0) + count
    return [
        result(
            "slack_first_status_ms_p95",
            ms(worst_p95("first_status")),
            "ms",
            target=f"<= {TARGET_FIRST_STATUS_MS:g}",
            what="event sent -> first status or stream call in Slack; p95 of the worse concurrency",
            by_concurrency=by_concurrency("first_status"),
            spread={k: ms(v) for k, v in spread(rounds_of("round_status_p95"), 6).items()},
            **common,
        ),
        result(
            "slack_first_token_overhead_ms_p95",
            ms(worst_p95("first_token_overhead")),
            "ms",
            target=f"<= {TARGET_FIRST_TOKEN_OVERHEAD_MS:g}",
            what="event sent -> first answer text in Slack, minus the provider's time to "
            "first token; p95 of the worse concurrency",
            by_concurrency=by_concurrency("first_token_overhead"),
            spread={k: ms(v) for k, v in spread(rounds_of("round_token_p95"), 6).items()},
            **common,
        ),
        result(
            "bridge_cpu_ms_per_message",
            round(cpu * 1000 / answered, 2),
            "ms",
            what="CPU of bridge web + worker (with forked work horses) per answered message",
            answered=answered,
            outcomes=outcomes,
            cpu_seconds=round(cpu, 3),
            # The proxy's share (agent runtime and gateway), for where the time goes.
            proxy_cpu_ms_per_message=round(proxy_cpu * 1000 / answered, 2),
            wall_seconds=round(wall, 1),
            **common,
        ),
    ]
