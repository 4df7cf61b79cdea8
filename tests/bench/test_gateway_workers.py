"""The worker-scaling benchmark runs end to end with `--quick`: both arms answered every call."""

import pytest

from tests.bench.quick import assert_figures, run_quick

pytestmark = pytest.mark.slow


def test_quick_worker_scaling_compares_one_and_two_workers_in_the_same_rounds() -> None:
    results, stderr = run_quick("gateway_worker_scaling", timeout=420)

    scaling = assert_figures(results, {"gateway_worker_scaling": "ratio"})["gateway_worker_scaling"]
    one, two = scaling["one_worker"], scaling["two_workers"]
    assert (one["workers"], two["workers"]) == (1, 2)
    assert len(scaling["ratio_by_round"]) == scaling["rounds"]
    assert len(one["rps_by_round"]) == len(two["rps_by_round"]) == scaling["rounds"]
    assert scaling["value"] == pytest.approx(two["rps"] / one["rps"], rel=0.01)
    for arm in (one, two):
        # Every call was answered 200 with a chat completion (the client raises otherwise),
        # and the proxy, the fake and the client each spent CPU on it.
        assert arm["proxy_cpu_ms_per_call"] > 0
        assert arm["fake_cpu_ms_per_call"] > 0
        assert arm["client_cpu_ms_per_call"] > 0
    # One process does all the work of the single worker; two share it.
    assert one["busiest_process_cpu_share_by_round"] == [1.0] * scaling["rounds"]
    shares = two["busiest_process_cpu_share_by_round"]
    assert all(0.5 <= share <= 1.0 for share in shares)
    assert min(shares) < 0.9, shares
    assert "konstruct_2w" in stderr  # the per-round progress names the arms
