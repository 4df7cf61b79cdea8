"""rls_overhead: what row-level security costs per transaction, against an owner baseline.

Seeds 1,000 tenants (100 with --quick), then 9,000 more (900), each with 100 agents and one
conversation of 100 messages, bulk-loaded with COPY as the owner. Two indexed per-tenant
queries that the app runs — (a) one agent by id, (b) the 50 newest messages of a thread —
are timed as:

- `rls`: the app role through `Database.tenant_transaction(tenant_id)` (RLS, tenant set per
  transaction with `SET LOCAL`), the query without any tenant predicate;
- `owner`: the owner role (`postgres`, bypasses RLS) through `Database.platform_transaction()`
  (same engine options, same transaction shape: checkout, BEGIN, query, COMMIT), the query
  with an explicit `tenant_id = $1` predicate;
- `owner_set_config` (diagnostic): the owner baseline plus the same `SET LOCAL` statement,
  which separates the cost of the extra round trip from the cost of the RLS predicate.

Same targets, same iteration counts; the arms alternate transaction by transaction (order
rotating), so noise from the shared machine hits every arm alike. `rls_overhead` is the
larger of the two per-query ratios of median per-transaction time;
`rls_overhead_query_only` times the statements alone inside two open transactions, one per
role, alternating statement by statement (the RLS predicate's cost only). Both are measured
at 1,000 tenants and again at 10,000 (`..._10000_tenants`); `rls_overhead_scaling` is the
ratio of the two `rls_overhead` figures, i.e. whether RLS costs more as tenants are added.
"""

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bench.common import Context, Result, log, median, ms, result, spread, summary_ms
from proxy.core.db.engine import Database
from proxy.core.db.tables import agents, messages

AGENTS_PER_TENANT = 100
MESSAGES_PER_TENANT = 100
NEWEST = 50
BATCH = 50

# The statements mirror proxy/features/agents/repository.py `get` and
# proxy/features/conversations/repository.py `newest_messages`; the owner's copy adds the tenant
# predicate that RLS supplies for the app role.
AGENT_RLS = select(agents).where(agents.c.id == bindparam("agent_id", type_=agents.c.id.type))
AGENT_OWNER = AGENT_RLS.where(
    agents.c.tenant_id == bindparam("tenant_id", type_=agents.c.tenant_id.type)
)
MESSAGES_RLS = (
    select(messages)
    .where(
        messages.c.conversation_id
        == bindparam("conversation_id", type_=messages.c.conversation_id.type)
    )
    .order_by(messages.c.created_at.desc(), messages.c.id.desc())
    .limit(NEWEST)
)
MESSAGES_OWNER = MESSAGES_RLS.where(
    messages.c.tenant_id == bindparam("tenant_id", type_=messages.c.tenant_id.type)
)
SET_TENANT = "SET LOCAL app.current_tenant = '{tenant}'"

# Target = (tenant id, agent id, conversation id).
Target = tuple[uuid.UUID, uuid.UUID, uuid.UUID]


# ------------------------------------------------------------------------ seeding
async def seed(
    admin_url: str, tenants: int, start: int = 0
) -> list[tuple[uuid.UUID, list[uuid.UUID], uuid.UUID]]:
    """Bulk-load tenants number `start` to `start + tenants - 1` as the owner; returns
    (tenant, its agent ids, its conversation) per tenant."""
    now = datetime.now(UTC)
    tenant_rows, agent_rows, conversation_rows, message_rows = [], [], [], []
    world = []
    for t in range(start, start + tenants):
        tid = uuid.uuid4()
        tenant_rows.append((tid, f"Bench {t}", f"bench-{t}"))
        agent_ids = [uuid.uuid4() for _ in range(AGENTS_PER_TENANT)]
        for a, aid in enumerate(agent_ids):
            agent_rows.append(
                (aid, tid, f"agent-{a}", f"Agent {a}", "Support", f"Persona {t}/{a}", a == 0)
            )
        cid = uuid.uuid4()
        conversation_rows.append((cid, tid, "slack", "C1", f"1700000000.{t:06d}"))
        for m in range(MESSAGES_PER_TENANT):
            message_rows.append(
                (
                    uuid.uuid4(),
                    tid,
                    cid,
                    "user" if m % 2 == 0 else "assistant",
                    "U1",
                    f"message {m} of tenant {t}",
                    f"Ev{t}-{m // 2}",
                    now - timedelta(seconds=MESSAGES_PER_TENANT - m),
                )
            )
        world.append((tid, agent_ids, cid))
    conn = await asyncpg.connect(admin_url)
    try:
        async with conn.transaction():
            await conn.copy_records_to_table(
                "tenants", records=tenant_rows, columns=["id", "name", "slug"]
            )
            await conn.copy_records_to_table(
                "agents",
                records=agent_rows,
                columns=["id", "tenant_id", "slug", "name", "role", "persona", "is_default"],
            )
            await conn.copy_records_to_table(
                "conversations",
                records=conversation_rows,
                columns=["id", "tenant_id", "channel_type", "channel_id", "thread_id"],
            )
            await conn.copy_records_to_table(
                "messages",
                records=message_rows,
                columns=[
                    "id",
                    "tenant_id",
                    "conversation_id",
                    "role",
                    "sender_id",
                    "text",
                    "source_event_id",
                    "created_at",
                ],
            )
        await conn.execute("analyze tenants, agents, conversations, messages")
    finally:
        await conn.close()
    return world


# ------------------------------------------------------------------------ the arms
Query = Callable[[AsyncConnection, Target], Awaitable[int]]


async def agent_rls(conn: AsyncConnection, target: Target) -> int:
    return len((await conn.execute(AGENT_RLS, {"agent_id": target[1]})).all())


async def agent_owner(conn: AsyncConnection, target: Target) -> int:
    params = {"agent_id": target[1], "tenant_id": target[0]}
    return len((await conn.execute(AGENT_OWNER, params)).all())


async def messages_rls(conn: AsyncConnection, target: Target) -> int:
    return len((await conn.execute(MESSAGES_RLS, {"conversation_id": target[2]})).all())


async def messages_owner(conn: AsyncConnection, target: Target) -> int:
    params = {"conversation_id": target[2], "tenant_id": target[0]}
    return len((await conn.execute(MESSAGES_OWNER, params)).all())


QUERIES: dict[str, dict[str, Query]] = {
    "agent_by_id": {"rls": agent_rls, "owner": agent_owner, "owner_set_config": agent_owner},
    "newest_messages": {
        "rls": messages_rls,
        "owner": messages_owner,
        "owner_set_config": messages_owner,
    },
}
EXPECTED_ROWS = {"agent_by_id": 1, "newest_messages": NEWEST}


class Arms:
    def __init__(self, app: Database, owner: Database) -> None:
        self.app = app
        self.owner = owner

    async def transaction(self, arm: str, query: Query, target: Target) -> float:
        """Seconds for one whole transaction (checkout, BEGIN, [tenant], query, COMMIT)."""
        t0 = time.perf_counter()
        if arm == "rls":
            async with self.app.tenant_transaction(target[0]) as conn:
                rows = await query(conn, target)
        elif arm == "owner":
            async with self.owner.platform_transaction() as conn:
                rows = await query(conn, target)
        else:  # owner_set_config
            async with self.owner.platform_transaction() as conn:
                await conn.execute(text(SET_TENANT.format(tenant=uuid.UUID(str(target[0])))))
                rows = await query(conn, target)
        elapsed = time.perf_counter() - t0
        return elapsed if rows else -1.0

    async def queries_side_by_side(
        self, by_arm: dict[str, Query], targets: list[Target], flip: bool
    ) -> dict[str, list[float]]:
        """Seconds per statement, inside two open transactions of one tenant (app role under
        RLS, owner with the predicate), the statements alternating between them."""
        samples: dict[str, list[float]] = {"rls": [], "owner": []}
        async with (
            self.app.tenant_transaction(targets[0][0]) as rls_conn,
            self.owner.platform_transaction() as owner_conn,
        ):
            conns = {"rls": rls_conn, "owner": owner_conn}
            for i, target in enumerate(targets):
                order = ("rls", "owner") if (i % 2 == 0) != flip else ("owner", "rls")
                for arm in order:
                    t0 = time.perf_counter()
                    rows = await by_arm[arm](conns[arm], target)
                    samples[arm].append(time.perf_counter() - t0 if rows else -1.0)
        return samples


def _check(samples: list[float], what: str) -> None:
    if any(s < 0 for s in samples):
        raise RuntimeError(f"{what}: a query returned no rows (RLS or seeding is wrong)")


async def measure(
    app_url: str, admin_url: str, world: list[Any], iterations: int, rng: random.Random
) -> dict[str, Any]:
    app = Database(app_url, pool_size=2)
    owner = Database(admin_url, pool_size=2)
    arms = Arms(app, owner)
    names = ["rls", "owner", "owner_set_config"]
    txn: dict[str, dict[str, list[float]]] = {q: {a: [] for a in names} for q in QUERIES}
    only: dict[str, dict[str, list[float]]] = {
        q: {a: [] for a in ("rls", "owner")} for q in QUERIES
    }

    def random_target() -> Target:
        tid, agent_ids, cid = rng.choice(world)
        return tid, rng.choice(agent_ids), cid

    def one_tenant() -> list[Target]:
        tid, agent_ids, cid = rng.choice(world)
        return [(tid, rng.choice(agent_ids), cid) for _ in range(BATCH)]

    try:
        # Warm-up: pools, prepared statements, caches — every arm alike, not recorded.
        for by_arm in QUERIES.values():
            for arm, query in by_arm.items():
                for _ in range(BATCH):
                    await arms.transaction(arm, query, random_target())
            await arms.queries_side_by_side(by_arm, one_tenant(), flip=False)

        # Arms alternate transaction by transaction (same target for each, order rotating),
        # so a burst of noise from the shared machine lands on every arm alike.
        batches = max(1, iterations // BATCH)
        for b in range(batches):
            for qname, by_arm in QUERIES.items():
                for i in range(BATCH):
                    target = random_target()
                    shift = (b * BATCH + i) % len(names)
                    for arm in names[shift:] + names[:shift]:
                        txn[qname][arm].append(await arms.transaction(arm, by_arm[arm], target))
                side = await arms.queries_side_by_side(by_arm, one_tenant(), flip=b % 2 == 1)
                for arm, values in side.items():
                    only[qname][arm].extend(values)
            if (b + 1) % 10 == 0:
                log(f"rls_overhead: batch {b + 1}/{batches}")
        plans = await explain(app_url, admin_url, world[0])
    finally:
        await app.dispose()
        await owner.dispose()
    for qname in QUERIES:
        for arm, samples in txn[qname].items():
            _check(samples, f"{qname}/{arm}")
        for arm, samples in only[qname].items():
            _check(samples, f"{qname}/{arm} (query only)")
    return {"txn": txn, "only": only, "plans": plans}


async def explain(app_url: str, admin_url: str, first: Any) -> dict[str, str]:
    """The plans both roles get for both queries (first line of EXPLAIN), for the record."""
    tid, agent_ids, cid = first
    plans: dict[str, str] = {}
    sql = {
        "agent_by_id": ("select * from agents where id = $1", (agent_ids[3],)),
        "newest_messages": (
            "select * from messages where conversation_id = $1"
            " order by created_at desc, id desc limit 50",
            (cid,),
        ),
    }
    owner_sql = {
        "agent_by_id": ("select * from agents where id = $1 and tenant_id = $2", (agent_ids[3],)),
        "newest_messages": (
            "select * from messages where conversation_id = $1 and tenant_id = $2"
            " order by created_at desc, id desc limit 50",
            (cid,),
        ),
    }
    for role, url in (("rls", app_url), ("owner", admin_url)):
        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                await conn.execute("select set_config('app.current_tenant', $1, true)", str(tid))
                for qname, (stmt, args) in (sql if role == "rls" else owner_sql).items():
                    params = (*args, tid) if role == "owner" else args
                    rows = await conn.fetch("explain " + stmt, *params)
                    plans[f"{qname}/{role}"] = " | ".join(r[0].strip() for r in rows)
        finally:
            await conn.close()
    return plans


# ------------------------------------------------------------------------ diagnostic
RAW_SQL = {
    "agent_by_id": (
        "select * from agents where id = $1",
        "select * from agents where id = $1 and tenant_id = $2",
    ),
    "newest_messages": (
        "select * from messages where conversation_id = $1"
        " order by created_at desc, id desc limit 50",
        "select * from messages where conversation_id = $1 and tenant_id = $2"
        " order by created_at desc, id desc limit 50",
    ),
}


async def raw_round_trips(
    app_url: str, admin_url: str, world: list[Any], iterations: int, rng: random.Random
) -> dict[str, Any]:
    """Where the per-transaction overhead goes, with plain asyncpg (no pool, no pre-ping).

    - owner: BEGIN; query with tenant predicate; COMMIT (3 round trips)
    - rls: BEGIN; set_config; query; COMMIT (4 round trips, like tenant_transaction)
    - rls_merged: "BEGIN; SET LOCAL ..." as one simple-protocol message (the
      tenant id is a UUID object, rendered by uuid, so the literal is safe); query;
      COMMIT (3 round trips): what folding the tenant into BEGIN would save.
    """
    app = await asyncpg.connect(app_url)
    owner = await asyncpg.connect(admin_url)
    arms = ("owner", "rls", "rls_merged")
    samples: dict[str, dict[str, list[float]]] = {q: {a: [] for a in arms} for q in RAW_SQL}

    def args_of(qname: str, target: Target) -> tuple[uuid.UUID, ...]:
        return (target[1],) if qname == "agent_by_id" else (target[2],)

    async def once(arm: str, qname: str, target: Target) -> float:
        rls_sql, owner_sql = RAW_SQL[qname]
        args = args_of(qname, target)
        t0 = time.perf_counter()
        if arm == "owner":
            async with owner.transaction():
                rows = await owner.fetch(owner_sql, *args, target[0])
        elif arm == "rls":
            async with app.transaction():
                await app.execute(
                    "select set_config('app.current_tenant', $1, true)", str(target[0])
                )
                rows = await app.fetch(rls_sql, *args)
        else:
            tenant = uuid.UUID(str(target[0]))  # only ever a UUID's own rendering
            await app.execute(f"begin; set local app.current_tenant = '{tenant}'")
            try:
                rows = await app.fetch(rls_sql, *args)
            finally:
                await app.execute("commit")
        elapsed = time.perf_counter() - t0
        return elapsed if rows else -1.0

    def pick() -> Target:
        tid, agent_ids, cid = rng.choice(world)
        return tid, rng.choice(agent_ids), cid

    try:
        for qname in RAW_SQL:
            for arm in arms:
                for _ in range(BATCH):
                    await once(arm, qname, pick())
        for b in range(max(1, iterations // BATCH)):
            for qname in RAW_SQL:
                for i in range(BATCH):
                    target = pick()
                    shift = (b * BATCH + i) % len(arms)
                    for arm in arms[shift:] + arms[:shift]:
                        samples[qname][arm].append(await once(arm, qname, target))
    finally:
        await app.close()
        await owner.close()
    for qname, by_arm in samples.items():
        for arm, values in by_arm.items():
            _check(values, f"raw {qname}/{arm}")
    return {
        "what": "plain asyncpg, one connection per role, no pool: owner = BEGIN, query, "
        "COMMIT; rls = BEGIN, set_config, query, COMMIT; rls_merged = BEGIN and SET LOCAL "
        "in one simple-protocol message (as tenant_transaction does), query, COMMIT",
        "p50_ms": {
            q: {a: ms(median(v)) for a, v in by_arm.items()} for q, by_arm in samples.items()
        },
        "ratio_rls": {
            q: round(median(b["rls"]) / median(b["owner"]), 4) for q, b in samples.items()
        },
        "ratio_rls_merged": {
            q: round(median(b["rls_merged"]) / median(b["owner"]), 4) for q, b in samples.items()
        },
        "iterations_per_arm": {q: len(b["owner"]) for q, b in samples.items()},
    }


# ------------------------------------------------------------------------ entry point
def run(ctx: Context) -> list[Result]:
    """rls_overhead at 1,000 tenants, then at 10,000 (the same database, 9,000 more seeded),
    and rls_overhead_scaling: the second ratio over the first (100 and 1,000 with --quick)."""
    admin_url, app_url = ctx.scratch_database()
    sizes = (100, 1000) if ctx.quick else (1000, 10_000)
    iterations = 200 if ctx.quick else 1500
    rng = random.Random(20261125)
    world: list[Any] = []
    figures: dict[int, list[Result]] = {}
    for tenants in sizes:
        t0 = time.monotonic()
        world += asyncio.run(seed(admin_url, tenants - len(world), start=len(world)))
        seeded_s = time.monotonic() - t0
        rows = tenants * (AGENTS_PER_TENANT + MESSAGES_PER_TENANT + 1)
        log(f"rls_overhead: {tenants} tenants ({rows} rows), seeding took {seeded_s:.1f}s")
        figures[tenants] = _measured(ctx, app_url, admin_url, world, iterations, rng, seeded_s)
    small, large = (figures[n][0] for n in sizes)
    scaling = large["value"] / small["value"]
    # Round i of one size against round i of the other: how much the ratio moves by chance.
    by_round = [
        b / a for a, b in zip(small["ratio_by_round"], large["ratio_by_round"], strict=False)
    ]
    at_large = [{**r, "name": f"{r['name']}_{sizes[1]}_tenants"} for r in figures[sizes[1]]]
    return [
        *figures[sizes[0]],
        *at_large,
        result(
            "rls_overhead_scaling",
            round(scaling, 4),
            "ratio",
            target="<= 1.05",
            what=f"rls_overhead at {sizes[1]} tenants / rls_overhead at {sizes[0]} tenants "
            "(same database, same queries, same iteration counts)",
            small={"tenants": sizes[0], "rls_overhead": small["value"]},
            large={"tenants": sizes[1], "rls_overhead": large["value"]},
            rounds=len(by_round),
            ratio_by_round=[round(x, 4) for x in by_round],
            spread=spread(by_round),
            quick=ctx.quick,
        ),
    ]


def _measured(
    ctx: Context,
    app_url: str,
    admin_url: str,
    world: list[Any],
    iterations: int,
    rng: random.Random,
    seeded_s: float,
) -> list[Result]:
    tenants = len(world)
    data = asyncio.run(measure(app_url, admin_url, world, iterations, rng))
    raw = asyncio.run(raw_round_trips(app_url, admin_url, world, iterations // 2, rng))
    txn, only = data["txn"], data["only"]

    def ratios(groups: dict[str, dict[str, list[float]]], base: str) -> dict[str, float]:
        return {q: round(median(arms["rls"]) / median(arms[base]), 4) for q, arms in groups.items()}

    def ratios_by_round(groups: dict[str, dict[str, list[float]]]) -> dict[str, list[float]]:
        """Per batch of BATCH samples (a round: every arm ran on the same targets)."""
        return {
            q: [
                median(arms["rls"][i : i + BATCH]) / median(arms["owner"][i : i + BATCH])
                for i in range(0, len(arms["rls"]), BATCH)
            ]
            for q, arms in groups.items()
        }

    per_query = ratios(txn, "owner")
    txn_rounds, only_rounds = ratios_by_round(txn), ratios_by_round(only)
    vs_set_config = ratios(txn, "owner_set_config")
    only_ratio = ratios(only, "owner")
    setconfig_cost = {
        q: ms(median(arms["owner_set_config"]) - median(arms["owner"])) for q, arms in txn.items()
    }
    common = {
        "rounds": len(txn_rounds[next(iter(txn_rounds))]),
        "round_size": BATCH,
        "tenants": tenants,
        "rows_per_tenant": {"agents": AGENTS_PER_TENANT, "messages": MESSAGES_PER_TENANT},
        "iterations_per_arm": {q: len(arms["rls"]) for q, arms in txn.items()},
        "quick": ctx.quick,
    }
    worst = max(per_query, key=per_query.__getitem__)
    worst_only = max(only_ratio, key=only_ratio.__getitem__)
    return [
        result(
            "rls_overhead",
            per_query[worst],
            "ratio",
            target="<= 1.05",
            what="median per-transaction time, app role under RLS via tenant_transaction "
            "/ owner with explicit tenant_id predicate; worst of the two queries",
            worst_query=worst,
            ratio_by_query=per_query,
            ratio_by_round=[round(x, 4) for x in txn_rounds[worst]],
            spread=spread(txn_rounds[worst]),
            spread_by_query={q: spread(v) for q, v in txn_rounds.items()},
            rls_ms={q: summary_ms(arms["rls"]) for q, arms in txn.items()},
            owner_ms={q: summary_ms(arms["owner"]) for q, arms in txn.items()},
            owner_with_set_config_ms={
                q: summary_ms(arms["owner_set_config"]) for q, arms in txn.items()
            },
            set_config_round_trip_ms=setconfig_cost,
            ratio_vs_owner_with_set_config=vs_set_config,
            round_trips={
                "tenant_transaction": "pre-ping (';'), 'BEGIN; SET LOCAL ...' in one "
                "message, query, COMMIT: 4",
                "owner baseline": "pre-ping (';'), BEGIN, query, COMMIT: 4",
                "note": "the engine runs in autocommit mode and Database opens and ends each "
                "transaction itself (proxy/core/db/engine.py); SQLAlchemy's pool_pre_ping costs "
                "one round trip per checkout in both arms",
            },
            raw_asyncpg=raw,
            plans=data["plans"],
            seed_seconds=round(seeded_s, 2),
            **common,
        ),
        result(
            "rls_overhead_query_only",
            only_ratio[worst_only],
            "ratio",
            what="median per-statement time inside an already-open transaction "
            "(RLS predicate cost only); worst of the two queries",
            worst_query=worst_only,
            ratio_by_query=only_ratio,
            ratio_by_round=[round(x, 4) for x in only_rounds[worst_only]],
            spread=spread(only_rounds[worst_only]),
            spread_by_query={q: spread(v) for q, v in only_rounds.items()},
            rls_ms={q: summary_ms(arms["rls"]) for q, arms in only.items()},
            owner_ms={q: summary_ms(arms["owner"]) for q, arms in only.items()},
            **common,
        ),
    ]
