"""The slack_ack benchmark sends what the bridge accepts, and runs end to end (`--quick`)."""

from typing import cast

import pytest
from slack_sdk.signature import SignatureVerifier

from bench.common import Child
from bench.slack_ack import BOT_USER_ID, REDELIVER_EVERY, SIGNING_SECRET, Arm, schedule
from bridge.slack_app import could_wake
from bridge.verification import parse_payload
from tests.bench.quick import assert_figures, run_quick


def test_schedule_is_signed_well_formed_and_redelivers_one_slot_in_a_hundred() -> None:
    arm = Arm("probe", cast(Child, None), "http://127.0.0.1:9")
    deliveries = schedule(arm, "TBENCHTEAM", "T", 300)

    assert len(deliveries) == 300
    retries = [d for d in deliveries if "X-Slack-Retry-Num" in d.headers]
    assert len(retries) == arm.redelivered == 300 // REDELIVER_EVERY
    assert len(arm.event_ids) == 300 - len(retries)
    assert {d.event_id for d in retries} <= arm.event_ids
    verifier = SignatureVerifier(SIGNING_SECRET)  # what bolt checks each request with
    for delivery in deliveries:
        headers = {k.lower(): v for k, v in delivery.headers.items()}
        assert verifier.is_valid_request(delivery.body, headers)
        payload = parse_payload(delivery.body)
        assert payload is not None
        assert payload["event_id"] == delivery.event_id
        assert payload["event"]["type"] == "app_mention"
        assert could_wake(payload["event"], BOT_USER_ID)


@pytest.mark.slow
def test_quick_slack_ack_benchmark_reports_both_figures_with_nothing_lost() -> None:
    results = assert_figures(
        run_quick("slack_ack", timeout=240)[0],
        {"slack_ack_p99_ms": "ms", "slack_ack_ratio": "ratio"},
    )
    p99 = results["slack_ack_p99_ms"]
    assert p99["value"] > 0
    assert p99["lost"] == 0
    assert p99["duplicates"] == 0
    assert p99["failed_requests"] == 0
    assert p99["ok"] == p99["sent"]
    assert p99["jobs"] == p99["unique_events"]
    assert len(p99["p99_ms_by_round"]) == p99["rounds"]
    ratio = results["slack_ack_ratio"]
    assert ratio["value"] > 0
    assert len(ratio["ratio_by_round"]) == ratio["rounds"]
