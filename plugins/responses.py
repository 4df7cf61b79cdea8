"""Responses API ownership: a response id is served only to the tenant that created it.

The provider account behind the gateway is shared by every tenant and answers any caller
holding the platform's key for any id, so the gateway keeps whose each id is (Postgres,
under RLS) and refuses another tenant's id with 404 before any provider call: retrieve,
input items, cancel, delete, and a new response's `previous_response_id`.
"""

from collections.abc import AsyncGenerator
from typing import Any
from uuid import UUID

from litellm.integrations.custom_logger import CustomLogger
from litellm.proxy._types import ProxyException, UserAPIKeyAuth
from litellm.proxy.hooks.responses_id_security import decrypted_response_id

from plugins.call_types import RESPONSES_BY_ID, RESPONSES_CREATE, call_kind
from plugins.contracts import services


def _tenant_of(user_api_key_dict: UserAPIKeyAuth) -> UUID | None:
    tenant = (user_api_key_dict.metadata or {}).get("konstruct_tenant_id")
    return UUID(tenant) if tenant else None


def _not_found(response_id: str, param: str | None) -> ProxyException:
    return ProxyException(
        message=f"No response found with id '{response_id}'.",
        type="invalid_request_error",
        param=param,
        code=404,
        openai_code="not_found",
    )


def _response_id(obj: Any) -> str | None:
    """The id of a Responses API result (an object or its dict), else None."""
    kind = obj.get("object") if isinstance(obj, dict) else getattr(obj, "object", None)
    found = obj.get("id") if isinstance(obj, dict) else getattr(obj, "id", None)
    return owned_id(str(found)) if kind == "response" and found else None


def owned_id(response_id: str) -> str:
    """The id as ownership is recorded. LiteLLM hands clients its own sealed form of each
    provider id (and unseals what they send) in a hook of its own, which may run before or
    after ours: both forms are recorded and looked up as the id inside the seal."""
    return str(decrypted_response_id(response_id))


class ResponseOwnership(CustomLogger):
    async def async_pre_call_hook(
        self,
        user_api_key_dict: UserAPIKeyAuth,
        cache: Any,  # noqa: ARG002
        data: dict[str, Any],
        call_type: Any,
    ) -> dict[str, Any]:
        tenant = _tenant_of(user_api_key_dict)
        kind = call_kind(call_type)
        if tenant is None or (kind != RESPONSES_CREATE and kind not in RESPONSES_BY_ID):
            return data
        param = "previous_response_id" if kind == RESPONSES_CREATE else None
        named = data.get(param or "response_id")
        if named and not await services().owns_response(tenant, owned_id(str(named))):
            raise _not_found(str(named), param)
        return data

    async def async_post_call_success_hook(
        self,
        data: dict[str, Any],  # noqa: ARG002
        user_api_key_dict: UserAPIKeyAuth,
        response: Any,
    ) -> Any:
        tenant = _tenant_of(user_api_key_dict)
        response_id = _response_id(response)
        if tenant is not None and response_id is not None:
            await services().record_response(tenant, response_id)
        return response

    async def async_post_call_streaming_iterator_hook(
        self,
        user_api_key_dict: UserAPIKeyAuth,
        response: Any,
        request_data: dict[str, Any],  # noqa: ARG002
    ) -> AsyncGenerator[Any, None]:
        tenant = _tenant_of(user_api_key_dict)
        recorded = tenant is None
        async for event in response:
            if not recorded:
                # The first event (`response.created`) names the id: recorded before the
                # caller has seen it.
                created = getattr(event, "response", None)
                if created is None and isinstance(event, dict):
                    created = event.get("response")
                response_id = _response_id(created) if created is not None else None
                if response_id is not None and tenant is not None:
                    await services().record_response(tenant, response_id)
                    recorded = True
            yield event


response_ownership = ResponseOwnership()
