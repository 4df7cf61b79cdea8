"""Agent rules: slugs, one default per tenant, composed prompt preview, a live try."""

import re
from typing import Any
from uuid import UUID, uuid4

import httpx
from sqlalchemy.exc import IntegrityError

from policies.limits import MODEL_TIER_GROUPS
from policies.persona import compose_system_prompt
from policies.tls import http_verify
from proxy.core.errors import Conflict, NotFound, Unavailable
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.agents.repository import AgentRepository
from proxy.features.agents.schemas import Agent, AgentCreate, AgentPreview, AgentUpdate, TryOut
from proxy.features.audit.service import record
from proxy.features.keys.service import bridge_key
from proxy.features.tenants.repository import TenantRepository
from proxy.gateway.cache import forget_agent
from proxy.gateway.services import agent_card, persona_of


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


async def create(
    runtime: Runtime, principal: Principal, tenant_id: UUID, body: AgentCreate
) -> Agent:
    values = _stored(body.model_dump())
    explicit_slug = values.pop("slug")
    slug = explicit_slug or slugify(body.name)
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            agents = AgentRepository(conn)
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
    return Agent.model_validate(row)


async def list_agents(runtime: Runtime, tenant_id: UUID) -> list[Agent]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await AgentRepository(conn).list_all()
    return [Agent.model_validate(row) for row in rows]


async def get(runtime: Runtime, tenant_id: UUID, agent_id: UUID) -> Agent:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await AgentRepository(conn).get(agent_id)
    if row is None:
        raise NotFound("No such agent.")
    return Agent.model_validate(row)


async def update(
    runtime: Runtime, principal: Principal, tenant_id: UUID, agent_id: UUID, body: AgentUpdate
) -> Agent:
    values = _stored(body.model_dump(exclude_unset=True, exclude_none=True))
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            agents = AgentRepository(conn)
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
                detail={"agent_id": str(agent_id), "fields": sorted(values)},
            )
    except IntegrityError as exc:
        raise Conflict("An agent with that slug already exists in this tenant.") from exc
    assert row is not None
    await forget_agent(runtime.redis, tenant_id, {str(agent_id), old.slug, row.slug})
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


async def preview(
    runtime: Runtime, tenant_id: UUID, agent_id: UUID, overrides: AgentUpdate
) -> AgentPreview:
    """The system prompt the agent would get, with unsaved Designer edits applied."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await AgentRepository(conn).get(agent_id)
        tenant = await TenantRepository(conn).get(tenant_id)
    if row is None or tenant is None:
        raise NotFound("No such agent.")
    merged = {
        **row._mapping,
        **_stored(overrides.model_dump(exclude_unset=True, exclude_none=True)),
    }
    persona = persona_of(merged)
    return AgentPreview(system_prompt=compose_system_prompt(persona, tenant_name=tenant.name))


async def try_agent(runtime: Runtime, tenant_id: UUID, agent_id: UUID, message: str) -> TryOut:
    """One real call through the gateway as this agent, with the tenant's bridge key."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await AgentRepository(conn).get(agent_id)
        tenant = await TenantRepository(conn).get(tenant_id)
    if row is None or tenant is None:
        raise NotFound("No such agent.")
    card = agent_card(row, tenant_name=tenant.name)
    key = await bridge_key(runtime, tenant_id)
    settings = runtime.settings
    url = f"{settings.proxy_self_url}/v1/chat/completions"
    verify = http_verify(settings.konstruct_tls_ca_file)
    async with httpx.AsyncClient(timeout=90, verify=verify) as client:
        response = await client.post(
            url,
            headers={"Authorization": f"Bearer {key}", "X-Konstruct-Agent": str(card.id)},
            json={
                "model": MODEL_TIER_GROUPS[card.model_tier],
                "messages": [{"role": "user", "content": message}],
            },
        )
    if response.status_code != 200:
        detail = response.json().get("error", {}).get("message", "") if response.content else ""
        raise Unavailable(
            f"The gateway could not answer ({response.status_code}). {detail}".strip()
        )
    body = response.json()
    return TryOut(
        reply=body["choices"][0]["message"]["content"] or "",
        model_group=response.headers.get("x-litellm-model-group"),
        model_id=response.headers.get("x-litellm-model-id"),
    )
