"""The bridge's one settings class: every environment variable it reads is declared here."""

import os
from functools import lru_cache
from typing import Literal

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from policies.env_file import env_file
from policies.threads import ENGAGEMENT_TTL_SECONDS
from policies.tls import plain_transport, redis_url, refuse_plain_transport


class Settings(BaseSettings):
    # A refused value is never echoed in the error: URLs carry passwords.
    model_config = SettingsConfigDict(
        env_file=env_file(os.environ), extra="ignore", hide_input_in_errors=True
    )

    # "production" refuses plain connections to Redis and the proxy (policies/tls.py).
    konstruct_env: Literal["development", "production"] = "development"

    redis_url: str = "redis://127.0.0.1:6379/0"
    konstruct_proxy_url: str = "http://127.0.0.1:4000"
    konstruct_bridge_key: SecretStr = SecretStr("bridge-dev-key-change-me")
    # Where Slack and browsers reach this bridge; the OAuth redirect URI is built from it.
    konstruct_bridge_url: str = "http://127.0.0.1:3001"

    slack_signing_secret: SecretStr = SecretStr("")
    slack_client_id: str = ""
    slack_client_secret: SecretStr = SecretStr("")
    slack_api_url: str = "https://slack.com/api/"
    slack_authorize_url: str = "https://slack.com/oauth/v2/authorize"

    bridge_host: str = "127.0.0.1"
    bridge_port: int = 3001
    bridge_queue: str = "konstruct-bridge"
    # TLS (policies/tls.py): the web process serves HTTPS with TLS 1.3 at least when both
    # files are set; the CA file is what the bridge trusts when it calls an HTTPS proxy.
    konstruct_tls_cert_file: str = ""
    konstruct_tls_key_file: str = ""
    konstruct_tls_ca_file: str = ""

    bridge_engagement_ttl_seconds: int = ENGAGEMENT_TTL_SECONDS
    # A handed-off thread stays quiet this long unless someone mentions the agent.
    bridge_escalation_ttl_seconds: int = 7 * 24 * 3600
    # Longer than Slack's last retry (~5 min after the first delivery).
    bridge_event_dedupe_seconds: int = 3600
    # Each process keeps a workspace this long at most; the proxy's change signal (and a lost
    # subscription) empties it sooner.
    bridge_workspace_cache_seconds: int = 300
    bridge_unknown_workspace_cache_seconds: int = 60
    # Jobs one worker process runs at once (one event loop, one RQ job thread each). A job
    # mostly waits on the agent's answer, so many fit in one process; each costs a thread and
    # a Redis connection.
    bridge_worker_concurrency: int = 64
    # On SIGTERM, running jobs get this long to finish before they are re-queued.
    bridge_worker_shutdown_seconds: float = 10.0
    # A working Slack token is reported to the proxy's connection health at most this often.
    bridge_health_report_seconds: float = 60.0
    bridge_stream_update_seconds: float = 1.0
    # After Slack refuses native streaming for a workspace, its replies use the placeholder
    # this long before streaming is tried again.
    bridge_native_stream_retry_seconds: int = 3600
    bridge_model_timeout_seconds: float = 120.0
    bridge_job_timeout_seconds: int = 300

    # OpenTelemetry traces go here over OTLP/HTTP (a collector's base URL, or the full
    # traces URL); neither set: no spans are recorded or sent.
    otel_exporter_otlp_endpoint: str = ""
    otel_exporter_otlp_traces_endpoint: str = ""

    @field_validator("redis_url")
    @classmethod
    def _redis_tls(cls, value: str) -> str:
        return redis_url(value)

    @model_validator(mode="after")
    def _production_needs_tls(self) -> "Settings":
        if self.konstruct_env == "production":
            problems = plain_transport(
                redis={"REDIS_URL": self.redis_url},
                https={
                    "KONSTRUCT_PROXY_URL": self.konstruct_proxy_url,
                    "KONSTRUCT_BRIDGE_URL": self.konstruct_bridge_url,
                },
            )
            refuse_plain_transport("bridge", problems)
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
