"""One small patch of LiteLLM's router: a provider's 404 does not cool a deployment down.

Deployments are shared by every tenant. LiteLLM cools a deployment down on a provider 404
(`router_utils/cooldown_handlers._is_cooldown_required`), and a tenant can cause one at will
(a path or model the provider does not serve): with one deployment in a group, every tenant
would then get "No deployments available" for the cooldown. LiteLLM's configuration cannot
say this without replacing its whole failure-rate logic (`allowed_fails_policy` switches the
router to per-minute counts for every error type). Other 4xx never cool down in LiteLLM;
provider-side failures (429, 401, 408, 5xx) still do.

Guarded by tests/proxy/test_cooldowns.py, which fails if LiteLLM's function changes shape
or stops cooling 404s down on its own (then this patch should go).
"""

from typing import Any

from litellm.router_utils import cooldown_handlers

_litellm_is_cooldown_required = cooldown_handlers._is_cooldown_required


def is_cooldown_required(
    litellm_router_instance: Any,
    model_id: str,
    exception_status: str | int,
    exception_str: str | None = None,
) -> bool:
    if str(exception_status).strip() == "404":
        return False
    return bool(
        _litellm_is_cooldown_required(
            litellm_router_instance=litellm_router_instance,
            model_id=model_id,
            exception_status=exception_status,
            exception_str=exception_str,
        )
    )


def install() -> None:
    """Idempotent: each proxy worker calls it when it imports the app."""
    cooldown_handlers._is_cooldown_required = is_cooldown_required
