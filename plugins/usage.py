"""Usage logger: every successful call, once, into usage_events and the spend counter.

LiteLLM fires success once per call (streams at their end) and failure events for
401/429 and for each failed fallback attempt; only successes are spend, and the gateway's
own call id (never the provider's response id) makes recording idempotent.
"""

import logging
import math
from decimal import Decimal
from typing import Any
from uuid import UUID

from litellm.integrations.custom_logger import CustomLogger

from plugins.contracts import UsageRecord, services
from plugins.notes import logged_notes

log = logging.getLogger("konstruct.usage")


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _milliseconds(seconds: object) -> int | None:
    """LiteLLM's `response_time` (seconds, the whole call: a stream to its end) in ms."""
    try:
        value = float(str(seconds))
    except ValueError:
        return None
    return max(0, round(value * 1000)) if math.isfinite(value) else None


def gateway_call_id(kwargs: dict[str, Any]) -> str:
    """The gateway's own id of one call. The logging object's `id` is the provider's
    response id when there is one, which two calls can share (a cached or replayed answer,
    a provider that reuses ids), so it cannot key a usage row."""
    call_id = kwargs.get("litellm_call_id") or (kwargs.get("litellm_params") or {}).get(
        "litellm_call_id"
    )
    if not call_id:
        raise ValueError("LiteLLM logged a call without its litellm_call_id")
    return str(call_id)


def usage_record(
    payload: dict[str, Any], request_metadata: dict[str, Any], call_id: str
) -> UsageRecord | None:
    """The usage row for one call (None: not a tenant call).

    `payload` is LiteLLM's standard logging object; `request_metadata` the call's own
    metadata, where the persona hook noted which agent spoke; `call_id` the gateway's id.
    """
    metadata = payload.get("metadata") or {}
    ours = metadata.get("user_api_key_auth_metadata") or {}
    tenant_id = _uuid(ours.get("konstruct_tenant_id"))
    if tenant_id is None:
        return None
    return UsageRecord(
        tenant_id=tenant_id,
        call_id=call_id,
        model_group=str(payload.get("model_group") or ""),
        model=str(payload.get("model") or ""),
        prompt_tokens=int(payload.get("prompt_tokens") or 0),
        completion_tokens=int(payload.get("completion_tokens") or 0),
        cost_usd=Decimal(str(payload.get("response_cost") or 0)),
        agent_id=_uuid(request_metadata.get("konstruct_agent_id")),
        key_id=_uuid(ours.get("konstruct_key_id")),
        latency_ms=_milliseconds(payload.get("response_time")),
    )


class UsageLogger(CustomLogger):
    async def async_log_success_event(
        self,
        kwargs: dict[str, Any],
        response_obj: Any,  # noqa: ARG002
        start_time: Any,  # noqa: ARG002
        end_time: Any,  # noqa: ARG002
    ) -> None:
        payload = kwargs.get("standard_logging_object")
        if not payload:
            return
        request_metadata = logged_notes(kwargs)
        record = usage_record(payload, request_metadata, gateway_call_id(kwargs))
        if record is None:
            return
        try:
            await services().record_usage(record)
        except Exception:  # a lost usage row must not turn a delivered answer into an error
            log.exception("could not record usage for call %s", record.call_id)


usage_logger = UsageLogger()
