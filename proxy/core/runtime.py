"""The per-process resources every proxy entry point shares: the database, Redis, the secret
box, and tenants' data keys (with the key store they are kept in)."""

from dataclasses import dataclass
from functools import cached_property

from redis.asyncio import Redis

from proxy.core.crypto import SecretBox
from proxy.core.datakeys import DataKeys
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

    @cached_property
    def keystore(self) -> Database:
        return Database(self.settings.keystore_url, pool_size=2)

    @cached_property
    def data_keys(self) -> DataKeys:
        return DataKeys(
            self.keystore,
            self.secrets,
            ttl_seconds=self.settings.konstruct_data_key_cache_seconds,
        )

    async def close(self) -> None:
        if "db" in self.__dict__:
            await self.db.dispose()
        if "keystore" in self.__dict__:
            await self.keystore.dispose()
        if "redis" in self.__dict__:
            await self.redis.aclose()
