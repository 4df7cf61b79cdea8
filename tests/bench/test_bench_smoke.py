"""The benchmark runner works end to end: `python -m bench.run --quick --only rls_overhead`."""

import json
import os
import subprocess
import sys
import time

import pytest

from tests.processes import ROOT

RESULTS = ROOT / "bench" / "results.json"

pytestmark = pytest.mark.slow


def test_quick_rls_benchmark_prints_json_lines_and_writes_results() -> None:
    started = time.time()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--only", "rls_overhead"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines, f"no result lines on stdout; stderr:\n{done.stderr[-3000:]}"
    results = [json.loads(line) for line in lines]
    for item in results:
        assert isinstance(item, dict)
        assert {"name", "value", "unit"} <= item.keys(), item
        assert isinstance(item["value"], int | float), item
    assert {r["name"] for r in results} == {"rls_overhead", "rls_overhead_query_only"}

    assert RESULTS.exists()
    assert RESULTS.stat().st_mtime >= started - 1
    assert json.loads(RESULTS.read_text()) == results
