"""HTTP routes of the internal API (`/internal/*`, bridge key only)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response

from proxy.features.api.deps import BridgeDep, BridgeTenantDep, RuntimeDep
from proxy.features.api.schemas import Page, SlackId
from proxy.features.connections import service as connections
from proxy.features.internal import service
from proxy.features.internal.schemas import (
    Disabled,
    DisableIn,
    HealthIn,
    InstallationIn,
    OAuthState,
    StoredMessage,
    ThreadMessage,
    ThreadMessageIn,
    Workspace,
)

router = APIRouter(prefix="/internal", tags=["internal"], dependencies=[BridgeDep])
ThreadId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9.]+$")]


@router.get("/slack/workspaces/{team_id}", response_model=Workspace, summary="Resolve a Slack team")
async def get_workspace(
    runtime: RuntimeDep,
    team_id: Annotated[SlackId, Path()],
    enterprise_id: Annotated[SlackId | None, Query()] = None,
) -> Workspace:
    return await service.workspace(runtime, team_id, enterprise_id)


@router.get(
    "/tenants/{tenant_id}/threads/{channel_id}/{thread_id}/messages",
    response_model=Page[ThreadMessage],
    summary="Thread history, oldest first",
)
async def get_thread(
    runtime: RuntimeDep,
    tenant_id: BridgeTenantDep,
    channel_id: Annotated[SlackId, Path()],
    thread_id: ThreadId,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ThreadMessage]:
    return Page(
        items=await service.thread_messages(runtime, tenant_id, channel_id, thread_id, limit)
    )


@router.post(
    "/tenants/{tenant_id}/threads/{channel_id}/{thread_id}/messages",
    status_code=201,
    response_model=StoredMessage,
    summary="Store a thread message (idempotent per event)",
)
async def post_thread_message(
    runtime: RuntimeDep,
    tenant_id: BridgeTenantDep,
    channel_id: Annotated[SlackId, Path()],
    thread_id: ThreadId,
    body: ThreadMessageIn,
) -> StoredMessage:
    return StoredMessage(
        stored=await service.store_message(runtime, tenant_id, channel_id, thread_id, body)
    )


@router.get(
    "/slack/oauth-states/{state}",
    response_model=OAuthState,
    summary="An 'Add to Slack' state still waiting to be used: the tenant it was issued for",
)
async def get_oauth_state(
    runtime: RuntimeDep,
    state: Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[\w-]+$")],
) -> OAuthState:
    return OAuthState(tenant_id=await service.peek_oauth_state(runtime, state))


@router.post(
    "/slack/installations",
    status_code=201,
    summary="Store a workspace's bot token, using up the install's state",
)
async def post_installation(runtime: RuntimeDep, body: InstallationIn) -> dict[str, UUID]:
    return {"connection_id": await service.install(runtime, body)}


@router.post(
    "/tenants/{tenant_id}/slack-connections/{connection_id}/disable",
    response_model=Disabled,
    summary="Slack uninstalled the app or refused its token: disable the connection",
)
async def post_disable(
    runtime: RuntimeDep, tenant_id: BridgeTenantDep, connection_id: UUID, body: DisableIn
) -> Disabled:
    disabled = await connections.disable_by_slack(
        runtime,
        service.BRIDGE,
        tenant_id,
        connection_id,
        reason=body.reason,
        token_sha256=body.token_sha256,
    )
    return Disabled(disabled=disabled)


@router.post(
    "/tenants/{tenant_id}/slack-connections/{connection_id}/health",
    status_code=204,
    summary="The bridge's last Slack call with the connection's token: worked, or its error",
)
async def post_health(
    runtime: RuntimeDep, tenant_id: BridgeTenantDep, connection_id: UUID, body: HealthIn
) -> Response:
    await connections.report_health(runtime, tenant_id, connection_id, error=body.error)
    return Response(status_code=204)
