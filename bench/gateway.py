"""The gateway against bare LiteLLM and against Portkey's open-source gateway.

gateway_throughput_ratio and gateway_added_ms_p50 compare Konstruct's proxy with bare
LiteLLM; gateway_vs_portkey_rps_ratio and gateway_vs_portkey_latency_ratio with Portkey's
gateway, a real alternative a user would consider (no target: it is what building on
LiteLLM costs). The two proxies serve the same `konstruct-fast` deployment
(openai/gpt-4o-mini, max_retries 0) pointing at one fake OpenAI server (a standalone
process, zero delay), with the same worker count and the same router settings; Portkey
forwards to the same fake:

- A, baseline: LiteLLM's own app (`uvicorn litellm.proxy.proxy_server:app`) with a config
  derived from ours minus everything Konstruct adds: no custom auth, no callbacks, no
  coordination Redis, no database; the master key authenticates.
- B: `python -m proxy.serve` with only OPENAI_* configured; a tenant, an agent and a key
  (rpm 1,000,000) made through the admin API; requests carry the tenant key and the
  `X-Konstruct-Agent` header, so custom auth, persona, usage logging and the limiter run.
- C: Portkey's gateway (`bench/portkey.py`: `@portkey-ai/gateway`, pinned, one Node
  process), told per request to use provider `openai` at the fake's URL.

Every arm is started once; only the one under load runs, the others are SIGSTOPped (2
cores). Rounds rotate the order (A B C, B C A, ...). In an arm's turn, latency first: 100
serial requests on one kept-alive connection, once the resumed arm has settled, with the
`x-litellm-overhead-duration-ms` header of each answer (LiteLLM's arms); then throughput: a
fixed number of requests at concurrency 20. Both after a warm-up. Every time is the client's
wall clock. `gateway_added_ms_p50`'s spread is over the rounds' p50 differences (100 calls
per p50: a p50 of fewer moved by milliseconds from round to round).

`gateway_throughput_ratio` is requests/s over every measured block of each arm (total
requests / total seconds), i.e. each proxy's sustained throughput, stalls included. A bare
LiteLLM worker stops for a full garbage collection of its ~800,000 start-up objects (about
0.4 s) every ~750 model calls here, about a tenth of its time; Konstruct's workers freeze
that heap (proxy/gateway/app.py), so such stalls are not part of its cost. The blocks are long
(4,800 requests per arm in all) so that the stalls land in the measurement at their real
rate. The median of the per-round ratios is reported too (`ratio_median_of_rounds`): it
mostly drops the rounds in which bare LiteLLM stalled, so it shows the per-call cost of
what Konstruct adds when neither proxy is collecting.
"""

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import yaml

from bench import portkey
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
    summary_ms,
)

MODEL = "konstruct-fast"
BODY = {"model": MODEL, "messages": [{"role": "user", "content": "Hello, who are you?"}]}
# Portkey passes the model through: the one LiteLLM's konstruct-fast deployment asks for.
PORTKEY_BODY = {**BODY, "model": "gpt-4o-mini"}
CONCURRENCY = 20
PROVIDER_KEY = "sk-bench-provider-key"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sizes:
    rounds: int  # interleaved rounds; each arm gets one throughput and one serial block
    warmup: int  # per arm, before the first round, at CONCURRENCY (not recorded)
    block_requests: int  # throughput block, at CONCURRENCY
    serial_warmup: int  # per arm, serial, before the first round (not recorded)
    serial_block: int  # serial block


FULL = Sizes(rounds=12, warmup=200, block_requests=400, serial_warmup=20, serial_block=100)
QUICK = Sizes(rounds=2, warmup=20, block_requests=50, serial_warmup=10, serial_block=20)


@dataclass
class Target:
    name: str
    child: Child
    url: str
    headers: dict[str, str]
    body: dict[str, Any]
    throughput: list[float] = field(default_factory=list)  # req/s of each block
    requests: int = 0
    busy_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    overhead_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # the proxy's processes' CPU over the throughput blocks


def group_cpu_seconds(pgid: int) -> dict[int, float]:
    """utime + stime of every live process in the process group `pgid`, by pid (/proc)."""
    found: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                raw = stat.read()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


# ------------------------------------------------------------------------ processes
def start_fake() -> tuple[Child, str]:
    ready = RUN_DIR / f"fake-openai-{uuid.uuid4().hex[:8]}.port"
    argv = [
        *_python(),
        "-m",
        "tests.fakes.openai",
        "--port",
        "0",
        "--ready-file",
        str(ready),
    ]
    child = Child("fake-openai", argv, base_env())
    deadline = time.monotonic() + 20
    while not ready.exists():
        if child.proc.poll() is not None or time.monotonic() > deadline:
            child.stop()
            raise RuntimeError(f"fake OpenAI did not start; see {child.log_path}")
        time.sleep(0.05)
    port = int(ready.read_text().strip())
    ready.unlink()
    return child, f"http://127.0.0.1:{port}"


def _python() -> list[str]:
    return [sys.executable]


def provider_env(fake_url: str) -> dict[str, str]:
    return {"OPENAI_BASE_URL": f"{fake_url}/v1", "OPENAI_API_KEY": PROVIDER_KEY}


def bare_config(fake_url: str, target: Path) -> Path:
    """Our resolved config (OpenAI deployments only) minus everything Konstruct adds."""
    from proxy.gateway.config import SOURCE, resolve

    config = resolve(yaml.safe_load(SOURCE.read_text()), provider_env(fake_url))
    litellm_settings = {
        k: v
        for k, v in config.get("litellm_settings", {}).items()
        if k not in ("callbacks", "enable_post_custom_auth_checks")
    }
    bare = {
        "model_list": config["model_list"],
        "router_settings": config.get("router_settings", {}),
        "litellm_settings": litellm_settings,
        "general_settings": {"master_key": "os.environ/LITELLM_MASTER_KEY"},
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(bare, sort_keys=False))
    return target


def start_bare(fake_url: str, workers: int) -> tuple[Child, str]:
    port = free_port()
    config = bare_config(fake_url, RUN_DIR / f"bare-litellm-{workers}w.yaml")
    env = base_env(
        LITELLM_MASTER_KEY=MASTER_KEY, CONFIG_FILE_PATH=str(config), **provider_env(fake_url)
    )
    argv = [
        *_python(),
        "-m",
        "uvicorn",
        "litellm.proxy.proxy_server:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return Child(f"bare-litellm-{workers}w", argv, env), f"http://127.0.0.1:{port}"


def start_konstruct(
    fake_url: str, workers: int, app_url: str, admin_url: str, variant: str = ""
) -> tuple[Child, str]:
    port = free_port()
    env = base_env(
        PROXY_PORT=str(port),
        PROXY_WORKERS=str(workers),
        DATABASE_URL=app_url,
        DATABASE_ADMIN_URL=admin_url,
        REDIS_URL=BENCH_REDIS_URL,
        KONSTRUCT_MASTER_KEY=MASTER_KEY,
        **provider_env(fake_url),
    )
    if variant:
        argv = [*_python(), "-m", "bench.konstruct_variant", variant]
        name = f"konstruct-{variant}"
    else:
        argv = [*_python(), "-m", "proxy.serve"]
        name = "konstruct"
    child = Child(f"{name}-{workers}w", argv, env)
    return child, f"http://127.0.0.1:{port}"


def make_tenant(url: str) -> tuple[str, str]:
    """A tenant, an agent and a high-rpm key through the admin API: (key, agent id)."""
    headers = {"Authorization": f"Bearer {MASTER_KEY}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as admin:
        tid, agent_id = create_tenant_with_agent(admin, "Bench Gateway")
        key = admin.post(
            f"/admin/tenants/{tid}/keys", json={"name": "bench", "rpm_limit": 1_000_000}
        )
        key.raise_for_status()
    return key.json()["secret"], agent_id


# ------------------------------------------------------------------------ load
async def _one(session: aiohttp.ClientSession, target: Target) -> tuple[float, float | None]:
    t0 = time.perf_counter()
    async with session.post(
        f"{target.url}/v1/chat/completions", json=target.body, headers=target.headers
    ) as resp:
        payload = await resp.read()
        elapsed = time.perf_counter() - t0
        if resp.status != 200:
            target.errors[str(resp.status)] = target.errors.get(str(resp.status), 0) + 1
            raise RuntimeError(f"{target.name}: HTTP {resp.status}: {payload[:300]!r}")
        overhead = resp.headers.get("x-litellm-overhead-duration-ms")
    try:
        over = float(overhead) if overhead not in (None, "None") else None
    except ValueError:
        over = None
    json.loads(payload)  # a full, parseable answer, as a client would need
    return elapsed, over


async def throughput(target: Target, requests: int) -> tuple[int, float]:
    """(requests, seconds) for `requests` calls kept CONCURRENCY in flight."""
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        remaining = [requests]

        async def worker() -> None:
            while remaining[0] > 0:
                remaining[0] -= 1
                await _one(session, target)

        # Open the connections first, so the timed block measures requests only.
        await asyncio.gather(*(_one(session, target) for _ in range(CONCURRENCY)))
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return requests, time.perf_counter() - t0


async def serial(target: Target, requests: int, record: bool = True) -> None:
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:
        await _one(session, target)  # open the connection
        for _ in range(requests):
            elapsed, over = await _one(session, target)
            if record:
                target.latencies.append(elapsed)
                if over is not None:
                    target.overhead_ms.append(over)


# After an arm is resumed, before its serial block: timers and writes its pause held back.
SETTLE_SECONDS = 0.3

# Where each arm answers 200 once it serves; Konstruct's proxies answer on /healthz.
HEALTH = {"bare_litellm": "/health/liveliness", "portkey": "/"}


def with_only(target: Target, work: Callable[[], None]) -> None:
    """Run `work` with this arm resumed; every other arm stays SIGSTOPped."""
    target.child.resume()
    try:
        work()
    finally:
        target.child.pause()


def warm_up(target: Target, sizes: Sizes) -> None:
    def work() -> None:
        asyncio.run(throughput(target, sizes.warmup))
        asyncio.run(serial(target, sizes.serial_warmup, record=False))

    with_only(target, work)


def measure_block(target: Target, sizes: Sizes) -> None:
    """The serial block first, once the resumed arm has run what its pause held back (so it
    times calls, not the tail of this arm's own burst), then the throughput block."""

    def work() -> None:
        time.sleep(SETTLE_SECONDS)
        asyncio.run(serial(target, sizes.serial_block))
        cpu_before = sum(group_cpu_seconds(target.child.proc.pid).values())
        done, seconds = asyncio.run(throughput(target, sizes.block_requests))
        target.cpu_seconds += sum(group_cpu_seconds(target.child.proc.pid).values()) - cpu_before
        target.throughput.append(done / seconds)
        target.requests += done
        target.busy_seconds += seconds

    with_only(target, work)


# ------------------------------------------------------------------------ entry point
def compare(ctx: Context, workers: int, sizes: Sizes, fake_url: str) -> dict[str, Target]:
    """Start every arm together, then load one at a time (the others SIGSTOPped)."""
    admin_url, app_url = ctx.scratch_database()
    children: dict[str, tuple[Child, str]] = {}
    try:
        if workers == 1:  # Portkey's gateway is one Node process
            children["portkey"] = portkey.start()
        children["bare_litellm"] = start_bare(fake_url, workers)
        children["konstruct"] = start_konstruct(fake_url, workers, app_url, admin_url)
        for variant in ctx.variants if workers == 1 else ():
            children[f"konstruct_{variant}"] = start_konstruct(
                fake_url, workers, app_url, admin_url, variant=variant
            )
        t0 = time.monotonic()
        for name, (child, url) in children.items():
            child.wait_healthy(url + HEALTH.get(name, "/healthz"), timeout=240)
        log(
            f"gateway: {workers} worker(s): {len(children)} proxies up in "
            f"{time.monotonic() - t0:.1f}s (started together)"
        )
        targets: dict[str, Target] = {}
        for name, (child, url) in children.items():
            if name == "bare_litellm":
                headers = {"Authorization": f"Bearer {MASTER_KEY}"}
            elif name == "portkey":
                headers = portkey.headers(fake_url, PROVIDER_KEY)
            else:
                key, agent_id = make_tenant(url)
                headers = {"Authorization": f"Bearer {key}", "X-Konstruct-Agent": agent_id}
            body = PORTKEY_BODY if name == "portkey" else BODY
            targets[name] = Target(name, child, url, headers, body)
            child.pause()
        order = list(targets.values())
        for target in order:
            warm_up(target, sizes)
        for r in range(sizes.rounds):
            shift = r % len(order)
            for target in order[shift:] + order[:shift]:  # rotate who goes first
                measure_block(target, sizes)
            log(
                "gateway: round {}/{}: {}".format(
                    r + 1,
                    sizes.rounds,
                    ", ".join(f"{t.name} {t.throughput[-1]:.1f} req/s" for t in order),
                )
            )
        return targets
    finally:
        for child, _ in children.values():
            child.stop()


def _latency_context(target: Target) -> dict[str, Any]:
    return {
        **summary_ms(target.latencies),
        "overhead_header_p50_ms": _p50(target.overhead_ms),
        "overhead_header_p99_ms": _p99(target.overhead_ms),
        "rps": round(target.requests / target.busy_seconds, 1),
        "cpu_ms_per_call": _cpu_ms_per_call(target),
        "rps_by_round": [round(x, 1) for x in target.throughput],
        "errors": target.errors,
    }


def _cpu_ms_per_call(target: Target) -> float:
    """CPU of the proxy's processes per call over the throughput blocks (/proc): far less
    moved by other work on the machine than wall-clock figures."""
    return round(target.cpu_seconds * 1000 / target.requests, 3)


def _block_p50s(target: Target, block: int) -> list[float]:
    lat = target.latencies
    return [median(lat[i : i + block]) for i in range(0, len(lat), block)]


def _versus(arm: Target, bare: Target, sizes: Sizes) -> dict[str, Any]:
    """Throughput ratio, added p50 and p50 ratio of `arm` against the baseline `bare`."""
    ratios = [a / b for b, a in zip(bare.throughput, arm.throughput, strict=True)]
    p50s = zip(
        _block_p50s(bare, sizes.serial_block), _block_p50s(arm, sizes.serial_block), strict=True
    )
    added, latency_ratios = zip(*((a - b, a / b) for b, a in p50s), strict=True)
    return {
        "throughput_ratio": (arm.requests / arm.busy_seconds) / (bare.requests / bare.busy_seconds),
        "throughput_ratio_by_round": [round(r, 4) for r in ratios],
        "throughput_ratio_median_of_rounds": median(ratios),
        "throughput_ratio_spread": spread(ratios),
        "added_ms_p50": median(arm.latencies) - median(bare.latencies),
        "added_ms_p50_by_round": [ms(x) for x in added],
        "added_ms_p50_spread": spread([ms(x) for x in added], 3),
        "latency_ratio_p50": median(arm.latencies) / median(bare.latencies),
        "latency_ratio_by_round": [round(r, 4) for r in latency_ratios],
        "latency_ratio_spread": spread(latency_ratios),
    }


def run(ctx: Context) -> list[Result]:
    sizes = QUICK if ctx.quick else FULL
    load_at_start = round(os.getloadavg()[0], 2)
    fake, fake_url = start_fake()
    try:
        targets = compare(ctx, 1, sizes, fake_url)
    finally:
        fake.stop()
    bare, kon, pk = targets["bare_litellm"], targets["konstruct"], targets["portkey"]
    versus = _versus(kon, bare, sizes)
    vs_portkey = _versus(kon, pk, sizes)
    common: dict[str, Any] = {
        "workers": 1,
        "rounds": sizes.rounds,
        "method": "one proxy runs at a time (others SIGSTOPped); arms interleaved in rounds "
        "whose order rotates; per round each arm gets a throughput block and a serial block",
        "quick": ctx.quick,
    }
    diagnostics: dict[str, Any] = {}
    for variant in ctx.variants:
        arm = targets[f"konstruct_{variant}"]
        v = _versus(arm, bare, sizes)
        diagnostics[f"variant_{variant}"] = {
            "throughput_ratio": round(v["throughput_ratio"], 4),
            "added_ms_p50": ms(v["added_ms_p50"]),
            **_latency_context(arm),
        }
    if diagnostics:
        diagnostics = {
            "variants": {
                "what": "Konstruct with parts switched off (bench/konstruct_variant.py), "
                "against the same bare baseline",
                **diagnostics,
            }
        }
    return [
        result(
            "gateway_throughput_ratio",
            round(versus["throughput_ratio"], 4),
            "ratio",
            target=">= 1.15",
            what="Konstruct proxy req/s / bare LiteLLM proxy req/s (all measured requests / "
            "all measured seconds of each arm), same fake backend, same worker count",
            cpu_ratio=round(_cpu_ms_per_call(bare) / _cpu_ms_per_call(kon), 4),
            cpu_ratio_what="bare LiteLLM's CPU per call / Konstruct's (proxy processes, /proc, "
            "throughput blocks): calls per CPU-second, Konstruct over bare",
            konstruct_cpu_ms_per_call=_cpu_ms_per_call(kon),
            bare_litellm_cpu_ms_per_call=_cpu_ms_per_call(bare),
            load_average_1m={"start": load_at_start, "end": round(os.getloadavg()[0], 2)},
            ratio_by_round=versus["throughput_ratio_by_round"],
            ratio_median_of_rounds=round(versus["throughput_ratio_median_of_rounds"], 4),
            spread=versus["throughput_ratio_spread"],
            konstruct_rps=round(kon.requests / kon.busy_seconds, 1),
            bare_litellm_rps=round(bare.requests / bare.busy_seconds, 1),
            requests_per_arm=kon.requests,
            block_requests=sizes.block_requests,
            warmup=sizes.warmup,
            concurrency=CONCURRENCY,
            **common,
            **diagnostics,
        ),
        result(
            "gateway_added_ms_p50",
            ms(versus["added_ms_p50"]),
            "ms",
            target="<= 1.0",
            what="p50 serial latency of Konstruct minus p50 of bare LiteLLM",
            added_ms_p50_by_round=versus["added_ms_p50_by_round"],
            spread=versus["added_ms_p50_spread"],
            latency_ratio_p50=round(versus["latency_ratio_p50"], 4),
            konstruct=_latency_context(kon),
            bare_litellm=_latency_context(bare),
            overhead_header_p50_ms={
                "konstruct": _p50(kon.overhead_ms),
                "bare_litellm": _p50(bare.overhead_ms),
            },
            serial_requests_per_arm=len(kon.latencies),
            serial_warmup=sizes.serial_warmup,
            **common,
            **diagnostics,
        ),
        result(
            "gateway_vs_portkey_rps_ratio",
            round(vs_portkey["throughput_ratio"], 4),
            "ratio",
            what="Konstruct proxy req/s / Portkey gateway req/s (all measured requests / all "
            "measured seconds of each arm), same fake backend, concurrency 20, no target",
            ratio_by_round=vs_portkey["throughput_ratio_by_round"],
            ratio_median_of_rounds=round(vs_portkey["throughput_ratio_median_of_rounds"], 4),
            spread=vs_portkey["throughput_ratio_spread"],
            konstruct_rps=round(kon.requests / kon.busy_seconds, 1),
            portkey_rps=round(pk.requests / pk.busy_seconds, 1),
            bare_litellm_rps=round(bare.requests / bare.busy_seconds, 1),
            portkey_version=portkey.VERSION,
            requests_per_arm=pk.requests,
            block_requests=sizes.block_requests,
            concurrency=CONCURRENCY,
            **common,
        ),
        result(
            "gateway_vs_portkey_latency_ratio",
            round(vs_portkey["latency_ratio_p50"], 4),
            "ratio",
            what="p50 serial latency of Konstruct / p50 serial latency of Portkey's gateway, "
            "no target",
            ratio_by_round=vs_portkey["latency_ratio_by_round"],
            spread=vs_portkey["latency_ratio_spread"],
            added_ms_p50=ms(vs_portkey["added_ms_p50"]),
            konstruct=_latency_context(kon),
            portkey=_latency_context(pk),
            portkey_version=portkey.VERSION,
            serial_requests_per_arm=len(pk.latencies),
            **common,
        ),
    ]


def _p50(values: list[float]) -> float | None:
    return round(median(values), 3) if values else None


def _p99(values: list[float]) -> float | None:
    return round(percentile(values, 99), 3) if values else None
