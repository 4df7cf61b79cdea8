"""The cooldown patch (proxy/gateway/cooldowns.py) is still needed, fits, and does only this."""

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
