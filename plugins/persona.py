"""Persona hook: the agent named in `X-Konstruct-Agent` speaks, on its model tier.

Also the budget-aware downgrade of `konstruct-quality` to `konstruct-fast` near the end of
a tenant's budget. Which request fields a tenant may set is the firewall's (plugins/firewall.py).
"""

from typing import Any
from uuid import UUID

from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import ProxyException, UserAPIKeyAuth

from plugins.call_types import CHAT, RESPONSES_CREATE, call_kind
from plugins.contracts import services
from plugins.notes import notes
from policies.limits import MODEL_TIER_GROUPS, BudgetState, degrade_model_group
from policies.persona import with_caller_instructions

AGENT_HEADER = "x-konstruct-agent"
# The calls an agent speaks in; the Responses API takes its system prompt as
# `instructions`, chat as a first system message.
SPOKEN_CALLS = CHAT | {RESPONSES_CREATE}


def _not_found(message: str) -> ProxyException:
    return ProxyException(
        message=message,
        type="invalid_request_error",
        param="X-Konstruct-Agent",
        code=404,
        openai_code="not_found",
    )


def _header(data: dict[str, Any], name: str) -> str | None:
    headers = (data.get("proxy_server_request") or {}).get("headers") or {}
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return None


def ask_for_stream_usage(data: dict[str, Any]) -> None:
    """A streamed call is billed from the usage its provider reports at the end, which
    OpenAI-style providers send only when asked. LiteLLM asks by itself only when every
    deployment of the group supports `stream_options` (ours mix providers), so ask here,
    and have LiteLLM strip the usage chunk again if the client did not ask for it."""
    if data.get("stream") is not True:
        return
    options = data.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage") is True:
        return
    data["stream_options"] = {
        **(options if isinstance(options, dict) else {}),
        "include_usage": True,
    }
    data["_litellm_strip_stream_usage"] = True


class PersonaHook(CustomLogger):
    async def async_pre_call_hook(
        self,
        user_api_key_dict: UserAPIKeyAuth,
        cache: Any,  # noqa: ARG002
        data: dict[str, Any],
        call_type: Any,
    ) -> dict[str, Any]:
        ours = user_api_key_dict.metadata or {}
        tenant = ours.get("konstruct_tenant_id")
        kind = call_kind(call_type)
        if tenant is None or kind not in SPOKEN_CALLS:
            return data
        metadata = notes(data)
        agent_ref = _header(data, AGENT_HEADER)
        if agent_ref:
            agent = await services().agent(UUID(tenant), agent_ref.strip())
            if agent is None or not agent.is_active:
                raise _not_found(f"No active agent '{agent_ref}' in this tenant.")
            if kind == RESPONSES_CREATE:
                data["instructions"] = with_caller_instructions(
                    agent.system_prompt, data.get("instructions")
                )
            else:
                messages = list(data.get("messages") or [])
                data["messages"] = [{"role": "system", "content": agent.system_prompt}, *messages]
            data["model"] = MODEL_TIER_GROUPS.get(agent.model_tier, data.get("model"))
            metadata["konstruct_agent_id"] = str(agent.id)
        requested = str(data.get("model"))
        served = degrade_model_group(requested, BudgetState(ours["konstruct_budget_state"]))
        if served != requested:
            data["model"] = served
            metadata["konstruct_degraded_from"] = requested
        if kind != RESPONSES_CREATE:  # a response reports its usage in its last event anyway
            ask_for_stream_usage(data)
        return data

    async def async_post_call_response_headers_hook(
        self,
        data: dict[str, Any],
        user_api_key_dict: UserAPIKeyAuth,  # noqa: ARG002
        response: Any,  # noqa: ARG002
        request_headers: dict[str, str] | None = None,  # noqa: ARG002
        litellm_call_info: dict[str, Any] | None = None,  # noqa: ARG002
    ) -> dict[str, str] | None:
        metadata = notes(data)
        headers: dict[str, str] = {}
        if "konstruct_agent_id" in metadata:
            headers["x-konstruct-agent-id"] = metadata["konstruct_agent_id"]
        if "konstruct_degraded_from" in metadata:
            headers["x-konstruct-degraded"] = (
                f"{metadata['konstruct_degraded_from']}->{data.get('model')}; budget nearly used"
            )
        return headers or None


persona_hook = PersonaHook()
