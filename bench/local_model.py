"""local_model_added_ms_p50 and local_model_stream_ratio: the gateway in front of the local model.

One llama.cpp server (`python -m proxy.local_model`: the bundled SmolLM2-135M-Instruct, one
thread, as `make up` runs it when no provider is configured) answers both arms:

- direct: the llama.cpp server's own `/v1/chat/completions`, model `smollm2-135m-instruct`;
- gateway: `python -m proxy.serve` with no provider configured, so `konstruct-fast` routes
  to that server; a tenant key made through the admin API, so custom auth, the limiter and
  usage logging run. No `X-Konstruct-Agent` header: the persona would put a system prompt
  in front, and llama.cpp would then be asked a different (longer) question than directly.

Both arms send the same body: temperature 0, a fixed seed, and a `logit_bias` of -100 on
the model's end tokens, so every answer is exactly `max_tokens` long and must end with
`length`. llama.cpp's server has no `ignore_eos`; its `min_tokens` would do, but the
gateway refuses fields outside OpenAI's API, and `logit_bias` is one of them.

Rounds alternate the order of the arms; the proxy is SIGSTOPped while the direct arm runs.
Per round each arm gets a serial block of short answers (4 tokens) and a streamed answer
(128 tokens; 32 with --quick). Times are the client's wall clock: a short answer from sending the
request to the parsed body, a stream from sending the request to `data: [DONE]`, so a
stream's tokens/s includes its time to first token, as a reader waits for it.
"""

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import aiohttp

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
    result,
    spread,
    summary_ms,
)
from bench.gateway import make_tenant
from proxy.gateway.config import LOCAL_MODEL_ALIAS

GATEWAY_MODEL = "konstruct-fast"
SHORT_TOKENS = 4
SEED = 20261201
PROMPT = "Tell me about the sea."
# SmolLM2's end-of-generation tokens, <|endoftext|> and <|im_end|> (its GGUF metadata).
NO_END = {"0": -100, "2": -100}
TARGET_STREAM_RATIO = 0.95
# Empty, not absent: the children's .env (if any) must not configure a provider either,
# and the model is always the bundled one.
NO_PROVIDER = dict.fromkeys(
    (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
        "OLLAMA_BASE_URL",
        "LOCAL_MODEL_PATH",
    ),
    "",
)


@dataclass(frozen=True)
class Sizes:
    rounds: int  # interleaved rounds
    warmup: int  # short answers per arm before the first round (not recorded)
    short_block: int  # serial short answers per arm per round
    streams: int  # streamed answers per arm per round
    stream_tokens: int  # tokens of each streamed answer


FULL = Sizes(rounds=8, warmup=5, short_block=15, streams=1, stream_tokens=128)
QUICK = Sizes(rounds=2, warmup=2, short_block=4, streams=1, stream_tokens=32)


@dataclass
class Arm:
    name: str
    url: str  # base URL of an OpenAI-compatible API, up to and including /v1
    model: str
    headers: dict[str, str]
    child: Child | None = None  # paused while the other arm runs; None: always running
    short: list[float] = field(default_factory=list)  # seconds per short answer
    stream_seconds: list[float] = field(default_factory=list)
    first_token: list[float] = field(default_factory=list)  # seconds to the first token
    content_chunks: list[int] = field(default_factory=list)  # chunks with text, per stream
    round_short_p50: list[float] = field(default_factory=list)
    round_tokens_per_s: list[float] = field(default_factory=list)


def body(arm: Arm, tokens: int, stream: bool) -> dict[str, Any]:
    return {
        "model": arm.model,
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": tokens,
        "logit_bias": NO_END,
        "temperature": 0,
        "seed": SEED,
        "stream": stream,
    }


# ------------------------------------------------------------------------ processes
def start_local_model(port: int) -> Child:
    # A crash inside llama.cpp then leaves the Python stack that led to it in the log.
    env = base_env(LOCAL_MODEL_PORT=str(port), PYTHONFAULTHANDLER="1", **NO_PROVIDER)
    return Child("local-model", [sys.executable, "-m", "proxy.local_model"], env)


def start_gateway(port: int, local_port: int, app_url: str, admin_url: str) -> Child:
    env = base_env(
        PROXY_PORT=str(port),
        PROXY_WORKERS="1",
        DATABASE_URL=app_url,
        DATABASE_ADMIN_URL=admin_url,
        REDIS_URL=BENCH_REDIS_URL,
        KONSTRUCT_MASTER_KEY=MASTER_KEY,
        LOCAL_MODEL_PORT=str(local_port),
        **NO_PROVIDER,
    )
    return Child("konstruct-local-model", [sys.executable, "-m", "proxy.serve"], env)


# ------------------------------------------------------------------------ requests
async def short_answer(session: aiohttp.ClientSession, arm: Arm) -> float:
    t0 = time.perf_counter()
    async with session.post(
        f"{arm.url}/chat/completions", json=body(arm, SHORT_TOKENS, False), headers=arm.headers
    ) as resp:
        payload = await resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{arm.name}: HTTP {resp.status}: {payload[:300]!r}")
    answer = json.loads(payload)
    elapsed = time.perf_counter() - t0
    finish = answer["choices"][0]["finish_reason"]
    if finish != "length":
        raise RuntimeError(f"{arm.name}: a short answer ended with {finish!r}, not 'length'")
    return elapsed


async def streamed_answer(
    session: aiohttp.ClientSession, arm: Arm, tokens: int
) -> tuple[float, float, int]:
    """(seconds to `[DONE]`, seconds to the first text, chunks that carried text)."""
    t0 = time.perf_counter()
    first: float | None = None
    chunks = 0
    finish: str | None = None
    async with session.post(
        f"{arm.url}/chat/completions", json=body(arm, tokens, True), headers=arm.headers
    ) as resp:
        if resp.status != 200:
            raise RuntimeError(f"{arm.name}: HTTP {resp.status}: {(await resp.read())[:300]!r}")
        async for raw in resp.content:
            line = raw.strip()
            if not line.startswith(b"data:"):
                continue
            data = line[len(b"data:") :].strip()
            if data == b"[DONE]":
                break
            for choice in json.loads(data).get("choices") or []:
                if (choice.get("delta") or {}).get("content"):
                    chunks += 1
                    if first is None:
                        first = time.perf_counter() - t0
                finish = choice.get("finish_reason") or finish
    elapsed = time.perf_counter() - t0
    if finish != "length" or first is None:
        raise RuntimeError(f"{arm.name}: a stream ended with {finish!r} after {chunks} chunks")
    return elapsed, first, chunks


async def block(arm: Arm, shorts: int, streams: int, tokens: int, record: bool) -> None:
    connector = aiohttp.TCPConnector(limit=1)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await short_answer(session, arm)  # open the connection
        short = [await short_answer(session, arm) for _ in range(shorts)]
        streamed = [await streamed_answer(session, arm, tokens) for _ in range(streams)]
    if not record:
        return
    arm.short.extend(short)
    arm.round_short_p50.append(median(short))
    for seconds, first, chunks in streamed:
        arm.stream_seconds.append(seconds)
        arm.first_token.append(first)
        arm.content_chunks.append(chunks)
    arm.round_tokens_per_s.append(tokens * len(streamed) / sum(s for s, _, _ in streamed))


def exit_code(child: Child, wait: float = 5.0) -> int | None:
    """The child's exit code if it has ended or ends within `wait` seconds, else None."""
    try:
        return child.proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        return None


def run_alone(arm: Arm, others: list[Arm], work: Coroutine[Any, Any, None]) -> None:
    """Run `work` with every other arm's own process SIGSTOPped."""
    for other in others:
        if other is not arm and other.child is not None:
            other.child.pause()
    if arm.child is not None:
        arm.child.resume()
    asyncio.run(work)


def measure(arms: list[Arm], sizes: Sizes) -> None:
    for arm in arms:
        run_alone(arm, arms, block(arm, sizes.warmup, 1, sizes.stream_tokens, record=False))
    for r in range(sizes.rounds):
        shift = r % len(arms)
        for arm in arms[shift:] + arms[:shift]:  # rotate who goes first
            work = block(arm, sizes.short_block, sizes.streams, sizes.stream_tokens, True)
            run_alone(arm, arms, work)
        log(
            "local_model: round {}/{}: {}".format(
                r + 1,
                sizes.rounds,
                ", ".join(
                    f"{a.name} short p50 {ms(a.round_short_p50[-1])} ms, "
                    f"{a.round_tokens_per_s[-1]:.1f} tokens/s"
                    for a in arms
                ),
            )
        )


# ------------------------------------------------------------------------ entry point
def run(ctx: Context) -> list[Result]:
    sizes = QUICK if ctx.quick else FULL
    admin_url, app_url = ctx.scratch_database()
    local_port, proxy_port = free_port(), free_port()
    local = start_local_model(local_port)
    gateway: Child | None = None
    try:
        gateway = start_gateway(proxy_port, local_port, app_url, admin_url)
        t0 = time.monotonic()
        local.wait_healthy(f"http://127.0.0.1:{local_port}/v1/models", timeout=120)
        proxy_url = f"http://127.0.0.1:{proxy_port}"
        gateway.wait_healthy(f"{proxy_url}/healthz", timeout=240)
        log(f"local_model: llama.cpp server and proxy up in {time.monotonic() - t0:.1f}s")
        key, _agent = make_tenant(proxy_url)
        arms = [
            Arm("direct", f"http://127.0.0.1:{local_port}/v1", LOCAL_MODEL_ALIAS, {}),
            Arm(
                "gateway",
                f"{proxy_url}/v1",
                GATEWAY_MODEL,
                {"Authorization": f"Bearer {key}"},
                child=gateway,
            ),
        ]
        try:
            measure(arms, sizes)
        except Exception as exc:
            code = exit_code(local)
            if code is None:
                raise
            raise RuntimeError(
                f"the llama.cpp server exited with code {code} mid-run; see {local.log_path}"
            ) from exc
    finally:
        if gateway is not None:
            gateway.stop()
        local.stop()
    return results(ctx, sizes, *arms)


def results(ctx: Context, sizes: Sizes, direct: Arm, gateway: Arm) -> list[Result]:
    added_by_round = [
        g - d for d, g in zip(direct.round_short_p50, gateway.round_short_p50, strict=True)
    ]
    ratio_by_round = [
        g / d for d, g in zip(direct.round_tokens_per_s, gateway.round_tokens_per_s, strict=True)
    ]
    common: dict[str, Any] = {
        "rounds": sizes.rounds,
        "model": LOCAL_MODEL_ALIAS,
        "method": "one llama.cpp server behind both arms; arms interleaved in rounds whose "
        "order rotates, the proxy SIGSTOPped while the direct arm runs; temperature 0, fixed "
        "seed, end tokens biased away (every answer max_tokens long); client wall clock",
        "quick": ctx.quick,
    }

    def tokens_per_s(arm: Arm) -> float:
        return sizes.stream_tokens * len(arm.stream_seconds) / sum(arm.stream_seconds)

    def stream_context(arm: Arm) -> dict[str, Any]:
        return {
            "tokens_per_s": round(tokens_per_s(arm), 2),
            "tokens_per_s_by_round": [round(x, 2) for x in arm.round_tokens_per_s],
            "seconds": summary_ms(arm.stream_seconds),
            "first_token": summary_ms(arm.first_token),
            "content_chunks_per_stream": sorted(set(arm.content_chunks)),
        }

    return [
        result(
            "local_model_added_ms_p50",
            ms(median(gateway.short) - median(direct.short)),
            "ms",
            what=f"p50 of a {SHORT_TOKENS}-token answer of the local model through the "
            "gateway minus p50 of the same request sent to llama.cpp's server directly, "
            "serial",
            added_ms_p50_by_round=[ms(x) for x in added_by_round],
            spread=spread([ms(x) for x in added_by_round], 3),
            gateway_ms=summary_ms(gateway.short),
            direct_ms=summary_ms(direct.short),
            answer_tokens=SHORT_TOKENS,
            requests_per_arm=len(gateway.short),
            **common,
        ),
        result(
            "local_model_stream_ratio",
            round(tokens_per_s(gateway) / tokens_per_s(direct), 4),
            "ratio",
            target=f">= {TARGET_STREAM_RATIO:g}",
            what=f"tokens/s of a streamed {sizes.stream_tokens}-token answer through the "
            "gateway / the same stream from llama.cpp's server directly (all streamed tokens "
            "/ all seconds from request to [DONE] of each arm)",
            ratio_by_round=[round(x, 4) for x in ratio_by_round],
            spread=spread(ratio_by_round),
            gateway=stream_context(gateway),
            direct=stream_context(direct),
            stream_tokens=sizes.stream_tokens,
            streams_per_arm=len(gateway.stream_seconds),
            **common,
        ),
    ]
