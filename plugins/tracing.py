"""Call tracer: the model call as spans under the proxy's request span.

Before the call it names the request span's tenant, agent and model group and notes the
span's `traceparent` in the call's metadata; once LiteLLM logs the call as a success it
records, with LiteLLM's own timings, a gateway span (tenant, agent, model group, the
deployment the router picked, tokens, cost) and under it the provider call. LiteLLM logs
in a task of its own, often after the request span ended, so the parent travels
explicitly. Message text never becomes an attribute.
"""

from datetime import datetime
from typing import Any

from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import UserAPIKeyAuth
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from plugins.notes import logged_notes, notes
from plugins.usage import gateway_call_id
from telemetry.tracing import (
    AGENT_ID,
    TENANT_ID,
    TRACEPARENT,
    current_trace,
    epoch_nanos,
    extract,
    tracer,
)

# Ours (clients cannot set `konstruct_` metadata keys: plugins/persona.py refuses them).
TRACE_METADATA_KEY = "konstruct_traceparent"
MODEL_GROUP = "konstruct.model_group"
DEPLOYMENT = "konstruct.deployment"
COST_USD = "konstruct.cost_usd"
CALL_ID = "konstruct.call_id"


def _call_attributes(
    payload: dict[str, Any], request_metadata: dict[str, Any], call_id: str
) -> dict[str, Any]:
    ours = (payload.get("metadata") or {}).get("user_api_key_auth_metadata") or {}
    attributes: dict[str, Any] = {
        MODEL_GROUP: payload.get("model_group"),
        DEPLOYMENT: payload.get("model_id"),
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": payload.get("custom_llm_provider"),
        "gen_ai.request.model": payload.get("model"),
        "gen_ai.usage.input_tokens": int(payload.get("prompt_tokens") or 0),
        "gen_ai.usage.output_tokens": int(payload.get("completion_tokens") or 0),
        COST_USD: float(payload.get("response_cost") or 0.0),
        CALL_ID: call_id,
        TENANT_ID: ours.get("konstruct_tenant_id"),
        AGENT_ID: request_metadata.get("konstruct_agent_id"),
    }
    return {name: value for name, value in attributes.items() if value is not None}


class CallTracer(CustomLogger):
    async def async_pre_call_hook(
        self,
        user_api_key_dict: UserAPIKeyAuth,
        cache: Any,  # noqa: ARG002
        data: dict[str, Any],
        call_type: Any,  # noqa: ARG002
    ) -> dict[str, Any]:
        span = trace.get_current_span()
        if not span.is_recording():
            return data
        metadata = notes(data)
        # After the persona hook (litellm_config.yaml lists it first): agent and group are final.
        attributes = {
            TENANT_ID: (user_api_key_dict.metadata or {}).get("konstruct_tenant_id"),
            AGENT_ID: metadata.get("konstruct_agent_id"),
            MODEL_GROUP: data.get("model"),
        }
        span.set_attributes({name: str(value) for name, value in attributes.items() if value})
        traceparent = current_trace().get(TRACEPARENT)
        if traceparent:
            metadata[TRACE_METADATA_KEY] = traceparent
        return data

    async def async_log_success_event(
        self,
        kwargs: dict[str, Any],
        response_obj: Any,  # noqa: ARG002
        start_time: datetime,
        end_time: datetime,
    ) -> None:
        request_metadata = logged_notes(kwargs)
        traceparent = request_metadata.get(TRACE_METADATA_KEY)
        payload = kwargs.get("standard_logging_object")
        if not traceparent or not payload:
            return
        attributes = _call_attributes(payload, request_metadata, gateway_call_id(kwargs))
        end = epoch_nanos(end_time)
        calls = tracer("konstruct.gateway")
        gateway = calls.start_span(
            f"gateway {payload.get('model_group') or ''}".strip(),
            context=extract({TRACEPARENT: str(traceparent)}),
            attributes=attributes,
            start_time=epoch_nanos(start_time),
        )
        provider = calls.start_span(
            f"chat {payload.get('model') or ''}".strip(),
            context=trace.set_span_in_context(gateway),
            kind=SpanKind.CLIENT,
            attributes={
                name: value
                for name, value in attributes.items()
                if name.startswith("gen_ai.") or name == DEPLOYMENT
            },
            start_time=epoch_nanos(kwargs.get("api_call_start_time") or start_time),
        )
        first_token = epoch_nanos(kwargs.get("completion_start_time"))
        if payload.get("stream") and first_token is not None:
            provider.add_event("first token", timestamp=first_token)
        provider.end(end_time=end)
        gateway.end(end_time=end)


call_tracer = CallTracer()
