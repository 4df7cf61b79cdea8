"""slack_ack_p99_ms and slack_ack_ratio: how fast the bridge acks Slack events, against bare bolt.

Two servers, each in its own process, served by uvicorn the same way:

- A, baseline: `python -m bench.bare_bolt`, a bare slack-bolt AsyncApp (same signing secret,
  `process_before_response=True`) whose `app_mention` listener just returns.
- B: `python -m bridge.web` against Redis db 14: its shape checks, bolt (which verifies the
  signature), authorize from the process's workspace cache, dedupe and an RQ enqueue before
  the ack.

The web process authorizes every event from its in-memory workspace cache
(`bridge.workspaces.WorkspaceCache`), so a fresh web process asks the proxy's internal API
once per workspace. A real `python -m proxy.serve`
(1 worker, the scratch database, Redis db 14) holds a tenant, an agent and a Slack
connection made through the admin API; it answers the warm-up's lookups and is SIGSTOPped
for the measured rounds (a cache miss there would show up as a stalled request).

Load is open-loop: requests are scheduled at a fixed rate (100/s) and each ack's latency is
measured from its *scheduled* send time, so a stalled server is charged for the queue it
causes (no coordinated omission). Bodies are `event_callback`s with an `app_mention` of the
bot, unique event ids, signed as Slack signs them; 1 % of the slots re-deliver an earlier
event with `X-Slack-Retry-Num`, as Slack does after a slow ack. Both servers run together
but only the one under load runs (the other is SIGSTOPped); the arms alternate in rounds
whose order rotates; slack_ack_ratio is the median over rounds of the per-round p99 ratio
(the pooled one is in the context). Afterwards the bridge's RQ queue must hold exactly one
job per unique event id it was sent (lost 0, duplicates 0), and every request must have been
answered 200.
"""

import asyncio
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import redis as redis_lib
from rq import Queue

from bench.common import (
    BENCH_REDIS_URL,
    MASTER_KEY,
    Child,
    Context,
    Result,
    base_env,
    free_port,
    log,
    median,
    ms,
    percentile,
    result,
    spread,
)
from bench.slack_reply import (
    BOT_USER_ID,
    BRIDGE_KEY,
    SIGNING_SECRET,
    connect_workspace,
    mention_body,
    sign,
    start_fake,
)
from bridge.queue import job_id_for

QUEUE = "konstruct-bridge-bench"
SENTINEL_KEY = "bench:slack_ack:running"
REDELIVER_EVERY = 100  # one slot in this many re-delivers an earlier event
REDELIVER_LAG = 50  # ... the one sent this many slots before
TARGET_P99_MS = 100.0
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Sizes:
    rate: float  # requests per second, open loop
    rounds: int  # interleaved rounds; each arm gets one block per round
    block_seconds: float  # load per arm per round
    warmup_seconds: float  # per arm, before the first round (not recorded)


FULL = Sizes(rate=100, rounds=5, block_seconds=6, warmup_seconds=2)
QUICK = Sizes(rate=100, rounds=1, block_seconds=5, warmup_seconds=1)


@dataclass(frozen=True)
class Delivery:
    event_id: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Arm:
    name: str
    child: Child
    url: str
    latencies: list[float] = field(default_factory=list)  # seconds, from the scheduled time
    round_p99s: list[float] = field(default_factory=list)
    sent: int = 0  # every request, warm-up included; each must be answered 200
    ok: int = 0
    measured: int = 0  # requests in the recorded blocks
    errors: dict[str, int] = field(default_factory=dict)
    event_ids: set[str] = field(default_factory=set)  # every unique id sent, warm-up included
    redelivered: int = 0
    max_send_lag: float = 0.0  # how late the client fired a request (client overload)
    busy_seconds: float = 0.0


# ------------------------------------------------------------------------ requests
def schedule(arm: Arm, team_id: str, label: str, count: int) -> list[Delivery]:
    """`count` signed deliveries; every REDELIVER_EVERY-th re-sends an earlier event."""
    now = int(time.time())
    out: list[Delivery] = []
    for n in range(count):
        if n >= REDELIVER_LAG and n % REDELIVER_EVERY == REDELIVER_EVERY - 1:
            first = out[n - REDELIVER_LAG]
            retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            body = first.body  # Slack re-sends the same payload, signed anew
            out.append(Delivery(first.event_id, body, {**sign(body, now), **retry}))
            arm.redelivered += 1
            continue
        event_id = f"Ev{label}{n:05d}{uuid.uuid4().hex[:8].upper()}"
        ts = f"{now}.{n:06d}"
        body = mention_body(team_id, "CBENCH", ts, event_id, f"benchmark question {n}")
        out.append(Delivery(event_id, body, sign(body, now)))
        arm.event_ids.add(event_id)
    return out


async def _send(
    session: aiohttp.ClientSession, arm: Arm, delivery: Delivery, due: float, record: bool
) -> None:
    try:
        async with session.post(
            f"{arm.url}/slack/events", data=delivery.body, headers=delivery.headers
        ) as resp:
            await resp.read()
            status = str(resp.status)
    except (aiohttp.ClientError, TimeoutError) as exc:
        status = exc.__class__.__name__
    elapsed = time.perf_counter() - due
    arm.sent += 1
    arm.measured += record
    if status == "200":
        arm.ok += 1
        if record:
            arm.latencies.append(elapsed)
    else:
        arm.errors[status] = arm.errors.get(status, 0) + 1


async def open_loop(arm: Arm, deliveries: list[Delivery], rate: float, record: bool) -> list[float]:
    """Fire `deliveries` at `rate`/s whatever the answers do; latencies of this block."""
    before = len(arm.latencies)
    connector = aiohttp.TCPConnector(limit=1000)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = time.perf_counter() + 0.05
        tasks: list[asyncio.Task[None]] = []
        for i, delivery in enumerate(deliveries):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            arm.max_send_lag = max(arm.max_send_lag, time.perf_counter() - due)
            tasks.append(asyncio.create_task(_send(session, arm, delivery, due, record)))
        await asyncio.gather(*tasks)
        if record:
            arm.busy_seconds += time.perf_counter() - start
    return arm.latencies[before:]


def load(
    arm: Arm,
    connection: redis_lib.Redis,
    team_id: str,
    label: str,
    seconds: float,
    rate: float,
    record: bool,
) -> None:
    """Run one block with only this arm's server resumed; the other stays SIGSTOPped."""
    deliveries = schedule(arm, team_id, label, round(seconds * rate))
    if connection.get(SENTINEL_KEY) is None:
        raise RuntimeError(f"someone else flushed the bench Redis ({BENCH_REDIS_URL}) mid-run")
    arm.child.resume()
    try:
        block = asyncio.run(open_loop(arm, deliveries, rate, record))
    finally:
        arm.child.pause()
    if record:
        if not block:
            raise RuntimeError(
                f"{arm.name}: no request of the block answered 200 ({arm.errors}); "
                f"see {arm.child.log_path}"
            )
        arm.round_p99s.append(percentile(block, 99))


# ------------------------------------------------------------------------ processes
def start_bare() -> Arm:
    port = free_port()
    argv = [_python(), "-m", "bench.bare_bolt", "--port", str(port)]
    child = Child("bare-bolt", argv, base_env(SLACK_SIGNING_SECRET=SIGNING_SECRET))
    return Arm("bare_bolt", child, f"http://127.0.0.1:{port}")


def start_bridge(proxy_url: str) -> Arm:
    port = free_port()
    env = base_env(
        REDIS_URL=BENCH_REDIS_URL,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        KONSTRUCT_PROXY_URL=proxy_url,
        KONSTRUCT_BRIDGE_KEY=BRIDGE_KEY,
        KONSTRUCT_BRIDGE_URL=f"http://127.0.0.1:{port}",
        BRIDGE_HOST="127.0.0.1",
        BRIDGE_PORT=str(port),
        BRIDGE_QUEUE=QUEUE,
        SLACK_API_URL="http://127.0.0.1:9/api/",  # never called by the web process on acks
    )
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        env.pop(name, None)
    child = Child("bridge-web", [_python(), "-m", "bridge.web"], env)
    return Arm("bridge", child, f"http://127.0.0.1:{port}")


def _python() -> str:
    return sys.executable


def start_proxy(ctx: Context, slack_api_url: str) -> tuple[Child, str]:
    """`python -m proxy.serve` (1 worker) on the scratch database; no model is ever called.
    Slack (a fake) is asked only to check the workspace's token with auth.test on connect."""
    admin_url, app_url = ctx.scratch_database()
    port = free_port()
    env = base_env(
        PROXY_HOST="127.0.0.1",
        PROXY_PORT=str(port),
        PROXY_WORKERS="1",
        DATABASE_URL=app_url,
        DATABASE_ADMIN_URL=admin_url,
        REDIS_URL=BENCH_REDIS_URL,
        KONSTRUCT_MASTER_KEY=MASTER_KEY,
        KONSTRUCT_BRIDGE_KEY=BRIDGE_KEY,
        OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",
        OPENAI_API_KEY="sk-bench-provider-key",
        SLACK_API_URL=slack_api_url,
    )
    return Child("slack-proxy", [_python(), "-m", "proxy.serve"], env), f"http://127.0.0.1:{port}"


def count_jobs(connection: redis_lib.Redis, expected: set[str]) -> dict[str, int]:
    """Jobs in the bridge queue against the unique event ids it was sent."""
    job_ids = [
        j.decode() if isinstance(j, bytes) else str(j)
        for j in Queue(QUEUE, connection=connection).get_job_ids()
    ]
    wanted = {job_id_for(event_id) for event_id in expected}
    present = set(job_ids)
    return {
        "jobs": len(job_ids),
        "lost": len(wanted - present),
        "duplicates": len(job_ids) - len(present),
        "unexpected": len(present - wanted),
    }


# ------------------------------------------------------------------------ entry point
def _arm_context(arm: Arm, sizes: Sizes) -> dict[str, Any]:
    lat = arm.latencies
    return {
        "p50_ms": ms(median(lat)) if lat else None,
        "p99_ms": ms(percentile(lat, 99)) if lat else None,
        "max_ms": ms(max(lat)) if lat else None,
        "p99_ms_by_round": [ms(x) for x in arm.round_p99s],
        "rate": sizes.rate,
        "achieved_rate": round(arm.measured / arm.busy_seconds, 1) if arm.busy_seconds else None,
        "sent": arm.sent,
        "ok": arm.ok,
        "measured": arm.measured,
        "errors": arm.errors,
        "redelivered": arm.redelivered,
        "max_send_lag_ms": ms(arm.max_send_lag),
    }


def run(ctx: Context) -> list[Result]:
    sizes = QUICK if ctx.quick else FULL
    connection = redis_lib.Redis.from_url(BENCH_REDIS_URL)
    team_id = f"TBENCH{uuid.uuid4().hex[:8].upper()}"
    connection.delete(f"rq:queue:{QUEUE}")
    # Other runs on this machine flush db 14 when they start; this key shows that happened.
    connection.set(SENTINEL_KEY, "1", ex=3600)
    token = f"xoxb-bench-{uuid.uuid4().hex}"
    # The proxy checks the token with auth.test when the workspace is connected.
    slack, slack_url = start_fake(
        "slack", {"tokens": {token: {"team_id": team_id, "bot_user_id": BOT_USER_ID}}}
    )
    try:
        proxy, proxy_url = start_proxy(ctx, f"{slack_url}/api/")
    except BaseException:
        slack.stop()
        raise
    arms: list[Arm] = []
    try:
        arms += [start_bare(), start_bridge(proxy_url)]
        t0 = time.monotonic()
        for arm in arms:
            arm.child.wait_healthy(f"{arm.url}/healthz", timeout=60)
            arm.child.pause()
        proxy.wait_healthy(f"{proxy_url}/healthz", timeout=180)
        connect_workspace(proxy_url, team_id, token, name="Bench Slack")
        # Nothing calls Slack from here on: the fake is stopped so it takes no CPU.
        slack.stop()
        log(f"slack_ack: servers and proxy up in {time.monotonic() - t0:.1f}s")
        for arm in arms:
            # The bridge's first event asks the proxy for the workspace and caches it.
            load(arm, connection, team_id, "W", sizes.warmup_seconds, sizes.rate, False)
        # Pause the proxy too: only a cache miss would need it, and then it would show up.
        proxy.pause()
        for r in range(sizes.rounds):
            shift = r % len(arms)
            for arm in arms[shift:] + arms[:shift]:  # rotate who goes first
                block = (f"R{r}", sizes.block_seconds, sizes.rate, True)
                load(arm, connection, team_id, *block)
            log(
                "slack_ack: round {}/{}: {}".format(
                    r + 1,
                    sizes.rounds,
                    ", ".join(f"{a.name} p99 {ms(a.round_p99s[-1])} ms" for a in arms),
                )
            )
    finally:
        for arm in arms:
            arm.child.stop()
        proxy.stop()
        slack.stop()
    bare, bridge = arms
    try:
        if connection.get(SENTINEL_KEY) is None:
            raise RuntimeError(f"someone else flushed the bench Redis ({BENCH_REDIS_URL}) mid-run")
        jobs = count_jobs(connection, bridge.event_ids)
        connection.delete(SENTINEL_KEY)
    finally:
        connection.close()
    lost = jobs["lost"]  # unique events sent to the bridge that left no job
    log(
        f"slack_ack: bridge sent {bridge.sent}, ok {bridge.ok}, unique events "
        f"{len(bridge.event_ids)}, jobs {jobs['jobs']}, lost {jobs['lost']}, "
        f"duplicates {jobs['duplicates']}"
    )
    if not bridge.latencies or not bare.latencies:
        raise RuntimeError(
            f"no successful acks (bridge errors {bridge.errors}, bare errors {bare.errors}); "
            f"see {bridge.child.log_path} and {bare.child.log_path}"
        )
    p99 = percentile(bridge.latencies, 99)
    bare_p99 = percentile(bare.latencies, 99)
    common: dict[str, Any] = {
        "rounds": sizes.rounds,
        "block_seconds": sizes.block_seconds,
        "method": "open loop at a fixed rate, latency from each request's scheduled send time; "
        "one server runs at a time (the other SIGSTOPped), arms interleaved in rounds whose "
        "order rotates; workspace from a real proxy (paused after the warm-up)",
        "quick": ctx.quick,
    }
    bridge_ctx = _arm_context(bridge, sizes)
    round_ratios = [a / b for a, b in zip(bridge.round_p99s, bare.round_p99s, strict=True)]
    return [
        result(
            "slack_ack_p99_ms",
            ms(p99),
            "ms",
            target=f"<= {TARGET_P99_MS:g}",
            spread={k: ms(v) for k, v in spread(bridge.round_p99s, 6).items()},
            **bridge_ctx,
            unique_events=len(bridge.event_ids),
            jobs=jobs["jobs"],
            lost=lost,
            failed_requests=bridge.sent - bridge.ok,
            duplicates=jobs["duplicates"],
            unexpected_jobs=jobs["unexpected"],
            **common,
        ),
        result(
            "slack_ack_ratio",
            round(median(round_ratios), 4),
            "ratio",
            target=f"<= {TARGET_RATIO:g}",
            what="median over rounds of bridge p99 / bare bolt p99 in the same round",
            ratio_by_round=[round(x, 4) for x in round_ratios],
            spread=spread(round_ratios),
            ratio_pooled=round(p99 / bare_p99, 4),
            bridge_p99_ms=ms(p99),
            bare_bolt_p99_ms=ms(bare_p99),
            bare_bolt=_arm_context(bare, sizes),
            bridge={k: bridge_ctx[k] for k in ("p50_ms", "p99_ms", "max_ms", "sent", "ok")},
            lost=lost,
            failed_requests=bridge.sent - bridge.ok + bare.sent - bare.ok,
            duplicates=jobs["duplicates"],
            **common,
        ),
    ]
