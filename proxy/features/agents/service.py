"""Agent rules: slugs, one default per tenant, composed prompt preview, a live try."""

import re
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.exc import IntegrityError

from policies.persona import compose_system_prompt
from proxy.core.errors import Conflict, NotFound, Unavailable
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.agents.repository import AgentRepository
from proxy.features.agents.schemas import Agent, AgentCreate, AgentPreview, AgentUpdate, TryOut
from proxy.features.audit.service import record
from proxy.features.runtime.service import saved_turn
from proxy.features.tenants.repository import TenantRepository
from proxy.gateway.cache import forget_agent, signal_workspace_change
from proxy.gateway.services import persona_of


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:48]
    return slug or "agent"


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """Escalation rules are kept as JSON: store their plain dicts."""
    if values.get("escalation_rules") is not None:
        values["escalation_rules"] = [
            {**rule, "keywords": [k.lower() for k in rule["keywords"]]}
            for rule in values["escalation_rules"]
        ]
    return values


def changed_fields(old: Any, values: dict[str, Any]) -> list[str]:
    """The names of the fields an update changes (what the audit log keeps: never values)."""
    before = old._mapping
    return sorted(name for name, value in values.items() if before.get(name) != value)


async def create(
    runtime: Runtime, principal: Principal, tenant_id: UUID, body: AgentCreate
) -> Agent:
    values = _stored(body.model_dump())
    explicit_slug = values.pop("slug")
    slug = explicit_slug or slugify(body.name)
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            agents = AgentRepository(conn, runtime.data_keys.of(tenant_id))
            if explicit_slug is None and await agents.find(slug) is not None:
                slug = f"{slug}-{uuid4().hex[:6]}"
            row = await agents.create(tenant_id=tenant_id, slug=slug, **values)
            await record(
                conn,
                principal,
                "agent.create",
                tenant_id=tenant_id,
                target=row.slug,
                detail={"agent_id": str(row.id)},
            )
    except IntegrityError as exc:
        raise Conflict(f"An agent with slug '{slug}' already exists in this tenant.") from exc
    # A new default agent speaks where no other is set.
    await signal_workspace_change(runtime.redis, tenant_id)
    return Agent.model_validate(row)


async def list_agents(runtime: Runtime, tenant_id: UUID) -> list[Agent]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await AgentRepository(conn, runtime.data_keys.of(tenant_id)).list_all()
    return [Agent.model_validate(row) for row in rows]


async def get(runtime: Runtime, tenant_id: UUID, agent_id: UUID) -> Agent:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await AgentRepository(conn, runtime.data_keys.of(tenant_id)).get(agent_id)
    if row is None:
        raise NotFound("No such agent.")
    return Agent.model_validate(row)


async def update(
    runtime: Runtime, principal: Principal, tenant_id: UUID, agent_id: UUID, body: AgentUpdate
) -> Agent:
    values = _stored(body.model_dump(exclude_unset=True, exclude_none=True))
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            agents = AgentRepository(conn, runtime.data_keys.of(tenant_id))
            old = await agents.get(agent_id)
            if old is None:
                raise NotFound("No such agent.")
            row = await agents.update(agent_id, **values)
            await record(
                conn,
                principal,
                "agent.update",
                tenant_id=tenant_id,
                target=old.slug,
                detail={"agent_id": str(agent_id), "fields": changed_fields(old, values)},
            )
    except IntegrityError as exc:
        raise Conflict("An agent with that slug already exists in this tenant.") from exc
    assert row is not None
    await forget_agent(runtime.redis, tenant_id, {str(agent_id), old.slug, row.slug})
    await signal_workspace_change(runtime.redis, tenant_id)
    return Agent.model_validate(row)


async def delete(runtime: Runtime, principal: Principal, tenant_id: UUID, agent_id: UUID) -> None:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        agents = AgentRepository(conn)
        old = await agents.get(agent_id)
        if old is None:
            raise NotFound("No such agent.")
        await agents.delete(agent_id)
        await record(
            conn,
            principal,
            "agent.delete",
            tenant_id=tenant_id,
            target=old.slug,
            detail={"agent_id": str(agent_id)},
        )
    await forget_agent(runtime.redis, tenant_id, {str(agent_id), old.slug})
    await signal_workspace_change(runtime.redis, tenant_id)


async def preview(
    runtime: Runtime, tenant_id: UUID, agent_id: UUID, overrides: AgentUpdate
) -> AgentPreview:
    """The system prompt the agent would get, with unsaved Designer edits applied."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await AgentRepository(conn, runtime.data_keys.of(tenant_id)).get(agent_id)
        tenant = await TenantRepository(conn).get(tenant_id)
    if row is None or tenant is None:
        raise NotFound("No such agent.")
    merged = {
        **row._mapping,
        **_stored(overrides.model_dump(exclude_unset=True, exclude_none=True)),
    }
    persona = persona_of(merged)
    return AgentPreview(system_prompt=compose_system_prompt(persona, tenant_name=tenant.name))


async def try_agent(
    runtime: Runtime, tenant_id: UUID, agent_id: UUID, message: str, *, requested_by: str
) -> TryOut:
    """One message to the saved agent through the agent runtime (the gateway, its tools),
    answered once the turn is done."""
    done: dict[str, Any] = {}
    async for event in await saved_turn(
        runtime, tenant_id, agent_id, message, requested_by=requested_by
    ):
        if event["type"] == "done":
            done = event
    if not done.get("from_model"):
        raise Unavailable(f"The agent could not answer ({done.get('error') or 'failed'}).")
    return TryOut(
        reply=str(done["text"]), model_group=done.get("model_group"), model_id=done.get("model_id")
    )
