"""Fail early, and say what to do, when Postgres or Redis cannot be reached, and when the
Redis that holds the bridge's queue could lose it (no AOF, or keys evicted under memory
pressure): a warning in development, a failure with KONSTRUCT_ENV=production."""

import asyncio
import sys
from urllib.parse import urlsplit

import asyncpg
import redis

from proxy.core.settings import get_settings
from proxy.migrate import connect

# What a Redis holding queues needs: acked Slack events are on disk and never evicted.
REDIS_DURABILITY_FIX = (
    "  Fix it in redis.conf (then restart Redis):\n"
    "    appendonly yes\n"
    "    appendfsync always\n"
    "    maxmemory-policy noeviction\n"
    "  or at run time (then CONFIG REWRITE to keep it):\n"
    "    redis-cli CONFIG SET appendonly yes\n"
    "    redis-cli CONFIG SET appendfsync always\n"
    "    redis-cli CONFIG SET maxmemory-policy noeviction"
)


def redis_durability_gaps(client: redis.Redis) -> list[str]:
    """What keeps this Redis from holding a queue safely (empty: nothing).

    Read from INFO, which managed services answer even where CONFIG is disabled.
    """
    persistence = client.info("persistence")
    memory = client.info("memory")
    gaps = []
    if str(persistence.get("aof_enabled")) != "1":
        gaps.append("append-only file is off (a restart loses every queued event)")
    policy = str(memory.get("maxmemory_policy"))
    if policy != "noeviction":
        gaps.append(f"maxmemory-policy is {policy} (queued events can be evicted)")
    return gaps


def redis_durability_problem(client: redis.Redis, production: bool) -> tuple[str, bool] | None:
    """The message to print about this Redis's durability and whether it is fatal."""
    gaps = redis_durability_gaps(client)
    if not gaps:
        return None
    level = "ERROR" if production else "WARNING"
    message = (
        f"{level}: Redis at REDIS_URL holds the bridge's queue but "
        + "; ".join(gaps)
        + ".\n"
        + REDIS_DURABILITY_FIX
    )
    if not production:
        message += "\n  (fine for local development; KONSTRUCT_ENV=production refuses to start)"
    return message, production


def where(url: str) -> str:
    """A service URL without its credentials: host, port and database."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname}{port}{parts.path}"


def _database(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    host = "127.0.0.1" if parts.hostname in ("localhost", "::1") else str(parts.hostname)
    return host, parts.port or 5432, parts.path


def database_mismatch(app_url: str, admin_url: str) -> str | None:
    """DATABASE_URL set without DATABASE_ADMIN_URL would migrate one database, serve another."""
    if _database(app_url) == _database(admin_url):
        return None
    return (
        f"DATABASE_URL names {where(app_url)} but DATABASE_ADMIN_URL names {where(admin_url)}.\n"
        "  Both must name the same database: set DATABASE_ADMIN_URL to its owner role (it\n"
        "  migrates and creates the application role that DATABASE_URL logs in as)."
    )


async def _postgres(url: str) -> None:
    conn = await asyncio.wait_for(connect(urlsplit(url)._replace(path="/postgres").geturl()), 5)
    await conn.close()


def main() -> int:
    settings = get_settings()
    problems = []
    mismatch = database_mismatch(settings.database_url, settings.database_admin_url)
    if mismatch is not None:
        problems.append(mismatch)
    try:
        asyncio.run(_postgres(settings.database_admin_url))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        problems.append(
            f"Postgres is not reachable at {where(settings.database_admin_url)} "
            f"(DATABASE_ADMIN_URL; {exc.__class__.__name__}).\n"
            "  Start it:  pg_ctlcluster --skip-systemctl-redirect 15 main start\n"
            "  or point DATABASE_ADMIN_URL / DATABASE_URL at a running server."
        )
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=5)
    try:
        client.ping()
        durability = redis_durability_problem(
            client, production=settings.konstruct_env == "production"
        )
    except redis.RedisError as exc:
        problems.append(
            f"Redis is not reachable at {where(settings.redis_url)} "
            f"(REDIS_URL; {exc.__class__.__name__}).\n"
            "  Start it:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379\n"
            "  or point REDIS_URL at a running server."
        )
    else:
        if durability is not None:
            message, fatal = durability
            if fatal:
                problems.append(message)
            else:
                sys.stderr.write(f"services: {message}\n")
    finally:
        client.close()
    for problem in problems:
        sys.stderr.write(f"services: {problem}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
