"""HTTP routes of the agent runtime: the bridge's agent turn and approval decisions
(`/internal/tenants/{tenant_id}/…`, bridge key), and the portal's "try it", draft prompt
preview, approval decisions and tool-call usage (`/admin/tenants/{tenant_id}/…`).

A turn answers `application/x-ndjson`: one JSON event per line as it happens (see
proxy/features/runtime/schemas.py); errors found before the turn starts (an unknown agent,
invalid input) are ordinary JSON error responses.
"""

import json
from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from proxy.core.principal import Principal
from proxy.features.api.deps import (
    BridgeDep,
    BridgeTenantDep,
    PrincipalDep,
    RuntimeDep,
    TenantIdDep,
)
from proxy.features.api.schemas import Page
from proxy.features.runtime import service
from proxy.features.runtime.schemas import (
    Decision,
    DecisionIn,
    DraftAgent,
    DraftPreview,
    Event,
    OperatorDecisionIn,
    ToolCallUsage,
    TryIn,
    TurnIn,
)

internal = APIRouter(
    prefix="/internal/tenants/{tenant_id}", tags=["internal"], dependencies=[BridgeDep]
)
admin = APIRouter(prefix="/admin/tenants/{tenant_id}", tags=["agents"])

NDJSON = "application/x-ndjson"
# Events must reach the bridge as they happen: no proxy in between may buffer them.
STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


async def _lines(events: AsyncIterator[Event]) -> AsyncIterator[bytes]:
    async for item in events:
        yield (json.dumps(item, separators=(",", ":")) + "\n").encode()


def _stream(events: AsyncIterator[Event]) -> StreamingResponse:
    return StreamingResponse(_lines(events), media_type=NDJSON, headers=STREAM_HEADERS)


@internal.post(
    "/agent-turns",
    summary="Run one agent turn for a channel message (NDJSON events; once per source event)",
    response_class=StreamingResponse,
)
async def post_agent_turn(
    runtime: RuntimeDep, tenant_id: BridgeTenantDep, body: TurnIn
) -> StreamingResponse:
    return _stream(await service.slack_turn(runtime, tenant_id, body))


@internal.post(
    "/approvals/{approval_id}/decision",
    response_model=Decision,
    summary="A Slack user approves or denies an 'ask first' tool call",
)
async def post_slack_decision(
    runtime: RuntimeDep, tenant_id: BridgeTenantDep, approval_id: UUID, body: DecisionIn
) -> Decision:
    principal = Principal(role="bridge", actor=f"slack:{body.user_id}")
    return await service.decide(runtime, tenant_id, approval_id, body, principal=principal)


@admin.post(
    "/agents/try",
    summary="'Try it': a draft agent answers a conversation (NDJSON events; nothing stored)",
    response_class=StreamingResponse,
)
async def try_draft(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, body: TryIn
) -> StreamingResponse:
    return _stream(await service.try_turn(runtime, tenant_id, body, requested_by=principal.actor))


@admin.post(
    "/agents/preview",
    response_model=DraftPreview,
    summary="The system prompt a draft agent would get",
)
async def preview_draft(
    runtime: RuntimeDep, tenant_id: TenantIdDep, body: DraftAgent
) -> DraftPreview:
    return DraftPreview(system_prompt=await service.draft_prompt(runtime, tenant_id, body))


@admin.post(
    "/approvals/{approval_id}/decision",
    response_model=Decision,
    summary="The operator who asked in 'try it' approves or denies a tool call",
)
async def post_operator_decision(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    approval_id: UUID,
    body: OperatorDecisionIn,
) -> Decision:
    # The operator decides as themselves.
    mine = DecisionIn(decision=body.decision, user_id=principal.actor)
    return await service.decide(runtime, tenant_id, approval_id, mine, principal=principal)


@admin.get(
    "/usage/tool-calls",
    response_model=Page[ToolCallUsage],
    summary="Tool calls per agent and tool: calls, failures, time",
)
async def get_tool_call_usage(
    runtime: RuntimeDep,
    tenant_id: TenantIdDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
) -> Page[ToolCallUsage]:
    return Page(items=await service.tool_call_usage(runtime, tenant_id, days))
