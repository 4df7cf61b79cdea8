"""What every benchmark shares: the run context, statistics, scratch services, child processes.

Rule of the suite: every figure is compared with a baseline measured in the same run (as a
ratio), because the 2-core shared machines it runs on are noisy. Load only goes to
127.0.0.1.
"""

import asyncio
import math
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / ".run" / "bench"

# The scratch database (dropped and re-created by each run) and Redis database. Two runs on
# one machine (a test suite's smoke runs in parallel workers, a developer's run) name their
# own with KONSTRUCT_BENCH_DATABASE and KONSTRUCT_BENCH_REDIS_URL.
BENCH_DATABASE = os.environ.get("KONSTRUCT_BENCH_DATABASE", "konstruct_bench")
BENCH_ADMIN_URL = f"postgresql://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
BENCH_APP_URL = f"postgresql://konstruct_app:konstruct_app@127.0.0.1:5432/{BENCH_DATABASE}"
BENCH_REDIS_URL = os.environ.get("KONSTRUCT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

Result = dict[str, Any]


def log(message: str) -> None:
    """Progress goes to stderr; stdout carries only the JSON result lines."""
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def result(name: str, value: float, unit: str, **context: Any) -> Result:
    return {"name": name, "value": value, "unit": unit, **context}


# ------------------------------------------------------------------------ statistics
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    if not values:
        raise ValueError("percentile of an empty sample")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def spread(per_round: Sequence[float], digits: int = 4) -> dict[str, float]:
    """How a figure varied over the rounds of one run: one quiet round is not evidence."""
    return {
        "min": round(min(per_round), digits),
        "p10": round(percentile(per_round, 10), digits),
        "median": round(median(per_round), digits),
        "p90": round(percentile(per_round, 90), digits),
        "max": round(max(per_round), digits),
    }


def summary_ms(samples: Sequence[float]) -> dict[str, float]:
    """p50/p99/mean of samples in seconds, in milliseconds."""
    return {
        "p50_ms": ms(median(samples)),
        "p99_ms": ms(percentile(samples, 99)),
        "mean_ms": ms(sum(samples) / len(samples)),
    }


# ------------------------------------------------------------------------ run context
@dataclass
class Context:
    quick: bool = False
    # Diagnostic gateway arms (bench/konstruct_variant.py), e.g. ("quiet_logs", "no_usage").
    variants: tuple[str, ...] = ()
    started: float = field(default_factory=time.monotonic)
    _database_ready: bool = False

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def scratch_database(self) -> tuple[str, str]:
        """The scratch database, dropped, re-created and migrated once per run: (admin, app)."""
        if not self._database_ready:
            from proxy.migrate import migrate

            t0 = time.monotonic()
            asyncio.run(_drop_database(BENCH_ADMIN_URL))
            migrate(BENCH_ADMIN_URL, BENCH_APP_URL)
            self._database_ready = True
            log(f"scratch database {BENCH_DATABASE} migrated in {time.monotonic() - t0:.1f}s")
        return BENCH_ADMIN_URL, BENCH_APP_URL


async def _drop_database(admin_url: str) -> None:
    base, _, dbname = admin_url.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        await conn.execute(f'drop database if exists "{dbname}" with (force)')
    finally:
        await conn.close()


def flush_redis(url: str = BENCH_REDIS_URL) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


# ------------------------------------------------------------------------ child processes
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Child:
    """A process started in its own session (so it can be paused/stopped as a group)."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> None:
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = RUN_DIR / f"{name}.log"
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(
                list(argv),
                env=dict(env),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_healthy(self, url: str, timeout: float = 120) -> float:
        """Seconds until `url` answered 200."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return time.monotonic() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not healthy within {timeout}s; see {self.log_path}")

    def _signal(self, signum: int) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signum)

    def pause(self) -> None:
        """SIGSTOP the whole group: an idle server then takes no CPU at all."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        self._signal(signal.SIGCONT)
        self._signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.proc.wait()


def base_env(**extra: str) -> dict[str, str]:
    """The parent's environment without anything that would point a child elsewhere."""
    drop = (
        "DATABASE_URL",
        "DATABASE_ADMIN_URL",
        "KONSTRUCT_DATABASE_URL",
        "REDIS_URL",
        "REDIS_HOST",
        "REDIS_PORT",
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_API_KEY",
        "OLLAMA_BASE_URL",
        "CONFIG_FILE_PATH",
        "LITELLM_MASTER_KEY",
        "PROXY_PORT",
        "PROXY_WORKERS",
    )
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # No child reads the checkout's .env (`make up` makes one): ours by KONSTRUCT_ENV_FILE,
    # bare LiteLLM (which in "DEV" mode loads the .env above its own files) by its mode.
    env.update(
        PYTHONPATH=str(ROOT),
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        KONSTRUCT_ENV_FILE="",
        LITELLM_MODE="PRODUCTION",
        **extra,
    )
    return env


# The master key of the proxies the benchmarks start (scratch database, loopback only).
MASTER_KEY = "sk-bench-master-key-not-for-production"


def create_tenant_with_agent(admin: "httpx.Client", name: str) -> tuple[str, str]:
    """A tenant and its agent through the proxy's admin API: (tenant id, agent id)."""
    slug = f"bench-{uuid.uuid4().hex[:8]}"
    tenant = admin.post("/admin/tenants", json={"name": name, "slug": slug})
    tenant.raise_for_status()
    tid: str = tenant.json()["id"]
    agent = admin.post(
        f"/admin/tenants/{tid}/agents",
        json={"name": "Ada", "role": "Support lead", "persona": "Calm and precise."},
    )
    agent.raise_for_status()
    return tid, str(agent.json()["id"])
