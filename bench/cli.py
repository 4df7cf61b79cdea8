"""cli_help_seconds and cli_list_seconds: how long `konstruct` takes to answer, start to exit.

Three commands, each a fresh process, wall time from spawn to exit:

- baseline: `python -c pass`, the interpreter's own start on this machine at this moment;
- `python -m cli.main --help`;
- `python -m cli.main tenant list` against a real `python -m proxy.serve` (1 worker, the
  scratch database holding a few tenants made through the admin API), as an operator runs it.

Rounds run the three in turn, the order rotating, so the machine's load falls on each alike.
Each result is the median over the rounds in seconds (the issue's targets are wall time on
these machines), with its spread (min/p10/median/p90/max) and every round, the baseline's
median and spread, and the median and spread of the per-round ratios to the baseline in the
context.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    BENCH_REDIS_URL,
    MASTER_KEY,
    ROOT,
    Child,
    Context,
    Result,
    base_env,
    free_port,
    log,
    median,
    result,
    spread,
)

FULL_ROUNDS, QUICK_ROUNDS = 15, 3
TENANTS = 12
# Result name: (the command's arguments, target in seconds).
COMMANDS = {"cli_help_seconds": (["--help"], 1.0), "cli_list_seconds": (["tenant", "list"], 1.5)}


def start_proxy(ctx: Context) -> tuple[Child, str]:
    """`python -m proxy.serve` (1 worker) on the scratch database; no model is ever called."""
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
        OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",
        OPENAI_API_KEY="sk-bench-provider-key",
    )
    return Child(
        "cli-proxy", [sys.executable, "-m", "proxy.serve"], env
    ), f"http://127.0.0.1:{port}"


def wall_seconds(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.monotonic()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=False)
    seconds = time.monotonic() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{argv[1:]} exited {done.returncode}: {done.stderr.decode()[-300:]}")
    return seconds


def figures(samples: list[float], baseline: list[float]) -> dict[str, Any]:
    """A command's context: its spread over the rounds, and against the baseline's."""
    ratios = [a / b for a, b in zip(samples, baseline, strict=True)]
    return {
        "spread": spread(samples, digits=3),
        "by_round_s": [round(x, 3) for x in samples],
        "python_pass_seconds": round(median(baseline), 3),
        "python_pass_spread": spread(baseline, digits=3),
        "ratio_to_python": round(median(ratios), 2),
        "ratio_to_python_spread": spread(ratios, digits=2),
    }


def run(ctx: Context) -> list[Result]:
    rounds = QUICK_ROUNDS if ctx.quick else FULL_ROUNDS
    proxy, proxy_url = start_proxy(ctx)
    try:
        took = proxy.wait_healthy(f"{proxy_url}/healthz", timeout=240)
        log(f"cli: proxy up in {took:.1f}s")
        headers = {"Authorization": f"Bearer {MASTER_KEY}"}
        with httpx.Client(base_url=proxy_url, headers=headers, timeout=60) as admin:
            for n in range(TENANTS):
                body = {"name": f"Bench CLI {n}", "slug": f"bench-cli-{n}"}
                admin.post("/admin/tenants", json=body).raise_for_status()
        with tempfile.TemporaryDirectory() as home:
            env_file = Path(home) / "empty.env"
            env_file.write_text("")
            env = base_env(
                KONSTRUCT_PROXY_URL=proxy_url,
                KONSTRUCT_MASTER_KEY=MASTER_KEY,
                # No operator session of the developer's own is picked up.
                XDG_CONFIG_HOME=home,
                COLUMNS="120",
            )
            konstruct = [sys.executable, "-m", "cli.main", "--env-file", str(env_file)]
            arms = {"python_pass": [sys.executable, "-c", "pass"]}
            arms.update({name: [*konstruct, *args] for name, (args, _) in COMMANDS.items()})
            # One unmeasured pass each: the first start after a proxy boot reads cold files.
            for argv in arms.values():
                wall_seconds(argv, env)
            samples: dict[str, list[float]] = {name: [] for name in arms}
            names = list(arms)
            for r in range(rounds):
                shift = r % len(names)
                for name in names[shift:] + names[:shift]:
                    samples[name].append(wall_seconds(arms[name], env))
                log(
                    f"cli: round {r + 1}/{rounds}: "
                    + ", ".join(f"{name} {samples[name][-1]:.3f}s" for name in names)
                )
    finally:
        proxy.stop()
    baseline = samples["python_pass"]
    method = (
        "wall time from spawn to exit of a fresh process, median over rounds; the rounds run "
        "the baseline (`python -c pass`), --help and tenant list in turn, order rotating"
    )
    return [
        result(
            name,
            round(median(samples[name]), 3),
            "s",
            target=f"<= {target:g}",
            command=f"konstruct {' '.join(args)}",
            **figures(samples[name], baseline),
            rounds=rounds,
            tenants_listed=TENANTS,
            method=method,
            quick=ctx.quick,
        )
        for name, (args, target) in COMMANDS.items()
    ]
