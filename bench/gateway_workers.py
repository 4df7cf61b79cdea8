"""gateway_worker_scaling: what a second proxy worker buys on these 2 cores.

Two Konstruct proxies (`python -m proxy.serve`, one with PROXY_WORKERS=1, one with
PROXY_WORKERS=2) serve the same tenant key and agent against one fake OpenAI server (the
standalone `tests.fakes.openai`), on the same database and Redis, so custom auth, the
persona hook, usage logging and the Redis-backed rpm limiter run in every call and the
limits stay shared by the two workers. Both proxies start together; only the one under
load runs, the other is SIGSTOPped; rounds alternate and rotate who goes first. Each round
gives each arm one block of requests kept CONCURRENCY in flight over keep-alive
connections opened beforehand; the figure is the 2-worker arm's requests/s over the
1-worker arm's (all measured requests / all measured seconds of each), with the per-round
ratios and their spread.

The load generator shares the 2 cores with the proxy and the fake, so it must cost little
per request: `Client` below writes one prebuilt HTTP/1.1 request per connection and reads
the answer with no HTTP library (tens of microseconds per call, where aiohttp takes
several hundred). Its CPU per call, the fake's and each proxy's (from /proc) are in the
context, so a reader can see what the cores were spent on.
"""

import asyncio
import os
import resource
import time
from dataclasses import dataclass, field
from typing import Any, cast

import orjson

from bench.common import Child, Context, Result, log, median, result, spread
from bench.gateway import BODY, group_cpu_seconds, make_tenant, start_fake, start_konstruct

CONCURRENCY = 32
RESUME_SETTLE_SECONDS = 0.5
CONNECT_GAP_SECONDS = 0.002


@dataclass(frozen=True)
class Sizes:
    rounds: int
    warmup: int  # per arm, before the first round (not recorded)
    block_requests: int  # per arm and round


FULL = Sizes(rounds=12, warmup=400, block_requests=800)
QUICK = Sizes(rounds=2, warmup=50, block_requests=150)


# ------------------------------------------------------------------------ lean client
class AnswerError(RuntimeError):
    pass


class _Connection(asyncio.Protocol):
    """One keep-alive connection: send the request, collect one full answer, repeat."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.answer: asyncio.Future[tuple[int, bytes]] | None = None
        self.lost: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.Transport", transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.answer is not None and not self.answer.done():
            parsed = _parse(self.buffer)
            if parsed is not None:
                status, body, used = parsed
                del self.buffer[:used]
                self.answer.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = exc or ConnectionResetError("the server closed the connection")
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(self.lost)

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.lost is not None or self.transport is None:
            raise AnswerError(f"connection lost: {self.lost!r}")
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.answer


def _parse(buffer: bytearray) -> tuple[int, bytes, int] | None:
    """(status, body, bytes used) of the first complete HTTP/1.1 answer in `buffer`."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    fields = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    start = end + 4
    if "content-length" in fields:
        stop = start + int(fields["content-length"])
        if len(buffer) < stop:
            return None
        return status, bytes(buffer[start:stop]), stop
    if fields.get("transfer-encoding", "").lower() == "chunked":
        body, at = bytearray(), start
        while True:
            line_end = buffer.find(b"\r\n", at)
            if line_end < 0:
                return None
            size = int(bytes(buffer[at:line_end]).split(b";")[0], 16)
            chunk_start = line_end + 2
            if len(buffer) < chunk_start + size + 2:
                return None
            if size == 0:
                return status, bytes(body), chunk_start + 2
            body += buffer[chunk_start : chunk_start + size]
            at = chunk_start + size + 2
    raise AnswerError(f"an answer with neither length nor chunks: {head[0]}")


@dataclass
class Client:
    """Requests to one proxy, CONCURRENCY of them in flight on as many connections."""

    host: str
    port: int
    request: bytes
    connections: list[_Connection] = field(default_factory=list)

    @classmethod
    def for_chat(cls, url: str, headers: dict[str, str]) -> "Client":
        host, _, port = url.removeprefix("http://").partition(":")
        body = orjson.dumps(BODY)
        lines = [
            "POST /v1/chat/completions HTTP/1.1",
            f"Host: {host}:{port}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        return cls(host, int(port), ("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    async def open(self, count: int) -> None:
        """`count` connections, CONNECT_GAP_SECONDS apart: independent clients, whose
        connections arrive over some milliseconds, not all in the same instant (then
        whichever worker is in its event loop at that instant would accept every one)."""
        loop = asyncio.get_running_loop()
        for _ in range(count):
            _, protocol = await loop.create_connection(_Connection, self.host, self.port)
            self.connections.append(protocol)
            await asyncio.sleep(CONNECT_GAP_SECONDS)

    def close(self) -> None:
        for connection in self.connections:
            if connection.transport is not None:
                connection.transport.close()
        self.connections.clear()

    async def run(self, requests: int) -> float:
        """Seconds for `requests` calls over the open connections; every answer must be a
        200 carrying a chat completion."""
        remaining = requests

        async def drive(connection: _Connection) -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                status, body = await connection.exchange(self.request)
                if status != 200 or b'"chat.completion"' not in body:
                    raise AnswerError(f"HTTP {status}: {body[:300]!r}")

        t0 = time.perf_counter()
        await asyncio.gather(*(drive(c) for c in self.connections))
        return time.perf_counter() - t0


def run_loop(work: Any) -> Any:
    """`asyncio.run` on uvloop when it is installed (the client then costs less CPU)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


# ------------------------------------------------------------------------ CPU
def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Arm:
    name: str
    workers: int
    child: Child
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    rps: list[float] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    proxy_cpu: float = 0.0
    fake_cpu: float = 0.0
    client_cpu: float = 0.0
    busiest_share: list[float] = field(default_factory=list)

    def block(self, requests: int, fake: Child, record: bool = True) -> None:
        """One block of `requests` with this arm resumed (the other stays SIGSTOPped)."""

        async def work() -> float:
            client = Client.for_chat(self.url, self.headers)
            await client.open(CONCURRENCY)
            try:
                await client.run(CONCURRENCY)  # every connection has served once
                return await client.run(requests)
            finally:
                client.close()

        self.child.resume()
        # Every worker back in its event loop before the connections arrive: the first one
        # awake after SIGCONT would otherwise accept all of them.
        time.sleep(RESUME_SETTLE_SECONDS)
        try:
            proxy0 = group_cpu_seconds(self.child.proc.pid)
            fake0, own0 = sum(group_cpu_seconds(fake.proc.pid).values()), own_cpu_seconds()
            seconds = run_loop(work())
            proxy1 = group_cpu_seconds(self.child.proc.pid)
            fake1, own1 = sum(group_cpu_seconds(fake.proc.pid).values()), own_cpu_seconds()
        finally:
            self.child.pause()
        if record:
            self.rps.append(requests / seconds)
            self.requests += requests
            self.seconds += seconds
            used = {pid: proxy1[pid] - proxy0.get(pid, 0.0) for pid in proxy1}
            self.proxy_cpu += sum(used.values())
            self.fake_cpu += fake1 - fake0
            self.client_cpu += own1 - own0
            # The busiest process's share of the proxy's CPU: 1/workers when the workers
            # shared the load evenly, 1.0 when one served everything.
            self.busiest_share.append(max(used.values()) / max(sum(used.values()), 1e-9))

    def per_call_ms(self, seconds: float) -> float:
        return round(seconds * 1000 / self.requests, 3)

    def context(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "rps": round(self.requests / self.seconds, 1),
            "rps_by_round": [round(x, 1) for x in self.rps],
            "proxy_cpu_ms_per_call": self.per_call_ms(self.proxy_cpu),
            "fake_cpu_ms_per_call": self.per_call_ms(self.fake_cpu),
            "client_cpu_ms_per_call": self.per_call_ms(self.client_cpu),
            "busiest_process_cpu_share_by_round": [round(x, 2) for x in self.busiest_share],
            "cores_busy": round(
                (self.proxy_cpu + self.fake_cpu + self.client_cpu) / self.seconds, 2
            ),
        }


def run(ctx: Context) -> list[Result]:
    sizes = QUICK if ctx.quick else FULL
    load_at_start = os.getloadavg()[0]
    admin_url, app_url = ctx.scratch_database()
    fake, fake_url = start_fake()
    arms: list[Arm] = []
    try:
        for workers in (1, 2):
            child, url = start_konstruct(fake_url, workers, app_url, admin_url)
            arms.append(Arm(f"konstruct_{workers}w", workers, child, url))
        t0 = time.monotonic()
        for arm in arms:
            arm.child.wait_healthy(f"{arm.url}/healthz", timeout=300)
        log(f"gateway_workers: both proxies up in {time.monotonic() - t0:.1f}s")
        key, agent_id = make_tenant(arms[0].url)
        for arm in arms:
            arm.headers = {"Authorization": f"Bearer {key}", "X-Konstruct-Agent": agent_id}
            arm.child.pause()
        for arm in arms:
            arm.block(sizes.warmup, fake, record=False)
        for r in range(sizes.rounds):
            shift = r % len(arms)
            for arm in arms[shift:] + arms[:shift]:
                arm.block(sizes.block_requests, fake)
            log(
                f"gateway_workers: round {r + 1}/{sizes.rounds}: "
                + ", ".join(f"{a.name} {a.rps[-1]:.1f} req/s" for a in arms)
            )
    finally:
        for arm in arms:
            arm.child.stop()
        fake.stop()
    one, two = arms
    ratios = [b / a for a, b in zip(one.rps, two.rps, strict=True)]
    return [
        result(
            "gateway_worker_scaling",
            round((two.requests / two.seconds) / (one.requests / one.seconds), 4),
            "ratio",
            target=">= 1.6",
            what="req/s of python -m proxy.serve with PROXY_WORKERS=2 / with PROXY_WORKERS=1 "
            "(all measured requests / all measured seconds of each), same tenant key and agent, "
            "same fake OpenAI backend, load generator and fake on the same 2 cores",
            ratio_by_round=[round(x, 4) for x in ratios],
            ratio_median_of_rounds=round(median(ratios), 4),
            spread=spread(ratios),
            one_worker=one.context(),
            two_workers=two.context(),
            cpu_count=os.cpu_count(),
            load_average_1m={"start": round(load_at_start, 2), "end": round(os.getloadavg()[0], 2)},
            concurrency=CONCURRENCY,
            block_requests=sizes.block_requests,
            warmup=sizes.warmup,
            rounds=sizes.rounds,
            method="one proxy runs at a time (the other SIGSTOPped); arms interleaved in rounds "
            "whose order rotates; lean keep-alive HTTP/1.1 client (bench/gateway_workers.py)",
            quick=ctx.quick,
        )
    ]
