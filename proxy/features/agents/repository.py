"""All SQL about agents (tenant rows, under RLS), with their persona and instructions
sealed with the tenant's data key on the way in and opened on the way out."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.datakeys import TenantKeys
from proxy.core.db.tables import agents

# The agent's free text, needed in no SQL predicate: stored sealed (base64 in its column),
# all four under one data key version per row (`data_key_version`; None: still in clear).
SEALED_FIELDS = ("persona", "system_prompt", "job_description", "statement_of_work")


class SealedFieldError(AttributeError):
    """A sealed field was read from a repository given no data keys to open it."""


class AgentRow:
    """An agent row as callers use a Row (attributes, `_mapping`), its sealed fields opened.

    Read without the data keys, a sealed row has no sealed fields: reading one raises,
    so ciphertext can never pass for a persona.
    """

    def __init__(self, mapping: Mapping[str, Any]) -> None:
        self._mapping = dict(mapping)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_mapping"][name]
        except KeyError:
            if name in SEALED_FIELDS:
                raise SealedFieldError(
                    f"agent field {name!r} is sealed: pass the tenant's keys"
                ) from None
            raise AttributeError(name) from None


def _field(name: str) -> str:
    return f"agents.{name}"


class AgentRepository:
    def __init__(self, conn: AsyncConnection, keys: TenantKeys | None = None) -> None:
        """`keys` (`runtime.data_keys.of(tenant_id)`): to seal persona and instructions on
        write and open them on read. Callers that use none of them may leave it out (rows
        written without it are stored in clear, as before #18: test fixtures)."""
        self.conn = conn
        self.keys = keys

    async def _opened(self, row: Row[Any] | None) -> AgentRow | None:
        return None if row is None else await self._open(row)

    async def _open(self, row: Row[Any]) -> AgentRow:
        values = dict(row._mapping)
        version = values["data_key_version"]
        if version is not None:
            keyring = None if self.keys is None else await self.keys.keyring(needs=(version,))
            for name in SEALED_FIELDS:
                sealed = values.pop(name)
                if keyring is not None:
                    values[name] = keyring.open(sealed, version=version, field=_field(name))
        return AgentRow(values)

    async def _sealed(self, values: dict[str, Any]) -> dict[str, Any]:
        """Every sealed field, sealed under the current version (all four: one version per
        row); `values` holds them all."""
        if self.keys is None:
            return values
        keyring = await self.keys.keyring()
        return {
            **values,
            **{name: keyring.seal(values[name], field=_field(name)) for name in SEALED_FIELDS},
            "data_key_version": keyring.current,
        }

    async def create(self, *, tenant_id: UUID, **values: Any) -> AgentRow:
        if values.get("is_default"):
            await self._clear_default()
        if self.keys is not None:
            values = await self._sealed(dict.fromkeys(SEALED_FIELDS, "") | values)
        stmt = agents.insert().values(tenant_id=tenant_id, **values).returning(agents)
        return await self._open((await self.conn.execute(stmt)).one())

    async def get(self, agent_id: UUID) -> AgentRow | None:
        stmt = select(agents).where(agents.c.id == agent_id)
        return await self._opened((await self.conn.execute(stmt)).first())

    async def find(self, id_or_slug: str) -> AgentRow | None:
        """An agent by id or slug (the `X-Konstruct-Agent` header takes either)."""
        try:
            condition = or_(agents.c.id == UUID(id_or_slug), agents.c.slug == id_or_slug)
        except ValueError:
            condition = agents.c.slug == id_or_slug
        row = (await self.conn.execute(select(agents).where(condition))).first()
        return await self._opened(row)

    async def default(self) -> AgentRow | None:
        stmt = select(agents).where(agents.c.is_default, agents.c.is_active)
        return await self._opened((await self.conn.execute(stmt)).first())

    async def list_all(self) -> list[AgentRow]:
        stmt = select(agents).order_by(agents.c.created_at, agents.c.id)
        return [await self._open(row) for row in (await self.conn.execute(stmt)).all()]

    async def update(self, agent_id: UUID, **values: Any) -> AgentRow | None:
        if values.get("is_default"):
            await self._clear_default(except_id=agent_id)
        if self.keys is not None and any(name in values for name in SEALED_FIELDS):
            # Re-sealed together: the row's one data key version must open all four.
            current = await self._locked(agent_id)
            if current is None:
                return None
            opened = {name: getattr(current, name) for name in SEALED_FIELDS}
            values = await self._sealed(opened | values)
        stmt = (
            update(agents)
            .where(agents.c.id == agent_id)
            .values(**values, updated_at=func.now())
            .returning(agents)
        )
        return await self._opened((await self.conn.execute(stmt)).first())

    async def _locked(self, agent_id: UUID) -> AgentRow | None:
        stmt = select(agents).where(agents.c.id == agent_id).with_for_update()
        return await self._opened((await self.conn.execute(stmt)).first())

    async def reseal_all(self) -> int:
        """Seal every agent not under the keyring's current version (key rotation, and rows
        stored in clear before #18); `updated_at` stays, nothing about the agent changed."""
        assert self.keys is not None
        current = (await self.keys.keyring()).current
        stmt = (
            select(agents)
            .where(agents.c.data_key_version.is_distinct_from(current))
            .with_for_update()
        )
        resealed = 0
        for row in (await self.conn.execute(stmt)).all():
            opened = await self._open(row)
            fresh = await self._sealed({name: getattr(opened, name) for name in SEALED_FIELDS})
            await self.conn.execute(update(agents).where(agents.c.id == row.id).values(**fresh))
            resealed += 1
        return resealed

    async def data_key_versions(self) -> set[int | None]:
        """Every data key version some agent is sealed under (None: some are in clear)."""
        stmt = select(agents.c.data_key_version).distinct()
        return {row.data_key_version for row in (await self.conn.execute(stmt)).all()}

    async def delete(self, agent_id: UUID) -> bool:
        result = await self.conn.execute(delete(agents).where(agents.c.id == agent_id))
        return result.rowcount > 0

    async def _clear_default(self, except_id: UUID | None = None) -> None:
        stmt = update(agents).where(agents.c.is_default).values(is_default=False)
        if except_id is not None:
            stmt = stmt.where(agents.c.id != except_id)
        await self.conn.execute(stmt)
