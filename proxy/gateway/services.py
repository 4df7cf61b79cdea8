"""The plugins' view of Konstruct data: key grants, agents, spend and usage, cached in Redis.

Key grants and agents are read on every model call, so they are cached briefly in Redis
(shared by every worker and replica) and the admin API deletes the cached copy whenever
it changes what they were built from. Each worker also keeps what it read for a few
seconds (`proxy.gateway.local_cache.LocalCache`), dropped as soon as the admin API announces a
change. Usage rows are written in batches by `proxy.features.usage.writer.UsageWriter`.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast
from uuid import UUID

from plugins.contracts import AgentCard, KeyGrant, UsageRecord
from policies.escalation import EscalationRule
from policies.limits import year_month
from policies.persona import AgentPersona, compose_system_prompt
from policies.redis_keys import key_auth_cache_key, monthly_spend_key
from proxy.core.crypto import DecryptionError, TenantKeyring
from proxy.core.runtime import Runtime
from proxy.features.agents.repository import AgentRepository
from proxy.features.keys.repository import KeyRepository, KeyRouteRepository
from proxy.features.limits.repository import LimitsRepository
from proxy.features.responses.repository import ResponseRepository
from proxy.features.tenants.repository import TenantRepository
from proxy.features.usage.repository import UsageRepository
from proxy.features.usage.writer import SPEND_MICROS, UsageWriter
from proxy.gateway.cache import agent_card_key, read_cached, store_if_unchanged
from proxy.gateway.local_cache import LocalCache, Ticket

T = TypeVar("T")

AGENT_CACHE_SECONDS = 60
AGENT_CARD_FIELD = "redis.agent_card"
# How long a worker serves its own copy of a grant or agent card at most; changes made
# through the admin API reach it at once (see proxy/gateway/local_cache.py).
LOCAL_CACHE_SECONDS = 5.0


def month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _dump(value: Any) -> str:
    return json.dumps(asdict(value), default=str)


def is_agent_ref(ref: str) -> bool:
    """Slugs and UUIDs only: anything else cannot name an agent (and never reaches Redis)."""
    return 0 < len(ref) <= 64 and all(c.isalnum() or c == "-" for c in ref)


class GatewayServices:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.master_key = runtime.settings.konstruct_master_key.get_secret_value()
        self.usage = UsageWriter(runtime)
        self.local = LocalCache(runtime.redis, ttl=LOCAL_CACHE_SECONDS)
        self._reads: dict[str, tuple[Ticket, asyncio.Future[Any]]] = {}

    async def _read_through(
        self,
        cache_key: str,
        ttl_seconds: int,
        decode: Callable[[str], T],
        load: Callable[[], Awaitable[T | None]],
        encode: Callable[[T], str] = _dump,
    ) -> T | None:
        """This worker's copy, else Redis's, else `load()` from the database (stored in
        Redis unless an admin change happened meanwhile). "" in Redis means "none".

        One read per key at a time in a worker: when a copy expires under load, every call
        in flight for it would otherwise read Redis, and the database, at once. A call joins
        a read in flight only if nothing was invalidated since it began (it could predate
        the change); the read runs in a task of its own, so a caller that goes away does not
        cancel it for the others."""
        found, local = self.local.get(cache_key)
        if found:
            return cast("T | None", local)
        ticket = self.local.ticket()
        shared = self._reads.get(cache_key)
        if shared is None or shared[0] != ticket:
            read = asyncio.ensure_future(
                self._read_shared(cache_key, ticket, ttl_seconds, decode, load, encode)
            )
            shared = self._reads[cache_key] = (ticket, read)
            read.add_done_callback(lambda done: self._read_done(cache_key, done))
        return cast("T | None", await asyncio.shield(shared[1]))

    def _read_done(self, cache_key: str, done: "asyncio.Future[Any]") -> None:
        shared = self._reads.get(cache_key)
        if shared is not None and shared[1] is done:
            del self._reads[cache_key]
        if not done.cancelled():
            done.exception()  # retrieved here too: every caller may have gone away

    async def _read_shared(
        self,
        cache_key: str,
        ticket: Ticket,
        ttl_seconds: int,
        decode: Callable[[str], Any],
        load: Callable[[], Awaitable[Any]],
        encode: Callable[[Any], str],
    ) -> Any:
        redis = self.runtime.redis
        cached, generation = await read_cached(redis, cache_key)
        value: Any = None
        if cached:
            try:
                value = decode(cached)
            except DecryptionError:  # sealed under a data key version rotated away: rebuild
                cached = None
        if cached is None:
            value = await load()
            dumped = encode(value) if value is not None else ""
            await store_if_unchanged(redis, cache_key, dumped, ttl_seconds, generation)
        self.local.put(cache_key, value, ticket)
        return value

    async def grant_for(self, key_hash: str) -> KeyGrant | None:
        return await self._read_through(
            key_auth_cache_key(key_hash),
            self.runtime.settings.konstruct_key_cache_seconds,
            _grant_from_json,
            lambda: self._load_grant(key_hash),
        )

    async def _load_grant(self, key_hash: str) -> KeyGrant | None:
        db = self.runtime.db
        async with db.platform_transaction() as conn:
            route = await KeyRouteRepository(conn).resolve(key_hash)
        if route is None:
            return None
        async with db.tenant_transaction(route.tenant_id) as conn:
            key = await KeyRepository(conn).get(route.key_id)
            tenant = await TenantRepository(conn).get(route.tenant_id)
            limits = await LimitsRepository(conn).get()
        if key is None or tenant is None:
            return None
        return KeyGrant(
            tenant_id=route.tenant_id,
            key_id=key.id,
            tenant_status=tenant.status,
            revoked=key.revoked_at is not None,
            expires_at=key.expires_at,
            rpm_limit=key.rpm_limit or (limits.rpm_limit if limits else None),
            tpm_limit=key.tpm_limit or (limits.tpm_limit if limits else None),
            monthly_budget_usd=limits.monthly_budget_usd if limits else None,
            degrade_at_share=limits.degrade_at_share if limits else Decimal("0.8"),
        )

    async def spent_this_month(self, tenant_id: UUID) -> Decimal:
        now = datetime.now(UTC)
        counter = monthly_spend_key(tenant_id, year_month(now))
        micros = await self.runtime.redis.get(counter)
        if micros is None:
            # Redis lost the counter (restart, eviction): rebuild it from the usage rows.
            async with self.runtime.db.tenant_transaction(tenant_id) as conn:
                spent = await UsageRepository(conn).spend_since(month_start(now))
            await self.runtime.redis.set(counter, int(spent * SPEND_MICROS), nx=True, ex=40 * 86400)
            return spent
        return Decimal(int(micros)) / SPEND_MICROS

    async def agent(self, tenant_id: UUID, id_or_slug: str) -> AgentCard | None:
        if not is_agent_ref(id_or_slug):
            return None
        # The card holds the agent's persona and instructions: sealed in Redis (whose AOF
        # keeps every write) like in Postgres, under the tenant's data key.
        keyring = await self.runtime.data_keys.keyring(tenant_id)
        return await self._read_through(
            agent_card_key(tenant_id, id_or_slug),
            AGENT_CACHE_SECONDS,
            lambda text: _card_from_json(_open_card(keyring, text)),
            lambda: self._load_agent(tenant_id, id_or_slug),
            encode=lambda card: _seal_card(keyring, card),
        )

    async def _load_agent(self, tenant_id: UUID, id_or_slug: str) -> AgentCard | None:
        async with self.runtime.db.tenant_transaction(tenant_id) as conn:
            row = await AgentRepository(conn, self.runtime.data_keys.of(tenant_id)).find(id_or_slug)
            tenant = await TenantRepository(conn).get(tenant_id)
        if row is None or tenant is None:
            return None
        return agent_card(row, tenant_name=tenant.name)

    async def record_usage(self, record: UsageRecord) -> None:
        """Buffered: written (and counted as spend) within a quarter second, in batches."""
        self.usage.submit(record)

    async def owns_response(self, tenant_id: UUID, response_id: str) -> bool:
        async with self.runtime.db.tenant_transaction(tenant_id) as conn:
            return await ResponseRepository(conn).owns(response_id)

    async def record_response(self, tenant_id: UUID, response_id: str) -> None:
        """Before the caller can use the id: a follow-up may name it at once."""
        async with self.runtime.db.tenant_transaction(tenant_id) as conn:
            await ResponseRepository(conn).record(tenant_id=tenant_id, response_id=response_id)

    async def close(self) -> None:
        """At shutdown: write buffered usage, stop listening for cache invalidations."""
        await self.usage.close()
        await self.local.close()


def persona_of(agent: Mapping[str, Any]) -> AgentPersona:
    return AgentPersona(
        name=agent["name"],
        role=agent["role"],
        persona=agent["persona"],
        system_prompt=agent["system_prompt"],
        escalation_rules=tuple(EscalationRule(**rule) for rule in agent["escalation_rules"]),
        job_description=agent.get("job_description") or "",
        statement_of_work=agent.get("statement_of_work") or "",
    )


def agent_card(row: Any, *, tenant_name: str) -> AgentCard:
    return AgentCard(
        id=row.id,
        slug=row.slug,
        name=row.name,
        system_prompt=compose_system_prompt(persona_of(row._mapping), tenant_name=tenant_name),
        model_tier=row.model_tier,
        is_active=row.is_active,
    )


def _seal_card(keyring: TenantKeyring, card: AgentCard) -> str:
    return f"{keyring.current}.{keyring.seal(_dump(card), field=AGENT_CARD_FIELD)}"


def _open_card(keyring: TenantKeyring, text: str) -> str:
    version, _, sealed = text.partition(".")
    return keyring.open(sealed, version=int(version), field=AGENT_CARD_FIELD)


def _card_from_json(text: str) -> AgentCard:
    fields = json.loads(text)
    return AgentCard(**{**fields, "id": UUID(fields["id"])})


def _grant_from_json(text: str) -> KeyGrant:
    raw = json.loads(text)
    return KeyGrant(
        tenant_id=UUID(raw["tenant_id"]),
        key_id=UUID(raw["key_id"]),
        tenant_status=raw["tenant_status"],
        revoked=raw["revoked"],
        expires_at=datetime.fromisoformat(raw["expires_at"]) if raw["expires_at"] else None,
        rpm_limit=raw["rpm_limit"],
        tpm_limit=raw["tpm_limit"],
        monthly_budget_usd=Decimal(raw["monthly_budget_usd"])
        if raw["monthly_budget_usd"]
        else None,
        degrade_at_share=Decimal(raw["degrade_at_share"]),
    )
