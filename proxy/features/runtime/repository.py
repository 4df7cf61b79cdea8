"""All SQL of the agent runtime: the record of tool calls, and approvals (tenant rows, RLS),
with what the model passed to tools and what they answered sealed with the tenant's data key
on the way in and opened on the way out.

Sealed (AES-256-GCM, one `data_key_version` per row): a tool call's arguments
(`tool_calls.sealed_arguments`, bytea, secret arguments already redacted; associated data
`tool_calls.arguments:<tenant id>`); an approval's arguments, status text and result
(`approvals.sealed_arguments`, `status_text`, `sealed_result`: base64 in their text columns;
associated data `approvals.<field>:<approval id>:<tenant id>`). In clear, for SQL: ids, tool
names, statuses, outcomes, durations, Slack user ids, times.
An approval's `call_key` (which call of its turn it is: the tool runs once) is an HMAC of
the call under a key derived from the row's data key version, so a copy of the database
cannot confirm guessed arguments against it once the tenant's keys are gone.

An approval is a control (a person said yes to this call), so its sealed values are bound to
their row, not only to their tenant: each opens only in the approval it was sealed for, and
the row's tool name and call key must be those of the arguments it opens to. Someone who can
write to the database cannot move the arguments of a pending call into one a person approved,
nor point an approved row at another call: the proxy refuses to open such a row, and nothing
runs. A tool call's record is not a control (nothing the proxy does depends on it once written,
and its clear columns can be rewritten anyway), so it stays bound to its tenant and column.

Rows from before migration 0008 (`data_key_version` null) are read as they were stored
(tool calls' arguments in clear; approvals' arguments and result under the platform key,
their status text in clear) until `python -m proxy.rotate_secrets` seals them.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Row, bindparam, func, null, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from policies.approvals import APPROVED, DENIED, DONE, EXPIRED, PENDING, RUNNING, call_key
from proxy.core.crypto import DecryptionError, TenantKeyring
from proxy.core.datakeys import TenantKeys
from proxy.core.db.reseal import rows_to_reseal
from proxy.core.db.tables import agents, approvals, tool_calls

# Associated data of each sealed field: it opens only as this field of its tenant.
TOOL_CALL_ARGUMENTS = "tool_calls.arguments"
APPROVAL_ARGUMENTS = "approvals.arguments"
APPROVAL_STATUS_TEXT = "approvals.status_text"
APPROVAL_RESULT = "approvals.result"
CALL_KEY_PURPOSE = "approvals.call_key"


class NoDataKeysError(RuntimeError):
    """Tool content was to be sealed or opened by a repository given no data keys."""


class ApprovalMismatchError(DecryptionError):
    """An approval's arguments are not those of its own call (its tool name and call key):
    the row was tampered with, and is refused like a value that fails authentication."""


def approval_field(name: str, approval_id: UUID) -> str:
    """The associated data of one sealed field of one approval (before the tenant id): the
    value opens only as this field of this approval."""
    return f"{name}:{approval_id}"


def legacy_approval_context(tenant_id: UUID, turn_id: str, key: str) -> str:
    """What an approval from before 0008 bound its platform-key ciphertexts to."""
    return f"approval:{tenant_id}:{turn_id}:{key}"


def keyed_call_key(
    keyring: TenantKeyring, tool_name: str, arguments: dict[str, Any], *, version: int
) -> str:
    """The call's key (policies.approvals.call_key) under an HMAC key derived from one data
    key version."""
    secret = keyring.derive(CALL_KEY_PURPOSE, version=version)
    message = call_key(tool_name, arguments).encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def _call_keys(keyring: TenantKeyring, tool_name: str, arguments: dict[str, Any]) -> list[str]:
    """Every key this call's approval may be stored under: one per version the keyring
    holds (a row not yet re-sealed since a rotation), and the plain one of rows from before
    0008."""
    keyed = [
        keyed_call_key(keyring, tool_name, arguments, version=version) for version in keyring.keys
    ]
    return [*keyed, call_key(tool_name, arguments)]


@dataclass
class Resealed:
    """One batch re-sealed under the current data key version: how many rows, the ones that
    could not be opened, and the id the next batch starts after (None: this was the last)."""

    resealed: int = 0
    unreadable: list[str] = field(default_factory=list)
    next_after: UUID | None = None


def _required(keys: TenantKeys | None) -> TenantKeys:
    if keys is None:
        raise NoDataKeysError("tool content is sealed: pass the tenant's keys")
    return keys


async def _keyring_for(keys: TenantKeys, rows: Iterable[Row[Any]]) -> TenantKeyring:
    versions = {row.data_key_version for row in rows} - {None}
    return await keys.keyring(needs=versions)


async def _reseal_batch_of(
    conn: AsyncConnection, keys: TenantKeys, table: Any, *, after: UUID | None, limit: int
) -> tuple[list[Row[Any]], TenantKeyring, "Resealed"]:
    """The next batch of `table`'s rows to re-seal, locked; a keyring that opens them all
    and seals under the current version; and where the next batch starts."""
    current = (await keys.keyring()).current
    rows = await rows_to_reseal(conn, table, current_version=current, after=after, limit=limit)
    keyring = await _keyring_for(keys, rows)
    return rows, keyring, Resealed(next_after=rows[-1].id if len(rows) == limit else None)


async def _versions(conn: AsyncConnection, column: Any) -> set[int | None]:
    stmt = select(column).distinct()
    return {value for (value,) in (await conn.execute(stmt)).all()}


class ToolCallRepository:
    def __init__(self, conn: AsyncConnection, keys: TenantKeys | None = None) -> None:
        """`keys` (`runtime.data_keys.of(tenant_id)`): to seal arguments on write; the
        aggregates read no sealed field and need none."""
        self.conn = conn
        self.keys = keys

    async def add(self, rows: list[dict[str, Any]]) -> None:
        """Record tool calls (each with its `arguments`, secret ones redacted, sealed here); a
        call bound to an approval is recorded once, whoever records it."""
        if not rows:
            return
        keyring = await _required(self.keys).keyring()
        sealed = [
            {
                **{name: value for name, value in row.items() if name != "arguments"},
                "sealed_arguments": keyring.seal_bytes(
                    json.dumps(row["arguments"]), field=TOOL_CALL_ARGUMENTS
                ),
                "data_key_version": keyring.current,
            }
            for row in rows
        ]
        await self.conn.execute(insert(tool_calls).values(sealed).on_conflict_do_nothing())

    async def per_agent(self, since: datetime) -> list[Row[Any]]:
        """Tool calls since a time, per agent and tool: calls, failures, total duration."""
        failed = func.count().filter(tool_calls.c.outcome != "ok")
        stmt = (
            select(
                tool_calls.c.agent_id,
                agents.c.name.label("agent_name"),
                tool_calls.c.tool_name,
                func.count().label("calls"),
                failed.label("failed"),
                func.coalesce(func.sum(tool_calls.c.duration_ms), 0).label("duration_ms"),
            )
            .select_from(
                tool_calls.outerjoin(
                    agents,
                    (agents.c.id == tool_calls.c.agent_id)
                    & (agents.c.tenant_id == tool_calls.c.tenant_id),
                )
            )
            .where(tool_calls.c.created_at >= since)
            .group_by(tool_calls.c.agent_id, agents.c.name, tool_calls.c.tool_name)
            .order_by(agents.c.name, tool_calls.c.tool_name)
        )
        return list((await self.conn.execute(stmt)).all())

    async def reseal_batch(self, *, after: UUID | None, limit: int) -> Resealed:
        """Seal the next `limit` tool calls (by id) not under the current version (key
        rotation, and rows recorded in clear before 0008), under row locks."""
        rows, keyring, done = await _reseal_batch_of(
            self.conn, _required(self.keys), tool_calls, after=after, limit=limit
        )
        fresh: list[dict[str, Any]] = []
        for row in rows:
            try:
                plain = (
                    json.dumps(row.arguments)
                    if row.data_key_version is None
                    else keyring.open_bytes(
                        row.sealed_arguments,
                        version=row.data_key_version,
                        field=TOOL_CALL_ARGUMENTS,
                    )
                )
            except DecryptionError as exc:
                done.unreadable.append(f"tool call {row.id}: {exc}")
                continue
            fresh.append(
                {"call": row.id, "sealed": keyring.seal_bytes(plain, field=TOOL_CALL_ARGUMENTS)}
            )
        if fresh:
            stmt_update = (
                update(tool_calls)
                .where(tool_calls.c.id == bindparam("call"))
                .values(
                    arguments=null(),  # SQL NULL (None would be JSON null)
                    sealed_arguments=bindparam("sealed"),
                    data_key_version=keyring.current,
                )
            )
            await self.conn.execute(stmt_update, fresh)
        done.resealed = len(fresh)
        return done

    async def data_key_versions(self) -> set[int | None]:
        """Every data key version some tool call is sealed under (None: some are in clear)."""
        return await _versions(self.conn, tool_calls.c.data_key_version)


class ApprovalRow:
    """An approval as callers use a Row (attributes), its sealed fields opened: `arguments`
    (what the tool runs with), `status_text`, and `result` ((outcome, text), or None before
    the run ended or when its end is unknown). The ciphertext columns are not on it."""

    def __init__(
        self,
        mapping: Mapping[str, Any],
        *,
        arguments: dict[str, Any],
        status_text: str,
        result: Any,
    ) -> None:
        self._mapping = {
            **{k: v for k, v in mapping.items() if k not in ("sealed_arguments", "sealed_result")},
            "arguments": arguments,
            "status_text": status_text,
            "result": None if result is None else (str(result[0]), str(result[1])),
        }

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_mapping"][name]
        except KeyError:
            raise AttributeError(name) from None


class ApprovalRepository:
    def __init__(self, conn: AsyncConnection, keys: TenantKeys | None = None) -> None:
        """`keys` (`runtime.data_keys.of(tenant_id)`): to seal on write and open on read;
        the status updates (expire, claim) and `data_key_versions` need none."""
        self.conn = conn
        self.keys = keys

    async def _open(self, row: Row[Any], keyring: TenantKeyring | None = None) -> ApprovalRow:
        """The row opened; raises DecryptionError if any sealed value is not this row's own,
        or if its tool name and call key are not those of the arguments it opens to."""
        keys = _required(self.keys)
        version = row.data_key_version
        if version is None:  # from before 0008: the platform key, bound to the call
            box = keys.data_keys.box
            context = legacy_approval_context(row.tenant_id, row.turn_id, row.call_key)
            arguments = box.decrypt(row.sealed_arguments, context=context)
            result = row.sealed_result and box.decrypt(row.sealed_result, context=context)
            status_text = row.status_text
            opened = json.loads(arguments)
            expected = call_key(row.tool_name, opened)
        else:
            if keyring is None or not keyring.holds(version):
                keyring = await keys.keyring(needs=(version,))

            def unsealed(sealed: str, name: str) -> str:
                return keyring.open(sealed, version=version, field=approval_field(name, row.id))

            arguments = unsealed(row.sealed_arguments, APPROVAL_ARGUMENTS)
            status_text = unsealed(row.status_text, APPROVAL_STATUS_TEXT)
            result = row.sealed_result and unsealed(row.sealed_result, APPROVAL_RESULT)
            opened = json.loads(arguments)
            expected = keyed_call_key(keyring, row.tool_name, opened, version=version)
        if not hmac.compare_digest(expected, row.call_key):
            raise ApprovalMismatchError(
                f"approval {row.id}: its arguments are not those of its tool and call key"
            )
        return ApprovalRow(
            dict(row._mapping),
            arguments=opened,
            status_text=status_text,
            result=json.loads(result) if result else None,
        )

    async def _opened(self, row: Row[Any] | None) -> ApprovalRow | None:
        return None if row is None else await self._open(row)

    @staticmethod
    def _sealed(
        keyring: TenantKeyring,
        *,
        approval_id: UUID,
        tool_name: str,
        arguments: dict[str, Any],
        status_text: str,
        result: tuple[str, str] | None,
    ) -> dict[str, Any]:
        """The sealed columns of one row, bound to it, and its call key, all under the current
        version (one per row)."""

        def sealed(value: str, name: str) -> str:
            return keyring.seal(value, field=approval_field(name, approval_id))

        return {
            "call_key": keyed_call_key(keyring, tool_name, arguments, version=keyring.current),
            "arguments": null(),  # SQL NULL: the redacted copy in clear is gone
            "sealed_arguments": sealed(json.dumps(arguments), APPROVAL_ARGUMENTS),
            "status_text": sealed(status_text, APPROVAL_STATUS_TEXT),
            "sealed_result": None
            if result is None
            else sealed(json.dumps(list(result)), APPROVAL_RESULT),
            "data_key_version": keyring.current,
        }

    async def ensure(
        self,
        *,
        tenant_id: UUID,
        turn_id: str,
        tool_name: str,
        arguments: dict[str, Any],
        status_text: str,
        **values: Any,
    ) -> ApprovalRow:
        """This turn's approval of this call (the same tool with the same arguments): the
        one asked for before (a replayed turn), or new, its `arguments` and `status_text`
        sealed."""
        keyring = await _required(self.keys).keyring()
        existing = select(approvals).where(
            approvals.c.turn_id == turn_id,
            approvals.c.call_key.in_(_call_keys(keyring, tool_name, arguments)),
        )
        row = (await self.conn.execute(existing)).first()
        if row is None:
            approval_id = uuid4()  # before the insert: its values are sealed to it
            sealed = self._sealed(
                keyring,
                approval_id=approval_id,
                tool_name=tool_name,
                arguments=arguments,
                status_text=status_text,
                result=None,
            )
            stmt = (
                insert(approvals)
                .values(
                    id=approval_id,
                    tenant_id=tenant_id,
                    turn_id=turn_id,
                    tool_name=tool_name,
                    **values,
                    **sealed,
                )
                .on_conflict_do_nothing(index_elements=["tenant_id", "turn_id", "call_key"])
                .returning(approvals)
            )
            # None: the same call's approval was made meanwhile (a concurrent replay).
            row = (await self.conn.execute(stmt)).first() or (
                await self.conn.execute(existing)
            ).one()
        return await self._open(row, keyring)

    async def get(self, approval_id: UUID) -> ApprovalRow | None:
        stmt = select(approvals).where(approvals.c.id == approval_id)
        return await self._opened((await self.conn.execute(stmt)).first())

    async def decide(self, approval_id: UUID, *, approve: bool, user_id: str) -> ApprovalRow | None:
        """pending -> approved/denied, only while it has not expired; None if it was not."""
        stmt = (
            update(approvals)
            .where(
                approvals.c.id == approval_id,
                approvals.c.status == PENDING,
                approvals.c.expires_at > func.now(),
            )
            .values(
                status=APPROVED if approve else DENIED, decided_by=user_id, decided_at=func.now()
            )
            .returning(approvals)
        )
        return await self._opened((await self.conn.execute(stmt)).first())

    async def expire(self, approval_id: UUID) -> bool:
        """pending -> expired once its time is up; False if it was decided first."""
        stmt = (
            update(approvals)
            .where(
                approvals.c.id == approval_id,
                approvals.c.status == PENDING,
                approvals.c.expires_at <= func.now(),
            )
            .values(status=EXPIRED, decided_at=func.now())
        )
        return (await self.conn.execute(stmt)).rowcount > 0

    async def claim(self, approval_id: UUID) -> bool:
        """approved -> running: exactly one runner ever gets True."""
        stmt = (
            update(approvals)
            .where(approvals.c.id == approval_id, approvals.c.status == APPROVED)
            .values(status=RUNNING)
        )
        return (await self.conn.execute(stmt)).rowcount > 0

    async def finish(
        self, approval_id: UUID, *, result: tuple[str, str] | None, ok: bool | None
    ) -> bool:
        """running -> done with what the run answered, (outcome, text) (None: its end is
        unknown). The row is re-sealed whole under the current version: one version per row,
        whichever sealed its arguments."""
        locked = select(approvals).where(
            approvals.c.id == approval_id, approvals.c.status == RUNNING
        )
        row = (await self.conn.execute(locked.with_for_update())).first()
        if row is None:
            return False
        keyring = await _keyring_for(_required(self.keys), [row])
        opened = await self._open(row, keyring)
        sealed = self._sealed(
            keyring,
            approval_id=row.id,
            tool_name=row.tool_name,
            arguments=opened.arguments,
            status_text=opened.status_text,
            result=result,
        )
        stmt = (
            update(approvals)
            .where(approvals.c.id == approval_id)
            .values(status=DONE, result_ok=ok, **sealed)
        )
        await self.conn.execute(stmt)
        return True

    async def reseal_batch(self, *, after: UUID | None, limit: int) -> Resealed:
        """Seal the next `limit` approvals (by id) not under the current version (key
        rotation, and rows from before 0008 under the platform key), under row locks."""
        rows, keyring, done = await _reseal_batch_of(
            self.conn, _required(self.keys), approvals, after=after, limit=limit
        )
        for row in rows:
            try:
                opened = await self._open(row, keyring)
            except DecryptionError as exc:
                done.unreadable.append(f"approval {row.id}: {exc}")
                continue
            sealed = self._sealed(
                keyring,
                approval_id=row.id,
                tool_name=row.tool_name,
                arguments=opened.arguments,
                status_text=opened.status_text,
                result=opened.result,
            )
            await self.conn.execute(
                update(approvals).where(approvals.c.id == row.id).values(sealed)
            )
            done.resealed += 1
        return done

    async def data_key_versions(self) -> set[int | None]:
        """Every data key version some approval is sealed under (None: some from before 0008)."""
        return await _versions(self.conn, approvals.c.data_key_version)
