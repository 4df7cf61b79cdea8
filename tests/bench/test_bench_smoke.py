"""The benchmarks run end to end with `--quick` and print every figure with its spread."""

import json
import time

import pytest

from tests.bench.quick import assert_figures, run_quick
from tests.processes import ROOT

RESULTS = ROOT / "bench" / "results.json"

pytestmark = pytest.mark.slow


def test_quick_rls_benchmark_prints_json_lines_and_writes_results() -> None:
    started = time.time()
    results, _ = run_quick("rls_overhead", timeout=120)

    names = ("rls_overhead", "rls_overhead_query_only")
    larger = tuple(f"{name}_1000_tenants" for name in names)
    figures = assert_figures(
        results, dict.fromkeys((*names, *larger, "rls_overhead_scaling"), "ratio")
    )
    for item in figures.values():
        assert len(item["ratio_by_round"]) == item["rounds"]
        assert item["value"] > 0
    assert figures["rls_overhead"]["tenants"] == 100
    assert figures["rls_overhead_1000_tenants"]["tenants"] == 1000
    scaling = figures["rls_overhead_scaling"]
    assert scaling["value"] == pytest.approx(
        figures["rls_overhead_1000_tenants"]["value"] / figures["rls_overhead"]["value"], rel=0.01
    )

    assert RESULTS.exists()
    assert RESULTS.stat().st_mtime >= started - 1
    assert json.loads(RESULTS.read_text()) == results


def test_quick_gateway_benchmark_has_portkey_as_an_arm_of_the_same_rounds() -> None:
    results, stderr = run_quick("gateway", timeout=420)

    figures = assert_figures(
        results,
        {
            "gateway_throughput_ratio": "ratio",
            "gateway_added_ms_p50": "ms",
            "gateway_vs_portkey_rps_ratio": "ratio",
            "gateway_vs_portkey_latency_ratio": "ratio",
        },
    )
    rps = figures["gateway_vs_portkey_rps_ratio"]
    latency = figures["gateway_vs_portkey_latency_ratio"]
    assert rps["value"] > 0
    assert latency["value"] > 0
    # Konstruct's req/s over Portkey's, both from the same interleaved rounds.
    assert rps["rounds"] == figures["gateway_throughput_ratio"]["rounds"]
    assert len(rps["ratio_by_round"]) == rps["rounds"]
    assert rps["value"] == pytest.approx(rps["konstruct_rps"] / rps["portkey_rps"], rel=0.01)
    assert rps["konstruct_rps"] == figures["gateway_throughput_ratio"]["konstruct_rps"]
    assert latency["portkey"]["errors"] == {}
    assert latency["konstruct"]["errors"] == {}
    assert latency["value"] == pytest.approx(
        latency["konstruct"]["p50_ms"] / latency["portkey"]["p50_ms"], rel=0.01
    )
    assert "portkey" in stderr  # the per-round progress names the arm


def test_quick_local_model_benchmark_streams_the_same_tokens_through_both_arms() -> None:
    results, _ = run_quick("local_model", timeout=420)

    figures = assert_figures(
        results, {"local_model_added_ms_p50": "ms", "local_model_stream_ratio": "ratio"}
    )
    added = figures["local_model_added_ms_p50"]
    assert len(added["added_ms_p50_by_round"]) == added["rounds"]
    assert added["gateway_ms"]["p50_ms"] > 0
    assert added["direct_ms"]["p50_ms"] > 0
    stream = figures["local_model_stream_ratio"]
    assert stream["value"] > 0
    assert len(stream["ratio_by_round"]) == stream["rounds"]
    # Every stream ended with `length` after one text chunk per token, in both arms.
    tokens = stream["stream_tokens"]
    assert stream["gateway"]["content_chunks_per_stream"] == [tokens]
    assert stream["direct"]["content_chunks_per_stream"] == [tokens]
