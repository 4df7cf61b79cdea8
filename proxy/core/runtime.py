"""The per-process resources every proxy entry point shares: the database, Redis, the secret box."""

from dataclasses import dataclass
from functools import cached_property

from redis.asyncio import Redis

from proxy.core.crypto import SecretBox
from proxy.core.db.engine import Database
from proxy.core.settings import Settings


@dataclass
class Runtime:
    settings: Settings

    @cached_property
    def db(self) -> Database:
        return Database(self.settings.database_url, pool_size=self.settings.database_pool_size)

    @cached_property
    def redis(self) -> Redis:
        return Redis.from_url(self.settings.redis_url, decode_responses=True)

    @cached_property
    def secrets(self) -> SecretBox:
        return SecretBox.from_spec(self.settings.konstruct_secret_key.get_secret_value())

    async def close(self) -> None:
        if "db" in self.__dict__:
            await self.db.dispose()
        if "redis" in self.__dict__:
            await self.redis.aclose()
