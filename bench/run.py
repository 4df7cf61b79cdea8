"""`make bench`: run every benchmark, one JSON object per line on stdout.

    python -m bench.run [--quick] [--only NAME[,NAME]] [--variants V[,V]]

Each result is `{"name": ..., "value": ..., "unit": ..., ...context}`; all of them are also
written to bench/results.json (a list). Progress goes to stderr.

Adding a benchmark (e.g. the Slack bridge's `slack_ack_p99_ms` / `slack_ack_ratio`): write
a module in bench/ with `def run(ctx: Context) -> list[Result]` that measures against a
baseline taken in the same run, and register it in `BENCHMARKS` below with the result
names it produces. `ctx.quick` asks for small sizes; `ctx.scratch_database()` gives the
migrated konstruct_bench URLs; bench/common.py has statistics and process helpers.
"""

import argparse
import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.common import ROOT, Context, Result, flush_redis, log

RESULTS_PATH = ROOT / "bench" / "results.json"


@dataclass(frozen=True)
class Benchmark:
    """A registered benchmark: `module:function` (imported lazily) and what it reports."""

    target: str
    produces: tuple[str, ...]

    def load(self) -> Callable[[Context], list[Result]]:
        module, _, function = self.target.partition(":")
        fn: Callable[[Context], list[Result]] = getattr(importlib.import_module(module), function)
        return fn


# The registry, in run order. `--only` takes a key here or any name a benchmark produces.
BENCHMARKS: dict[str, Benchmark] = {
    "rls_overhead": Benchmark(
        "bench.rls:run", ("rls_overhead", "rls_overhead_query_only", "rls_overhead_scaling")
    ),
    "encrypted_history": Benchmark(
        "bench.encrypted_history:run", ("encrypted_history_read_ratio",)
    ),
    "gateway": Benchmark(
        "bench.gateway:run",
        (
            "gateway_throughput_ratio",
            "gateway_added_ms_p50",
            "gateway_vs_portkey_rps_ratio",
            "gateway_vs_portkey_latency_ratio",
        ),
    ),
    "gateway_workers": Benchmark("bench.gateway_workers:run", ("gateway_worker_scaling",)),
    "slack_ack": Benchmark("bench.slack_ack:run", ("slack_ack_p99_ms", "slack_ack_ratio")),
    "slack_reply": Benchmark(
        "bench.slack_reply:run",
        (
            "slack_first_status_ms_p95",
            "slack_first_token_overhead_ms_p95",
            "bridge_cpu_ms_per_message",
        ),
    ),
    "agent_runtime": Benchmark("bench.agent_runtime:run", ("agent_tool_step_overhead_ms",)),
    "cli": Benchmark("bench.cli:run", ("cli_help_seconds", "cli_list_seconds")),
    "local_model": Benchmark(
        "bench.local_model:run", ("local_model_added_ms_p50", "local_model_stream_ratio")
    ),
}


def select(only: str | None) -> list[str]:
    if not only:
        return list(BENCHMARKS)
    wanted = {name.strip() for name in only.split(",") if name.strip()}
    chosen = [
        key for key, bench in BENCHMARKS.items() if key in wanted or wanted & set(bench.produces)
    ]
    known = set(BENCHMARKS) | {name for bench in BENCHMARKS.values() for name in bench.produces}
    unknown = sorted(wanted - known)
    if unknown:
        raise SystemExit(f"bench: unknown benchmark(s) {unknown}; known: {sorted(known)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--only", help="comma-separated benchmark or result names")
    parser.add_argument(
        "--variants",
        default="",
        help="diagnostic gateway arms, comma-separated, parts joined with '+' "
        "(e.g. quiet_logs,no_usage,no_callbacks; see bench/konstruct_variant.py)",
    )
    args = parser.parse_args(argv)

    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    os.chdir(ROOT)  # alembic.ini and `python -m` children are relative to the repository
    chosen = select(args.only)
    variants = tuple(v.strip() for v in args.variants.split(",") if v.strip())
    ctx = Context(quick=args.quick, variants=variants)
    flush_redis()

    results: list[Result] = []
    failed: list[str] = []
    for key in chosen:
        log(f"{key}: starting{' (quick)' if ctx.quick else ''}")
        t0 = time.monotonic()
        try:
            produced = BENCHMARKS[key].load()(ctx)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            log(f"{key}: FAILED: {exc.__class__.__name__}: {exc}")
            failed.append(key)
            continue
        for item in produced:
            item.setdefault("duration_s", round(time.monotonic() - t0, 1))
            sys.stdout.write(json.dumps(item) + "\n")
            sys.stdout.flush()
        results.extend(produced)
        log(f"{key}: done in {time.monotonic() - t0:.1f}s")

    RESULTS_PATH.write_text(json.dumps(results, indent=2) + "\n")
    log(f"wrote {len(results)} results to {RESULTS_PATH} in {ctx.elapsed():.1f}s total")
    if failed:
        log(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
