"""HTTP routes for agents (`/admin/tenants/{tenant_id}/agents`)."""

from uuid import UUID

from fastapi import APIRouter, Body, Response

from proxy.features.agents import service
from proxy.features.agents.schemas import (
    Agent,
    AgentCreate,
    AgentPreview,
    AgentUpdate,
    TryIn,
    TryOut,
)
from proxy.features.api.deps import PrincipalDep, RuntimeDep, TenantIdDep
from proxy.features.api.schemas import Page

router = APIRouter(prefix="/admin/tenants/{tenant_id}/agents", tags=["agents"])


@router.get("", response_model=Page[Agent], summary="List the tenant's agents")
async def list_agents(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Page[Agent]:
    return Page(items=await service.list_agents(runtime, tenant_id))


@router.post("", status_code=201, response_model=Agent, summary="Create an agent")
async def create_agent(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, body: AgentCreate
) -> Agent:
    return await service.create(runtime, principal, tenant_id, body)


@router.get("/{agent_id}", response_model=Agent, summary="Get an agent")
async def get_agent(runtime: RuntimeDep, tenant_id: TenantIdDep, agent_id: UUID) -> Agent:
    return await service.get(runtime, tenant_id, agent_id)


@router.patch("/{agent_id}", response_model=Agent, summary="Change an agent")
async def update_agent(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    agent_id: UUID,
    body: AgentUpdate,
) -> Agent:
    return await service.update(runtime, principal, tenant_id, agent_id, body)


@router.delete("/{agent_id}", status_code=204, summary="Delete an agent")
async def delete_agent(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, agent_id: UUID
) -> Response:
    await service.delete(runtime, principal, tenant_id, agent_id)
    return Response(status_code=204)


@router.post(
    "/{agent_id}/preview",
    response_model=AgentPreview,
    summary="The composed system prompt, with optional unsaved edits applied",
)
async def preview_agent(
    runtime: RuntimeDep,
    tenant_id: TenantIdDep,
    agent_id: UUID,
    overrides: AgentUpdate = Body(default_factory=AgentUpdate),  # noqa: B008
) -> AgentPreview:
    return await service.preview(runtime, tenant_id, agent_id, overrides)


@router.post(
    "/{agent_id}/try",
    response_model=TryOut,
    summary="Send one message to this agent through the agent runtime",
)
async def try_agent(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    agent_id: UUID,
    body: TryIn,
) -> TryOut:
    return await service.try_agent(
        runtime, tenant_id, agent_id, body.message, requested_by=principal.actor
    )
