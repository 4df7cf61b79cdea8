"""Fail early, and say what to do, when Postgres or Redis cannot be reached."""

import asyncio
import sys

import asyncpg
import redis

from proxy.db.migrate import _plain
from proxy.settings import get_settings


async def _postgres(url: str) -> None:
    base, _, _ = url.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres", timeout=5)
    await conn.close()


def main() -> int:
    settings = get_settings()
    problems = []
    try:
        asyncio.run(_postgres(_plain(settings.database_admin_url)))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        problems.append(
            f"Postgres is not reachable at DATABASE_ADMIN_URL ({exc.__class__.__name__}).\n"
            "  Start it:  pg_ctlcluster --skip-systemctl-redirect 15 main start\n"
            "  or point DATABASE_ADMIN_URL / DATABASE_URL at a running server."
        )
    try:
        redis.Redis.from_url(settings.redis_url, socket_timeout=5).ping()
    except redis.RedisError as exc:
        problems.append(
            f"Redis is not reachable at REDIS_URL ({exc.__class__.__name__}).\n"
            "  Start it:  redis-server --daemonize yes --bind 127.0.0.1 --port 6379\n"
            "  or point REDIS_URL at a running server."
        )
    for problem in problems:
        sys.stderr.write(f"services: {problem}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
