"""The proxy's one settings class: every environment variable it reads is declared here."""

from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # The proxy process hides DATABASE_URL from LiteLLM (which would start its own Prisma
    # database) and passes it on as KONSTRUCT_DATABASE_URL.
    database_url: str = Field(
        default="postgresql://konstruct_app:konstruct_app@127.0.0.1:5432/konstruct",
        validation_alias=AliasChoices("KONSTRUCT_DATABASE_URL", "DATABASE_URL"),
    )
    database_admin_url: str = "postgresql://postgres@127.0.0.1:5432/konstruct"
    database_pool_size: int = 10
    redis_url: str = "redis://127.0.0.1:6379/0"

    konstruct_master_key: SecretStr = SecretStr("sk-konstruct-dev-master-key-change-me")
    konstruct_secret_key: SecretStr = Field(
        default=SecretStr("dev:ZGV2LW9ubHktc2VjcmV0LWtleS0zMi1ieXRlcyEhISE"),
        description="Comma-separated `kid:base64key` list; the first encrypts, all decrypt.",
    )
    konstruct_bridge_key: SecretStr = SecretStr("bridge-dev-key-change-me")
    konstruct_bridge_url: str = "http://127.0.0.1:3001"
    konstruct_operator_token_ttl_seconds: int = 1800
    konstruct_key_cache_seconds: int = 10
    konstruct_login_attempts_per_minute: int = 5
    # Per source address: higher, since a whole office may share one.
    konstruct_login_attempts_per_minute_per_ip: int = 30

    konstruct_admin_email: str = "admin@konstruct.local"
    konstruct_admin_password: SecretStr = SecretStr("")

    proxy_host: str = "127.0.0.1"
    proxy_port: int = 4000
    proxy_workers: int = 1


@lru_cache
def get_settings() -> Settings:
    return Settings()
