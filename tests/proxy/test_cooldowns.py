"""The cooldown patch (proxy/gateway/cooldowns.py) is still needed, fits, and does only this;
the suite's wait for cooled-down deployments (tests/stack.py) outlasts LiteLLM's cooldown."""

import inspect

import pytest
from litellm.router_utils import cooldown_handlers

from proxy.gateway import cooldowns

pytestmark = pytest.mark.unit


def test_litellm_itself_still_cools_404s_down_so_the_patch_is_needed() -> None:
    original = cooldowns._litellm_is_cooldown_required
    assert list(inspect.signature(original).parameters) == [
        "litellm_router_instance",
        "model_id",
        "exception_status",
        "exception_str",
    ]
    assert original(None, "m", 404) is True
    assert "_is_cooldown_required(" in inspect.getsource(
        cooldown_handlers._should_run_cooldown_logic
    )


def test_after_the_patch_only_404_changes() -> None:
    cooldowns.install()
    patched = cooldown_handlers._is_cooldown_required
    assert patched is cooldowns.is_cooldown_required
    assert patched(None, "m", 404) is False
    assert patched(None, "m", "404") is False
    for status, cools in ((429, True), (401, True), (408, True), (500, True), (503, True),
                          (400, False), (422, False)):  # fmt: skip
        assert patched(None, "m", status) is cools, status


def test_the_suites_wait_for_cooled_down_deployments_outlasts_litellms_cooldown() -> None:
    """tests/stack.py waits ROUTER_COOLDOWN_SECONDS after a fake's failure before it trusts
    that no proxy worker still cools the deployment down; our config sets no cooldown_time."""
    import yaml
    from litellm.constants import DEFAULT_COOLDOWN_TIME_SECONDS

    from proxy.gateway.config import SOURCE
    from tests.stack import ROUTER_COOLDOWN_SECONDS

    assert "cooldown_time" not in yaml.safe_load(SOURCE.read_text())["router_settings"]
    assert DEFAULT_COOLDOWN_TIME_SECONDS < ROUTER_COOLDOWN_SECONDS
