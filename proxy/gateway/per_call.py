"""Work LiteLLM does on every model call that Konstruct's configuration makes pointless, left out.

Profiled per call (py-spy, callgrind) under our configuration, two pieces of LiteLLM's own
per-call path do nothing for Konstruct's calls, for about a tenth of a worker's CPU:

- Token settlement of the rate limiter. After every call LiteLLM's limiter adds the call's
  tokens to per-key token counters in Redis (a second Redis round trip per call, after the
  rpm check's), whether or not any TPM limit applies. Only a counter that a TPM limit reads
  can matter, and every scope with a TPM limit is reserved before the call
  (`RequestRateLimiterStash.reserved_scopes`): `settled_only_where_limited` settles a call
  only if something was reserved, so a key with a TPM limit is counted exactly as LiteLLM
  counts it, and a key without one costs no second round trip. (A TPM limit set on a key
  later counts from then on: nothing was counting before.)
- Deployment usage. The router's `_increment_deployment_usage`, twice per call, looks up the
  deployment's model info (a deep copy of a cost-map entry) and dumps the deployment only to
  find that no deployment has an rpm/tpm limit, then does nothing. `remember_untracked`
  remembers that answer, LiteLLM's own, per deployment and model group, for
  `UNTRACKED_SECONDS` or until the router's deployment entry is replaced.

- Idle hooks. LiteLLM registers proxy hooks for features Konstruct does not use; each is
  gated on a request field the firewall refuses or a key setting custom auth never sets, so
  it does nothing, yet every call pays for dispatching to it (before the call, after it,
  and in the success logger). `leave_out_idle_hooks` takes them out of LiteLLM's callback
  lists once LiteLLM has started; `IDLE_HOOKS` says why each one is idle.

- Model-map misses. Several per-call paths (deployment usage above, the Responses-bridge
  check of every completion) look the deployment's model up in LiteLLM's model map. For a
  model the map does not know, as Ollama's and the local model's, every lookup misses, and
  a miss is not remembered; for Ollama it is worse: the miss makes LiteLLM ask the Ollama
  server itself (`POST /api/show`, a blocking call inside the request) every time.
  `map_priced_models` enters each such model of the router's deployments, once, at the
  price our configuration states for it (LiteLLM's own `register_model`); a model with no
  stated price is left alone. Even a lookup that hits asks first whether the model is one
  of the map's Ollama models, by building a set of the map's ~2,600 keys, lower-cased, per
  lookup (`OllamaModelInfo._is_static_ollama_model`, about 5% of the proxy's CPU in an agent
  turn on Ollama): `is_static_ollama_model` asks the same through LiteLLM's own
  case-insensitive index of the map (`get_model_cost_key`, rebuilt whenever
  `register_model` changes the map).

The rest are small patches of LiteLLM internals that configuration cannot reach. Guarded by
tests/proxy/test_gateway_per_call.py, which fails if LiteLLM's functions change shape or
behave differently under the patches.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

import litellm
from litellm.llms.ollama.common_utils import OllamaModelInfo
from litellm.proxy.hooks.parallel_request_limiter_v3 import (
    _PROXY_MaxParallelRequestsHandler_v3,
    get_request_stash_for_call,
)
from litellm.router import Router
from litellm.utils import get_model_cost_key

UNTRACKED_SECONDS = 60.0

# LiteLLM's hooks (class names) that do nothing for Konstruct's calls, and why.
IDLE_HOOKS: dict[str, str] = {
    "_PROXY_CacheControlCheck": "checks a request's `cache` controls: tenants cannot send "
    "`cache` (plugins/firewall.py) and no response cache is configured",
    "SkillsInjectionHook": "injects LiteLLM skills named in `container.skills` from its "
    "database: tenants cannot send `container`, and LiteLLM has no database here",
    "_PROXY_MaxIterationsHandler": "caps a session's iterations at an agent's "
    "`max_iterations`: no key or agent of ours carries one",
    "_PROXY_MaxBudgetPerSessionHandler": "caps a session's spend at a key's "
    "`max_budget_per_session`: custom auth never sets one",
    "_PROXY_SensitiveDataRoutingHandler": "reroutes sessions flagged by sensitive-data "
    "routing rules: none are configured, yet a tenant's `metadata.session_id` would cost "
    "a lookup per call",
    "PromptCacheObserver": "records providers' prompt-cache hits for LiteLLM's cache-aware "
    "routing and its prediction endpoint: neither is used",
    "_PROXY_VirtualKeyModelMaxBudgetLimiter": "enforces a key's `model_max_budget`: custom "
    "auth never sets one (budgets are Konstruct's, plugins/auth.py)",
}
# Where LiteLLM keeps callbacks: the list config callbacks go to, and the per-event lists it
# fans them out to.
CALLBACK_LISTS = (
    "callbacks",
    "success_callback",
    "_async_success_callback",
    "failure_callback",
    "_async_failure_callback",
)

Limiter = _PROXY_MaxParallelRequestsHandler_v3
_litellm_settlement_operations = Limiter._build_success_event_pipeline_operations


def settled_only_where_limited(
    settlement_operations: Callable[..., list[Any]],
) -> Callable[..., list[Any]]:
    """The limiter's token settlement after a successful call, left out when the call's
    admission reserved nothing, i.e. no TPM limit applied to it."""

    def _build_success_event_pipeline_operations(
        self: Any, kwargs: dict[str, Any], response_obj: object, rate_limit_type: Any
    ) -> list[Any]:
        call_id = kwargs.get("litellm_call_id") if isinstance(kwargs, dict) else None
        stash = get_request_stash_for_call(call_id) if isinstance(call_id, str) else None
        if (
            self.tpm_reservation_enabled  # else TPM is checked from these very counters
            and stash is not None
            and stash.owner_litellm_call_id == call_id  # this call's admission, not a guess
            and not stash.reserved_scopes
            and not stash.tpm_limited_tags
            and stash.ptu_ceiling is None
        ):
            return []
        return settlement_operations(
            self, kwargs=kwargs, response_obj=response_obj, rate_limit_type=rate_limit_type
        )

    return _build_success_event_pipeline_operations


_litellm_increment_deployment_usage = Router._increment_deployment_usage
# (router, deployment id, model group) -> (the router's deployment entry, valid until)
_untracked: dict[tuple[int, str, str], tuple[object, float]] = {}


def _deployment_entry(router: Router, deployment_id: str) -> object | None:
    index = router.model_id_to_deployment_index_map.get(deployment_id)
    return None if index is None else router.model_list[index]


def remember_untracked(
    increment: Callable[..., Awaitable[str | None]],
) -> Callable[..., Awaitable[str | None]]:
    """`Router._increment_deployment_usage`, skipped where LiteLLM itself found nothing to
    track for the same deployment entry and model group within `UNTRACKED_SECONDS`."""

    async def _increment_deployment_usage(
        self: Router,
        *,
        deployment_id: str,
        deployment_name: str | None,
        model_group: str,
        total_tokens: float,
        rpm_increment: int,
        parent_otel_span: Any,
    ) -> str | None:
        key = (id(self), deployment_id, model_group)
        entry = _deployment_entry(self, deployment_id)
        now = time.monotonic()
        known = _untracked.get(key)
        if known is not None and known[0] is entry and known[1] > now:
            return None
        tracked = await increment(
            self,
            deployment_id=deployment_id,
            deployment_name=deployment_name,
            model_group=model_group,
            total_tokens=total_tokens,
            rpm_increment=rpm_increment,
            parent_otel_span=parent_otel_span,
        )
        # Only a call that had something to count can tell that nothing is tracked.
        if tracked is None and entry is not None and (rpm_increment > 0 or total_tokens > 0):
            _untracked[key] = (entry, now + UNTRACKED_SECONDS)
        return tracked

    return _increment_deployment_usage


def leave_out_idle_hooks() -> list[str]:
    """Take `IDLE_HOOKS` out of LiteLLM's callback lists (after its start-up filled them);
    the class names taken out, in order."""
    left_out: list[str] = []
    for attribute in CALLBACK_LISTS:
        callbacks = getattr(litellm, attribute)
        kept = [c for c in callbacks if type(c).__name__ not in IDLE_HOOKS]
        left_out += [type(c).__name__ for c in callbacks if type(c).__name__ in IDLE_HOOKS]
        callbacks[:] = kept  # in place: LiteLLM's modules hold these very lists
    return list(dict.fromkeys(left_out))


PRICES = ("input_cost_per_token", "output_cost_per_token")


def _stated_prices(deployment: dict[str, Any]) -> dict[str, float] | None:
    """The per-token prices the configuration states for a deployment (model_info first,
    then litellm_params), or None when it states none."""
    params = deployment.get("litellm_params") or {}
    info = deployment.get("model_info") or {}
    stated: dict[str, float] = {}
    for name in PRICES:
        price = info.get(name, params.get(name))
        if price is None:
            return None
        stated[name] = float(price)
    return stated


def map_priced_models(router: Router | None) -> list[str]:
    """Enter the router's deployments' models that LiteLLM's model map lacks, and whose price
    the configuration states, into that map at that price; the models entered."""
    if router is None:
        return []
    entered: dict[str, dict[str, Any]] = {}
    for deployment in router.model_list:
        model = str((deployment.get("litellm_params") or {}).get("model") or "")
        prices = _stated_prices(deployment)
        if not model or prices is None or model in litellm.model_cost or model in entered:
            continue
        _, provider, _, _ = litellm.get_llm_provider(model=model)
        mode = (deployment.get("model_info") or {}).get("mode") or "chat"
        entered[model] = {**prices, "litellm_provider": provider, "mode": mode}
    if entered:
        litellm.register_model(entered)
    return list(entered)


_litellm_is_static_ollama_model = OllamaModelInfo._is_static_ollama_model


def is_static_ollama_model(model: str) -> bool:
    """Whether LiteLLM's model map holds this Ollama model under any of the names LiteLLM
    tries (as given, bare, `ollama/…`, `ollama_chat/…`), case-insensitively."""
    bare = OllamaModelInfo._strip_ollama_model_prefix(model)
    names = (model, bare, f"ollama/{bare}", f"ollama_chat/{bare}")
    return any(get_model_cost_key(name) is not None for name in names)


def install() -> None:
    """Idempotent: each proxy worker calls it when it imports the app.

    The methods are replaced on LiteLLM's own classes, not in subclasses: LiteLLM finds the
    hooks a callback implements in its class's own `__dict__`, so a subclass of its limiter
    would silently stop checking rpm at all."""
    Limiter._build_success_event_pipeline_operations = settled_only_where_limited(
        _litellm_settlement_operations
    )
    Router._increment_deployment_usage = remember_untracked(_litellm_increment_deployment_usage)
    OllamaModelInfo._is_static_ollama_model = staticmethod(is_static_ollama_model)
