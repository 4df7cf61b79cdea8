"""Running `python -m bench.run --quick` in a test, and what every result line must carry.

Its name, unit and a finite value, the number of rounds it was measured over and the
spread of its per-round values (min <= p10 <= median <= p90 <= max).
"""

import json
import math
import os
import subprocess
import sys
from typing import Any

from tests.processes import ROOT


def run_quick(only: str, timeout: float) -> tuple[list[dict[str, Any]], str]:
    """`python -m bench.run --quick --only ONLY`: (result lines, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--only", only],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines, f"no result lines on stdout; stderr:\n{done.stderr[-3000:]}"
    return [json.loads(line) for line in lines], done.stderr


def assert_figures(results: list[dict[str, Any]], units: dict[str, str]) -> dict[str, Any]:
    """Exactly these names, with these units, finite values, rounds and spread: by name."""
    by_name = {item["name"]: item for item in results}
    assert len(by_name) == len(results), [item["name"] for item in results]
    assert {name: item["unit"] for name, item in by_name.items()} == units
    for name, item in by_name.items():
        assert isinstance(item["value"], int | float), item
        assert math.isfinite(item["value"]), item
        assert isinstance(item["rounds"], int), name
        assert item["rounds"] >= 1, name
        spread = item["spread"]
        order = [spread[k] for k in ("min", "p10", "median", "p90", "max")]
        assert all(math.isfinite(v) for v in order), (name, spread)
        assert order == sorted(order), (name, spread)
        assert item["quick"] is True, name
    return by_name
