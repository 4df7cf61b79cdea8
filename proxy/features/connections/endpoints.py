"""HTTP routes for Slack connections (`/admin/tenants/{tenant_id}/slack-connections`)."""

from uuid import UUID

from fastapi import APIRouter, Response

from proxy.features.api.deps import PrincipalDep, RuntimeDep, TenantIdDep
from proxy.features.api.schemas import Page
from proxy.features.connections import service
from proxy.features.connections.schemas import (
    ConnectionCreate,
    ConnectionUpdate,
    InstallLink,
    SlackChannelList,
    SlackConnection,
)

router = APIRouter(prefix="/admin/tenants/{tenant_id}", tags=["slack"])


@router.get(
    "/slack-connections", response_model=Page[SlackConnection], summary="Connected workspaces"
)
async def list_connections(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Page[SlackConnection]:
    return Page(items=await service.list_connections(runtime, tenant_id))


@router.post(
    "/slack-connections",
    status_code=201,
    response_model=SlackConnection,
    summary="Connect a workspace with a bot token (stored encrypted)",
)
async def create_connection(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, body: ConnectionCreate
) -> SlackConnection:
    return await service.create(runtime, principal, tenant_id, body)


@router.patch(
    "/slack-connections/{connection_id}",
    response_model=SlackConnection,
    summary="Change token, default agent or per-channel agents",
)
async def update_connection(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    connection_id: UUID,
    body: ConnectionUpdate,
) -> SlackConnection:
    return await service.update(runtime, principal, tenant_id, connection_id, body)


@router.get(
    "/slack-connections/{connection_id}/channels",
    response_model=SlackChannelList,
    summary="The workspace's channels, as Slack lists them to the bot (to pick by name)",
)
async def list_channels(
    runtime: RuntimeDep, tenant_id: TenantIdDep, connection_id: UUID
) -> SlackChannelList:
    return await service.channels(runtime, tenant_id, connection_id)


@router.delete(
    "/slack-connections/{connection_id}", status_code=204, summary="Disconnect a workspace"
)
async def delete_connection(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, connection_id: UUID
) -> Response:
    await service.delete(runtime, principal, tenant_id, connection_id)
    return Response(status_code=204)


@router.post(
    "/slack-install-link", response_model=InstallLink, summary="'Add to Slack' URL (10 min)"
)
async def slack_install_link(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep
) -> InstallLink:
    return await service.install_link(runtime, principal, tenant_id)
