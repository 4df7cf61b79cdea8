"""HTTP routes of the internal API (`/internal/*`, bridge key only)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query

from proxy.features.api.deps import BridgeDep, BridgeTenantDep, RuntimeDep
from proxy.features.api.schemas import Page, SlackId
from proxy.features.internal import service
from proxy.features.internal.schemas import (
    BridgeKey,
    InstallationIn,
    OAuthState,
    StoredMessage,
    ThreadMessage,
    ThreadMessageIn,
    Workspace,
)
from proxy.features.keys.service import bridge_key

router = APIRouter(prefix="/internal", tags=["internal"], dependencies=[BridgeDep])
ThreadId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9.]+$")]


@router.get("/slack/workspaces/{team_id}", response_model=Workspace, summary="Resolve a Slack team")
async def get_workspace(runtime: RuntimeDep, team_id: Annotated[SlackId, Path()]) -> Workspace:
    return await service.workspace(runtime, team_id)


@router.get("/tenants/{tenant_id}/bridge-key", response_model=BridgeKey, summary="The bridge's key")
async def get_bridge_key(runtime: RuntimeDep, tenant_id: BridgeTenantDep) -> BridgeKey:
    return BridgeKey(key=await bridge_key(runtime, tenant_id))


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


@router.post(
    "/slack/oauth-states/{state}/consume",
    response_model=OAuthState,
    summary="Use up an 'Add to Slack' state once: the tenant it was issued for",
)
async def consume_oauth_state(
    runtime: RuntimeDep,
    state: Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[\w-]+$")],
) -> OAuthState:
    return OAuthState(tenant_id=await service.consume_oauth_state(runtime, state))


@router.post("/slack/installations", status_code=201, summary="Store a workspace's bot token")
async def post_installation(runtime: RuntimeDep, body: InstallationIn) -> dict[str, UUID]:
    return {"connection_id": await service.install(runtime, body)}
