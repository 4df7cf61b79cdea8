"""Persona hook: the agent named in `X-Konstruct-Agent` speaks, on its model tier, and its
answers pass the AI-disclosure guard (policies/disclosure.py) before the caller reads them.

Also the budget-aware downgrade of `konstruct-quality` to `konstruct-fast` near the end of
a tenant's budget. Which request fields a tenant may set is the firewall's (plugins/firewall.py).

The guard covers chat completions and the Responses API, plain and streamed: a streamed
answer's text is held back until the guard has judged it (sentence by sentence, or the
whole answer when the person asked whether they talk to a human), then released with the
corrections in place; the Responses API's closing events carry the same corrected text.
"""

from collections.abc import AsyncGenerator
from typing import Any
from uuid import UUID

from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import ProxyException, UserAPIKeyAuth
from litellm.types.llms.openai import OutputTextDeltaEvent

from plugins.call_types import CHAT, RESPONSES_CREATE, call_kind
from plugins.contracts import services
from plugins.notes import notes
from policies.disclosure import StreamGuard, guard_answer
from policies.limits import MODEL_TIER_GROUPS, BudgetState, degrade_model_group
from policies.persona import with_caller_instructions

AGENT_HEADER = "x-konstruct-agent"
# The calls an agent speaks in; the Responses API takes its system prompt as
# `instructions`, chat as a first system message.
SPOKEN_CALLS = CHAT | {RESPONSES_CREATE}
# Set on a call an agent speaks in: the name its disclosure gives.
AGENT_NAME_NOTE = "konstruct_agent_name"


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
            metadata[AGENT_NAME_NOTE] = agent.name
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

    async def async_post_call_success_hook(
        self,
        data: dict[str, Any],
        user_api_key_dict: UserAPIKeyAuth,  # noqa: ARG002
        response: Any,
    ) -> Any:
        agent_name = notes(data).get(AGENT_NAME_NOTE)
        if agent_name is None:
            return response
        question = last_question(data)
        for choice in _get(response, "choices") or []:
            message = _get(choice, "message")
            content = _get(message, "content")
            if isinstance(content, str):
                _set(
                    message,
                    "content",
                    guard_answer(content, question=question, agent_name=agent_name),
                )
        _guard_output(_get(response, "output"), question, agent_name)
        return response

    async def async_post_call_streaming_iterator_hook(
        self,
        user_api_key_dict: UserAPIKeyAuth,  # noqa: ARG002
        response: Any,
        request_data: dict[str, Any],
    ) -> AsyncGenerator[Any, None]:
        agent_name = notes(request_data).get(AGENT_NAME_NOTE)
        if agent_name is None:
            async for chunk in response:
                yield chunk
            return
        question = last_question(request_data)
        guards: dict[Any, StreamGuard] = {}

        def guard(key: Any) -> StreamGuard:
            if key not in guards:
                guards[key] = StreamGuard(question=question, agent_name=agent_name)
            return guards[key]

        async for chunk in response:
            kind = call_kind(_get(chunk, "type") or "")
            if kind.startswith("response."):
                async for event in _guard_response_event(chunk, kind, guard, question, agent_name):
                    yield event
                continue
            for choice in _get(chunk, "choices") or []:
                delta = _get(choice, "delta")
                held = guard(_get(choice, "index") or 0)
                content = _get(delta, "content")
                shown = held.push(content) if isinstance(content, str) and content else None
                if _get(choice, "finish_reason") is not None:
                    shown = (shown or "") + held.close()
                if shown is not None and delta is not None:
                    _set(delta, "content", shown)
            yield chunk


def _get(obj: Any, name: str) -> Any:
    """A field of a LiteLLM object or of its dict form."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _set(obj: Any, name: str, value: Any) -> None:
    if isinstance(obj, dict):
        obj[name] = value
    else:
        setattr(obj, name, value)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [_get(part, "text") for part in content]
        return "\n".join(text for text in texts if isinstance(text, str))
    return ""


def last_question(data: dict[str, Any]) -> str | None:
    """What the person said last: the last user message of a chat, or of a Responses input."""
    items = data.get("messages")
    if items is None:
        items = data.get("input")
    if isinstance(items, str):
        return items
    for item in reversed(items if isinstance(items, list) else []):
        if _get(item, "role") == "user":
            return _text_of(_get(item, "content"))
    return None


def _guard_output(output: Any, question: str | None, agent_name: str) -> None:
    """A Responses API result's output text, corrected in place."""
    for item in output if isinstance(output, list) else []:
        _guard_parts(_get(item, "content"), question, agent_name)


def _guard_parts(parts: Any, question: str | None, agent_name: str) -> None:
    for part in parts if isinstance(parts, list) else [parts]:
        text = _get(part, "text") if part is not None else None
        if _get(part, "type") == "output_text" and isinstance(text, str):
            _set(part, "text", guard_answer(text, question=question, agent_name=agent_name))


async def _guard_response_event(
    event: Any,
    kind: str,
    guard: Any,
    question: str | None,
    agent_name: str,
) -> AsyncGenerator[Any, None]:
    """One Responses API stream event as the caller may see it (maybe preceded by the text
    the guard held back until the part was done)."""
    key = (_get(event, "item_id"), _get(event, "content_index"))
    if kind == "response.output_text.delta":
        _set(event, "delta", guard(key).push(str(_get(event, "delta") or "")))
    elif kind == "response.output_text.done":
        rest = guard(key).close()
        if rest:
            yield _delta_event(event, rest)
        text = str(_get(event, "text") or "")
        _set(event, "text", guard_answer(text, question=question, agent_name=agent_name))
    elif kind == "response.content_part.done":
        _guard_parts(_get(event, "part"), question, agent_name)
    elif kind == "response.output_item.done":
        _guard_parts(_get(_get(event, "item"), "content"), question, agent_name)
    elif kind in ("response.completed", "response.incomplete"):
        _guard_output(_get(_get(event, "response"), "output"), question, agent_name)
    yield event


def _delta_event(done: Any, text: str) -> Any:
    fields = {
        "type": "response.output_text.delta",
        "item_id": _get(done, "item_id"),
        "output_index": _get(done, "output_index"),
        "content_index": _get(done, "content_index"),
        "delta": text,
    }
    return fields if isinstance(done, dict) else OutputTextDeltaEvent(**fields)


persona_hook = PersonaHook()
