"""encrypted_history_read_ratio: what sealing message text costs when a thread is read.

Seeds 20 tenants (5 with --quick), each with two Slack threads holding the same 50
messages (user messages of 40-300 characters, answers of 200-1,200): one stored through
`conversations.store_message` (sealed with the tenant's data key), one stored in clear
through the repository (as rows from before #18 are, with no data key version). Both are
read through the one production path, `conversations.thread_history(limit=50)`: the same
transaction and query, then opening each text or taking it as it is.

The arms alternate read by read on the same tenant (order flipping), in rounds of 50 per
arm, so noise from the shared machine lands on both alike. The figure is the ratio of
median read times; its spread is the per-round ratio. The data keys are cached per process,
as in the proxy; the cost of a cold read (keyring dropped, fetched and unwrapped from the
key store) is reported beside it, with the decryption alone per read.
"""

import asyncio
import random
import time
import uuid

from bench.common import (
    BENCH_REDIS_URL,
    Context,
    Result,
    log,
    median,
    ms,
    result,
    spread,
    summary_ms,
)
from proxy.core.keystore import keystore_url
from proxy.core.runtime import Runtime
from proxy.core.settings import Settings
from proxy.features.conversations import service as conversations
from proxy.features.conversations.repository import ConversationRepository
from proxy.features.tenants.repository import TenantRepository

THREAD_LENGTH = 50
ROUND = 50
SEALED, CLEAR = "sealed", "clear"
FIELD = conversations.MESSAGE_TEXT


def _texts(rng: random.Random) -> list[str]:
    words = "order refund invoice shipping account plan upgrade thanks please when where".split()

    def sentence(low: int, high: int) -> str:
        target = rng.randint(low, high)
        out: list[str] = []
        while sum(len(w) + 1 for w in out) < target:
            out.append(rng.choice(words))
        return " ".join(out)[:target]

    return [sentence(40, 300) if i % 2 == 0 else sentence(200, 1200) for i in range(THREAD_LENGTH)]


async def _seed(runtime: Runtime, tenants: int, rng: random.Random) -> list[uuid.UUID]:
    ids = []
    for t in range(tenants):
        async with runtime.db.platform_transaction() as conn:
            row = await TenantRepository(conn).create(
                name=f"History {t}", slug=f"history-{t}-{uuid.uuid4().hex[:6]}", settings={}
            )
        texts = _texts(rng)
        for i, body in enumerate(texts):
            await conversations.store_message(
                runtime,
                row.id,
                channel_type="slack",
                channel_id="C1",
                thread_id=SEALED,
                role="user" if i % 2 == 0 else "assistant",
                text=body,
                sender_id="U1",
                source_event_id=f"Ev-s-{i}",
            )
        for i, body in enumerate(texts):
            # One transaction per message, as store_message does: rows of one transaction
            # share created_at, and the thread's order would be the ids' then.
            async with runtime.db.tenant_transaction(row.id) as conn:
                repo = ConversationRepository(conn)
                conversation = await repo.ensure(
                    tenant_id=row.id, channel_type="slack", channel_id="C1", thread_id=CLEAR
                )
                await repo.add_message(
                    tenant_id=row.id,
                    conversation_id=conversation,
                    role="user" if i % 2 == 0 else "assistant",
                    text=body,
                    sender_id="U1",
                    source_event_id=f"Ev-c-{i}",
                )
        ids.append(row.id)
    return ids


async def _read(runtime: Runtime, tenant_id: uuid.UUID, thread: str) -> float:
    t0 = time.perf_counter()
    items = await conversations.thread_history(
        runtime, tenant_id, channel_type="slack", channel_id="C1", thread_id=thread, limit=50
    )
    elapsed = time.perf_counter() - t0
    if len(items) != THREAD_LENGTH:
        raise RuntimeError(f"read {len(items)} messages of thread {thread}, not {THREAD_LENGTH}")
    return elapsed


async def _measure(app_url: str, tenants: int, rounds: int) -> Result:
    rng = random.Random(20261201)
    runtime = Runtime(
        Settings(
            database_url=app_url,
            redis_url=BENCH_REDIS_URL,
            konstruct_keystore_url=keystore_url(app_url),
            database_pool_size=2,
        )
    )
    try:
        t0 = time.monotonic()
        world = await _seed(runtime, tenants, rng)
        log(f"encrypted_history: seeded {tenants} tenants in {time.monotonic() - t0:.1f}s")
        first = await _read(runtime, world[0], SEALED)
        # Same texts in both arms: the history read must give back exactly what was stored.
        sealed = await conversations.thread_history(
            runtime, world[0], channel_type="slack", channel_id="C1", thread_id=SEALED, limit=50
        )
        clear = await conversations.thread_history(
            runtime, world[0], channel_type="slack", channel_id="C1", thread_id=CLEAR, limit=50
        )
        if [i.text for i in sealed] != [i.text for i in clear]:
            raise RuntimeError("the sealed thread does not read back as the clear one")
        for tenant in world:  # warm-up: pool, statements, every tenant's keyring
            for thread in (SEALED, CLEAR):
                await _read(runtime, tenant, thread)

        samples: dict[str, list[float]] = {SEALED: [], CLEAR: []}
        per_round: list[float] = []
        paired: list[float] = []
        for r in range(rounds):
            got: dict[str, list[float]] = {SEALED: [], CLEAR: []}
            for i in range(ROUND):
                tenant = rng.choice(world)
                order = (SEALED, CLEAR) if (i + r) % 2 == 0 else (CLEAR, SEALED)
                for arm in order:
                    got[arm].append(await _read(runtime, tenant, arm))
                paired.append(got[SEALED][-1] / got[CLEAR][-1])
            per_round.append(median(got[SEALED]) / median(got[CLEAR]))
            for arm, values in got.items():
                samples[arm].extend(values)
            if (r + 1) % 10 == 0:
                log(f"encrypted_history: round {r + 1}/{rounds}")

        # Diagnostics: the decryption alone, and a read whose keyring must be fetched.
        keyring = await runtime.data_keys.keyring(world[0])
        async with runtime.db.tenant_transaction(world[0]) as conn:
            repo = ConversationRepository(conn)
            conversation = await repo.find(channel_type="slack", channel_id="C1", thread_id=SEALED)
            assert conversation is not None
            rows = await repo.newest_messages(conversation, 50)
        open_one = keyring.opener(version=keyring.current, field=FIELD)
        sealed_texts = [row.sealed_text for row in rows]
        opens = []
        for _ in range(200):
            t0 = time.perf_counter()
            for blob in sealed_texts:
                open_one(blob)
            opens.append(time.perf_counter() - t0)
        cold = []
        for tenant in world:
            runtime.data_keys.forget(tenant)
            cold.append(await _read(runtime, tenant, SEALED))
    finally:
        await runtime.close()

    value = round(median(samples[SEALED]) / median(samples[CLEAR]), 4)
    return result(
        "encrypted_history_read_ratio",
        value,
        "ratio",
        target="<= 1.10",
        what="median time of conversations.thread_history(limit=50): a thread sealed with "
        "the tenant's data key / the same 50 messages stored in clear; same path, data keys "
        "cached per process as in the proxy",
        spread=spread(per_round),
        paired_ratio=spread(paired),  # each sealed read / the clear read next to it
        ratio_by_round=[round(x, 4) for x in per_round],
        sealed_ms=summary_ms(samples[SEALED]),
        clear_ms=summary_ms(samples[CLEAR]),
        decrypt_50_messages_us=round(median(opens) * 1e6, 1),
        # The decryption alone against a whole clear read: the ratio it would give with no
        # noise (other costs of the sealed read are the same rows and the same code).
        decrypt_share_of_clear_read=round(median(opens) / median(samples[CLEAR]), 4),
        cold_read_ms=summary_ms(cold),
        first_read_ms=ms(first),
        rounds=rounds,
        round_size=ROUND,
        tenants=tenants,
        message_chars={"user": "40-300", "assistant": "200-1200"},
    )


def run(ctx: Context) -> list[Result]:
    _, app_url = ctx.scratch_database()
    tenants = 5 if ctx.quick else 20
    rounds = 6 if ctx.quick else 30
    return [asyncio.run(_measure(app_url, tenants, rounds))]
