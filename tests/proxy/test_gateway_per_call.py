"""The per-call patches of LiteLLM (proxy/gateway/per_call.py) still fit and change nothing but
the work left out; the hooks left out do nothing for a tenant's call. Through a running proxy:
tests/proxy/test_gateway_workers.py (a key without a TPM limit leaves no token counter; one
with a limit is counted and refused exactly, across two workers)."""

import copy
import inspect
import uuid

import pytest
from litellm.proxy.hooks.parallel_request_limiter_v3 import (
    RequestRateLimiterStash,
    _PROXY_MaxParallelRequestsHandler_v3,
)
from litellm.router import Router

from proxy.gateway import per_call
from tests.fakes.ollama import OllamaFake

pytestmark = pytest.mark.unit


def _router() -> Router:
    """Our kind of deployment (no rpm/tpm anywhere), and one with an rpm limit."""
    return Router(
        model_list=[
            {
                "model_name": "konstruct-fast",
                "litellm_params": {
                    "model": "openai/gpt-4o-mini",
                    "api_base": "http://127.0.0.1:9/v1",
                    "api_key": "sk-unused",
                },
                "model_info": {"id": "fast-openai"},
            },
            {
                "model_name": "limited",
                "litellm_params": {
                    "model": "openai/gpt-4o-mini",
                    "api_base": "http://127.0.0.1:9/v1",
                    "api_key": "sk-unused",
                    "rpm": 10,
                },
                "model_info": {"id": "limited-openai"},
            },
        ]
    )


def _usage(deployment_id: str, model_group: str) -> dict[str, object]:
    return {
        "deployment_id": deployment_id,
        "deployment_name": "openai/gpt-4o-mini",
        "model_group": model_group,
        "total_tokens": 18,
        "rpm_increment": 1,
        "parent_otel_span": None,
    }


def test_the_limiters_settlement_is_still_where_the_patch_cuts_in() -> None:
    original = per_call._litellm_settlement_operations
    assert list(inspect.signature(original).parameters) == [
        "self",
        "kwargs",
        "response_obj",
        "rate_limit_type",
    ]
    success = inspect.getsource(_PROXY_MaxParallelRequestsHandler_v3.async_log_success_event)
    assert "self._build_success_event_pipeline_operations(" in success
    # What the patch reads from a call's admission.
    fields = set(RequestRateLimiterStash.__dataclass_fields__)
    assert {"owner_litellm_call_id", "reserved_scopes", "tpm_limited_tags", "ptu_ceiling"} <= fields


def test_installed_on_litellms_own_classes_never_on_subclasses() -> None:
    per_call.install()
    per_call.install()  # idempotent: still one wrapper around LiteLLM's function
    patched = _PROXY_MaxParallelRequestsHandler_v3._build_success_event_pipeline_operations
    assert patched is not per_call._litellm_settlement_operations
    assert patched.__closure__ is not None
    assert per_call._litellm_settlement_operations in [c.cell_contents for c in patched.__closure__]
    # LiteLLM finds a callback's hooks in its class's own __dict__: the limiter keeps them.
    assert "async_pre_call_hook" in _PROXY_MaxParallelRequestsHandler_v3.__dict__
    assert Router._increment_deployment_usage is not per_call._litellm_increment_deployment_usage


async def test_litellm_tracks_no_usage_for_our_deployments_and_the_patch_remembers_that() -> None:
    router = _router()
    original = per_call._litellm_increment_deployment_usage
    # LiteLLM itself finds nothing to count for a deployment without limits...
    assert await original(router, **_usage("fast-openai", "konstruct-fast")) is None
    # ...and counts one with an rpm limit (so "None" really means "nothing to track").
    tracked = await original(router, **_usage("limited-openai", "limited"))
    assert isinstance(tracked, str)
    assert "limited-openai" in tracked

    patched = per_call.remember_untracked(original)
    per_call._untracked.clear()
    assert await patched(router, **_usage("fast-openai", "konstruct-fast")) is None
    assert (id(router), "fast-openai", "konstruct-fast") in per_call._untracked
    assert await patched(router, **_usage("fast-openai", "konstruct-fast")) is None
    assert isinstance(await patched(router, **_usage("limited-openai", "limited")), str)
    assert isinstance(await patched(router, **_usage("limited-openai", "limited")), str)
    assert (id(router), "limited-openai", "limited") not in per_call._untracked


async def test_a_replaced_deployment_is_asked_again() -> None:
    router = _router()
    patched = per_call.remember_untracked(per_call._litellm_increment_deployment_usage)
    per_call._untracked.clear()
    assert await patched(router, **_usage("fast-openai", "konstruct-fast")) is None
    index = router.model_id_to_deployment_index_map["fast-openai"]
    entry = router.model_list[index]
    router.model_list[index] = {**entry, "litellm_params": {**entry["litellm_params"], "rpm": 5}}
    tracked = await patched(router, **_usage("fast-openai", "konstruct-fast"))
    assert isinstance(tracked, str)
    assert "fast-openai" in tracked


async def test_a_call_with_nothing_to_count_teaches_nothing() -> None:
    router = _router()
    patched = per_call.remember_untracked(per_call._litellm_increment_deployment_usage)
    per_call._untracked.clear()
    nothing = {**_usage("fast-openai", "konstruct-fast"), "total_tokens": 0, "rpm_increment": 0}
    assert await patched(router, **nothing) is None
    assert per_call._untracked == {}


def _idle_hook_classes() -> dict[str, type]:
    from litellm.proxy.hooks import PROXY_HOOKS
    from litellm.proxy.hooks.model_max_budget_limiter import (
        _PROXY_VirtualKeyModelMaxBudgetLimiter,
    )

    registered = {cls.__name__: cls for cls in PROXY_HOOKS.values()}
    registered[_PROXY_VirtualKeyModelMaxBudgetLimiter.__name__] = (
        _PROXY_VirtualKeyModelMaxBudgetLimiter
    )
    return registered


def test_every_idle_hook_is_one_litellm_registers() -> None:
    registered = _idle_hook_classes()
    assert set(per_call.IDLE_HOOKS) <= set(registered), set(per_call.IDLE_HOOKS) - set(registered)
    # The ones that do work for us stay: the limiter and the Responses id seal.
    assert not {"_PROXY_MaxParallelRequestsHandler_v3", "ResponsesIDSecurity"} & set(
        per_call.IDLE_HOOKS
    )


@pytest.mark.parametrize("name", sorted(per_call.IDLE_HOOKS))
async def test_an_idle_hook_does_nothing_to_a_tenant_call(name: str) -> None:
    """Before the call, with what a tenant can send (a session id in its metadata) and what
    custom auth grants (plugins/auth.py)."""
    from litellm.caching.caching import DualCache
    from litellm.proxy._types import LitellmUserRoles, UserAPIKeyAuth
    from litellm.proxy.utils import InternalUsageCache

    cls = _idle_hook_classes()[name]
    wanted = inspect.signature(cls).parameters
    made = {
        "internal_usage_cache": InternalUsageCache(dual_cache=DualCache()),
        "dual_cache": DualCache(),
    }
    hook = cls(**{k: v for k, v in made.items() if k in wanted})
    key = UserAPIKeyAuth(
        api_key="a" * 64,
        token="a" * 64,
        user_role=LitellmUserRoles.INTERNAL_USER,
        rpm_limit=60,
        models=["konstruct-fast", "konstruct-quality"],
        metadata={"konstruct_tenant_id": "t", "konstruct_key_id": "k"},
    )
    data = {
        "model": "konstruct-fast",
        "messages": [{"role": "user", "content": "hello"}],
        "metadata": {"session_id": "session-1", "konstruct_agent_id": "a"},
    }
    before = copy.deepcopy(data)
    answer = await hook.async_pre_call_hook(
        user_api_key_dict=key, cache=DualCache(), data=data, call_type="acompletion"
    )
    assert answer is None or answer == before, name
    assert data == before, name


def test_idle_hooks_are_taken_out_of_every_callback_list_in_place() -> None:
    import litellm

    registered = _idle_hook_classes()
    idle = registered["_PROXY_CacheControlCheck"]()
    busy = per_call.Limiter.__new__(per_call.Limiter)
    lists = {name: getattr(litellm, name) for name in per_call.CALLBACK_LISTS}
    saved = {name: list(value) for name, value in lists.items()}
    try:
        for value in lists.values():
            value[:] = [idle, busy]
        assert per_call.leave_out_idle_hooks() == ["_PROXY_CacheControlCheck"]
        for name, value in lists.items():
            assert getattr(litellm, name) is value  # the same list LiteLLM's modules hold
            assert value == [busy], name
    finally:
        for name, value in lists.items():
            value[:] = saved[name]


async def test_litellm_takes_the_body_the_firewall_parsed_without_reading_it_again() -> None:
    """plugins/firewall.py leaves the parsed body where LiteLLM keeps its own."""
    from litellm.proxy.common_utils.http_parsing_utils import _read_request_body
    from starlette.requests import Request

    from plugins.firewall import LITELLM_PARSED_BODY

    async def receive() -> dict[str, object]:
        raise AssertionError("LiteLLM read the body again")

    body = {"model": "konstruct-fast", "messages": [{"role": "user", "content": "hi"}]}
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/chat/completions",
        "headers": [(b"content-type", b"application/json")],
        "query_string": b"",
        LITELLM_PARSED_BODY: (tuple(body), body),
    }
    assert await _read_request_body(Request(scope, receive)) == body


def _ollama_router(model: str, api_base: str, **model_info: object) -> Router:
    return Router(
        model_list=[
            {
                "model_name": "konstruct-fast",
                "litellm_params": {"model": model, "api_base": api_base, "max_retries": 0},
                "model_info": {"id": "fast-ollama", **model_info},
            }
        ]
    )


def test_litellm_asks_the_ollama_server_about_a_model_its_map_lacks_at_every_lookup(
    fake_ollama: OllamaFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why `map_priced_models` is needed: the lookup every completion makes (the Responses
    bridge check's, uncached) asks Ollama (`POST /api/show`, at OLLAMA_API_BASE), again and
    again; once the model is entered, LiteLLM answers from its map at the stated price."""
    import litellm
    from litellm.responses.bridge_check import responses_api_bridge_check

    monkeypatch.setenv("OLLAMA_API_BASE", fake_ollama.url)
    model = f"ollama_chat/unmapped-{uuid.uuid4().hex[:8]}"
    for _ in range(2):
        responses_api_bridge_check(model=model, custom_llm_provider="ollama_chat")
    assert [r.path for r in fake_ollama.requests] == ["/api/show", "/api/show"]

    router = _ollama_router(model, fake_ollama.url, input_cost_per_token=0, output_cost_per_token=0)
    assert per_call.map_priced_models(router) == [model]
    fake_ollama.clear()
    for _ in range(2):
        info, _ = responses_api_bridge_check(model=model, custom_llm_provider="ollama_chat")
    assert fake_ollama.requests == []
    assert info["mode"] == "chat"  # a chat completion stays one (no Responses bridge)
    info = litellm.get_model_info(model, custom_llm_provider="ollama_chat")
    assert (info["input_cost_per_token"], info["output_cost_per_token"]) == (0, 0)
    assert info["litellm_provider"] == "ollama_chat"
    assert per_call.map_priced_models(router) == []  # already entered


def test_a_model_with_no_stated_price_or_one_litellm_knows_is_left_alone(
    fake_ollama: OllamaFake,
) -> None:
    import litellm

    unpriced = f"ollama_chat/unpriced-{uuid.uuid4().hex[:8]}"
    assert per_call.map_priced_models(_ollama_router(unpriced, fake_ollama.url)) == []
    assert unpriced not in litellm.model_cost
    known = Router(
        model_list=[
            {
                "model_name": "konstruct-fast",
                "litellm_params": {"model": "gpt-4o-mini", "api_key": "sk-unused"},
                "model_info": {"id": "fast-openai", "input_cost_per_token": 0},
            }
        ]
    )
    price = litellm.model_cost["gpt-4o-mini"]["input_cost_per_token"]
    assert per_call.map_priced_models(known) == []
    assert litellm.model_cost["gpt-4o-mini"]["input_cost_per_token"] == price


def test_the_ollama_static_model_check_answers_as_litellms_own() -> None:
    """The patched check answers exactly what LiteLLM's set-per-call check answers, and
    still sees a model entered through `register_model`."""
    import litellm
    from litellm.llms.ollama.common_utils import OllamaModelInfo

    original = per_call._litellm_is_static_ollama_model
    assert "potential_model_names" in inspect.getsource(original)
    per_call.install()
    assert OllamaModelInfo._is_static_ollama_model is per_call.is_static_ollama_model
    ollama_keys = [k for k in litellm.model_cost if k.startswith(("ollama/", "ollama_chat/"))]
    assert ollama_keys, "LiteLLM's map has no Ollama model any more"
    names = [
        *ollama_keys[:20],
        *(k.split("/", 1)[1] for k in ollama_keys[:5]),
        *(k.upper() for k in ollama_keys[:5]),
        "gpt-4o-mini",
        "ollama_chat/llama3.2:1b",
        f"ollama_chat/nowhere-{uuid.uuid4().hex[:8]}",
    ]
    for name in names:
        assert per_call.is_static_ollama_model(name) is original(name), name
    entered = f"ollama_chat/entered-{uuid.uuid4().hex[:8]}"
    litellm.register_model({entered: {"litellm_provider": "ollama_chat", "mode": "chat"}})
    assert per_call.is_static_ollama_model(entered) is original(entered) is True
